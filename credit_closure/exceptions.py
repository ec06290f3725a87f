"""The exceptions raised by :mod:`credit_closure`.

Every exception derives from :class:`CreditClosureError`, and each also derives from the
builtin a caller would already catch (``ValueError`` for bad input, ``LookupError`` for an
unknown scorer, ...), so existing ``except`` clauses keep working.

Messages never contain personal data: they name paths, field names, dates and amounts, never
attribute values or names.
"""

from __future__ import annotations

from typing import Iterable, Sequence, Tuple

__all__ = [
    "ArtifactError",
    "CreditClosureError",
    "InvalidInputError",
    "NotFittedError",
    "PolicyError",
    "ScorerNotFoundError",
    "ScoringError",
]

Problem = Tuple[str, str]


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

    .. versionadded:: 0.1.0
    """

    def __init__(self, name: str, available: Sequence[str]) -> None:
        self.name = name
        self.available = tuple(available)
        super().__init__(
            f"No scorer named {name!r} in group 'credit_closure.scorers'. "
            f"Available: {', '.join(self.available) or '(none)'}. "
            "Is the package that provides it installed here?"
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
