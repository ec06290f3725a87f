"""Post-closure security monitoring: scan a profile, or a stream of activity records, for
signs that a closed (or long-dormant) account is being misused.

This is the public face of the one detector the rule scorer's security features also use
(``credit_closure._scoring.security``), so a monitoring alert and the rule scorer's security trigger
(R12, R13) never disagree about the same profile. Rules, after the US Red Flags guidelines
[RF-26] and 16 CFR 681.2 [CFR681] (see ``docs/security-monitoring.md``):

- ``ACTIVITY_ON_CLOSED``: a transaction (high) or login (medium) after the closing date;
- ``REOPEN_REQUEST``: a reopen request on a closed account (medium);
- ``CONTACT_CHANGE_NEAR_CLOSURE``: a contact change within ``window_days`` before or after a
  closure (medium);
- ``LIMIT_CHANGE_AFTER_CLOSURE``: a limit change after the closing date (high);
- ``DORMANT_ACCOUNT_USED``: a transaction after ``dormant_days`` without activity (medium).

Closing an account is never, by itself, a theft signal: a profile whose only events are
closures produces no alert, whatever the closure's reason or initiator.

Example:
    >>> from credit_closure import CreditProfile
    >>> from credit_closure.monitoring import scan
    >>> p = CreditProfile.from_dict({"subject_id": "s", "accounts": [
    ...     {"account_id": "hb", "product": "revolving_consumer", "status": "closed",
    ...      "closed_on": "2025-06-10"}],
    ...     "activity": [{"account_id": "hb", "at": "2025-06-01T09:00:00", "kind": "contact_change"},
    ...                  {"account_id": "hb", "at": "2025-07-01T09:00:00", "kind": "reopen_request"}]})
    >>> [(a.rule, a.severity, a.account_id) for a in scan(p)]
    [('CONTACT_CHANGE_NEAR_CLOSURE', 'medium', 'hb'), ('REOPEN_REQUEST', 'medium', 'hb')]
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from credit_closure._contract.model import CreditProfile
from credit_closure._scoring.security import (
    RULE_ACTIVITY_ON_CLOSED,
    RULE_CONTACT_CHANGE,
    RULE_DORMANT,
    RULE_LIMIT_CHANGE,
    RULE_REOPEN_REQUEST,
    RULES,
    RuleInfo,
    SecurityAlert,
    SecurityConfig,
    _check_config,
    scan_profile,
)
from credit_closure._scoring.security import scan_stream as _scan_stream
from credit_closure.exceptions import InvalidInputError

__all__ = [
    "RULES",
    "RULE_ACTIVITY_ON_CLOSED",
    "RULE_CONTACT_CHANGE",
    "RULE_DORMANT",
    "RULE_LIMIT_CHANGE",
    "RULE_REOPEN_REQUEST",
    "RuleInfo",
    "SecurityAlert",
    "SecurityConfig",
    "closed_on_of",
    "scan",
    "scan_stream",
]


def _profile(profile: Any) -> CreditProfile:
    if isinstance(profile, CreditProfile):
        return profile
    if isinstance(profile, Mapping):
        return CreditProfile.from_dict(profile)
    raise InvalidInputError(
        [
            (
                "profile",
                f"must be a CreditProfile or a profile document (got {type(profile).__name__})",
            )
        ],
        what="argument",
    )


def scan(profile: Any, *, config: Any = None) -> tuple[SecurityAlert, ...]:
    """Scan one profile's activity records for post-closure security alerts.

    A contact change is compared with every closure of the subject. The alerts are sorted by
    time (UTC), account and rule, so they do not depend on the order of the records.

    Args:
        profile: A :class:`~credit_closure.CreditProfile` or its v1 JSON document.
        config: A :class:`SecurityConfig`, a mapping with ``window_days`` and/or
            ``dormant_days``, or ``None`` for the defaults (30 and 365 days).

    Returns:
        The alerts, each with rule, severity, account, time and evidence.

    Raises:
        InvalidInputError: a bad profile document or configuration.

    Example:
        >>> from credit_closure import CreditProfile
        >>> p = CreditProfile.from_dict({"subject_id": "s", "accounts": [
        ...     {"account_id": "a", "product": "credit_card", "status": "closed",
        ...      "closed_on": "2025-01-10"}]})
        >>> scan(p)  # a closure alone is never an alert
        ()
    """
    checked = _profile(profile)
    return scan_profile(checked, config=_check_config(config))


def closed_on_of(profiles: Iterable[CreditProfile]) -> dict[str, _dt.date]:
    """The closing date of every closed account of ``profiles``, by account id, for
    :func:`scan_stream` (an account's ``closed_on``, else its closure event's date).

    Raises:
        InvalidInputError: an item is not a profile, or two profiles share an account id
            with different closing dates.

    Example:
        >>> from credit_closure import CreditProfile
        >>> p = CreditProfile.from_dict({"subject_id": "s", "accounts": [
        ...     {"account_id": "a", "product": "credit_card", "status": "closed",
        ...      "closed_on": "2025-01-10"}]})
        >>> closed_on_of([p])
        {'a': datetime.date(2025, 1, 10)}
    """
    out: dict[str, _dt.date] = {}
    problems = []
    for i, p in enumerate(profiles):
        if not isinstance(p, CreditProfile):
            problems.append((f"profiles[{i}]", "must be a CreditProfile"))
            continue
        mine: dict[str, _dt.date] = {}
        for ev in p.closures:
            mine[ev.account_id] = ev.closed_on
        for acc in p.accounts:
            if acc.closed_on is not None:
                mine[acc.account_id] = acc.closed_on
        for k, d in mine.items():
            if k in out and out[k] != d:
                problems.append(
                    (
                        f"profiles[{i}]",
                        "shares a closed account id with an earlier "
                        "profile, with a different closing date",
                    )
                )
            out[k] = d
    if problems:
        raise InvalidInputError(problems, what="argument")
    return out


def scan_stream(
    records: Iterable[Any], closed_on: Mapping[str, _dt.date], *, config: Any = None
) -> Iterator[SecurityAlert]:
    """Scan an unbounded stream of activity records, yielding alerts as they are found.

    Records are :class:`~credit_closure.ActivityRecord` objects or
    ``(account_id, datetime, kind)`` tuples, in time order per account (accounts may
    interleave). A contact change is compared with the closure of its own account. Memory is
    O(1) per account seen; 1,000,000 records take a few seconds on one core
    (``benchmarks/bench_portfolio.py``).

    Args:
        records: The activity records.
        closed_on: Closing date of every closed account, by account id.
        config: As for :func:`scan`.

    Yields:
        :class:`SecurityAlert` in the order the records fire them.

    Raises:
        InvalidInputError: a bad ``closed_on`` or configuration (at the call), a malformed
            record or one out of time order for its account (when reached), naming
            ``records[i]``.

    Example:
        >>> import datetime as dt
        >>> recs = [("a", dt.datetime(2024, 1, 5), "transaction"),
        ...         ("a", dt.datetime(2025, 6, 1), "transaction")]
        >>> [(a.rule, a.reference.isoformat()) for a in scan_stream(recs, {})]
        [('DORMANT_ACCOUNT_USED', '2024-01-05')]
    """
    return _scan_stream(records, closed_on, config=_check_config(config))
