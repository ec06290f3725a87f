"""``assess()`` and ``what_if()``: scores, reasons, closure impact, built on the scorer protocol
only, so they work the same for every scorer, built-in or plugin.

Twins: columnar scoring re-implements parts of this module on whole tables, and must give the
same results to the last bit. :mod:`credit_closure.columnar` (``_score_rules``,
``_score_logistic``, ``_score_batch_plugin``) and the engines in
:mod:`credit_closure._columnar` (``numpy_engine``, and the numba kernel in
``_columnar/kernel.py``) repeat the reason ranking (:func:`_rank`), the counterfactual of
closure impact (:func:`counterfactual`) and the decision (:func:`_decide`, with
:func:`_unique_triggers`). A change to any of them here changes them there too
(``tests/test_columnar.py`` compares the two on both engines).

Scorer snapshots (:func:`resolved`, in :mod:`credit_closure._scoring.snapshot`) are cached per
object and by name, and checked against the object on each call, so a scorer refitted or
re-parameterised in place is scored as it is now.
"""

from __future__ import annotations

import datetime as _dt
import re
from bisect import insort as _insort
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast, overload

import attrs

from credit_closure._contract.checks import Limits
from credit_closure._contract.model import (
    AccountStatus,
    ClosureEvent,
    ClosureInitiator,
    ClosureReason,
    CreditProfile,
    Enterprise,
    TerminationKind,
)
from credit_closure._scoring.protocol import (
    Factor,
    Scorer,
    ScoreResult,
    Trigger,
)
from credit_closure._scoring.reasons import REASONS, ReasonText, bin_reason_text, reason_text
from credit_closure._scoring.scale import Scale

# the scorer snapshots and the counterfactual live in snapshot.py; their names stay here
from credit_closure._scoring.snapshot import _STARTS, _window_start
from credit_closure._scoring.snapshot import CLOSURE_IMPACT_MONTHS as CLOSURE_IMPACT_MONTHS
from credit_closure._scoring.snapshot import _ResolvedScorer as _ResolvedScorer
from credit_closure._scoring.snapshot import counterfactual as counterfactual
from credit_closure._scoring.snapshot import resolved as resolved
from credit_closure.exceptions import (
    InvalidInputError,
)

if TYPE_CHECKING:  # the enterprise module imports this one: no import at run time
    from credit_closure._scoring.enterprise import EnterpriseAssessment, EnterpriseWhatIf

#: What ``scorer=`` accepts: a registered name or a scorer object.
ScorerLike = str | Scorer
#: What a date argument accepts: a date, a ``"YYYY-MM-DD"`` string or ``None`` (today).
DateLike = _dt.date | str | None

__all__ = ["Assessment", "ReasonChange", "ReasonCode", "WhatIf", "assess", "what_if"]

MAX_REASONS = 4


@attrs.frozen(kw_only=True)
class ReasonCode:
    """A ranked reason: a factor that lowered the score, in English and Chinese.

    ``points`` is signed: how many points the factor moved the score (negative = lowered).
    """

    code: str
    message: str
    message_zh: str
    points: float

    def __reduce__(self) -> Any:
        # compact and fast to unpickle (results travel back from assess_many's workers)
        return _reason, (self.code, self.message, self.message_zh, self.points)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return {
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "points": self.points,
        }


@attrs.frozen(kw_only=True)
class Assessment:
    """The result of :func:`assess` for one profile.

    Attributes:
        subject_id: The profile's pseudonymous id.
        as_of: The assessment date.
        score: Points on the scorer's scale.
        probability_of_default: The scorer's probability of default (clipped to the scale).
        band: Risk band of the score.
        decision: ``"approve"``, ``"refer"`` or ``"decline"``.
        reasons: At most 4 ranked reasons, the factors that lowered the score most (those
            behind a decline or refer trigger first). Empty when nothing lowered it.
        triggers: Hard policy outcomes and alerts, with their own codes.
        closure_impact: Points the closures of the last 24 months moved the score: the score
            minus the score had those accounts stayed open at their last limit.
        scorer, scorer_version, scorer_distribution, scorer_distribution_version: Provenance.
        reason_method: How the reasons were ranked.
    """

    subject_id: str
    as_of: _dt.date
    score: float
    probability_of_default: float
    band: str
    decision: str
    reasons: tuple[ReasonCode, ...]
    triggers: tuple[Trigger, ...]
    closure_impact: float
    scorer: str
    scorer_version: str
    scorer_distribution: str | None
    scorer_distribution_version: str | None = None
    reason_method: str = "points_lost"
    factors: tuple[Factor, ...] = attrs.field(default=(), repr=False)

    def __reduce__(self) -> Any:
        # compact and fast to unpickle (results travel back from assess_many's workers)
        return _rebuild_assessment, (
            self.subject_id,
            self.as_of,
            self.score,
            self.probability_of_default,
            self.band,
            self.decision,
            self.reasons,
            self.triggers,
            self.closure_impact,
            self.scorer,
            self.scorer_version,
            self.scorer_distribution,
            self.scorer_distribution_version,
            self.reason_method,
            self.factors,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data (the factors are left out; reasons and triggers are in)."""
        return {
            "subject_id": self.subject_id,
            "as_of": self.as_of.isoformat(),
            "score": self.score,
            "probability_of_default": self.probability_of_default,
            "band": self.band,
            "decision": self.decision,
            "reasons": [r.to_dict() for r in self.reasons],
            "triggers": [
                {
                    "code": t.code,
                    "action": t.action,
                    "rule": t.rule,
                    "message": _text(t.code, None).en,
                    "message_zh": _text(t.code, None).zh,
                }
                for t in self.triggers
            ],
            "closure_impact": self.closure_impact,
            "scorer": self.scorer,
            "scorer_version": self.scorer_version,
            "scorer_distribution": self.scorer_distribution,
            "scorer_distribution_version": self.scorer_distribution_version,
            "reason_method": self.reason_method,
        }


@attrs.frozen(kw_only=True)
class ReasonChange:
    """How one reason code's points changed between two assessments."""

    code: str
    message: str
    message_zh: str
    points_before: float
    points_after: float

    @property
    def change(self) -> float:
        """``points_after - points_before``."""
        return self.points_after - self.points_before

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data: the fields and ``change``, as ``what-if --json`` prints them."""
        return {
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "points_before": self.points_before,
            "points_after": self.points_after,
            "change": self.change,
        }


@attrs.frozen(kw_only=True)
class WhatIf:
    """The result of :func:`what_if`: before and after a hypothetical closure.

    Attributes:
        before: The assessment as things are.
        after: The assessment had the accounts been closed on that date.
        delta: ``after.score - before.score``.
        moved: The reason codes whose points changed, largest change first.
        closed: The account ids closed in the hypothesis.
    """

    before: Assessment
    after: Assessment
    delta: float
    moved: tuple[ReasonChange, ...]
    closed: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data: the document ``credit-closure what-if --json`` prints and the
        reference service's ``POST /v1/what-if`` answers.

        Keys: ``closed`` (the account ids), ``delta``, ``before`` and ``after`` (each
        :meth:`Assessment.to_dict`), ``moved`` (each :meth:`ReasonChange.to_dict`, with
        ``change``, largest change first). Plain ``str``, ``float``, ``list`` and ``dict``
        values only: ``json.dumps`` takes it as it is.

        Example:
            >>> import json
            >>> from credit_closure import what_if
            >>> w = what_if({"subject_id": "p-1", "accounts": [
            ...     {"account_id": "hb", "product": "revolving_consumer", "status": "open",
            ...      "opened_on": "2019-01-01", "credit_limit": 20000, "balance": 0},
            ...     {"account_id": "cc", "product": "credit_card", "status": "open",
            ...      "opened_on": "2016-01-01", "credit_limit": 10000, "balance": 4000}]},
            ...     close="hb", on="2025-06-30")
            >>> d = w.to_dict()
            >>> list(d), d["closed"], [m["code"] for m in d["moved"]]
            (['closed', 'delta', 'before', 'after', 'moved'], ['hb'], ['UTILIZATION_HIGH'])
            >>> json.loads(json.dumps(d)) == d
            True
        """
        return {
            "closed": list(self.closed),
            "delta": self.delta,
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "moved": [m.to_dict() for m in self.moved],
        }


# --------------------------------------------------------------------------------------
def _text(code: str, extra: Mapping[str, Any] | None) -> ReasonText:
    t = reason_text(code, extra)
    if t is None:
        return ReasonText(code, code)
    if not isinstance(t, ReasonText):
        t = ReasonText(*t)
    return t


def _today() -> _dt.date:
    return _dt.datetime.now(_dt.timezone.utc).date()


#: The dates ``as_of`` and ``on`` accept: from the earliest date a document may hold
#: (``Limits.MIN_DATE``) to the last date Python can represent.
FIRST_DAY = Limits.MIN_DATE
LAST_DAY = _dt.date.max
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _as_of(value: Any, name: str = "as_of") -> _dt.date:
    """A date argument (``date``, ``"YYYY-MM-DD"`` or ``None`` for today, UTC), checked:
    only that form (no ISO week or ordinal dates, no times) and only days from
    :data:`FIRST_DAY` to :data:`LAST_DAY`; anything else is an :class:`InvalidInputError`
    naming ``name``."""
    if value is None:
        return _today()
    if isinstance(value, _dt.datetime):
        raise InvalidInputError([(name, "must be a date, not a date-time")], what="argument")
    if isinstance(value, str):
        day = None
        if _ISO_DAY.fullmatch(value):
            try:
                day = _dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
            except ValueError:
                pass
        if day is None:
            shown = ascii(value[:40]) + ("..." if len(value) > 40 else "")
            raise InvalidInputError(
                [(name, f"is not a date in YYYY-MM-DD form (got {shown})")], what="argument"
            )
        value = day
    if not isinstance(value, _dt.date):
        raise InvalidInputError(
            [(name, f"must be a date (got {type(value).__name__})")], what="argument"
        )
    if value < FIRST_DAY:
        raise InvalidInputError(
            [(name, f"is before {FIRST_DAY.isoformat()}, the earliest date the model handles")],
            what="argument",
        )
    return value


def _reason(code: str, message: str, message_zh: str, points: float) -> ReasonCode:
    r = _new(ReasonCode)
    _rc_code(r, code)
    _rc_message(r, message)
    _rc_message_zh(r, message_zh)
    _rc_points(r, points)
    return r


_new = object.__new__
_rc_code, _rc_message, _rc_message_zh, _rc_points = (
    ReasonCode.__dict__[n].__set__ for n in ("code", "message", "message_zh", "points")
)


def _worst(totals: Mapping[str, float]) -> list[tuple[float, str]]:
    """The :data:`MAX_REASONS` smallest ``(points, code)`` of ``totals``, smallest first:
    ``sorted(...)[:MAX_REASONS]`` without sorting them all (a code appears once, so the
    order is total). One comparison of floats per code that cannot make the cut."""
    top: list[tuple[float, str]] = []
    cut = _INF
    for code, pts in totals.items():
        if pts > cut:
            continue
        _insort(top, (pts, code))
        if len(top) > MAX_REASONS:
            top.pop()
        if len(top) == MAX_REASONS:
            cut = top[-1][0]
    return top


_INF = float("inf")


def _rank(result: ScoreResult, texts: Any) -> tuple[ReasonCode, ...]:
    """At most :data:`MAX_REASONS` reasons: the negative factors summed per code, worst first
    (the codes of decline and refer triggers before the others), with their texts.

    Each code's points are summed in factor order. Without a decline or refer trigger, the
    codes whose points are at most the fourth lowest are sorted as ``(points, code)`` (a code
    appears once, so the order is total: that of sorting them all); with one, the forced
    codes come first (:func:`_worst`). Bytecodes are what cost here: loops stay short."""
    totals: dict[str, float] = {}
    for f in result.factors:
        pts = f.points
        if pts < 0.0:
            code = f.code
            if code in totals:
                totals[code] += pts
            else:
                totals[code] = pts
    if not totals:
        return ()
    forced = None
    for t in result.triggers:
        if t.action != "alert":
            if forced is None:
                forced = {t.code}
            else:
                forced.add(t.code)
    order: list[tuple[float, str]] = []
    if forced is not None:  # the codes of decline and refer triggers first, each group worst first
        order = _worst({c: p for c, p in totals.items() if c in forced})
        if len(order) < MAX_REASONS:
            rest = _worst({c: p for c, p in totals.items() if c not in forced})
            order += rest[: MAX_REASONS - len(order)]
    elif len(totals) > MAX_REASONS:
        # the cut by a sort of the floats alone, then the few codes within it as pairs
        cut = sorted(totals.values())[MAX_REASONS - 1]
        for code, pts in totals.items():
            if pts <= cut:
                order.append((pts, code))
        order.sort()
        del order[MAX_REASONS:]  # ties at the cut
    else:
        for code, pts in totals.items():
            order.append((pts, code))
        order.sort()
    cache = _REASON_CACHE
    out = []
    if texts is None or (type(texts) is dict and not texts):  # the catalog's texts alone
        for pts, code in order:
            key = (code, pts, REASONS.get(code))
            r = cache.get(key)
            if r is None:
                r = _cached_reason(key)
            out.append(r)
        return tuple(out)
    # a scorecard with per-bin reason texts (credit_closure._scorecard.bin_texts.BinnedTexts)
    by_bin = None if type(texts) is dict else getattr(texts, "by_bin", None)
    for pts, code in order:
        text: Any = bin_reason_text(result.factors, code, by_bin) if by_bin else None
        if text is None and texts:
            text = texts.get(code)
        if text is None:
            text = REASONS.get(code)  # None: the code is its own text
        elif type(text) is not ReasonText:
            text = (text[0], text[1])  # a plugin's table may hold lists
        # keyed on the text itself: a table changed in place is read as it is now
        key = (code, pts, text)
        r = cache.get(key)
        if r is None:
            r = _cached_reason(key)
        out.append(r)
    return tuple(out)


def _cached_reason(key: tuple[str, float, Any]) -> ReasonCode:
    """The reason of ``(code, points, text or None)``, remembered in :data:`_REASON_CACHE`."""
    code, pts, text = key
    if len(_REASON_CACHE) >= 8192:
        _REASON_CACHE.clear()
    en, zh = (code, code) if text is None else text
    # a float whatever the factors held (-3 and -3.0 are one key)
    r = _REASON_CACHE[key] = _reason(code, en, zh, float(pts))
    return r


#: Reason codes are immutable and repeat across subjects (same code, texts and points): reused.
_REASON_CACHE: dict[tuple[str, float, Any], ReasonCode] = {}


_ACTION_ORDER = {"decline": 0, "refer": 1, "alert": 2}


def _unique_triggers(triggers: Sequence[Trigger]) -> tuple[Trigger, ...]:
    """Triggers sorted by severity and code, one per (action, code)."""
    if len(triggers) < 2:
        return tuple(triggers)
    seen: dict[tuple[str, str], Trigger] = {}
    for t in sorted(triggers, key=lambda t: (_ACTION_ORDER[t.action], t.code, t.rule or "")):
        seen.setdefault((t.action, t.code), t)
    return tuple(seen.values())


def _decide(scale: Scale, score: float, triggers: Sequence[Trigger]) -> str:
    return _decided(scale.decide(score), triggers)


def _decided(decision: str, triggers: Sequence[Trigger]) -> str:
    """The decision of the cutoffs, overridden by decline and refer triggers."""
    for t in triggers:
        if t.action == "decline":
            return "decline"
    for t in triggers:
        if t.action == "refer" and decision == "approve":
            decision = "refer"
    return decision


def _check_profile(subject: Any, as_of: _dt.date, name: str = "subject") -> CreditProfile:
    if not isinstance(subject, CreditProfile):
        if isinstance(subject, Mapping):
            subject = CreditProfile.from_dict(subject)
        else:
            raise InvalidInputError(
                [
                    (
                        name,
                        f"must be a CreditProfile or a profile document (got {type(subject).__name__})",
                    )
                ],
                what="argument",
            )
    late = subject.dated_after(as_of)
    if late:
        raise InvalidInputError(late, what="profile")
    checked: CreditProfile = subject
    return checked


def _assess_profile(r: _ResolvedScorer, profile: CreditProfile, as_of: _dt.date) -> Assessment:
    fused = r.fused
    if fused is not None:  # score() and the counterfactual's probability in one call
        start = _STARTS.get((as_of, CLOSURE_IMPACT_MONTHS))
        if start is None:
            start = _window_start(as_of, CLOSURE_IMPACT_MONTHS)
        try:
            result, cf_p = fused(r.scorer, profile, as_of, start)
        except InvalidInputError:
            raise
        except Exception as exc:
            raise r._builtin_error("score()", exc) from exc
    else:
        result = r.score(profile, as_of)
        cf_p = r.counterfactual_probability(profile, as_of)
    scale = r.scale
    score, p = scale.scored(result.probability_of_default)
    impact = 0.0 if cf_p is None else score - scale.points(cf_p)
    band = scale.band(score)
    decision = scale.decide(score)
    triggers = result.triggers
    if triggers:
        triggers = _unique_triggers(triggers)
        decision = _decided(decision, triggers)
    elif type(triggers) is not tuple:
        triggers = ()
    factors = result.factors
    a = _new(Assessment)
    _a_subject(a, profile.subject_id)
    _a_as_of(a, as_of)
    _a_score(a, score)
    _a_p(a, p)
    _a_band(a, band)
    _a_decision(a, decision)
    _a_reasons(a, _rank(result, r.texts))
    _a_triggers(a, triggers)
    _a_impact(a, impact)
    _a_scorer(a, r.name)
    _a_version(a, r.version)
    _a_dist(a, r.dist)
    _a_dist_version(a, r.dist_version)
    _a_method(a, r.method)
    _a_factors(a, factors if type(factors) is tuple else tuple(factors))
    return a


def _rebuild_assessment(*fields: Any) -> Assessment:
    """An :class:`Assessment` from its fields in definition order (unpickling)."""
    a = _new(Assessment)
    for setter, value in zip(_A_SETTERS, fields):
        setter(a, value)
    return a


# the slots' own setters: an Assessment is built here from checked values only
_A_SETTERS = tuple(Assessment.__dict__[a.name].__set__ for a in attrs.fields(Assessment))
(
    _a_subject,
    _a_as_of,
    _a_score,
    _a_p,
    _a_band,
    _a_decision,
    _a_reasons,
    _a_triggers,
    _a_impact,
    _a_scorer,
    _a_version,
    _a_dist,
    _a_dist_version,
    _a_method,
    _a_factors,
) = _A_SETTERS


@overload
def assess(
    subject: CreditProfile | Mapping[str, Any],
    *,
    scorer: ScorerLike = ...,
    as_of: DateLike = ...,
) -> Assessment: ...


@overload
def assess(
    subject: Enterprise, *, scorer: ScorerLike = ..., as_of: DateLike = ...
) -> EnterpriseAssessment: ...


def assess(
    subject: CreditProfile | Mapping[str, Any] | Enterprise,
    *,
    scorer: ScorerLike = "rules",
    as_of: DateLike = None,
) -> Assessment | EnterpriseAssessment:
    """Assess one subject: score, probability, band, decision, reasons and closure impact.

    Args:
        subject: A :class:`CreditProfile` (or its v1 JSON document as a ``dict``), or an
            :class:`Enterprise`.
        scorer: A registered scorer name (``"rules"``, ``"logistic"``, a plugin's name) or a
            scorer object (a fitted :class:`LogisticScorer`, say).
        as_of: The assessment date (``date`` or ``"YYYY-MM-DD"``); today (UTC) when omitted.
            Nothing in the profile may be dated after it.

    Returns:
        An :class:`Assessment` (an ``EnterpriseAssessment`` for an enterprise).

    Raises:
        InvalidInputError: bad subject, scorer argument or date, listing every problem.
        ScorerNotFoundError: no scorer has that name.
        ScoringError: the scorer raised or broke the protocol.

    Example:
        >>> from credit_closure import CreditProfile, assess
        >>> p = CreditProfile.from_dict({"subject_id": "p-1", "accounts": [
        ...     {"account_id": "a1", "product": "credit_card", "status": "open",
        ...      "opened_on": "2015-01-01", "credit_limit": 10000, "balance": 8000}]})
        >>> a = assess(p, as_of="2025-06-30")
        >>> a.decision, round(a.score, 1), [r.code for r in a.reasons]
        ('refer', 571.1, ['UTILIZATION_HIGH'])
    """
    # a date and a profile, the usual arguments, are checked here (what _as_of and
    # _check_profile do for them, without the calls)
    day = as_of if type(as_of) is _dt.date and as_of >= FIRST_DAY else _as_of(as_of)
    if type(subject) is CreditProfile:
        late = subject.dated_after(day)
        if late:
            raise InvalidInputError(late, what="profile")
        return _assess_profile(resolved(scorer), subject, day)
    if isinstance(subject, Enterprise):
        from credit_closure._scoring.enterprise import assess_enterprise

        return assess_enterprise(subject, scorer=scorer, as_of=day)
    profile = _check_profile(subject, day)
    return _assess_profile(resolved(scorer), profile, day)


def _close_accounts(
    profile: CreditProfile, ids: Sequence[str], on: _dt.date, reason: ClosureReason
) -> CreditProfile:
    problems = []
    by_id = {a.account_id: a for a in profile.accounts}
    for i, aid in enumerate(ids):
        acc = by_id.get(aid) if isinstance(aid, str) else None
        if acc is None:
            problems.append((f"close[{i}]", "names no account in the profile"))
        elif acc.status not in (AccountStatus.OPEN, AccountStatus.SUSPENDED):
            problems.append(
                (f"close[{i}]", f"names an account whose status is {acc.status.value!r}")
            )
        elif acc.opened_on is not None and acc.opened_on > on:
            problems.append((f"close[{i}]", "names an account opened after the closing date"))
    if len(set(ids)) != len(ids):
        problems.append(("close", "names an account more than once"))
    if problems:
        raise InvalidInputError(problems, what="what-if request")
    accounts = []
    closures = list(profile.closures)
    for acc in profile.accounts:
        if acc.account_id in ids:
            accounts.append(attrs.evolve(acc, status=AccountStatus.CLOSED, closed_on=on))
            closures.append(
                ClosureEvent(
                    account_id=acc.account_id,
                    closed_on=on,
                    initiator=ClosureInitiator.CONSUMER,
                    reason=reason,
                    termination=TerminationKind.NORMAL,
                    balance_at_closure=acc.balance,
                    limit_at_closure=acc.credit_limit,
                )
            )
        else:
            accounts.append(acc)
    return attrs.evolve(profile, accounts=tuple(accounts), closures=tuple(closures))


def _close_ids(close: Any) -> list[str]:
    """The account ids of a what-if request: one id or an iterable of ids."""
    if isinstance(close, str):
        return [close]
    if isinstance(close, (bytes, Mapping)) or not isinstance(close, Iterable):
        raise InvalidInputError(
            [
                (
                    "close",
                    f"must be an account id or a list of account ids (got {type(close).__name__})",
                )
            ],
            what="what-if request",
        )
    ids = list(close)
    bad = [(f"close[{i}]", "must be a string") for i, x in enumerate(ids) if not isinstance(x, str)]
    if bad:
        raise InvalidInputError(bad, what="what-if request")
    return ids


def _factor_totals(a: Assessment) -> dict[str, float]:
    out: dict[str, float] = {}
    for f in a.factors:
        out[f.code] = out.get(f.code, 0.0) + f.points
    return out


@overload
def what_if(
    profile: CreditProfile | Mapping[str, Any],
    *,
    close: str | Iterable[str],
    on: DateLike = ...,
    scorer: ScorerLike = ...,
    reason: str | ClosureReason = ...,
    principal: None = ...,
) -> WhatIf: ...


@overload
def what_if(
    profile: Enterprise,
    *,
    close: str | Iterable[str],
    on: DateLike = ...,
    scorer: ScorerLike = ...,
    reason: str | ClosureReason = ...,
    principal: str | None = ...,
) -> EnterpriseWhatIf: ...


def what_if(
    profile: CreditProfile | Mapping[str, Any] | Enterprise,
    *,
    close: str | Iterable[str],
    on: DateLike = None,
    scorer: ScorerLike = "rules",
    reason: str | ClosureReason = ClosureReason.UNKNOWN,
    principal: str | None = None,
) -> WhatIf | EnterpriseWhatIf:
    """What would closing these accounts on ``on`` do? Assess before and after.

    The hypothetical closure is by the consumer, a normal termination, with the balance the
    account carries now (pay it off first to see the difference). Works for any scorer.

    Args:
        profile: The subject's :class:`CreditProfile` (or its document), or an
            :class:`Enterprise`: then ``principal`` names whose accounts close, and the result
            is an ``EnterpriseWhatIf`` (the company's assessment before and after).
        close: One account id or several; each must be open or suspended.
        on: The closing date, also the assessment date; today (UTC) when omitted.
        scorer: As for :func:`assess`.
        reason: The closure reason to record (default ``unknown``).
        principal: For an enterprise only: the subject id of the principal who closes the
            accounts (may be omitted when the enterprise has one principal).

    Returns:
        A :class:`WhatIf` with ``before``, ``after``, ``delta`` and the reasons that moved
        (an ``EnterpriseWhatIf`` for an enterprise).

    Example:
        >>> from credit_closure import CreditProfile, what_if
        >>> p = CreditProfile.from_dict({"subject_id": "p-1", "accounts": [
        ...     {"account_id": "hb", "product": "revolving_consumer", "status": "open",
        ...      "opened_on": "2019-01-01", "credit_limit": 20000, "balance": 0},
        ...     {"account_id": "cc", "product": "credit_card", "status": "open",
        ...      "opened_on": "2016-01-01", "credit_limit": 10000, "balance": 4000}]})
        >>> w = what_if(p, close="hb", on="2025-06-30")
        >>> round(w.delta, 2), [m.code for m in w.moved]
        (-8.66, ['UTILIZATION_HIGH'])
    """
    if isinstance(profile, Enterprise):
        from credit_closure._scoring.enterprise import enterprise_what_if

        return enterprise_what_if(
            profile,
            close=cast("str | Sequence[str]", close),  # it checks the ids itself
            principal=principal,
            on=on,
            scorer=scorer,
            reason=reason,
        )
    if principal is not None:
        raise InvalidInputError(
            [("principal", "is only for an enterprise")], what="what-if request"
        )
    day = _as_of(on, "on")
    ids = _close_ids(close)
    if not ids:
        raise InvalidInputError(
            [("close", "must name at least one account")], what="what-if request"
        )
    checked = _check_profile(profile, day, "profile")
    try:
        why = ClosureReason(reason)
    except ValueError:
        raise InvalidInputError(
            [("reason", f"is not one of: {', '.join(r.value for r in ClosureReason)}")],
            what="what-if request",
        ) from None
    after_profile = _close_accounts(checked, ids, day, why)
    r = resolved(scorer)
    before = _assess_profile(r, checked, day)
    after = _assess_profile(r, after_profile, day)
    tb, ta = _factor_totals(before), _factor_totals(after)
    moved = []
    for code in set(tb) | set(ta):
        b, a = tb.get(code, 0.0), ta.get(code, 0.0)
        if b != a:
            t = _text(code, r.texts)
            moved.append(
                ReasonChange(
                    code=code, message=t.en, message_zh=t.zh, points_before=b, points_after=a
                )
            )
    moved.sort(key=lambda m: (-abs(m.change), m.code))
    return WhatIf(
        before=before,
        after=after,
        delta=after.score - before.score,
        moved=tuple(moved),
        closed=tuple(ids),
    )
