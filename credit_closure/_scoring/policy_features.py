"""The features default policy v2 reads (issue 15, items 1 and 4 to 8), beside the v1 ones.

They are appended to :data:`credit_closure._scoring.features.FEATURES` (:data:`POLICY_FEATURES`)
and computed in the same pass over the accounts as the v1 features
(``credit_closure._scoring.features._extract_pass``, its ``policy`` parts, with the helpers of this
module): the v1 features and their numbers do not change. The columnar twin is
:func:`credit_closure._columnar.policy_engine.policy_features` (numpy; the compiled engine reads
its result).

Definitions (the feature descriptions below are what ``docs/features.md`` shows):

- ``util_revolving``: one utilization with no switch of definition. Numerator: balances of
  revolving lines (:data:`~credit_closure._contract.enums.REVOLVING_PRODUCTS`) that are open,
  stopped or frozen, plus the balance still owed on ended revolving lines. Denominator: limits of
  the drawable open lines, plus the balance of every line that cannot be drawn
  (:data:`~credit_closure._contract.enums.UNDRAWABLE_STATUSES`: suspended, frozen, stopped; and
  ended lines) while it owes: such a line counts as fully used, its unused limit relieving
  nothing (LENDER-UI; FICO is reported to keep a closed line's last limit, SOC-PAPERNO,
  CC-CLOSED-BAL, which would let a balance still owed lower utilization). Capped at 1.0.
  ``NaN`` when nothing is counted. Closing a line with nothing owed only takes its limit out:
  the value goes up or stays, never down; owing on a line that cannot be drawn never lowers it.
- Credit inquiries: 贷款审批, 信用卡审批, 担保资格审查 and 融资审批 (the kinds themselves, not their
  v1 equivalents: 保前审查, scored as a guarantee check by v1, is an insurer's soft query); the
  ``us`` jurisdiction counts loan-type inquiries (loan and financing approvals) within 45 days of
  the first of a run once (FICO rate shopping, practitioner knowledge: the contract cannot tell a
  mortgage or auto loan from another loan, so every loan-type inquiry is treated so; card and
  guarantee inquiries are never merged).
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from credit_closure._contract.enums import (
    UNDRAWABLE_STATUSES,
    ClosureKind,
    InquiryKind,
    TerminationKind,
)
from credit_closure._scoring.feature_spec import FeatureSpec

if TYPE_CHECKING:
    from credit_closure._contract.model import CreditProfile

__all__ = [
    "CREDIT_INQUIRY_KINDS",
    "POLICY_FEATURES",
    "RATE_SHOPPING_DAYS",
    "RATE_SHOPPING_KINDS",
    "SETTLEMENT_KINDS",
    "US_RETENTION_MONTHS",
]

POLICY_FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec(
        "util_revolving",
        "ratio",
        "as_of",
        "up",
        "Revolving utilization with one definition: balances of open, stopped and frozen "
        "revolving lines and of ended lines still owing, over the limits of the drawable open "
        "lines plus the balance of each line that cannot be drawn (stopped, frozen 止付 / 冻结, "
        "or ended) while it owes: such a line counts as fully used, its unused limit relieves "
        "nothing. Capped at 1 (100 %). NaN when nothing is counted. Closing a line with nothing "
        "owed never lowers it, and owing on a line that cannot be drawn never lowers it "
        "(default policy v2).",
        "FICO-BLOG-CLOSE, SOC-PAPERNO, LENDER-UI, DS-UTIL (F1, v2)",
        reason="UTILIZATION_HIGH",
        exact_sum=True,
    ),
    FeatureSpec(
        "util_revolving_max_line",
        "ratio",
        "as_of",
        "up",
        "Highest utilization of a single drawable open revolving line (not capped).",
        "DS-UTIL (F2, v2)",
        reason="LINE_UTILIZATION_HIGH",
    ),
    FeatureSpec(
        "no_open_revolving",
        "flag",
        "as_of",
        "up",
        "1 when the file has accounts but no open, drawable revolving line (a stopped or "
        "frozen line does not count; a file of loans only counts, as FICO's lack of revolving "
        "information does), 0 when it has one; NaN for a file with no account (the thin-file "
        "rules handle it).",
        "FICO-CAT, LENDER-UI (INFERENCE, v2)",
        reason="NO_OPEN_REVOLVING",
    ),
    FeatureSpec(
        "n_revolving_closures_12m",
        "count",
        "12 months",
        "?",
        "Closures of revolving lines (Huabei/Jiebei-type, cash lines, cards, overdrafts) by "
        "any initiator; a closure whose event says the loan was settled (结清 / 提前结清) is "
        "not counted.",
        "article claim only (F5, v2)",
        reason="MANY_CLOSURES",
        closure_act=True,
    ),
    FeatureSpec(
        "n_revolving_closures_24m",
        "count",
        "24 months",
        "?",
        "Closures of revolving lines by any initiator, settlements excluded.",
        "article claim only (F5, v2)",
        reason="MANY_CLOSURES",
        closure_act=True,
    ),
    FeatureSpec(
        "n_delinquent_closures_24m",
        "count",
        "24 months",
        "up",
        "Closures (any product) that followed 30+ days past due: worst_dpd_6m_before of the "
        "closure event, else the closed account's worst_dpd_24m, as dpd_before_closure reads "
        "them; unknown counts as none.",
        "EXP-CLOSED (F8, v2)",
        reason="CLOSED_AFTER_DELINQUENCY",
    ),
    FeatureSpec(
        "credit_inquiries_3m",
        "count",
        "3 months",
        "up",
        "Credit inquiries: loan, card and financing approvals and guarantee-qualification "
        "reviews (贷款审批 / 信用卡审批 / 融资审批 / 担保资格审查); post-loan, self and every "
        "other query never. Jurisdiction us: loan-type inquiries within 45 days count once.",
        "FICO-CODES 08, LKL-4084 (F16, v2)",
        reason="RECENT_INQUIRIES",
    ),
    FeatureSpec(
        "credit_inquiries_6m",
        "count",
        "6 months",
        "up",
        "Credit inquiries (as credit_inquiries_3m).",
        "FICO-CODES 08, LKL-4084 (F16, v2)",
        reason="TOO_MANY_INQUIRIES",
    ),
    FeatureSpec(
        "credit_inquiries_12m",
        "count",
        "12 months",
        "up",
        "Credit inquiries (as credit_inquiries_3m).",
        "FICO-CODES 08 (F16, v2)",
        reason="RECENT_INQUIRIES",
    ),
    FeatureSpec(
        "n_adverse_endings_retained",
        "count",
        "retention (policy header)",
        "up",
        "n_adverse_endings with the policy's retention clock: closed_on (the closing date, as "
        "n_adverse_endings); end_of_bad_act (an ending still owing has not ended and always "
        "counts, a paid one from the later of its closing and its last payment); jurisdiction "
        "us: 84 months from first_delinquency_on, else from the closing date.",
        "PBOC-CONF, ZX-TIAOLI Art.16, EXP-CLOSED (F9, v2)",
        reason="ABNORMAL_TERMINATION",
    ),
    FeatureSpec(
        "worst_dpd_24m",
        "days",
        "24 months",
        "up",
        "Worst days past due known from all sources: account summaries (worst_dpd_24m), the "
        "monthly repayment history (the days its worst symbol proves) and the delinquency "
        "recorded on closure events of the window (worst_dpd_6m_before).",
        "FICO-CODES 02, PBOC-CONF (F14, v2)",
        reason="DELINQUENCY_LEVEL",
    ),
)

#: The inquiry kinds the credit inquiries count (the kinds themselves, not their v1 mapping).
CREDIT_INQUIRY_KINDS = frozenset(
    {
        InquiryKind.LOAN_APPROVAL,
        InquiryKind.CARD_APPROVAL,
        InquiryKind.GUARANTEE_CHECK,
        InquiryKind.FINANCING_APPROVAL,
    }
)
#: Jurisdiction ``us``: the loan-type kinds merged when within :data:`RATE_SHOPPING_DAYS`.
RATE_SHOPPING_KINDS = frozenset({InquiryKind.LOAN_APPROVAL, InquiryKind.FINANCING_APPROVAL})
#: The length of a rate-shopping run (FICO's newer models; practitioner knowledge).
RATE_SHOPPING_DAYS = 45
#: Closure kinds that are loan settlements, not closures of a line.
SETTLEMENT_KINDS = frozenset({ClosureKind.SETTLEMENT, ClosureKind.EARLY_SETTLEMENT})
#: Jurisdiction ``us``: adverse items are kept 7 years from the first delinquency.
US_RETENTION_MONTHS = 84

_UNDRAWABLE = frozenset(UNDRAWABLE_STATUSES)
_ADVERSE_TERM = frozenset({TerminationKind.ABNORMAL, TerminationKind.BAD_DEBT})


def _count_inquiries(days: list[_dt.date], merge: bool) -> float:
    """The number of inquiries on ``days``; with ``merge``, one per rate-shopping run (a run
    starts at an inquiry and takes every later one less than 45 days after that start)."""
    if not merge:
        return float(len(days))
    n = 0.0
    start: _dt.date | None = None
    for d in sorted(days):
        if start is None or (d - start).days >= RATE_SHOPPING_DAYS:
            start = d
            n += 1.0
    return n


def _retained(
    acc: Any,
    ev: Any,
    charged: bool,
    day: _dt.date | None,
    owed: float | None,
    config: Any,
    d_ret: _dt.date,
    d_us: _dt.date,
) -> bool:
    """Whether an adverse ending still counts under the retention clock of ``config``."""
    if config.jurisdiction == "us":
        start = acc.first_delinquency_on if acc.first_delinquency_on else day
        return start is None or start > d_us
    if config.retention_clock == "end_of_bad_act" and owed is not None:
        end = day
        paid = acc.last_payment_on
        if paid is not None and (end is None or paid > end):
            end = paid
        return owed > 0 or end is None or end > d_ret
    # closed_on: exactly n_adverse_endings
    if charged and (acc.closed_on is None or acc.closed_on > d_ret):
        return True
    return ev is not None and ev.termination in _ADVERSE_TERM and ev.closed_on > d_ret


def _inquiries(
    profile: CreditProfile, d3: _dt.date, d6: _dt.date, d12: _dt.date, us: bool
) -> tuple[float, float, float]:
    """credit_inquiries_3m, _6m and _12m with rate-shopping runs merged (``us``; elsewhere
    ``features._extract_pass`` counts them plainly: the same whole numbers with no run to merge)."""
    runs: tuple[list[_dt.date], list[_dt.date], list[_dt.date]] = ([], [], [])
    counts = [0.0, 0.0, 0.0]
    for q in profile.inquiries:
        if q.kind in CREDIT_INQUIRY_KINDS and q.on > d12:
            d = q.on
            merge = us and q.kind in RATE_SHOPPING_KINDS
            for k, start in enumerate((d12, d6, d3)):
                if d > start:
                    if merge:
                        runs[k].append(d)
                    else:
                        counts[k] += 1.0
    c12, c6, c3 = (counts[k] + _count_inquiries(runs[k], True) for k in range(3))
    return c3, c6, c12
