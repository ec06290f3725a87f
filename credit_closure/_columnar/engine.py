"""Scoring a prepared batch with the built-in scorers, vectorised.

The rule scorer (:func:`_score_rules` on the numpy engine, :func:`_score_rules_compiled` on
the numba kernel) and the scorecard (:func:`_score_logistic`), each on a whole chunk of
subjects, closure impact included. Twins, to be changed together:

- :func:`_rule_pass` is ``credit_closure._scoring.rules.RuleScorer._evaluate`` on arrays;
- :func:`_top_reasons` is the reason ranking of ``credit_closure._scoring.assess`` (``_rank``);
- :func:`_counterfactual` is ``credit_closure._scoring.assess.counterfactual`` on columns;
- :func:`_logistic_bins`/:func:`_logistic_log_odds` are ``LogisticScorer._walk``;
- the features come from :func:`credit_closure._columnar.numpy_engine.compute_features` or the
  compiled kernel (:mod:`credit_closure._columnar.kernel`), twins of
  :func:`credit_closure._scoring.features.extract`.

Probabilities, scores, bands and decisions go through the scale's own Python code once per
distinct log-odds value (:func:`_scores`), or the compiled
:func:`~credit_closure._columnar.compiled.scale_many`, so every
number equals ``assess()``'s to the last bit.
"""

from __future__ import annotations

import datetime as _dt
import math
import weakref
from typing import Any

import numpy as np

from credit_closure._columnar.codes import kernel_codes, kernel_days
from credit_closure._columnar.numpy_engine import compute_features, day_number
from credit_closure._columnar.prepare import _Prepared
from credit_closure._columnar.report_features import report_features_columnar
from credit_closure._columnar.tables import (
    _attribute_array,
    _compiled,
    _Problems,
    _value_codes,
)
from credit_closure._columnar.v2 import counterfactual_activity, security_features
from credit_closure._contract.checks import _to_number
from credit_closure._scoring.rules import Condition, RuleScorer
from credit_closure._scoring.scale import Scale


# ------------------------------------------------------------------------------------------
# Rule scorer, vectorised
# ------------------------------------------------------------------------------------------
def _condition(F: np.ndarray, c: Condition) -> np.ndarray:
    """Where the ``when``/``when_any`` condition ``c`` holds (``c.missing`` where the feature
    is missing), as ``RuleScorer`` evaluates it."""
    v = F[:, c.feature_index]
    with np.errstate(invalid="ignore"):
        if c.op == "at_least":
            held = v >= c.value
        elif c.op == "below":
            held = v < c.value
        else:
            held = v == c.value
    return np.where(np.isnan(v), c.missing, held)


def _rule_pass(F: np.ndarray, scorer: RuleScorer) -> dict[str, Any]:
    """Log-odds, fired rules and their log-odds for every subject (RuleScorer.score, vectorised)."""
    policy = scorer.policy
    n = F.shape[0]
    log_odds = np.full(n, policy.base_log_odds)
    fired_all = []
    lo_all = []
    for rule in policy.rules:
        v = F[:, rule.index]
        valid = ~np.isnan(v)
        th = np.asarray(rule.thresholds)
        vv = np.where(valid, v, 0.0)
        if rule.at_least:
            step = np.searchsorted(th, vv, side="right") - 1
        else:
            step = np.searchsorted(-th, -vv, side="left") - 1
        fired = valid & (step >= 0)
        for cond in rule.when:
            fired &= _condition(F, cond)
        if rule.when_any:
            any_ = np.zeros(n, dtype=bool)
            for cond in rule.when_any:
                any_ |= _condition(F, cond)
            fired &= any_
        lo = np.asarray(rule.log_odds)[np.maximum(step, 0)]
        lo = np.where(fired, lo, 0.0)
        log_odds = np.where(lo != 0.0, log_odds + lo, log_odds)
        fired_all.append(fired)
        lo_all.append(lo)
    return {"log_odds": log_odds, "fired": fired_all, "lo": lo_all}


def _rule_probability(log_odds: float) -> float:
    return 1.0 / (1.0 + math.exp(-log_odds))


_DECISIONS = ("approve", "refer", "decline")


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values and, per element, the index of its value (hash-based when pandas is
    there, else sort-based)."""
    try:
        import pandas as pd

        codes, uniq = pd.factorize(values)
        return np.asarray(uniq, dtype=float), np.asarray(codes)
    except ImportError:  # pragma: no cover
        uniq, inv = np.unique(values, return_inverse=True)
        return uniq, inv.reshape(-1)


def _scores(
    log_odds: np.ndarray,
    scale: Scale,
    memo: dict[float, tuple[float, float, int, int]] | None = None,
    probability: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Score, probability, band index and cutoff decision index, exactly as ``assess``
    computes them: the scale's own Python code once per distinct log-odds value, the results
    kept in ``memo`` across chunks (the rules give few distinct values, and the same ones in
    every chunk). ``probability`` maps log-odds to the scorer's probability (the rule
    scorer's formula by default). The first array, ``scale.points(probability)``, is also
    what ``assess`` takes for a counterfactual."""
    if memo is None:
        memo = {}
    uniq, inv = _distinct(log_odds)
    names = [b.name for b in scale.bands]
    prob_of = _rule_probability if probability is None else probability
    rows = []
    for lo in uniq.tolist():
        hit = memo.get(lo)
        if hit is None:
            s, p = scale.scored(prob_of(lo))  # as assess() does
            hit = memo[lo] = (s, p, names.index(scale.band(s)), _DECISIONS.index(scale.decide(s)))
        rows.append(hit)
    if not rows:
        return (np.empty(0), np.empty(0), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int8))
    pts, prob, band, dec = zip(*rows)
    return (
        np.array(pts)[inv],
        np.array(prob)[inv],
        np.array(band, dtype=np.int64)[inv],
        np.array(dec, dtype=np.int8)[inv],
    )


def _top_reasons(totals: np.ndarray, forced: np.ndarray, k: int = 4) -> list[np.ndarray]:
    """Per subject, the codes (rows of the code-major ``totals``) of the ``k`` best reasons:
    forced by a trigger first, then most points lost, then the lower code (codes are sorted);
    -1 where there are fewer. ``totals`` is ``NaN`` where a code lost no points.

    Ranked in k vectorised steps, each an ``argmin`` over the codes of every subject: the
    first of equal totals is the lower code, as the scalar ranking's sort on
    ``(points, code)`` breaks ties; forced codes compete among themselves first."""
    m, n = totals.shape
    out: list[np.ndarray] = []
    if m == 0:
        return [np.full(n, -1) for _ in range(k)]
    # subject-major, +inf where there is no reason: a taken reason becomes +inf too
    key = np.where(np.isnan(totals), np.inf, totals).T.copy()
    fkey = np.where(forced.T, key, np.inf) if forced.any() else None
    rows = np.arange(n)
    for _ in range(min(k, m)):
        best = np.argmin(key, axis=1)
        if fkey is not None:
            fbest = np.argmin(fkey, axis=1)
            best = np.where(fkey[rows, fbest] < np.inf, fbest, best)
        found = key[rows, best] < np.inf
        out.append(np.where(found, best, -1))
        key[rows, best] = np.inf  # rows without a reason left hold +inf there already
        if fkey is not None:
            fkey[rows, best] = np.inf
    out += [np.full(n, -1) for _ in range(k - len(out))]
    return out


def _counterfactual(
    prep: _Prepared, as_of: _dt.date, keep_adverse: bool = False
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Subjects with closures to undo, and their counterfactual account columns (see
    :func:`credit_closure._scoring.assess.counterfactual`)."""
    from credit_closure._columnar.policy_engine import reopen_columns
    from credit_closure._scoring.assess import CLOSURE_IMPACT_MONTHS
    from credit_closure._scoring.features import months_before

    start = day_number(months_before(as_of, CLOSURE_IMPACT_MONTHS))
    return reopen_columns(prep.acc, prep.n, start, keep_adverse)


def _subset_inquiries(prep: _Prepared, subjects: np.ndarray) -> dict[str, np.ndarray]:
    from credit_closure._columnar.policy_engine import subset_inquiries

    return subset_inquiries(prep.inq, prep.n, subjects)


def _add_security(
    F: np.ndarray,
    acc: dict[str, np.ndarray],
    act: dict[str, np.ndarray] | None,
    n: int,
    as_of: _dt.date,
    config: Any,
) -> None:
    """Put the security features of the activity records into ``F`` (both engines leave them 0:
    ``credit_closure._columnar.v2.security_features`` counts them from the activity columns)."""
    if act is None:
        return
    from credit_closure._scoring.features import ACTIVITY_INDEX

    F[:, list(ACTIVITY_INDEX)] = security_features(acc, act, n, as_of, config)


def _add_cf_security(
    F_cf: np.ndarray,
    prep: _Prepared,
    subjects: np.ndarray,
    cf: dict[str, np.ndarray],
    as_of: _dt.date,
    config: Any,
) -> None:
    """:func:`_add_security` for the counterfactual accounts of ``subjects``."""
    act = prep.v2.act
    if act is None or subjects.size == 0:
        return
    cf_act = counterfactual_activity(prep.acc, act, subjects, prep.n)
    _add_security(F_cf, cf, cf_act, subjects.size, as_of, config)


def _report(
    prep: _Prepared, as_of: _dt.date, needed: bool = True, config: Any = None
) -> np.ndarray:
    """The report features of the batch (``FeatureSpec.from_report``) under ``config`` (the
    scorer's ``FeatureConfig``; ``None``: the default): computed once, here, for both engines;
    the counterfactual's are the same rows. A scorer that reads none of them (``needed``
    false: the default policies, say) gets ``NaN`` without the work."""
    if not needed:
        from credit_closure._scoring.features import REPORT_INDEX

        return np.full((prep.n, len(REPORT_INDEX)), np.nan)
    return report_features_columnar(prep.acc, prep.v2, prep.n, as_of, config)


def _reads_report(scorer: Any) -> bool:
    """Whether a rule scorer's rules or conditions, or a scorecard's inputs, read a report
    feature: the blocks the scorer says it reads (``_reads``, ``features.reads_of``), as on
    ``assess()``'s path (anything else: assume it does)."""
    reads = getattr(scorer, "_reads", None)
    return True if reads is None else bool(reads[2])


_KERNEL_RULES: weakref.WeakKeyDictionary[RuleScorer, Any] = weakref.WeakKeyDictionary()


_kernel_codes = kernel_codes  # the name the tests import


def _score_rules_compiled(
    prep: _Prepared,
    scorer: RuleScorer,
    as_of: _dt.date,
    memo: dict[float, tuple[float, float, int, int]],
) -> dict[str, np.ndarray]:
    """:func:`_score_rules` on the compiled engine (one numba pass per subject); a chunk with
    activity records is scored by :func:`_score_rules` (the kernel has no security features;
    both engines give the same numbers). An activity table without a record (every contract
    v2 batch of ``profiles_to_tables`` has one) leaves those features 0: the kernel scores it."""
    act = prep.v2.act
    if act is not None and act["g"].size:
        return _score_rules(prep, scorer, as_of, memo)
    from credit_closure._columnar import kernel as K
    from credit_closure._columnar.numpy_engine import _LENDER, _REVOLVING
    from credit_closure._scoring.assess import CLOSURE_IMPACT_MONTHS

    # compiled once per policy: a scorer re-initialised with another policy is compiled again
    hit = _KERNEL_RULES.get(scorer)
    if hit is None or hit[0] is not scorer.policy:
        hit = _KERNEL_RULES[scorer] = (scorer.policy, K.compile_rules(scorer))
    compiled = hit[1]
    config = scorer.policy.feature_config
    days = kernel_days(as_of, config.retention_months, CLOSURE_IMPACT_MONTHS)
    res = K.score_subjects(
        prep.acc,
        prep.inq,
        prep.n,
        days,
        kernel_codes(),
        _REVOLVING,
        _LENDER,
        scorer,
        compiled,
        report=_report(prep, as_of, _reads_report(scorer), config),
    )
    scale = scorer.scale
    # few distinct log-odds values (rule steps): the scale's Python code once per value
    score, prob, band_i, decision_i = _scores(res["log_odds"], scale, memo)
    trig = res["trigger"]
    decision_i[(trig == 1) & (decision_i == 0)] = 1
    decision_i[trig == 2] = 2
    decision = np.array(_DECISIONS, dtype=object)[decision_i]
    band = np.array([b.name for b in scale.bands], dtype=object)[band_i]
    code_arr = np.array(compiled.codes + [None], dtype=object)  # index -1 -> None
    reasons = code_arr[res["reasons"]]
    impact = np.zeros(prep.n)
    cf = res["cf_log_odds"]
    has = np.flatnonzero(~np.isnan(cf))
    if has.size:
        impact[has] = score[has] - _scores(cf[has], scale, memo)[0]
    return {
        "score": score,
        "probability_of_default": prob,
        "band": band,
        "decision": decision,
        "reason_1": reasons[:, 0],
        "reason_2": reasons[:, 1],
        "reason_3": reasons[:, 2],
        "reason_4": reasons[:, 3],
        "closure_impact": impact,
    }


# ------------------------------------------------------------------------------------------
# LogisticScorer, vectorised
# ------------------------------------------------------------------------------------------
def _features_pair(
    prep: _Prepared, as_of: _dt.date, compiled: bool, report_needed: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The features of every subject (the default extractor, as ``LogisticScorer`` uses),
    the subjects with closures to undo and their counterfactual features (the report
    features ``NaN`` unless ``report_needed``)."""
    from credit_closure._scoring.assess import CLOSURE_IMPACT_MONTHS
    from credit_closure._scoring.features import DEFAULT_CONFIG

    if compiled:
        from credit_closure._columnar.numpy_engine import _LENDER, _REVOLVING

        days = kernel_days(as_of, DEFAULT_CONFIG.retention_months, CLOSURE_IMPACT_MONTHS)
        from credit_closure._columnar import kernel

        res = kernel.score_subjects(
            prep.acc,
            prep.inq,
            prep.n,
            days,
            kernel_codes(),
            _REVOLVING,
            _LENDER,
            None,
            None,
            features=True,
            report=_report(prep, as_of, report_needed, DEFAULT_CONFIG),
        )
        has = np.flatnonzero(~np.isnan(res["cf_log_odds"]))
        F, F_cf = res["features"], res["cf_features"][has]
        _add_security(F, prep.acc, prep.v2.act, prep.n, as_of, DEFAULT_CONFIG)
        if prep.v2.act is not None and has.size:
            subjects, cf = _counterfactual(prep, as_of)
            _add_cf_security(F_cf, prep, subjects, cf, as_of, DEFAULT_CONFIG)
        return F, has, F_cf
    report = _report(prep, as_of, report_needed, DEFAULT_CONFIG)
    F = compute_features(prep.acc, prep.inq, prep.n, as_of, DEFAULT_CONFIG, report)
    _add_security(F, prep.acc, prep.v2.act, prep.n, as_of, DEFAULT_CONFIG)
    subjects, cf = _counterfactual(prep, as_of)
    if subjects.size == 0:
        return F, subjects, np.empty((0, F.shape[1]))
    F_cf = compute_features(
        cf,
        _subset_inquiries(prep, subjects),
        subjects.size,
        as_of,
        DEFAULT_CONFIG,
        report[subjects],  # the report features are the same for the counterfactual
    )
    _add_cf_security(F_cf, prep, subjects, cf, as_of, DEFAULT_CONFIG)
    return F, subjects, F_cf


def _normal(v: Any) -> Any:
    """An attribute value as a profile built from the row holds it."""
    v = _to_number(v)  # the contract's one rule for numbers (numpy scalars, Decimal)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer() and abs(v) <= 2**53:
        return int(v)
    return v


def _attribute_bins(prep: _Prepared, scorer: Any, p: _Problems) -> dict[int, np.ndarray]:
    """The bin of every attribute input (by its row of the scoring table) for every subject,
    exactly as ``LogisticScorer._walk`` bins: each distinct value of a column binned once
    (:func:`~credit_closure._columnar.tables._value_codes`), then looked up per subject.
    Bins are ``int16`` (a fitted card has a few dozen bins per input at most: checked by
    :func:`_score_logistic`), which keeps a chunk's working memory small."""
    from credit_closure._scorecard.logistic import _category

    out: dict[int, np.ndarray] = {}
    t = prep.attributes
    g = prep.attr_g
    for i, (kind, _idx, name, cuts, lookup, missing, unseen, _lo, _f) in enumerate(scorer._table):
        if kind == 0:
            continue
        if t is None or name not in t.columns or g is None:
            out[i] = np.full(prep.n, missing, dtype=np.int16)
            continue
        arr = _attribute_array(t, name)
        codes: np.ndarray
        if arr is not None and arr.dtype.kind in "iuf":
            vals = np.asarray(arr, dtype=float)
            if kind == 1:  # binned per value: as many distinct values as rows, often
                per_subject = np.full(prep.n, np.nan)
                per_subject[g] = vals
                b = np.searchsorted(np.asarray(cuts, dtype=float), per_subject, side="right")
                out[i] = np.where(np.isnan(per_subject), missing, b).astype(np.int16)
                continue
            uniq_f, codes = _distinct(vals)
            codes = np.where(np.isnan(vals), -1, codes)
            uniques: list[Any] = uniq_f.tolist()
        else:
            codes, uniques = _value_codes(t, name)
        if kind == 1:
            is_str = np.array([isinstance(v, str) for v in uniques] + [False])
            if is_str[codes].any():
                p.rows(
                    "attributes",
                    name,
                    is_str[codes],
                    "must be a number for this model (got string)",
                )
                out[i] = np.full(prep.n, missing, dtype=np.int16)
                continue
            plain = np.array([float(_normal(v)) for v in uniques], dtype=float)
            per_value = np.searchsorted(np.asarray(cuts, dtype=float), plain, side="right")
        else:
            per_value = np.array(
                [
                    lookup.get(u if isinstance(u, str) else _category(u), unseen)
                    for u in map(_normal, uniques)
                ],
                dtype=np.int64,
            )
        table = np.append(per_value, missing).astype(np.int16)  # code -1: no value
        per_subject_code = np.full(prep.n, -1, dtype=np.int64)
        per_subject_code[g] = codes
        out[i] = table[per_subject_code]
    return out


def _logistic_bins(
    scorer: Any, F: np.ndarray, rows: np.ndarray | None, attribute_bins: dict[int, np.ndarray]
) -> list[np.ndarray]:
    """The bin of every input for every subject (``rows``: the subjects ``F`` belongs to,
    ``None`` for all), exactly as ``LogisticScorer._walk`` bins; the attribute inputs' bins
    come from :func:`_attribute_bins` (the counterfactual changes features only)."""
    out = []
    for i, (kind, idx, _name, cuts, _lookup, missing, _u, _lo, _f) in enumerate(scorer._table):
        if kind == 0:
            v = F[:, idx]
            b = np.where(
                np.isnan(v),
                missing,
                np.searchsorted(np.asarray(cuts, dtype=float), v, side="right"),
            )
            out.append(b.astype(np.int16))
        else:
            out.append(attribute_bins[i] if rows is None else attribute_bins[i][rows])
    return out


def _logistic_log_odds(scorer: Any, bins: list[np.ndarray], n: int) -> np.ndarray:
    """Intercept plus each input's log-odds term, added in the inputs' order as ``_walk``
    adds them (so every rounding is the same)."""
    lo = np.full(n, scorer.intercept_)
    for row, b in zip(scorer._table, bins):
        lo = lo + np.asarray(row[7], dtype=float)[b]
    return lo


def _logistic_reasons(scorer: Any, bins: list[np.ndarray], n: int) -> list[np.ndarray]:
    """The four reason columns of :func:`_score_logistic`, ranked as ``_rank`` ranks: per
    code the points its inputs lost (summed in the inputs' order, as ``_rank`` sums the
    factors), most lost first, then the lower code.

    Every (total, code) pair a subject can have gets its rank among all of them, sorted by
    total then code. A code with one input has one total per bin (known from the card); a
    code with several has the totals the chunk holds. A subject's ranks are then distinct
    small integers, so one ``np.sort`` of each subject's row of ranks orders its reasons,
    ties included, with no Python per subject."""
    codes = sorted({row[8][0].code for row in scorer._table if row[8]})
    code_arr = np.array(codes + [None], dtype=object)  # index -1 -> None
    inputs: dict[str, list[int]] = {c: [] for c in codes}
    for i, row in enumerate(scorer._table):
        if row[8] and any(f.points < 0 for f in row[8]):
            inputs[row[8][0].code].append(i)
    # per code: its distinct totals, and per bin (one input) or per subject (several) the
    # index of the subject's total among them, -1 where it lost nothing
    totals: list[np.ndarray] = []
    index: list[np.ndarray | None] = []
    for code in codes:
        pts = [np.array([f.points for f in scorer._table[i][8]], dtype=float) for i in inputs[code]]
        if len(pts) <= 1:
            lost = pts[0] < 0 if pts else np.zeros(0, dtype=bool)
            per_bin = np.full(lost.size + 1, -1, dtype=np.int64)
            per_bin[np.flatnonzero(lost)] = np.arange(int(lost.sum()))
            totals.append(0.0 + pts[0][lost] if pts else np.empty(0))  # as _rank starts one
            index.append(per_bin)
            continue
        total = np.full(n, np.nan)
        for i, p in zip(inputs[code], pts):
            lost_i = np.where(p < 0, 0.0 + p, np.nan)[bins[i]]
            total = np.where(
                np.isnan(lost_i), total, np.where(np.isnan(total), lost_i, total + lost_i)
            )
        values, ids = _distinct(total)
        totals.append(values[~np.isnan(values)])  # NaN: lost nothing (pandas drops it)
        index.append(np.where(np.isnan(total), -1, ids))
    pairs = sorted(
        (v, k, j) for k, values in enumerate(totals) for j, v in enumerate(values.tolist())
    )
    absent = len(pairs)  # the rank of "no reason": after every real one
    dtype = np.int16 if absent < 2**15 else np.int32
    rank_of = [np.full(values.size + 1, absent, dtype=dtype) for values in totals]
    code_of_rank = np.full(absent + 1, -1, dtype=np.int64)
    for rank, (_, k, j) in enumerate(pairs):
        rank_of[k][j] = rank
        code_of_rank[rank] = k
    ranks = np.empty((n, len(codes)), dtype=dtype)
    for k, code in enumerate(codes):
        if len(inputs[code]) <= 1:  # per bin; -1 (nothing lost) picks the final "absent"
            per_bin_rank = rank_of[k][index[k]]
            ranks[:, k] = per_bin_rank[bins[inputs[code][0]]] if inputs[code] else absent
        else:
            ranks[:, k] = rank_of[k][index[k]]
    ranks.sort(axis=1)
    out = [code_arr[code_of_rank[ranks[:, j]]] for j in range(min(4, len(codes)))]
    return out + [np.full(n, None, dtype=object) for _ in range(4 - len(out))]


def _score_logistic(
    prep: _Prepared,
    scorer: Any,
    as_of: _dt.date,
    memo: dict[float, tuple[float, float, int, int]],
    compiled: bool,
) -> dict[str, np.ndarray]:
    """:class:`~credit_closure.LogisticScorer` on the whole chunk at once, equal to
    ``assess()`` with it: bins, log-odds, reasons (points below the reference, summed per
    code, worst first) and the closure impact on the counterfactual features. A card
    without feature inputs reads no account: its counterfactual score is its score, so its
    closure impact is 0, and neither is computed."""
    from credit_closure._scorecard.logistic import _sigmoid

    p = _Problems()
    n = prep.n
    if any(len(row[7]) >= 2**15 for row in scorer._table):  # never from fit(); int16 bins
        raise ValueError("a scorecard input has more than 32,767 bins")
    attribute_bins = _attribute_bins(prep, scorer, p)
    p.raise_if()
    if any(row[0] == 0 for row in scorer._table):
        F, cf_subjects, F_cf = _features_pair(prep, as_of, compiled, _reads_report(scorer))
    else:
        F, cf_subjects, F_cf = np.empty((n, 0)), np.empty(0, dtype=np.int64), np.empty((0, 0))
    bins = _logistic_bins(scorer, F, None, attribute_bins)
    lo = _logistic_log_odds(scorer, bins, n)
    scale = scorer.scale_
    if compiled:
        score, prob, band_i, decision_i = _compiled().scale_many(lo, scale, logistic=True)
    else:
        score, prob, band_i, decision_i = _scores(lo, scale, memo, _sigmoid)
    reasons = _logistic_reasons(scorer, bins, n)
    del bins, lo

    impact = np.zeros(n)
    if cf_subjects.size:
        cf_bins = _logistic_bins(scorer, F_cf, cf_subjects, attribute_bins)
        lo_cf = _logistic_log_odds(scorer, cf_bins, cf_subjects.size)
        if compiled:
            cf_points = _compiled().scale_many(lo_cf, scale, logistic=True)[0]
        else:
            cf_points = _scores(lo_cf, scale, memo, _sigmoid)[0]
        impact[cf_subjects] = score[cf_subjects] - cf_points
    return {
        "score": score,
        "probability_of_default": prob,
        "band": np.array([b.name for b in scale.bands], dtype=object)[band_i],
        "decision": np.array(_DECISIONS, dtype=object)[decision_i],
        "reason_1": reasons[0],
        "reason_2": reasons[1],
        "reason_3": reasons[2],
        "reason_4": reasons[3],
        "closure_impact": impact,
    }


def _score_rules(
    prep: _Prepared,
    scorer: RuleScorer,
    as_of: _dt.date,
    memo: dict[float, tuple[float, float, int, int]],
) -> dict[str, np.ndarray]:
    config = scorer.policy.feature_config
    report = _report(prep, as_of, _reads_report(scorer), config)
    F = compute_features(prep.acc, prep.inq, prep.n, as_of, config, report)
    _add_security(F, prep.acc, prep.v2.act, prep.n, as_of, config)
    rp = _rule_pass(F, scorer)
    scale = scorer.scale
    score, prob, band_i, decision_i = _scores(rp["log_odds"], scale, memo)

    # triggers override the cutoffs: any decline, else a refer turns an approve into refer
    rules = scorer.policy.rules
    for rule, fired in zip(rules, rp["fired"]):
        if rule.trigger_action == "refer":
            decision_i[fired & (decision_i == 0)] = 1
    for rule, fired in zip(rules, rp["fired"]):
        if rule.trigger_action == "decline":
            decision_i[fired] = 2
    decision = np.array(_DECISIONS, dtype=object)[decision_i]
    band = np.array([b.name for b in scale.bands], dtype=object)[band_i]

    # reasons: negative factors summed per code in rule order, ranked as _assess._rank does
    codes = sorted({r.reason for r in rules})
    col = {c: k for k, c in enumerate(codes)}
    totals = np.full((len(codes), prep.n), np.nan)  # code-major: rows are contiguous
    forced = np.zeros((len(codes), prep.n), dtype=bool)
    factor = scorer._factor
    for rule, fired, lo in zip(rules, rp["fired"], rp["lo"]):
        pts = -factor * lo
        neg = fired & (lo != 0.0) & (pts < 0)
        if neg.any():
            k = col[rule.reason]
            cur = totals[k]
            totals[k] = np.where(neg, np.where(np.isnan(cur), pts, cur + pts), cur)
        if rule.trigger_action in ("decline", "refer") and rule.trigger_code in col:
            forced[col[rule.trigger_code]] |= fired
    code_arr = np.array(codes + [None], dtype=object)  # index -1 -> None
    reasons = [code_arr[best] for best in _top_reasons(totals, forced)]

    # closure impact: the same pass on the counterfactual accounts of subjects with closures
    impact = np.zeros(prep.n)
    subjects, cf = _counterfactual(prep, as_of, config.counterfactual_keeps_adverse)
    if subjects.size:
        F_cf = compute_features(
            cf, _subset_inquiries(prep, subjects), subjects.size, as_of, config, report[subjects]
        )
        _add_cf_security(F_cf, prep, subjects, cf, as_of, config)
        cf_points = _scores(_rule_pass(F_cf, scorer)["log_odds"], scale, memo)[0]
        impact[subjects] = score[subjects] - cf_points
    return {
        "score": score,
        "probability_of_default": prob,
        "band": band,
        "decision": decision,
        "reason_1": reasons[0],
        "reason_2": reasons[1],
        "reason_3": reasons[2],
        "reason_4": reasons[3],
        "closure_impact": impact,
    }
