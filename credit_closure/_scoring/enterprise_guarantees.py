"""Guarantees a company gave (contract v2 ``Enterprise.guarantees``) as a factor of the
enterprise view (default policy v2, issue 15 item 10).

A guarantee (对外担保, 相关还款责任) is a contingent liability: the company pays when the
guaranteed debtor does not. Two facts are read from the company's own report:

- **How much it guarantees, against its own facilities**: the outstanding guaranteed balance
  (a guarantee's ``balance``, or its ``amount`` when the balance is not given, unless the
  guaranteed debt is closed) over the company's open facilities (each facility's
  ``credit_limit``, or its ``balance`` when it has no limit). Chinese practitioners cap
  external guarantees at 50% of net assets [LKL-4084]; facilities are what the lender sees on
  the report, so the default reads guarantees against them, and a policy may read them against
  the company's ``net_assets`` attribute instead (``guarantee_base="net_assets"``).
- **Adverse guarantees**: the guaranteed debt is classed 次级 / 可疑 / 损失 (substandard,
  doubtful, loss), is charged off, in judicial recovery or overdue, or has an amount past due.
  Non-performance of a guarantee is negative information under the regulation [ZX-TIAOLI]
  (Art.44) and the five-level class ranks 次级 and worse as non-performing [PBOC-CONF]; a
  关注 (special mention) class alone is not adverse. The test is the one the personal
  feature ``n_guarantees_adverse`` uses (``report_features.adverse_guarantee``).

:func:`guarantee_exposure` computes both; :mod:`credit_closure._scoring.enterprise` turns them
into company reasons and gates under the :class:`~credit_closure.EnterprisePolicy`.
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from credit_closure._contract.enums import AccountStatus
from credit_closure._contract.model import Enterprise
from credit_closure._scoring.report_features import adverse_guarantee

__all__ = ["GuaranteeExposure", "guarantee_exposure"]

_ENDED = frozenset({AccountStatus.CLOSED})
_CLOSED_FACILITY = frozenset({AccountStatus.CLOSED, AccountStatus.TRANSFERRED})


@attrs.frozen(kw_only=True)
class GuaranteeExposure:
    """What an enterprise's guarantees amount to (see the module documentation).

    Attributes:
        n_guarantees: Guarantees on the company's report.
        outstanding: Outstanding guaranteed balance.
        base: What ``outstanding`` is read against: ``"facilities"`` or ``"net_assets"``.
        base_amount: The facilities' total (or the net assets); ``None`` when unknown.
        ratio: ``outstanding / base_amount``; ``inf`` when something is outstanding against
            a base of 0, ``None`` when the base is unknown or nothing is outstanding
            against nothing.
        adverse_ids: Ids of the adverse guarantees, in document order.
    """

    n_guarantees: int
    outstanding: float
    base: str
    base_amount: float | None
    ratio: float | None
    adverse_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data (an infinite ratio is written as ``null`` with ``ratio_infinite``)."""
        inf = self.ratio is not None and math.isinf(self.ratio)
        return {
            "n_guarantees": self.n_guarantees,
            "outstanding": self.outstanding,
            "base": self.base,
            "base_amount": self.base_amount,
            "ratio": None if inf else self.ratio,
            "ratio_infinite": inf,
            "adverse_ids": list(self.adverse_ids),
        }


def _outstanding(g: Any) -> float:
    if g.balance is not None:
        return max(float(g.balance), 0.0)
    if g.status in _ENDED or g.amount is None:
        return 0.0
    return max(float(g.amount), 0.0)


def _facilities_total(ent: Enterprise) -> float | None:
    if not ent.facilities:
        return 0.0
    total = 0.0
    for f in ent.facilities:
        if f.status in _CLOSED_FACILITY:
            continue
        v = f.credit_limit if f.credit_limit is not None else f.balance
        if v is not None and v > 0:
            total += float(v)
    return total


def guarantee_exposure(ent: Enterprise, base: str = "facilities") -> GuaranteeExposure | None:
    """The :class:`GuaranteeExposure` of ``ent``; ``None`` when it reports no guarantee.

    Example:
        >>> from credit_closure import Enterprise
        >>> e = Enterprise.from_dict({"contract_version": 2, "enterprise_id": "e",
        ...     "principals": [{"role": "legal_representative", "profile": {"subject_id": "p"}}],
        ...     "facilities": [{"account_id": "f", "product": "installment", "status": "open",
        ...                     "credit_limit": 1000000, "balance": 600000}],
        ...     "guarantees": [{"guarantee_id": "g", "party": "enterprise", "amount": 800000,
        ...                     "balance": 500000, "classification": "substandard"}]})
        >>> x = guarantee_exposure(e)
        >>> x.ratio, x.adverse_ids
        (0.5, ('g',))
    """
    if not ent.guarantees:
        return None
    outstanding = math.fsum(_outstanding(g) for g in ent.guarantees)
    amount: float | None
    if base == "net_assets":
        v = ent.attributes.get("net_assets")
        ok = not isinstance(v, bool) and isinstance(v, (int, float)) and math.isfinite(v)
        amount = float(v) if ok and v >= 0 else None
    else:
        amount = _facilities_total(ent)
    ratio: float | None
    if amount is None or (amount == 0 and outstanding == 0):
        ratio = None
    elif amount == 0:
        ratio = math.inf
    else:
        ratio = outstanding / amount
    return GuaranteeExposure(
        n_guarantees=len(ent.guarantees),
        outstanding=outstanding,
        base=base,
        base_amount=amount,
        ratio=ratio,
        adverse_ids=tuple(g.guarantee_id for g in ent.guarantees if adverse_guarantee(g)),
    )
