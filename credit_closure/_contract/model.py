"""The closure-event model: immutable, keyword-only, validated on construction.

Field names and enum values are the v1 JSON contract (see ``docs/json-contract.md``).
Every class checks itself when built and raises :class:`InvalidInputError` listing *every*
problem it found, each with the path of the field (``closed_on``, ``accounts[2].closed_on``).

Dates may be given as :class:`datetime.date` or as ISO ``YYYY-MM-DD`` strings, enum members
as their string values; they are converted, never guessed. Anything else is reported.
"""

from __future__ import annotations

import datetime as _dt
import enum
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Union

import attrs

from credit_closure.exceptions import InvalidInputError

__all__ = [
    "AccountStatus",
    "ActivityKind",
    "ActivityRecord",
    "Attributes",
    "ClosureEvent",
    "ClosureInitiator",
    "ClosureReason",
    "CreditAccount",
    "CreditProfile",
    "Enterprise",
    "Inquiry",
    "InquiryKind",
    "Limits",
    "Principal",
    "PrincipalRole",
    "ProductType",
    "TerminationKind",
]

Problem = tuple[str, str]
AttributeValue = Union[int, float, str]


# --------------------------------------------------------------------------------------
# Resource limits (documented in docs/json-contract.md; enforced before any deep work)
# --------------------------------------------------------------------------------------
class Limits:
    """Documented maximums, enforced with :class:`InvalidInputError` on construction.

    They keep a hostile or broken document from exhausting memory or time.
    """

    MAX_ACCOUNTS = 500
    MAX_CLOSURES = 500
    MAX_INQUIRIES = 5_000
    MAX_ACTIVITY = 100_000
    MAX_ATTRIBUTES = 500
    MAX_PRINCIPALS = 200
    MAX_ID_LENGTH = 128
    MAX_STRING_LENGTH = 256
    MAX_AMOUNT = 1e13
    MAX_DPD = 36_500
    MIN_DATE = _dt.date(1900, 1, 1)


# --------------------------------------------------------------------------------------
# Enums
# --------------------------------------------------------------------------------------
class _StrEnum(str, enum.Enum):
    """A string-valued enum whose ``str()`` is its JSON value."""

    def __str__(self) -> str:
        return str(self.value)


class ProductType(_StrEnum):
    """What kind of credit an account is."""

    REVOLVING_CONSUMER = "revolving_consumer"  #: Huabei-type revolving consumer line
    CASH_LOAN = "cash_loan"  #: Jiebei-type cash-loan line
    CREDIT_CARD = "credit_card"
    INSTALLMENT = "installment"
    MORTGAGE = "mortgage"
    BUSINESS_LOAN = "business_loan"
    OTHER = "other"


#: Products whose limit can be drawn again: they count in utilization.
REVOLVING_PRODUCTS = frozenset(
    {ProductType.REVOLVING_CONSUMER, ProductType.CASH_LOAN, ProductType.CREDIT_CARD}
)


class AccountStatus(_StrEnum):
    """The account's latest status, as the PBoC report shows it."""

    OPEN = "open"
    CLOSED = "closed"  #: 销户 / 结清
    CHARGED_OFF = "charged_off"  #: 呆账
    TRANSFERRED = "transferred"  #: 转出
    SUSPENDED = "suspended"  #: 止付 / 冻结


class ClosureInitiator(_StrEnum):
    """Who closed the account."""

    CONSUMER = "consumer"
    LENDER_RISK = "lender_risk"
    LENDER_INACTIVITY = "lender_inactivity"
    PLATFORM_POLICY = "platform_policy"
    REGULATOR = "regulator"
    UNKNOWN = "unknown"


class ClosureReason(_StrEnum):
    """Why the account was closed, as far as it is known."""

    REDUCE_DEBT = "reduce_debt"
    SWITCH_PLATFORM = "switch_platform"
    SECURITY_CONCERN = "security_concern"
    PRIVACY = "privacy"
    UNUSED = "unused"
    LENDER_RISK_CONTROL = "lender_risk_control"
    OTHER = "other"
    UNKNOWN = "unknown"


class TerminationKind(_StrEnum):
    """How the account ended, in PBoC repayment symbols."""

    NORMAL = "normal"  #: C, 结清 / normal closure
    ABNORMAL = "abnormal"  #: G, 结束: any termination other than settlement
    BAD_DEBT = "bad_debt"  #: B, 呆账


class InquiryKind(_StrEnum):
    """Why the credit report was queried."""

    LOAN_APPROVAL = "loan_approval"  #: 贷款审批 (hard)
    CARD_APPROVAL = "card_approval"  #: 信用卡审批 (hard)
    GUARANTEE_CHECK = "guarantee_check"  #: 担保资格审查
    POST_LOAN = "post_loan"  #: 贷后管理
    SELF = "self"  #: 本人查询
    OTHER = "other"


#: Inquiry kinds that count as hard inquiries (贷款审批 / 信用卡审批).
HARD_INQUIRY_KINDS = frozenset({InquiryKind.LOAN_APPROVAL, InquiryKind.CARD_APPROVAL})


class ActivityKind(_StrEnum):
    """A kind of account activity record, used by security monitoring."""

    TRANSACTION = "transaction"
    LOGIN = "login"
    REOPEN_REQUEST = "reopen_request"
    CONTACT_CHANGE = "contact_change"
    LIMIT_CHANGE = "limit_change"


class PrincipalRole(_StrEnum):
    """A person's role towards an enterprise."""

    LEGAL_REPRESENTATIVE = "legal_representative"  #: 法定代表人
    SHAREHOLDER = "shareholder"
    GUARANTOR = "guarantor"
    ACTUAL_CONTROLLER = "actual_controller"  #: 实际控制人


# --------------------------------------------------------------------------------------
# Converters (never raise: a value they cannot convert is left for the checks to report)
# --------------------------------------------------------------------------------------
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$"
)
_CTRL_RE = re.compile(r"[\x00-\x1f\x7f]")


class _Unparsed(str):
    """A string that failed to parse; kept so the check can report it."""


def _to_date(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, _Unparsed):
        if _DATE_RE.match(value):
            try:
                return _dt.date.fromisoformat(value)
            except ValueError:
                pass
        return _Unparsed(value)
    return value


def _to_optional_date(value: Any) -> Any:
    return None if value is None else _to_date(value)


def _to_datetime(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, _Unparsed):
        if _DATETIME_RE.match(value):
            text = value[:-1] + "+00:00" if value.endswith("Z") else value
            try:
                return _dt.datetime.fromisoformat(text)
            except ValueError:
                pass
        return _Unparsed(value)
    return value


def _enum_converter(enum_cls: type[enum.Enum]) -> Any:
    members = {m.value: m for m in enum_cls}  # type: ignore[attr-defined]

    def convert(value: Any) -> Any:
        if isinstance(value, enum_cls):
            return value
        if isinstance(value, str):
            return members.get(value, value)
        return value

    convert.__name__ = f"to_{enum_cls.__name__}"
    return convert


def _to_tuple(value: Any) -> Any:
    if isinstance(value, tuple):
        return value
    if isinstance(value, (list, Iterator)) or (
        isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping))
    ):
        return tuple(value)
    return value


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------
def _type_name(value: Any) -> str:
    """The JSON name of a value's type, for messages (``"string"``, ``"boolean"``...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def _short(value: Any, limit: int = 40) -> str:
    """A value for a message, cut to ``limit`` characters (a 4,000-digit number stays short)."""
    text = (
        repr(value)
        if not isinstance(value, int) or abs(value) < 10**30
        else f"{str(value)[:12]}...({len(str(value))} digits)"
    )
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_id(problems: list[Problem], path: str, value: Any) -> None:
    if not isinstance(value, str) or not value:
        problems.append((path, "must be a non-empty string"))
    elif len(value) > Limits.MAX_ID_LENGTH:
        problems.append((path, f"is longer than {Limits.MAX_ID_LENGTH} characters"))
    elif _CTRL_RE.search(value):
        problems.append((path, "must not contain control characters"))
    elif not _valid_unicode(value):
        problems.append((path, "must be valid Unicode text (no lone surrogates)"))


def _valid_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_enum(problems: list[Problem], path: str, value: Any, enum_cls: type) -> None:
    if not isinstance(value, enum_cls):
        allowed = ", ".join(m.value for m in enum_cls)
        if isinstance(value, str):
            problems.append((path, f"is not one of: {allowed} (got {value[:40]!r})"))
        else:
            problems.append((path, f"must be one of: {allowed} (got {_type_name(value)})"))


def _check_date(problems: list[Problem], path: str, value: Any, *, optional: bool) -> bool:
    """Report a bad date; return True when ``value`` is a usable date."""
    if value is None:
        if not optional:
            problems.append((path, "is required"))
        return False
    if isinstance(value, _Unparsed):
        problems.append((path, f"is not a valid date in YYYY-MM-DD form (got {value[:40]!r})"))
        return False
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        problems.append((path, f"must be a date in YYYY-MM-DD form (got {_type_name(value)})"))
        return False
    if value < Limits.MIN_DATE:
        problems.append((path, f"is before {Limits.MIN_DATE.isoformat()}"))
        return False
    return True


def _check_amount(problems: list[Problem], path: str, value: Any, *, optional: bool = True) -> None:
    if value is None:
        if not optional:
            problems.append((path, "is required"))
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append((path, f"must be a number (got {_type_name(value)})"))
    elif isinstance(value, float) and not math.isfinite(value):
        problems.append((path, f"must be a finite number (got {_short(value)})"))
    elif value < 0:
        problems.append((path, f"must be >= 0 (got {_short(value)})"))
    elif value > Limits.MAX_AMOUNT:
        problems.append((path, f"is larger than the maximum amount {Limits.MAX_AMOUNT:.0e}"))


def _check_int(
    problems: list[Problem], path: str, value: Any, lo: int, hi: int, *, optional: bool = True
) -> bool:
    if value is None:
        if not optional:
            problems.append((path, "is required"))
        return False
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append((path, f"must be an integer (got {_type_name(value)})"))
        return False
    if not lo <= value <= hi:
        problems.append((path, f"must be between {lo} and {hi} (got {_short(value)})"))
        return False
    return True


def _check_list(problems: list[Problem], path: str, value: Any, item_cls: type, limit: int) -> bool:
    if not isinstance(value, tuple):
        problems.append((path, f"must be a list (got {_type_name(value)})"))
        return False
    if len(value) > limit:
        problems.append((path, f"has {len(value)} items; the maximum is {limit}"))
        return False
    ok = True
    for i, item in enumerate(value):
        if not isinstance(item, item_cls):
            problems.append(
                (f"{path}[{i}]", f"must be a {item_cls.__name__} (got {_type_name(item)})")
            )
            ok = False
    return ok


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InvalidInputError(problems)


# --------------------------------------------------------------------------------------
# Attributes: an immutable, hashable mapping of lender-supplied inputs
# --------------------------------------------------------------------------------------
class Attributes(Mapping[str, AttributeValue]):
    """Lender-supplied inputs of a subject: name -> number or string. Immutable and hashable.

    Values are kept exactly as given (an ``int`` stays an ``int``). The repr never shows the
    values, only the names' count, so a log line cannot leak them.

    Example:
        >>> a = Attributes({"monthly_income": 15000, "city_tier": "1"})
        >>> a["city_tier"], len(a)
        ('1', 2)
        >>> a
        <Attributes: 2 items>
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, AttributeValue] | None = None) -> None:
        problems = self.problems(data if data is not None else {})
        _raise_if(problems)
        self._data: dict[str, AttributeValue] = dict(data) if data else {}
        self._hash: int | None = None

    @staticmethod
    def problems(data: Any, path: str = "attributes") -> list[Problem]:
        """Return the problems of ``data`` as an attributes mapping (empty when valid)."""
        out: list[Problem] = []
        if isinstance(data, Attributes):
            return out
        if not isinstance(data, Mapping):
            return [
                (
                    path,
                    f"must be an object mapping names to numbers or strings (got {_type_name(data)})",
                )
            ]
        if len(data) > Limits.MAX_ATTRIBUTES:
            return [(path, f"has {len(data)} items; the maximum is {Limits.MAX_ATTRIBUTES}")]
        for key, value in data.items():
            if not isinstance(key, str) or not key or len(key) > 64 or _CTRL_RE.search(key):
                out.append(
                    (
                        path,
                        f"has an invalid name {str(key)[:40]!r}: names are 1-64 characters, no control characters",
                    )
                )
                continue
            p = f"{path}.{key}"
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                out.append(
                    (
                        p,
                        f"must be a number or a string (got {_type_name(value)}); omit the attribute when it is unknown",
                    )
                )
            elif isinstance(value, float) and not math.isfinite(value):
                out.append((p, "must be a finite number"))
            elif isinstance(value, int) and abs(value) > 2**53:
                out.append((p, "is too large an integer to be exact in JSON (|n| > 2**53)"))
            elif isinstance(value, str) and len(value) > Limits.MAX_STRING_LENGTH:
                out.append((p, f"is longer than {Limits.MAX_STRING_LENGTH} characters"))
        return out

    def __getitem__(self, key: str) -> AttributeValue:
        return self._data[key]

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default`` when the subject lacks it (a plain dict
        lookup: scorecards call this once per attribute input on every score)."""
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Attributes):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"<Attributes: {len(self._data)} items>"

    def to_dict(self) -> dict[str, AttributeValue]:
        """Return a new plain ``dict`` of the attributes."""
        return dict(self._data)


def _to_attributes(value: Any) -> Any:
    if isinstance(value, Attributes):
        return value
    if value is None:
        return Attributes()
    if isinstance(value, Mapping) and not Attributes.problems(value):
        return Attributes(value)
    return value


def _attributes_repr(value: Any) -> str:
    return f"<{len(value)} attributes>" if isinstance(value, Attributes) else "<invalid attributes>"


# --------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------
_product = _enum_converter(ProductType)
_status = _enum_converter(AccountStatus)
_initiator = _enum_converter(ClosureInitiator)
_reason = _enum_converter(ClosureReason)
_termination = _enum_converter(TerminationKind)
_inquiry_kind = _enum_converter(InquiryKind)
_activity_kind = _enum_converter(ActivityKind)
_role = _enum_converter(PrincipalRole)


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
    credit_limit: float | None = None
    balance: float | None = None
    worst_dpd_24m: int | None = None
    months_delinquent_24m: int | None = None
    max_consecutive_delinquent_24m: int | None = None

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())

    def problems(self) -> list[Problem]:
        """Return every problem of this account as ``(field, message)`` pairs."""
        p: list[Problem] = []
        _check_id(p, "account_id", self.account_id)
        _check_enum(p, "product", self.product, ProductType)
        _check_enum(p, "status", self.status, AccountStatus)
        if self.provider is not None and (
            not isinstance(self.provider, str)
            or not self.provider
            or len(self.provider) > 64
            or _CTRL_RE.search(self.provider)
        ):
            p.append(("provider", "must be a non-empty string of at most 64 characters"))
        opened_ok = _check_date(p, "opened_on", self.opened_on, optional=True)
        closed_ok = _check_date(p, "closed_on", self.closed_on, optional=True)
        if opened_ok and closed_ok and self.closed_on < self.opened_on:  # type: ignore[operator]
            p.append(("closed_on", f"is before opened_on {self.opened_on.isoformat()}"))  # type: ignore[union-attr]
        if self.status is AccountStatus.CLOSED and self.closed_on is None:
            p.append(("closed_on", "is required when status is 'closed'"))
        if self.status is AccountStatus.OPEN and self.closed_on is not None:
            p.append(("closed_on", "must be absent when status is 'open'"))
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
        return p

    @property
    def is_closed(self) -> bool:
        """True when the account no longer runs: closed, charged off or transferred."""
        return self.status in _ENDED_STATUSES

    @property
    def is_revolving(self) -> bool:
        """True for products whose limit can be drawn again (they count in utilization)."""
        return self.product in REVOLVING_PRODUCTS


_ENDED_STATUSES = frozenset(
    {AccountStatus.CLOSED, AccountStatus.CHARGED_OFF, AccountStatus.TRANSFERRED}
)


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
    balance_at_closure: float | None = None
    limit_at_closure: float | None = None
    worst_dpd_6m_before: int | None = None

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

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())

    def problems(self) -> list[Problem]:
        """Return every problem of this inquiry as ``(field, message)`` pairs."""
        p: list[Problem] = []
        _check_date(p, "on", self.on, optional=False)
        _check_enum(p, "kind", self.kind, InquiryKind)
        return p

    @property
    def is_hard(self) -> bool:
        """True for 贷款审批 / 信用卡审批 inquiries (hard inquiries)."""
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
    _latest: _dt.date | None = attrs.field(
        init=False, default=None, eq=False, hash=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())
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
        if not acc_ok:
            return p
        by_id: dict[str, CreditAccount] = {}
        for i, acc in enumerate(self.accounts):
            if acc.account_id in by_id:
                p.append((f"accounts[{i}].account_id", "duplicates an earlier account id"))
            else:
                by_id[acc.account_id] = acc
        if clo_ok:
            seen: set[str] = set()
            for i, ev in enumerate(self.closures):
                acc = by_id.get(ev.account_id)
                path = f"closures[{i}]"
                if acc is None:
                    p.append((f"{path}.account_id", "names no account in accounts"))
                    continue
                if ev.account_id in seen:
                    p.append((f"{path}.account_id", "has more than one closure event"))
                seen.add(ev.account_id)
                if acc.status is AccountStatus.OPEN:
                    p.append((f"{path}.account_id", "names an account whose status is 'open'"))
                if acc.opened_on is not None and ev.closed_on < acc.opened_on:
                    p.append(
                        (
                            f"{path}.closed_on",
                            f"is before the account's opened_on {acc.opened_on.isoformat()}",
                        )
                    )
                if acc.closed_on is not None and ev.closed_on != acc.closed_on:
                    p.append(
                        (
                            f"{path}.closed_on",
                            f"differs from the account's closed_on {acc.closed_on.isoformat()}",
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
        return p

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
    stake: float | None = None

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        _check_enum(p, "role", self.role, PrincipalRole)
        if not isinstance(self.profile, CreditProfile):
            p.append(("profile", f"must be a CreditProfile (got {_type_name(self.profile)})"))
        if not _stake_check(self.stake):
            p.append(("stake", "must be a number between 0 and 1"))
        _raise_if(p)


@attrs.frozen(kw_only=True)
class Enterprise:
    """A company and the people whose personal credit its financing depends on.

    The stakes of distinct subjects add up to at most 1.

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

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        _check_id(p, "enterprise_id", self.enterprise_id)
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
    _p_latest(new, profile._latest)
    return new


(_p_subject, _p_accounts, _p_closures, _p_inquiries, _p_activity, _p_attributes, _p_latest) = (
    CreditProfile.__dict__[name].__set__
    for name in (
        "subject_id",
        "accounts",
        "closures",
        "inquiries",
        "activity",
        "attributes",
        "_latest",
    )
)
