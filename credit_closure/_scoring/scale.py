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
        problems = []
        for name in (
            "base_points",
            "base_odds",
            "pdo",
            "min_score",
            "max_score",
            "approve_at",
            "decline_below",
        ):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                problems.append((name, "must be a finite number"))
        if not problems:
            if self.base_odds <= 0:
                problems.append(("base_odds", "must be > 0"))
            if self.pdo <= 0:
                problems.append(("pdo", "must be > 0"))
            if self.min_score >= self.max_score:
                problems.append(("min_score", "must be below max_score"))
            if self.decline_below > self.approve_at:
                problems.append(("decline_below", "must not be above approve_at"))
        if not self.bands or not all(isinstance(b, Band) for b in self.bands):
            problems.append(("bands", "must be a non-empty list of bands"))
        else:
            mins = [b.min_score for b in self.bands]
            if mins != sorted(mins, reverse=True):
                problems.append(("bands", "must be ordered best first, by decreasing min_score"))
            if len({b.min_score for b in self.bands}) != len(mins):
                problems.append(("bands", "must have distinct min_score values"))
            if self.bands[-1].min_score != -math.inf and not problems:
                if self.bands[-1].min_score > self.min_score:
                    problems.append(("bands", "the last band must cover min_score"))
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
        problems = []
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
                problems.append((f"{path}.{key}", "is not a known field"))
        kwargs: dict[str, Any] = {}
        for key in known - {"bands"}:
            if key in data:
                v = data[key]
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    problems.append((f"{path}.{key}", "must be a number"))
                else:
                    kwargs[key] = float(v)
        if "bands" in data:
            bands = []
            raw = data["bands"]
            if not isinstance(raw, list) or not raw:
                problems.append((f"{path}.bands", "must be a non-empty array"))
            else:
                for i, b in enumerate(raw):
                    bp = f"{path}.bands[{i}]"
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
                    bands.append(Band(name=b["name"], min_score=float(ms)))
                kwargs["bands"] = tuple(bands)
        if problems:
            raise InvalidInputError(problems, what="scale")
        try:
            return cls(**kwargs)
        except InvalidInputError as exc:
            raise InvalidInputError(exc.prefixed(path), what="scale") from None


DEFAULT_SCALE = Scale()
