"""Contract v2 records: special transactions, limit changes, guarantees and public records,
and the checks of the v2 fields of an account.

Immutable, keyword-only, validated on construction like the v1 records (every problem at once,
each with its path). Re-exported by :mod:`credit_closure._contract.model`.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from typing import Any, TypeVar

import attrs

from credit_closure._contract.checks import (
    Limits,
    Problem,
    _check_amount,
    _check_date,
    _check_enum,
    _check_id,
    _check_int,
    _check_list,
    _raise_if,
    _to_date,
    _to_number,
    _to_optional_date,
)
from credit_closure._contract.enums import (
    AccountStatus,
    ClosureInitiator,
    ClosureKind,
    GuaranteedParty,
    InstitutionType,
    LiabilityType,
    LoanClassification,
    PublicRecordKind,
    PublicRecordStatus,
    SpecialTransactionKind,
)
from credit_closure._contract.history import (
    history_problems,
    min_months_for_dpd,
    overdue_amounts_problems,
    symbol_problems,
)

__all__ = ["Guarantee", "LimitChange", "PublicRecord", "SpecialTransaction", "has_v2_fields"]

_Member = TypeVar("_Member", bound=enum.Enum)


_BY_VALUE: dict[type, dict[str, Any]] = {}


def _by_value(cls: type[_Member], value: Any) -> Any:
    """``value`` as a member of ``cls`` when it is one of its values, else left for the check
    (a dict lookup: ``cls(value)`` costs a microsecond)."""
    if value is None or value.__class__ is cls or not isinstance(value, str):
        return value
    table = _BY_VALUE.get(cls)
    if table is None:
        table = _BY_VALUE[cls] = {m.value: m for m in cls}
    return table.get(value, value)


def _special_kind(value: Any) -> Any:
    return _by_value(SpecialTransactionKind, value)


def _initiator(value: Any) -> Any:
    return _by_value(ClosureInitiator, value)


def _party(value: Any) -> Any:
    return _by_value(GuaranteedParty, value)


def _classification(value: Any) -> Any:
    return _by_value(LoanClassification, value)


def _status(value: Any) -> Any:
    return _by_value(AccountStatus, value)


def _institution(value: Any) -> Any:
    return _by_value(InstitutionType, value)


def _liability(value: Any) -> Any:
    return _by_value(LiabilityType, value)


def _record_kind(value: Any) -> Any:
    return _by_value(PublicRecordKind, value)


def _record_status(value: Any) -> Any:
    return _by_value(PublicRecordStatus, value)


def _closure_kind(value: Any) -> Any:
    return _by_value(ClosureKind, value)


def _check_optional_enum(p: list[Problem], path: str, value: Any, cls: type[enum.Enum]) -> None:
    if value is not None:
        _check_enum(p, path, value, cls)


@attrs.frozen(kw_only=True)
class SpecialTransaction:
    """v2: one special transaction (特殊交易) on an account: extension, guarantor compensation,
    asset-for-debt, debt relief, restructuring, early settlement ...

    Args:
        kind: :class:`SpecialTransactionKind`.
        on: The transaction date.
        amount: The amount it concerned (optional).
        months: For an extension, the months it added (optional, 1-600).

    Example:
        >>> t = SpecialTransaction(kind="early_settlement", on="2024-05-01", amount=3000)
        >>> t.kind.value, t.on.isoformat()
        ('early_settlement', '2024-05-01')
    """

    kind: SpecialTransactionKind = attrs.field(converter=_special_kind)
    on: _dt.date = attrs.field(converter=_to_date)
    amount: float | None = attrs.field(default=None, converter=_to_number)
    months: int | None = attrs.field(default=None, converter=_to_number)

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())

    def problems(self) -> list[Problem]:
        """Every problem of this record as ``(field, message)`` pairs."""
        p: list[Problem] = []
        _check_enum(p, "kind", self.kind, SpecialTransactionKind)
        _check_date(p, "on", self.on, optional=False)
        _check_amount(p, "amount", self.amount)
        _check_int(p, "months", self.months, 1, 600)
        return p


@attrs.frozen(kw_only=True)
class LimitChange:
    """v2: a dated change of an account's credit limit and who made it.

    ``initiator`` takes the closure initiators' values (``consumer``, ``lender_risk``,
    ``lender_inactivity``, ``platform_policy``, ``regulator``, ``unknown`` ...): a limit cut by
    the platform after another line closed is ``platform_policy``.

    Example:
        >>> c = LimitChange(on="2025-02-01", limit=5000, initiator="platform_policy")
        >>> c.limit, c.initiator.value
        (5000, 'platform_policy')
    """

    on: _dt.date = attrs.field(converter=_to_date)
    limit: float = attrs.field(converter=_to_number)
    initiator: ClosureInitiator = attrs.field(
        default=ClosureInitiator.UNKNOWN, converter=_initiator
    )

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())

    def problems(self) -> list[Problem]:
        """Every problem of this record as ``(field, message)`` pairs."""
        p: list[Problem] = []
        _check_date(p, "on", self.on, optional=False)
        _check_amount(p, "limit", self.limit, optional=False)
        _check_enum(p, "initiator", self.initiator, ClosureInitiator)
        return p


@attrs.frozen(kw_only=True)
class Guarantee:
    """v2: a guarantee or other related repayment liability (相关还款责任) the subject carries
    for someone else's debt (a person's or an enterprise's).

    Args:
        guarantee_id: Pseudonymous id, unique within its list.
        party: Who is guaranteed (:class:`GuaranteedParty`).
        amount: The guaranteed amount (相关还款责任金额).
        balance: The guaranteed debt's current balance.
        classification: The guaranteed debt's five-level class (:class:`LoanClassification`).
        status: The guaranteed debt's status (:class:`AccountStatus`).
        institution_type: The lender of the guaranteed debt (:class:`InstitutionType`).
        opened_on, ends_on: When the liability started and is due to end.
        overdue_amount: Amount past due on the guaranteed debt.

    Example:
        >>> g = Guarantee(guarantee_id="g1", party="enterprise", amount=500000, balance=320000,
        ...               classification="normal", status="open")
        >>> g.party.value, g.classification.value
        ('enterprise', 'normal')
    """

    guarantee_id: str
    party: GuaranteedParty = attrs.field(converter=_party)
    amount: float | None = attrs.field(default=None, converter=_to_number)
    balance: float | None = attrs.field(default=None, converter=_to_number)
    classification: LoanClassification | None = attrs.field(default=None, converter=_classification)
    status: AccountStatus | None = attrs.field(default=None, converter=_status)
    institution_type: InstitutionType | None = attrs.field(default=None, converter=_institution)
    opened_on: _dt.date | None = attrs.field(default=None, converter=_to_optional_date)
    ends_on: _dt.date | None = attrs.field(default=None, converter=_to_optional_date)
    overdue_amount: float | None = attrs.field(default=None, converter=_to_number)

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())

    def problems(self) -> list[Problem]:
        """Every problem of this record as ``(field, message)`` pairs."""
        p: list[Problem] = []
        _check_id(p, "guarantee_id", self.guarantee_id)
        _check_enum(p, "party", self.party, GuaranteedParty)
        _check_amount(p, "amount", self.amount)
        _check_amount(p, "balance", self.balance)
        _check_amount(p, "overdue_amount", self.overdue_amount)
        _check_optional_enum(p, "classification", self.classification, LoanClassification)
        _check_optional_enum(p, "status", self.status, AccountStatus)
        _check_optional_enum(p, "institution_type", self.institution_type, InstitutionType)
        o = _check_date(p, "opened_on", self.opened_on, optional=True)
        e = _check_date(p, "ends_on", self.ends_on, optional=True)
        if o and e and self.ends_on < self.opened_on:  # type: ignore[operator]
            p.append(("ends_on", "is before opened_on"))
        return p

    @property
    def is_outstanding(self) -> bool:
        """True while the guaranteed debt still carries a balance (unknown balance: False)."""
        return self.balance is not None and self.balance > 0


@attrs.frozen(kw_only=True)
class PublicRecord:
    """v2: a public record (公共信息): tax arrears, a civil judgment, an enforcement, an
    administrative penalty, a dishonest-debtor listing, a bankruptcy.

    Example:
        >>> r = PublicRecord(kind="enforcement", on="2023-08-15", amount=12000, status="open")
        >>> r.kind.value, r.status.value
        ('enforcement', 'open')
    """

    kind: PublicRecordKind = attrs.field(converter=_record_kind)
    on: _dt.date = attrs.field(converter=_to_date)
    amount: float | None = attrs.field(default=None, converter=_to_number)
    status: PublicRecordStatus = attrs.field(
        default=PublicRecordStatus.UNKNOWN, converter=_record_status
    )

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())

    def problems(self) -> list[Problem]:
        """Every problem of this record as ``(field, message)`` pairs."""
        p: list[Problem] = []
        _check_enum(p, "kind", self.kind, PublicRecordKind)
        _check_date(p, "on", self.on, optional=False)
        _check_amount(p, "amount", self.amount)
        _check_enum(p, "status", self.status, PublicRecordStatus)
        return p


#: Most special transactions / limit changes per account, guarantees and public records per
#: subject (documented in docs/json-contract.md with the v1 limits).
MAX_SPECIAL_TRANSACTIONS = 200
MAX_LIMIT_CHANGES = 200
MAX_GUARANTEES = 500
MAX_PUBLIC_RECORDS = 500
MAX_OVERDUE_PERIODS = 999


def check_guarantees(p: list[Problem], path: str, value: Any) -> None:
    """Report a bad guarantees list and duplicated guarantee ids."""
    if _check_list(p, path, value, Guarantee, MAX_GUARANTEES):
        seen: set[str] = set()
        for i, g in enumerate(value):
            if g.guarantee_id in seen:
                p.append((f"{path}[{i}].guarantee_id", "duplicates an earlier guarantee id"))
            seen.add(g.guarantee_id)


_CURRENCY_RE = re.compile(r"[A-Z]{3}")


def check_currency(p: list[Problem], path: str, value: Any) -> None:
    """Report a currency that is not an ISO 4217 alphabetic code (three capital letters)."""
    if value is not None and not (value.__class__ is str and _CURRENCY_RE.fullmatch(value)):
        shown = repr(value[:40]) if isinstance(value, str) else type(value).__name__
        p.append(
            (path, f"must be an ISO 4217 currency code of three capital letters (got {shown})")
        )


def check_public_records(p: list[Problem], path: str, value: Any) -> None:
    _check_list(p, path, value, PublicRecord, MAX_PUBLIC_RECORDS)


def has_v2_fields(acc: Any) -> bool:
    """True when ``acc`` has a v2 field set (one chain of ``is None`` tests: the v1 fast path)."""
    return not (
        acc.repayment_history is None
        and acc.classification is None
        and acc.liability is None
        and acc.institution_type is None
        and acc.current_overdue_amount is None
        and acc.current_overdue_periods is None
        and acc.first_delinquency_on is None
        and acc.last_payment_on is None
        and acc.history_end is None
        and acc.overdue_amounts is None
        and not acc.special_transactions
        and not acc.limit_history
    )


#: The institution types whose accounts may report a first delinquency before their opening:
#: a collector's or debt buyer's tradeline opens when it takes the debt over, while the date
#: of first delinquency stays the original creditor's (docs/json-contract.md, "Date of first
#: delinquency").
DOFD_BEFORE_OPENING = frozenset({InstitutionType.COLLECTION_AGENCY})


def first_delinquency_may_precede_opening(institution: Any) -> bool:
    """Whether an account of ``institution`` (its ``institution_type``) may have
    ``first_delinquency_on`` before ``opened_on``: only a collected or purchased debt."""
    return institution in DOFD_BEFORE_OPENING


def check_account_v2(p: list[Problem], acc: Any) -> None:
    """Append the problems of the v2 fields of an account (``acc`` a ``CreditAccount``; the
    caller skips a v1 account, see :func:`has_v2_fields`)."""
    _check_amount(p, "current_overdue_amount", acc.current_overdue_amount)
    _check_int(p, "current_overdue_periods", acc.current_overdue_periods, 0, MAX_OVERDUE_PERIODS)
    first_ok = _check_date(p, "first_delinquency_on", acc.first_delinquency_on, optional=True)
    _check_date(p, "last_payment_on", acc.last_payment_on, optional=True)
    if (
        first_ok
        and acc.opened_on is not None
        and acc.first_delinquency_on < acc.opened_on
        and not first_delinquency_may_precede_opening(acc.institution_type)
    ):
        p.append(
            (
                "first_delinquency_on",
                f"is before opened_on {acc.opened_on.isoformat()} (allowed only on a debt "
                "collector's or debt buyer's account: institution_type 'collection_agency')",
            )
        )
    _check_optional_enum(p, "classification", acc.classification, LoanClassification)
    _check_optional_enum(p, "liability", acc.liability, LiabilityType)
    _check_optional_enum(p, "institution_type", acc.institution_type, InstitutionType)
    _check_list(
        p, "special_transactions", acc.special_transactions, SpecialTransaction,
        MAX_SPECIAL_TRANSACTIONS,
    )  # fmt: skip
    _check_list(p, "limit_history", acc.limit_history, LimitChange, MAX_LIMIT_CHANGES)
    hist = acc.repayment_history
    end_ok = _check_date(p, "history_end", acc.history_end, optional=True)
    if hist is None:
        if acc.history_end is not None:
            p.append(("history_end", "needs repayment_history"))
        if acc.overdue_amounts is not None:
            p.extend(overdue_amounts_problems("overdue_amounts", acc.overdue_amounts, None))
        return
    if acc.history_end is None:
        p.append(
            ("history_end", "is required with repayment_history (the month of its last symbol)")
        )
    found = symbol_problems("repayment_history", hist, acc.history_end if end_ok else None)
    p.extend(found)
    if acc.overdue_amounts is not None:
        length = len(hist) if isinstance(hist, str) else None
        p.extend(overdue_amounts_problems("overdue_amounts", acc.overdue_amounts, length))
    if found or not end_ok:
        return
    p.extend(
        history_problems(
            hist,
            acc.history_end,
            acc.worst_dpd_24m,
            acc.months_delinquent_24m,
            acc.max_consecutive_delinquent_24m,
        )
    )


def summary_problems(worst_dpd: Any, months: Any, consecutive: Any) -> list[Problem]:
    """v2 plausibility of the three summaries without a history (see ``docs/json-contract.md``,
    "Impossible summaries"): a delinquency of ``d`` days spans at least ``d // 31`` consecutive
    monthly reports; a delinquent month means a delinquency of at least one day."""
    out: list[Problem] = []
    if isinstance(worst_dpd, int):
        need = min(24, min_months_for_dpd(worst_dpd))
        if isinstance(months, int) and months < need:
            out.append(
                (
                    "months_delinquent_24m",
                    f"is {months} but worst_dpd_24m {worst_dpd} spans at least {need} monthly "
                    "reports",
                )
            )
        if isinstance(consecutive, int) and consecutive < need:
            out.append(
                (
                    "max_consecutive_delinquent_24m",
                    f"is {consecutive} but worst_dpd_24m {worst_dpd} spans at least {need} "
                    "consecutive monthly reports",
                )
            )
        if worst_dpd == 0 and isinstance(months, int) and months > 0:
            out.append(("worst_dpd_24m", f"is 0 but months_delinquent_24m is {months}"))
    return out


def closure_kind(value: Any) -> Any:
    """The converter of ``ClosureEvent.kind`` (exported for the model)."""
    return _closure_kind(value)


def institution_type(value: Any) -> Any:
    """The converter of ``institution_type`` fields (exported for the model)."""
    return _institution(value)


def liability(value: Any) -> Any:
    return _liability(value)


def classification(value: Any) -> Any:
    return _classification(value)


_ = Limits  # the v1 limits stay in checks.Limits; the v2 ones are above
