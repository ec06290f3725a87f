"""Metro 2-shaped tradeline records (fields by name) → contract v2 profile.

Field names are the Metro 2 Base Segment's, in snake case (``docs/adapters.md`` lists them
with the CDIA names). Codes follow the CDIA Credit Reporting Resource Guide as summarised in
DOMAIN [METRO2-CCC][METRO2-SC]; the Payment History Profile goes through
:data:`~credit_closure._contract.history.METRO2_TO_SYMBOL`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from credit_closure._contract.enums import (
    REVOLVING_PRODUCTS,
    AccountStatus,
    InstitutionType,
    LiabilityType,
    ProductType,
)
from credit_closure._contract.history import METRO2_TO_SYMBOL
from credit_closure.adapters._common import AdapterResult, Reader, build, join

__all__ = ["ACCOUNT_STATUS", "ACCOUNT_TYPE_PRODUCT", "from_metro2"]

P = ProductType
#: Account Type code -> product (codes not listed fall back on the Portfolio Type).
ACCOUNT_TYPE_PRODUCT: dict[str, ProductType] = {
    "18": P.CREDIT_CARD,  # credit card
    "0G": P.CREDIT_CARD,  # flexible spending credit card
    "2A": P.CREDIT_CARD,  # secured credit card
    "8A": P.CREDIT_CARD,  # business credit card (personal liability)
    "07": P.REVOLVING_CONSUMER,  # charge account
    "15": P.CASH_LOAN,  # line of credit
    "47": P.CASH_LOAN,  # credit line secured
    "8B": P.OVERDRAFT,  # deposit account with overdraft protection
    "00": P.INSTALLMENT,  # auto
    "01": P.INSTALLMENT,  # unsecured
    "02": P.INSTALLMENT,  # secured
    "03": P.INSTALLMENT,  # partially secured
    "06": P.INSTALLMENT,  # installment sales contract
    "12": P.INSTALLMENT,  # education loan
    "3A": P.INSTALLMENT,  # auto lease
    "08": P.MORTGAGE,  # real estate, specific type unknown
    "19": P.MORTGAGE,  # FHA real estate mortgage
    "25": P.MORTGAGE,  # VA real estate mortgage
    "26": P.MORTGAGE,  # conventional real estate mortgage
    "5A": P.MORTGAGE,  # real estate junior liens
    "10": P.BUSINESS_LOAN,  # business loan (personal liability)
    "48": P.OTHER,  # collection agency / attorney
    "0C": P.OTHER,  # debt buyer
}
#: Account types whose furnisher is a collector or debt buyer.
_COLLECTORS = frozenset({"48", "0C"})
#: Portfolio Type -> product when the Account Type does not decide it.
PORTFOLIO_PRODUCT: dict[str, ProductType] = {
    "R": P.REVOLVING_CONSUMER,
    "C": P.CASH_LOAN,
    "I": P.INSTALLMENT,
    "M": P.MORTGAGE,
    "O": P.OTHER,
}
S = AccountStatus
#: Account Status code -> (status, the month's Payment History code it implies or None,
#: termination of a closure: "normal", "abnormal" or None).
ACCOUNT_STATUS: dict[str, tuple[AccountStatus, str | None, str | None]] = {
    "11": (S.OPEN, "0", None),  # current
    "71": (S.OVERDUE, "1", None),  # 30-59 days past due
    "78": (S.OVERDUE, "2", None),  # 60-89
    "80": (S.OVERDUE, "3", None),  # 90-119
    "82": (S.OVERDUE, "4", None),  # 120-149
    "83": (S.OVERDUE, "5", None),  # 150-179
    "84": (S.OVERDUE, "6", None),  # 180 or more
    "13": (S.CLOSED, None, "normal"),  # paid or closed, zero balance
    "05": (S.TRANSFERRED, None, None),  # transferred
    "61": (S.CLOSED, None, "abnormal"),  # paid in full, was a voluntary surrender
    "62": (S.CLOSED, None, "abnormal"),  # paid in full, was a collection account
    "63": (S.CLOSED, None, "abnormal"),  # paid in full, was a repossession
    "64": (S.CLOSED, None, "abnormal"),  # paid in full, was a charge-off
    "65": (S.CLOSED, None, "abnormal"),  # paid in full, a foreclosure was started
    "89": (S.CLOSED, None, "abnormal"),  # deed received in lieu of foreclosure
    "94": (S.CLOSED, None, "abnormal"),  # foreclosure completed
    "95": (S.CLOSED, None, "abnormal"),  # voluntary surrender
    "96": (S.CLOSED, None, "abnormal"),  # merchandise repossessed
    "93": (S.CHARGED_OFF, None, None),  # assigned to internal or external collections
    "97": (S.CHARGED_OFF, None, None),  # unpaid balance reported as a loss (charge-off)
}
#: ECOA Code -> liability (T, X, W, Z are listed as unmapped).
ECOA: dict[str, LiabilityType] = {
    "1": LiabilityType.INDIVIDUAL,
    "2": LiabilityType.JOINT,
    "3": LiabilityType.AUTHORIZED_USER,
    "5": LiabilityType.GUARANTOR,  # co-maker
    "7": LiabilityType.GUARANTOR,  # maker
}
#: Compliance Condition Codes of a closure at the consumer's request (DOMAIN [METRO2-CCC]).
CONSUMER_CLOSURE_CCC = frozenset({"XA", "XD", "XE", "XJ"})
#: Special Comment -> closure initiator (DOMAIN [METRO2-SC]).
CLOSURE_SC: dict[str, str] = {
    "M": "lender_risk",  # closed at the credit grantor's request
    "CI": "lender_inactivity",  # closed due to inactivity
    "AS": "refinanced",  # closed due to refinance
    "AT": "transferred",  # closed due to transfer
}

_NO_HOME = "contract v2 has no field for it"
_PERSONAL = "personal data: the contract is pseudonymous (the caller gives subject_id)"
_MAPPED = frozenset(
    {
        "consumer_account_number", "identification_number", "portfolio_type", "account_type",
        "date_opened", "credit_limit", "highest_credit", "current_balance", "amount_past_due",
        "account_status", "payment_rating", "payment_history_profile", "special_comment",
        "compliance_condition_code", "date_of_account_information",
        "date_of_first_delinquency", "date_closed", "date_of_last_payment", "ecoa_code",
    }
)  # fmt: skip
_MECHANICS = ("record_descriptor_word", "processing_indicator", "time_stamp",
              "correction_indicator", "cycle_identifier")  # fmt: skip
_PERSONAL_FIELDS = (
    "surname", "first_name", "middle_name", "generation_code", "social_security_number",
    "date_of_birth", "telephone_number", "country_code", "first_line_of_address",
    "second_line_of_address", "city", "state", "zip_code", "address_indicator",
    "residence_code",
)  # fmt: skip
_UNMAPPED: dict[str, str] = {
    **dict.fromkeys(_MECHANICS, "record mechanics, not credit data"),
    **dict.fromkeys(_PERSONAL_FIELDS, _PERSONAL),
    "terms_duration": f"{_NO_HOME} (loan term)",
    "terms_frequency": _NO_HOME,
    "scheduled_monthly_payment_amount": f"{_NO_HOME} (payment ratios)",
    "actual_payment_amount": f"{_NO_HOME} (payment ratios)",
    "original_charge_off_amount": _NO_HOME,
    "interest_type_indicator": _NO_HOME,
    "consumer_transaction_type": _NO_HOME,
    "consumer_information_indicator": f"{_NO_HOME} (a bankruptcy indicator carries no date for a public record)",
    "j1": "associated consumer (J1): another person, not the subject",
    "j2": "associated consumer (J2): another person, not the subject",
    "k1": f"original creditor name (K1): {_NO_HOME}",
    "k2": f"purchased from / sold to (K2): {_NO_HOME}",
    "k3": f"mortgage information (K3): {_NO_HOME}",
    "k4": f"specialized payment information (K4): {_NO_HOME}",
    "l1": f"account number / identification number change (L1): {_NO_HOME}",
    "n1": f"employment (N1): {_PERSONAL}",
}


def _str_code(r: Reader, got: dict[str, tuple[Any, str]], key: str) -> None:
    """Refuse a code that is neither a string nor null (so the tables can be asked)."""
    if key in got and got[key][0] is not None and not isinstance(got[key][0], str):
        r.problem(got[key][1], "must be a code (a string)")
        del got[key]


def _month_before(iso: str) -> str:
    d = _dt.date.fromisoformat(iso)
    y, m = divmod(d.year * 12 + d.month - 2, 12)
    return _dt.date(y, m + 1, 1).isoformat()


def _history(
    r: Reader, got: dict[str, tuple[Any, str]], current: str | None, cpath: str, acc: dict[str, Any]
) -> None:
    """Payment History Profile (most recent month first, the month before the Date of Account
    Information) + the current month's code -> ``repayment_history`` (oldest first)."""
    php, path = got["payment_history_profile"]
    if not isinstance(php, str) or not 1 <= len(php) <= 24:
        r.problem(path, "must be a string of 1 to 24 Payment History Profile codes")
        return
    symbols = []
    for i, ch in enumerate(php):
        if ch not in METRO2_TO_SYMBOL:
            r.problem(f"{path}[{i}]", f"{ch!r} is not a Payment History Profile code")
        symbols.append(METRO2_TO_SYMBOL.get(ch, "#"))
    r.used(path, f"{cpath}.repayment_history")
    doai = got.get("date_of_account_information")
    end = r.date(*doai) if doai else None
    if end is None:
        if doai is None or doai[0] is None:
            r.problem(
                join(path.rsplit(".", 1)[0], "date_of_account_information"),
                "is required with payment_history_profile",
            )
        return
    history = "".join(reversed(symbols))
    if current is not None:
        history += METRO2_TO_SYMBOL[current]
    acc["repayment_history"] = history
    acc["history_end"] = end if current is not None else _month_before(end)


def _pick_product(
    r: Reader, got: dict[str, tuple[Any, str]], path: str, cpath: str
) -> ProductType | None:
    product = None
    if "portfolio_type" in got:
        product = r.code(*got["portfolio_type"], PORTFOLIO_PRODUCT, f"{cpath}.product")
    if "account_type" in got:
        value, p = got["account_type"]
        if isinstance(value, str) and value in ACCOUNT_TYPE_PRODUCT:
            r.used(p, f"{cpath}.product")
            product = ACCOUNT_TYPE_PRODUCT[value]
        elif product is not None:
            r.skip(
                p, "account type code not in the adapter's table; product taken from portfolio_type"
            )
        else:
            r.code(value, p, ACCOUNT_TYPE_PRODUCT, f"{cpath}.product")
    if product is None and "portfolio_type" not in got and "account_type" not in got:
        r.problem(join(path, "portfolio_type"), "is required (or a known account_type)")
    return product


def _closure_codes(
    r: Reader, got: dict[str, tuple[Any, str]], acc: dict[str, Any], closing: bool
) -> str | None:
    """Special Comment and Compliance Condition Code -> closure initiator, status ``suspended``
    (AP) or a debt-relief special transaction (AU); what has no home is listed unmapped."""
    initiator = None
    if "compliance_condition_code" in got:
        code, p = got["compliance_condition_code"]
        if code in CONSUMER_CLOSURE_CCC and closing:
            r.used(p)
            initiator = "consumer"
        elif code in CONSUMER_CLOSURE_CCC:
            r.skip(
                p,
                "closed at the consumer's request, but the tradeline has no closure (date_closed)",
            )
        elif code is None:
            r.used(p)
        else:
            r.skip(p, f"compliance condition {code!r} (a dispute state): {_NO_HOME}")
    if "special_comment" in got:
        code, p = got["special_comment"]
        if code in CLOSURE_SC and closing and initiator is None:
            r.used(p)
            initiator = CLOSURE_SC[code]
        elif code in CLOSURE_SC and closing:
            r.skip(p, "the closure initiator is already given by compliance_condition_code")
        elif code in CLOSURE_SC:
            r.skip(p, "a closure code, but the tradeline has no closure (date_closed)")
        elif code == "AP" and acc.get("status") == "open":
            r.used(p)
            acc["status"] = "suspended"
        elif code == "AU" and (acc.get("closed_on") or acc.get("history_end")):
            r.used(p)
            on = acc.get("closed_on") or acc["history_end"]
            acc.setdefault("special_transactions", []).append({"kind": "debt_relief", "on": on})
        elif code is None:
            r.used(p)
        else:
            r.skip(p, f"special comment {code!r}: {_NO_HOME} here")
    return initiator


def _tradeline(
    r: Reader, rec: Mapping[str, Any], path: str, cpath: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """One base segment (with its appended segments) -> (account, closure event or None)."""
    r.where[cpath] = path
    got = r.fields(rec, path, _MAPPED, _UNMAPPED, "Metro 2 base segment")

    def v(key: str) -> tuple[Any, str]:
        return got.get(key, (None, join(path, key)))

    def c(field: str) -> str:
        return f"{cpath}.{field}"

    for key in ("compliance_condition_code", "special_comment", "ecoa_code", "payment_rating"):
        _str_code(r, got, key)
    for key in ("consumer_account_number", "account_status"):
        if key not in got:
            r.problem(join(path, key), "is required")
    product = _pick_product(r, got, path, cpath)
    status = r.code(*v("account_status"), ACCOUNT_STATUS, c("status"))
    acc: dict[str, Any] = {
        "account_id": r.text(*v("consumer_account_number"), c("account_id")),
        "product": str(product) if product else None,
        "status": str(status[0]) if status else None,
        "provider": r.text(*v("identification_number"), c("provider")),
        "opened_on": r.date(*v("date_opened"), c("opened_on")),
        "closed_on": r.date(*v("date_closed"), c("closed_on")),
        "credit_limit": r.number(*v("credit_limit"), c("credit_limit")),
        "balance": r.number(*v("current_balance"), c("balance")),
        "current_overdue_amount": r.number(*v("amount_past_due"), c("current_overdue_amount")),
        "first_delinquency_on": r.date(*v("date_of_first_delinquency"), c("first_delinquency_on")),
        "last_payment_on": r.date(*v("date_of_last_payment"), c("last_payment_on")),
        "liability": None,
    }
    revolving = product in REVOLVING_PRODUCTS
    if "highest_credit" in got:
        if revolving or acc["credit_limit"] is not None:
            r.skip(
                got["highest_credit"][1],
                "highest balance of a line: the contract keeps its credit_limit",
            )
        else:  # a loan's original amount is its limit
            acc["credit_limit"] = r.number(*v("highest_credit"), c("credit_limit"))
    if "ecoa_code" in got:
        code, p = got["ecoa_code"]
        if code in ECOA:
            r.used(p, c("liability"))
            acc["liability"] = str(ECOA[code])
        else:
            r.skip(p, f"ECOA code {code!r} (terminated, deceased, business or delete): {_NO_HOME}")
    if str(got.get("account_type", ("",))[0]) in _COLLECTORS:
        # a collector's or debt buyer's Date Opened is when it took the debt, after the Date
        # of First Delinquency (the original creditor's): the contract accepts that order on
        # a collection_agency account, so both dates are kept
        acc["institution_type"] = str(InstitutionType.COLLECTION_AGENCY)
    current = status[1] if status else None
    if "payment_rating" in got:
        rating, p = got["payment_rating"]
        if current is None and rating in METRO2_TO_SYMBOL and "payment_history_profile" in got:
            r.used(p, c("repayment_history"))
            current = rating
        elif current is None and rating is not None and rating not in METRO2_TO_SYMBOL:
            r.code(rating, p, METRO2_TO_SYMBOL)
        else:
            r.skip(
                p, "the account status gives this month, or there is no payment history to date it"
            )
    if "payment_history_profile" in got:
        _history(r, got, current, cpath, acc)
    elif "date_of_account_information" in got:
        r.skip(
            got["date_of_account_information"][1], "used only to date the payment history profile"
        )
    acc = {k: x for k, x in acc.items() if x is not None}
    closing = bool(acc.get("closed_on")) and acc.get("status") in ("closed", "transferred")
    initiator = _closure_codes(r, got, acc, closing)
    if not closing:
        return acc, None
    closure: dict[str, Any] = {"account_id": acc.get("account_id"), "closed_on": acc["closed_on"]}
    if acc["status"] == "transferred":
        closure["initiator"] = initiator or "transferred"
    else:
        closure["kind"] = "line_closure" if revolving else "settlement"
        closure["termination"] = status[2] if status else None
        if initiator is None and status and status[2] == "normal" and not revolving:
            initiator = "paid_as_agreed"
        closure["initiator"] = initiator or "unknown"
    return acc, {k: x for k, x in closure.items() if x is not None}


_TOP_UNMAPPED = {
    "header": "header record (furnisher, reporting period): not about the subject's credit",
    "trailer": "trailer record (totals): not about the subject's credit",
}


def from_metro2(document: Any, *, subject_id: str) -> AdapterResult:
    """Map Metro 2-shaped tradeline records to a contract v2 profile.

    Args:
        document: ``{"tradelines": [base segment, ...]}`` (optionally with ``header`` and
            ``trailer``), each base segment an object whose keys are the Metro 2 field names
            of ``docs/adapters.md``; appended segments (``j1``, ``j2``, ``k1``-``k4``, ``l1``,
            ``n1``) nest in it.
        subject_id: The pseudonymous subject id to give the profile.

    Returns:
        An :class:`~credit_closure.adapters.AdapterResult`.

    Raises:
        InvalidInputError: listing every problem, each named by its path in ``document``.

    Example:
        >>> from credit_closure.adapters import from_metro2
        >>> res = from_metro2({"tradelines": [{
        ...     "consumer_account_number": "t1", "account_type": "00", "portfolio_type": "I",
        ...     "account_status": "13", "highest_credit": 18000, "current_balance": 0,
        ...     "date_opened": "2019-01-15", "date_closed": "2024-01-20"}]}, subject_id="s")
        >>> c = res.profile.closures[0]
        >>> c.kind.value, c.initiator.value
        ('settlement', 'paid_as_agreed')
    """
    r = Reader()
    top = r.obj(document, "") or {}
    got = r.fields(top, "", frozenset({"tradelines"}), _TOP_UNMAPPED, "Metro 2 document")
    accounts: list[dict[str, Any]] = []
    closures: list[dict[str, Any]] = []
    r.where.update(accounts="tradelines", closures="tradelines")
    if "tradelines" not in got:
        r.problem("tradelines", "is required")
    else:
        records, p = got["tradelines"]
        for i, rec in enumerate(r.arr(records, p)):
            m = r.obj(rec, join(p, i))
            if m is None:
                continue
            acc, closure = _tradeline(r, m, join(p, i), f"accounts[{len(accounts)}]")
            accounts.append(acc)
            if closure is not None:
                r.where[f"closures[{len(closures)}]"] = join(p, i)
                closures.append(closure)
    doc = {
        "contract_version": 2,
        "subject_id": subject_id,
        "accounts": accounts,
        "closures": closures,
    }
    return build(r, doc)
