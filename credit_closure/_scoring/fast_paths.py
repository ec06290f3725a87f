"""Which built-in scorers ``assess()`` may call on their private fast paths: the
counterfactual's probability from its features (``_counterfactual_probability``) and the
score with that probability in one call (``_score_with_counterfactual``). Each is used only
while the methods it stands for are the class's own, not replaced on the instance or the
class (``tests/test_counterfactual.py``); and what a scorer snapshot of ``assess()`` is made of
(:func:`_observed`; ``_scoring/snapshot.py`` compares them)."""

from __future__ import annotations

from typing import Any


def _counterfactual_path(obj: Any, fast: Any) -> Any:
    """A built-in scorer's ``_counterfactual_probability`` (the counterfactual's probability
    from its features, without building it), when its ``probability_of_default`` is the one
    defined next to it: not replaced on the instance or the class."""
    cls = type(obj)
    path = getattr(cls, "_counterfactual_probability", None)
    own = getattr(cls, "probability_of_default", None)
    if path is None or own is None or getattr(fast, "__func__", None) is not own:
        return None
    where = (getattr(own, "__module__", None), getattr(own, "__qualname__", "").rpartition(".")[0])
    if where != (path.__module__, path.__qualname__.rpartition(".")[0]):
        return None
    return path


def _fused_path(obj: Any, score: Any) -> Any:
    """A built-in scorer's ``_score_with_counterfactual`` (``score`` and the counterfactual's
    probability in one call), when its ``score`` is the one defined next to it: not replaced
    on the instance or the class. Only asked when :func:`_counterfactual_path` found the
    counterfactual's path (``probability_of_default`` not replaced either)."""
    cls = type(obj)
    path = getattr(cls, "_score_with_counterfactual", None)
    own = getattr(cls, "score", None)
    if path is None or own is None or getattr(score, "__func__", None) is not own:
        return None
    where = (getattr(own, "__module__", None), getattr(own, "__qualname__", "").rpartition(".")[0])
    if where != (path.__module__, path.__qualname__.rpartition(".")[0]):
        return None
    return path


_Observed = tuple[Any, Any, Any, Any, Any, Any, Any]


def _observed(obj: Any) -> _Observed:
    """What a snapshot of ``obj`` is made of: its protocol version, ``scale``,
    ``reason_texts``, ``reason_method``, ``version``, ``probability_of_default`` and
    ``score``, read now (a few attribute reads: cheap next to scoring a profile)."""
    return (
        getattr(obj, "credit_closure_api", None),
        getattr(obj, "scale", None),
        getattr(obj, "reason_texts", None),
        getattr(obj, "reason_method", "points_lost"),
        getattr(obj, "version", "unknown"),
        getattr(obj, "probability_of_default", None),
        getattr(obj, "score", None),
    )
