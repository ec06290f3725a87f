"""Post-closure security detector: one implementation, used by monitoring and the rule scorer.

Closing an account is never, by itself, a theft signal: a closure is not an activity record
and no rule reads the closure's reason or initiator. What is watched is activity around and
after a closure, after the US Red Flags guidelines [RF-26] (flag 22: an account inactive for a
long period is used; flag 19: a request shortly after a change of address/contact) and
16 CFR 681.2 [CFR681]:

===============================  =========  ==============================================
rule                             severity   fires when
===============================  =========  ==============================================
``ACTIVITY_ON_CLOSED``           high/med.  a transaction (high) or login (medium) on an
                                            account after its closing date
``REOPEN_REQUEST``               medium     a reopen request on a closed account, on or
                                            after its closing date
``CONTACT_CHANGE_NEAR_CLOSURE``  medium     a contact change within ``window_days`` before
                                            or after a closure
``LIMIT_CHANGE_AFTER_CLOSURE``   high       a limit change on an account after it closed
``DORMANT_ACCOUNT_USED``         medium     a transaction after at least ``dormant_days``
                                            with no recorded activity on that account
===============================  =========  ==============================================

Times are compared in UTC (a naive time is read as UTC); "after its closing date" means on a
later calendar day (UTC) than the closing date.

The same per-record logic serves a whole profile (:func:`scan_profile`, records sorted first,
a contact change compared with every closure of the subject, since contact details are the
person's) and an unbounded stream (:func:`scan_stream`, records in time order per account, a
contact change compared with the closure of its own account; O(1) memory per account).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from credit_closure._contract.model import ActivityKind, ActivityRecord, CreditProfile
from credit_closure.exceptions import InvalidInputError

__all__ = [
    "RULES",
    "RuleInfo",
    "SecurityAlert",
    "SecurityConfig",
    "scan_profile",
    "scan_stream",
]

RULE_ACTIVITY_ON_CLOSED = "ACTIVITY_ON_CLOSED"
RULE_REOPEN_REQUEST = "REOPEN_REQUEST"
RULE_CONTACT_CHANGE = "CONTACT_CHANGE_NEAR_CLOSURE"
RULE_LIMIT_CHANGE = "LIMIT_CHANGE_AFTER_CLOSURE"
RULE_DORMANT = "DORMANT_ACCOUNT_USED"

SEVERITIES = ("high", "medium")


@attrs.frozen
class RuleInfo:
    """Documentation of one security rule: what it watches and where the idea comes from."""

    rule: str
    severity: str
    description: str
    sources: tuple[str, ...]


#: The rules of the detector, in the order of the module table.
RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        RULE_ACTIVITY_ON_CLOSED,
        "high (transaction) / medium (login)",
        "A transaction or login on an account after its closing date.",
        ("RF-26",),
    ),
    RuleInfo(
        RULE_REOPEN_REQUEST,
        "medium",
        "A reopen request on a closed account, on or after its closing date.",
        ("RF-26", "CFR681"),
    ),
    RuleInfo(
        RULE_CONTACT_CHANGE,
        "medium",
        "A contact change (phone, e-mail, address) within window_days before or after a closure.",
        ("RF-26", "CFR681", "ATO-FORUM"),
    ),
    RuleInfo(
        RULE_LIMIT_CHANGE,
        "high",
        "A limit change on an account after its closing date.",
        ("RF-26",),
    ),
    RuleInfo(
        RULE_DORMANT,
        "medium",
        "A transaction after at least dormant_days with no recorded activity on the "
        "account (Red Flag 22).",
        ("RF-26", "KYCAID"),
    ),
)


def _int_in(value: Any, lo: int, hi: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and lo <= value <= hi


@attrs.frozen(kw_only=True)
class SecurityConfig:
    """Windows of the security detector.

    Args:
        window_days: How close to a closure (before or after, in days) a contact change must
            be to alert; 0 to 3650.
        dormant_days: How many days without recorded activity make an account dormant;
            1 to 36500.

    Raises:
        InvalidInputError: a window is not an integer in its range.

    Example:
        >>> SecurityConfig(window_days=14).window_days
        14
    """

    window_days: int = 30
    dormant_days: int = 365

    def __attrs_post_init__(self) -> None:
        p = []
        if not _int_in(self.window_days, 0, 3650):
            p.append(("window_days", "must be an integer between 0 and 3650"))
        if not _int_in(self.dormant_days, 1, 36500):
            p.append(("dormant_days", "must be an integer between 1 and 36500"))
        if p:
            raise InvalidInputError(p, what="security configuration")


DEFAULT_SECURITY_CONFIG = SecurityConfig()


@attrs.frozen
class SecurityAlert:
    """One security alert: which rule fired, on which account, how severe, and the evidence.

    Attributes:
        rule: The rule's code (see :data:`RULES`).
        severity: ``"high"`` or ``"medium"``.
        account_id: The pseudonymous account the record was on.
        at: Time of the activity record that fired the rule (as recorded).
        kind: The kind of the activity record that fired the rule.
        closed_on: The closing date involved (``None`` for a dormant account still open).
        reference: The other date the rule compared with: the closure for the closure rules,
            the last earlier activity for ``DORMANT_ACCOUNT_USED``.
        evidence: (property) a short description with the dates involved, built from the
            fields above (no personal data).
    """

    rule: str
    severity: str
    account_id: str
    at: _dt.datetime
    kind: str
    closed_on: _dt.date | None = None
    reference: _dt.date | None = None

    @property
    def evidence(self) -> str:
        """What fired the rule, with the dates involved."""
        day = self.day
        ref = self.reference
        if self.rule == RULE_DORMANT and ref is not None:
            return (
                f"transaction on {day.isoformat()} after {(day - ref).days} days without "
                f"activity (last {ref.isoformat()})"
            )
        if ref is None:  # pragma: no cover - every other rule has a reference date
            return f"{self.kind} on {day.isoformat()}"
        if self.rule == RULE_CONTACT_CHANGE:
            gap = (day - ref).days
            when = (
                "on the day of"
                if gap == 0
                else f"{-gap} days before"
                if gap < 0
                else f"{gap} days after"
            )
            return f"contact change on {day.isoformat()}, {when} a closure on {ref.isoformat()}"
        if self.rule == RULE_REOPEN_REQUEST:
            return f"reopen request on {day.isoformat()} for an account closed on {ref.isoformat()}"
        return (
            f"{self.kind.replace('_', ' ')} on {day.isoformat()} after closure on {ref.isoformat()}"
        )

    @property
    def day(self) -> _dt.date:
        """The alert's calendar date (UTC)."""
        at = self.at
        if at.tzinfo is not None:
            at = at.astimezone(_dt.timezone.utc)
        return at.date()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "account_id": self.account_id,
            "at": self.at.isoformat(),
            "kind": self.kind,
            "closed_on": None if self.closed_on is None else self.closed_on.isoformat(),
            "reference": None if self.reference is None else self.reference.isoformat(),
            "evidence": self.evidence,
        }


_UTC = _dt.timezone.utc


def _naive_utc(at: _dt.datetime) -> _dt.datetime:
    if at.tzinfo is None:
        return at
    return at.astimezone(_UTC).replace(tzinfo=None)


def sort_key(a: SecurityAlert) -> tuple[_dt.datetime, str, str]:
    """The canonical order of alerts: time (UTC), account, rule."""
    return (_naive_utc(a.at), a.account_id, a.rule)


_KIND_CODE: dict[Any, int] = {}
for _i, _k in enumerate(ActivityKind):
    _KIND_CODE[_k.value] = _i
    _KIND_CODE[_k] = _i
_KIND_NAMES = tuple(k.value for k in ActivityKind)
_TXN = _KIND_CODE[ActivityKind.TRANSACTION]
_REOPEN = _KIND_CODE[ActivityKind.REOPEN_REQUEST]
_CONTACT = _KIND_CODE[ActivityKind.CONTACT_CHANGE]
_LIMIT = _KIND_CODE[ActivityKind.LIMIT_CHANGE]


def _record_problem(i: int, rec: Any) -> InvalidInputError:
    return InvalidInputError(
        [
            (
                f"records[{i}]",
                "must be an ActivityRecord or an (account_id, datetime, kind) "
                f"tuple with a non-empty account id and a known kind (got {type(rec).__name__})",
            )
        ],
        what="activity stream",
    )


def _detect(
    records: Iterable[Any],
    closed_on: Mapping[str, _dt.date],
    near: Callable[[str, _dt.date], _dt.date | None],
    cfg: SecurityConfig,
) -> Iterator[SecurityAlert]:
    """The rules, applied record by record: the one implementation behind both scans.

    ``records`` are :class:`ActivityRecord` objects or ``(account_id, datetime, kind)``
    tuples in time order per account. The dormancy rule keeps, per account, the latest time
    seen (``last``) and the latest time strictly before it (``prev``), so records sharing a
    timestamp give the same result in any order: O(1) memory per account.
    """
    dormant = _dt.timedelta(days=cfg.dormant_days)
    last: dict[str, _dt.datetime] = {}
    prev: dict[str, _dt.datetime] = {}
    last_get = last.get
    closed_get = closed_on.get
    codes = _KIND_CODE
    datetime = _dt.datetime
    utc = _UTC
    txn, reopen, contact, limit = _TXN, _REOPEN, _CONTACT, _LIMIT
    for i, rec in enumerate(records):
        if type(rec) is tuple and len(rec) == 3:
            acc, orig, kind = rec
            code = codes.get(kind) if isinstance(kind, str) else None
            if code is None or type(acc) is not str or not acc or not isinstance(orig, datetime):
                raise _record_problem(i, rec)
        elif isinstance(rec, ActivityRecord):
            acc, orig, code = rec.account_id, rec.at, codes[rec.kind]
        else:
            raise _record_problem(i, rec)
        at = orig if orig.tzinfo is None else orig.astimezone(utc).replace(tzinfo=None)
        closed = closed_get(acc)
        if code == contact:
            d = near(acc, at.date())
            if d is not None:
                yield SecurityAlert(
                    RULE_CONTACT_CHANGE, "medium", acc, orig, "contact_change", d, d
                )
        elif closed is not None:
            day = at.date()
            if code == reopen:
                if day >= closed:
                    yield SecurityAlert(
                        RULE_REOPEN_REQUEST, "medium", acc, orig, "reopen_request", closed, closed
                    )
            elif day > closed:
                if code == limit:
                    yield SecurityAlert(
                        RULE_LIMIT_CHANGE, "high", acc, orig, "limit_change", closed, closed
                    )
                else:  # a transaction or a login on a closed account
                    yield SecurityAlert(
                        RULE_ACTIVITY_ON_CLOSED,
                        "high" if code == txn else "medium",
                        acc,
                        orig,
                        _KIND_NAMES[code],
                        closed,
                        closed,
                    )
        # dormancy: every record is activity; only a transaction can fire the rule
        seen = last_get(acc)
        if seen is None:
            last[acc] = at
            continue
        ref: _dt.datetime | None
        if at > seen:
            ref = seen
            prev[acc] = seen
            last[acc] = at
        elif at == seen:
            ref = prev.get(acc)
        else:
            raise InvalidInputError(
                [
                    (
                        f"records[{i}]",
                        "is earlier than an earlier record of the same account; a "
                        "stream must be in time order per account",
                    )
                ],
                what="activity stream",
            )
        if code == txn and ref is not None and at - ref >= dormant:
            yield SecurityAlert(
                RULE_DORMANT, "medium", acc, orig, "transaction", closed, ref.date()
            )


def _check_config(config: Any) -> SecurityConfig:
    if config is None:
        return DEFAULT_SECURITY_CONFIG
    if isinstance(config, SecurityConfig):
        return config
    if isinstance(config, Mapping):
        unknown = sorted(set(map(str, config)) - {"window_days", "dormant_days"})
        if unknown:
            raise InvalidInputError(
                [(f"config.{k}", "is not a known field") for k in unknown],
                what="security configuration",
            )
        try:
            return SecurityConfig(**config)
        except InvalidInputError as exc:
            raise InvalidInputError(exc.prefixed("config"), what="security configuration") from None
    raise InvalidInputError(
        [("config", f"must be a SecurityConfig or a mapping (got {type(config).__name__})")],
        what="argument",
    )


def _closing_days(profile: CreditProfile) -> dict[str, _dt.date]:
    """Each closed account's closing day: its ``closed_on``, else its closure event's."""
    closed_on: dict[str, _dt.date] = {}
    for acc in profile.accounts:
        if acc.closed_on is not None:
            closed_on[acc.account_id] = acc.closed_on
    for ev in profile.closures:
        closed_on.setdefault(ev.account_id, ev.closed_on)
    return closed_on


def scan_profile(
    profile: CreditProfile,
    *,
    config: SecurityConfig | None = None,
    activity: Iterable[ActivityRecord] | None = None,
) -> tuple[SecurityAlert, ...]:
    """Scan a profile's activity (or ``activity``, if given) for post-closure security alerts.

    A contact change is compared with every closure of the subject (contact details are the
    person's, not one account's). The result is sorted by time, account and rule, so it does
    not depend on record order.

    Example:
        >>> p = CreditProfile.from_dict({"subject_id": "s", "accounts": [
        ...     {"account_id": "a", "product": "credit_card", "status": "closed",
        ...      "closed_on": "2025-01-10"}],
        ...     "activity": [{"account_id": "a", "at": "2025-02-01T08:00:00", "kind": "login"}]})
        >>> [(a.rule, a.severity) for a in scan_profile(p)]
        [('ACTIVITY_ON_CLOSED', 'medium')]
    """
    cfg = _check_config(config)
    records = profile.activity if activity is None else tuple(activity)
    if not records:
        return ()
    closed_on = _closing_days(profile)
    closure_days = sorted(set(closed_on.values()))
    window = _dt.timedelta(days=cfg.window_days)

    def near(_acc: str, day: _dt.date) -> _dt.date | None:
        best = None
        for d in closure_days:
            gap = abs(day - d)
            if gap <= window and (best is None or gap < abs(day - best)):
                best = d
        return best

    ordered = [
        t[3]
        for t in sorted(
            ((_naive_utc(r.at), r.account_id, r.kind.value, r) for r in records),
            key=lambda t: t[:3],
        )
    ]
    alerts = list(_detect(ordered, closed_on, near, cfg))
    alerts.sort(key=sort_key)
    return tuple(alerts)


def security_counts(
    profile: CreditProfile, config: SecurityConfig, since: _dt.date
) -> tuple[float, float, float]:
    """The three security features of the feature extractor, without building alerts.

    ``(post-closure activity, reopen requests, contact change near a closure)``: the number of
    :func:`scan_profile` alerts dated after ``since`` whose rule is ``ACTIVITY_ON_CLOSED`` or
    ``LIMIT_CHANGE_ON_CLOSED``, the number whose rule is ``REOPEN_REQUEST_ON_CLOSED``, and
    1.0 if any is ``CONTACT_CHANGE_NEAR_CLOSURE``. The rules are those of :func:`_detect`,
    record by record; counts do not depend on order and the dormancy rule is not counted, so
    no sorting is needed (``tests/test_security.py`` checks it equals counting the alerts).
    """
    records = profile.activity
    if not records:
        return 0.0, 0.0, 0.0
    closed_on = _closing_days(profile)
    window = _dt.timedelta(days=config.window_days)
    codes = _KIND_CODE
    closed_get = closed_on.get
    post = reopen = contact = 0.0
    for rec in records:
        at = rec.at
        if at.tzinfo is not None:
            at = at.astimezone(_UTC)
        day = at.date()
        if day <= since:
            continue
        code = codes[rec.kind]
        if code == _CONTACT:
            if not contact and any(abs(day - d) <= window for d in closed_on.values()):
                contact = 1.0
            continue
        closed = closed_get(rec.account_id)
        if closed is None:
            continue
        if code == _REOPEN:
            if day >= closed:
                reopen += 1.0
        elif day > closed:  # a limit change, a transaction or a login on a closed account
            post += 1.0
    return post, reopen, contact


def verification_pattern(profile: CreditProfile, config: SecurityConfig, since: _dt.date) -> float:
    """The ``security_verification`` feature (default policy v2, issue 15 item 9): 1.0 when
    a contact change within ``window_days`` of a closure of the subject is followed (the same
    day or later) by a transaction on a closed account after its closing day or a reopen
    request on a closed account, that completing record dated after ``since`` (the look-back
    of ``as_of``); else 0.0.

    The look-back applies to the activity that completes the pattern, not to the contact
    change: a takeover whose reopen request is recent is caught however old the change. A
    login or a limit change never completes it (a login alone is an alert, not a referral).
    The contract has no separate card-request record; a reopen request stands for it.
    """
    records = profile.activity
    if not records:
        return 0.0
    closed_on = _closing_days(profile)
    if not closed_on:
        return 0.0
    window = _dt.timedelta(days=config.window_days)
    codes = _KIND_CODE
    first_change: _dt.date | None = None
    completing: list[_dt.date] = []
    for rec in records:
        at = rec.at
        if at.tzinfo is not None:
            at = at.astimezone(_UTC)
        day = at.date()
        code = codes[rec.kind]
        if code == _CONTACT:
            if (first_change is None or day < first_change) and any(
                abs(day - d) <= window for d in closed_on.values()
            ):
                first_change = day
            continue
        if day <= since or (code != _TXN and code != _REOPEN):
            continue
        closed = closed_on.get(rec.account_id)
        if closed is not None and (day > closed if code == _TXN else day >= closed):
            completing.append(day)
    if first_change is None:
        return 0.0
    return 1.0 if any(day >= first_change for day in completing) else 0.0


def scan_stream(
    records: Iterable[Any],
    closed_on: Mapping[str, _dt.date],
    *,
    config: SecurityConfig | None = None,
) -> Iterator[SecurityAlert]:
    """Scan a stream of activity records, yielding alerts as they are found.

    Records are :class:`ActivityRecord` objects or ``(account_id, datetime, kind)`` tuples
    (``kind`` an :class:`ActivityKind` or its value); they must be in time order *per
    account* (accounts may interleave freely). A contact change is compared with the closure
    of its own account. Memory is O(1) per account seen plus ``closed_on``.

    Args:
        records: The activity records, in time order per account.
        closed_on: Closing date of every closed account, by account id.
        config: Windows of the detector (:class:`SecurityConfig` or a mapping).

    Yields:
        :class:`SecurityAlert`, in the order the records fire them.

    Raises:
        InvalidInputError: a bad ``closed_on`` entry or configuration (before any alert), a
            malformed record, or a record earlier than a previous one of the same account
            (when it is reached), naming ``records[i]``.

    Example:
        >>> import datetime as dt
        >>> recs = [("a", dt.datetime(2025, 3, 1, 9), "transaction")]
        >>> [a.rule for a in scan_stream(recs, {"a": dt.date(2025, 1, 31)})]
        ['ACTIVITY_ON_CLOSED']
    """
    cfg = _check_config(config)
    if not isinstance(closed_on, Mapping):
        raise InvalidInputError(
            [
                (
                    "closed_on",
                    f"must be a mapping of account id to date (got {type(closed_on).__name__})",
                )
            ],
            what="argument",
        )
    problems = []
    for key, value in closed_on.items():
        if not isinstance(key, str) or not key:
            problems.append(("closed_on", "has a key that is not a non-empty string"))
        elif isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
            problems.append((f"closed_on[{key[:40]!r}]", "must be a date"))
        if len(problems) >= 50:
            break
    if problems:
        raise InvalidInputError(problems, what="argument")
    return _stream(records, closed_on, cfg)


def _stream(
    records: Iterable[Any], closed_on: Mapping[str, _dt.date], cfg: SecurityConfig
) -> Iterator[SecurityAlert]:
    window = _dt.timedelta(days=cfg.window_days)
    get = closed_on.get

    def near(acc: str, day: _dt.date) -> _dt.date | None:
        d = get(acc)
        if d is not None and abs(day - d) <= window:
            return d
        return None

    return _detect(records, closed_on, near, cfg)
