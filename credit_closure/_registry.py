"""Scorer registry: built-ins first, then in-process registrations.

Loading is lazy and by name; a loaded scorer is cached for the process. Failures are loud:
an unknown name raises :class:`ScorerNotFoundError` listing what is available, and the
library never falls back to another scorer.
"""

from __future__ import annotations

import importlib
import re
import threading
from typing import Any, Callable, Dict, NamedTuple, Optional, Tuple

from ._version import __version__
from .exceptions import InvalidInputError, ScorerNotFoundError

__all__ = ["ScorerInfo", "available_scorers", "get_scorer", "register_scorer", "resolve"]

NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
DISTRIBUTION = "credit-closure"

#: Built-in scorers: name -> "module:attribute" of a zero-argument factory.
BUILTINS: Dict[str, str] = {
    "rules": "credit_closure._rules:RuleScorer.default",
}


class ScorerInfo(NamedTuple):
    """A scorer known to the registry, listed without importing it."""

    name: str
    distribution: Optional[str]
    version: Optional[str]
    target: str


class _Loaded(NamedTuple):
    scorer: Any
    distribution: Optional[str]
    version: Optional[str]


_lock = threading.RLock()
_registered: Dict[str, Tuple[Callable[[], Any], str]] = {}
_cache: Dict[str, _Loaded] = {}


def _import_target(target: str) -> Any:
    module, _, attr = target.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def available_scorers() -> Tuple[ScorerInfo, ...]:
    """List the scorers that can be used by name, sorted, without importing any of them.

    Example:
        >>> "rules" in [s.name for s in available_scorers()]
        True
    """
    rows = [ScorerInfo(n, DISTRIBUTION, __version__, t) for n, t in BUILTINS.items()]
    with _lock:
        for name, (factory, target) in _registered.items():
            rows.append(ScorerInfo(name, None, None, target))
    return tuple(sorted(rows))


def register_scorer(name: str, factory: Callable[[], Any], *, replace: bool = False) -> None:
    """Register a scorer factory (a class or zero-argument callable) in this process.

    Built-in names cannot be taken. Re-registering a name needs ``replace=True``.

    Raises:
        InvalidInputError: for an invalid or reserved name, or a factory that is not callable.
    """
    problems = []
    if not isinstance(name, str) or not NAME_RE.match(name):
        problems.append(("name", "must match ^[a-z][a-z0-9_-]{0,63}$ (lowercase, digits, - and _)"))
    elif name in BUILTINS:
        problems.append(("name", f"{name!r} is reserved for a built-in scorer"))
    if not callable(factory):
        problems.append(("factory", "must be a class or a zero-argument callable"))
    if problems:
        raise InvalidInputError(problems, what="scorer registration")
    with _lock:
        if name in _registered and not replace:
            raise InvalidInputError(
                [("name", f"{name!r} is already registered; pass replace=True to replace it")],
                what="scorer registration",
            )
        target = f"{getattr(factory, '__module__', '?')}:{getattr(factory, '__qualname__', repr(factory))}"
        _registered[name] = (factory, target)
        _cache.pop(name, None)


def unregister_scorer(name: str) -> None:
    """Remove an in-process registration (for tests)."""
    with _lock:
        _registered.pop(name, None)
        _cache.pop(name, None)


def clear_cache() -> None:
    """Forget every loaded scorer, so the next use loads it again."""
    with _lock:
        _cache.clear()


def _load(name: str) -> _Loaded:
    with _lock:
        hit = _cache.get(name)
        if hit is not None:
            return hit
        if name in BUILTINS:
            loaded = _Loaded(_import_target(BUILTINS[name])(), DISTRIBUTION, __version__)
        elif name in _registered:
            loaded = _Loaded(_registered[name][0](), None, None)
        else:
            raise ScorerNotFoundError(name, [s.name for s in available_scorers()])
        _cache[name] = loaded
        return loaded


def get_scorer(name: str) -> Any:
    """Return the scorer registered as ``name``, loading it on first use.

    Raises:
        ScorerNotFoundError: when no scorer has that name.
    """
    return _load(name).scorer


def resolve(scorer: Any) -> Tuple[Any, str, Optional[str], Optional[str]]:
    """Return ``(scorer object, name, distribution, distribution version)``."""
    if isinstance(scorer, str):
        loaded = _cache.get(scorer) or _load(scorer)
        return loaded.scorer, scorer, loaded.distribution, loaded.version
    if not callable(getattr(scorer, "score", None)):
        raise InvalidInputError(
            [("scorer", "must be a scorer name or an object with a score(profile, as_of) method")],
            what="argument",
        )
    name = getattr(scorer, "name", None) or type(scorer).__name__
    module = type(scorer).__module__.split(".")[0]
    if module == "credit_closure":
        return scorer, name, DISTRIBUTION, __version__
    return scorer, name, None, None
