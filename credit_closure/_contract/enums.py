"""The contract's closed vocabularies: string-valued enums whose values are the v1 JSON codes.

Each enum's ``str()`` is its JSON value. :data:`REVOLVING_PRODUCTS` and
:data:`HARD_INQUIRY_KINDS` are the two groupings the features use. Re-exported by
:mod:`credit_closure._contract.model` (and the enums by the package itself).
"""

from __future__ import annotations

import enum

__all__ = [
    "AccountStatus",
    "ActivityKind",
    "ClosureInitiator",
    "ClosureReason",
    "HARD_INQUIRY_KINDS",
    "InquiryKind",
    "PrincipalRole",
    "ProductType",
    "REVOLVING_PRODUCTS",
    "TerminationKind",
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


#: Products whose limit can be drawn again: they count in utilization.
REVOLVING_PRODUCTS = frozenset(
    {ProductType.REVOLVING_CONSUMER, ProductType.CASH_LOAN, ProductType.CREDIT_CARD}
)


class AccountStatus(_StrEnum):
    """The account's latest status, as the PBoC report shows it."""

    OPEN = "open"
    CLOSED = "closed"  #: 销户 / 结清
    CHARGED_OFF = "charged_off"  #: 呆账
    TRANSFERRED = "transferred"  #: 转出
    SUSPENDED = "suspended"  #: 止付 / 冻结


class ClosureInitiator(_StrEnum):
    """Who closed the account."""

    CONSUMER = "consumer"
    LENDER_RISK = "lender_risk"
    LENDER_INACTIVITY = "lender_inactivity"
    PLATFORM_POLICY = "platform_policy"
    REGULATOR = "regulator"
    UNKNOWN = "unknown"


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


#: Inquiry kinds that count as hard inquiries (贷款审批 / 信用卡审批).
HARD_INQUIRY_KINDS = frozenset({InquiryKind.LOAN_APPROVAL, InquiryKind.CARD_APPROVAL})


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
