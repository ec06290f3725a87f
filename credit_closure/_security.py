"""Post-closure security detector: one implementation, used by monitoring and the rule scorer.

Closing an account is never, by itself, a theft signal. What is watched is activity around and
after a closure, after the US Red Flags guidelines [RF-26] (flag 22: an account inactive for a
long period is used; flag 19: a request shortly after a change of address/contact) and
16 CFR 681.2 [CFR681]:

===============================  =========  ==============================================
rule                             severity   fires when
===============================  =========  ==============================================
``ACTIVITY_ON_CLOSED``           high/med.  a transaction (high) or login (medium) on an
                                            account after its closing date
``REOPEN_REQUEST``               medium     a reopen request on a closed account
``CONTACT_CHANGE_NEAR_CLOSURE``  medium     a contact change within ``window_days`` before
                                            or after a closure
``LIMIT_CHANGE_AFTER_CLOSURE``   high       a limit change on an account after it closed
``DORMANT_ACCOUNT_USED``         medium     a transaction after at least ``dormant_days``
                                            with no recorded activity on that account
===============================  =========  ==============================================
"""

from __future__ import annotations

import datetime as _dt
from typing import Iterable, Optional, Tuple

import attrs

from ._model import ActivityKind, ActivityRecord, CreditProfile

__all__ = ["SecurityAlert", "SecurityConfig", "scan_profile"]

RULE_ACTIVITY_ON_CLOSED = "ACTIVITY_ON_CLOSED"
RULE_REOPEN_REQUEST = "REOPEN_REQUEST"
RULE_CONTACT_CHANGE = "CONTACT_CHANGE_NEAR_CLOSURE"
RULE_LIMIT_CHANGE = "LIMIT_CHANGE_AFTER_CLOSURE"
RULE_DORMANT = "DORMANT_ACCOUNT_USED"


@attrs.frozen(kw_only=True)
class SecurityConfig:
    """Windows of the security detector.

    Args:
        window_days: How close to a closure (before or after) a contact change must be.
        dormant_days: How long without recorded activity makes an account dormant.
    """

    window_days: int = attrs.field(default=30, validator=attrs.validators.ge(0))
    dormant_days: int = attrs.field(default=365, validator=attrs.validators.ge(1))


@attrs.frozen(kw_only=True)
class SecurityAlert:
    """One security alert: which rule fired, on which account, how severe, and the evidence.

    ``at`` is the time of the activity record that fired the rule; ``evidence`` is a short
    description with the dates involved (no personal data).
    """

    rule: str
    severity: str
    account_id: str
    at: _dt.datetime
    evidence: str

    @property
    def day(self) -> _dt.date:
        """The alert's calendar date (UTC)."""
        at = self.at
        if at.tzinfo is not None:
            at = at.astimezone(_dt.timezone.utc)
        return at.date()


def _naive_utc(at: _dt.datetime) -> _dt.datetime:
    if at.tzinfo is None:
        return at
    return at.astimezone(_dt.timezone.utc).replace(tzinfo=None)


def _sort_key(a: SecurityAlert) -> tuple:
    return (_naive_utc(a.at), a.account_id, a.rule)


def scan_profile(
    profile: CreditProfile,
    *,
    config: SecurityConfig | None = None,
    activity: Optional[Iterable[ActivityRecord]] = None,
) -> Tuple[SecurityAlert, ...]:
    """Scan a profile's activity (or ``activity``, if given) for post-closure security alerts.

    The result is sorted by time, account and rule, so it does not depend on record order.
    """
    cfg = config or SecurityConfig()
    records = profile.activity if activity is None else tuple(activity)
    if not records:
        return ()
    closed_on: dict[str, _dt.date] = {}
    for acc in profile.accounts:
        if acc.closed_on is not None:
            closed_on[acc.account_id] = acc.closed_on
    for ev in profile.closures:
        closed_on.setdefault(ev.account_id, ev.closed_on)
    closure_days = sorted(set(closed_on.values()))
    window = _dt.timedelta(days=cfg.window_days)
    dormant = _dt.timedelta(days=cfg.dormant_days)

    alerts: list[SecurityAlert] = []
    ordered = sorted(records, key=lambda r: (_naive_utc(r.at), r.account_id, r.kind.value))
    last_seen: dict[str, _dt.datetime] = {}
    for rec in ordered:
        at = _naive_utc(rec.at)
        day = at.date()
        acc_id = rec.account_id
        kind = rec.kind
        closed = closed_on.get(acc_id)
        after_close = closed is not None and day > closed
        if kind is ActivityKind.CONTACT_CHANGE:
            near = [d for d in closure_days if abs(day - d) <= window]
            if near:
                alerts.append(SecurityAlert(
                    rule=RULE_CONTACT_CHANGE, severity="medium", account_id=acc_id, at=rec.at,
                    evidence=f"contact change on {day.isoformat()} within {cfg.window_days} days "
                             f"of a closure on {near[0].isoformat()}",
                ))
        elif kind is ActivityKind.REOPEN_REQUEST:
            if closed is not None and day >= closed:
                alerts.append(SecurityAlert(
                    rule=RULE_REOPEN_REQUEST, severity="medium", account_id=acc_id, at=rec.at,
                    evidence=f"reopen request on {day.isoformat()} for an account closed on "
                             f"{closed.isoformat()}",
                ))
        elif kind is ActivityKind.LIMIT_CHANGE:
            if after_close:
                alerts.append(SecurityAlert(
                    rule=RULE_LIMIT_CHANGE, severity="high", account_id=acc_id, at=rec.at,
                    evidence=f"limit change on {day.isoformat()} after closure on "
                             f"{closed.isoformat()}",  # type: ignore[union-attr]
                ))
        elif after_close:  # transaction or login on a closed account
            alerts.append(SecurityAlert(
                rule=RULE_ACTIVITY_ON_CLOSED,
                severity="high" if kind is ActivityKind.TRANSACTION else "medium",
                account_id=acc_id, at=rec.at,
                evidence=f"{kind.value} on {day.isoformat()} after closure on "
                         f"{closed.isoformat()}",  # type: ignore[union-attr]
            ))
        if kind is ActivityKind.TRANSACTION:
            prev = last_seen.get(acc_id)
            if prev is not None and at - prev >= dormant:
                alerts.append(SecurityAlert(
                    rule=RULE_DORMANT, severity="medium", account_id=acc_id, at=rec.at,
                    evidence=f"transaction on {day.isoformat()} after {(at - prev).days} days "
                             f"without activity (last {prev.date().isoformat()})",
                ))
        last_seen[acc_id] = at
    alerts.sort(key=_sort_key)
    return tuple(alerts)
