"""Scorer registry: built-ins, in-process registrations and the ``credit_closure.scorers``
entry-point group.

Finding is separate from loading. :func:`discover` reads installed distributions' metadata
(``importlib.metadata.entry_points(group=...)``) and classifies every entry point without
importing it; :func:`get_scorer` imports and builds one scorer, by name, on first use, and
caches it for the process.

The library's own distribution is the installed distribution that contains the running
``credit_closure`` package (:mod:`credit_closure._scoring.identity`), never one found by its name: a
distribution called ``Credit_Closure`` or ``credit.closure`` is a third-party plugin under
every control, and its entry points cannot take a built-in's name.

Resolution order for a name: the built-ins (:data:`BUILTINS`, distribution
``credit-closure``), then in-process registrations (:func:`register_scorer`), then third-party
entry points. A third-party entry point can never shadow a built-in; an in-process
registration overrides an entry point of the same name (explicit code wins over what happens
to be installed) and :func:`check_plugins` reports the entry point as ``shadowed``.

Operator controls are applied before any plugin code is imported:

- ``CREDIT_CLOSURE_DISABLE_PLUGINS=1`` (also ``true``/``yes``/``on``) switches third-party
  plugins off; built-ins and in-process registrations still work. ``0``/``false``/``no``/
  ``off`` or empty leave them on; any other value raises :class:`PluginConfigError` (never
  guessed either way).
- an allow-list, from ``CREDIT_CLOSURE_ALLOWED_PLUGINS`` (comma-separated scorer names, and
  ``dist:<distribution>`` items) and/or :func:`set_allowed` in code. Within one list, a plugin
  must match the names given (if any) and the distributions given (if any); when both the
  environment and the code set a list, a plugin must pass both (code can narrow what the
  operator allows, never widen it). Unset means no list; a list that is set but empty allows
  no plugin (fails closed): the one statement of this rule is docs/plugins.md, "The
  allow-list".

Failures are loud: an unknown name raises :class:`ScorerNotFoundError` listing what is
available, and the library never falls back to another scorer.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import threading
import types
from collections.abc import Callable, Iterable
from functools import lru_cache, partial
from typing import (
    Any,
    NamedTuple,
)

from credit_closure._scoring.identity import holds_running_library
from credit_closure._scoring.protocol import SUPPORTED_SCORER_APIS, Scorer
from credit_closure._version import __version__
from credit_closure.exceptions import (
    AmbiguousScorerError,
    IncompatibleScorerError,
    InvalidInputError,
    PluginConfigError,
    ScorerLoadError,
    ScorerNotFoundError,
)

__all__ = [
    "ENV_ALLOWED",
    "ENV_DISABLE",
    "GROUP",
    "PluginReport",
    "ScorerInfo",
    "available_scorers",
    "check_plugins",
    "clear_cache",
    "get_allowed",
    "get_scorer",
    "plugins_disabled",
    "register_scorer",
    "resolve",
    "set_allowed",
    "unregister_scorer",
]

logger = logging.getLogger("credit_closure")
if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
    logger.addHandler(logging.NullHandler())

#: The entry-point group plugins declare their scorers in.
GROUP = "credit_closure.scorers"
#: Set to ``1`` to switch off every third-party plugin.
ENV_DISABLE = "CREDIT_CLOSURE_DISABLE_PLUGINS"
#: Comma-separated allow-list: scorer names and ``dist:<distribution>`` items. Unset: no
#: list; set but empty (or only spaces and commas): no third-party plugin is allowed
#: (docs/plugins.md, "The allow-list").
ENV_ALLOWED = "CREDIT_CLOSURE_ALLOWED_PLUGINS"

NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
DISTRIBUTION = "credit-closure"

#: Built-in scorers: name -> "module:attribute" of a zero-argument factory.
BUILTINS: dict[str, str] = {
    "rules": "credit_closure._scoring.rules:RuleScorer.default",
    "logistic": "credit_closure._scorecard.logistic:reference_scorer",
}

#: The statuses :func:`check_plugins` reports.
STATUSES = (
    "ok",
    "load_failed",
    "incompatible",
    "invalid_name",
    "ambiguous",
    "shadowed",
    "disabled",
    "not_allowed",
)

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


class ScorerInfo(NamedTuple):
    """A scorer that can be used by name, listed without importing it: one row of
    :func:`available_scorers` (``GET /v1/scorers`` of the reference service lists the same).

    A named tuple: read it by attribute (``info.name``), unpack it, or turn it into a dict
    with ``info._asdict()`` (every value a string or ``None``, so JSON-safe).

    Attributes:
        name: The name to pass to ``assess(..., scorer=name)`` or :func:`get_scorer`.
        distribution: The installed distribution that provides it, as its metadata spells
            it (``"credit-closure"`` for the built-ins ``rules`` and ``logistic``; ``None`` for
            an in-process :func:`register_scorer` registration).
        version: That distribution's version (the library's own for the built-ins; ``None``
            for an in-process registration).
        target: Where it comes from, ``"module:attribute"``: the entry point's value for a
            plugin, the class or factory for a built-in or a registration. Nothing has been
            imported to find it.

    Example:
        >>> from credit_closure import ScorerInfo, available_scorers
        >>> info = next(s for s in available_scorers() if s.name == "rules")
        >>> isinstance(info, ScorerInfo), info.distribution, info.target
        (True, 'credit-closure', 'credit_closure._scoring.rules:RuleScorer.default')
    """

    name: str
    distribution: str | None
    version: str | None
    target: str


class PluginReport(NamedTuple):
    """One row of :func:`check_plugins`: what became of one scorer or entry point.

    Attributes:
        name: The scorer (entry-point) name.
        distribution: The distribution that declares it (``None``: registered in-process).
        version: The distribution's version.
        target: The entry point's ``module:attribute``.
        status: One of ``ok``, ``load_failed``, ``incompatible``, ``invalid_name``,
            ``ambiguous``, ``shadowed``, ``disabled``, ``not_allowed``.
        error: Why, when the status is not ``ok`` (no traceback, no personal data).
    """

    name: str
    distribution: str | None
    version: str | None
    target: str
    status: str
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return dict(self._asdict())


class _Candidate(NamedTuple):
    """A third-party entry point, classified but not imported."""

    name: str
    distribution: str
    version: str | None
    target: str
    entry_point: Any
    problem: str | None  # "invalid_name" / "shadowed", else None


class _Discovery(NamedTuple):
    own: tuple[tuple[str, str], ...]  # (name, target) declared by credit-closure itself
    third_party: tuple[_Candidate, ...]
    by_name: dict[str, tuple[_Candidate, ...]]  # valid, non-reserved names only


class _Loaded(NamedTuple):
    scorer: Any
    distribution: str | None
    version: str | None
    plugin: _Candidate | None  # set for third-party entry points


_lock = threading.RLock()
_name_locks: dict[str, threading.RLock] = {}
_registered: dict[str, tuple[Callable[[], Any], str]] = {}
_cache: dict[str, _Loaded] = {}
_discovery: _Discovery | None = None
_allowed_names: frozenset[str] | None = None
_allowed_dists: frozenset[str] | None = None
#: Bumped (under the lock) by every change to what a name resolves to: a registration or
#: its removal, a scorer loaded or forgotten, the allow-list. ``assess()`` keeps its scorer
#: snapshots by name only while it is unchanged (:func:`credit_closure._scoring.snapshot.resolved`).
GENERATION = [0]


#: Bumped with :data:`GENERATION` by the changes other than a scorer loaded: what a load in
#: progress compares, so that loading another name meanwhile does not keep its scorer uncached.
CHANGES = [0]


def _bump() -> None:
    GENERATION[0] += 1


def _changed() -> None:
    """A change to what names resolve to (not a scorer loaded): under the lock."""
    CHANGES[0] += 1
    _bump()


def stable_name(name: str) -> bool:
    """Whether what ``name`` resolves to can change only with :data:`GENERATION`: a built-in
    or an in-process registration that is loaded. A third-party plugin is not: the operator
    controls in the environment are read again on each use (:func:`_gate`)."""
    hit = _cache.get(name)
    return hit is not None and hit.plugin is None


# ---------------------------------------------------------------------------------------
# Discovery (metadata only: nothing is imported)
# ---------------------------------------------------------------------------------------
def _canonical(dist_name: str) -> str:
    return re.sub(r"[-_.]+", "-", dist_name).lower()


def _another_copy(dname: str, name: str, target: str) -> bool:
    """An entry point of another copy of this library (same normalised name, the built-in's
    name and exact target: a source checkout run next to an installed copy, say). It names
    the running library's own code for a built-in, which is loaded from :data:`BUILTINS`
    anyway, so it is neither loaded nor reported."""
    return _canonical(dname) == DISTRIBUTION and BUILTINS.get(name) == target


def _reserved() -> frozenset[str]:
    own = _discover().own
    return frozenset(BUILTINS) | frozenset(n for n, _ in own)


def _discover() -> _Discovery:
    global _discovery
    found = _discovery
    if found is not None:
        return found
    with _lock:
        if _discovery is not None:
            return _discovery
        own: list[tuple[str, str]] = []
        raw: list[tuple[str, str, str | None, str, Any]] = []
        import importlib.metadata as _md  # here, not at import: it costs ~20 ms

        for ep in _md.entry_points(group=GROUP):
            dist = getattr(ep, "dist", None)
            dname = str(dist.name) if dist is not None and dist.name else "(unknown distribution)"
            dversion = str(dist.version) if dist is not None and dist.version else None
            if holds_running_library(dist):
                own.append((ep.name, ep.value))
            elif not _another_copy(dname, ep.name, ep.value):
                raw.append((ep.name, dname, dversion, ep.value, ep))
        reserved = frozenset(BUILTINS) | frozenset(n for n, _ in own)
        cands: list[_Candidate] = []
        for name, dname, dversion, target, ep in raw:
            problem = None
            if not NAME_RE.match(name):
                problem = "invalid_name"
                logger.warning(
                    "scorer entry point %r in %s %s has an invalid name; ignored",
                    name,
                    dname,
                    dversion,
                )
            elif name in reserved:
                problem = "shadowed"
                logger.warning(
                    "scorer entry point %r in %s %s uses a built-in scorer's name; ignored",
                    name,
                    dname,
                    dversion,
                )
            cands.append(_Candidate(name, dname, dversion, target, ep, problem))
        cands.sort(key=lambda c: (c.name, _canonical(c.distribution), c.target))
        by_name: dict[str, list[_Candidate]] = {}
        for c in cands:
            if c.problem is None:
                by_name.setdefault(c.name, []).append(c)
        _discovery = _Discovery(
            tuple(sorted(own)), tuple(cands), {k: tuple(v) for k, v in by_name.items()}
        )
        return _discovery


# ---------------------------------------------------------------------------------------
# Operator controls
# ---------------------------------------------------------------------------------------
def _switch(raw: str | None) -> bool:
    """The disable switch's value: ``True`` (plugins off), ``False``, or PluginConfigError."""
    if raw is None:
        return False
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise PluginConfigError(ENV_DISABLE, raw)


def plugins_disabled() -> bool:
    """Whether third-party plugins are switched off by ``CREDIT_CLOSURE_DISABLE_PLUGINS``.

    ``1``, ``true``, ``yes``, ``on``: off; ``0``, ``false``, ``no``, ``off``, empty or unset:
    on (case-insensitive, spaces trimmed).

    Raises:
        PluginConfigError: when the variable holds any other value (``y``, say): the library
            does not guess what it meant.

    Example:
        >>> import os
        >>> plugins_disabled() == (os.environ.get("CREDIT_CLOSURE_DISABLE_PLUGINS", "").lower()
        ...                        in ("1", "true", "yes", "on"))
        True
    """
    return _switch(os.environ.get(ENV_DISABLE))


@lru_cache(maxsize=64)
def _parse_allowed(raw: str | None) -> tuple[frozenset[str] | None, frozenset[str] | None] | None:
    """The environment's list as ``(names, distributions)``; ``None`` when the variable is
    unset. Set but holding no item (empty, spaces, commas): ``(frozenset(), None)``, which
    allows no plugin (fail closed; docs/plugins.md, "The allow-list")."""
    if raw is None:
        return None
    names, dists = set(), set()
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        if item.lower().startswith("dist:"):
            dists.add(_canonical(item[5:].strip()))
        else:
            names.add(item)
    if not names and not dists:
        return frozenset(), None
    return (frozenset(names) or None, frozenset(dists) or None)


def set_allowed(
    *, names: Iterable[str] | None = None, distributions: Iterable[str] | None = None
) -> None:
    """Allow only these third-party plugins in this process (both ``None``: no in-code list).

    A plugin is allowed when its scorer name is in ``names`` (if given) and its distribution
    is in ``distributions`` (if given; compared by normalized name, ``acme_scorer`` ==
    ``Acme-Scorer``). An empty list allows no plugin (fail closed), exactly as an empty
    ``CREDIT_CLOSURE_ALLOWED_PLUGINS`` does; the rule, unset versus empty, is stated once in
    docs/plugins.md, "The allow-list". The environment's list, when set, applies as well.
    Built-ins (``rules``, ``logistic``) and in-process registrations are never affected.
    Scorers already loaded that are no longer allowed are refused on their next use.

    Args:
        names: Scorer names; ``None`` for any name, ``[]`` for none.
        distributions: Distribution names; ``None`` for any distribution, ``[]`` for none.

    Raises:
        InvalidInputError: if ``names`` or ``distributions`` is a string or holds a non-string.

    Example:
        >>> set_allowed(names=["acme-gbm"], distributions=["acme-scorer"])
        >>> get_allowed()
        (frozenset({'acme-gbm'}), frozenset({'acme-scorer'}))
        >>> set_allowed(names=[])  # fail closed: no third-party plugin
        >>> get_allowed()
        (frozenset(), None)
        >>> set_allowed()
        >>> get_allowed()
        (None, None)
    """
    global _allowed_names, _allowed_dists
    problems = []

    def _norm(arg: str, values: Iterable[str] | None, canon: bool) -> frozenset[str] | None:
        if values is None:
            return None
        if isinstance(values, (str, bytes)):
            problems.append((arg, "must be a list of strings, not a single string"))
            return None
        out = set()
        for i, v in enumerate(values):
            if not isinstance(v, str) or not v:
                problems.append((f"{arg}[{i}]", "must be a non-empty string"))
            else:
                out.add(_canonical(v) if canon else v)
        return frozenset(out)

    n = _norm("names", names, False)
    d = _norm("distributions", distributions, True)
    if problems:
        raise InvalidInputError(problems, what="argument")
    with _lock:
        _allowed_names, _allowed_dists = n, d
        _changed()


def get_allowed() -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """The in-code allow-list set by :func:`set_allowed`: ``(names, distributions)``.

    ``None`` for a part that is not set (any name or distribution); an empty frozenset for a
    part set to ``[]`` (none: no third-party plugin is allowed)."""
    return _allowed_names, _allowed_dists


def _gate(name: str, dist: str) -> tuple[str, str] | None:
    """``(status, why)`` when operator controls refuse this plugin, else ``None``.

    Reads the environment at every call (cheap), so a change applies to loaded plugins too.
    """
    env = os.environ
    return _decide(
        name, dist, env.get(ENV_DISABLE), env.get(ENV_ALLOWED), _allowed_names, _allowed_dists
    )


@lru_cache(maxsize=1024)
def _decide(
    name: str,
    dist: str,
    disable: str | None,
    allowed: str | None,
    code_names: frozenset[str] | None,
    code_dists: frozenset[str] | None,
) -> tuple[str, str] | None:
    if _switch(disable):
        return "disabled", f"third-party plugins are disabled ({ENV_DISABLE} is set)"
    cdist = _canonical(dist)
    lists = []
    env = _parse_allowed(allowed)
    if env is not None:
        lists.append((env, ENV_ALLOWED))
    if code_names is not None or code_dists is not None:
        lists.append(((code_names, code_dists), "credit_closure.plugins.set_allowed()"))
    for (names, dists), source in lists:
        if (names is not None and not names) or (dists is not None and not dists):
            return "not_allowed", (
                f"the allow-list of {source} is empty, and an empty allow-list allows no "
                "third-party plugin"
            )
        if names is not None and name not in names:
            return "not_allowed", f"scorer name {name!r} is not in the allow-list of {source}"
        if dists is not None and cdist not in dists:
            return "not_allowed", f"distribution {dist} is not in the allow-list of {source}"
    return None


# ---------------------------------------------------------------------------------------
# Listing
# ---------------------------------------------------------------------------------------
def available_scorers() -> tuple[ScorerInfo, ...]:
    """List the scorers that can be used by name, sorted by name, without importing any.

    The built-ins, in-process registrations and the third-party entry points that the
    operator controls allow and that are not ambiguous, shadowed or badly named
    (:func:`check_plugins` reports those).

    Returns:
        One :class:`ScorerInfo` per usable name.

    Raises:
        PluginConfigError: ``CREDIT_CLOSURE_DISABLE_PLUGINS`` holds a value it does not accept.

    Example:
        >>> [(s.name, s.distribution) for s in available_scorers() if s.name == "rules"]
        [('rules', 'credit-closure')]
    """
    plugins_disabled()  # a bad switch value is refused even with no plugin installed
    found = _discover()
    rows: dict[str, ScorerInfo] = {}
    for n, t in found.own:
        rows[n] = ScorerInfo(n, DISTRIBUTION, __version__, BUILTINS.get(n, t))
    for n, t in BUILTINS.items():
        rows[n] = ScorerInfo(n, DISTRIBUTION, __version__, t)
    for name, cands in found.by_name.items():
        if name in rows:
            continue
        allowed = [c for c in cands if _gate(c.name, c.distribution) is None]
        if len(allowed) == 1:
            c = allowed[0]
            rows[name] = ScorerInfo(name, c.distribution, c.version, c.target)
    with _lock:
        for name, (_factory, target) in _registered.items():
            if name not in BUILTINS:
                rows[name] = ScorerInfo(name, None, None, target)
    return tuple(rows[k] for k in sorted(rows))


def _names() -> list[str]:
    return [s.name for s in available_scorers()]


# ---------------------------------------------------------------------------------------
# In-process registration
# ---------------------------------------------------------------------------------------
def register_scorer(name: str, factory: Callable[[], Any], *, replace: bool = False) -> None:
    """Register a scorer factory (a class or zero-argument callable) in this process.

    For tests and for applications that do not package their model. Built-in names cannot be
    taken; a registration overrides an installed plugin of the same name. Re-registering a
    name needs ``replace=True``. The factory runs on first use, not here.

    Args:
        name: The scorer name (lowercase letters, digits, ``-`` and ``_``; 64 at most).
        factory: A class or zero-argument callable returning the scorer.
        replace: Replace an earlier registration of ``name``.

    Raises:
        InvalidInputError: for an invalid or reserved name, or a factory that is not callable.

    Example:
        >>> from credit_closure import RuleScorer
        >>> register_scorer("house-rules", RuleScorer)
        >>> "house-rules" in [s.name for s in available_scorers()]
        True
        >>> unregister_scorer("house-rules")
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
        _changed()


def unregister_scorer(name: str) -> None:
    """Remove an in-process registration (for tests).

    Example:
        >>> unregister_scorer("never-registered")  # no error
    """
    with _lock:
        _registered.pop(name, None)
        _cache.pop(name, None)
        _changed()


def clear_cache() -> None:
    """Forget every loaded scorer and the list of installed entry points.

    The next use reads the installed metadata again and loads the scorer again (imported
    modules stay imported: Python cannot unload them).

    Example:
        >>> clear_cache()
    """
    global _discovery
    with _lock:
        _cache.clear()
        _discovery = None
        _dist_of_module.cache_clear()
        _changed()


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------
def _name_lock(name: str) -> threading.RLock:
    with _lock:
        lk = _name_locks.get(name)
        if lk is None:
            lk = _name_locks[name] = threading.RLock()
        return lk


def _import_target(target: str) -> Any:
    module, _, attr = target.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def _declared_api(target: Any) -> Any:
    """The ``credit_closure_api`` a target declares (a classmethod's class counts)."""
    api = getattr(target, "credit_closure_api", None)
    if api is None and isinstance(target, types.MethodType):
        api = getattr(target.__self__, "credit_closure_api", None)
    return api


def _supported(api: Any) -> bool:
    return isinstance(api, int) and not isinstance(api, bool) and api in SUPPORTED_SCORER_APIS


def _fail(exc: ScorerLoadError) -> ScorerLoadError:
    logger.warning("%s", exc)
    if exc.original_exception is not None:
        logger.debug(
            "cause of the failure to load scorer %r",
            exc.scorer_name,
            exc_info=exc.original_exception,
        )
    return exc


def _build(
    name: str,
    target_obj: Any,
    *,
    dist: str | None,
    version: str | None,
    target: str,
    handshake: bool,
) -> Any:
    """Check the handshake, run the factory, check what it returned."""
    if handshake:
        api = _declared_api(target_obj)
        if not _supported(api):
            raise _fail(
                IncompatibleScorerError(
                    name,
                    declared=api,
                    supported=SUPPORTED_SCORER_APIS,
                    distribution=dist,
                    version=version,
                    target=target,
                    library_version=__version__,
                )
            )
    if not callable(target_obj):
        raise _fail(
            ScorerLoadError(
                name,
                f"the target is a {type(target_obj).__name__}, not a class or a zero-argument "
                "factory",
                distribution=dist,
                version=version,
                target=target,
                stage="check",
            )
        )
    try:
        obj = target_obj()
    except Exception as exc:
        raise _fail(
            ScorerLoadError(
                name,
                f"{type(exc).__name__}: {exc}",
                distribution=dist,
                version=version,
                target=target,
                stage="construct",
                original=exc,
            )
        ) from exc
    if not callable(getattr(obj, "score", None)):
        raise _fail(
            ScorerLoadError(
                name,
                f"the factory returned a {type(obj).__name__}, which has no "
                "score(profile, as_of) method",
                distribution=dist,
                version=version,
                target=target,
                stage="check",
            )
        )
    if handshake:
        api = getattr(obj, "credit_closure_api", None)
        if not _supported(api):
            raise _fail(
                IncompatibleScorerError(
                    name,
                    declared=api,
                    supported=SUPPORTED_SCORER_APIS,
                    distribution=dist,
                    version=version,
                    target=target,
                    library_version=__version__,
                )
            )
    return obj


def _pick(name: str) -> _Candidate:
    """The one third-party entry point to load for ``name``, or raise."""
    found = _discover()
    cands = found.by_name.get(name, ())
    if not cands:
        bad = [c for c in found.third_party if c.name == name]
        hint = None
        if bad:
            c = bad[0]
            hint = f"An entry point {name!r} in {c.distribution} {c.version} was ignored: " + (
                "its name is not valid (lowercase letters, digits, - and _)."
                if c.problem == "invalid_name"
                else "its name is reserved."
            )
        raise ScorerNotFoundError(name, _names(), hint=hint)
    allowed = []
    refused = []
    for c in cands:
        gate = _gate(c.name, c.distribution)
        if gate is None:
            allowed.append(c)
        else:
            refused.append((c, gate[1]))
    if not allowed:
        c, why = refused[0]
        raise ScorerNotFoundError(
            name,
            _names(),
            hint=f"Scorer {name!r} from {c.distribution} {c.version} is installed but not "
            f"loaded: {why}.",
        )
    if len(allowed) > 1:
        raise AmbiguousScorerError(name, [(c.distribution, c.version, c.target) for c in allowed])
    return allowed[0]


def _load_plugin(c: _Candidate) -> Any:
    try:
        target_obj = c.entry_point.load()
    except Exception as exc:
        raise _fail(
            ScorerLoadError(
                c.name,
                f"{type(exc).__name__}: {exc}",
                distribution=c.distribution,
                version=c.version,
                target=c.target,
                stage="import",
                original=exc,
            )
        ) from exc
    return _build(
        c.name, target_obj, dist=c.distribution, version=c.version, target=c.target, handshake=True
    )


def _load(name: str) -> _Loaded:
    hit = _cache.get(name)
    if hit is not None:
        if hit.plugin is not None:
            gate = _gate(hit.plugin.name, hit.plugin.distribution)
            if gate is not None:
                raise ScorerNotFoundError(
                    name,
                    _names(),
                    hint=f"Scorer {name!r} from {hit.plugin.distribution} {hit.plugin.version} "
                    f"is loaded but no longer allowed: {gate[1]}.",
                )
        return hit
    if not isinstance(name, str):
        raise InvalidInputError(
            [("scorer", f"must be a scorer name or a scorer object (got {type(name).__name__})")],
            what="argument",
        )
    if (
        name not in BUILTINS
        and name not in _registered
        and name not in _reserved()
        and name not in _discover().by_name
    ):
        _pick(name)  # raises ScorerNotFoundError; unknown names get no lock of their own
    with _name_lock(name):
        hit = _cache.get(name)
        if hit is not None:
            return _load(name)
        # what the name resolved to when the load began: a registration, removal or cache
        # clearing while the scorer is built (they take the registry lock, not this one)
        # must not be undone by caching what was built from the registration before it
        changes = CHANGES[0]
        if name in BUILTINS or (name in _reserved() and name not in _registered):
            target = BUILTINS.get(name) or dict(_discover().own)[name]
            try:
                target_obj = _import_target(target)
            except Exception as exc:
                raise _fail(
                    ScorerLoadError(
                        name,
                        f"{type(exc).__name__}: {exc}",
                        distribution=DISTRIBUTION,
                        version=__version__,
                        target=target,
                        stage="import",
                        original=exc,
                    )
                ) from exc
            obj = _build(
                name,
                target_obj,
                dist=DISTRIBUTION,
                version=__version__,
                target=target,
                handshake=False,
            )
            loaded = _Loaded(obj, DISTRIBUTION, __version__, None)
        elif name in _registered:
            factory, target = _registered[name]
            obj = _build(name, factory, dist=None, version=None, target=target, handshake=False)
            loaded = _Loaded(obj, None, None, None)
        else:
            c = _pick(name)
            loaded = _Loaded(_load_plugin(c), c.distribution, c.version, c)
        with _lock:
            if CHANGES[0] == changes:
                _cache[name] = loaded
                _bump()
        return loaded


def get_scorer(name: str) -> Scorer:
    """Return the scorer registered as ``name``, loading it on first use.

    Only that scorer's code is imported. The result is cached for the process; concurrent
    first uses build it once.

    Args:
        name: A built-in name (``"rules"``, ``"logistic"``), an in-process registration or an
            installed plugin's entry-point name.

    Returns:
        The scorer object.

    Raises:
        ScorerNotFoundError: no usable scorer has that name (the message lists the available
            ones and says why an installed plugin of that name was not used).
        AmbiguousScorerError: several allowed distributions offer that name.
        IncompatibleScorerError: the plugin declares an unsupported protocol version.
        ScorerLoadError: the plugin failed to import or to construct.

    Example:
        >>> get_scorer("rules").version
        'default@2026.12.0'
    """
    scorer: Scorer = _load(name).scorer
    return scorer


@lru_cache(maxsize=256)
def _dist_of_module(top: str) -> tuple[str | None, str | None]:
    import importlib.metadata as _md

    try:
        dists = _md.packages_distributions().get(top) or []
        if len(dists) != 1:
            return None, None
        d = _md.distribution(dists[0])
        return str(d.metadata["Name"]), str(d.version)
    except Exception:  # metadata is best effort for provenance
        return None, None


def resolve(scorer: Any) -> tuple[Any, str, str | None, str | None]:
    """Return ``(scorer object, name, distribution, distribution version)``.

    For a scorer object (not a name), the distribution is the one that installed the object's
    top-level package, when the installed metadata says so unambiguously.
    """
    if isinstance(scorer, str):
        loaded = _load(scorer)
        return loaded.scorer, scorer, loaded.distribution, loaded.version
    if not callable(getattr(scorer, "score", None)):
        raise InvalidInputError(
            [("scorer", "must be a scorer name or an object with a score(profile, as_of) method")],
            what="argument",
        )
    name = getattr(scorer, "name", None) or type(scorer).__name__
    module = (type(scorer).__module__ or "").split(".")[0]
    if module == "credit_closure":
        return scorer, name, DISTRIBUTION, __version__
    dist, version = _dist_of_module(module)
    return scorer, name, dist, version


# ---------------------------------------------------------------------------------------
# Health check
# ---------------------------------------------------------------------------------------
def _status_of(exc: BaseException) -> str:
    if isinstance(exc, IncompatibleScorerError):
        return "incompatible"
    if isinstance(exc, AmbiguousScorerError):
        return "ambiguous"
    return "load_failed"


def check_plugins() -> tuple[PluginReport, ...]:
    """Load every scorer in isolation and report one row per scorer or entry point.

    Built-ins and in-process registrations are loaded and reported too. Entry points refused
    by the operator controls, badly named, shadowing a built-in or ambiguous are reported and
    never imported. No plugin's ``Exception`` escapes (``KeyboardInterrupt`` and
    ``SystemExit`` do); plugins that load are cached for later use.

    Returns:
        :class:`PluginReport` rows, sorted by name then distribution.

    Raises:
        PluginConfigError: ``CREDIT_CLOSURE_DISABLE_PLUGINS`` holds a value it does not
            accept (the operator's setting is wrong, not a plugin: nothing is loaded).

    Example:
        >>> [(r.name, r.status) for r in check_plugins() if r.name == "rules"]
        [('rules', 'ok')]
    """
    plugins_disabled()
    found = _discover()
    rows: list[PluginReport] = []

    def _try(
        name: str, dist: str | None, version: str | None, target: str, load: Callable[[], Any]
    ) -> None:
        try:
            load()
        except Exception as exc:  # isolate: one bad plugin never hides the others
            rows.append(PluginReport(name, dist, version, target, _status_of(exc), str(exc)))
        else:
            rows.append(PluginReport(name, dist, version, target, "ok", None))

    builtin_names = sorted(set(BUILTINS) | {n for n, _ in found.own})
    for n in builtin_names:
        target = BUILTINS.get(n) or dict(found.own)[n]
        _try(n, DISTRIBUTION, __version__, target, partial(_load, n))
    with _lock:
        registered = dict(_registered)
    for n, (_f, target) in sorted(registered.items()):
        if n not in BUILTINS:
            _try(n, None, None, target, partial(_load, n))

    for c in found.third_party:
        row = (c.name, c.distribution, c.version, c.target)
        if c.problem == "invalid_name":
            rows.append(
                PluginReport(
                    *row, "invalid_name", "name must match ^[a-z][a-z0-9_-]{0,63}$; never loaded"
                )
            )
            continue
        if c.problem == "shadowed":
            rows.append(
                PluginReport(
                    *row, "shadowed", f"{c.name!r} is a built-in scorer's name; never loaded"
                )
            )
            continue
        gate = _gate(c.name, c.distribution)
        if gate is not None:
            rows.append(PluginReport(*row, gate[0], gate[1] + "; never loaded"))
            continue
        if c.name in registered:
            rows.append(
                PluginReport(
                    *row,
                    "shadowed",
                    f"{c.name!r} is registered in-process "
                    "with register_scorer(), which takes precedence",
                )
            )
            continue
        peers = [p for p in found.by_name.get(c.name, ()) if _gate(p.name, p.distribution) is None]
        if len(peers) > 1:
            err = AmbiguousScorerError(
                c.name, [(p.distribution, p.version, p.target) for p in peers]
            )
            rows.append(PluginReport(*row, "ambiguous", str(err)))
            continue
        _try(*row, partial(_load, c.name))
    rows.sort(key=lambda r: (r.name, r.distribution or "", r.target))
    return tuple(rows)
