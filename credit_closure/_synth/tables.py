"""The tables of the synthetic data-generating process (:mod:`credit_closure.synth`).

Index orders below are used by the vectorised draws of :mod:`credit_closure._synth.draws`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from credit_closure._contract.model import (
    AccountStatus,
    ClosureInitiator,
    ClosureReason,
    ProductType,
    TerminationKind,
)

_BLOCK = 1024  # subjects per independently seeded block
_MAX_ACC = 12
_H_SLOTS = 16  # hard inquiries over 24 months
_BURST_SLOTS = 8  # extra hard inquiries in the last 6 months
_SOFT = (8, 3, 2, 2)  # slots for post_loan, self, guarantee_check, other
_ACT_SLOTS = 6
_WINDOW = 730  # 24 months, in days
_FIVE_YEARS = 1826
_SIX_MONTHS = 183
_DAYS_PER_MONTH = 30.4375
_PLATFORM_MAX_AGE = 4018  # 11 years, in days

# ----------------------------------------------------------------------------------------
# Tables (index orders below are used by the vectorised draws)
# ----------------------------------------------------------------------------------------
_EMPLOYMENTS = ("salaried", "self_employed", "civil_servant", "student", "other")
_EMP_PROBS = np.array(
    [
        [0.42, 0.07, 0.03, 0.33, 0.15],  # age <= 24
        [0.55, 0.15, 0.08, 0.06, 0.16],  # 25-29
        [0.56, 0.19, 0.09, 0.00, 0.16],  # >= 30
    ]
)
_EMP_INCOME = np.array([1.0, 1.15, 1.05, 0.25, 0.7])
_TIERS = ("1", "2", "3", "4")
_TIER_PROBS = np.array([0.18, 0.30, 0.30, 0.22])
_TIER_INCOME = np.array([13000.0, 9000.0, 6500.0, 5000.0])

_PRODUCTS = (
    ProductType.REVOLVING_CONSUMER,
    ProductType.CASH_LOAN,
    ProductType.CREDIT_CARD,
    ProductType.INSTALLMENT,
    ProductType.MORTGAGE,
    ProductType.BUSINESS_LOAN,
)
_RC, _CASH, _CARD, _INST, _MORT, _BIZ = range(6)
_IS_REV = np.array([True, True, True, False, False, False])
_PROD_PROBS = np.array(
    [
        [0.25, 0.15, 0.35, 0.17, 0.05, 0.03],  # default
        [0.20, 0.15, 0.28, 0.14, 0.05, 0.18],  # self_employed
        [0.45, 0.20, 0.20, 0.15, 0.00, 0.00],  # under 23 or student
    ]
)
_PROVIDERS = (
    (("huabei", 0.72), ("jd_baitiao", 0.18), ("meituan_yuefu", 0.06), ("douyin_yuefu", 0.04)),
    (("jiebei", 0.62), ("weilidai", 0.20), ("jd_jintiao", 0.10), ("consumer_finance", 0.08)),
    (
        ("icbc", 0.14),
        ("ccb", 0.14),
        ("cmb", 0.18),
        ("boc", 0.10),
        ("abc", 0.10),
        ("citic", 0.10),
        ("spdb", 0.08),
        ("cib", 0.08),
        ("pingan", 0.08),
    ),
    (("consumer_finance", 0.35), ("auto_finance", 0.25), ("ccb", 0.20), ("cmb", 0.20)),
    (("ccb", 0.35), ("icbc", 0.30), ("abc", 0.20), ("boc", 0.15)),
    (("mybank", 0.40), ("webank", 0.25), ("icbc", 0.15), ("ccb", 0.20)),
)
#: A provider that may hold only one line per subject, and the one used for a second line.
_UNIQUE_PROVIDER = {"huabei": "jd_baitiao", "jiebei": "weilidai"}
_LIMIT_MEDIAN = np.array([6000.0, 25000.0, 30000.0, 30000.0, 900000.0, 200000.0])
_LIMIT_SIGMA = np.array([0.8, 0.9, 0.85, 0.9, 0.5, 0.9])
_LIMIT_UNIT = np.array([100.0, 1000.0, 1000.0, 1000.0, 10000.0, 1000.0])
_DELINQ_OFFSET = np.array([0.1, 0.35, 0.0, 0.1, -0.6, 0.2])
_INSTALLMENT_MONTHS = np.array([6, 12, 24, 36])
_INSTALLMENT_PROBS = np.array([0.2, 0.35, 0.3, 0.15])

_INITIATORS = tuple(ClosureInitiator)  # consumer, lender_risk, lender_inactivity, ...
_I_CONSUMER, _I_RISK, _I_INACTIVE, _I_POLICY, _I_REGULATOR, _I_UNKNOWN = range(6)
_INIT_PROBS = np.array([0.64, 0.03, 0.13, 0.08, 0.02, 0.10])
_REASONS = (
    ClosureReason.REDUCE_DEBT,
    ClosureReason.SWITCH_PLATFORM,
    ClosureReason.SECURITY_CONCERN,
    ClosureReason.PRIVACY,
    ClosureReason.UNUSED,
    ClosureReason.LENDER_RISK_CONTROL,
    ClosureReason.OTHER,
    ClosureReason.UNKNOWN,
)
_REASON_PROBS = np.array(
    [  # rows: initiator in _INITIATORS order
        [0.30, 0.15, 0.08, 0.10, 0.27, 0.00, 0.06, 0.04],
        [0.00, 0.00, 0.00, 0.00, 0.00, 0.85, 0.05, 0.10],
        [0.00, 0.00, 0.00, 0.00, 0.75, 0.00, 0.08, 0.17],
        [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.60, 0.40],
        [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.70, 0.30],
        [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.20, 0.80],
    ]
)
_TERMINATIONS = (TerminationKind.NORMAL, TerminationKind.ABNORMAL, TerminationKind.BAD_DEBT, None)
_T_NORMAL, _T_ABNORMAL, _T_BAD, _T_NONE = range(4)
_STATUSES = (
    AccountStatus.OPEN,
    AccountStatus.CLOSED,
    AccountStatus.CHARGED_OFF,
    AccountStatus.TRANSFERRED,
    AccountStatus.SUSPENDED,
)
_S_OPEN, _S_CLOSED, _S_CHARGED_OFF, _S_TRANSFERRED, _S_SUSPENDED = range(5)

# Rows of the per-account uniform draws.
(
    _U_PROD,
    _U_PROV,
    _U_OPEN,
    _U_TERM,
    _U_CLOSE,
    _U_CTIME,
    _U_INIT,
    _U_EPI,
    _U_GEO,
    _U_MINOR,
    _U_D1,
    _U_REACT,
    _U_REASON,
    _U_RTIME,
    _U_TKIND,
    _U_STATUS,
    _U_UNUSED,
    _U_BALFLAG,
    _U_BALAMT,
    _U_REMAIN,
    _U_REMAMT,
    _U_W6,
    _U_EVENT,
    _U_LIMKNOWN,
    _U_INQLAG,
    _U_INQ,
) = range(26)
_N_UA = 26

_FloatArray = npt.NDArray[np.float64]
