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


class ScoringError(CreditClosureError, RuntimeError):
    """A scorer raised, or returned something that breaks the scorer protocol, while scoring.

    The original exception is chained as ``__cause__`` and kept in ``original_exception``.

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
        super().__init__(f"{where} failed{at}: {message}")


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


class ReasonTextWarning(UserWarning):
    """A fitted scorecard reports a reason code without a text of its own: a lender
    attribute it scores has none in ``reason_texts``, so its reasons read the generic
    "Lender input 'name'" (贷款机构输入项 'name'), or a text names an attribute code that no
    input of the scorecard has (a typo?). One warning per input or text, at
    :meth:`~credit_closure.LogisticScorer.fit`; ``credit-closure train`` prints each on a
    line of stderr.

    .. versionadded:: 0.1.0
    """
