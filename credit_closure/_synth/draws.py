"""Vectorised draws of one block of synthetic subjects (:mod:`credit_closure.synth`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from credit_closure._synth.tables import (
    _ACT_SLOTS,
    _BIZ,
    _BLOCK,
    _BURST_SLOTS,
    _CASH,
    _DAYS_PER_MONTH,
    _DELINQ_OFFSET,
    _EMP_INCOME,
    _EMP_PROBS,
    _H_SLOTS,
    _I_CONSUMER,
    _I_INACTIVE,
    _I_RISK,
    _I_UNKNOWN,
    _INIT_PROBS,
    _INST,
    _INSTALLMENT_MONTHS,
    _INSTALLMENT_PROBS,
    _IS_REV,
    _LIMIT_MEDIAN,
    _LIMIT_SIGMA,
    _LIMIT_UNIT,
    _MAX_ACC,
    _MORT,
    _N_UA,
    _PLATFORM_MAX_AGE,
    _PROD_PROBS,
    _PROVIDERS,
    _RC,
    _REASON_PROBS,
    _S_CHARGED_OFF,
    _S_CLOSED,
    _S_OPEN,
    _S_SUSPENDED,
    _S_TRANSFERRED,
    _SIX_MONTHS,
    _SOFT,
    _T_ABNORMAL,
    _T_BAD,
    _T_NONE,
    _T_NORMAL,
    _TIER_INCOME,
    _TIER_PROBS,
    _U_BALAMT,
    _U_BALFLAG,
    _U_CLOSE,
    _U_CTIME,
    _U_D1,
    _U_EPI,
    _U_EVENT,
    _U_GEO,
    _U_INIT,
    _U_INQ,
    _U_INQLAG,
    _U_LIMKNOWN,
    _U_MINOR,
    _U_OPEN,
    _U_PROD,
    _U_PROV,
    _U_REACT,
    _U_REASON,
    _U_REMAIN,
    _U_REMAMT,
    _U_RTIME,
    _U_STATUS,
    _U_TERM,
    _U_TKIND,
    _U_UNUSED,
    _U_W6,
    _WINDOW,
)


# ----------------------------------------------------------------------------------------
# Vectorised draws of one block
# ----------------------------------------------------------------------------------------
def _sigmoid(x: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-x))


def _pick(u: npt.NDArray[np.float64], probs: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Categorical index for uniforms ``u`` (any shape) and ``probs`` (``u.shape + (k,)``)."""
    cum = np.cumsum(probs, axis=-1)[..., :-1]
    idx: npt.NDArray[np.int64] = (u[..., None] >= cum).sum(axis=-1)
    return idx


def _block_rng(seed: int, block: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))


def _draw_block(seed: int, block: int) -> dict[str, Any]:
    """Draw every random quantity of one block of :data:`_BLOCK` subjects.

    Shapes are fixed, so subject ``i`` of the block depends only on ``(seed, block, i)``.
    Returns plain Python lists (``tolist()``) for the object-building loop. The phases run
    in the order of the generator's draws; ``v`` holds the block's arrays by name.
    """
    rng = _block_rng(seed, block)
    B, A = _BLOCK, _MAX_ACC
    z = rng.standard_normal(B)
    ns = rng.standard_normal((8, B))
    us = rng.random((16, B))
    ua = rng.random((_N_UA, B, A))
    na = rng.standard_normal((3, B, A))
    v: dict[str, Any] = {"z": z, "ns": ns, "us": us, "ua": ua, "na": na}
    _draw_subjects(rng, v)
    _draw_accounts(v)
    _draw_term_and_hazard_closures(v)
    _draw_delinquency(v)
    _draw_lender_closures(v)
    _clip_delinquency_and_status(v)
    _draw_balances(v)
    _draw_closure_details(v)
    _draw_inquiries(rng, v)
    return _block_lists(v)


def _draw_subjects(rng: np.random.Generator, v: dict[str, Any]) -> None:
    """Age, employment, income, history length and the subject-level propensities."""
    B, A = _BLOCK, _MAX_ACC
    ns = v["ns"]
    us = v["us"]
    z = v["z"]
    # --- subject ----------------------------------------------------------------------
    age = np.clip(np.rint(35.0 + 9.5 * ns[0]), 20, 65).astype(np.int64)
    age_band = np.where(age <= 24, 0, np.where(age <= 29, 1, 2))
    emp = _pick(us[0], _EMP_PROBS[age_band])
    tier = _pick(us[1], np.broadcast_to(_TIER_PROBS, (B, 4)))
    ln_inc = (
        np.log(_TIER_INCOME[tier])
        + np.log(_EMP_INCOME[emp])
        + 0.25 * z
        + 0.01 * (age - 35)
        - 0.0006 * (age - 40) ** 2
        + 0.4 * ns[1]
    )
    income = np.maximum(800, np.rint(np.exp(ln_inc) / 100.0) * 100.0).astype(np.int64)
    income_missing = us[2] < np.where((emp == 1) | (emp == 4), 0.25, 0.10)
    max_hist = np.clip(age - 18, 1, 20) * 365.25
    hist_days = np.maximum(60, np.floor(max_hist * _sigmoid(0.4 + 0.3 * z + ns[2]))).astype(
        np.int64
    )
    lam_acc = np.maximum(0.1, 0.5 + 0.32 * hist_days / 365.25 + 0.5 * (emp == 1) - 0.3 * (emp == 3))
    n_acc = np.minimum(1 + rng.poisson(lam_acc), A)
    util_prop = _sigmoid(-1.1 - 0.8 * z + 0.6 * ns[3])
    p_unused = _sigmoid(-0.3 + 0.5 * z + 0.5 * ns[4])
    dq = -3.6 - 1.3 * z + 0.5 * ns[5]
    p_geo = np.clip(_sigmoid(0.8 + 0.6 * z), 0.2, 0.95)
    lam_extra = 0.2 + 1.5 * _sigmoid(-z - 1.0)
    extra_months = rng.poisson(np.broadcast_to(lam_extra[:, None], (B, A)))
    v["age"] = age
    v["dq"] = dq
    v["emp"] = emp
    v["extra_months"] = extra_months
    v["hist_days"] = hist_days
    v["income"] = income
    v["income_missing"] = income_missing
    v["ln_inc"] = ln_inc
    v["n_acc"] = n_acc
    v["p_geo"] = p_geo
    v["p_unused"] = p_unused
    v["tier"] = tier
    v["util_prop"] = util_prop


def _draw_accounts(v: dict[str, Any]) -> None:
    """Products, providers, opening ages, limits and terms of every account slot."""
    B, A = _BLOCK, _MAX_ACC
    age = v["age"]
    emp = v["emp"]
    hist_days = v["hist_days"]
    ln_inc = v["ln_inc"]
    n_acc = v["n_acc"]
    na = v["na"]
    ua = v["ua"]
    z = v["z"]
    # --- accounts ---------------------------------------------------------------------
    slot = np.arange(A)[None, :]
    valid = slot < n_acc[:, None]
    ptab = np.where((age < 23) | (emp == 3), 2, np.where(emp == 1, 1, 0))
    prod = _pick(ua[_U_PROD], np.broadcast_to(_PROD_PROBS[ptab][:, None, :], (B, A, 6)))
    prov_probs = np.zeros((6, 9))
    for k, provs in enumerate(_PROVIDERS):
        prov_probs[k, : len(provs)] = [p for _, p in provs]
    prov = _pick(ua[_U_PROV], prov_probs[prod])
    hd = hist_days[:, None]
    opened = np.where(slot == 0, hd, 1 + np.floor(ua[_U_OPEN] * hd)).astype(np.int64)
    opened = np.minimum(opened, hd)
    # Platform lines (Huabei, Jiebei and peers) exist only since about 2015: at most 11 years.
    platform = (prod == _RC) | (prod == _CASH)
    opened = np.where(
        platform & (opened > _PLATFORM_MAX_AGE),
        1 + np.floor(ua[_U_OPEN] * _PLATFORM_MAX_AGE),
        opened,
    ).astype(np.int64)
    is_rev = _IS_REV[prod]
    is_term = ~is_rev
    zc = z[:, None]
    limit = _LIMIT_MEDIAN[prod] * np.exp(
        _LIMIT_SIGMA[prod] * na[0] + 0.15 * zc + 0.3 * (ln_inc[:, None] - math.log(8000.0))
    )
    unit = _LIMIT_UNIT[prod]
    limit = np.maximum(unit, np.rint(limit / unit) * unit)

    term_months = np.select(
        [prod == _INST, prod == _MORT, prod == _BIZ],
        [
            _INSTALLMENT_MONTHS[_pick(ua[_U_TERM], np.broadcast_to(_INSTALLMENT_PROBS, (B, A, 4)))],
            120 + np.floor(ua[_U_TERM] * 241),
            12 + np.floor(ua[_U_TERM] * 25),
        ],
        default=10_000,
    )
    term_days = np.rint(term_months * _DAYS_PER_MONTH).astype(np.int64)
    v["is_rev"] = is_rev
    v["is_term"] = is_term
    v["limit"] = limit
    v["opened"] = opened
    v["prod"] = prod
    v["prov"] = prov
    v["term_days"] = term_days
    v["valid"] = valid
    v["zc"] = zc


def _draw_term_and_hazard_closures(v: dict[str, Any]) -> None:
    """Closures 1 and 2: term loans paid off; revolving lines closed by the age hazard."""
    B, A = _BLOCK, _MAX_ACC
    is_rev = v["is_rev"]
    is_term = v["is_term"]
    opened = v["opened"]
    term_days = v["term_days"]
    ua = v["ua"]
    valid = v["valid"]
    # Closure candidates, in increasing priority (later assignments override earlier ones).
    closed = np.zeros((B, A), bool)
    cdays = np.zeros((B, A), np.int64)
    init = np.full((B, A), -1)
    reason = np.full((B, A), -1)
    tkind = np.full((B, A), _T_NORMAL)
    p_event = np.full((B, A), 0.93)
    derog_source = np.zeros((B, A), bool)  # closed by the lender after serious delinquency

    # 1. Term loans paid off at maturity or early.
    matured = valid & is_term & (opened > term_days)
    early = valid & is_term & ~matured & (ua[_U_CLOSE] < 0.12) & (opened > 120)
    elapsed = np.where(early, 60 + np.floor(ua[_U_CTIME] * (opened - 60)), term_days).astype(
        np.int64
    )
    term_closed = matured | early
    closed |= term_closed
    cdays = np.where(term_closed, opened - elapsed, cdays)
    init = np.where(matured, _I_UNKNOWN, np.where(early, _I_CONSUMER, init))
    reason = np.where(matured, 6, np.where(early, np.where(ua[_U_REASON] < 0.7, 0, 6), reason))
    p_event = np.where(matured, 0.3, np.where(early, 0.9, p_event))

    # 2. Revolving lines closed by the age hazard (independent of z).
    p_close = 1.0 - np.exp(-0.05 * opened / 365.25)
    hazard = valid & is_rev & (opened > 90) & (ua[_U_CLOSE] < p_close)
    closed |= hazard
    cdays = np.where(hazard, np.floor(ua[_U_CTIME] * (opened - 60)).astype(np.int64), cdays)
    h_init = _pick(ua[_U_INIT], np.broadcast_to(_INIT_PROBS, (B, A, 6)))
    init = np.where(hazard, h_init, init)
    h_reason = _pick(ua[_U_REASON], _REASON_PROBS[np.maximum(h_init, 0)])
    reason = np.where(hazard, h_reason, reason)
    tkind = np.where(
        hazard & (ua[_U_TKIND] < np.where(h_init == _I_UNKNOWN, 0.30, 0.03)), _T_NONE, tkind
    )
    v["cdays"] = cdays
    v["closed"] = closed
    v["derog_source"] = derog_source
    v["hazard"] = hazard
    v["init"] = init
    v["p_event"] = p_event
    v["reason"] = reason
    v["term_closed"] = term_closed
    v["tkind"] = tkind


def _draw_delinquency(v: dict[str, Any]) -> None:
    """Delinquency in the 24-month window (3) and the lender reacting to 90+ DPD (4)."""
    closed = v["closed"]
    dq = v["dq"]
    extra_months = v["extra_months"]
    is_rev = v["is_rev"]
    na = v["na"]
    opened = v["opened"]
    p_geo = v["p_geo"]
    prod = v["prod"]
    ua = v["ua"]
    valid = v["valid"]
    zc = v["zc"]
    # 3. Delinquency in the 24-month window (raw; clipped to open months below).
    epi = valid & (ua[_U_EPI] < _sigmoid(dq[:, None] + _DELINQ_OFFSET[prod] + 0.5 * na[1]))
    run = 1 + np.floor(np.log1p(-ua[_U_GEO]) / np.log1p(-p_geo[:, None]))
    run = np.minimum(run, 24).astype(np.int64)
    minor = valid & ~epi & (ua[_U_MINOR] < 0.02 + 0.04 * _sigmoid(-zc))
    run = np.where(epi, run, np.where(minor, 1, 0))
    months = np.minimum(np.where(epi, run + extra_months, run), 24)
    d1 = 1 + np.floor(ua[_U_D1] * 30).astype(np.int64)

    # 4. A lender reacts to 90+ DPD: closes the line (or suspends a revolving line).
    serious = epi & (run >= 3) & (prod != _MORT) & (opened >= 150)
    react = serious & (ua[_U_REACT] < np.where(is_rev, 0.6, 0.45))
    suspended = serious & ~react & is_rev & ~closed & (ua[_U_RTIME] < 0.3)
    room = np.maximum(0, np.minimum(opened - 31, 700 - 30 * np.minimum(run, 20)))
    r_days = np.floor(ua[_U_RTIME] * room).astype(np.int64)
    v["d1"] = d1
    v["months"] = months
    v["r_days"] = r_days
    v["react"] = react
    v["run"] = run
    v["serious"] = serious
    v["suspended"] = suspended


def _draw_lender_closures(v: dict[str, Any]) -> None:
    """Closures 5 and 6: lender-risk closures in good standing; an old charge-off."""
    B, A = _BLOCK, _MAX_ACC
    cdays = v["cdays"]
    closed = v["closed"]
    derog_source = v["derog_source"]
    init = v["init"]
    is_rev = v["is_rev"]
    opened = v["opened"]
    p_event = v["p_event"]
    prod = v["prod"]
    r_days = v["r_days"]
    react = v["react"]
    reason = v["reason"]
    serious = v["serious"]
    tkind = v["tkind"]
    ua = v["ua"]
    us = v["us"]
    valid = v["valid"]
    z = v["z"]
    zc = v["zc"]
    # 5. Lender-risk closures of lines in good standing (risk signals elsewhere).
    quiet = (
        valid
        & is_rev
        & ~closed
        & ~serious
        & (opened > 120)
        & (ua[_U_REACT] < _sigmoid(-4.6 - 1.1 * zc))
    )
    q_days = np.floor(ua[_U_RTIME] * np.minimum(opened - 60, 700)).astype(np.int64)
    reason_risk = np.where(ua[_U_REASON] < 0.85, 5, np.where(ua[_U_REASON] < 0.9, 6, 7))
    for mask, days in ((quiet, q_days), (react, r_days)):
        closed |= mask
        cdays = np.where(mask, days, cdays)
        init = np.where(mask, _I_RISK, init)
        reason = np.where(mask, reason_risk, reason)
        tkind = np.where(mask, _T_NORMAL, tkind)
        p_event = np.where(mask, 0.93, p_event)
    derog_source |= react

    # 6. An old charge-off, 2-6 years ago, on the first account old enough.
    old_days = (760 + np.floor(us[3] * 1400)).astype(np.int64)
    cand = valid & (prod != _MORT) & (opened > old_days[:, None] + 120)
    old_flag = (us[4] < _sigmoid(-5.0 - 1.4 * z)) & cand.any(axis=1)
    old = np.zeros((B, A), bool)
    old[np.arange(B), cand.argmax(axis=1)] = True
    old &= old_flag[:, None]
    closed |= old
    cdays = np.where(old, old_days[:, None], cdays)
    init = np.where(old, np.where(us[5] < 0.7, _I_RISK, _I_UNKNOWN)[:, None], init)
    reason = np.where(old, np.where(us[5] < 0.7, 5, 7)[:, None], reason)
    p_event = np.where(old, 0.95, p_event)
    v["cdays"] = cdays
    v["closed"] = closed
    v["init"] = init
    v["old"] = old
    v["p_event"] = p_event
    v["reason"] = reason


def _clip_delinquency_and_status(v: dict[str, Any]) -> None:
    """Clip delinquency to the open months; terminations and statuses of the closures."""
    cdays = v["cdays"]
    closed = v["closed"]
    d1 = v["d1"]
    months = v["months"]
    old = v["old"]
    opened = v["opened"]
    react = v["react"]
    run = v["run"]
    suspended = v["suspended"]
    tkind = v["tkind"]
    ua = v["ua"]
    us = v["us"]
    # Clip delinquency to the months the account was open within the window.
    end = np.where(closed, cdays, 0)
    active = np.maximum(0, np.minimum(opened, _WINDOW) - np.minimum(end, _WINDOW)) // 30
    active = np.minimum(active, 24)
    months = np.minimum(months, active)
    run = np.minimum(run, months)
    worst = np.where(run > 0, 30 * (run - 1) + d1, 0)

    # Terminations of lender reactions follow the (clipped) depth of the delinquency.
    tk = ua[_U_TKIND]
    deep = np.where(tk < 0.55, _T_BAD, np.where(tk < 0.70, _T_ABNORMAL, _T_NORMAL))
    mid = np.where(tk < 0.04, _T_BAD, np.where(tk < 0.10, _T_ABNORMAL, _T_NORMAL))
    tkind = np.where(react, np.where(run >= 6, deep, np.where(run >= 3, mid, _T_NORMAL)), tkind)
    tkind = np.where(old, np.where(us[6] < 0.7, _T_BAD, _T_ABNORMAL)[:, None], tkind)

    st = ua[_U_STATUS]
    status = np.where(closed, _S_CLOSED, np.where(suspended, _S_SUSPENDED, _S_OPEN))
    status = np.where(
        closed & (tkind == _T_BAD), np.where(st < 0.8, _S_CHARGED_OFF, _S_TRANSFERRED), status
    )
    status = np.where(
        closed & (tkind == _T_ABNORMAL),
        np.where(st < 0.5, _S_CHARGED_OFF, np.where(st < 0.8, _S_TRANSFERRED, _S_CLOSED)),
        status,
    )
    v["months"] = months
    v["run"] = run
    v["status"] = status
    v["tkind"] = tkind
    v["worst"] = worst


def _draw_balances(v: dict[str, Any]) -> None:
    """Balances of open and closed accounts, and the balance at closure."""
    cdays = v["cdays"]
    closed = v["closed"]
    hazard = v["hazard"]
    init = v["init"]
    is_rev = v["is_rev"]
    limit = v["limit"]
    na = v["na"]
    old = v["old"]
    opened = v["opened"]
    p_unused = v["p_unused"]
    react = v["react"]
    run = v["run"]
    suspended = v["suspended"]
    term_closed = v["term_closed"]
    term_days = v["term_days"]
    tkind = v["tkind"]
    ua = v["ua"]
    util_prop = v["util_prop"]
    # --- balances ---------------------------------------------------------------------
    logit_u = np.log(util_prop / (1.0 - util_prop))[:, None]
    util = _sigmoid(logit_u + 0.9 * na[2])
    util = np.where(ua[_U_BALFLAG] < 0.02, 1.0 + 0.08 * ua[_U_BALAMT], util)
    unused = (ua[_U_UNUSED] < p_unused[:, None]) & (run < 2)
    util = np.where(run >= 2, np.maximum(util, 0.7 + 0.35 * ua[_U_BALAMT]), util)
    util = np.where(unused, 0.0, util)
    open_bal = np.where(is_rev, limit * util, limit * np.maximum(0.0, 1.0 - opened / term_days))
    open_bal = np.where(suspended, limit * (0.6 + 0.45 * ua[_U_BALAMT]), open_bal)

    bf, ba = ua[_U_BALFLAG], ua[_U_BALAMT]
    derog_close = react | old
    bac = np.select(
        [
            derog_close,
            term_closed & ~hazard,
            init == _I_CONSUMER,
            init == _I_RISK,
            init == _I_INACTIVE,
        ],
        [
            limit * (0.5 + 0.55 * ba),
            0.0,
            np.where(bf < 0.06, limit * (0.05 + 0.5 * ba), 0.0),
            np.where(bf < 0.6, limit * (0.2 + 0.8 * ba), 0.0),
            0.0,
        ],
        default=np.where(bf < 0.08, limit * (0.05 + 0.4 * ba), 0.0),
    )
    bac = np.where(closed, np.rint(bac), 0.0)
    owes_still = (ua[_U_REMAIN] < 0.55) & (cdays < 365)
    closed_bal = np.where(
        (tkind == _T_BAD) | (tkind == _T_ABNORMAL),
        bac * (0.7 + 0.3 * ua[_U_REMAMT]),
        np.where(owes_still, bac * (0.2 + 0.8 * ua[_U_REMAMT]), 0.0),
    )
    balance = np.rint(np.where(closed, closed_bal, open_bal))
    v["bac"] = bac
    v["balance"] = balance


def _draw_closure_details(v: dict[str, Any]) -> None:
    """Worst DPD before closure, whether an event is reported, the limit at closure."""
    cdays = v["cdays"]
    closed = v["closed"]
    limit = v["limit"]
    months = v["months"]
    old = v["old"]
    p_event = v["p_event"]
    react = v["react"]
    ua = v["ua"]
    us = v["us"]
    worst = v["worst"]
    # --- closure details ----------------------------------------------------------------
    w6u = ua[_U_W6]
    in_window = closed & (cdays < _WINDOW) & (months > 0)
    w6 = np.where(in_window & (react | (w6u < 0.6)), worst, 0)
    w6 = np.where(old, 181 + np.floor(us[7] * 180).astype(np.int64)[:, None], w6)
    w6 = np.where(closed & (w6u > 0.96), -1, w6)
    event = closed & (ua[_U_EVENT] < p_event)
    limit_at_close = np.where(ua[_U_LIMKNOWN] < 0.03, -1.0, limit)
    v["event"] = event
    v["limit_at_close"] = limit_at_close
    v["w6"] = w6


def _draw_inquiries(rng: np.random.Generator, v: dict[str, Any]) -> None:
    """Hard, burst and soft inquiries and activity records (the last draws of the block)."""
    B = _BLOCK
    closed = v["closed"]
    ns = v["ns"]
    opened = v["opened"]
    ua = v["ua"]
    valid = v["valid"]
    z = v["z"]
    # --- inquiries and activity -----------------------------------------------------------
    n_hard = np.minimum(rng.poisson(np.exp(0.1 - 0.5 * z + 0.3 * ns[6])), _H_SLOTS)
    n_burst = np.minimum(rng.poisson(np.exp(-1.7 - 0.9 * z)), _BURST_SLOTS)
    n_open = (valid & ~closed).sum(axis=1)
    n_soft = np.stack(
        [
            np.minimum(rng.poisson(0.3 * n_open), _SOFT[0]),
            np.minimum(rng.poisson(np.full(B, 0.35)), _SOFT[1]),
            np.minimum(rng.poisson(np.full(B, 0.04)), _SOFT[2]),
            np.minimum(rng.poisson(np.full(B, 0.06)), _SOFT[3]),
        ],
        axis=1,
    )
    uh = rng.random((2, B, _H_SLOTS))
    ub = rng.random((2, B, _BURST_SLOTS))
    usoft = rng.random((B, sum(_SOFT)))
    n_act = np.minimum(rng.poisson(np.full(B, 1.6)), _ACT_SLOTS)
    uact = rng.random((4, B, _ACT_SLOTS))
    u_out = rng.random(B)
    inq_lag = np.floor(ua[_U_INQLAG] * 21).astype(np.int64)
    inq_acc = valid & (ua[_U_INQ] < 0.85) & (opened + inq_lag <= _WINDOW)
    v["inq_acc"] = inq_acc
    v["inq_lag"] = inq_lag
    v["n_act"] = n_act
    v["n_burst"] = n_burst
    v["n_hard"] = n_hard
    v["n_soft"] = n_soft
    v["u_out"] = u_out
    v["uact"] = uact
    v["ub"] = ub
    v["uh"] = uh
    v["usoft"] = usoft


def _block_lists(v: dict[str, Any]) -> dict[str, Any]:
    """The block's arrays as plain Python lists, by name, for the object-building loop."""
    age = v["age"]
    bac = v["bac"]
    balance = v["balance"]
    cdays = v["cdays"]
    emp = v["emp"]
    event = v["event"]
    income = v["income"]
    income_missing = v["income_missing"]
    init = v["init"]
    inq_acc = v["inq_acc"]
    inq_lag = v["inq_lag"]
    limit = v["limit"]
    limit_at_close = v["limit_at_close"]
    months = v["months"]
    n_acc = v["n_acc"]
    n_act = v["n_act"]
    n_burst = v["n_burst"]
    n_hard = v["n_hard"]
    n_soft = v["n_soft"]
    opened = v["opened"]
    prod = v["prod"]
    prov = v["prov"]
    reason = v["reason"]
    run = v["run"]
    status = v["status"]
    tier = v["tier"]
    tkind = v["tkind"]
    u_out = v["u_out"]
    uact = v["uact"]
    ub = v["ub"]
    uh = v["uh"]
    us = v["us"]
    usoft = v["usoft"]
    w6 = v["w6"]
    worst = v["worst"]
    z = v["z"]
    return {
        "z": z.tolist(),
        "u_out": u_out.tolist(),
        "age": age.tolist(),
        "emp": emp.tolist(),
        "tier": tier.tolist(),
        "income": income.tolist(),
        "income_missing": income_missing.tolist(),
        "n_acc": n_acc.tolist(),
        "prod": prod.tolist(),
        "prov": prov.tolist(),
        "opened": opened.tolist(),
        "limit": limit.tolist(),
        "balance": balance.tolist(),
        "status": status.tolist(),
        "cdays": cdays.tolist(),
        "worst": worst.tolist(),
        "months": months.tolist(),
        "run": run.tolist(),
        "event": event.tolist(),
        "init": init.tolist(),
        "reason": reason.tolist(),
        "tkind": tkind.tolist(),
        "bac": bac.tolist(),
        "limit_at_close": limit_at_close.tolist(),
        "w6": w6.tolist(),
        "inq_acc": inq_acc.tolist(),
        "inq_lag": inq_lag.tolist(),
        "n_hard": n_hard.tolist(),
        "hard_days": np.floor(uh[0] * _WINDOW).astype(np.int64).tolist(),
        "hard_loan": (uh[1] < 0.6).tolist(),
        "n_burst": n_burst.tolist(),
        "burst_days": np.floor(ub[0] * _SIX_MONTHS).astype(np.int64).tolist(),
        "burst_loan": (ub[1] < 0.7).tolist(),
        "n_soft": n_soft.tolist(),
        "soft_days": np.floor(usoft * _WINDOW).astype(np.int64).tolist(),
        "n_act": n_act.tolist(),
        "act_pick": uact[0].tolist(),
        "act_days": np.floor(uact[1] * 90).astype(np.int64).tolist(),
        "act_secs": np.floor(uact[2] * 86400).astype(np.int64).tolist(),
        "act_kind": uact[3].tolist(),
        "near": us[8:16].T.tolist(),
    }
