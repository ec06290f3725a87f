"""The integer layout shared by the columnar engines: enum codes and the kernel's named inputs.

The columnar format works on integer codes of the contract's enums (:data:`ENUM_CODES`, in
definition order) and on day numbers (days since 1970-01-01). This module names the codes and
day numbers the compiled kernel (:mod:`credit_closure._columnar.kernel`) reads, so that no
engine passes or reads them by position. It imports neither numba nor the kernel: the numpy
engine and the input checks use it too.
"""

from __future__ import annotations

import datetime as _dt
from typing import NamedTuple

import numpy as np

from credit_closure._columnar.numpy_engine import (
    ENUM_CODES,
    N_V1_INITIATORS,
    N_V1_STATUSES,
    V1_INITIATOR_CODES,
    V1_STATUS_CODES,
    day_number,
    v1_codes,
)
from credit_closure._scoring.features import months_before

__all__ = ["KernelCodes", "kernel_codes", "kernel_days", "v1_columns"]


class KernelCodes(NamedTuple):
    """The enum codes the compiled kernel compares with (numba takes a namedtuple of ints)."""

    s_open: int
    s_closed: int
    s_suspended: int
    s_charged_off: int
    s_transferred: int
    i_unknown: int
    i_consumer: int
    i_lender_risk: int
    r_unknown: int
    r_lender_risk_control: int
    r_reduce_debt: int
    t_normal: int
    t_abnormal: int
    t_bad_debt: int


def kernel_codes() -> KernelCodes:
    """The kernel's enum codes, from :data:`ENUM_CODES`."""
    s, i, r, t = (ENUM_CODES[k] for k in ("status", "initiator", "reason", "termination"))
    return KernelCodes(
        s_open=s["open"],
        s_closed=s["closed"],
        s_suspended=s["suspended"],
        s_charged_off=s["charged_off"],
        s_transferred=s["transferred"],
        i_unknown=i["unknown"],
        i_consumer=i["consumer"],
        i_lender_risk=i["lender_risk"],
        r_unknown=r["unknown"],
        r_lender_risk_control=r["lender_risk_control"],
        r_reduce_debt=r["reduce_debt"],
        t_normal=t["normal"],
        t_abnormal=t["abnormal"],
        t_bad_debt=t["bad_debt"],
    )


#: Positions in the kernel's ``days`` array (day numbers), built by :func:`kernel_days`.
DAY_AS_OF, DAY_3M, DAY_6M, DAY_12M, DAY_24M, DAY_RETENTION, DAY_COUNTERFACTUAL = range(7)


def kernel_days(as_of: _dt.date, retention_months: int, counterfactual_months: int) -> np.ndarray:
    """The day numbers the kernel reads (positions ``DAY_*``): ``as_of`` and the starts of the
    3, 6, 12, 24 month, retention and counterfactual windows."""
    months = (3, 6, 12, 24, retention_months, counterfactual_months)
    return np.array(
        [day_number(as_of)] + [day_number(months_before(as_of, m)) for m in months],
        dtype=np.int64,
    )


def v1_columns(acc: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The account columns whose codes the kernel compares (``status``, ``ev_initiator``) as the
    codes of their v1 scoring equivalents: contract v2 members get their v1 treatment
    (:data:`~credit_closure._contract.enums.V1_STATUS`, ``V1_INITIATOR``), as in ``extract``
    and the numpy engine."""
    return {
        "status": v1_codes(acc["status"], V1_STATUS_CODES, N_V1_STATUSES),
        "ev_initiator": v1_codes(acc["ev_initiator"], V1_INITIATOR_CODES, N_V1_INITIATORS),
    }
