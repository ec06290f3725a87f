"""The closure-event model: immutable, keyword-only, validated on construction.

Field names and enum values are the v1 JSON contract (see ``docs/json-contract.md``).
Every class checks itself when built and raises :class:`InvalidInputError` listing *every*
problem it found, each with the path of the field (``closed_on``, ``accounts[2].closed_on``).

Dates may be given as :class:`datetime.date` or as ISO ``YYYY-MM-DD`` strings (or as a
date-time that is exactly a day: a naive ``datetime``/pandas ``Timestamp`` at midnight, a
numpy ``datetime64`` of whole days), numbers as ``int``/``float`` or as numpy scalars and
``decimal.Decimal`` (made plain ``int``/``float`` by the one rule of ``checks._to_number``),
enum members as their string values; they are converted, never guessed. Anything else is
reported.

The vocabularies live in :mod:`credit_closure._contract.enums`, the limits, converters and
checks in :mod:`credit_closure._contract.checks` and :class:`Attributes` in
:mod:`credit_closure._contract.attributes`; this module holds the records (account, closure,
inquiry, activity), the profile and the enterprise, re-exports the rest under its old names,
and ends with the two unchecked constructors of the closure-impact hot path.
"""

from __future__ import annotations

import datetime as _dt
import enum
import math
from typing import Any, TypeVar

import attrs

from credit_closure._contract.attributes import (
    Attributes,
    _attributes_repr,
    _to_attributes,
)
from credit_closure._contract.checks import (
    _CTRL_RE as _CTRL_RE,
)
from credit_closure._contract.checks import (
    Limits,
    Problem,
    _check_amount,
    _check_date,
    _check_enum,
    _check_id,
    _check_int,
    _check_list,
    _check_text,
    _raise_if,
    _Refused,
    _to_date,
    _to_datetime,
    _to_number,
    _to_optional_date,
    _to_tuple,
    _type_name,
    _Unparsed,
)
from credit_closure._contract.enums import (
    HARD_INQUIRY_KINDS,
    REVOLVING_PRODUCTS,
    UNDRAWABLE_STATUSES,
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
    PrincipalRole,
    ProductType,
    PublicRecordKind,
    PublicRecordStatus,
    SpecialTransactionKind,
    TerminationKind,
)
from credit_closure._contract.history import HistorySummary, history_summary
from credit_closure._contract.records import (
    Guarantee,
    LimitChange,
    PublicRecord,
    SpecialTransaction,
    check_account_v2,
    check_currency,
    check_guarantees,
    check_public_records,
    classification,
    closure_kind,
    has_v2_fields,
    institution_type,
    liability,
)
from credit_closure._contract.versioning import (
    V2_ACCOUNT_FIELDS,
    account_is_v2,
    enterprise_v2_problems,
    settle_version,
    v2_dated_after,
    v2_dates,
)

__all__ = [
    "AccountStatus",
    "ActivityKind",
    "ActivityRecord",
    "Attributes",
    "ClosureEvent",
    "ClosureInitiator",
    "ClosureKind",
    "ClosureReason",
    "CreditAccount",
    "CreditProfile",
    "Enterprise",
    "Guarantee",
    "GuaranteedParty",
    "HARD_INQUIRY_KINDS",
    "Inquiry",
    "InquiryKind",
    "InstitutionType",
    "LiabilityType",
    "LimitChange",
    "Limits",
    "LoanClassification",
    "Principal",
    "PrincipalRole",
    "Problem",
    "ProductType",
    "PublicRecord",
    "PublicRecordKind",
    "PublicRecordStatus",
    "REVOLVING_PRODUCTS",
    "SpecialTransaction",
    "SpecialTransactionKind",
    "TerminationKind",
]


# --------------------------------------------------------------------------------------
# Enum converters (named functions, so that attrs and mypy read each field's type)
# --------------------------------------------------------------------------------------
_Member = TypeVar("_Member", bound=enum.Enum)


def _by_value(cls: type[_Member], table: dict[str, _Member], value: Any) -> Any:
    """``value`` as a member of ``cls`` when it is one of its values; anything else is left
    for the field's validator to refuse with its message."""
    if isinstance(value, cls) or not isinstance(value, str):
        return value
    return table.get(value, value)


_PRODUCTS = {m.value: m for m in ProductType}
_STATUSS = {m.value: m for m in AccountStatus}
_INITIATORS = {m.value: m for m in ClosureInitiator}
_REASONS = {m.value: m for m in ClosureReason}
_TERMINATIONS = {m.value: m for m in TerminationKind}
_INQUIRY_KINDS = {m.value: m for m in InquiryKind}
_ACTIVITY_KINDS = {m.value: m for m in ActivityKind}
_ROLES = {m.value: m for m in PrincipalRole}


def _product(value: Any) -> Any:
    return _by_value(ProductType, _PRODUCTS, value)


def _status(value: Any) -> Any:
    return _by_value(AccountStatus, _STATUSS, value)


def _initiator(value: Any) -> Any:
    return _by_value(ClosureInitiator, _INITIATORS, value)


def _reason(value: Any) -> Any:
    return _by_value(ClosureReason, _REASONS, value)


def _termination(value: Any) -> Any:
    return _by_value(TerminationKind, _TERMINATIONS, value)


def _inquiry_kind(value: Any) -> Any:
    return _by_value(InquiryKind, _INQUIRY_KINDS, value)


def _activity_kind(value: Any) -> Any:
    return _by_value(ActivityKind, _ACTIVITY_KINDS, value)


def _role(value: Any) -> Any:
    return _by_value(PrincipalRole, _ROLES, value)


def _to_optional_amounts(value: Any) -> Any:
    if value is None:
        return None
    value = _to_tuple(value)
    if isinstance(value, tuple):
        return tuple(v if v is None else _to_number(v) for v in value)
    return value


# --------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class CreditAccount:
    """One tradeline on the subject's credit file, open or closed.

    ``None`` means *unknown* for every optional field; the library never fills in a made-up
    value. Amounts are in the document's one currency.

    Args:
        account_id: Pseudonymous account id, unique within the profile.
        product: The kind of credit (:class:`ProductType`).
        status: Latest status (:class:`AccountStatus`).
        provider: Free-text provider key such as ``"huabei"`` (optional).
        opened_on: Opening date.
        closed_on: Closing date; required when ``status`` is ``closed``, not allowed when
            ``open``.
        credit_limit: Last reported limit (for a closed line, its limit when it closed).
        balance: Current balance owed.
        worst_dpd_24m: Worst days past due in the last 24 months.
        months_delinquent_24m: Months with an overdue payment in the last 24 months (0-24).
        max_consecutive_delinquent_24m: Longest run of consecutive overdue months in the last
            24 months (0-24, at most ``months_delinquent_24m``).

    Contract v2 fields (all optional; ``docs/json-contract.md``, "Contract v2"):

    Args:
        classification: Five-level loan class (:class:`LoanClassification`).
        liability: How the subject is liable (:class:`LiabilityType`).
        institution_type: The lender's kind (:class:`InstitutionType`).
        current_overdue_amount: Amount past due now (当前逾期总额).
        current_overdue_periods: Periods past due now (当前逾期期数), 0-999.
        first_delinquency_on: Date of first delinquency (the US 7-year rule runs from it).
        last_payment_on: Date of the last payment (最近一次还款日期).
        repayment_history: Monthly symbols, oldest first, at most 60 (see
            :data:`~credit_closure._contract.history.HISTORY_SYMBOLS`); when given, the three
            summaries are derived from its last 24 months when they are absent and the window
            is fully known, and must agree with it when given.
        history_end: A date in the month of the history's last symbol (required with it).
        overdue_amounts: Amount past due per month of the history (``None`` = unknown).
        special_transactions: :class:`SpecialTransaction` records.
        limit_history: Dated limit changes (:class:`LimitChange`).

    Example:
        >>> acc = CreditAccount(account_id="a1", product="revolving_consumer", status="open",
        ...                     opened_on="2019-03-01", credit_limit=20000, balance=1500)
        >>> acc.product, acc.opened_on
        (<ProductType.REVOLVING_CONSUMER: 'revolving_consumer'>, datetime.date(2019, 3, 1))
    """

    account_id: str
    product: ProductType = attrs.field(converter=_product)
    status: AccountStatus = attrs.field(converter=_status)
    provider: str | None = None
    opened_on: _dt.date | None = attrs.field(default=None, converter=_to_optional_date)
    closed_on: _dt.date | None = attrs.field(default=None, converter=_to_optional_date)
    credit_limit: float | None = attrs.field(default=None, converter=_to_number)
    balance: float | None = attrs.field(default=None, converter=_to_number)
    worst_dpd_24m: int | None = attrs.field(default=None, converter=_to_number)
    months_delinquent_24m: int | None = attrs.field(default=None, converter=_to_number)
    max_consecutive_delinquent_24m: int | None = attrs.field(default=None, converter=_to_number)
    # ---- contract v2 ----
    classification: LoanClassification | None = attrs.field(default=None, converter=classification)
    liability: LiabilityType | None = attrs.field(default=None, converter=liability)
    institution_type: InstitutionType | None = attrs.field(default=None, converter=institution_type)
    current_overdue_amount: float | None = attrs.field(default=None, converter=_to_number)
    current_overdue_periods: int | None = attrs.field(default=None, converter=_to_number)
    first_delinquency_on: _dt.date | None = attrs.field(default=None, converter=_to_optional_date)
    last_payment_on: _dt.date | None = attrs.field(default=None, converter=_to_optional_date)
    repayment_history: str | None = None
    history_end: _dt.date | None = attrs.field(default=None, converter=_to_optional_date)
    overdue_amounts: tuple[float | None, ...] | None = attrs.field(
        default=None, converter=_to_optional_amounts
    )
    special_transactions: tuple[SpecialTransaction, ...] = attrs.field(
        default=(), converter=_to_tuple
    )
    limit_history: tuple[LimitChange, ...] = attrs.field(default=(), converter=_to_tuple)

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())
        if self.repayment_history is not None:
            _derive_summaries(self)

    @property
    def is_v2(self) -> bool:
        """True when the account uses anything of contract v2 (a v2 field or member)."""
        return account_is_v2(self)

    @property
    def scoring_status(self) -> AccountStatus:
        """The v1 status whose treatment :attr:`status` gets in the existing features
        (:data:`~credit_closure._contract.enums.V1_STATUS`)."""
        return V1_STATUS[self.status]

    @property
    def is_drawable(self) -> bool:
        """False for an ended account and for a suspended, frozen or stopped line."""
        return not self.is_closed and self.status not in UNDRAWABLE_STATUSES

    @property
    def history_summary(self) -> HistorySummary | None:
        """The delinquency summary of the last 24 months of the history (``None`` without one)."""
        if self.repayment_history is None:
            return None
        return history_summary(self.repayment_history)

    def problems(self) -> list[Problem]:
        """Return every problem of this account as ``(field, message)`` pairs."""
        p: list[Problem] = []
        _check_id(p, "account_id", self.account_id)
        _check_enum(p, "product", self.product, ProductType)
        _check_enum(p, "status", self.status, AccountStatus)
        if self.provider is not None:
            if not isinstance(self.provider, str) or not self.provider or len(self.provider) > 64:
                p.append(("provider", "must be a non-empty string of at most 64 characters"))
            else:
                _check_text(p, "provider", self.provider)
        opened_ok = _check_date(p, "opened_on", self.opened_on, optional=True)
        closed_ok = _check_date(p, "closed_on", self.closed_on, optional=True)
        if opened_ok and closed_ok and self.closed_on < self.opened_on:  # type: ignore[operator]
            p.append(("closed_on", f"is before opened_on {self.opened_on.isoformat()}"))  # type: ignore[union-attr]
        status = self.status
        if status is _CLOSED:
            if self.closed_on is None:
                p.append(("closed_on", "is required when status is 'closed'"))
        elif self.closed_on is not None and (status is _OPEN or status in _OPEN_EQUIVALENT):
            p.append(("closed_on", f"must be absent when status is '{status.value}'"))
        _check_amount(p, "credit_limit", self.credit_limit)
        _check_amount(p, "balance", self.balance)
        _check_int(p, "worst_dpd_24m", self.worst_dpd_24m, 0, Limits.MAX_DPD)
        m_ok = _check_int(p, "months_delinquent_24m", self.months_delinquent_24m, 0, 24)
        c_ok = _check_int(
            p, "max_consecutive_delinquent_24m", self.max_consecutive_delinquent_24m, 0, 24
        )
        if m_ok and c_ok and self.max_consecutive_delinquent_24m > self.months_delinquent_24m:  # type: ignore[operator]
            p.append(
                (
                    "max_consecutive_delinquent_24m",
                    f"is larger than months_delinquent_24m {self.months_delinquent_24m}",
                )
            )
        if has_v2_fields(self):
            check_account_v2(p, self)
        return p

    @property
    def is_closed(self) -> bool:
        """True when the account no longer runs: closed, charged off or transferred (or a v2
        status scored as one of them)."""
        return self.status in _ENDED_STATUSES

    @property
    def is_revolving(self) -> bool:
        """True for products whose limit can be drawn again (they count in utilization)."""
        return self.product in REVOLVING_PRODUCTS


_CLOSED = AccountStatus.CLOSED
#: v2 statuses scored as ``open`` (they take no closing date either).
_OPEN_EQUIVALENT = frozenset(
    s for s, v1 in V1_STATUS.items() if v1 is AccountStatus.OPEN and s is not AccountStatus.OPEN
)
_ENDED_STATUSES = frozenset(
    s
    for s, v1 in V1_STATUS.items()
    if v1 in (AccountStatus.CLOSED, AccountStatus.CHARGED_OFF, AccountStatus.TRANSFERRED)
)


def _derive_summaries(acc: CreditAccount) -> None:
    """Fill the summaries the history proves (a fully known 24-month window) when absent."""
    s = history_summary(acc.repayment_history)
    if not s.known:
        return
    if acc.worst_dpd_24m is None:
        object.__setattr__(acc, "worst_dpd_24m", s.worst_dpd())
    if acc.months_delinquent_24m is None:
        object.__setattr__(acc, "months_delinquent_24m", s.months)
    if acc.max_consecutive_delinquent_24m is None:
        object.__setattr__(acc, "max_consecutive_delinquent_24m", s.longest_run)


@attrs.frozen(kw_only=True)
class ClosureEvent:
    """The closure of one account: who closed it, why, how it ended and what was owed.

    Args:
        account_id: The closed account; it must exist in the profile.
        closed_on: The closing date.
        initiator: Who closed it (:class:`ClosureInitiator`, default ``unknown``).
        reason: Why (:class:`ClosureReason`, default ``unknown``).
        termination: How it ended (:class:`TerminationKind`); ``None`` = unknown.
        balance_at_closure: Balance owed when it closed.
        limit_at_closure: Credit limit when it closed.
        worst_dpd_6m_before: Worst days past due in the 6 months before the closure.

    Example:
        >>> ev = ClosureEvent(account_id="a1", closed_on="2025-06-10", initiator="consumer",
        ...                   reason="reduce_debt", termination="normal", balance_at_closure=0)
        >>> ev.initiator.value, ev.termination.value
        ('consumer', 'normal')
    """

    account_id: str
    closed_on: _dt.date = attrs.field(converter=_to_date)
    initiator: ClosureInitiator = attrs.field(
        default=ClosureInitiator.UNKNOWN, converter=_initiator
    )
    reason: ClosureReason = attrs.field(default=ClosureReason.UNKNOWN, converter=_reason)
    termination: TerminationKind | None = attrs.field(
        default=None, converter=attrs.converters.optional(_termination)
    )
    balance_at_closure: float | None = attrs.field(default=None, converter=_to_number)
    limit_at_closure: float | None = attrs.field(default=None, converter=_to_number)
    worst_dpd_6m_before: int | None = attrs.field(default=None, converter=_to_number)
    # ---- contract v2 ----
    kind: ClosureKind | None = attrs.field(default=None, converter=closure_kind)

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())

    def problems(self) -> list[Problem]:
        """Return every problem of this closure as ``(field, message)`` pairs."""
        p: list[Problem] = []
        _check_id(p, "account_id", self.account_id)
        _check_date(p, "closed_on", self.closed_on, optional=False)
        _check_enum(p, "initiator", self.initiator, ClosureInitiator)
        _check_enum(p, "reason", self.reason, ClosureReason)
        if self.termination is not None:
            _check_enum(p, "termination", self.termination, TerminationKind)
        _check_amount(p, "balance_at_closure", self.balance_at_closure)
        _check_amount(p, "limit_at_closure", self.limit_at_closure)
        _check_int(p, "worst_dpd_6m_before", self.worst_dpd_6m_before, 0, Limits.MAX_DPD)
        if self.kind is not None:
            _check_enum(p, "kind", self.kind, ClosureKind)
        return p


@attrs.frozen(kw_only=True)
class Inquiry:
    """A query of the subject's credit report.

    Example:
        >>> Inquiry(on="2025-05-01", kind="loan_approval").is_hard
        True
    """

    on: _dt.date = attrs.field(converter=_to_date)
    kind: InquiryKind = attrs.field(converter=_inquiry_kind)
    # ---- contract v2 ----
    institution_type: InstitutionType | None = attrs.field(default=None, converter=institution_type)

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())

    def problems(self) -> list[Problem]:
        """Return every problem of this inquiry as ``(field, message)`` pairs."""
        p: list[Problem] = []
        _check_date(p, "on", self.on, optional=False)
        _check_enum(p, "kind", self.kind, InquiryKind)
        if self.institution_type is not None:
            _check_enum(p, "institution_type", self.institution_type, InstitutionType)
        return p

    @property
    def is_hard(self) -> bool:
        """True for 贷款审批 / 信用卡审批 / 融资审批 inquiries (hard inquiries)."""
        return self.kind in HARD_INQUIRY_KINDS


@attrs.frozen(kw_only=True)
class ActivityRecord:
    """One activity record on an account (login, transaction, reopen request, ...).

    ``at`` is an ISO 8601 date-time; a naive time is read as UTC.

    Example:
        >>> r = ActivityRecord(account_id="a1", at="2025-07-01T10:00:00", kind="login")
        >>> r.at.isoformat()
        '2025-07-01T10:00:00'
    """

    account_id: str
    at: _dt.datetime = attrs.field(converter=_to_datetime)
    kind: ActivityKind = attrs.field(converter=_activity_kind)

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())

    def problems(self) -> list[Problem]:
        """Return every problem of this record as ``(field, message)`` pairs."""
        p: list[Problem] = []
        _check_id(p, "account_id", self.account_id)
        if isinstance(self.at, _Unparsed):
            p.append(("at", f"is not a valid ISO 8601 date-time (got {self.at[:40]!r})"))
        elif not isinstance(self.at, _dt.datetime):
            p.append(("at", f"must be an ISO 8601 date-time (got {_type_name(self.at)})"))
        elif self.at.date() < Limits.MIN_DATE:
            p.append(("at", f"is before {Limits.MIN_DATE.isoformat()}"))
        else:
            try:
                self.day  # noqa: B018 - the UTC date must exist
            except OverflowError:
                p.append(("at", "is out of the representable date range once converted to UTC"))
        _check_enum(p, "kind", self.kind, ActivityKind)
        return p

    @property
    def day(self) -> _dt.date:
        """The record's calendar date in UTC."""
        at = self.at
        if at.tzinfo is not None:
            at = at.astimezone(_dt.timezone.utc)
        return at.date()


@attrs.frozen(kw_only=True)
class CreditProfile:
    """One pseudonymous subject: accounts, closures, inquiries, activity and attributes.

    Cross-field rules are checked on construction: account ids are unique; every closure and
    activity record names an existing account; a closure is not before its account opened,
    matches the account's ``closed_on`` when both are given, and belongs to an account that is
    not ``open``; at most one closure per account.

    Args:
        subject_id: Pseudonymous subject id (a keyed hash, say; never a name or ID number).
        accounts: The tradelines (:class:`CreditAccount`).
        closures: Closure events (:class:`ClosureEvent`).
        inquiries: Report queries (:class:`Inquiry`).
        activity: Activity records (:class:`ActivityRecord`).
        attributes: Lender-supplied inputs, name -> number or string.
        currency: v2: the ISO 4217 code of the currency of every amount in the profile
            (``"CNY"``, ``"USD"``); ``None`` = not stated. One currency per profile: the
            library never converts, so amounts in several currencies must be converted first.

    Example:
        >>> p = CreditProfile.from_dict({
        ...     "subject_id": "p-1",
        ...     "accounts": [{"account_id": "a1", "product": "credit_card", "status": "open",
        ...                   "credit_limit": 10000, "balance": 2500}],
        ... })
        >>> p.subject_id, len(p.accounts), p.to_dict()["accounts"][0]["balance"]
        ('p-1', 1, 2500)
    """

    subject_id: str
    accounts: tuple[CreditAccount, ...] = attrs.field(default=(), converter=_to_tuple)
    closures: tuple[ClosureEvent, ...] = attrs.field(default=(), converter=_to_tuple)
    inquiries: tuple[Inquiry, ...] = attrs.field(default=(), converter=_to_tuple)
    activity: tuple[ActivityRecord, ...] = attrs.field(default=(), converter=_to_tuple)
    attributes: Attributes = attrs.field(
        factory=Attributes, converter=_to_attributes, repr=_attributes_repr
    )
    # ---- contract v2 ----
    guarantees: tuple[Guarantee, ...] = attrs.field(default=(), converter=_to_tuple)
    public_records: tuple[PublicRecord, ...] = attrs.field(default=(), converter=_to_tuple)
    currency: str | None = None
    contract_version: int = attrs.field(default=None, converter=_to_number)
    _latest: _dt.date | None = attrs.field(
        init=False, default=None, eq=False, hash=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        p = self.problems()
        _raise_if(p)
        object.__setattr__(self, "_latest", _latest_date(self))

    def problems(self) -> list[Problem]:
        """Return every problem of this profile as ``(path, message)`` pairs."""
        p: list[Problem] = []
        _check_id(p, "subject_id", self.subject_id)
        acc_ok = _check_list(p, "accounts", self.accounts, CreditAccount, Limits.MAX_ACCOUNTS)
        clo_ok = _check_list(p, "closures", self.closures, ClosureEvent, Limits.MAX_CLOSURES)
        _check_list(p, "inquiries", self.inquiries, Inquiry, Limits.MAX_INQUIRIES)
        act_ok = _check_list(p, "activity", self.activity, ActivityRecord, Limits.MAX_ACTIVITY)
        p.extend(Attributes.problems(self.attributes))
        check_guarantees(p, "guarantees", self.guarantees)
        check_public_records(p, "public_records", self.public_records)
        check_currency(p, "currency", self.currency)
        if not acc_ok:
            return p
        settle_version(p, self)
        by_id: dict[str, CreditAccount] = {}
        for i, acc in enumerate(self.accounts):
            if acc.account_id in by_id:
                p.append((f"accounts[{i}].account_id", "duplicates an earlier account id"))
            else:
                by_id[acc.account_id] = acc
        if clo_ok:
            seen: set[str] = set()
            for i, ev in enumerate(self.closures):
                closed_acc = by_id.get(ev.account_id)
                path = f"closures[{i}]"
                if closed_acc is None:
                    p.append((f"{path}.account_id", "names no account in accounts"))
                    continue
                if ev.account_id in seen:
                    p.append((f"{path}.account_id", "has more than one closure event"))
                seen.add(ev.account_id)
                if V1_STATUS[closed_acc.status] is AccountStatus.OPEN:
                    p.append(
                        (
                            f"{path}.account_id",
                            f"names an account whose status is '{closed_acc.status.value}'",
                        )
                    )
                if closed_acc.opened_on is not None and ev.closed_on < closed_acc.opened_on:
                    p.append(
                        (
                            f"{path}.closed_on",
                            f"is before the account's opened_on {closed_acc.opened_on.isoformat()}",
                        )
                    )
                if closed_acc.closed_on is not None and ev.closed_on != closed_acc.closed_on:
                    p.append(
                        (
                            f"{path}.closed_on",
                            f"differs from the account's closed_on {closed_acc.closed_on.isoformat()}",
                        )
                    )
        if act_ok:
            for i, rec in enumerate(self.activity):
                if rec.account_id not in by_id:
                    p.append((f"activity[{i}].account_id", "names no account in accounts"))
        return p

    def dated_after(self, as_of: _dt.date) -> list[Problem]:
        """Return a problem for every date in the profile later than ``as_of``."""
        if self._latest is None or self._latest <= as_of:
            return []
        p: list[Problem] = []
        msg = f"is after the assessment date {as_of.isoformat()}"
        for i, a in enumerate(self.accounts):
            if a.opened_on is not None and a.opened_on > as_of:
                p.append((f"accounts[{i}].opened_on", msg))
            if a.closed_on is not None and a.closed_on > as_of:
                p.append((f"accounts[{i}].closed_on", msg))
        for i, c in enumerate(self.closures):
            if c.closed_on > as_of:
                p.append((f"closures[{i}].closed_on", msg))
        for i, q in enumerate(self.inquiries):
            if q.on > as_of:
                p.append((f"inquiries[{i}].on", msg))
        for i, r in enumerate(self.activity):
            if r.day > as_of:
                p.append((f"activity[{i}].at", msg))
        p.extend(v2_dated_after(self, as_of, msg))
        return p

    @property
    def is_v2(self) -> bool:
        """True when the profile is a contract v2 profile (declared, or using v2 content)."""
        return self.contract_version == 2

    def account(self, account_id: str) -> CreditAccount:
        """Return the account with ``account_id``; raise ``KeyError`` when there is none."""
        for acc in self.accounts:
            if acc.account_id == account_id:
                return acc
        raise KeyError(account_id)

    @classmethod
    def from_dict(cls, data: Any) -> CreditProfile:
        """Build a profile from a v1 JSON document (a ``dict``), strictly.

        Raises:
            InvalidInputError: listing every problem with its path.
        """
        from credit_closure._contract.documents import profile_from_dict

        return profile_from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """Return the v1 JSON document of this profile (unknown fields are left out)."""
        from credit_closure._contract.documents import profile_to_dict

        return profile_to_dict(self)


def _latest_date(profile: CreditProfile) -> _dt.date | None:
    dates: list[_dt.date] = []
    for a in profile.accounts:
        if a.opened_on is not None:
            dates.append(a.opened_on)
        if a.closed_on is not None:
            dates.append(a.closed_on)
    dates.extend(c.closed_on for c in profile.closures)
    dates.extend(q.on for q in profile.inquiries)
    dates.extend(r.day for r in profile.activity)
    if profile.contract_version == 2:
        dates.extend(d for _, d in v2_dates(profile))
    return max(dates) if dates else None


def _stake_check(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return 0 <= value <= 1


@attrs.frozen(kw_only=True)
class Principal:
    """A person tied to an enterprise: legal representative, shareholder, guarantor or actual
    controller, with their personal credit profile.

    Example:
        >>> pr = Principal(role="legal_representative", stake=0.6,
        ...                profile=CreditProfile(subject_id="p-1"))
        >>> pr.role.value, pr.stake
        ('legal_representative', 0.6)
    """

    role: PrincipalRole = attrs.field(converter=_role)
    profile: CreditProfile
    stake: float | None = attrs.field(default=None, converter=_to_number)
    # ---- contract v2 ----
    role_since: _dt.date | None = attrs.field(default=None, converter=_to_optional_date)

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        _check_enum(p, "role", self.role, PrincipalRole)
        _check_date(p, "role_since", self.role_since, optional=True)
        if not isinstance(self.profile, CreditProfile):
            p.append(("profile", f"must be a CreditProfile (got {_type_name(self.profile)})"))
        if isinstance(self.stake, _Refused):
            p.append(("stake", self.stake.message))
        elif not _stake_check(self.stake):
            p.append(("stake", "must be a number between 0 and 1"))
        _raise_if(p)


@attrs.frozen(kw_only=True)
class Enterprise:
    """A company and the people whose personal credit its financing depends on.

    The stakes of distinct subjects add up to at most 1.

    Contract v2 adds the company's own report: ``facilities`` (its credit accounts, the same
    :class:`CreditAccount` model), ``guarantees`` (external guarantees it gave),
    ``overdue_interest`` (欠息) and ``advances`` (垫款) outstanding, and ``public_records``.

    Example:
        >>> e = Enterprise.from_dict({"enterprise_id": "e-1", "principals": [
        ...     {"role": "legal_representative", "stake": 0.6, "profile": {"subject_id": "p-1"}}]})
        >>> e.principals[0].profile.subject_id
        'p-1'
    """

    enterprise_id: str
    principals: tuple[Principal, ...] = attrs.field(default=(), converter=_to_tuple)
    attributes: Attributes = attrs.field(
        factory=Attributes, converter=_to_attributes, repr=_attributes_repr
    )
    # ---- contract v2 ----
    facilities: tuple[CreditAccount, ...] = attrs.field(default=(), converter=_to_tuple)
    guarantees: tuple[Guarantee, ...] = attrs.field(default=(), converter=_to_tuple)
    public_records: tuple[PublicRecord, ...] = attrs.field(default=(), converter=_to_tuple)
    overdue_interest: float | None = attrs.field(default=None, converter=_to_number)
    advances: float | None = attrs.field(default=None, converter=_to_number)
    contract_version: int = attrs.field(default=None, converter=_to_number)

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        _check_id(p, "enterprise_id", self.enterprise_id)
        enterprise_v2_problems(p, self, CreditAccount, Principal)
        if _check_list(p, "principals", self.principals, Principal, Limits.MAX_PRINCIPALS):
            if not self.principals:
                p.append(("principals", "must name at least one principal"))
            stakes: dict[str, float] = {}
            for pr in self.principals:
                if pr.stake is not None:
                    sid = pr.profile.subject_id
                    stakes[sid] = max(stakes.get(sid, 0.0), float(pr.stake))
            if sum(stakes.values()) > 1.0 + 1e-9:
                p.append(
                    ("principals", f"stakes add up to {sum(stakes.values()):.4f}, more than 1")
                )
        p.extend(Attributes.problems(self.attributes))
        _raise_if(p)

    @property
    def is_v2(self) -> bool:
        """True when the enterprise is a contract v2 enterprise."""
        return self.contract_version == 2

    @classmethod
    def from_dict(cls, data: Any) -> Enterprise:
        """Build an enterprise from a v1 JSON document, strictly.

        Raises:
            InvalidInputError: listing every problem with its path.
        """
        from credit_closure._contract.documents import enterprise_from_dict

        return enterprise_from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """Return the v1 JSON document of this enterprise."""
        from credit_closure._contract.documents import enterprise_to_dict

        return enterprise_to_dict(self)


def reopened_account(
    acc: CreditAccount, limit: float | None, balance: float | None
) -> CreditAccount:
    """``acc`` as if it had stayed open, at ``limit`` with ``balance`` (no validation: built
    from a validated closed account, it is valid by construction)."""
    new = _new(CreditAccount)
    _acc_id(new, acc.account_id)
    _acc_product(new, acc.product)
    _acc_status(new, _OPEN)
    _acc_provider(new, acc.provider)
    _acc_opened(new, acc.opened_on)
    _acc_closed(new, None)
    _acc_limit(new, limit)
    _acc_balance(new, balance)
    _acc_dpd(new, acc.worst_dpd_24m)
    _acc_months(new, acc.months_delinquent_24m)
    _acc_consec(new, acc.max_consecutive_delinquent_24m)
    for setter, name in _ACC_V2_SETTERS:
        setter(new, getattr(acc, name))
    return new


# the slots' own setters: faster than object.__setattr__ in the closure-impact hot path
_new = object.__new__
_OPEN = AccountStatus.OPEN
(
    _acc_id,
    _acc_product,
    _acc_status,
    _acc_provider,
    _acc_opened,
    _acc_closed,
    _acc_limit,
    _acc_balance,
    _acc_dpd,
    _acc_months,
    _acc_consec,
) = (
    CreditAccount.__dict__[name].__set__
    for name in (
        "account_id",
        "product",
        "status",
        "provider",
        "opened_on",
        "closed_on",
        "credit_limit",
        "balance",
        "worst_dpd_24m",
        "months_delinquent_24m",
        "max_consecutive_delinquent_24m",
    )
)


_ACC_V2_SETTERS = tuple(
    (CreditAccount.__dict__[name].__set__, name)
    for name in (*V2_ACCOUNT_FIELDS, "special_transactions", "limit_history")
)


def profile_unchecked(profile: CreditProfile, **changes: Any) -> CreditProfile:
    """A copy of a validated profile with ``changes`` (accounts reopened, closures removed),
    skipping validation: valid by construction, and the original's latest date stays a valid
    upper bound."""
    new = _new(CreditProfile)
    get = changes.get
    _p_subject(new, profile.subject_id)
    _p_accounts(new, get("accounts", profile.accounts))
    _p_closures(new, get("closures", profile.closures))
    _p_inquiries(new, get("inquiries", profile.inquiries))
    _p_activity(new, get("activity", profile.activity))
    _p_attributes(new, get("attributes", profile.attributes))
    _p_guarantees(new, get("guarantees", profile.guarantees))
    _p_public_records(new, get("public_records", profile.public_records))
    _p_currency(new, profile.currency)
    _p_version(new, profile.contract_version)
    _p_latest(new, profile._latest)
    return new


(
    _p_subject,
    _p_accounts,
    _p_closures,
    _p_inquiries,
    _p_activity,
    _p_attributes,
    _p_guarantees,
    _p_public_records,
    _p_currency,
    _p_version,
    _p_latest,
) = (
    CreditProfile.__dict__[name].__set__
    for name in (
        "subject_id",
        "accounts",
        "closures",
        "inquiries",
        "activity",
        "attributes",
        "guarantees",
        "public_records",
        "currency",
        "contract_version",
        "_latest",
    )
)
