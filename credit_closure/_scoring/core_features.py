"""The specifications of the features every engine computes from a contract v1 profile
(the first block of :data:`credit_closure._scoring.features.FEATURES`, in that order): what each
means, its unit, window, direction of risk, reason code and sources. ``docs/features.md`` is
generated from them (``tools/gen_docs.py``); :func:`credit_closure._scoring.features.extract`
computes them.
"""

from __future__ import annotations

from credit_closure._scoring.feature_spec import FeatureSpec

__all__ = ["CORE_FEATURES"]

CORE_FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec(
        "util_total",
        "ratio",
        "as_of",
        "up",
        "Balances owed on revolving lines (Huabei-type, Jiebei-type, cards), closed lines "
        "still carrying a balance included, over the limits of the open lines. A closed "
        "line's balance still counts [SOC-PAPERNO], but its limit, which can never be "
        "drawn again, does not relieve utilization (more conservative than FICO's use of "
        "the last limit; 未销户 utilization as Chinese lenders read it [LENDER-UI]). With "
        "no open line, the highest utilization of a closed line with a balance, at its "
        "last limit.",
        "FICO-BLOG-CLOSE, SOC-PAPERNO, LENDER-UI (F1)",
        reason="UTILIZATION_HIGH",
        exact_sum=True,
    ),
    FeatureSpec(
        "util_max_line",
        "ratio",
        "as_of",
        "up",
        "Highest utilization of any single revolving line: open lines, and closed lines "
        "with a balance at their last limit.",
        "DS-UTIL (F2)",
        reason="LINE_UTILIZATION_HIGH",
    ),
    FeatureSpec(
        "util_delta_closure",
        "ratio",
        "12 months",
        "up",
        "util_total minus what it would be had the revolving lines closed in the window "
        "with no balance stayed open at their last limit.",
        "FICO-BLOG-CLOSE, VS-MYTH (F3)",
        reason="LIMIT_LOST_TO_CLOSURES",
        exact_sum=True,
    ),
    FeatureSpec(
        "lost_limit_share_12m",
        "ratio",
        "12 months",
        "up",
        "Limits of revolving lines closed in the window / (limits open now + those closed limits).",
        "FICO-BLOG-CLOSE (F4, INFERENCE)",
        reason="LIMIT_LOST_TO_CLOSURES",
        exact_sum=True,
    ),
    FeatureSpec(
        "n_consumer_closures_12m",
        "count",
        "12 months",
        "?",
        "Closures initiated by the consumer.",
        "article claim only (F5)",
        reason="MANY_CLOSURES",
        closure_act=True,
    ),
    FeatureSpec(
        "n_consumer_closures_24m",
        "count",
        "24 months",
        "?",
        "Closures initiated by the consumer.",
        "article claim only (F5)",
        reason="MANY_CLOSURES",
        closure_act=True,
    ),
    FeatureSpec(
        "n_lender_closures_12m",
        "count",
        "12 months",
        "up",
        "Closures by the lender or platform (risk, inactivity, policy, regulator).",
        "METRO2-SC",
        reason="CLOSED_BY_LENDER",
    ),
    FeatureSpec(
        "n_lender_closures_24m",
        "count",
        "24 months",
        "up",
        "Closures by the lender or platform (risk, inactivity, policy, regulator).",
        "METRO2-SC",
        reason="CLOSED_BY_LENDER",
    ),
    FeatureSpec(
        "n_lender_risk_closures_24m",
        "count",
        "24 months",
        "up",
        "Closures by the lender for risk (initiator lender_risk or reason lender_risk_control).",
        "METRO2-SC, RF-26 4d (F6)",
        reason="CLOSED_BY_LENDER_RISK",
    ),
    FeatureSpec(
        "closed_with_balance_amt",
        "currency",
        "as_of",
        "up",
        "Balance still owed on ended accounts (current balance, else the balance at closure).",
        "CC-CLOSED-BAL, SOC-PAPERNO (F7)",
        reason="CLOSED_WITH_BALANCE",
        exact_sum=True,
    ),
    FeatureSpec(
        "dpd_before_closure",
        "flag",
        "24 months",
        "up",
        "1 when a closure in the window followed 30+ days past due in the 6 months "
        "before it (worst_dpd_6m_before; when unknown, the closed account's "
        "worst_dpd_24m is used as a proxy).",
        "EXP-CLOSED (F8, INFERENCE window)",
        reason="CLOSED_AFTER_DELINQUENCY",
    ),
    FeatureSpec(
        "n_abnormal_terminations",
        "count",
        "retention (60 months)",
        "up",
        "Accounts that ended abnormally (G), as bad debt (B), charged off or "
        "transferred, inside the retention window; an ended account with no date "
        "counts (it is still on file).",
        "PBOC-CONF, ZX-TIAOLI Art.16 (F9)",
        reason="ABNORMAL_TERMINATION",
    ),
    FeatureSpec(
        "months_since_last_closure",
        "months",
        "as_of",
        "?",
        "Months since the most recent closure.",
        "INFERENCE (F10)",
        reason="RECENT_CLOSURE",
        closure_act=True,
    ),
    FeatureSpec(
        "age_oldest_months",
        "months",
        "as_of",
        "down",
        "Age of the oldest tradeline still on file, open or closed.",
        "FICO-CAT, FICO-HIGH (F11)",
        reason="SHORT_CREDIT_HISTORY",
    ),
    FeatureSpec(
        "age_avg_months_incl_closed",
        "months",
        "as_of",
        "down",
        "Average age of all tradelines, closed ones included (FICO treatment).",
        "CC-AGE, DOC-AAOA (F12)",
        reason="SHORT_CREDIT_HISTORY",
        exact_sum=True,
    ),
    FeatureSpec(
        "age_avg_months_open_only",
        "months",
        "as_of",
        "down",
        "Average age of open tradelines only (a VantageScore-like treatment).",
        "CC-AGE, DOC-AAOA (F12)",
        reason="SHORT_OPEN_HISTORY",
        exact_sum=True,
    ),
    FeatureSpec(
        "closed_share",
        "ratio",
        "as_of",
        "?",
        "Ended tradelines / all tradelines.",
        "LC-DICT (F13)",
        reason="CLOSED_SHARE",
        closure_act=True,
    ),
    FeatureSpec(
        "max_dpd_24m",
        "days",
        "24 months",
        "up",
        "Worst days past due on any account.",
        "FICO-CODES 02 (F14)",
        reason="DELINQUENCY_LEVEL",
    ),
    FeatureSpec(
        "n_delinquent_accounts_24m",
        "count",
        "24 months",
        "up",
        "Accounts with 30+ days past due.",
        "FICO-CODES 18 (F14)",
        reason="DELINQUENT_ACCOUNTS",
    ),
    FeatureSpec(
        "lian3lei6_24m",
        "flag",
        "24 months",
        "up",
        "连三累六: 1 when an account was overdue 3 consecutive months, or overdue months "
        "add up to 6 across accounts.",
        "LKL-4084, LSLL (F15)",
        reason="SERIOUS_DELINQUENCY_PATTERN",
    ),
    FeatureSpec(
        "hard_inquiries_3m",
        "count",
        "3 months",
        "up",
        "Loan and card approval inquiries (贷款审批 / 信用卡审批).",
        "FICO-CODES 08 (F16)",
        reason="RECENT_INQUIRIES",
    ),
    FeatureSpec(
        "hard_inquiries_6m",
        "count",
        "6 months",
        "up",
        "Loan and card approval inquiries.",
        "FICO-CODES 08, LKL-4084 (F16)",
        reason="TOO_MANY_INQUIRIES",
    ),
    FeatureSpec(
        "hard_inquiries_12m",
        "count",
        "12 months",
        "up",
        "Loan and card approval inquiries.",
        "FICO-CODES 08 (F16)",
        reason="RECENT_INQUIRIES",
    ),
    FeatureSpec(
        "n_deleveraging_closures_12m",
        "count",
        "12 months",
        "down",
        "Consumer closures to reduce debt, paid off (balance 0), normal termination, "
        "no 30+ days past due before closing.",
        "article claim; INFERENCE (R8)",
        reason="MANY_CLOSURES",
        closure_act=True,
    ),
    FeatureSpec(
        "n_open_accounts",
        "count",
        "as_of",
        "?",
        "Open or suspended tradelines.",
        "LENDER-UI",
        reason="FEW_OPEN_ACCOUNTS",
    ),
    FeatureSpec(
        "post_closure_activity",
        "count",
        "security lookback (180 days)",
        "up",
        "Transactions, logins and limit changes on closed accounts after closure.",
        "RF-26 flag 22 (F20)",
        reason="POST_CLOSURE_ACTIVITY",
        needs_activity=True,
    ),
    FeatureSpec(
        "reopen_requests",
        "count",
        "security lookback (180 days)",
        "up",
        "Reopen requests on closed accounts.",
        "RF-26, CFR681 (F20)",
        reason="POST_CLOSURE_ACTIVITY",
        needs_activity=True,
    ),
    FeatureSpec(
        "contact_change_near_closure",
        "flag",
        "security lookback (180 days)",
        "up",
        "A contact change within 30 days of a closure.",
        "RF-26 flag 19, CFR681 (F19)",
        reason="POST_CLOSURE_ACTIVITY",
        needs_activity=True,
    ),
    FeatureSpec(
        "n_adverse_endings",
        "count",
        "retention (60 months)",
        "up",
        "Accounts that ended as bad debt (B) or were charged off, or ended abnormally (G) "
        "by their closure event's termination, inside the retention window; an ended "
        "account with no date counts. Unlike n_abnormal_terminations, a transfer (转出) "
        "alone is not an abnormal ending: a transferred account counts only when its "
        "closure event says abnormal or bad debt (default policy v2).",
        "PBOC-CONF, ZX-TIAOLI Art.16 (F9, v2)",
        reason="ABNORMAL_TERMINATION",
    ),
    FeatureSpec(
        "security_verification",
        "flag",
        "security lookback (180 days) of the completing record",
        "up",
        "1 when a contact change within 30 days of a closure is followed by a transaction "
        "on a closed account or a reopen request, that record inside the look-back of "
        "as_of (a login alone never counts). Read for a referral only, never for points "
        "(default policy v2).",
        "RF-26 flags 19 and 22, CFR681 (F19, v2)",
        reason="POST_CLOSURE_ACTIVITY",
        needs_activity=True,
    ),
)
