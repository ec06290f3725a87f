"""Seeded synthetic credit portfolios with a documented ground truth.

:func:`generate_portfolio` draws ``n`` pseudonymous subjects, each a fully validated
:class:`~credit_closure.CreditProfile` (Huabei/Jiebei-type lines, bank cards, instalment loans,
closures of every kind, delinquency, inquiries, activity and lender attributes), and one
default outcome per subject drawn from an explicit, documented probability. It is meant for
training and benchmarking scorecards and for testing batch scoring. **The world below is
synthetic**: its numbers are plausible for Chinese/US consumer credit, not estimates of any
real population, and nothing here is evidence about real borrowers.

Distributions (amounts in CNY; ``z`` is the subject's latent creditworthiness, higher = better;
``σ(x) = 1 / (1 + e^-x)``; "days ago" counts back from ``as_of``)

=========================  ===================================================================
What                       How it is drawn
=========================  ===================================================================
``z``                      N(0, 1), one per subject; never shown in the profile
``age`` (attribute)        round(N(35, 9.5)) clipped to 20-65
``employment``             salaried / self_employed / civil_servant / student / other; by age:
                           <=24: .42/.07/.03/.33/.15, 25-29: .55/.15/.08/.06/.16,
                           >=30: .56/.19/.09/0/.16
``city_tier``              "1" .18, "2" .30, "3" .30, "4" .22
``monthly_income``         lognormal: median 13000/9000/6500/5000 by tier, x employment factor
                           (1, 1.15, 1.05, .25, .7), + .25 z, age curve, σ=.4 in log; rounded to
                           100, at least 800. Absent (key missing) with p=.10, .25 for
                           self_employed/other
history length ``H``       min(age-18, 20) years x σ(.4 + .3 z + N(0,1)), at least 60 days
accounts                   1 + Poisson(.5 + .32 H_years (+.5 self_employed, -.3 student)),
                           at most 12; the first opened ``H`` ago, the others uniform in (0, H];
                           revolving_consumer / cash_loan lines at most 11 years old
product                    revolving_consumer .25, cash_loan .15, credit_card .35,
                           installment .17, mortgage .05, business_loan .03 (self_employed:
                           .20/.15/.28/.14/.05/.18; under 23 or student: .45/.20/.20/.15/0/0)
provider                   revolving_consumer: huabei .72 (one per subject), jd_baitiao,
                           meituan_yuefu, douyin_yuefu; cash_loan: jiebei .62 (one per subject),
                           weilidai, jd_jintiao, consumer_finance; cards and loans: bank keys
``credit_limit``           lognormal, median / σ: revolving_consumer 6000/.8, cash_loan
                           25000/.9, credit_card 30000/.85, installment 30000/.9, mortgage
                           900000/.5, business_loan 200000/.9; x exp(.15 z + .3 log(income/8000))
revolving ``balance``      a line is unused (balance 0) with p = σ(-.3 + .5 z + N(0,.5)); else
                           utilization σ(logit(u_s) + N(0,.9)), u_s = σ(-1.1 - .8 z + N(0,.6));
                           2% over limit; delinquent lines at least 70% used
term loans                 6-36 month instalments, 10-30 year mortgages, 1-3 year business
                           loans; balance amortises linearly; paid off at maturity (closed,
                           initiator unknown, reason other) or early with p=.12 (consumer,
                           reduce_debt 70% / other 30%)
revolving closures         hazard 1 - exp(-.05 x line age in years), independent of ``z``;
                           initiator consumer .64, lender_inactivity .13, platform_policy .08,
                           lender_risk .03, regulator .02, unknown .10
consumer reasons           reduce_debt .30, unused .27, switch_platform .15, privacy .10,
                           security_concern .08, other .06, unknown .04
closed with a balance      consumer 6%, lender_risk 60%, platform/regulator/unknown 8%;
                           still owed today with p=.55 when closed under a year ago
delinquency (24 months)    an episode with p = σ(-3.6 - 1.3 z + product offset + noise):
                           ``L`` = 1 + Geometric(σ(.8 + .6 z)) consecutive months, plus
                           Poisson scattered months; otherwise a single 1-30 day late with
                           p ~ .02-.06. worst_dpd = 30 (L-1) + 1..30. Clipped to the months the
                           account was open in the window, so consecutive <= cumulative <= 24
lender reaction            90+ DPD (L >= 3): closed by lender_risk (p .6 revolving, .45 loans)
                           within the window after the episode, else revolving lines
                           suspended with p .3. Termination after 180+ DPD: bad_debt .55,
                           abnormal .15; after 90-179 DPD: bad_debt .04, abnormal .06
other lender closures      lender_risk closure without delinquency, p = σ(-4.6 - 1.1 z) per line;
                           an old charge-off 2-6 years ago with p = σ(-5 - 1.4 z) per subject
status                     bad_debt -> charged_off 80% / transferred 20%; abnormal ->
                           charged_off 50% / transferred 30% / closed 20%; else closed
closure event              present for 93% of closed lines (matured loans 30%, early payoffs
                           90%, old charge-offs 95%), same date as the account's closed_on;
                           termination unknown 3%; worst_dpd_6m_before unknown 4%
hard inquiries             Poisson(e^(.1 - .5 z + N(0,.3))) over 24 months + Poisson(e^(-1.7
                           - .9 z)) in the last 6 months (loan_approval / card_approval); one
                           per account opened in the window (p .85, 0-20 days before opening)
soft inquiries             post_loan Poisson(.3 x open accounts), self .35, guarantee_check
                           .04, other .06 (all over 24 months)
activity                   Poisson(1.6) logins/transactions/limit changes on open revolving
                           lines in the last 90 days; near the latest closure (within a year):
                           contact_change +-30 days (p .05, .15 after a lender-risk closure),
                           reopen_request (p .03), activity on the closed account (p .03)
=========================  ===================================================================

Ground truth (the data-generating process of the outcome)

Each subject defaults within the outcome window with probability
``p = σ(b0 + Σ terms + r)``, where ``b0`` is the intercept (:data:`DEFAULT_INTERCEPT` =
-3.97, or the value that makes the mean of ``p`` over the drawn sample equal ``bad_rate``),
``r = -0.7 z`` is the residual the profile does not reveal, and the terms are these functions
of what the profile shows (computed by one internal function from the profile object itself):

=============================  ===============================================================
Term (DOMAIN.md §9)            Contribution to the log-odds
=============================  ===============================================================
utilization after closures     ``1.05 min(u, 1.2) + 0.7 max(0, min(u, 1.2) - 0.7)``, where
(F1, R2)                       ``u`` = Σ balance / Σ limit over revolving lines that are open
                               or suspended, plus ended lines still owing (at their last
                               limit), plus the limit of lines the consumer gave up cleanly
                               (see below) at balance 0; lines ended in any other way no
                               longer count. ``u`` = 0 with no such line
maxed line (F2)                ``+0.25`` if a counted line is at 90% or more of its limit
worst DPD in 24 months (F14)   1-29: ``+0.3``, 30-59: ``+0.65``, 60-89: ``+0.95``, 90+: ``+1.2``
连三累六 (F15, R9)              ``+0.5`` if an account has 3 consecutive or 6 cumulative
                               overdue months in 24 months
abnormal / bad debt (F9, R5)   ``+1.0`` for one account charged off, transferred or ended
                               abnormal/bad_debt in the last 5 years, ``+1.3`` for two or more
lender-risk closures (F6, R4)  ``+0.35`` each in the last 24 months, at most 2
closed with a balance (F7, R3) ``+0.3`` if an ended account still has a balance
closure after delinquency      ``+0.3`` if a closure in the last 24 months had 30+ DPD in the
(F8, R6)                       6 months before it
hard inquiries (F16, R10)      ``+0.085`` per hard inquiry in the last 183 days (at most 10),
                               ``+0.2`` more above 6
age of oldest account (F11)    ``+0.7 exp(-months / 36)`` (oldest tradeline on file, open or
                               closed; ``+0.7`` with no dated account)
income                         ``-0.3 clip(ln(monthly_income / 7000), -1.5, 1.5)``;
                               ``+0.15`` when the attribute is absent or not a positive number
employment                     civil_servant ``-0.3``, salaried 0, self_employed ``+0.15``,
                               student ``+0.2``, other ``+0.2`` (anything else 0)
=============================  ===============================================================

Nothing else moves ``p``: city tier, closure counts, closure recency, reasons, activity records
and soft inquiries have no effect. In particular a **clean voluntary closure** (status
``closed``, a closure event with initiator ``consumer``, termination ``normal``, no balance at
closure or now, and less than 30 DPD in the 6 months before) has *no* effect on ``p``: the
closed line's limit keeps counting as capacity the person chose not to use, so the profile
scores exactly as if the account were still open with a zero balance. Voluntary closures are
also drawn independently of ``z`` given the line's age (only whether they count as clean
depends on the line's delinquency), so they carry no information about risk either. Lines
closed by a lender, by policy or by an unknown party do lose their limit, so for those the
lost limit raises ``u`` and the risk.

With the default intercept the default rate is about 6-7% and the oracle AUC (of ``p``
itself) about 0.82-0.85 on 20,000 subjects; see :meth:`SyntheticPortfolio.oracle_auc`.

Determinism: the same ``(n, seed, as_of)`` gives identical profiles and outcomes with the same
numpy version. Draws are made in fixed blocks of 1024 subjects, each from its own child seed
(``SeedSequence(seed, spawn_key=(block,))``), so ``generate_portfolio(n, seed=s).profiles[:k]``
equals ``generate_portfolio(k, seed=s).profiles``; the outcomes agree too unless ``bad_rate`` is
given (the intercept then depends on the whole sample). Changing ``as_of`` shifts every date
and leaves the rest unchanged.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import numbers
import os
from collections.abc import Iterable, Mapping
from typing import Any, Union, cast

import attrs
import numpy as np
import numpy.typing as npt

from credit_closure._contract.documents import loads_document
from credit_closure._contract.model import (
    CreditProfile,
    Enterprise,
)
from credit_closure._synth.draws import (
    _sigmoid,
)
from credit_closure._synth.truth import (
    _generate,
    _solve_intercept,
)
from credit_closure.exceptions import InvalidInputError

__all__ = [
    "DEFAULT_INTERCEPT",
    "MAX_SUBJECTS",
    "MIN_AS_OF",
    "RESIDUAL_WEIGHT",
    "SyntheticPortfolio",
    "TrainingData",
    "generate_enterprises",
    "generate_portfolio",
    "read_jsonl",
]

_PathLike = Union[str, "os.PathLike[str]"]
_FloatArray = npt.NDArray[np.float64]

#: The outcome intercept ``b0`` used when ``bad_rate`` is not given.
DEFAULT_INTERCEPT = -3.97
#: Weight of the latent creditworthiness in the log-odds (``r = -RESIDUAL_WEIGHT * z``).
RESIDUAL_WEIGHT = 0.7
#: Largest ``n`` :func:`generate_portfolio` accepts.
MAX_SUBJECTS = 10_000_000
#: Earliest ``as_of``: every date of a 20-year history must stay after 1900-01-01.
MIN_AS_OF = _dt.date(1930, 1, 1)
_MAX_SEED = 2**64 - 1


# ----------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------
def _frozen_int8(value: Any) -> npt.NDArray[np.int8]:
    arr: npt.NDArray[np.int8] = np.array(value, dtype=np.int8)
    arr.flags.writeable = False
    return arr


def _frozen_float64(value: Any) -> npt.NDArray[np.float64]:
    arr: npt.NDArray[np.float64] = np.array(value, dtype=np.float64)
    arr.flags.writeable = False
    return arr


def _profile_tuple(profiles: Iterable[CreditProfile]) -> tuple[CreditProfile, ...]:
    return tuple(profiles)


def _date_tuple(dates: Iterable[_dt.date]) -> tuple[_dt.date, ...]:
    return tuple(dates)


def _auc(scores: npt.NDArray[np.float64], labels: npt.NDArray[Any]) -> float:
    """Rank-based (Mann-Whitney) AUC with average ranks for ties; ``nan`` if one class is empty."""
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels).astype(bool)
    n_pos = int(labels.sum())
    n_neg = labels.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    ranks = np.empty(scores.size)
    # average rank (1-based) of each run of equal scores
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    ends = np.r_[starts[1:], scores.size]
    avg = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(avg, ends - starts)
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def _array_eq(a: Any, b: Any) -> bool:
    return bool(np.array_equal(a, b))


def _check_aligned(n: int, **columns: Any) -> None:
    problems = [
        (name, f"has {np.shape(value)[0] if np.ndim(value) else 'no'} items; profiles has {n}")
        for name, value in columns.items()
        if np.ndim(value) != 1 or len(value) != n
    ]
    if problems:
        raise InvalidInputError(problems, what="argument")


@attrs.frozen(kw_only=True, repr=False)
class SyntheticPortfolio:
    """A synthetic portfolio: profiles, their default outcomes and true default probabilities.

    Built by :func:`generate_portfolio`. The arrays are read-only and aligned with
    ``profiles``.

    Attributes:
        profiles: The subjects, in generation order.
        outcomes: ``int8`` array; 1 = default within the outcome window.
        true_probability: ``float64`` array; the exact probability each outcome was drawn with.
        as_of: The date every profile is observed at (nothing in a profile is later).
        seed: The seed the portfolio was drawn from.
        intercept: The outcome intercept ``b0`` that was used.
        contract_version: 1, or 2 for profiles with the contract v2 detail.

    .. versionadded:: 0.1.0
    .. versionchanged:: Unreleased
       ``contract_version``.
    """

    profiles: tuple[CreditProfile, ...] = attrs.field(converter=_profile_tuple)
    outcomes: npt.NDArray[np.int8] = attrs.field(
        converter=_frozen_int8, eq=attrs.cmp_using(eq=_array_eq), hash=False
    )
    true_probability: npt.NDArray[np.float64] = attrs.field(
        converter=_frozen_float64, eq=attrs.cmp_using(eq=_array_eq), hash=False
    )
    as_of: _dt.date
    seed: int
    intercept: float
    contract_version: int = 1

    def __attrs_post_init__(self) -> None:
        _check_aligned(
            len(self.profiles), outcomes=self.outcomes, true_probability=self.true_probability
        )

    def __len__(self) -> int:
        return len(self.profiles)

    def __repr__(self) -> str:
        return (
            f"<SyntheticPortfolio: {len(self.profiles)} subjects, seed={self.seed}, "
            f"as_of={self.as_of.isoformat()}, default rate {self.default_rate:.4f}>"
        )

    @property
    def default_rate(self) -> float:
        """The share of subjects with outcome 1 (``nan`` for an empty portfolio)."""
        return float(self.outcomes.mean()) if self.outcomes.size else float("nan")

    def oracle_auc(self) -> float:
        """Return the AUC of ``true_probability`` against ``outcomes``.

        No scorer can beat it in expectation on this data. Computed from ranks (ties get their
        average rank); ``nan`` when every outcome is the same.

        Returns:
            The AUC, in [0, 1].
        """
        return _auc(self.true_probability, self.outcomes)

    def to_jsonl(self, path: _PathLike) -> None:
        """Write the portfolio as a training file: one JSON object per line.

        Each line is ``{"profile": {...v1 profile...}, "outcome": 0 or 1, "as_of":
        "YYYY-MM-DD"}``, UTF-8, ``\\n``-terminated. :func:`read_jsonl` reads it back.

        Args:
            path: The file to create or overwrite.

        Raises:
            OSError: If the file cannot be written.
        """
        as_of = self.as_of.isoformat()
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            for profile, outcome in zip(self.profiles, self.outcomes.tolist()):
                fh.write(
                    json.dumps(
                        {"profile": profile.to_dict(), "outcome": outcome, "as_of": as_of},
                        ensure_ascii=False,
                        allow_nan=False,
                        separators=(",", ":"),
                    )
                )
                fh.write("\n")


@attrs.frozen(kw_only=True, repr=False)
class TrainingData:
    """Labelled profiles read from a training file by :func:`read_jsonl`.

    Attributes:
        profiles: The profiles, in file order.
        outcomes: ``int8`` array (read-only); 1 = default within the outcome window.
        as_of: The observation date of each line.

    .. versionadded:: 0.1.0
    """

    profiles: tuple[CreditProfile, ...] = attrs.field(converter=_profile_tuple)
    outcomes: npt.NDArray[np.int8] = attrs.field(
        converter=_frozen_int8, eq=attrs.cmp_using(eq=_array_eq), hash=False
    )
    as_of: tuple[_dt.date, ...] = attrs.field(converter=_date_tuple)

    def __attrs_post_init__(self) -> None:
        _check_aligned(len(self.profiles), outcomes=self.outcomes, as_of=self.as_of)

    def __len__(self) -> int:
        return len(self.profiles)

    def __repr__(self) -> str:
        return f"<TrainingData: {len(self.profiles)} labelled profiles>"


def _check_arguments(
    n: Any, seed: Any, as_of: Any, bad_rate: Any, contract_version: Any = 1
) -> None:
    problems: list[tuple[str, str]] = []
    if type(contract_version) is not int or contract_version not in (1, 2):
        problems.append(("contract_version", f"must be 1 or 2 (got {contract_version!r:.40})"))
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        problems.append(("n", f"must be an integer (got {type(n).__name__})"))
    elif not 1 <= cast(int, n) <= MAX_SUBJECTS:  # an Integral compares as an int
        problems.append(("n", f"must be between 1 and {MAX_SUBJECTS} (got {int(n)})"))
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        problems.append(("seed", f"must be an integer (got {type(seed).__name__})"))
    elif not 0 <= cast(int, seed) <= _MAX_SEED:
        problems.append(("seed", f"must be between 0 and 2**64 - 1 (got {int(seed)})"))
    if isinstance(as_of, _dt.datetime) or not isinstance(as_of, _dt.date):
        problems.append(("as_of", f"must be a datetime.date (got {type(as_of).__name__})"))
    elif as_of < MIN_AS_OF:
        problems.append(("as_of", f"must be on or after {MIN_AS_OF.isoformat()}"))
    if bad_rate is not None:
        if isinstance(bad_rate, bool) or not isinstance(bad_rate, numbers.Real):
            problems.append(
                ("bad_rate", f"must be a number or None (got {type(bad_rate).__name__})")
            )
        elif not (math.isfinite(bad_rate) and 0.0 < cast(float, bad_rate) < 1.0):
            problems.append(("bad_rate", f"must be strictly between 0 and 1 (got {bad_rate!r})"))
    if problems:
        raise InvalidInputError(problems, what="argument")


def generate_portfolio(
    n: int,
    *,
    seed: int = 0,
    as_of: _dt.date = _dt.date(2026, 6, 30),
    bad_rate: float | None = None,
    contract_version: int = 1,
) -> SyntheticPortfolio:
    """Draw a synthetic portfolio of ``n`` subjects with known default probabilities.

    Every profile passes the model's validation and has no date after ``as_of``. The
    distributions and the outcome's data-generating process are documented in
    :mod:`credit_closure.synth`. Generation takes about 0.1-0.2 ms per subject.

    Args:
        n: Number of subjects, 1 to :data:`MAX_SUBJECTS`.
        seed: Non-negative integer seed (below 2**64). The same ``(n, seed, as_of)`` gives the
            same portfolio, and the first ``k`` profiles do not depend on ``n``.
        as_of: Observation date of every profile (on or after :data:`MIN_AS_OF`).
        bad_rate: If given, in (0, 1): the intercept is shifted so that the mean true
            probability over this sample equals ``bad_rate``. By default the intercept is
            :data:`DEFAULT_INTERCEPT` (a default rate around 7%).
        contract_version: 1 (the default) for v1 profiles, 2 for the same subjects with the
            contract v2 detail (repayment histories, classifications, v2 statuses, special
            transactions, limit histories, guarantees, public records ...; see "Contract v2
            detail" in :mod:`credit_closure.synth`). The v1 output of a seed does not depend
            on it.

    Returns:
        A :class:`SyntheticPortfolio`.

    Raises:
        InvalidInputError: If an argument is invalid; each problem names the argument.

    Example:
        >>> from credit_closure.synth import generate_portfolio
        >>> pf = generate_portfolio(300, seed=7)
        >>> len(pf), pf.outcomes.dtype.name, pf.as_of.isoformat()
        (300, 'int8', '2026-06-30')
        >>> pf.profiles[:5] == generate_portfolio(5, seed=7).profiles
        True
        >>> 0.0 < float(pf.true_probability.mean()) < 0.2
        True
        >>> round(float(generate_portfolio(300, seed=7, bad_rate=0.2).true_probability.mean()), 6)
        0.2
    """
    _check_arguments(n, seed, as_of, bad_rate, contract_version)
    n, seed = int(n), int(seed)
    profiles, z, obs, u = _generate(n, seed, as_of, contract_version)
    score = obs - RESIDUAL_WEIGHT * z
    if bad_rate is None:
        intercept = DEFAULT_INTERCEPT
    else:
        intercept = _solve_intercept(score, float(bad_rate))
    prob = _sigmoid(intercept + score)
    outcomes = (u < prob).astype(np.int8)
    return SyntheticPortfolio(
        profiles=profiles,
        outcomes=outcomes,
        true_probability=prob,
        as_of=as_of,
        seed=seed,
        intercept=intercept,
        contract_version=contract_version,
    )


#: Largest ``n`` :func:`generate_enterprises` accepts.
MAX_ENTERPRISES = 1_000_000


def generate_enterprises(
    n: int,
    *,
    seed: int = 0,
    as_of: _dt.date = _dt.date(2026, 6, 30),
) -> tuple[Enterprise, ...]:
    """Draw ``n`` synthetic contract v2 enterprises (companies and their principals).

    Each enterprise has 1 + min(3, Poisson(0.8)) principals, who are the subjects of
    ``generate_portfolio(m, seed=seed, as_of=as_of, contract_version=2)`` in order (``m`` the
    number of principals), the first of each enterprise its legal representative; its own
    facilities, external guarantees, public records, overdue interest and advances are drawn
    as documented in "Enterprises" in :mod:`credit_closure.synth`. There is no default
    outcome: they are meant for validation, throughput and adapter tests.

    Args:
        n: Number of enterprises, 1 to 1,000,000.
        seed: Non-negative integer seed (below 2**64).
        as_of: Observation date (on or after :data:`MIN_AS_OF`).

    Returns:
        A tuple of v2 :class:`~credit_closure.Enterprise`.

    Raises:
        InvalidInputError: If an argument is invalid; each problem names the argument.

    Example:
        >>> from credit_closure.synth import generate_enterprises
        >>> ents = generate_enterprises(3, seed=1)
        >>> [e.contract_version for e in ents], ents[0].principals[0].role.value
        ([2, 2, 2], 'legal_representative')
    """
    _check_arguments(n, seed, as_of, None)
    if int(n) > MAX_ENTERPRISES:
        raise InvalidInputError(
            [("n", f"must be between 1 and {MAX_ENTERPRISES} (got {int(n)})")], what="argument"
        )
    from credit_closure._synth.enterprises import _generate_enterprises

    n, seed = int(n), int(seed)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(0, 4))))
    sizes = (1 + np.minimum(3, rng.poisson(0.8, size=n))).tolist()
    pf = generate_portfolio(sum(sizes), seed=seed, as_of=as_of, contract_version=2)
    return _generate_enterprises(n, seed, as_of, pf.profiles, pf.true_probability, sizes)


# ----------------------------------------------------------------------------------------
# Reading training files
# ----------------------------------------------------------------------------------------
_LINE_KEYS = ("profile", "outcome", "as_of")
_MAX_REPORTED = 1000


def _read_line(
    raw: bytes, where: str, problems: list[tuple[str, str]]
) -> tuple[CreditProfile, int, _dt.date] | None:
    """Parse one line of a training file; add its problems to ``problems`` (None if any)."""
    found: list[tuple[str, str]] = []
    try:
        doc = loads_document(raw, what="training file")
    except InvalidInputError as exc:
        problems.extend((where, msg) for _, msg in exc.problems)
        return None
    if not isinstance(doc, Mapping):
        problems.append((where, "must be a JSON object with keys profile, outcome, as_of"))
        return None
    for key in doc:
        if key not in _LINE_KEYS:
            found.append((f"{where}.{key}", "is not a known field"))
    for key in _LINE_KEYS:
        if key not in doc:
            found.append((f"{where}.{key}", "is required"))
    outcome: Any = doc.get("outcome")
    if "outcome" in doc and (type(outcome) is not int or outcome not in (0, 1)):
        found.append((f"{where}.outcome", "must be the integer 0 or 1"))
    as_of: Any = doc.get("as_of")
    if "as_of" in doc:
        parsed = None
        if isinstance(as_of, str) and len(as_of) == 10:
            try:
                parsed = _dt.date.fromisoformat(as_of)
            except ValueError:
                parsed = None
        if parsed is None:
            found.append((f"{where}.as_of", "must be a date string YYYY-MM-DD"))
        as_of = parsed
    profile = None
    if "profile" in doc:
        try:
            profile = CreditProfile.from_dict(doc["profile"])
        except InvalidInputError as exc:
            found.extend(exc.prefixed(f"{where}.profile"))
    if profile is not None and isinstance(as_of, _dt.date):
        found.extend((f"{where}.profile.{path}", msg) for path, msg in profile.dated_after(as_of))
    if found:
        problems.extend(found)
        return None
    assert profile is not None and isinstance(as_of, _dt.date)
    return profile, int(outcome), as_of


def read_jsonl(path: _PathLike) -> TrainingData:
    """Read a training file written by :meth:`SyntheticPortfolio.to_jsonl` (or by a lender).

    Strict: every line must be one JSON object with exactly the keys ``profile`` (a v1
    profile document), ``outcome`` (the integer 0 or 1) and ``as_of`` (``YYYY-MM-DD``, with no
    date in the profile after it). Blank lines, unknown keys, duplicate keys and
    ``NaN``/``Infinity`` are errors.

    Args:
        path: The file to read (UTF-8, one record per line).

    Returns:
        A :class:`TrainingData` with the profiles, outcomes and dates in file order.

    Raises:
        InvalidInputError: Listing every problem, each path starting with ``line N`` (at
            most the first 1000 problems); also for a file with no record.
        OSError: If the file cannot be read.
    """
    profiles: list[CreditProfile] = []
    outcomes: list[int] = []
    dates: list[_dt.date] = []
    problems: list[tuple[str, str]] = []
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if raw.endswith(b"\n"):
                raw = raw[:-1]
                if raw.endswith(b"\r"):
                    raw = raw[:-1]
            where = f"line {number}"
            if not raw.strip():
                problems.append((where, "is blank; every line must hold one record"))
            else:
                record = _read_line(raw, where, problems)
                if record is not None:
                    profiles.append(record[0])
                    outcomes.append(record[1])
                    dates.append(record[2])
            if len(problems) >= _MAX_REPORTED:
                break
    if not problems and not profiles:
        problems.append(("", "has no records"))
    if problems:
        raise InvalidInputError(problems, what="training file")
    return TrainingData(profiles=profiles, outcomes=outcomes, as_of=dates)
