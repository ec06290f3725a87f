"""Building one synthetic subject's contract v2 profile (:mod:`credit_closure.synth`).

The v2 profile of a subject is its v1 profile (same seed) with the v2 detail added; every v2
status, closure initiator and inquiry kind used has the v1 value as its scoring equivalent
(``V1_STATUS`` ...), and the three v1 summaries are unchanged (the history agrees with them).
The rates are documented in :mod:`credit_closure.synth`.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from credit_closure._contract.model import (
    AccountStatus,
    ClosureEvent,
    ClosureInitiator,
    ClosureKind,
    CreditAccount,
    CreditProfile,
    Guarantee,
    GuaranteedParty,
    Inquiry,
    InquiryKind,
    InstitutionType,
    LiabilityType,
    LimitChange,
    LoanClassification,
    ProductType,
    PublicRecord,
    SpecialTransaction,
    SpecialTransactionKind,
    TerminationKind,
)
from credit_closure._synth.draws import _sigmoid
from credit_closure._synth.tables import _I_CONSUMER, _I_RISK, _IS_REV
from credit_closure._synth.v2history import _history, _mi, _month_date
from credit_closure._synth.v2tables import (
    _CLASSES,
    _INQUIRY_TYPES,
    _PROVIDER_TYPE,
    _RECORD_CUM,
    _RECORD_KINDS,
    _RECORD_MEDIAN,
    _RECORD_STATUSES,
    _V2_SOFT,
    _W_AMOUNT,
    _W_DAY,
    _W_DROP,
    _W_DROPDAY,
    _W_INST,
    _W_LAST,
    _W_LIAB,
    _W_LIMN,
    _W_ONGOING,
    _W_PLACE,
    _W_SPECIAL,
    _W_SPECIAL2,
    _W_STATUS,
    _cum_pick,
)

_S = AccountStatus
_P = ProductType
_ST = SpecialTransactionKind
_IS_REV_LIST = _IS_REV.tolist()
_ENDED = (_S.CLOSED, _S.CHARGED_OFF, _S.TRANSFERRED)
_TERM = (_P.INSTALLMENT, _P.MORTGAGE, _P.BUSINESS_LOAN)
#: Share of the limit due per overdue period (a minimum payment, or one instalment).
_DUE_SHARE = {
    _P.REVOLVING_CONSUMER: 0.05,
    _P.CASH_LOAN: 0.05,
    _P.CREDIT_CARD: 0.05,
    _P.INSTALLMENT: 1 / 18,
    _P.MORTGAGE: 1 / 240,
    _P.BUSINESS_LOAN: 1 / 24,
}
_DAY = _dt.timedelta(days=1)


def _classify(ended: bool, status: AccountStatus, tkind: Any, periods: int, watch: bool) -> Any:
    """The five-level class (thresholds documented in :mod:`credit_closure.synth`)."""
    if ended:
        if status in (_S.CHARGED_OFF, _S.JUDICIAL_RECOVERY) or tkind is TerminationKind.BAD_DEBT:
            return LoanClassification.LOSS
        if status in (_S.TRANSFERRED, _S.FORCED_LIQUIDATION) or tkind is TerminationKind.ABNORMAL:
            return LoanClassification.DOUBTFUL
        return LoanClassification.NORMAL
    level = 0 if periods == 0 else 1 if periods <= 3 else 2 if periods <= 6 else 3
    level = 4 if periods > 12 else level
    if watch:
        level = max(level, 1)
    return _CLASSES[level]


def _institution(provider: str | None, product: ProductType, u: float) -> InstitutionType:
    it = _PROVIDER_TYPE.get(provider or "")
    if it is not None:
        return it
    if product is _P.CREDIT_CARD:
        return InstitutionType.CREDIT_CARD_ISSUER if u < 0.6 else InstitutionType.BANK
    return InstitutionType.BANK if u < 0.9 else InstitutionType.CREDIT_UNION


def _liability(product: ProductType, u: float) -> LiabilityType:
    if (product is _P.MORTGAGE and u < 0.35) or (product is _P.BUSINESS_LOAN and u < 0.1):
        return LiabilityType.JOINT
    if product is _P.CREDIT_CARD and u < 0.04:
        return LiabilityType.AUTHORIZED_USER
    return LiabilityType.INDIVIDUAL


def _status(acc: CreditAccount, k: int, ongoing: bool, w: list[float], as_of: _dt.date) -> Any:
    """The v2 status refining the v1 status (same scoring equivalent)."""
    s, u = acc.status, w[_W_STATUS]
    if s is _S.SUSPENDED:
        return _S.FROZEN if u < 0.4 else _S.STOPPED if u < 0.7 else s
    if s is _S.CHARGED_OFF:
        return _S.JUDICIAL_RECOVERY if u < 0.15 else s
    if s is _S.TRANSFERRED and acc.product in (_P.MORTGAGE, _P.BUSINESS_LOAN):
        return _S.FORCED_LIQUIDATION if u < 0.25 else s
    if s is _S.OPEN:
        if ongoing and acc.product in _TERM:
            return _S.OVERDUE if u < 0.6 else s
        if k and acc.product in (_P.MORTGAGE, _P.BUSINESS_LOAN):
            return _S.COLLATERAL_SHORTFALL if u < 0.1 else s
        if (
            acc.product is _P.CREDIT_CARD
            and not acc.balance
            and not k
            and (as_of - acc.opened_on).days <= 365  # type: ignore[operator]
        ):
            return _S.NOT_ACTIVATED if u < 0.3 else s
    return s


def _closure_symbol(acc: CreditAccount, ev: ClosureEvent | None, special: Any) -> str:
    if special is _ST.GUARANTOR_COMPENSATION:
        return "D"
    if special is _ST.ASSET_FOR_DEBT:
        return "Z"
    tk = ev.termination if ev is not None else None
    if acc.status is _S.CHARGED_OFF or tk is TerminationKind.BAD_DEBT:
        return "B"
    if acc.status is _S.TRANSFERRED or tk is TerminationKind.ABNORMAL:
        return "G"
    return "C"


def _between(lo: _dt.date, hi: _dt.date, u: float) -> _dt.date:
    span = max(0, (hi - lo).days)
    return lo + _dt.timedelta(days=int(u * (span + 1)) if span else 0)


def _ended_special(acc: CreditAccount, ev: ClosureEvent | None, init: int, w: list[float]) -> Any:
    """The special transaction that ended an account, if any (kind or None)."""
    tk = ev.termination if ev is not None else None
    derog = tk in (TerminationKind.BAD_DEBT, TerminationKind.ABNORMAL) or acc.status in (
        _S.CHARGED_OFF,
        _S.TRANSFERRED,
    )
    if acc.product in _TERM and init == _I_CONSUMER:
        return _ST.EARLY_SETTLEMENT
    if derog and acc.product in (_P.MORTGAGE, _P.BUSINESS_LOAN):
        u = w[_W_SPECIAL]
        return _ST.GUARANTOR_COMPENSATION if u < 0.3 else _ST.ASSET_FOR_DEBT if u < 0.6 else None
    if derog and acc.balance and w[_W_SPECIAL] < 0.1:
        return _ST.DEBT_RELIEF
    return None


def _running_special(
    acc: CreditAccount, k: int, r: int, pat_end: int, ongoing: bool, w: list[float], as_of: Any
) -> list[SpecialTransaction]:
    """Extension / restructuring of a running account after its delinquency."""
    out: list[SpecialTransaction] = []
    if not k or acc.opened_on is None:
        return out
    after = max(acc.opened_on, _month_date(pat_end, 28) if pat_end >= 0 else acc.opened_on)
    after = min(after, as_of)
    on = _between(after, as_of, w[_W_DAY])
    amount = round(acc.balance or 0)
    if r >= 3 and w[_W_SPECIAL2] < 0.2:
        out.append(SpecialTransaction(kind=_ST.RESTRUCTURING, on=on, amount=amount))
    elif acc.product in _TERM and w[_W_SPECIAL2] > 0.9:
        months = 3 + int(w[_W_AMOUNT] * 10)
        out.append(SpecialTransaction(kind=_ST.EXTENSION, on=on, amount=amount, months=months))
    return out


def _limit_history(
    acc: CreditAccount, k: int, w: list[float], drop_after: _dt.date | None, as_of: _dt.date
) -> tuple[LimitChange, ...]:
    """Dated limit changes ending at the account's limit (documented in the module)."""
    opened, limit = acc.opened_on, acc.credit_limit
    if opened is None or not limit:
        return ()
    end = acc.closed_on or as_of
    u = w[_W_LIMN]
    n = (u < 0.45) + (u < 0.2) + (u < 0.08)
    drop = None
    if drop_after is not None and drop_after > opened and w[_W_DROP] < 0.25:
        drop = min(as_of, drop_after + _dt.timedelta(days=int(w[_W_DROPDAY] * 91)))
        end = drop_after
    span = (end - opened).days
    if span < 2:
        n = 0
    days = sorted(1 + int(w[_W_LAST + 1 + 3 * c] * (span - 1)) for c in range(n))
    cur = int(limit)
    changes: list[LimitChange] = []
    if drop is not None:
        before = round(cur * (1.25 + 0.75 * w[_W_DROPDAY]) / 100) * 100
        changes.append(LimitChange(on=drop, limit=cur, initiator=ClosureInitiator.PLATFORM_POLICY))
        cur = before
    for c in range(n - 1, -1, -1):
        wd, wf = w[_W_LAST + 2 + 3 * c], w[_W_LAST + 3 + 3 * c]
        on = opened + _dt.timedelta(days=days[c])
        if wd < (0.4 if k else 0.8):
            init = ClosureInitiator.CONSUMER if wf < 0.3 else ClosureInitiator.PLATFORM_POLICY
            prev = cur / (1.1 + 0.5 * wf)
        else:
            init = (
                ClosureInitiator.LENDER_RISK
                if k
                else ClosureInitiator.LENDER_INACTIVITY
                if not acc.balance
                else ClosureInitiator.PLATFORM_POLICY
            )
            prev = cur / (0.5 + 0.4 * wf)
        changes.append(LimitChange(on=on, limit=cur, initiator=init))
        cur = max(100, round(prev / 100) * 100)  # an int: round() of a float
    changes.append(LimitChange(on=opened, limit=cur, initiator=ClosureInitiator.UNKNOWN))
    changes.reverse()
    return tuple(changes)


def _account_v2(
    acc: CreditAccount,
    ev: ClosureEvent | None,
    j: int,
    d: dict[str, Any],
    i: int,
    w: list[float],
    as_of: _dt.date,
    drop_after: _dt.date | None,
) -> CreditAccount:
    """The v2 account of v1 account ``acc`` (slot ``j`` of row ``i``)."""
    assert acc.opened_on is not None
    z = d["z"][i]
    k, r = d["months"][i][j], d["run"][i][j]
    init, w6 = d["init"][i][j], d["w6"][i][j]
    ended = acc.status in _ENDED
    revolving = _IS_REV_LIST[d["prod"][i][j]]
    as_of_m = _mi(as_of)
    o = _mi(acc.opened_on)
    end_m = _mi(acc.closed_on) if ended and acc.closed_on is not None else as_of_m
    special = _ended_special(acc, ev, init, w) if ended else None
    if ended:
        align = w6 > 0 or init == _I_RISK
    else:
        p_on = _sigmoid((-1.0 if r >= 3 or acc.status is _S.SUSPENDED else -2.2) - 0.8 * z)
        align = bool(acc.balance) and w[_W_ONGOING] < p_on
    hist, pat_end = _history(
        as_of_m=as_of_m,
        o=o,
        end_m=end_m,
        ended=ended,
        base="*" if revolving and not ended and not acc.balance else "N",
        closure_symbol=_closure_symbol(acc, ev, special),
        k=k,
        r=r,
        align_end=align,
        avoid_last=end_m - 7 if ended else as_of_m,
        u_place=w[_W_PLACE],
        old_chargeoff=ended and w6 >= 181 and d["cdays"][i][j] > 730,
    )
    ongoing = not ended and hist[-1] in "1234567"
    periods = r if ongoing else 0
    due = (acc.credit_limit or 0) * _DUE_SHARE[acc.product]
    if ongoing:
        owed = due * periods
        overdue = round(min(owed, acc.balance) if acc.balance else owed)
    else:
        overdue = 0
    status = _status(acc, k, ongoing, w, as_of)
    specials: list[SpecialTransaction] = []
    if special is not None and acc.closed_on is not None:
        amount = round((acc.credit_limit or 0) * (0.1 + 0.8 * w[_W_AMOUNT]))
        specials.append(SpecialTransaction(kind=special, on=acc.closed_on, amount=amount))
    if status is _S.JUDICIAL_RECOVERY and acc.closed_on is not None:
        on = _between(acc.closed_on, as_of, w[_W_DAY])
        specials.append(SpecialTransaction(kind=_ST.JUDICIAL_RECOVERY, on=on, amount=acc.balance))
    if not ended:
        specials.extend(_running_special(acc, k, r, pat_end, ongoing, w, as_of))
    watch = any(t.kind is _ST.RESTRUCTURING for t in specials) or status in (
        _S.FROZEN,
        _S.STOPPED,
        _S.SUSPENDED,
        _S.COLLATERAL_SHORTFALL,
    )
    tkind = ev.termination if ev is not None else None
    start_m = as_of_m - len(hist) + 1
    delinquent = any(ch in "1234567" for ch in hist)
    first_on = None
    if delinquent:
        idx = min(hist.find(ch) for ch in "1234567" if ch in hist)
        first_on = min(as_of, max(acc.opened_on, _month_date(start_m + idx, acc.opened_on.day)))
    return CreditAccount(
        account_id=acc.account_id,
        product=acc.product,
        status=status,
        provider=acc.provider,
        opened_on=acc.opened_on,
        closed_on=acc.closed_on,
        credit_limit=acc.credit_limit,
        balance=acc.balance,
        worst_dpd_24m=acc.worst_dpd_24m,
        months_delinquent_24m=acc.months_delinquent_24m,
        max_consecutive_delinquent_24m=acc.max_consecutive_delinquent_24m,
        classification=_classify(ended, status, tkind, periods, watch),
        liability=_liability(acc.product, w[_W_LIAB]),
        institution_type=_institution(acc.provider, acc.product, w[_W_INST]),
        current_overdue_amount=None if ended else overdue,
        current_overdue_periods=None if ended else periods,
        first_delinquency_on=first_on,
        last_payment_on=_last_payment(acc, ended, tkind, hist, start_m, periods, w, as_of),
        repayment_history=hist,
        history_end=as_of,
        overdue_amounts=_overdue_amounts(hist, due) if delinquent else None,
        special_transactions=specials,
        limit_history=(
            _limit_history(acc, k, w, drop_after, as_of)
            if revolving and status is not _S.NOT_ACTIVATED
            else ()
        ),
    )


def _overdue_amounts(hist: str, due: float) -> tuple[int | None, ...]:
    out: list[int | None] = []
    for ch in hist:
        if ch in "/#":
            out.append(None)
        elif "1" <= ch <= "7":
            out.append(round(due * (ord(ch) - 48)))
        else:
            out.append(0)
    return tuple(out)


def _last_payment(
    acc: CreditAccount,
    ended: bool,
    tkind: Any,
    hist: str,
    start_m: int,
    periods: int,
    w: list[float],
    as_of: _dt.date,
) -> _dt.date | None:
    """The last payment date (documented in :mod:`credit_closure.synth`)."""
    opened = acc.opened_on
    assert opened is not None
    if ended:
        if tkind in (None, TerminationKind.NORMAL) and acc.status is _S.CLOSED:
            return acc.closed_on
        n = len(hist.rstrip("/CGBDZ").rstrip("1234567"))
        if n == 0:
            return None
        m = start_m + n - 1
        return max(opened, _month_date(m, opened.day)) if m >= _mi(opened) else None
    if not acc.balance and acc.is_revolving:
        return None
    m = _mi(as_of) - periods
    if m < _mi(opened):
        return None
    if periods:
        return max(opened, _month_date(m, opened.day))
    return max(opened, as_of - _dt.timedelta(days=int(w[_W_DAY] * 25)))


def _closure_v2(ev: ClosureEvent, acc: CreditAccount) -> ClosureEvent:
    """The v1 closure with its kind (and ``paid_as_agreed`` for a loan run to term)."""
    kind = None
    initiator = ev.initiator
    if acc.is_revolving:
        kind = ClosureKind.LINE_CLOSURE
    elif ev.termination is TerminationKind.NORMAL and acc.status is _S.CLOSED:
        if initiator is ClosureInitiator.CONSUMER:
            kind = ClosureKind.EARLY_SETTLEMENT
        elif initiator is ClosureInitiator.UNKNOWN:
            kind = ClosureKind.SETTLEMENT
            initiator = ClosureInitiator.PAID_AS_AGREED
    return ClosureEvent(
        account_id=ev.account_id,
        closed_on=ev.closed_on,
        initiator=initiator,
        reason=ev.reason,
        termination=ev.termination,
        balance_at_closure=ev.balance_at_closure,
        limit_at_closure=ev.limit_at_closure,
        worst_dpd_6m_before=ev.worst_dpd_6m_before,
        kind=kind,
    )


def _inquiries_v2(
    p1: CreditProfile, d2: dict[str, Any], i: int, self_employed: bool, as_of: _dt.date
) -> list[Inquiry]:
    """The v1 inquiries with institution types (some loan approvals of the self-employed as
    financing approvals), plus the v2 soft reasons."""
    wq = d2["wq"][i]
    out: list[tuple[int, int, Inquiry]] = []
    for n, q in enumerate(p1.inquiries):
        u0, u1 = wq[n % len(wq)]
        kind = q.kind
        if kind is InquiryKind.LOAN_APPROVAL and self_employed and u0 < 0.3:
            kind = InquiryKind.FINANCING_APPROVAL
        it = None
        if kind in _INQUIRY_TYPES:
            types, cum = _INQUIRY_TYPES[kind]
            it = types[_cum_pick(u1, cum)]
        out.append((-q.on.toordinal(), n, Inquiry(on=q.on, kind=kind, institution_type=it)))
    base = as_of.toordinal()
    counts = d2["n_soft"][i]
    for c, (kind, _, types) in enumerate(_V2_SOFT):
        count = counts[c]
        if kind is InquiryKind.EXECUTIVE_REVIEW and self_employed:
            count = d2["n_soft_exec"][i]
        for m in range(count):
            u = d2["wsoft"][i][c][m]
            on = _dt.date.fromordinal(base - int(u * 730))
            it = types[int(u * 7919) % len(types)]
            out.append((-on.toordinal(), len(out), Inquiry(on=on, kind=kind, institution_type=it)))
    out.sort(key=lambda t: (t[0], t[1]))
    return [t[2] for t in out]


def _poisson_count(u: float, lam: float, cap: int) -> int:
    """Inverse-CDF Poisson draw from one uniform, capped."""
    k, p = 0, math.exp(-lam)
    cdf = p
    while u > cdf and k < cap:
        k += 1
        p *= lam / k
        cdf += p
    return k


def _guarantees(d: dict[str, Any], d2: dict[str, Any], i: int, as_of: _dt.date) -> list[Guarantee]:
    z, se = d["z"][i], d["emp"][i] == 1
    lam = 0.06 + (0.35 if se else 0.0) + (0.04 if d["age"][i] >= 35 else 0.0)
    n = _poisson_count(d2["ws"][i][0], lam, len(d2["wg"][i]))
    p_bad = _sigmoid(-2.6 - 0.9 * z)
    out: list[Guarantee] = []
    for g in range(n):
        u = d2["wg"][i][g]
        enterprise = u[0] < (0.75 if se else 0.2)
        median = 300000.0 if enterprise else 80000.0
        amount = max(1000, round(median * math.exp(0.8 * d2["wn"][i][g]) / 1000) * 1000)
        opened = as_of - _dt.timedelta(days=int(u[1] * 2920))
        ends = opened + _dt.timedelta(days=365 + int(u[2] * 1461))
        if ends < as_of:
            status, balance, cls, od = _S.CLOSED, 0, LoanClassification.NORMAL, 0
        else:
            status, balance = _S.OPEN, round(amount * (0.2 + 0.8 * u[3]))
            if u[4] < p_bad:
                cls = _CLASSES[2 + int(u[5] * 3)]
                od = round(balance * (0.1 + 0.5 * u[6]))
            else:
                cls = LoanClassification.SPECIAL_MENTION if u[5] < 0.06 else _CLASSES[0]
                od = 0
        it = (
            InstitutionType.BANK
            if u[7] < 0.75
            else InstitutionType.MICROLOAN
            if u[7] < 0.85
            else InstitutionType.TRUST
            if u[7] < 0.93
            else InstitutionType.LEASING
        )
        out.append(
            Guarantee(
                guarantee_id=f"g{g + 1}",
                party=GuaranteedParty.ENTERPRISE if enterprise else GuaranteedParty.PERSON,
                amount=amount,
                balance=balance,
                classification=cls,
                status=status,
                institution_type=it,
                opened_on=opened,
                ends_on=ends,
                overdue_amount=od,
            )
        )
    return out


def _public_records(
    d: dict[str, Any], d2: dict[str, Any], i: int, as_of: _dt.date
) -> list[PublicRecord]:
    z, se = d["z"][i], d["emp"][i] == 1
    if d2["ws"][i][1] >= _sigmoid(-3.9 - 1.1 * z + (0.5 if se else 0.0)):
        return []
    n = min(len(d2["wr"][i]), 1 + d2["n_rec_extra"][i])
    out: list[tuple[_dt.date, PublicRecord]] = []
    for k in range(n):
        u = d2["wr"][i][k]
        kind_i = _cum_pick(u[0], _RECORD_CUM)
        kind = _RECORD_KINDS[kind_i]
        on = as_of - _dt.timedelta(days=int(u[1] * 1826))
        amount = round(_RECORD_MEDIAN[kind_i] * math.exp(0.9 * d2["wn"][i][4 + k]))
        p_open = 0.7 if kind is _RECORD_KINDS[4] else 0.45
        st = (
            _RECORD_STATUSES[0]
            if u[2] < p_open
            else _RECORD_STATUSES[1]
            if u[2] < p_open + (1 - p_open) * 0.73
            else _RECORD_STATUSES[2]
        )
        out.append((on, PublicRecord(kind=kind, on=on, amount=amount, status=st)))
    out.sort(key=lambda t: t[0])
    return [t[1] for t in out]


def _build_v2(
    p1: CreditProfile, d: dict[str, Any], d2: dict[str, Any], i: int, as_of: _dt.date
) -> CreditProfile:
    """The v2 profile of row ``i`` from its v1 profile ``p1``."""
    n = d["n_acc"][i]
    opened = d["opened"][i]
    order = sorted(range(n), key=lambda j: (-opened[j], j))
    events = {ev.account_id: ev for ev in p1.closures}
    # the latest revolving closure in the last year: the platform may cut the other lines
    drop_after = None
    for c in p1.closures:
        if (as_of - c.closed_on).days <= 365 and p1.account(c.account_id).is_revolving:
            if drop_after is None or c.closed_on > drop_after:
                drop_after = c.closed_on
    accounts = []
    wa = d2["wa"][i]
    for pos, acc in enumerate(p1.accounts):
        j = order[pos]
        ev = events.get(acc.account_id)
        drop = drop_after if acc.status is _S.OPEN and acc.is_revolving else None
        accounts.append(_account_v2(acc, ev, j, d, i, wa[j], as_of, drop))
    by_id = {a.account_id: a for a in p1.accounts}
    return CreditProfile(
        contract_version=2,
        subject_id=p1.subject_id,
        accounts=accounts,
        closures=[_closure_v2(ev, by_id[ev.account_id]) for ev in p1.closures],
        inquiries=_inquiries_v2(p1, d2, i, d["emp"][i] == 1, as_of),
        activity=p1.activity,
        attributes=p1.attributes,
        guarantees=_guarantees(d, d2, i, as_of),
        public_records=_public_records(d, d2, i, as_of),
    )
