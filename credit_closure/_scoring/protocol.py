"""The scorer protocol: what a scorer receives and what it returns.

A scorer is any object with these members (duck-typed; use
:func:`credit_closure.testing.check_scorer` to test conformance, not ``isinstance``):

- ``credit_closure_api`` (class attribute, ``int``): the protocol version it implements;
  :data:`SCORER_API_VERSION` today.
- ``version`` (``str``): the version of the model or policy, recorded in every assessment.
- ``score(profile, as_of) -> ScoreResult``: ``profile`` is a validated
  :class:`~credit_closure.CreditProfile` dated no later than ``as_of`` (a
  :class:`datetime.date`). It must not keep or change the profile, must be deterministic and
  safe to call from several threads at once.
- optional ``scale`` (:class:`~credit_closure.Scale`): the points scale; the shared default
  when absent.
- optional ``reason_texts`` (``Mapping[str, (en, zh)]``): texts of reason codes that are not
  in the library's catalog.
- optional ``reason_method`` (``str``): how factors are ranked, recorded in assessments.
- optional ``probability_of_default(profile, as_of) -> float``: a fast path that must return
  exactly ``score(profile, as_of).probability_of_default``; :func:`~credit_closure.assess` uses
  it for the counterfactual of closure impact, where factors are not needed.
- optional ``score_batch(features, attributes, as_of) -> Sequence[ScoreResult]``: for
  columnar scoring, one result per row of ``features`` (a ``float64`` array whose rows are
  what :func:`~credit_closure.features.extract` gives, columns in ``FEATURE_NAMES`` order),
  with ``attributes`` one mapping per row; each result exactly what ``score`` returns for that
  subject. Only for scorers that read nothing but the features and the attributes.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime
import math
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

if TYPE_CHECKING:  # the model does not need this module, nor this module the model at run time
    from credit_closure._contract.model import CreditProfile

__all__ = [
    "Factor",
    "SCORER_API_VERSION",
    "ScoreResult",
    "Scorer",
    "Trigger",
]

#: The scorer-protocol version this library implements.
SCORER_API_VERSION = 1
#: Protocol versions this library can call.
SUPPORTED_SCORER_APIS = frozenset({1})

TRIGGER_ACTIONS = ("decline", "refer", "alert")


def _finite(_inst: Any, attribute: attrs.Attribute, value: Any) -> None:  # type: ignore[type-arg]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{attribute.name} must be a finite number (got {value!r})")


@attrs.frozen(kw_only=True)
class Factor:
    """A factor a scorer used, with its signed effect on the score in points.

    ``points`` < 0 lowered the score (more risk): such factors are reason-code candidates.
    For a scorecard ranked by points below maximum, ``points`` is the points earned minus
    the best attainable points of that input.

    Args:
        code: Reason code (catalog code, or one in the scorer's ``reason_texts``).
        points: Signed effect on the score.
        feature: Name of the input behind it (optional).
        value: The input's value for this subject (optional; never personal data).

    Example:
        >>> Factor(code="UTILIZATION_HIGH", points=-17.3, feature="util_total", value=0.62)
        Factor(code='UTILIZATION_HIGH', points=-17.3, feature='util_total', value=0.62)
    """

    code: str = attrs.field(validator=attrs.validators.instance_of(str))
    points: float = attrs.field(validator=_finite)
    feature: str | None = None
    value: float | str | None = None

    def __reduce__(self) -> Any:
        # compact and fast to unpickle (results travel back from assess_many's workers)
        return make_factor, (self.code, self.points, self.feature, self.value)


@attrs.frozen(kw_only=True)
class Trigger:
    """A hard policy outcome: ``decline`` or ``refer`` overrides the cutoffs; ``alert`` is
    reported and changes nothing.

    Example:
        >>> Trigger(code="SECURITY_VERIFICATION", action="refer")
        Trigger(code='SECURITY_VERIFICATION', action='refer', rule=None)
    """

    code: str = attrs.field(validator=attrs.validators.instance_of(str))
    action: str = attrs.field(validator=attrs.validators.in_(TRIGGER_ACTIONS))
    rule: str | None = None

    def __reduce__(self) -> Any:
        return make_trigger, (self.code, self.action, self.rule)


@attrs.frozen(kw_only=True)
class ScoreResult:
    """What a scorer returns for one profile.

    Example:
        >>> ScoreResult(probability_of_default=0.02).factors
        ()
    """

    probability_of_default: float = attrs.field(validator=_finite)
    factors: tuple[Factor, ...] = attrs.field(default=(), converter=tuple)
    triggers: tuple[Trigger, ...] = attrs.field(default=(), converter=tuple)

    def __attrs_post_init__(self) -> None:
        if not 0.0 <= self.probability_of_default <= 1.0:
            raise ValueError(
                f"probability_of_default must be in [0, 1] (got {self.probability_of_default!r})"
            )


def make_factor(code: str, points: float, feature: str | None, value: Any) -> Factor:
    """Build a :class:`Factor` without validation, for built-in scorers whose values are
    finite by construction (the hot path of scoring)."""
    f = _new(Factor)
    _f_code(f, code)
    _f_points(f, points)
    _f_feature(f, feature)
    _f_value(f, value)
    return f


def make_result(
    probability: float, factors: tuple[Factor, ...], triggers: tuple[Trigger, ...]
) -> ScoreResult:
    """Build a :class:`ScoreResult` without validation (see :func:`make_factor`)."""
    r = _new(ScoreResult)
    _r_p(r, probability)
    _r_factors(r, factors)
    _r_triggers(r, triggers)
    return r


def make_trigger(code: str, action: str, rule: str | None) -> Trigger:
    """Build a :class:`Trigger` without validation (see :func:`make_factor`)."""
    t = _new(Trigger)
    _t_code(t, code)
    _t_action(t, action)
    _t_rule(t, rule)
    return t


# the slots' own setters (faster than object.__setattr__ on the scoring hot path)
_new = object.__new__
_f_code, _f_points, _f_feature, _f_value = (
    Factor.__dict__[n].__set__ for n in ("code", "points", "feature", "value")
)
_r_p, _r_factors, _r_triggers = (
    ScoreResult.__dict__[n].__set__ for n in ("probability_of_default", "factors", "triggers")
)
_t_code, _t_action, _t_rule = (Trigger.__dict__[n].__set__ for n in ("code", "action", "rule"))


@runtime_checkable
class Scorer(Protocol):
    """**Protocol:** a credit scorer that :func:`~credit_closure.assess` can call.

    See the module documentation for the members. ``isinstance`` checks only that ``score``
    exists; :func:`credit_closure.testing.check_scorer` checks behaviour.

    .. versionadded:: 0.1.0
    """

    # read-only for the type checker: a class attribute, an instance attribute or a property
    @property
    def credit_closure_api(self) -> int:
        """The protocol version the scorer implements."""
        ...

    @property
    def version(self) -> str:
        """The version of the model or policy, recorded in every assessment."""
        ...

    def score(self, profile: CreditProfile, as_of: datetime.date) -> ScoreResult:
        """Score one validated profile at ``as_of``."""
        ...
