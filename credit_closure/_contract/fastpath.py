"""The fast reader of profile documents: each value checked once, records built unchecked.

:func:`read_profile` reads a v1 or v2 profile document that is valid in the plain way real
documents are (``dict`` objects, ``list`` arrays, ``str``/``int``/``float`` values, as
``json.loads`` gives them): it checks every value once, against the same rules as the
records' own checks, and builds the records with their slots' setters, without running their
validators a second time. At the first value it does not accept, or any input of another
shape (a numpy number, a ``Decimal``, a ``datetime``, a mapping that is not a ``dict``), it
*declines* (returns ``None``) and the strict reader (:mod:`credit_closure._contract.documents`)
reads the document as before, reporting every problem with its path. So the fast reader never
decides what an error says, and never accepts what the strict reader refuses: the objects it
builds equal the strict reader's (tests/test_contract_fastpath.py checks both by property).

Every rule here mirrors a check in :mod:`~credit_closure._contract.model`,
:mod:`~credit_closure._contract.records` or :mod:`~credit_closure._contract.versioning`;
a change to one of them must be made here too (the property tests fail otherwise).
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from typing import Any

from credit_closure._contract.attributes import Attributes
from credit_closure._contract.checks import _BAD_TEXT_RE, _DATETIME_RE, _SURROGATE_RE
from credit_closure._contract.checks import Limits as _L
from credit_closure._contract.enums import (
    V1_STATUS,
    AccountStatus,
    ActivityKind,
    ClosureInitiator,
    ClosureKind,
    ClosureReason,
    GuaranteedParty,
    InquiryKind,
    InstitutionType,
    LiabilityType,
    LoanClassification,
    ProductType,
    PublicRecordKind,
    PublicRecordStatus,
    SpecialTransactionKind,
    TerminationKind,
)
from credit_closure._contract.history import HISTORY_SYMBOLS, MAX_HISTORY_MONTHS, history_summary
from credit_closure._contract.model import (
    _OPEN_EQUIVALENT,
    ActivityRecord,
    ClosureEvent,
    CreditAccount,
    CreditProfile,
    Inquiry,
)
from credit_closure._contract.records import (
    MAX_GUARANTEES,
    MAX_LIMIT_CHANGES,
    MAX_OVERDUE_PERIODS,
    MAX_PUBLIC_RECORDS,
    MAX_SPECIAL_TRANSACTIONS,
    Guarantee,
    LimitChange,
    PublicRecord,
    SpecialTransaction,
    first_delinquency_may_precede_opening,
    summary_problems,
)

__all__ = ["read_profile"]


class _Decline(Exception):
    """The fast reader leaves this document to the strict reader."""


#: What a declined value raises on its way out: our own signal, a failed table look-up
#: (``KeyError``; ``TypeError`` for an unhashable value), a date that does not exist
#: (``ValueError``), a date-time out of range once in UTC (``OverflowError``).
_DECLINED = (_Decline, KeyError, TypeError, ValueError, OverflowError)


def _table(members: Any) -> dict[Any, Any]:
    return {m.value: m for m in members}


def _v1(cls: type[enum.Enum], n: int) -> dict[Any, Any]:
    return _table(list(cls)[:n])


# (v1 codes, v2 codes) of the enum fields contract v2 extended; one table elsewhere
_PRODUCTS = (_v1(ProductType, 7), _table(ProductType))
_STATUSES = (_v1(AccountStatus, 5), _table(AccountStatus))
_INITIATORS = (_v1(ClosureInitiator, 6), _table(ClosureInitiator))
_INQUIRY_KINDS = (_v1(InquiryKind, 6), _table(InquiryKind))
_REASONS = _table(ClosureReason)
_TERMINATIONS = _table(TerminationKind)
_ACTIVITY_KINDS = _table(ActivityKind)
_CLASSIFICATIONS = _table(LoanClassification)
_LIABILITIES = _table(LiabilityType)
_INSTITUTIONS = _table(InstitutionType)
_CLOSURE_KINDS = _table(ClosureKind)
_SPECIAL_KINDS = _table(SpecialTransactionKind)
_PARTIES = _table(GuaranteedParty)
_RECORD_KINDS = _table(PublicRecordKind)
_RECORD_STATUSES = _table(PublicRecordStatus)
_ALL_INITIATORS = _INITIATORS[1]
_ALL_STATUSES = _STATUSES[1]

_V1_ACCOUNT = frozenset(
    (
        "account_id", "product", "status", "provider", "opened_on", "closed_on",
        "credit_limit", "balance", "worst_dpd_24m", "months_delinquent_24m",
        "max_consecutive_delinquent_24m",
    )
)  # fmt: skip
_V2_ACCOUNT = _V1_ACCOUNT | {
    "classification", "liability", "institution_type", "current_overdue_amount",
    "current_overdue_periods", "first_delinquency_on", "last_payment_on", "repayment_history",
    "history_end", "overdue_amounts", "special_transactions", "limit_history",
}  # fmt: skip
_V1_CLOSURE = frozenset(
    (
        "account_id", "closed_on", "initiator", "reason", "termination", "balance_at_closure",
        "limit_at_closure", "worst_dpd_6m_before",
    )
)  # fmt: skip
_CLOSURE_KEYS = (_V1_CLOSURE, _V1_CLOSURE | {"kind"})
_INQUIRY_KEYS = (frozenset(("on", "kind")), frozenset(("on", "kind", "institution_type")))
_ACTIVITY_KEYS = frozenset(("account_id", "at", "kind"))
_V1_PROFILE = frozenset(
    (
        "subject_id",
        "accounts",
        "closures",
        "inquiries",
        "activity",
        "attributes",
        "contract_version",
    )
)
_PROFILE_KEYS = (_V1_PROFILE, _V1_PROFILE | {"guarantees", "public_records", "currency"})
_CURRENCY = re.compile(r"[A-Z]{3}").fullmatch
_SPECIAL_KEYS = frozenset(("kind", "on", "amount", "months"))
_LIMIT_KEYS = frozenset(("on", "limit", "initiator"))
_GUARANTEE_KEYS = frozenset(
    (
        "guarantee_id", "party", "amount", "balance", "classification", "status",
        "institution_type", "opened_on", "ends_on", "overdue_amount",
    )
)  # fmt: skip
_RECORD_KEYS = frozenset(("kind", "on", "amount", "status"))
_SYMBOLS = frozenset(HISTORY_SYMBOLS)

_CLOSED = AccountStatus.CLOSED
_OPEN_LIKE = _OPEN_EQUIVALENT | {AccountStatus.OPEN}
_SCORED_OPEN = frozenset(s for s, v1 in V1_STATUS.items() if v1 is AccountStatus.OPEN)
_UNKNOWN_INITIATOR = ClosureInitiator.UNKNOWN
_UNKNOWN_REASON = ClosureReason.UNKNOWN
_UNKNOWN_RECORD = PublicRecordStatus.UNKNOWN
_MIN_DATE = _L.MIN_DATE
_MAX_AMOUNT = _L.MAX_AMOUNT
_MAX_DPD = _L.MAX_DPD
_MAX_ID = _L.MAX_ID_LENGTH
_DATETIME_MATCH = _DATETIME_RE.match
_FROM_ISO = _dt.date.fromisoformat
_DATETIME_FROM_ISO = _dt.datetime.fromisoformat
_UTC = _dt.timezone.utc
_DATE = _dt.date
_new = object.__new__
_EXACT = 2**53


def _setters(cls: type) -> tuple[Any, ...]:
    import attrs

    return tuple(cls.__dict__[f.name].__set__ for f in attrs.fields(cls))


# the slots' setters, in each class's field order (checked against attrs.fields at import)
(
    _a_id, _a_product, _a_status, _a_provider, _a_opened, _a_closed, _a_limit, _a_balance,
    _a_dpd, _a_months, _a_consec, _a_class, _a_liability, _a_institution, _a_overdue,
    _a_periods, _a_first, _a_last_pay, _a_history, _a_end, _a_amounts, _a_special, _a_limits,
) = _setters(CreditAccount)  # fmt: skip
(
    _c_id, _c_closed, _c_initiator, _c_reason, _c_termination, _c_balance, _c_limit, _c_dpd,
    _c_kind,
) = _setters(ClosureEvent)  # fmt: skip
_q_on, _q_kind, _q_institution = _setters(Inquiry)
_r_id, _r_at, _r_kind = _setters(ActivityRecord)
(
    _p_subject, _p_accounts, _p_closures, _p_inquiries, _p_activity, _p_attributes,
    _p_guarantees, _p_records, _p_currency, _p_version, _p_latest,
) = _setters(CreditProfile)  # fmt: skip
_s_kind, _s_on, _s_amount, _s_months = _setters(SpecialTransaction)
_l_on, _l_limit, _l_initiator = _setters(LimitChange)
_g_setters = _setters(Guarantee)
_pr_kind, _pr_on, _pr_amount, _pr_status = _setters(PublicRecord)


def _date(value: Any) -> _dt.date:
    """A ``YYYY-MM-DD`` string as its date (declined: any other value, a date that does not
    exist, a date before the contract's first)."""
    # ten characters with dashes at 4 and 7 that ``date.fromisoformat`` accepts are exactly
    # the ``YYYY-MM-DD`` dates of ``checks._DATE_RE`` (it reads ten ASCII bytes, the week
    # form ``YYYY-Www-D`` has a digit at 7): the regex is not needed
    if value.__class__ is not str or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise _Decline
    day = _FROM_ISO(value)
    if day < _MIN_DATE:
        raise _Decline
    return day


def _amount(value: Any) -> Any:
    """An amount: an ``int`` or ``float`` in 0..MAX_AMOUNT (NaN and infinities fail the
    comparison)."""
    c = value.__class__
    if (c is int or c is float) and 0 <= value <= _MAX_AMOUNT:
        return value
    raise _Decline


def _int(value: Any, hi: int, lo: int = 0) -> int:
    if value.__class__ is int and lo <= value <= hi:
        return value
    raise _Decline


def _items(value: Any, limit: int) -> Any:
    """An array (a ``list`` or ``tuple``) of at most ``limit`` items; ``None`` is empty."""
    if value is None:
        return ()
    c = value.__class__
    if (c is list or c is tuple) and len(value) <= limit:
        return value
    raise _Decline


def _id(value: Any, texts: list[str]) -> str:
    if value.__class__ is str and 0 < len(value) <= _MAX_ID:
        texts.append(value)
        return value
    raise _Decline


def _account(d: Any, v2: int, dates: list[_dt.date], texts: list[str]) -> CreditAccount:
    if d.__class__ is not dict:
        raise _Decline
    extra = not _V1_ACCOUNT.issuperset(d)
    if extra and not (v2 and _V2_ACCOUNT.issuperset(d)):
        raise _Decline
    get = d.get
    aid = get("account_id")
    if aid.__class__ is not str or not 0 < len(aid) <= _MAX_ID:
        raise _Decline
    texts.append(aid)
    product = _PRODUCTS[v2][get("product")]
    status = _STATUSES[v2][get("status")]
    provider = get("provider")
    if provider is not None:
        if provider.__class__ is not str or not 0 < len(provider) <= 64:
            raise _Decline
        texts.append(provider)
    opened = get("opened_on")
    if opened is not None:
        opened = _date(opened)
        dates.append(opened)
    closed = get("closed_on")
    if closed is not None:
        closed = _date(closed)
        dates.append(closed)
        if opened is not None and closed < opened:
            raise _Decline
        if status in _OPEN_LIKE:
            raise _Decline
    elif status is _CLOSED:
        raise _Decline
    limit = get("credit_limit")
    if limit is not None:
        c = limit.__class__
        if not ((c is int or c is float) and 0 <= limit <= _MAX_AMOUNT):
            raise _Decline
    balance = get("balance")
    if balance is not None:
        c = balance.__class__
        if not ((c is int or c is float) and 0 <= balance <= _MAX_AMOUNT):
            raise _Decline
    worst = get("worst_dpd_24m")
    if worst is not None:
        _int(worst, _MAX_DPD)
    months = get("months_delinquent_24m")
    if months is not None:
        _int(months, 24)
    consec = get("max_consecutive_delinquent_24m")
    if consec is not None:
        _int(consec, 24)
        if months is not None and consec > months:
            raise _Decline
    new = _new(CreditAccount)
    _a_id(new, aid)
    _a_product(new, product)
    _a_status(new, status)
    _a_provider(new, provider)
    _a_opened(new, opened)
    _a_closed(new, closed)
    _a_limit(new, limit)
    _a_balance(new, balance)
    _a_dpd(new, worst)
    _a_months(new, months)
    _a_consec(new, consec)
    if extra:
        _account_v2(new, get, opened, dates)
    else:
        _a_class(new, None)
        _a_liability(new, None)
        _a_institution(new, None)
        _a_overdue(new, None)
        _a_periods(new, None)
        _a_first(new, None)
        _a_last_pay(new, None)
        _a_history(new, None)
        _a_end(new, None)
        _a_amounts(new, None)
        _a_special(new, ())
        _a_limits(new, ())
    return new


def _optional(get: Any, key: str, table: dict[str, Any]) -> Any:
    value = get(key)
    return None if value is None else table[value]


def _account_v2(new: CreditAccount, get: Any, opened: Any, dates: list[_dt.date]) -> None:
    """The v2 fields of an account (``new`` has its v1 fields set)."""
    v = get("classification")
    _a_class(new, v if v is None else _CLASSIFICATIONS[v])
    v = get("liability")
    _a_liability(new, v if v is None else _LIABILITIES[v])
    institution = get("institution_type")
    if institution is not None:
        institution = _INSTITUTIONS[institution]
    _a_institution(new, institution)
    v = get("current_overdue_amount")
    _a_overdue(new, v if v is None else _amount(v))
    v = get("current_overdue_periods")
    _a_periods(new, v if v is None else _int(v, MAX_OVERDUE_PERIODS))
    first = get("first_delinquency_on")
    if first is not None:
        first = _date(first)
        dates.append(first)
        if (
            opened is not None
            and first < opened
            and not first_delinquency_may_precede_opening(institution)
        ):
            raise _Decline
    _a_first(new, first)
    last_pay = get("last_payment_on")
    if last_pay is not None:
        last_pay = _date(last_pay)
        dates.append(last_pay)
    _a_last_pay(new, last_pay)
    history = get("repayment_history")
    end = get("history_end")
    amounts = get("overdue_amounts")
    if history is None:
        if end is not None or amounts is not None:
            raise _Decline
    else:
        if (
            history.__class__ is not str
            or not 0 < len(history) <= MAX_HISTORY_MONTHS
            or not _SYMBOLS.issuperset(history)
        ):
            raise _Decline
        end = _date(end)  # required with the history
        dates.append(end)
        if amounts is not None:
            c = amounts.__class__
            if not (c is list or c is tuple) or len(amounts) != len(history):
                raise _Decline
            amounts = tuple([v if v is None else _amount(v) for v in amounts])
    _a_history(new, history)
    _a_end(new, end)
    _a_amounts(new, amounts)
    v = get("special_transactions")
    _a_special(
        new,
        ()
        if v is None
        else tuple([_special(t, dates) for t in _items(v, MAX_SPECIAL_TRANSACTIONS)]),
    )
    v = get("limit_history")
    _a_limits(
        new,
        () if v is None else tuple([_limit_change(c, dates) for c in _items(v, MAX_LIMIT_CHANGES)]),
    )
    if history is not None:
        _agree_and_derive(new, history)


def _agree_and_derive(new: CreditAccount, history: str) -> None:
    """Decline summaries that contradict the history (the rules of
    :func:`~credit_closure._contract.history.history_problems`), then fill in the absent
    ones from a fully known window (:func:`~credit_closure._contract.model._derive_summaries`)."""
    months, run, level, unknown, _ = history_summary(history)
    m = new.months_delinquent_24m
    if m is not None and not months <= m <= months + unknown:
        raise _Decline
    c = new.max_consecutive_delinquent_24m
    if c is not None and not run <= c <= run + unknown:
        raise _Decline
    w = new.worst_dpd_24m
    lowest = 0 if level == 0 else 1 + 30 * (level - 1)
    if w is not None:
        # at least the worst symbol's fewest days; in a known window, at most its most + 30
        if w < lowest or (unknown == 0 and level < 7 and w > 30 * level + 30):
            raise _Decline
    if unknown == 0:
        if w is None:
            _a_dpd(new, lowest)
        if m is None:
            _a_months(new, months)
        if c is None:
            _a_consec(new, run)


def _special(d: Any, dates: list[_dt.date]) -> SpecialTransaction:
    if d.__class__ is not dict or not _SPECIAL_KEYS.issuperset(d):
        raise _Decline
    get = d.get
    new = _new(SpecialTransaction)
    _s_kind(new, _SPECIAL_KINDS[get("kind")])
    on = _date(get("on"))
    dates.append(on)
    _s_on(new, on)
    amount = get("amount")
    _s_amount(new, None if amount is None else _amount(amount))
    months = get("months")
    _s_months(new, None if months is None else _int(months, 600, 1))
    return new


def _limit_change(d: Any, dates: list[_dt.date]) -> LimitChange:
    if d.__class__ is not dict or not _LIMIT_KEYS.issuperset(d):
        raise _Decline
    get = d.get
    new = _new(LimitChange)
    on = _date(get("on"))
    dates.append(on)
    _l_on(new, on)
    _l_limit(new, _amount(get("limit")))
    initiator = get("initiator")
    _l_initiator(new, _UNKNOWN_INITIATOR if initiator is None else _ALL_INITIATORS[initiator])
    return new


def _closure(d: Any, v2: int, dates: list[_dt.date], texts: list[str]) -> ClosureEvent:
    if d.__class__ is not dict or not _CLOSURE_KEYS[v2].issuperset(d):
        raise _Decline
    get = d.get
    new = _new(ClosureEvent)
    _c_id(new, _id(get("account_id"), texts))
    closed = _date(get("closed_on"))
    dates.append(closed)
    _c_closed(new, closed)
    initiator = get("initiator")
    _c_initiator(new, _UNKNOWN_INITIATOR if initiator is None else _INITIATORS[v2][initiator])
    reason = get("reason")
    _c_reason(new, _UNKNOWN_REASON if reason is None else _REASONS[reason])
    _c_termination(new, _optional(get, "termination", _TERMINATIONS))
    balance = get("balance_at_closure")
    _c_balance(new, None if balance is None else _amount(balance))
    limit = get("limit_at_closure")
    _c_limit(new, None if limit is None else _amount(limit))
    dpd = get("worst_dpd_6m_before")
    _c_dpd(new, None if dpd is None else _int(dpd, _MAX_DPD))
    _c_kind(new, _optional(get, "kind", _CLOSURE_KINDS) if v2 else None)
    return new


def _inquiry(d: Any, v2: int, dates: list[_dt.date]) -> Inquiry:
    if d.__class__ is not dict or not _INQUIRY_KEYS[v2].issuperset(d):
        raise _Decline
    get = d.get
    new = _new(Inquiry)
    on = _date(get("on"))
    dates.append(on)
    _q_on(new, on)
    _q_kind(new, _INQUIRY_KINDS[v2][get("kind")])
    _q_institution(new, _optional(get, "institution_type", _INSTITUTIONS) if v2 else None)
    return new


def _activity(d: Any, dates: list[_dt.date], texts: list[str]) -> ActivityRecord:
    if d.__class__ is not dict or not _ACTIVITY_KEYS.issuperset(d):
        raise _Decline
    get = d.get
    new = _new(ActivityRecord)
    _r_id(new, _id(get("account_id"), texts))
    text = get("at")
    if text.__class__ is not str or _DATETIME_MATCH(text) is None:
        raise _Decline
    at = _DATETIME_FROM_ISO(text[:-1] + "+00:00" if text.endswith("Z") else text)
    if at.date() < _MIN_DATE:
        raise _Decline
    dates.append((at.astimezone(_UTC) if at.tzinfo is not None else at).date())
    _r_at(new, at)
    _r_kind(new, _ACTIVITY_KINDS[get("kind")])
    return new


def _guarantee(d: Any, dates: list[_dt.date], texts: list[str]) -> Guarantee:
    if d.__class__ is not dict or not _GUARANTEE_KEYS.issuperset(d):
        raise _Decline
    get = d.get
    opened = get("opened_on")
    if opened is not None:
        opened = _date(opened)
        dates.append(opened)
    ends = get("ends_on")
    if ends is not None:
        ends = _date(ends)
        if opened is not None and ends < opened:
            raise _Decline
    values = (
        _id(get("guarantee_id"), texts),
        _PARTIES[get("party")],
        *(None if (v := get(k)) is None else _amount(v) for k in ("amount", "balance")),
        _optional(get, "classification", _CLASSIFICATIONS),
        _optional(get, "status", _ALL_STATUSES),
        _optional(get, "institution_type", _INSTITUTIONS),
        opened,
        ends,
        None if (v := get("overdue_amount")) is None else _amount(v),
    )
    new = _new(Guarantee)
    for setter, value in zip(_g_setters, values, strict=True):
        setter(new, value)
    return new


def _public_record(d: Any, dates: list[_dt.date]) -> PublicRecord:
    if d.__class__ is not dict or not _RECORD_KEYS.issuperset(d):
        raise _Decline
    get = d.get
    new = _new(PublicRecord)
    _pr_kind(new, _RECORD_KINDS[get("kind")])
    on = _date(get("on"))
    dates.append(on)
    _pr_on(new, on)
    amount = get("amount")
    _pr_amount(new, None if amount is None else _amount(amount))
    status = get("status")
    _pr_status(new, _UNKNOWN_RECORD if status is None else _RECORD_STATUSES[status])
    return new


def _attributes(data: Any, texts: list[str]) -> Attributes:
    """The attributes of ``data`` (a ``dict``), checked as :meth:`Attributes.problems` does."""
    new = _new(Attributes)
    new._hash = None
    if data is None:
        new._data = {}
        return new
    if data.__class__ is not dict or len(data) > _L.MAX_ATTRIBUTES:
        raise _Decline
    values = []
    for key, value in data.items():
        if key.__class__ is not str or not 0 < len(key) <= 64:
            raise _Decline
        texts.append(key)
        c = value.__class__
        if c is str:
            if len(value) > _L.MAX_STRING_LENGTH:
                raise _Decline
            values.append(value)
        elif c is int:
            if not -_EXACT <= value <= _EXACT:
                raise _Decline
        elif c is not float or value - value != 0:  # NaN and the infinities: not finite
            raise _Decline
    if values and _SURROGATE_RE.search("".join(values)) is not None:
        raise _Decline
    new._data = dict(data)
    return new


def read_profile(data: Any, version: int | None = None) -> CreditProfile | None:
    """The profile of a valid plain document, or ``None`` when the strict reader must read it
    (any problem, any value of another shape). ``version`` is the enclosing document's
    contract version (an enterprise's principals), ``None`` for a profile document."""
    try:
        return _profile(data, version)
    except _DECLINED:
        return None


def _profile(data: Any, version: int | None) -> CreditProfile:
    if data.__class__ is not dict:
        raise _Decline
    declared = data.get("contract_version")
    if version is None:
        if declared is None:
            version = 1
        elif declared.__class__ is not int or not 1 <= declared <= 2:
            raise _Decline
        else:
            version = declared
    elif "contract_version" in data and not (
        declared.__class__ is int and declared == version
    ):  # a principal's profile under the enterprise document's version
        raise _Decline
    v2 = version - 1
    if not _PROFILE_KEYS[v2].issuperset(data):
        raise _Decline
    get = data.get
    dates: list[_dt.date] = []
    texts: list[str] = []
    subject = _id(get("subject_id"), texts)
    accounts = tuple(
        [_account(a, v2, dates, texts) for a in _items(get("accounts"), _L.MAX_ACCOUNTS)]
    )
    closures = tuple(
        [_closure(c, v2, dates, texts) for c in _items(get("closures"), _L.MAX_CLOSURES)]
    )
    inquiries = tuple([_inquiry(q, v2, dates) for q in _items(get("inquiries"), _L.MAX_INQUIRIES)])
    activity = tuple([_activity(r, dates, texts) for r in _items(get("activity"), _L.MAX_ACTIVITY)])
    attributes = _attributes(get("attributes"), texts)
    guarantees: tuple[Guarantee, ...] = ()
    records: tuple[PublicRecord, ...] = ()
    currency = None
    if v2:
        currency = get("currency")
        if currency is not None and (currency.__class__ is not str or not _CURRENCY(currency)):
            raise _Decline
        guarantees = tuple(
            [_guarantee(g, dates, texts) for g in _items(get("guarantees"), MAX_GUARANTEES)]
        )
        records = tuple(
            [_public_record(r, dates) for r in _items(get("public_records"), MAX_PUBLIC_RECORDS)]
        )
        if len({g.guarantee_id for g in guarantees}) != len(guarantees):
            raise _Decline
        for a in accounts:
            if a.repayment_history is None and summary_problems(
                a.worst_dpd_24m, a.months_delinquent_24m, a.max_consecutive_delinquent_24m
            ):
                raise _Decline
    if _BAD_TEXT_RE.search("".join(texts)) is not None:
        raise _Decline
    _cross_checks(accounts, closures, activity)
    new = _new(CreditProfile)
    _p_subject(new, subject)
    _p_accounts(new, accounts)
    _p_closures(new, closures)
    _p_inquiries(new, inquiries)
    _p_activity(new, activity)
    _p_attributes(new, attributes)
    _p_guarantees(new, guarantees)
    _p_records(new, records)
    _p_currency(new, currency)
    _p_version(new, version)
    _p_latest(new, max(dates) if dates else None)
    return new


def _cross_checks(
    accounts: tuple[CreditAccount, ...],
    closures: tuple[ClosureEvent, ...],
    activity: tuple[ActivityRecord, ...],
) -> None:
    """The profile's cross-field rules (:meth:`CreditProfile.problems`)."""
    by_id = {a.account_id: a for a in accounts}
    if len(by_id) != len(accounts):
        raise _Decline
    if closures:
        if len({ev.account_id for ev in closures}) != len(closures):
            raise _Decline
        for ev in closures:
            acc = by_id[ev.account_id]
            if acc.status in _SCORED_OPEN:
                raise _Decline
            if acc.opened_on is not None and ev.closed_on < acc.opened_on:
                raise _Decline
            if acc.closed_on is not None and ev.closed_on != acc.closed_on:
                raise _Decline
    for rec in activity:
        if rec.account_id not in by_id:
            raise _Decline


_ = _DATE  # kept for readers of this module: dates are plain ``datetime.date``
