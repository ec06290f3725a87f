"""Scorer snapshots for ``assess()``: what a scorer is made of (scale, reason texts,
version, fast paths) and its provenance, read once and reused while the scorer and the
registry are unchanged (:func:`resolved`); and the counterfactual of closure impact.

Split from :mod:`credit_closure._scoring.assess`, which re-exports every name here.
"""

from __future__ import annotations

import datetime as _dt
import operator
from typing import Any, cast

from credit_closure._contract.model import CreditProfile
from credit_closure._scoring.fast_paths import _counterfactual_path, _fused_path, _observed
from credit_closure._scoring.features import months_before, reopen_plan, reopened_profile
from credit_closure._scoring.protocol import SUPPORTED_SCORER_APIS, Factor, ScoreResult, Trigger
from credit_closure._scoring.reasons import reason_text
from credit_closure._scoring.registry import GENERATION, resolve, stable_name
from credit_closure._scoring.scale import DEFAULT_SCALE, Scale
from credit_closure.exceptions import (
    CreditClosureError,
    InvalidInputError,
    ScoringError,
    _withhold,
)

#: How far back closures count for :attr:`Assessment.closure_impact`.
CLOSURE_IMPACT_MONTHS = 24


class _ResolvedScorer:
    __slots__ = (
        "_absent",
        "_kept",
        "_probe",
        "_probed",
        "cf_probability",
        "cls",
        "dist",
        "dist_version",
        "fast_probability",
        "fused",
        "method",
        "name",
        "scale",
        "scorer",
        "texts",
        "trusted",
        "version",
    )

    def __init__(self, obj: Any, name: str, dist: str | None, dist_version: str | None) -> None:
        api = getattr(obj, "credit_closure_api", None)
        if api not in SUPPORTED_SCORER_APIS:
            raise ScoringError(
                name,
                f"implements scorer protocol version {api!r}, this library supports "
                f"{sorted(SUPPORTED_SCORER_APIS)}; set credit_closure_api = 1 on the scorer "
                "class or install a matching credit-closure version",
                distribution=dist,
                version=dist_version,
            )
        self.scorer = obj
        self.cls = type(obj)
        self.name = name
        self.dist = dist
        self.dist_version = dist_version
        _api, scale, texts, method, version, fast, score = _observed(obj)
        self.scale: Scale = scale if isinstance(scale, Scale) else DEFAULT_SCALE
        self.texts = texts
        self.method = str(method)
        self.version = str(version)
        self.fast_probability = fast if callable(fast) else None
        # built-in scorers return well-formed results by construction
        self.trusted = type(obj).__module__.startswith("credit_closure.")
        self.cf_probability = _counterfactual_path(obj, fast) if self.trusted else None
        self.fused: Any = _fused_path(obj, score) if self.cf_probability is not None else None
        # what resolved() reads again on a hit, in one call: the attributes the snapshot was
        # made of (and the name), those that had none staying without one
        present = tuple(n for n in _PROBED if getattr(obj, n, _NONE) is not _NONE)
        self._absent = tuple(n for n in _PROBED if n not in present)
        self._probe = operator.attrgetter(*present)  # two names at least: a tuple
        self._probed = self._probe(obj)
        # where the scale and the reason texts are in it: those must be the same objects (an
        # equal one may differ: 0.0 == -0.0 in a scale, a BinnedTexts' by_bin beside its dict)
        self._kept = tuple(i for i, n in enumerate(present) if n in ("scale", "reason_texts"))

    def describes(self, obj: Any, name: str, dist: str | None, dist_version: str | None) -> bool:
        """Whether this snapshot still describes ``obj`` as it is now: same object and
        provenance, and the same scale, reason texts (both by identity), reason method,
        version, fast path and protocol version. A scorer refitted or re-parameterised in
        place changes at least one of them (a refit changes the version)."""
        return (
            self.scorer is obj
            and self.name == name
            and self.dist == dist
            and self.dist_version == dist_version
            and _unchanged(self, obj)
        )

    def probability(self, profile: CreditProfile, as_of: _dt.date) -> float:
        """The scorer's probability of default, through its fast path when it has one."""
        if self.fast_probability is None:
            return self.score(profile, as_of).probability_of_default
        p = self._call(self.fast_probability, profile, as_of)
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
            raise self._error("probability_of_default() must return a number in [0, 1]")
        return float(p)

    def counterfactual_probability(self, profile: CreditProfile, as_of: _dt.date) -> float | None:
        """The probability of default of :func:`counterfactual` (``None`` when there are no
        closures to undo), from the built-in scorer's features of the counterfactual when it
        has that path (the same number, to the last bit), else by building and scoring it."""
        fast = self.cf_probability
        if fast is None:
            cf = counterfactual(profile, as_of)
            return None if cf is None else self.probability(cf, as_of)
        start = _window_start(as_of, CLOSURE_IMPACT_MONTHS)
        try:
            return cast("float | None", fast(self.scorer, profile, as_of, start))
        except InvalidInputError:
            raise
        except Exception as exc:
            raise self._builtin_error("probability_of_default()", exc) from exc

    def _builtin_error(self, method: str, exc: Exception) -> ScoringError:
        """The ScoringError for an exception of a built-in scorer's fast path standing for
        ``method`` (:attr:`cf_probability`; :attr:`fused`, which ``assess()`` calls for
        :meth:`score` and :meth:`counterfactual_probability` in one call)."""
        what = f"{method} raised {type(exc).__name__}"
        if isinstance(exc, CreditClosureError):
            what += f": {exc}"  # the library's own text (NotFittedError, say)
        return self._error(what, exc)

    def _error(self, message: str, original: BaseException | None = None) -> ScoringError:
        """A ScoringError for this scorer. ``original``'s text never reaches the message
        (:class:`ScoringError` withholds it); a plugin's own library-type exceptions are
        withheld here too: only a built-in scorer's are trusted to carry no subject data."""
        if original is not None and not self.trusted:
            message = _withhold(message, original, keep_library=False)
        return ScoringError(
            self.name, message, original=original, distribution=self.dist, version=self.dist_version
        )

    def _call(self, method: Any, profile: CreditProfile, as_of: _dt.date) -> Any:
        """Call a scorer method; any exception but bad input becomes a ScoringError naming the
        scorer, its distribution and the exception's type, never its text (which can hold
        subject data; it stays in ``original_exception``). KeyboardInterrupt and SystemExit
        pass through."""
        try:
            return method(profile, as_of)
        except InvalidInputError:
            raise
        except Exception as exc:
            what = f"{getattr(method, '__name__', 'score')}() raised {type(exc).__name__}"
            if self.trusted and isinstance(exc, CreditClosureError):
                what += f": {exc}"  # the library's own text (NotFittedError, say)
            raise self._error(what, exc) from exc

    def score(self, profile: CreditProfile, as_of: _dt.date) -> ScoreResult:
        result: ScoreResult = self._call(self.scorer.score, profile, as_of)
        if self.trusted:
            return result
        return self.checked(result)

    def checked(self, result: Any, method: str = "score()") -> ScoreResult:
        """``result`` if it is a well-formed :class:`ScoreResult`, else a ScoringError."""
        if not isinstance(result, ScoreResult):
            raise self._error(f"{method} must return a ScoreResult (got {type(result).__name__})")
        for f in result.factors:
            if not isinstance(f, Factor):
                raise self._error("ScoreResult.factors must hold Factor objects")
            if f.points < 0 and reason_text(f.code, self.texts) is None:
                raise self._error(
                    f"reason code {f.code!r} is neither in the catalog nor in the scorer's "
                    "reason_texts"
                )
        for t in result.triggers:
            if not isinstance(t, Trigger):
                raise self._error("ScoreResult.triggers must hold Trigger objects")
        return result


#: The attributes a snapshot is made of (those :func:`_observed` reads) and ``name``.
_PROBED = (
    "credit_closure_api",
    "scale",
    "reason_texts",
    "reason_method",
    "version",
    "probability_of_default",
    "score",
    "name",
)
_NONE = object()

_RESOLVED: dict[int, _ResolvedScorer] = {}
#: Snapshots by scorer name, each with the registry generation it was resolved in.
_BY_NAME: dict[str, tuple[int | None, _ResolvedScorer]] = {}


def _unchanged(hit: _ResolvedScorer, obj: Any) -> bool:
    """Whether ``obj`` still has what ``hit`` was made of: its class, the same attributes
    (equal; the scale and the reason texts the same objects: a fitted scorer's are replaced
    on refit) and still none of those it lacked."""
    if type(obj) is not hit.cls:
        return False
    try:
        now = hit._probe(obj)
        was = hit._probed
        if now != was:
            return False
        for i in hit._kept:
            if now[i] is not was[i]:
                return False
        for n in hit._absent:
            if getattr(obj, n, _NONE) is not _NONE:
                return False
    except Exception:  # an attribute gone, or one that now raises: not the same
        return False
    return True


def resolved(scorer: Any) -> _ResolvedScorer:
    """The scorer behind ``scorer`` (a name or an object) with its provenance, cached per
    scorer object and checked against the object on every call: a scorer refitted or
    re-parameterised in place gets a new snapshot (its new scale, texts and version).

    A hit is a dict lookup and one read of the attributes the snapshot was made of, compared
    with what they were (scale and texts by identity, the rest by equality, the bound methods
    by their object and function: a method replaced on the instance or the class is seen),
    those that were missing still missing (:func:`_unchanged`). By name, the snapshot also
    needs the registry's :data:`~credit_closure._scoring.registry.GENERATION` unchanged (any
    registration, removal, load, cache clearing or allow-list change bumps it); third-party
    plugins are resolved through the registry every time (its operator controls are read on
    each use)."""
    if type(scorer) is str:
        entry = _BY_NAME.get(scorer)
        hit = entry[1] if entry is not None and entry[0] == GENERATION[0] else None
    else:
        hit = _RESOLVED.get(id(scorer))
        if hit is not None and hit.scorer is not scorer:
            hit = None
    if hit is not None and _unchanged(hit, hit.scorer):
        return hit
    generation = GENERATION[0]  # read before resolving: a change meanwhile is a miss later
    obj, name, dist, dist_version = resolve(scorer)
    if isinstance(scorer, str):
        # kept apart from the objects' snapshots: an object's name and provenance are its
        # own (a registered factory's object can be passed as an object too)
        entry = _BY_NAME.get(scorer)
        hit = None if entry is None else entry[1]
        if hit is None or not hit.describes(obj, name, dist, dist_version):
            hit = _ResolvedScorer(obj, name, dist, dist_version)
        if len(_BY_NAME) > 256:
            _BY_NAME.clear()
        # a plugin's is reused only after resolve() said the same again (None never matches)
        _BY_NAME[scorer] = (generation if stable_name(scorer) else None, hit)
        return hit
    hit = _RESOLVED.get(id(obj))
    if hit is None or not hit.describes(obj, name, dist, dist_version):
        hit = _ResolvedScorer(obj, name, dist, dist_version)
        if len(_RESOLVED) > 256:
            _RESOLVED.clear()
        _RESOLVED[id(obj)] = hit
    return hit


_STARTS: dict[tuple[_dt.date, int], _dt.date] = {}


def _window_start(as_of: _dt.date, months: int) -> _dt.date:
    """``months_before(as_of, months)``, remembered (a service scores at few distinct dates)."""
    key = (as_of, months)
    start = _STARTS.get(key)
    if start is None:
        if len(_STARTS) > 4096:
            _STARTS.clear()
        start = _STARTS[key] = months_before(as_of, months)
    return start


def counterfactual(
    profile: CreditProfile, as_of: _dt.date, months: int = CLOSURE_IMPACT_MONTHS
) -> CreditProfile | None:
    """The profile had the closures of the last ``months`` not happened, or ``None`` when
    there were none.

    Accounts with status ``closed`` whose closing date is in the window are open again at
    their last limit (the limit at closure when known), with the balance they had, and their
    closure events are removed. Charged-off and transferred accounts stay as they are: those are
    outcomes of delinquency, not closures (:func:`~credit_closure._scoring.features.reopen_plan`
    says which accounts reopen; :func:`~credit_closure._scoring.features.extract_counterfactual`
    computes the features of this profile without building it).
    """
    plan = reopen_plan(profile, _window_start(as_of, months))
    return reopened_profile(profile, plan) if plan else None
