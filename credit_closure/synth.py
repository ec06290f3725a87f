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

Contract v2 detail (``contract_version=2``)

``generate_portfolio(n, seed=s, contract_version=2)`` returns the **same subjects** as the v1
call: each profile is the v1 profile of that seed with the contract v2 detail added. The three
v1 summaries, dates, limits and balances are unchanged; every v2 status, closure initiator and
inquiry kind used has the v1 value as its scoring equivalent (``V1_STATUS``, ``V1_INITIATOR``,
``V1_INQUIRY_KIND``), so the v1 features read the same facts. The detail is drawn from each
block's own child seed (``SeedSequence(seed, spawn_key=(block, 2))``): the v1 output of a seed
is byte-identical whether or not v2 is asked for. ``z`` below is the same latent
creditworthiness as above.

=========================  ===================================================================
What                       How it is drawn
=========================  ===================================================================
repayment history          one per account, oldest first, ending in the ``as_of`` month
                           (``history_end = as_of``); ``clip(months since opening + 1, 24,
                           60)`` symbols; ``/`` before the opening month and after the month
                           an account ended; ``*`` for the months of a running revolving line
                           with no balance, else ``N``; the closure month shows ``C`` (closed
                           normally), ``G`` (ended abnormally or transferred), ``B`` (charged
                           off or bad debt), ``D`` / ``Z`` (guarantor compensation /
                           asset-for-debt)
delinquency in history     the last 24 symbols hold exactly ``months_delinquent_24m``
                           delinquent months: the longest run (``max_consecutive...``) as
                           ``1 2 3 4 5 6 7 7 ...`` and the others single ``1`` months apart,
                           so the summaries derived from the history are the v1 ones and the
                           worst symbol proves ``worst_dpd_24m``. Where the account's months
                           cannot hold them apart, the separators are ``#`` (unknown; under
                           1% of accounts). An old charge-off shows ``1234567`` then ``B``
placement                  ended accounts: the run ends the month before the closure when the
                           closure followed delinquency (``worst_dpd_6m_before`` > 0 or a
                           lender-risk closure), else 7+ months before it when there is room;
                           running accounts with a balance are **overdue now** (the run ends
                           in the ``as_of`` month) with p = σ(-1.0 - 0.8 z) after a 3+ month
                           run or on a suspended line, σ(-2.2 - 0.8 z) otherwise; else the
                           run ends before the current month
current overdue            running accounts: ``current_overdue_periods`` = the run's length
                           when overdue now, else 0; ``current_overdue_amount`` = periods x
                           the amount due per period (limit x 5% for revolving lines, 1/18
                           instalment, 1/240 mortgage, 1/24 business loan), at most the
                           balance; ended accounts: absent (unknown)
``overdue_amounts``        for histories with a delinquent month: the amount due x the
                           symbol's number of periods, 0 in other known months, unknown for
                           ``/`` and ``#``
``first_delinquency_on``   the first delinquent month of the history (on the opening day of
                           the month, not before opening nor after ``as_of``); absent
                           without one
``last_payment_on``        closed normally: the closing date; ended otherwise: the month
                           before the final delinquent run; running and overdue ``k``
                           periods: ``k`` months ago; running revolving line with no
                           balance: absent; other running accounts: 0-24 days before
                           ``as_of``
five-level class           running accounts, by current overdue periods: 0 正常 normal,
(五级分类)                 1-3 关注 special_mention, 4-6 次级 substandard, 7-12 可疑
                           doubtful, 13+ 损失 loss; at least special_mention when
                           restructured, frozen, stopped, suspended or collateral-short;
                           ended accounts: loss if charged off / judicial recovery / bad
                           debt, doubtful if transferred / forced liquidation / abnormal,
                           else normal
v2 statuses                suspended -> frozen .4, stopped .3 (else suspended); charged_off ->
                           judicial_recovery .15 (with a judicial_recovery transaction);
                           transferred mortgage or business loan -> forced_liquidation .25;
                           open term loan overdue now -> overdue .6; open mortgage or
                           business loan with delinquency in 24 months -> collateral_shortfall
                           .1; open card with no balance, no delinquency, opened within a
                           year -> not_activated .3
special transactions       early_settlement on every term loan the consumer paid off early
                           (on the closing date, amount limit x U(.1, .9)); ended mortgage /
                           business loan after a derogatory end: guarantor_compensation .3,
                           asset_for_debt .3; other derogatory end with a balance:
                           debt_relief .1; running after a 3+ month run: restructuring .2,
                           else running term loan with delinquency: extension .1 (3-12
                           months); dated after the delinquency
closure ``kind``           line_closure for revolving lines; term loans closed normally:
                           early_settlement (by the consumer) or settlement (run to term;
                           initiator ``paid_as_agreed``, scored as v1's ``unknown``)
liability                  mortgage joint .35, business loan joint .1, credit card
                           authorized_user .04, else individual
institution type           huabei, jiebei, consumer_finance: consumer_finance; jd_baitiao,
                           jd_jintiao, meituan_yuefu, douyin_yuefu: online_platform;
                           weilidai, webank, mybank: bank; auto_finance: auto_finance; bank
                           cards credit_card_issuer .6 / bank .4; other bank loans bank .9 /
                           credit_union .1
limit history              revolving lines (not not_activated): the opening limit (initiator
                           unknown), then 0-3 changes (P(1+) .45, P(2+) .2, P(3+) .08) at
                           uniform dates: increases x1.1-1.6 (p .8, .4 after delinquency;
                           consumer 30%, else platform_policy) or decreases x0.5-0.9
                           (lender_risk after delinquency, lender_inactivity with no
                           balance, else platform_policy); the last entry is the current
                           limit. **Platform cut**: after a revolving line closed in the last
                           year, each other open revolving line is cut by the platform
                           (platform_policy, from 1.25-2x its current limit) within 90 days
                           with p .25, independently of ``z``
inquiries                  institution type by kind (loan_approval: bank .45, consumer
                           finance .2, microloan .15, online platform .2; card_approval:
                           card issuer .7 / bank .3; post_loan: bank .5, consumer finance
                           .25, online platform .15, microloan .1; guarantee_check: guarantee
                           company / bank .5 each; other: other; self: none;
                           financing_approval: bank .7, leasing .15, guarantee company .15);
                           a self-employed subject's loan approvals are financing_approval
                           (hard) with p .3; added soft reasons, Poisson
                           over 24 months (at most 3 each): pre_insurance_review .15,
                           credit_review .10, executive_review .02 (.5 self-employed),
                           admission_review .12, merchant_review .03, dispute_check .01
guarantees                 Poisson(.06 + .35 self-employed + .04 age 35+), at most 4; of an
                           enterprise with p .75 self-employed (.2 otherwise), else a
                           person; amount lognormal (median 300,000 / 80,000, σ .8); began
                           0-8 years ago, runs 1-5 years; ended: closed, balance 0, normal;
                           running: balance U(.2, 1) x amount, substandard / doubtful / loss
                           (equally) with p σ(-2.6 - 0.9 z) and an overdue amount, else
                           special_mention .06 / normal
public records             p σ(-3.9 - 1.1 z + .5 self-employed), then 1 + Poisson(.3) (at
                           most 3) in the last 5 years: civil_judgment .30, enforcement .22,
                           tax_arrears .15, administrative_penalty .15, dishonest_debtor
                           .10, bankruptcy .03, other .05; open .45 (dishonest_debtor .7),
                           else satisfied 73% / closed 27%
=========================  ===================================================================

The v2 ground truth adds these terms to the log-odds of the subject's v1 profile (the
intercept and ``r`` stay as above, so a v2 portfolio's default rate is somewhat higher, about
7.5% against 7% at the default intercept):

=============================  ===============================================================
Term                           Contribution to the log-odds
=============================  ===============================================================
public records                 ``+0.6`` with an open record in 5 years, ``+0.25`` with records
                               none of them open
troubled guarantee             ``+0.4`` if a guarantee with a balance is substandard or worse
overdue now                    ``+0.5`` if an account has ``current_overdue_periods`` >= 1
restructured                   ``+0.3`` for a restructuring or extension in 24 months
=============================  ===============================================================

The history's worst symbol, the classifications and the v2 statuses add nothing beyond the v1
terms they restate (the worst DPD, 连三累六, abnormal ends ...); limit histories, institution
types, liabilities, the new inquiry reasons and closure kinds have no effect on ``p``.

Enterprises (:func:`generate_enterprises`): 1 + min(3, Poisson(.8)) principals per company,
the subjects of a v2 portfolio of the same seed in order, the first the legal representative
(role since 2-10 years, or the last 2 years with p .15: a recent change); shareholders .6,
guarantors .25 (no stake), actual controllers .15; stakes 30-90% of what is left. Facilities:
1 + Poisson(1.2) (at most 6) business loans .55, overdrafts .25, instalment loans .2, from a
bank, limit around 500,000; delinquent with p min(.9, 1.5 p_rep) (``p_rep`` the legal
representative's true default probability), a run of 1 + Geometric(.5) months (at most 12),
overdue now with p .3 (status ``overdue``, classification by periods as above); the summaries
are derived from the history. External guarantees Poisson(.6) (substandard with p min(.9,
2 p_rep)); a public record (tax arrears or civil judgment) with p min(.9, .04 + p_rep);
``overdue_interest`` from the overdue facilities, ``advances`` with p min(.5, p_rep). There is
no company outcome.

.. versionadded:: 0.1.0
.. versionchanged:: Unreleased
   Contract v2 detail (``contract_version=2``) and :func:`generate_enterprises`.
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
    "MAX_ENTERPRISES",
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

        Each line is ``{"profile": {...profile...}, "outcome": 0 or 1, "as_of":
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
            on it. v2 generation takes about 3 times as long as v1
            (``benchmarks/bench_synth.py``).

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

    Strict: every line must be one JSON object with exactly the keys ``profile`` (a v1 or v2
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
