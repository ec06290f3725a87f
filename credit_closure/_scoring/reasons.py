"""The reason-code catalog: one stable code per scored factor, in English and Chinese.

Codes describe the factor that was actually scored, specifically (Reg B 9(b)(2)-2/-4
[REGB-INTERP]); none is "internal policy" or "failed to reach a qualifying score"
[CFPB-2023-03]. No code says "account closed": a closure moves risk only through what comes
with it (FICO-CODES has no closure code either; it surfaces through codes 10, 12, 14, 16).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from credit_closure._scoring.features import FEATURE_REASONS

__all__ = ["FEATURE_REASON", "REASONS", "ReasonText", "bin_reason_text", "reason_text"]


class ReasonText(NamedTuple):
    """The English and Chinese text of a reason code."""

    en: str
    zh: str


REASONS: dict[str, ReasonText] = {
    # -- credit factors ---------------------------------------------------------------------
    "UTILIZATION_HIGH": ReasonText(
        "Proportion of balances to credit limits on revolving accounts is too high",
        "循环授信账户已用额度占授信总额的比例过高",
    ),
    "LINE_UTILIZATION_HIGH": ReasonText(
        "A revolving account is at or near its credit limit",
        "有循环授信账户的已用额度接近或达到上限",
    ),
    "LIMIT_LOST_TO_CLOSURES": ReasonText(
        "Available credit reduced by recently closed revolving accounts",
        "近期关闭的循环授信账户减少了可用额度",
    ),
    "CLOSED_WITH_BALANCE": ReasonText(
        "Balance still owed on a closed account", "已关闭的账户仍有欠款未还清"
    ),
    "CLOSED_BY_LENDER_RISK": ReasonText(
        "Account closed by the lender for risk reasons", "有账户因风险原因被放贷机构关闭"
    ),
    "CLOSED_BY_LENDER": ReasonText(
        "Accounts recently closed by lenders or platforms", "近期有账户被放贷机构或平台关闭"
    ),
    "ABNORMAL_TERMINATION": ReasonText(
        "Abnormal termination, bad debt, charge-off or transfer on file in the last 5 years",
        "近5年内有征信状态为“结束”（G）或“呆账”（B）的账户，或有核销、转出记录",
    ),
    "CLOSED_AFTER_DELINQUENCY": ReasonText(
        "Account closed after a recent delinquency", "有账户在逾期后不久关闭或结清"
    ),
    "SERIOUS_DELINQUENCY_PATTERN": ReasonText(
        "Overdue 3 months in a row or 6 months in total in the last 24 months",
        "近24个月内有连续3个月或累计6个月逾期（连三累六）",
    ),
    "DELINQUENCY_LEVEL": ReasonText(
        "Level of delinquency on accounts in the last 24 months", "近24个月内账户逾期程度较高"
    ),
    "DELINQUENT_ACCOUNTS": ReasonText(
        "Number of accounts with delinquency in the last 24 months",
        "近24个月内有逾期记录的账户数较多",
    ),
    "TOO_MANY_INQUIRIES": ReasonText(
        "Too many loan or card application inquiries in the last 6 months",
        "近6个月贷款审批及信用卡审批查询次数过多",
    ),
    "RECENT_INQUIRIES": ReasonText(
        "Number of recent loan or card application inquiries",
        "近期贷款审批及信用卡审批查询次数较多",
    ),
    "SHORT_CREDIT_HISTORY": ReasonText(
        "Length of time accounts have been established", "信用账户建立时间较短"
    ),
    "SHORT_OPEN_HISTORY": ReasonText(
        "Length of time open accounts have been established", "在用信用账户建立时间较短"
    ),
    "MANY_CLOSURES": ReasonText("Number of accounts closed recently", "近期关闭或结清的账户数较多"),
    "RECENT_CLOSURE": ReasonText(
        "Short time since the most recent account closure", "距最近一次关闭或结清账户的时间较短"
    ),
    "CLOSED_SHARE": ReasonText(
        "Proportion of closed accounts among all accounts is high",
        "已关闭或结清的账户占全部账户的比例较高",
    ),
    "FEW_OPEN_ACCOUNTS": ReasonText("Too few open accounts", "在用账户数较少"),
    "POST_CLOSURE_ACTIVITY": ReasonText("Activity on a closed account", "已关闭的账户上出现活动"),
    "NO_OPEN_REVOLVING": ReasonText(
        "No open revolving credit line", "无在用的循环授信额度"
    ),  # default policy v2 (issue 15, item 8)
    "RECENT_DELINQUENCY": ReasonText(
        "Short time since the most recent delinquency", "距最近一次逾期的时间较短"
    ),
    "OVERDUE_NOW": ReasonText("Amount past due on accounts now", "当前有账户逾期未还"),
    "LOAN_CLASSIFICATION": ReasonText(
        "A loan is classified special mention or worse (five-level classification)",
        "有贷款五级分类为关注或更差",
    ),
    "GUARANTEE_LIABILITY": ReasonText(
        "Guarantees given for others' debts: amount outstanding or adverse status",
        "为他人债务提供的担保余额较高或状态不良",
    ),
    "GUARANTOR_COMPENSATION": ReasonText(
        "Debt repaid by a guarantor or with assets, or reduced, in the last 5 years",
        "近5年内有担保人代偿、以资抵债或债务减免记录",
    ),
    "PUBLIC_RECORD": ReasonText(
        "Public record on file (dishonest debtor, enforcement, judgment, tax arrears, "
        "penalty or bankruptcy)",
        "有公共记录（失信被执行人、强制执行、民事判决、欠税、行政处罚或破产）",
    ),
    "ONLINE_LENDERS": ReasonText(
        "High proportion of accounts with online lenders or microloan companies",
        "网络借贷平台及小额贷款公司账户占比较高",
    ),
    "UNDRAWABLE_LIMITS": ReasonText(
        "Credit limits frozen or stopped", "有循环授信额度被冻结或止付"
    ),
    # -- triggers (decisions, not credit factors) -----------------------------------------------
    "FREQUENT_CLOSURES_REVIEW": ReasonText(
        "Several accounts closed in a short time: referred for review by a person",
        "短期内关闭了多个账户：转人工审核",
    ),
    "SECURITY_VERIFICATION": ReasonText(
        "Contact details changed near a closure with later activity or a reopen request: "
        "verify identity out of band",
        "账户关闭前后联系方式有变更，且随后出现活动或重开申请：需通过其他渠道核实身份",
    ),
    "UNSCORABLE_FILE": ReasonText(
        "No open tradeline and none with a known age on file: not enough to score, "
        "referred for review",
        "没有在用信贷账户，也没有可确定开立时间的信贷账户：信息不足以评分，转人工审核",
    ),
    "THIN_FILE": ReasonText(
        "Oldest tradeline opened less than 6 months ago: too little history to score, "
        "referred for review",
        "最早的信贷账户开立不足6个月：信用记录不足以评分，转人工审核",
    ),
    "CURRENT_OVERDUE": ReasonText(
        "A major principal has an amount past due now: referred for review",
        "主要相关自然人当前有逾期未还：转人工审核",
    ),
    "GUARANTEES_HIGH": ReasonText(
        "Guarantees the company gave are large against its own facilities: referred for review",
        "企业对外担保余额相对其自身授信过高：转人工审核",
    ),
    "GUARANTEE_ADVERSE": ReasonText(
        "A debt the company guarantees is overdue or non-performing: referred for review",
        "企业担保的债务已逾期或为不良（次级、可疑、损失）：转人工审核",
    ),
    "SECURITY_ALERT": ReasonText(
        "Activity or a reopen request on a closed account: monitored, no effect on credit",
        "已关闭的账户出现活动或重开申请：仅作监控提示，不影响信用评估",
    ),
}

#: The reason code that explains each feature, for scorers that score features directly.
#: Derived from ``FeatureSpec.reason`` (:data:`credit_closure._scoring.features.FEATURES`, the
#: one place a feature's reason code is written).
FEATURE_REASON: dict[str, str] = dict(FEATURE_REASONS)
_unknown = sorted(set(FEATURE_REASON.values()) - set(REASONS))
if _unknown:  # pragma: no cover - a guard for future edits of FEATURES
    raise RuntimeError(f"FeatureSpec.reason codes missing from REASONS: {_unknown}")
del _unknown


def reason_text(code: str, extra: Mapping[str, ReasonText] | None = None) -> ReasonText | None:
    """The text of ``code`` from ``extra`` (a scorer's own table) or the catalog."""
    if extra is not None and code in extra:
        return extra[code]
    return REASONS.get(code)


def bin_reason_text(
    factors: Sequence[Any], code: str, by_bin: Mapping[tuple[str, str, str], ReasonText]
) -> ReasonText | None:
    """The per-bin text of the reason ``code``: that of the bin of the input that lost the
    most points under ``code`` (the first such on a tie), when that bin has one. ``by_bin``
    maps ``(code, input name, bin label)`` to a text (a scorecard's
    ``reason_texts.by_bin``); a scorecard's factor carries its input's name and bin label."""
    worst = None
    for f in factors:
        if f.code == code and f.points < 0 and (worst is None or f.points < worst.points):
            worst = f
    if worst is None or not isinstance(worst.value, str):
        return None
    return by_bin.get((code, worst.feature, worst.value))
