"""The tables and vectorised draws of the contract v2 detail (:mod:`credit_closure.synth`).

The v2 detail of a block is drawn from its own child seed
(``SeedSequence(seed, spawn_key=(block, 2))``), after and apart from the v1 draws, so the v1
portfolio of a seed is the same whether or not v2 detail is asked for.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from credit_closure._contract.model import (
    InquiryKind,
    InstitutionType,
    LoanClassification,
    PublicRecordKind,
    PublicRecordStatus,
)
from credit_closure._synth.tables import _BLOCK, _MAX_ACC

_IT = InstitutionType
#: Institution type of an account by provider key (bank keys not listed: see _bank_type).
_PROVIDER_TYPE: dict[str, InstitutionType] = {
    "huabei": _IT.CONSUMER_FINANCE,
    "jiebei": _IT.CONSUMER_FINANCE,
    "jd_baitiao": _IT.ONLINE_PLATFORM,
    "meituan_yuefu": _IT.ONLINE_PLATFORM,
    "douyin_yuefu": _IT.ONLINE_PLATFORM,
    "jd_jintiao": _IT.ONLINE_PLATFORM,
    "weilidai": _IT.BANK,
    "webank": _IT.BANK,
    "mybank": _IT.BANK,
    "consumer_finance": _IT.CONSUMER_FINANCE,
    "auto_finance": _IT.AUTO_FINANCE,
}
#: Five-level classes in order of severity (index = level).
_CLASSES = tuple(LoanClassification)

#: The new soft inquiry reasons of v2: (kind, Poisson rate over 24 months, institution types).
_V2_SOFT = (
    (InquiryKind.PRE_INSURANCE_REVIEW, 0.15, (_IT.INSURANCE,)),
    (InquiryKind.CREDIT_REVIEW, 0.10, (_IT.BANK,)),
    (InquiryKind.EXECUTIVE_REVIEW, 0.02, (_IT.BANK,)),  # 0.5 for the self-employed
    (InquiryKind.ADMISSION_REVIEW, 0.12, (_IT.ONLINE_PLATFORM, _IT.CONSUMER_FINANCE)),
    (InquiryKind.MERCHANT_REVIEW, 0.03, (_IT.ONLINE_PLATFORM,)),
    (InquiryKind.DISPUTE_CHECK, 0.01, (_IT.OTHER,)),
)
_V2_SOFT_CAP = 3
#: Institution types of the v1 inquiry kinds: (types, cumulative probabilities).
_INQUIRY_TYPES: dict[InquiryKind, tuple[tuple[InstitutionType, ...], tuple[float, ...]]] = {
    InquiryKind.LOAN_APPROVAL: (
        (_IT.BANK, _IT.CONSUMER_FINANCE, _IT.MICROLOAN, _IT.ONLINE_PLATFORM),
        (0.45, 0.65, 0.80, 1.0),
    ),
    InquiryKind.FINANCING_APPROVAL: (
        (_IT.BANK, _IT.LEASING, _IT.GUARANTEE_COMPANY),
        (0.7, 0.85, 1.0),
    ),
    InquiryKind.CARD_APPROVAL: ((_IT.CREDIT_CARD_ISSUER, _IT.BANK), (0.7, 1.0)),
    InquiryKind.POST_LOAN: (
        (_IT.BANK, _IT.CONSUMER_FINANCE, _IT.ONLINE_PLATFORM, _IT.MICROLOAN),
        (0.5, 0.75, 0.9, 1.0),
    ),
    InquiryKind.GUARANTEE_CHECK: ((_IT.GUARANTEE_COMPANY, _IT.BANK), (0.5, 1.0)),
    InquiryKind.OTHER: ((_IT.OTHER,), (1.0,)),
}

_G_SLOTS = 4  # guarantees per subject
_R_SLOTS = 3  # public records per subject
_L_SLOTS = 3  # limit changes per account (besides the opening limit)
_Q_SLOTS = 64  # inquiries per subject (v1 caps + the v2 soft ones)

_RECORD_KINDS = (
    PublicRecordKind.CIVIL_JUDGMENT,
    PublicRecordKind.ENFORCEMENT,
    PublicRecordKind.TAX_ARREARS,
    PublicRecordKind.ADMINISTRATIVE_PENALTY,
    PublicRecordKind.DISHONEST_DEBTOR,
    PublicRecordKind.BANKRUPTCY,
    PublicRecordKind.OTHER,
)
_RECORD_CUM = (0.30, 0.52, 0.67, 0.82, 0.92, 0.95, 1.0)
_RECORD_MEDIAN = (30000.0, 40000.0, 8000.0, 2000.0, 50000.0, 200000.0, 5000.0)
_RECORD_STATUSES = (
    PublicRecordStatus.OPEN,
    PublicRecordStatus.SATISFIED,
    PublicRecordStatus.CLOSED,
)

# Rows of the per-account uniforms.
(
    _W_ONGOING,
    _W_PLACE,
    _W_STATUS,
    _W_LIAB,
    _W_INST,
    _W_SPECIAL,
    _W_SPECIAL2,
    _W_DAY,
    _W_AMOUNT,
    _W_LIMN,
    _W_DROP,
    _W_DROPDAY,
    _W_LAST,
) = range(13)
_N_W = 13 + 3 * _L_SLOTS  # + (day, direction, factor) per limit change


def _cum_pick(u: float, cum: tuple[float, ...]) -> int:
    for k, c in enumerate(cum):
        if u < c:
            return k
    return len(cum) - 1


def _draw_v2_block(seed: int, block: int) -> dict[str, Any]:
    """Every random number of the v2 detail of one block, as nested lists by subject."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block, 2))))
    B, A = _BLOCK, _MAX_ACC
    wa = rng.random((B, A, _N_W))
    ws = rng.random((B, 8))
    wg = rng.random((B, _G_SLOTS, 8))
    wr = rng.random((B, _R_SLOTS, 4))
    wq = rng.random((B, _Q_SLOTS, 2))
    rates = np.array([r for _, r, _ in _V2_SOFT])
    n_soft = np.minimum(rng.poisson(rates, size=(B, len(_V2_SOFT))), _V2_SOFT_CAP)
    n_soft_exec = np.minimum(rng.poisson(0.5, size=B), _V2_SOFT_CAP)
    wsoft = rng.random((B, len(_V2_SOFT), _V2_SOFT_CAP))
    n_rec_extra = rng.poisson(0.3, size=B)
    wn = rng.normal(size=(B, _G_SLOTS + _R_SLOTS))
    return {
        "wa": wa.tolist(),
        "ws": ws.tolist(),
        "wg": wg.tolist(),
        "wr": wr.tolist(),
        "wq": wq.tolist(),
        "n_soft": n_soft.tolist(),
        "n_soft_exec": n_soft_exec.tolist(),
        "wsoft": wsoft.tolist(),
        "n_rec_extra": n_rec_extra.tolist(),
        "wn": wn.tolist(),
    }
