"""The one probability <-> points scale every scorer shares, with bands and decision cutoffs.

Points follow the usual scorecard scaling [PDO-RDRR][PDO-NEMO]::

    score  = offset + factor * ln(odds),  odds = (1 - p) / p   (good:bad)
    factor = pdo / ln 2
    offset = base_points - factor * ln(base_odds)

The default is 600 points at 50:1 good:bad odds with 20 points to double the odds
(factor 28.8539, offset 487.1229). Scores are kept inside ``[min_score, max_score]``; the
probability is clipped to the same range, so score and probability stay one exact map.

Twins: columnar scoring maps log-odds to points with this module's own code once per distinct
value (``credit_closure._columnar.engine._scores``), and, for the scorecard's many distinct
values, with ``credit_closure._columnar.compiled.scale_many``, which calls the same C library
functions as :mod:`math` in the same order; a change here changes it there
(``tests/test_columnar.py`` and ``tests/test_engine_agreement.py`` compare them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs

from credit_closure._contract.checks import _key_path, _short, _text_problem
from credit_closure.exceptions import InvalidInputError

__all__ = [
    "Band",
    "DEFAULT_SCALE",
    "Scale",
]


@attrs.frozen(kw_only=True)
class Band:
    """A risk band: scores at or above ``min_score`` (and below the next band's) get ``name``."""

    name: str
    min_score: float


def _default_bands() -> tuple[Band, ...]:
    return (
        Band(name="A", min_score=640.0),
        Band(name="B", min_score=600.0),
        Band(name="C", min_score=570.0),
        Band(name="D", min_score=540.0),
        Band(name="E", min_score=-math.inf),
    )


#: The documented bounds of a scale (see :class:`Scale`).
PDO_RANGE = (1.0, 500.0)
BASE_ODDS_RANGE = (1e-6, 1e6)
#: Largest magnitude of a score, a cutoff, a band floor or ``base_points``.
MAX_POINTS = 1e6
#: Log-odds of bad allowed at the ends of the score range: at ``min_score`` at most the
#: first (a probability of default below 1 - 1e-15), at ``max_score`` at least the second
#: (a probability above 1e-300).
LOG_ODDS_RANGE = (-690.0, 34.5)
MAX_BANDS = 100
_NUMBER_FIELDS = (
    "base_points",
    "base_odds",
    "pdo",
    "min_score",
    "max_score",
    "approve_at",
    "decline_below",
)


def _finite(value: Any) -> bool:
    """A finite ``int`` or ``float`` (not a ``bool``); False for an int beyond the float range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _number_problems(scale: Scale) -> list[tuple[str, str]]:
    """Each number finite and within its documented range."""
    problems: list[tuple[str, str]] = []
    ranges = {"pdo": PDO_RANGE, "base_odds": BASE_ODDS_RANGE}
    for name in _NUMBER_FIELDS:
        v = getattr(scale, name)
        lo, hi = ranges.get(name, (-MAX_POINTS, MAX_POINTS))
        if not _finite(v):
            problems.append((name, f"must be a finite number (got {_short(v)})"))
        elif not lo <= v <= hi:
            problems.append((name, f"must be between {lo:g} and {hi:g} (got {_short(v)})"))
    return problems


def _order_problems(scale: Scale) -> list[tuple[str, str]]:
    """The range, and the cutoffs in order inside it (every number finite)."""
    problems: list[tuple[str, str]] = []
    if scale.min_score >= scale.max_score:
        problems.append(("min_score", "must be below max_score"))
    if scale.decline_below > scale.approve_at:
        problems.append(("decline_below", "must not be above approve_at"))
    for name in ("approve_at", "decline_below"):
        if not scale.min_score <= getattr(scale, name) <= scale.max_score:
            problems.append((name, "must be within [min_score, max_score]"))
    return problems


def _map_problems(scale: Scale) -> list[tuple[str, str]]:
    """A probability of default strictly inside (0, 1) at both ends of the score range
    (every number within its range)."""
    factor = scale.pdo / math.log(2.0)
    offset = scale.base_points - factor * math.log(scale.base_odds)
    at_min = (offset - scale.min_score) / factor
    at_max = (offset - scale.max_score) / factor
    problems: list[tuple[str, str]] = []
    if at_min > LOG_ODDS_RANGE[1]:
        problems.append(
            (
                "min_score",
                f"stands for a probability of default of 1 with these base_points, base_odds "
                f"and pdo (log-odds of bad {at_min:.4g} > {LOG_ODDS_RANGE[1]:g}): a degenerate "
                "scale; raise min_score, lower base_points or raise pdo",
            )
        )
    if at_max < LOG_ODDS_RANGE[0]:
        problems.append(
            (
                "max_score",
                f"stands for a probability of default of 0 with these base_points, base_odds "
                f"and pdo (log-odds of bad {at_max:.4g} < {LOG_ODDS_RANGE[0]:g}): a degenerate "
                "scale; lower max_score, raise base_points or raise pdo",
            )
        )
    return problems


def _band_problems(scale: Scale, numbers_ok: bool) -> list[tuple[str, str]]:
    """Bands: a bounded, ordered list of named floors, the last covering ``min_score``."""
    bands = scale.bands
    if not bands or not all(isinstance(b, Band) for b in bands):
        return [("bands", "must be a non-empty list of bands")]
    if len(bands) > MAX_BANDS:
        return [("bands", f"has {len(bands)} bands; the maximum is {MAX_BANDS}")]
    problems: list[tuple[str, str]] = []
    for i, b in enumerate(bands):
        if not isinstance(b.name, str) or not 0 < len(b.name) <= 64:
            problems.append((f"bands[{i}].name", "must be a string of 1-64 characters"))
        elif (message := _text_problem(b.name)) is not None:
            problems.append((f"bands[{i}].name", message))
        floor = b.min_score
        last_open = i == len(bands) - 1 and floor == -math.inf
        if not last_open and (not _finite(floor) or not -MAX_POINTS <= floor <= MAX_POINTS):
            problems.append(
                (
                    f"bands[{i}].min_score",
                    f"must be a finite number within +-{MAX_POINTS:g} (only the last band may "
                    f"have no floor; got {_short(floor)})",
                )
            )
    if problems:
        return problems
    mins = [b.min_score for b in bands]
    if mins != sorted(mins, reverse=True):
        problems.append(("bands", "must be ordered best first, by decreasing min_score"))
    if len(set(mins)) != len(mins):
        problems.append(("bands", "must have distinct min_score values"))
    if not problems and numbers_ok and mins[-1] > scale.min_score:
        problems.append(("bands", "the last band must cover min_score"))
    return problems


def _scale_problems(scale: Scale) -> list[tuple[str, str]]:
    """Every problem of ``scale``, each with the field it is in."""
    problems = _number_problems(scale)
    if all(_finite(getattr(scale, name)) for name in _NUMBER_FIELDS):
        order = _order_problems(scale)
        if not problems and not order:
            order = _map_problems(scale)
        problems += order
    problems += _band_problems(scale, not problems)
    return problems


@attrs.frozen(kw_only=True)
class Scale:
    """Probability of default <-> points, bands and decision cutoffs.

    Args:
        base_points: Points at ``base_odds``.
        base_odds: Good:bad odds that earn ``base_points``.
        pdo: Points to double the odds.
        min_score: Lowest score reported.
        max_score: Highest score reported.
        bands: Risk bands, best first, each with its lowest score; the last one is the floor.
        approve_at: Scores at or above this are approved (unless a trigger says otherwise).
        decline_below: Scores below this are declined; in between, referred.

    Bounds (refused with :class:`InvalidInputError` naming the field, so that the score <->
    probability map is never degenerate, non-finite or out of range):

    - ``pdo`` in [1, 500] and ``base_odds`` in [1e-6, 1e6];
    - ``base_points``, ``min_score``, ``max_score``, ``approve_at``, ``decline_below`` and
      every band's ``min_score`` finite numbers within +-1e6 (the last band's may be
      ``-inf``, no floor), with ``min_score < max_score``;
    - ``min_score <= decline_below <= approve_at <= max_score``;
    - every score of the range stands for a probability of default strictly inside (0, 1):
      the log-odds of bad is at most 34.5 at ``min_score`` (a probability below
      1 - 1e-15) and at least -690 at ``max_score`` (a probability above 1e-300);
    - 1 to 100 bands, best first, with distinct ``min_score`` values, the last one covering
      ``min_score``, each named by a string of 1-64 characters without control characters
      or lone surrogates.

    Example:
        >>> s = Scale()
        >>> round(s.points(1 / 51), 6)      # 50:1 good:bad
        600.0
        >>> round(s.probability(620.0), 6)  # twice the odds: 100:1
        0.009901
        >>> s.band(605.0), s.decide(605.0)
        ('B', 'approve')
    """

    base_points: float = 600.0
    base_odds: float = 50.0
    pdo: float = 20.0
    min_score: float = 300.0
    max_score: float = 900.0
    bands: tuple[Band, ...] = attrs.field(factory=_default_bands, converter=tuple)
    approve_at: float = 580.0
    decline_below: float = 530.0
    factor: float = attrs.field(init=False, eq=False, repr=False)
    offset: float = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems = _scale_problems(self)
        if problems:
            raise InvalidInputError(problems, what="scale")
        factor = self.pdo / math.log(2.0)
        object.__setattr__(self, "factor", factor)
        object.__setattr__(self, "offset", self.base_points - factor * math.log(self.base_odds))

    # -- conversions --------------------------------------------------------------------
    def points_from_log_odds(self, log_odds_bad: float) -> float:
        """Score for ``ln(p / (1 - p))`` (log-odds of *bad*), clipped to the range."""
        s = self.offset - self.factor * log_odds_bad
        if s < self.min_score:
            return float(self.min_score)
        if s > self.max_score:
            return float(self.max_score)
        return s

    def points(self, probability_of_default: float) -> float:
        """Score for a probability of default."""
        p = probability_of_default
        if p <= 0.0:
            return float(self.max_score)
        if p >= 1.0:
            return float(self.min_score)
        return self.points_from_log_odds(math.log(p) - math.log1p(-p))

    def probability(self, score: float) -> float:
        """Probability of default for a score (the inverse of :meth:`points`)."""
        log_odds_bad = (self.offset - score) / self.factor
        return 1.0 / (1.0 + math.exp(-log_odds_bad))

    def scored(self, probability_of_default: float) -> tuple[float, float]:
        """``(points, the probability the points stand for)`` in one step: the probability
        is unchanged unless the score was clipped to the range."""
        s = self.points(probability_of_default)
        if s == self.min_score or s == self.max_score:
            return s, self.probability(s)
        return s, probability_of_default

    def clip_probability(self, probability_of_default: float) -> float:
        """The probability the (clipped) score stands for."""
        s = self.points(probability_of_default)
        if s == self.min_score or s == self.max_score:
            return self.probability(s)
        return probability_of_default

    def band(self, score: float) -> str:
        """The band name for ``score``."""
        for b in self.bands:
            if score >= b.min_score:
                return b.name
        return self.bands[-1].name

    def decide(self, score: float) -> str:
        """``"approve"``, ``"refer"`` or ``"decline"`` from the cutoffs alone."""
        if score >= self.approve_at:
            return "approve"
        if score < self.decline_below:
            return "decline"
        return "refer"

    # -- data ------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The scale as JSON-safe data (an unbounded last band has ``min_score`` null)."""
        return {
            "base_points": self.base_points,
            "base_odds": self.base_odds,
            "pdo": self.pdo,
            "min_score": self.min_score,
            "max_score": self.max_score,
            "bands": [
                {"name": b.name, "min_score": None if b.min_score == -math.inf else b.min_score}
                for b in self.bands
            ],
            "approve_at": self.approve_at,
            "decline_below": self.decline_below,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, path: str = "scale") -> Scale:
        """Build a scale from :meth:`to_dict` data, strictly.

        Raises:
            InvalidInputError: listing every problem with its path.
        """
        problems: list[tuple[str, str]] = []
        if not isinstance(data, Mapping):
            raise InvalidInputError([(path, "must be an object")], what="scale")
        known = {
            "base_points",
            "base_odds",
            "pdo",
            "min_score",
            "max_score",
            "bands",
            "approve_at",
            "decline_below",
        }
        for key in data:
            if key not in known:
                problems.append((_key_path(path, key), "is not a known field"))
        kwargs: dict[str, Any] = {}
        for key in _NUMBER_FIELDS:
            if key in data:
                v = data[key]
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    problems.append((f"{path}.{key}", "must be a number"))
                elif not _finite(v):
                    problems.append((f"{path}.{key}", f"must be a finite number (got {_short(v)})"))
                else:
                    kwargs[key] = float(v)
        if "bands" in data:
            kwargs["bands"] = _bands_from_dict(data["bands"], f"{path}.bands", problems)
        if problems:
            raise InvalidInputError(problems, what="scale")
        try:
            return cls(**kwargs)
        except InvalidInputError as exc:
            raise InvalidInputError(exc.prefixed(path), what="scale") from None


def _bands_from_dict(raw: Any, path: str, problems: list[tuple[str, str]]) -> tuple[Band, ...]:
    """The bands of :meth:`Scale.from_dict` data (those without a problem)."""
    if not isinstance(raw, list) or not raw:
        problems.append((path, "must be a non-empty array"))
        return ()
    bands = []
    for i, b in enumerate(raw):
        bp = f"{path}[{i}]"
        if not isinstance(b, Mapping) or set(b) != {"name", "min_score"}:
            problems.append((bp, "must be an object with name and min_score"))
            continue
        if not isinstance(b["name"], str) or not b["name"]:
            problems.append((f"{bp}.name", "must be a non-empty string"))
            continue
        ms = b["min_score"]
        if ms is None:
            ms = -math.inf
        elif isinstance(ms, bool) or not isinstance(ms, (int, float)):
            problems.append((f"{bp}.min_score", "must be a number or null"))
            continue
        elif not _finite(ms):
            problems.append(
                (f"{bp}.min_score", f"must be a finite number or null (got {_short(ms)})")
            )
            continue
        bands.append(Band(name=b["name"], min_score=float(ms)))
    return tuple(bands)


DEFAULT_SCALE = Scale()
