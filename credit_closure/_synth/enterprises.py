"""Synthetic contract v2 enterprises (:func:`credit_closure.synth.generate_enterprises`).

The principals are the subjects of a v2 portfolio of the same seed; the company's own
facilities, external guarantees and public records are drawn from one generator seeded with
``SeedSequence(seed, spawn_key=(0, 3))``, their delinquency driven by the legal
representative's true default probability (the rates are documented in
:mod:`credit_closure.synth`).
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

import numpy as np

from credit_closure._contract.model import (
    AccountStatus,
    CreditAccount,
    CreditProfile,
    Enterprise,
    Guarantee,
    GuaranteedParty,
    InstitutionType,
    LiabilityType,
    LoanClassification,
    Principal,
    PrincipalRole,
    ProductType,
    PublicRecord,
    PublicRecordKind,
    PublicRecordStatus,
)
from credit_closure._synth.v2history import _history, _mi

_FACILITY_PRODUCTS = (ProductType.BUSINESS_LOAN, ProductType.OVERDRAFT, ProductType.INSTALLMENT)
_FACILITY_CUM = (0.55, 0.80, 1.0)
_CLASS_BY_PERIODS = (
    LoanClassification.NORMAL,
    LoanClassification.SPECIAL_MENTION,
    LoanClassification.SPECIAL_MENTION,
    LoanClassification.SPECIAL_MENTION,
    LoanClassification.SUBSTANDARD,
    LoanClassification.SUBSTANDARD,
    LoanClassification.SUBSTANDARD,
)


def _pick(u: float, cum: tuple[float, ...]) -> int:
    for k, c in enumerate(cum):
        if u < c:
            return k
    return len(cum) - 1


def _facility(
    rng: np.random.Generator, k: int, p_rep: float, as_of: _dt.date
) -> tuple[CreditAccount, float]:
    """One running facility and its overdue interest."""
    u = rng.random(8).tolist()
    product = _FACILITY_PRODUCTS[_pick(u[0], _FACILITY_CUM)]
    opened = as_of - _dt.timedelta(days=90 + int(u[1] * 3000))
    limit = int(round(500000 * math.exp(1.0 * (u[2] - 0.5) * 2) / 10000) * 10000) or 10000
    delinquent = u[3] < min(0.9, 1.5 * p_rep)
    run = 1 + int(math.log1p(-u[4]) / math.log(0.5)) if delinquent else 0
    run = min(run, 12, _mi(as_of) - _mi(opened))
    ongoing = run > 0 and u[5] < 0.3
    hist, _ = _history(
        as_of_m=_mi(as_of),
        o=_mi(opened),
        end_m=_mi(as_of),
        ended=False,
        base="N",
        closure_symbol="C",
        k=run,
        r=run,
        align_end=ongoing,
        avoid_last=_mi(as_of),
        u_place=u[6],
        old_chargeoff=False,
    )
    ongoing = hist[-1] in "1234567"
    periods = run if ongoing else 0
    balance = round(limit * (0.3 + 0.7 * u[7]))
    overdue = round(limit / 24 * periods) if periods else 0
    cls = _CLASS_BY_PERIODS[min(periods, 6)] if periods <= 6 else LoanClassification.DOUBTFUL
    acc = CreditAccount(
        account_id=f"f{k + 1}",
        product=product,
        status=AccountStatus.OVERDUE if ongoing else AccountStatus.OPEN,
        opened_on=opened,
        credit_limit=limit,
        balance=balance,
        classification=cls,
        liability=LiabilityType.INDIVIDUAL,
        institution_type=InstitutionType.BANK,
        current_overdue_amount=overdue,
        current_overdue_periods=periods,
        repayment_history=hist,
        history_end=as_of,
    )
    return acc, round(overdue * 0.02 * periods, 2)


def _principals(
    rng: np.random.Generator, profiles: list[CreditProfile], as_of: _dt.date
) -> tuple[Principal, ...]:
    out = []
    stakes_left = 1.0
    for k, profile in enumerate(profiles):
        u = rng.random(3).tolist()
        if k == 0:
            role = PrincipalRole.LEGAL_REPRESENTATIVE
        else:
            role = (
                PrincipalRole.SHAREHOLDER
                if u[0] < 0.6
                else PrincipalRole.GUARANTOR
                if u[0] < 0.85
                else PrincipalRole.ACTUAL_CONTROLLER
            )
        stake = None
        if role is not PrincipalRole.GUARANTOR and stakes_left > 0.05:
            stake = round(stakes_left * (0.3 + 0.6 * u[1]), 2)
            stakes_left -= stake
        # a legal representative changed in the last two years with p .15
        years = 2.0 * u[2] if k == 0 and u[2] < 0.15 else 2.0 + 8.0 * u[2]
        since = as_of - _dt.timedelta(days=int(years * 365.25))
        out.append(Principal(role=role, stake=stake, profile=profile, role_since=since))
    return tuple(out)


def _enterprise(
    rng: np.random.Generator, e: int, profiles: list[CreditProfile], p_rep: float, as_of: _dt.date
) -> Enterprise:
    principals = _principals(rng, profiles, as_of)
    facilities = []
    interest = 0.0
    for k in range(min(6, 1 + int(rng.poisson(1.2)))):
        acc, owed = _facility(rng, k, p_rep, as_of)
        facilities.append(acc)
        interest += owed
    guarantees = []
    for g in range(min(5, int(rng.poisson(0.6)))):
        u = rng.random(4).tolist()
        amount = int(round(300000 * math.exp(u[0] - 0.5) / 10000) * 10000)
        bad = u[1] < min(0.9, 2.0 * p_rep)
        guarantees.append(
            Guarantee(
                guarantee_id=f"eg{g + 1}",
                party=GuaranteedParty.ENTERPRISE,
                amount=amount,
                balance=int(amount * (0.2 + 0.8 * u[2])),
                classification=LoanClassification.SUBSTANDARD if bad else LoanClassification.NORMAL,
                status=AccountStatus.OPEN,
                institution_type=InstitutionType.BANK,
                opened_on=as_of - _dt.timedelta(days=int(u[3] * 1800)),
            )
        )
    records = []
    if rng.random() < min(0.9, 0.04 + p_rep):
        u = rng.random(2).tolist()
        kind = PublicRecordKind.TAX_ARREARS if u[0] < 0.4 else PublicRecordKind.CIVIL_JUDGMENT
        records.append(
            PublicRecord(
                kind=kind,
                on=as_of - _dt.timedelta(days=int(u[1] * 1800)),
                amount=int(20000 + 200000 * u[0]),
                status=PublicRecordStatus.OPEN if u[1] < 0.5 else PublicRecordStatus.SATISFIED,
            )
        )
    advances = int(rng.random() * 100000) if rng.random() < min(0.5, p_rep) else 0
    return Enterprise(
        contract_version=2,
        enterprise_id=f"ent-{e}",
        principals=principals,
        facilities=facilities,
        guarantees=guarantees,
        public_records=records,
        overdue_interest=round(interest, 2),
        advances=advances,
    )


def _generate_enterprises(
    n: int,
    seed: int,
    as_of: _dt.date,
    profiles: tuple[CreditProfile, ...],
    prob: Any,
    sizes: list[int],
) -> tuple[Enterprise, ...]:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(0, 3))))
    out = []
    at = 0
    for e in range(n):
        group = list(profiles[at : at + sizes[e]])
        out.append(_enterprise(rng, e, group, float(prob[at]), as_of))
        at += sizes[e]
    return tuple(out)
