"""The contract's closed vocabularies: string-valued enums whose values are the JSON codes.

Each enum's ``str()`` is its JSON value. :data:`REVOLVING_PRODUCTS` and
:data:`HARD_INQUIRY_KINDS` are the two groupings the features use. Re-exported by
:mod:`credit_closure._contract.model` (and the enums by the package itself).

Contract v2 appends members to the v1 enums (never reorders them: the columnar codes are the
definition order) and adds new vocabularies. Every v2 member of a v1 enum has a *scoring
equivalent*, the v1 member whose treatment it gets in every engine until features read the
new detail (:data:`V1_STATUS`, :data:`V1_INITIATOR`, :data:`V1_INQUIRY_KIND`; documented in
``docs/json-contract.md``, "Contract v2").
"""

from __future__ import annotations

import enum

__all__ = [
    "AccountStatus",
    "ClosureKind",
    "GuaranteedParty",
    "InstitutionType",
    "LiabilityType",
    "LoanClassification",
    "PublicRecordKind",
    "PublicRecordStatus",
    "SpecialTransactionKind",
    "V1_INITIATOR",
    "V1_INQUIRY_KIND",
    "V1_STATUS",
    "ActivityKind",
    "ClosureInitiator",
    "ClosureReason",
    "HARD_INQUIRY_KINDS",
    "InquiryKind",
    "PrincipalRole",
    "ProductType",
    "REVOLVING_PRODUCTS",
    "TerminationKind",
    "UNDRAWABLE_STATUSES",
]


# --------------------------------------------------------------------------------------
# Enums
# --------------------------------------------------------------------------------------
class _StrEnum(str, enum.Enum):
    """A string-valued enum whose ``str()`` is its JSON value."""

    def __str__(self) -> str:
        return str(self.value)


class ProductType(_StrEnum):
    """What kind of credit an account is."""

    REVOLVING_CONSUMER = "revolving_consumer"  #: Huabei-type revolving consumer line
    CASH_LOAN = "cash_loan"  #: Jiebei-type cash-loan line
    CREDIT_CARD = "credit_card"
    INSTALLMENT = "installment"
    MORTGAGE = "mortgage"
    BUSINESS_LOAN = "business_loan"
    OTHER = "other"
    # ---- v2 ----
    OVERDRAFT = "overdraft"  #: v2: overdraft line / 准贷记卡 (revolving)
    BNPL = "bnpl"  #: v2: per-purchase instalment, buy-now-pay-later (not revolving)


#: Products whose limit can be drawn again: they count in utilization.
REVOLVING_PRODUCTS = frozenset(
    {
        ProductType.REVOLVING_CONSUMER,
        ProductType.CASH_LOAN,
        ProductType.CREDIT_CARD,
        ProductType.OVERDRAFT,
    }
)


class AccountStatus(_StrEnum):
    """The account's latest status, as the PBoC report shows it."""

    OPEN = "open"
    CLOSED = "closed"  #: 销户 / 结清
    CHARGED_OFF = "charged_off"  #: 呆账
    TRANSFERRED = "transferred"  #: 转出
    SUSPENDED = "suspended"  #: 止付 / 冻结
    # ---- v2 (scoring equivalent in V1_STATUS) ----
    FROZEN = "frozen"  #: v2: 冻结, the line cannot be drawn (scored as suspended)
    STOPPED = "stopped"  #: v2: 止付 / 银行止付, payments stopped, no draws (scored as suspended)
    NOT_ACTIVATED = (
        "not_activated"  #: v2: 未激活, a card issued but never activated (scored as open)
    )
    OVERDUE = "overdue"  #: v2: 逾期, running with an amount past due (scored as open)
    COLLATERAL_SHORTFALL = "collateral_shortfall"  #: v2: 担保物不足 (scored as open)
    JUDICIAL_RECOVERY = (
        "judicial_recovery"  #: v2: 司法追偿, the creditor sued (scored as charged_off)
    )
    FORCED_LIQUIDATION = (
        "forced_liquidation"  #: v2: 强制平仓, ended by selling collateral (scored as transferred)
    )


class ClosureInitiator(_StrEnum):
    """Who closed the account."""

    CONSUMER = "consumer"
    LENDER_RISK = "lender_risk"
    LENDER_INACTIVITY = "lender_inactivity"
    PLATFORM_POLICY = "platform_policy"
    REGULATOR = "regulator"
    UNKNOWN = "unknown"
    # ---- v2 (scored as unknown: neither a consumer's nor a lender's closure) ----
    PAID_AS_AGREED = "paid_as_agreed"  #: v2: ran to term and was paid off (结清, Metro 2 status 13)
    REFINANCED = "refinanced"  #: v2: replaced by a new loan (Metro 2 special comment AT / AU)
    TRANSFERRED = "transferred"  #: v2: sold or moved to another creditor (转出, Metro 2 status 05)


class ClosureReason(_StrEnum):
    """Why the account was closed, as far as it is known."""

    REDUCE_DEBT = "reduce_debt"
    SWITCH_PLATFORM = "switch_platform"
    SECURITY_CONCERN = "security_concern"
    PRIVACY = "privacy"
    UNUSED = "unused"
    LENDER_RISK_CONTROL = "lender_risk_control"
    OTHER = "other"
    UNKNOWN = "unknown"


class TerminationKind(_StrEnum):
    """How the account ended, in PBoC repayment symbols."""

    NORMAL = "normal"  #: C, 结清 / normal closure
    ABNORMAL = "abnormal"  #: G, 结束: any termination other than settlement
    BAD_DEBT = "bad_debt"  #: B, 呆账


class InquiryKind(_StrEnum):
    """Why the credit report was queried."""

    LOAN_APPROVAL = "loan_approval"  #: 贷款审批 (hard)
    CARD_APPROVAL = "card_approval"  #: 信用卡审批 (hard)
    GUARANTEE_CHECK = "guarantee_check"  #: 担保资格审查
    POST_LOAN = "post_loan"  #: 贷后管理
    SELF = "self"  #: 本人查询
    OTHER = "other"
    # ---- v2: the rest of the PBoC query reasons (查询原因) ----
    FINANCING_APPROVAL = "financing_approval"  #: v2: 融资审批 (hard, as loan_approval)
    PRE_INSURANCE_REVIEW = "pre_insurance_review"  #: v2: 保前审查 (soft)
    CREDIT_REVIEW = "credit_review"  #: v2: 资信审查 (soft)
    EXECUTIVE_REVIEW = "executive_review"  #: v2: 法人代表、负责人、高管等资信审查 (soft)
    ADMISSION_REVIEW = "admission_review"  #: v2: 客户准入资格审查 (soft)
    MERCHANT_REVIEW = "merchant_review"  #: v2: 特约商户实名审查 (soft)
    DISPUTE_CHECK = "dispute_check"  #: v2: 异议核查 (soft)


#: Inquiry kinds that count as hard inquiries (贷款审批 / 信用卡审批).
HARD_INQUIRY_KINDS = frozenset(
    {InquiryKind.LOAN_APPROVAL, InquiryKind.CARD_APPROVAL, InquiryKind.FINANCING_APPROVAL}
)


class ActivityKind(_StrEnum):
    """A kind of account activity record, used by security monitoring."""

    TRANSACTION = "transaction"
    LOGIN = "login"
    REOPEN_REQUEST = "reopen_request"
    CONTACT_CHANGE = "contact_change"
    LIMIT_CHANGE = "limit_change"


class PrincipalRole(_StrEnum):
    """A person's role towards an enterprise."""

    LEGAL_REPRESENTATIVE = "legal_representative"  #: 法定代表人
    SHAREHOLDER = "shareholder"
    GUARANTOR = "guarantor"
    ACTUAL_CONTROLLER = "actual_controller"  #: 实际控制人


# --------------------------------------------------------------------------------------
# v2 vocabularies
# --------------------------------------------------------------------------------------
class ClosureKind(_StrEnum):
    """v2: what ended: a loan settled (结清) or a line closed (销户 / 关闭)."""

    SETTLEMENT = "settlement"  #: 结清: a loan paid off as agreed (PBoC symbol C; Metro 2 status 13)
    EARLY_SETTLEMENT = "early_settlement"  #: 提前结清: paid off before its term (symbol C)
    LINE_CLOSURE = "line_closure"  #: 销户 / 关闭: a revolving line or card closed


class LoanClassification(_StrEnum):
    """v2: the five-level loan classification (五级分类), best to worst."""

    NORMAL = "normal"  #: 正常
    SPECIAL_MENTION = "special_mention"  #: 关注
    SUBSTANDARD = "substandard"  #: 次级
    DOUBTFUL = "doubtful"  #: 可疑
    LOSS = "loss"  #: 损失


class InstitutionType(_StrEnum):
    """v2: the kind of institution that lends on an account or queried the report."""

    BANK = "bank"  #: 商业银行
    CREDIT_CARD_ISSUER = "credit_card_issuer"  #: a card issuer (a bank's card centre)
    CONSUMER_FINANCE = "consumer_finance"  #: 消费金融公司
    MICROLOAN = "microloan"  #: 小额贷款公司 (online microloan companies included)
    ONLINE_PLATFORM = "online_platform"  #: an internet platform lending with partners
    AUTO_FINANCE = "auto_finance"  #: 汽车金融公司
    TRUST = "trust"  #: 信托公司
    LEASING = "leasing"  #: 融资租赁公司
    GUARANTEE_COMPANY = "guarantee_company"  #: 融资担保公司
    INSURANCE = "insurance"  #: 保险公司
    CREDIT_UNION = "credit_union"  #: 农村信用社 / credit union
    COLLECTION_AGENCY = "collection_agency"  #: a debt buyer or collector
    OTHER = "other"


class LiabilityType(_StrEnum):
    """v2: how the subject is liable for an account (Metro 2 ECOA code in brackets)."""

    INDIVIDUAL = "individual"  #: sole borrower (ECOA 1)
    JOINT = "joint"  #: 共同借款 / joint contractual liability (ECOA 2)
    GUARANTOR = "guarantor"  #: guarantor or co-signer (ECOA 5 / 7)
    AUTHORIZED_USER = "authorized_user"  #: authorized user, not liable (ECOA 3)


class GuaranteedParty(_StrEnum):
    """v2: who a guarantee (相关还款责任) is given for."""

    PERSON = "person"  #: another individual
    ENTERPRISE = "enterprise"  #: a company (the second-generation report shows these)


class SpecialTransactionKind(_StrEnum):
    """v2: the PBoC report's special transactions (特殊交易) on an account."""

    EXTENSION = "extension"  #: 展期
    GUARANTOR_COMPENSATION = "guarantor_compensation"  #: 担保人代偿 (symbol D)
    ASSET_FOR_DEBT = "asset_for_debt"  #: 以资抵债 (symbol Z)
    DEBT_RELIEF = "debt_relief"  #: 债务减免
    RESTRUCTURING = "restructuring"  #: 债务重组 / loan modification
    EARLY_SETTLEMENT = "early_settlement"  #: 提前结清 (all or part)
    JUDICIAL_RECOVERY = "judicial_recovery"  #: 司法追偿
    OTHER = "other"


class PublicRecordKind(_StrEnum):
    """v2: public records (公共信息) on the report."""

    TAX_ARREARS = "tax_arrears"  #: 欠税记录
    CIVIL_JUDGMENT = "civil_judgment"  #: 民事判决记录
    ENFORCEMENT = "enforcement"  #: 强制执行记录
    ADMINISTRATIVE_PENALTY = "administrative_penalty"  #: 行政处罚记录
    DISHONEST_DEBTOR = "dishonest_debtor"  #: 失信被执行人
    BANKRUPTCY = "bankruptcy"  #: bankruptcy (US public record)
    OTHER = "other"


class PublicRecordStatus(_StrEnum):
    """v2: where a public record stands."""

    OPEN = "open"  #: unpaid / not enforced / pending
    SATISFIED = "satisfied"  #: paid, performed or discharged
    CLOSED = "closed"  #: ended otherwise (case closed, record revoked)
    UNKNOWN = "unknown"


# --------------------------------------------------------------------------------------
# Scoring equivalents of the v2 members of v1 enums (one treatment in every engine)
# --------------------------------------------------------------------------------------
#: Each account status -> the v1 status whose treatment it gets in the existing features,
#: the closure-impact counterfactual and the columnar engines.
V1_STATUS: dict[AccountStatus, AccountStatus] = {
    **{m: m for m in list(AccountStatus)[:5]},
    AccountStatus.FROZEN: AccountStatus.SUSPENDED,
    AccountStatus.STOPPED: AccountStatus.SUSPENDED,
    AccountStatus.NOT_ACTIVATED: AccountStatus.OPEN,
    AccountStatus.OVERDUE: AccountStatus.OPEN,
    AccountStatus.COLLATERAL_SHORTFALL: AccountStatus.OPEN,
    AccountStatus.JUDICIAL_RECOVERY: AccountStatus.CHARGED_OFF,
    AccountStatus.FORCED_LIQUIDATION: AccountStatus.TRANSFERRED,
}

#: Each closure initiator -> the v1 initiator whose treatment it gets.
V1_INITIATOR: dict[ClosureInitiator, ClosureInitiator] = {
    **{m: m for m in list(ClosureInitiator)[:6]},
    ClosureInitiator.PAID_AS_AGREED: ClosureInitiator.UNKNOWN,
    ClosureInitiator.REFINANCED: ClosureInitiator.UNKNOWN,
    ClosureInitiator.TRANSFERRED: ClosureInitiator.UNKNOWN,
}

#: Each inquiry kind -> the v1 kind whose treatment it gets (hard or not).
V1_INQUIRY_KIND: dict[InquiryKind, InquiryKind] = {
    **{m: m for m in list(InquiryKind)[:6]},
    InquiryKind.FINANCING_APPROVAL: InquiryKind.LOAN_APPROVAL,
    InquiryKind.PRE_INSURANCE_REVIEW: InquiryKind.GUARANTEE_CHECK,
    InquiryKind.CREDIT_REVIEW: InquiryKind.OTHER,
    InquiryKind.EXECUTIVE_REVIEW: InquiryKind.OTHER,
    InquiryKind.ADMISSION_REVIEW: InquiryKind.OTHER,
    InquiryKind.MERCHANT_REVIEW: InquiryKind.OTHER,
    InquiryKind.DISPUTE_CHECK: InquiryKind.OTHER,
}

#: Statuses of a line that cannot be drawn while it runs (止付 / 冻结).
UNDRAWABLE_STATUSES = frozenset(
    {AccountStatus.SUSPENDED, AccountStatus.FROZEN, AccountStatus.STOPPED}
)
