"""The exceptions raised by :mod:`credit_closure`.

Every exception derives from :class:`CreditClosureError`, and each also derives from the
builtin a caller would already catch (``ValueError`` for bad input, ``LookupError`` for an
unknown scorer, ...), so existing ``except`` clauses keep working.

Messages never contain personal data: they name paths, field names, dates and amounts, never
attribute values or names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

__all__ = [
    "AmbiguousScorerError",
    "ArtifactError",
    "CreditClosureError",
    "IncompatibleScorerError",
    "InvalidInputError",
    "NotFittedError",
    "PluginConfigError",
    "PolicyError",
    "ReasonTextWarning",
    "ScorerLoadError",
    "ScorerNotFoundError",
    "ScoringError",
]

Problem = tuple[str, str]


class CreditClosureError(Exception):
    """Base class of every error raised on purpose by :mod:`credit_closure`.

    .. versionadded:: 0.1.0
    """


def _format_problems(problems: Sequence[Problem], limit: int = 50) -> str:
    lines = []
    for path, message in problems[:limit]:
        lines.append(f"  - {path}: {message}" if path else f"  - {message}")
    if len(problems) > limit:
        lines.append(f"  ... and {len(problems) - limit} more")
    return "\n".join(lines)


class InvalidInputError(CreditClosureError, ValueError):
    """A document or an argument is invalid.

    ``problems`` lists *every* problem found, as ``(path, message)`` pairs, where ``path`` is
    the location in the document (``"accounts[2].closed_on"``) or the argument name.

    Example:
        >>> from credit_closure import CreditProfile, InvalidInputError
        >>> try:
        ...     CreditProfile.from_dict({"subject_id": "", "accounts": 3})
        ... except InvalidInputError as exc:
        ...     print(exc.problems)
        [('accounts', 'must be an array (got number)'), ('subject_id', 'must be a non-empty string')]

    .. versionadded:: 0.1.0
    """

    def __init__(self, problems: Iterable[Problem], *, what: str = "input") -> None:
        self.problems: list[Problem] = [(str(p), str(m)) for p, m in problems]
        if not self.problems:  # pragma: no cover - programming error
            raise ValueError("InvalidInputError needs at least one problem")
        self.what = what
        n = len(self.problems)
        head = f"invalid {what}: {n} problem{'s' if n != 1 else ''}"
        super().__init__(f"{head}\n{_format_problems(self.problems)}")

    def prefixed(self, prefix: str) -> list[Problem]:
        """Return the problems with ``prefix`` put in front of each path."""
        out = []
        for path, message in self.problems:
            if not path:
                out.append((prefix, message))
            elif path.startswith("["):
                out.append((prefix + path, message))
            else:
                out.append((f"{prefix}.{path}", message))
        return out


class PolicyError(InvalidInputError):
    """A rule policy (file or mapping) is malformed; ``problems`` name the rule and field.

    .. versionadded:: 0.1.0
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        super().__init__(problems, what="rule policy")


class ArtifactError(CreditClosureError, ValueError):
    """A model artifact is malformed, of an unknown format or version, tampered with, or not
    data at all (a pickle, say). Nothing in the file was executed.

    .. versionadded:: 0.1.0
    """


class NotFittedError(CreditClosureError, ValueError, AttributeError):
    """A scorer that must be fitted was used before :meth:`fit` (or :meth:`load`).

    .. versionadded:: 0.1.0
    """


class ScorerNotFoundError(CreditClosureError, LookupError):
    """No scorer is registered under the requested name.

    Attributes:
        name: The name asked for.
        available: The names that can be used.
        hint: Why an installed plugin of that name was not used (disabled by the operator,
            not allowed, badly named), or ``None``.

    Example:
        >>> print(ScorerNotFoundError("gbm", ["logistic", "rules"]))
        No scorer named 'gbm' in group 'credit_closure.scorers'. Available: logistic, rules. Is the package that provides it installed here?

    .. versionadded:: 0.1.0
    """

    def __init__(self, name: str, available: Sequence[str], *, hint: str | None = None) -> None:
        self.name = name
        self.available = tuple(available)
        self.hint = hint
        super().__init__(
            f"No scorer named {name!r} in group 'credit_closure.scorers'. "
            f"Available: {', '.join(self.available) or '(none)'}. "
            + (hint or "Is the package that provides it installed here?")
        )


def _withhold(message: str, original: BaseException | None, *, keep_library: bool = True) -> str:
    """``message`` without ``original``'s text (``"Type: text"`` becomes ``"Type"``).

    A scorer's exception text can hold subject data (an id, a name read from an attribute):
    it stays in the exception object, never in a message. With ``keep_library``, this
    library's own exceptions are left alone (their texts carry no personal data by contract;
    a plugin can raise them too, so callers pass ``False`` for a plugin's).
    """
    if original is None or (keep_library and isinstance(original, CreditClosureError)):
        return message
    try:
        text = str(original)
    except Exception:  # a broken __str__: nothing of it can be in the message
        return message
    if not text:
        return message
    kind = type(original).__name__
    return message.replace(f"{kind}: {text}", f"{kind}").replace(text, "(text withheld)")


class ScoringError(CreditClosureError, RuntimeError):
    """A scorer raised, or returned something that breaks the scorer protocol, while scoring.

    The message names the scorer, its distribution and version, and the *type* of the
    exception the scorer raised, never that exception's text: a scorer's exception text can
    hold subject data (ids, attribute values), so it never reaches ``str(err)``, logs or the
    command line. An operator who needs it reads it from the exception object, the
    documented debug route:

    - ``err.original_exception``: the exception the scorer raised (also ``err.__cause__``);
      ``logger.debug("...", exc_info=err)`` prints it with its traceback, so keep that at a
      debug level that does not reach shared logs.

    Example:
        >>> try:
        ...     raise KeyError("subject 4411 has no income")
        ... except KeyError as exc:
        ...     err = ScoringError("acme-gbm", f"score() raised {type(exc).__name__}: {exc}",
        ...                        original=exc, distribution="acme-scorer", version="1.0")
        >>> print(err)
        scorer 'acme-gbm' from acme-scorer 1.0 failed: score() raised KeyError
        >>> type(err.original_exception).__name__
        'KeyError'

    Attributes:
        scorer_name: The scorer's name.
        original_exception: The exception the scorer raised, if any (its text is only here).
        distribution: The distribution that provides the scorer (``None``: in-process).
        version: That distribution's version.
        position: The subject's position in a batch, when scoring one.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        scorer_name: str,
        message: str,
        *,
        original: BaseException | None = None,
        distribution: str | None = None,
        version: str | None = None,
        position: int | None = None,
    ) -> None:
        self.scorer_name = scorer_name
        self.original_exception = original
        self.distribution = distribution
        self.version = version
        self.position = position
        where = f"scorer {scorer_name!r}"
        if distribution:
            where += f" from {distribution} {version or ''}".rstrip()
        at = f" (subject at position {position})" if position is not None else ""
        super().__init__(f"{where} failed{at}: {_withhold(message, original)}")


def _origin(distribution: str | None, version: str | None) -> str:
    if not distribution:
        return "registered in-process"
    return f"from distribution {distribution} {version or '(unknown version)'}".rstrip()


class ScorerLoadError(CreditClosureError, ImportError):
    """A scorer plugin could not be imported or constructed.

    The message names the scorer, the distribution that provides it, its version and the
    entry-point target; the original exception is chained as ``__cause__`` and kept in
    ``original_exception``. Nothing falls back to another scorer.

    Attributes:
        scorer_name: The scorer (entry-point) name.
        distribution: The installed distribution that declares it (``None`` when registered
            in-process).
        version: That distribution's version.
        target: The entry point's ``module:attribute``.
        stage: ``"import"``, ``"construct"`` or ``"check"`` (what the factory returned).
        original_exception: The exception that was raised, if any.

    Example:
        >>> err = ScorerLoadError("acme-gbm", "module 'acme' has no attribute 'X'",
        ...                       distribution="acme-scorer", version="1.0",
        ...                       target="acme:X", stage="import")
        >>> print(err)
        cannot import scorer 'acme-gbm' (acme:X) from distribution acme-scorer 1.0: module 'acme' has no attribute 'X'

    .. versionadded:: 0.1.0
    """

    _VERBS: ClassVar[dict[str, str]] = {
        "import": "import",
        "construct": "construct",
        "check": "use",
    }

    def __init__(
        self,
        scorer_name: str,
        message: str,
        *,
        distribution: str | None = None,
        version: str | None = None,
        target: str | None = None,
        stage: str = "import",
        original: BaseException | None = None,
    ) -> None:
        self.scorer_name = scorer_name
        self.distribution = distribution
        self.version = version
        self.target = target
        self.stage = stage
        self.original_exception = original
        where = f" ({target})" if target else ""
        verb = self._VERBS.get(stage, stage)
        super().__init__(
            f"cannot {verb} scorer {scorer_name!r}{where} {_origin(distribution, version)}: "
            f"{message}"
        )


class IncompatibleScorerError(ScorerLoadError):
    """A scorer plugin declares a scorer-protocol version this library cannot call.

    Raised by the handshake, which reads ``credit_closure_api`` from the entry point's target
    (the class, or the factory function) *before* the factory runs: only the plugin's module
    has been imported. Also a :class:`ScorerLoadError` (and so an ``ImportError``).

    Attributes:
        declared: The version the plugin declares (``None`` when it declares none).
        supported: The versions this library supports, sorted.

    Example:
        >>> err = IncompatibleScorerError("acme-gbm", declared=2, supported=[1],
        ...                               distribution="acme-scorer", version="3.0",
        ...                               target="acme_scorer:AcmeGBMScorer")
        >>> err.declared, err.supported
        (2, (1,))

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        scorer_name: str,
        *,
        declared: object,
        supported: Iterable[int],
        distribution: str | None = None,
        version: str | None = None,
        target: str | None = None,
        library_version: str | None = None,
    ) -> None:
        self.declared = declared
        self.supported = tuple(sorted(supported))
        wanted = " or ".join(str(v) for v in self.supported)
        if declared is None:
            what = "declares no scorer-protocol version (credit_closure_api)"
            fix = (
                f"the plugin author must set credit_closure_api = {wanted} on the class or "
                "factory the entry point names"
            )
        else:
            what = f"implements scorer protocol version {declared!r}"
            fix = (
                f"install a version of {distribution or 'the plugin'} that implements "
                f"version {wanted}, or a credit-closure release that supports version "
                f"{declared!r}"
            )
        lib = f" {library_version}" if library_version else ""
        super().__init__(
            scorer_name,
            f"it {what}; this credit-closure{lib} supports version {wanted}. Fix: {fix}",
            distribution=distribution,
            version=version,
            target=target,
            stage="check",
        )


class AmbiguousScorerError(CreditClosureError, LookupError):
    """Several installed distributions offer the same scorer name, so none is used.

    Attributes:
        scorer_name: The contested name.
        candidates: ``(distribution, version, target)`` for each offer, sorted.

    Example:
        >>> err = AmbiguousScorerError("gbm", [("b-dist", "2.0", "b:S"), ("a-dist", "1.0", "a:S")])
        >>> print(err)  # doctest: +NORMALIZE_WHITESPACE
        scorer name 'gbm' is offered by 2 installed distributions: a-dist 1.0 (a:S),
        b-dist 2.0 (b:S). Uninstall all but one, or allow one distribution with
        CREDIT_CLOSURE_ALLOWED_PLUGINS or credit_closure.plugins.set_allowed(distributions=...).

    .. versionadded:: 0.1.0
    """

    def __init__(self, scorer_name: str, candidates: Iterable[tuple[str, str | None, str]]) -> None:
        self.scorer_name = scorer_name
        self.candidates = tuple(sorted((str(d), v, str(t)) for d, v, t in candidates))
        listed = ", ".join(f"{d} {v or '(unknown version)'} ({t})" for d, v, t in self.candidates)
        super().__init__(
            f"scorer name {scorer_name!r} is offered by {len(self.candidates)} installed "
            f"distributions: {listed}. Uninstall all but one, or allow one distribution with "
            "CREDIT_CLOSURE_ALLOWED_PLUGINS or credit_closure.plugins.set_allowed(distributions=...)."
        )


class PluginConfigError(ScorerLoadError):
    """An operator setting for plugins holds a value the library does not accept.

    Raised for ``CREDIT_CLOSURE_DISABLE_PLUGINS`` set to anything but ``1``, ``true``,
    ``yes``, ``on`` (plugins off), ``0``, ``false``, ``no``, ``off`` or empty (plugins on),
    compared case-insensitively after trimming spaces. The library refuses to guess what a
    value such as ``y`` or ``disable`` meant: no third-party plugin is listed or loaded until
    the setting is fixed (built-ins and in-process registrations are not affected). Also a
    :class:`ScorerLoadError`.

    Attributes:
        variable: The environment variable.
        value: The value it holds.

    Example:
        >>> print(PluginConfigError("CREDIT_CLOSURE_DISABLE_PLUGINS", "y"))  # doctest: +NORMALIZE_WHITESPACE
        CREDIT_CLOSURE_DISABLE_PLUGINS='y' is not an accepted value: use 1, true, yes or on
        to switch third-party plugins off, 0, false, no, off or empty to leave them on
        (case-insensitive); no third-party plugin is loaded until it is fixed

    .. versionadded:: 0.1.0
    """

    def __init__(self, variable: str, value: str) -> None:
        self.scorer_name = None  # type: ignore[assignment]
        self.distribution = None
        self.version = None
        self.target = None
        self.stage = "check"
        self.original_exception = None
        self.variable = variable
        self.value = value
        shown = ascii(value[:40]) + ("..." if len(value) > 40 else "")
        ImportError.__init__(
            self,
            f"{variable}={shown} is not an accepted value: use 1, true, yes or on to switch "
            "third-party plugins off, 0, false, no, off or empty to leave them on "
            "(case-insensitive); no third-party plugin is loaded until it is fixed",
        )


class ReasonTextWarning(UserWarning):
    """A fitted scorecard reports a reason code without a text of its own: a lender
    attribute it scores has none in ``reason_texts``, so its reasons read the generic
    "Lender input 'name'" (贷款机构输入项 'name'), or a text names an attribute code that no
    input of the scorecard has (a typo?). One warning per input or text, at
    :meth:`~credit_closure.LogisticScorer.fit`; ``credit-closure train`` prints each on a
    line of stderr.

    .. versionadded:: 0.1.0
    """
