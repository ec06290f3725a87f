"""The fit pipeline of :meth:`~credit_closure._scorecard.logistic.LogisticScorer.fit`, one
named step at a time (each returns a named tuple the next step reads):

1. :func:`check_request`: the parameters, reason texts, scale and training data, every
   problem reported at once; the attribute columns used as inputs;
2. :func:`bin_candidates`: every candidate input binned (features and attributes);
3. :func:`select_by_iv`: inputs below ``min_iv`` dropped, ``max_inputs`` kept;
4. :func:`regress`: the L2 logistic regression on the WOE, dropping inputs whose
   coefficient comes out non-positive and refitting;
5. :func:`scorecard_inputs` and :func:`reason_texts_for`: points per bin and the texts of
   attribute reason codes;
6. :func:`training_scores` and :func:`training_metadata`: the training rows' points, the
   averages near the cutoff, AUC and KS, and the artifact's ``training`` record.

No input left after step 4 is an error (:func:`no_input_problems`), never a scorecard that
scores everyone alike with no reason. :func:`reason_text_warnings` names the scored lender
attributes without a reason text (``LogisticScorer.fit`` warns with them).

The method is described in the docstring of :mod:`credit_closure._scorecard.logistic`.
:func:`fit_scorecard` runs the steps; scikit-learn and :mod:`credit_closure.metrics` are
imported only when it runs, so loading and scoring an artifact never need them.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from credit_closure._contract.model import CreditProfile
from credit_closure._scorecard._validation import Problem, is_number, parse_date, type_name
from credit_closure._scorecard.binning import _code_distinct, fit_categorical, fit_numeric
from credit_closure._scorecard.binning_model import CategoricalBinning
from credit_closure._scorecard.fitted import (
    Binning,
    FittedState,
    ScorecardInput,
    _category,
    _points_for,
)
from credit_closure._scorecard.newton import CV_TOL, fit_logistic, with_intercept
from credit_closure._scorecard.parameters import (
    CLOSURE_ACT_FEATURES,
    _check_params,
    _check_texts,
    _default_attribute_text,
    _monotonic_for,
    attribute_reason_code,
)
from credit_closure._scorecard.trend import (
    TREND_MARGIN,
    combined_binning,
    fine_trends,
    regress_with_trends,
    trend_column,
)
from credit_closure._scoring.features import FEATURE_INDEX, FEATURE_NAMES, FEATURES, extract
from credit_closure._scoring.reasons import FEATURE_REASON, ReasonText
from credit_closure._scoring.scale import DEFAULT_SCALE, Scale
from credit_closure._version import __version__
from credit_closure.exceptions import InvalidInputError

#: ``(kind, name)`` of an input: ``("feature", name)`` or ``("attribute", name)``.
InputKey = tuple[str, str]


# --------------------------------------------------------------------------------------
# 1. The request
# --------------------------------------------------------------------------------------
class TrainingData(NamedTuple):
    """Checked training data: the profiles, their 0/1 outcomes and observation dates."""

    profiles: list[CreditProfile]
    outcomes: list[int]
    dates: list[_dt.date]


class AttributeColumn(NamedTuple):
    """A lender attribute used as an input: categorical or numeric, and its values (a
    category, ``None`` for missing; or a float, NaN for missing)."""

    categorical: bool
    values: list[Any] | np.ndarray


class AttributeColumns(NamedTuple):
    """The attribute inputs by name, and the problems of the attributes refused."""

    columns: dict[str, AttributeColumn]
    problems: list[Problem]


class FitRequest(NamedTuple):
    """Everything a fit starts from, checked."""

    params: dict[str, Any]
    scale: Scale
    texts: dict[str, ReasonText]
    data: TrainingData
    attributes: dict[str, AttributeColumn]
    training_note: str | None
    #: The feature matrix when the data came as tables (``data.profiles`` is then empty);
    #: ``None``: the features are extracted from ``data.profiles``.
    features: np.ndarray | None = None


def _check_outcomes(outcomes: list[Any], n: int, problems: list[Problem]) -> list[int]:
    """The outcomes as 0/1 ints; problems when they are not one 0/1 per profile of both
    classes."""
    ys: list[int] = []
    if len(outcomes) != n and not problems:
        problems.append(
            (
                "outcomes",
                f"must have one outcome per profile (got {len(outcomes)} for {n} profiles)",
            )
        )
    for i, v in enumerate(outcomes):
        try:
            ok = (not isinstance(v, str)) and (v == 0 or v == 1)
        except Exception:
            ok = False
        if ok:
            ys.append(1 if v == 1 else 0)
        else:
            problems.append((f"outcomes[{i}]", f"must be 0 or 1 (got {type_name(v)})"))
    if len(ys) == len(outcomes) and ys and (0 not in ys or 1 not in ys):
        problems.append(("outcomes", f"must contain both classes 0 and 1 (found only {ys[0]})"))
    return ys


def _check_dates(as_of: Any, n: int, problems: list[Problem]) -> list[_dt.date]:
    """One observation date per profile, from one date or one per profile."""
    dates: list[_dt.date] = []
    if isinstance(as_of, (list, tuple)):
        if len(as_of) != n:
            problems.append(
                (
                    "as_of",
                    f"must be one date or one per profile (got {len(as_of)} for {n} profiles)",
                )
            )
        for i, d in enumerate(as_of):
            got = parse_date(d, f"as_of[{i}]", problems)
            if got is not None:
                dates.append(got)
    else:
        got = parse_date(as_of, "as_of", problems)
        if got is not None:
            dates = [got] * n
    return dates


def check_training_data(profiles: Any, outcomes: Any, as_of: Any) -> TrainingData:
    """The checked training data; raises listing every problem of it."""
    problems: list[Problem] = []
    if isinstance(profiles, (str, bytes, Mapping)) or not isinstance(profiles, Sequence):
        problems.append(("profiles", "must be a sequence of CreditProfile"))
        profiles = []
    if isinstance(outcomes, (str, bytes, Mapping)) or not hasattr(outcomes, "__len__"):
        problems.append(("outcomes", "must be a sequence of 0/1 outcomes"))
        outcomes = []
    n = len(profiles)
    ys = _check_outcomes(list(outcomes), n, problems)
    if n < 2 and not problems:
        problems.append(("profiles", f"needs at least 2 profiles (got {n})"))
    dates = _check_dates(as_of, n, problems)
    dates_ok = len(dates) == n
    for i, p in enumerate(profiles):
        if not isinstance(p, CreditProfile):
            problems.append((f"profiles[{i}]", f"must be a CreditProfile (got {type(p).__name__})"))
        elif dates_ok:
            for path, msg in p.dated_after(dates[i]):
                problems.append((f"profiles[{i}].{path}", msg))
    if problems:
        raise InvalidInputError(problems, what="training data")
    return TrainingData(list(profiles), ys, dates)


def attribute_columns(
    profiles: Sequence[CreditProfile], attributes: Any, categorical: Any
) -> AttributeColumns:
    """The attributes used as inputs (``attributes``: ``"auto"``, names or ``None``), those
    named in ``categorical`` as categories; an attribute holding both numbers and strings is
    a problem."""
    if attributes is None:
        return AttributeColumns({}, [])
    if attributes == "auto":
        names = sorted({k for p in profiles for k in p.attributes})
    else:
        names = sorted(attributes)
    forced = set(categorical or ())
    out: dict[str, AttributeColumn] = {}
    problems: list[Problem] = []
    for name in names:
        raw = [p.attributes.get(name) for p in profiles]
        has_num = any(is_number(v) for v in raw)
        has_str = any(isinstance(v, str) for v in raw)
        if name in forced:
            out[name] = AttributeColumn(True, [None if v is None else _category(v) for v in raw])
        elif has_num and has_str:
            problems.append(
                (
                    f"attributes.{name}",
                    "holds both numbers and strings across profiles; make it one "
                    "type, or name it in categorical=[...]",
                )
            )
        elif has_str:
            out[name] = AttributeColumn(True, raw)
        else:
            out[name] = AttributeColumn(False, [math.nan if v is None else float(v) for v in raw])
    return AttributeColumns(out, problems)


class CheckedSettings(NamedTuple):
    """The fit parameters, scale and reason texts, and the problems found in them."""

    params: dict[str, Any]
    texts: dict[str, ReasonText]
    problems: list[Problem]


def check_settings(
    params: Mapping[str, Any], *, scale: Any, reason_texts: Any, training_note: Any
) -> CheckedSettings:
    """The problems of the parameters, the scale, the reason texts and the training note
    (shared by the fits from profiles and from tables)."""
    params = dict(params)
    problems = _check_params(params)
    if scale is not None and not isinstance(scale, Scale):
        problems.append(("scale", "must be a Scale or None"))
    texts, tproblems = _check_texts(reason_texts, "reason_texts")
    problems += tproblems
    if training_note is not None and not isinstance(training_note, str):
        problems.append(("training_note", "must be a string or None"))
    return CheckedSettings(params, texts, problems)


def check_request(
    params: Mapping[str, Any],
    *,
    scale: Any,
    reason_texts: Any,
    profiles: Any,
    outcomes: Any,
    as_of: Any,
    training_note: Any,
) -> FitRequest:
    """The checked fit request; raises listing every problem of the parameters and the
    data at once."""
    params, texts, problems = check_settings(
        params, scale=scale, reason_texts=reason_texts, training_note=training_note
    )
    try:
        data = check_training_data(profiles, outcomes, as_of)
    except InvalidInputError as exc:
        raise InvalidInputError(problems + exc.problems, what="training data") from None
    if problems:
        raise InvalidInputError(problems, what="training data")
    columns, problems = attribute_columns(
        data.profiles, params["attributes"], params["categorical"]
    )
    if problems:
        raise InvalidInputError(problems, what="training data")
    return FitRequest(
        params=params,
        scale=scale if scale is not None else DEFAULT_SCALE,
        texts=texts,
        data=data,
        attributes=columns,
        training_note=training_note,
    )


# --------------------------------------------------------------------------------------
# 2-3. Candidates and their selection
# --------------------------------------------------------------------------------------
class Columns(NamedTuple):
    """The training columns: every feature of every profile, and the attribute inputs."""

    features: np.ndarray  # (rows, len(FEATURES)) float64
    attributes: dict[str, AttributeColumn]
    #: Categorical attribute columns coded once (``binning._code_distinct``), by name; a
    #: column without an entry is coded where it is read.
    coded: Mapping[str, tuple[np.ndarray, list[Any]]] = {}

    def of(self, kind: str, name: str) -> np.ndarray | list[Any]:
        """The values of the input ``(kind, name)``."""
        if kind == "feature":
            return self.features[:, FEATURE_INDEX[name]]
        return self.attributes[name].values

    def bin_index(self, c: Candidate) -> np.ndarray:
        """The bin index of every row of the candidate ``c`` (from the coded column when
        there is one)."""
        b = c.binning
        got = self.coded.get(c.name) if c.kind == "attribute" else None
        if got is not None and isinstance(b, CategoricalBinning):
            return b.index_of_codes(*got)
        return b.transform_index(self.of(c.kind, c.name))


def coded_columns(
    attributes: Mapping[str, AttributeColumn],
) -> dict[str, tuple[np.ndarray, list[Any]]]:
    """Each categorical attribute column coded once, when its values allow the fast coding
    (an object array of strings and missing values)."""
    out = {}
    for name, col in attributes.items():
        if col.categorical:
            got = _code_distinct(col.values)
            if got is not None:
                out[name] = got
    return out


class Candidate(NamedTuple):
    """A binned candidate input."""

    kind: str
    name: str
    binning: Binning


class Candidates(NamedTuple):
    """The binned candidate inputs, and the status of the features left out."""

    candidates: list[Candidate]
    status: dict[InputKey, str]


class Selection(NamedTuple):
    """The candidates kept by IV, and the status of those dropped."""

    kept: list[Candidate]
    status: dict[InputKey, str]


def feature_matrix(data: TrainingData) -> np.ndarray:
    """Every feature of every training profile at its date, one row per profile."""
    feats = np.array([extract(p, d) for p, d in zip(data.profiles, data.dates)], dtype=np.float64)
    if feats.ndim != 2:  # pragma: no cover - extract always returns len(FEATURES) values
        feats = feats.reshape(len(data.profiles), len(FEATURE_NAMES))
    return feats


def bin_candidates(params: Mapping[str, Any], columns: Columns, y: np.ndarray) -> Candidates:
    """Every candidate input binned: the features (the closure counts only when allowed)
    monotonic in their domain direction, then the attribute inputs."""
    max_bins, share = int(params["max_bins"]), float(params["min_bin_share"])
    prebins = int(params["prebins"])
    smoothing = float(params["woe_smoothing"])
    method, shapes = params["binning"], params["shapes"]
    candidates: list[Candidate] = []
    status: dict[InputKey, str] = {}
    for j, spec in enumerate(FEATURES):
        if spec.name in CLOSURE_ACT_FEATURES and not params["allow_closure_counts"]:
            status[("feature", spec.name)] = "excluded_closure_count"
            continue
        b: Binning = fit_numeric(
            columns.features[:, j],
            y,
            max_bins=max_bins,
            min_bin_share=share,
            monotonic=_monotonic_for(spec.direction, shapes),
            prebins=prebins,
            method=method,
            smoothing=smoothing,
        )
        candidates.append(Candidate("feature", spec.name, b))
    for name, (is_cat, col) in columns.attributes.items():
        if is_cat:
            b = fit_categorical(
                col,
                y,
                max_groups=max_bins,
                min_group_share=share,
                method=method,
                smoothing=smoothing,
                coded=columns.coded.get(name),
            )
        else:
            b = fit_numeric(
                col,
                y,
                max_bins=max_bins,
                min_bin_share=share,
                monotonic=_monotonic_for("?", shapes),
                prebins=prebins,
                method=method,
                smoothing=smoothing,
            )
        candidates.append(Candidate("attribute", name, b))
    return Candidates(candidates, status)


def select_by_iv(
    candidates: Sequence[Candidate], min_iv: float, max_inputs: int | None
) -> Selection:
    """The candidates with a positive IV of at least ``min_iv``, the ``max_inputs``
    largest (ties: by kind, then name) when there are more."""
    status: dict[InputKey, str] = {}
    passing = []
    for c in candidates:
        if c.binning.iv <= 0.0 or c.binning.iv < float(min_iv):
            status[(c.kind, c.name)] = "below_min_iv"
        else:
            passing.append(c)
    if max_inputs is not None and len(passing) > max_inputs:
        ranked = sorted(passing, key=lambda c: (-c.binning.iv, c.kind, c.name))
        keep = {(c.kind, c.name) for c in ranked[:max_inputs]}
        for c in passing:
            if (c.kind, c.name) not in keep:
                status[(c.kind, c.name)] = "beyond_max_inputs"
        passing = [c for c in passing if (c.kind, c.name) in keep]
    return Selection(passing, status)


# --------------------------------------------------------------------------------------
# 4-5. Regression, points and texts
# --------------------------------------------------------------------------------------
class Regression(NamedTuple):
    """The inputs kept by the regression with their coefficients, the intercept, and the
    status of every input offered to it."""

    selected: list[Candidate]
    coefficients: list[float]
    intercept: float
    status: dict[InputKey, str]


def _woe_of(c: Candidate, columns: Columns) -> np.ndarray:
    """The WOE of every row of the candidate ``c``."""
    woe: np.ndarray = np.asarray(c.binning.woe, dtype=np.float64)[columns.bin_index(c)]
    return woe


def regress(
    passing: Sequence[Candidate],
    columns: Columns,
    y: np.ndarray,
    C: float,
) -> Regression:
    """L2 logistic regression of ``y`` on the inputs' WOE (:mod:`.newton`); an input whose
    coefficient comes out non-positive (the smallest first) is dropped and the model
    refitted, from the previous solution without that input. Without an input, the
    intercept is the training log-odds."""
    n = len(y)
    status: dict[InputKey, str] = {}
    selected = list(passing)
    coefs: list[float] = []
    n_bad = int(y.sum())
    intercept = math.log(n_bad / (n - n_bad))
    if selected:
        Xa = with_intercept(np.column_stack([_woe_of(c, columns) for c in selected]))
        start: np.ndarray | None = None
        while selected:
            fit = fit_logistic(Xa, y, float(C), start)
            coefs = [float(c) for c in fit.coef]
            intercept = fit.intercept
            worst = min(range(len(coefs)), key=lambda i: coefs[i])
            if coefs[worst] > 0.0:
                break
            dropped = selected.pop(worst)
            status[(dropped.kind, dropped.name)] = "dropped_non_positive_coefficient"
            Xa = np.delete(Xa, worst, axis=1)
            start = np.delete(np.append(fit.coef, fit.intercept), worst)
    if not selected:
        coefs = []
        intercept = math.log(n_bad / (n - n_bad))
    for c in selected:
        status[(c.kind, c.name)] = "selected"
    return Regression(selected, coefs, intercept, status)


def regress_trends(
    passing: Sequence[Candidate],
    columns: Columns,
    y: np.ndarray,
    C: float,
    params: Mapping[str, Any],
) -> Regression:
    """:func:`regress` with a trend term for each numeric attribute (:mod:`.trend`); each
    such input kept is returned with its binning on its fine bins, valued so that
    ``coefficient * woe`` is its whole log-odds term."""
    trends = fine_trends(passing, columns, y, params)
    if not trends:
        return regress(passing, columns, y, C)
    got = regress_with_trends(
        passing, trends, [_woe_of(c, columns) for c in passing], columns, y, C
    )
    status: dict[InputKey, str] = {
        (c.kind, c.name): "dropped_non_positive_coefficient" for c in got.dropped
    }
    if not got.selected:
        return Regression([], [], math.log(int(y.sum()) / (len(y) - int(y.sum()))), status)
    selected = []
    for c, coef in zip(got.selected, got.coefficients):
        key = (c.kind, c.name)
        if key in got.trend_coefficients:
            ratio = got.trend_coefficients[key] / coef
            c = Candidate(c.kind, c.name, combined_binning(c, trends[key], ratio))
        selected.append(c)
        status[key] = "selected"
    return Regression(selected, got.coefficients, got.intercept, status)


#: The values ``C="auto"`` chooses from, in the order a tie is broken (the first wins):
#: the fixed default before ``"auto"`` first, then stronger and weaker penalties.
C_GRID = (0.3, 0.1, 1.0, 0.03, 0.01)
C_GRID_ASCENDING = tuple(sorted(C_GRID))
#: The folds of the cross-validation that chooses ``C`` (``C="auto"``).
C_FOLDS = 3
#: ``C="auto"`` falls back to this when a class has fewer than ``2 * C_FOLDS`` rows.
C_FALLBACK = 0.3
#: ``C="auto"`` leaves ``C_GRID[0]`` only for a value whose CV AUC is larger by at least
#: this much. A 3-fold CV of a few hundred bads differs by up to about 0.014 between values
#: of ``C`` that do equally well on new rows (German credit: the largest such gain of 30
#: fits in the round-6 exploration was 0.0135), while the gain it is there to find is 0.025
#: to 0.037 (``lending_club``, 5 % bads: 30 of 30 fits).
C_MARGIN = 0.015


class ChosenC(NamedTuple):
    """The ``C`` of the regression, and the mean inner-CV AUC of each value tried (empty
    when ``C`` was given, or when there were too few rows to choose); whether the numeric
    attributes get trend terms, and the mean CV AUC without and with them (``None`` when
    not chosen by CV)."""

    C: float
    cv_auc: dict[float, float]
    trend: bool = False
    trend_auc: tuple[float, float] | None = None


def _stratified_folds(y: np.ndarray, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` stratified folds of the rows (training, test), deterministic: each class's rows
    in a fixed random order (seed 0) dealt out in turn."""
    rng = np.random.default_rng(0)
    fold = np.empty(y.size, dtype=np.int64)
    for cls in (0, 1):
        rows = np.flatnonzero(y == cls)
        fold[rng.permutation(rows)] = np.arange(rows.size) % k
    return [(np.flatnonzero(fold != f), np.flatnonzero(fold == f)) for f in range(k)]


def _coded_subset(
    codes: np.ndarray, keys: list[Any], rows: np.ndarray
) -> tuple[np.ndarray, list[Any]]:
    """A coded column's ``rows``, coded over the keys they hold (in the keys' order; the
    binning does not depend on the order of its keys)."""
    sub = codes[rows]
    held = np.bincount(sub, minlength=len(keys)) > 0
    renumber = np.cumsum(held) - 1
    return renumber[sub], [k for k, h in zip(keys, held.tolist()) if h]


def _subset(columns: Columns, rows: np.ndarray) -> Columns:
    """The training columns of ``rows`` (coded columns stay coded)."""
    coded = {name: _coded_subset(c, k, rows) for name, (c, k) in columns.coded.items()}
    attrs = {
        name: AttributeColumn(
            col.categorical,
            # a coded column is read from its codes only (bin_candidates, bin_index)
            coded[name][0]
            if name in coded
            else np.asarray(col.values, dtype=object if col.categorical else np.float64)[rows],
        )
        for name, col in columns.attributes.items()
    }
    return Columns(columns.features[rows], attrs, coded)


class _FoldDesign(NamedTuple):
    """One fold of :func:`choose_c`: its rows, the inputs kept on its training rows and
    their WOE columns (training rows, held-out rows)."""

    train: np.ndarray
    test: np.ndarray
    inner: Columns
    held: Columns
    kept: list[Candidate]
    X: np.ndarray
    X_held: np.ndarray


def choose_c(params: Mapping[str, Any], columns: Columns, y: np.ndarray) -> ChosenC:
    """``params["C"]``, or with ``"auto"`` the value of :data:`C_GRID` with the largest mean
    AUC in a stratified :data:`C_FOLDS`-fold cross-validation of the whole fit (binning,
    selection and regression refitted on each fold's training rows, so the WOE never sees
    the rows it is scored on), when it beats ``C_GRID[0]`` by :data:`C_MARGIN` or more;
    ``C_GRID[0]`` otherwise. With ``numeric_trend="auto"``, the same folds decide whether
    the numeric attributes get trend terms (:mod:`.trend`) at the ``C`` chosen."""
    from credit_closure import metrics as _metrics

    auto_c = params["C"] == "auto"
    fixed = C_FALLBACK if auto_c else float(params["C"])
    auto_trend = params.get("numeric_trend", "off") == "auto" and any(
        not col.categorical for col in columns.attributes.values()
    )
    if not auto_c and not auto_trend:
        return ChosenC(fixed, {})
    n_bad = int(y.sum())
    if min(n_bad, y.size - n_bad) < 2 * C_FOLDS:
        return ChosenC(fixed, {})
    grid = C_GRID if auto_c else (fixed,)
    aucs: dict[float, list[float]] = {c: [] for c in grid}
    designs: list[_FoldDesign | None] = []
    for train, test in _stratified_folds(y, C_FOLDS):
        inner, held = _subset(columns, train), _subset(columns, test)
        binned = bin_candidates(params, inner, y[train])
        kept = select_by_iv(binned.candidates, params["min_iv"], params["max_inputs"]).kept
        if not kept:
            for c_value in grid:
                aucs[c_value].append(0.5)
            designs.append(None)
            continue
        X = np.column_stack([_woe_of(c, inner) for c in kept])
        X_held = np.column_stack([_woe_of(c, held) for c in kept])
        designs.append(_FoldDesign(train, test, inner, held, kept, X, X_held))
        # One regression per value, every kept input in it (the drop of non-positive
        # coefficients is left to the final fit), warm-started from the next smaller C.
        start: np.ndarray | None = None
        Xa, Xh = with_intercept(X), with_intercept(X_held)
        for c_value in sorted(grid):
            fit = fit_logistic(Xa, y[train], c_value, start, CV_TOL)
            start = np.append(fit.coef, fit.intercept)
            aucs[c_value].append(float(_metrics.roc_auc(y[test], Xh @ start)))
    means = {c: float(np.mean(v)) for c, v in aucs.items()}
    best = grid[0]
    for c_value in grid[1:]:
        if means[c_value] > means[best]:
            best = c_value
    if means[best] - means[grid[0]] < C_MARGIN:
        best = grid[0]
    cv_auc = means if auto_c else {}
    if not auto_trend:
        return ChosenC(best, cv_auc)
    # a fold without a trend input scores the WOE-only model
    tried = [_trend_auc(params, d, y, best) if d else None for d in designs]
    with_trend = [w if a is None else a for a, w in zip(tried, aucs[best])]
    trend_auc = (means[best], float(np.mean(with_trend)))
    return ChosenC(best, cv_auc, trend_auc[1] - trend_auc[0] > TREND_MARGIN, trend_auc)


def _trend_auc(params: Mapping[str, Any], d: _FoldDesign, y: np.ndarray, C: float) -> float | None:
    """The held-out AUC of one fold of :func:`choose_c` with the numeric attributes' trend
    terms added to its WOE columns (no input dropped, as for the choice of ``C``); ``None``
    when no input of the fold has a trend (the model is then the WOE-only one)."""
    from credit_closure import metrics as _metrics

    trends = fine_trends(d.kept, d.inner, y[d.train], params)
    if not trends:
        return None
    with_ = [c for c in d.kept if (c.kind, c.name) in trends]
    X = np.column_stack([d.X, *(trend_column(trends[(c.kind, c.name)], c, d.inner) for c in with_)])
    X_held = np.column_stack(
        [d.X_held, *(trend_column(trends[(c.kind, c.name)], c, d.held) for c in with_)]
    )
    fit = fit_logistic(with_intercept(X), y[d.train], C, None, CV_TOL)
    return float(_metrics.roc_auc(y[d.test], X_held @ fit.coef + fit.intercept))


def scorecard_inputs(regression: Regression, factor: float) -> list[ScorecardInput]:
    """The scorecard inputs of the regression: points per bin on the scale's ``factor``."""
    inputs = []
    for (kind, name, b), coef in zip(regression.selected, regression.coefficients):
        points, max_points = _points_for(b, coef, factor)
        code = FEATURE_REASON[name] if kind == "feature" else attribute_reason_code(name)
        inputs.append(
            ScorecardInput(
                name=name,
                kind=kind,
                binning=b,
                coefficient=coef,
                points=points,
                reason_code=code,
                max_points=max_points,
            )
        )
    return inputs


def reason_texts_for(
    inputs: Sequence[ScorecardInput], texts: Mapping[str, ReasonText]
) -> dict[str, ReasonText]:
    """A default text per attribute reason code (naming its attributes), then ``texts``."""
    by_code: dict[str, list[str]] = {}
    for inp in inputs:
        if inp.kind == "attribute":
            by_code.setdefault(inp.reason_code, []).append(inp.name)
    all_texts: dict[str, ReasonText] = {}
    for code, names in sorted(by_code.items()):
        all_texts[code] = _default_attribute_text(sorted(names))
    all_texts.update(texts)
    return all_texts


def reason_text_warnings(
    inputs: Sequence[ScorecardInput],
    texts: Mapping[str, ReasonText],
    attributes: Mapping[str, AttributeColumn],
) -> list[str]:
    """One sentence per scored lender attribute whose code has no text in ``texts`` (its
    reasons read the generic default), then one per attribute code in ``texts`` that names
    no attribute of the training data (a typo, most likely)."""
    out = []
    for inp in inputs:
        if inp.kind == "attribute" and inp.reason_code not in texts:
            t = _default_attribute_text([inp.name])
            out.append(
                f"input {inp.name!r} has no reason text (code {inp.reason_code}); "
                f"its reasons will read {t.zh} / {t.en}"
            )
    known = {attribute_reason_code(name) for name in attributes}
    for code in sorted(texts):
        if code.startswith("ATTR_") and code not in known:
            out.append(
                f"reason text {code} names no lender attribute of the training data "
                "(misspelt?); it is kept but no reason will use it"
            )
    return out


def no_input_problems(request: FitRequest, status: Mapping[InputKey, str]) -> list[Problem]:
    """Why no input passed selection, as the problem :func:`fit_scorecard` raises: the rows,
    what dropped the candidates, and the minimums they had to meet."""
    params, outcomes = request.params, request.data.outcomes
    n, n_bad = len(outcomes), sum(outcomes)
    count = {s: sum(1 for v in status.values() if v == s) for s in set(status.values())}
    share = float(params["min_bin_share"])
    why = [
        f"{count[key]} {text}"
        for key, text in (
            ("below_min_iv", f"had an information value of 0 or below min_iv={params['min_iv']!r}"),
            ("dropped_non_positive_coefficient", "got a non-positive regression coefficient"),
            ("excluded_closure_count", "count closures and are left out (allow_closure_counts)"),
        )
        if count.get(key)
    ]
    return [
        (
            "profiles",
            f"no input passed selection on {n} rows ({n_bad} bad, {n - n_bad} good): "
            f"{'; '.join(why) or 'no candidate input'}. Each bin needs at least "
            f"min_bin_share={share!r} of the rows ({max(1, math.ceil(share * n))} here) and an "
            "input needs a positive information value. A scorecard without inputs would "
            "score everyone alike and give no reasons, so none was made: train on more rows, "
            "with inputs that vary with the outcome",
        )
    ]


# --------------------------------------------------------------------------------------
# 6. Training scores and metadata
# --------------------------------------------------------------------------------------
class TrainingScores(NamedTuple):
    """Per input, the average points of the training rows near the cutoff (how many, by
    which rule), and the AUC and KS of the training probabilities."""

    cutoff_averages: list[float]
    near_rows: int
    near_rule: str
    auc: float
    ks: float


def training_scores(
    inputs: Sequence[ScorecardInput],
    intercept: float,
    scale: Scale,
    columns: Columns,
    y: np.ndarray,
    cutoff_band: float,
) -> TrainingScores:
    """Score the training rows: the points per input near ``approve_at`` (within
    ``cutoff_band``, else the 1% nearest) and the training AUC and KS."""
    from credit_closure import metrics as _metrics

    n = len(y)
    base_points = scale.offset - scale.factor * intercept
    pts = np.zeros((n, len(inputs)))
    lo = np.full(n, intercept)
    for j, inp in enumerate(inputs):
        idx = columns.bin_index(Candidate(inp.kind, inp.name, inp.binning))
        pts[:, j] = np.asarray(inp.points)[idx]
        lo += np.asarray(inp.log_odds)[idx]
    total = base_points + pts.sum(axis=1)
    dist = np.abs(total - scale.approve_at)
    near = dist <= float(cutoff_band)
    n_near = int(near.sum())
    cutoff_rule = f"within {float(cutoff_band)!r} points of approve_at"
    if n_near == 0:
        k_near = max(1, math.ceil(0.01 * n))
        near = np.zeros(n, dtype=bool)
        near[np.argsort(dist, kind="stable")[:k_near]] = True
        n_near = k_near
        cutoff_rule = "no training score within the band: the 1% nearest to approve_at"
    cutoff_avg = [float(math.fsum(pts[near, j].tolist())) / n_near for j in range(len(inputs))]
    prob = 1.0 / (1.0 + np.exp(-lo))
    auc = _metrics.roc_auc(y, prob)
    ks = _metrics.ks_statistic(y, prob)
    return TrainingScores(cutoff_avg, n_near, cutoff_rule, float(auc), float(ks.statistic))


def _method_text(params: Mapping[str, Any]) -> str:
    """The ``training.method`` sentence of the fitted method."""
    return (
        (
            "supervised binning (monotonic in the domain direction; "
            "increasing, decreasing, peak or valley by IV for inputs without one), "
            if params["shapes"] == "auto"
            else "supervised monotonic binning, "
        )
        + (
            "pre-bins grouped to the largest IV exactly (dynamic programming), "
            if params["binning"] == "optimal"
            else "pre-bins grouped by greedy merges, "
        )
        + f"risk WOE with {float(params['woe_smoothing'])!r} added to every bin's bads and goods, "
        "L2 logistic regression (scikit-learn's objective, solved by Newton-Cholesky steps"
        + (
            f", C chosen from {list(C_GRID)} by a {C_FOLDS}-fold CV of the whole fit, "
            f"{C_GRID[0]!r} unless another gains {C_MARGIN!r} AUC or more), "
            if params["C"] == "auto"
            else "), "
        )
        + (
            "numeric attributes given a trend term (the median value of each of their "
            "pre-bins, standardised) when that CV prefers it, "
            if params.get("numeric_trend", "off") == "auto"
            else ""
        )
        + "points per bin on the shared scale"
    )


def training_metadata(
    request: FitRequest,
    candidates: Sequence[Candidate],
    status: Mapping[InputKey, str],
    scores: TrainingScores,
    sklearn_version: str,
    chosen: ChosenC | None = None,
) -> dict[str, Any]:
    """The artifact's ``training`` record (its key order is the order it is written in);
    with ``C="auto"``, the ``C`` chosen and the CV AUC of each value tried."""
    data = request.data
    n, n_bad = len(data.outcomes), sum(data.outcomes)
    iv = {(c.kind, c.name): c.binning.iv for c in candidates}
    note = request.training_note
    return {
        "data": note if note is not None else "lender-supplied outcomes",
        "rows": n,
        "bads": n_bad,
        "bad_rate": n_bad / n,
        "as_of_min": min(data.dates).isoformat(),
        "as_of_max": max(data.dates).isoformat(),
        "versions": {
            "credit_closure": __version__,
            "scikit_learn": sklearn_version,
            "numpy": np.__version__,
        },
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in request.params.items()},
        "method": _method_text(request.params),
        "metrics": {
            "auc": scores.auc,
            "gini": float(2.0 * scores.auc - 1.0),
            "ks": scores.ks,
        },
        "near_cutoff_rows": scores.near_rows,
        "near_cutoff_rule": scores.near_rule,
        "selection": [
            {"name": nm, "kind": k, "iv": iv.get((k, nm), 0.0), "status": status[(k, nm)]}
            for k, nm in sorted(status)
        ],
        **(
            {"C": {"chosen": chosen.C, "cv_auc": {repr(c): a for c, a in chosen.cv_auc.items()}}}
            if chosen is not None and request.params["C"] == "auto"
            else {}
        ),
        **(
            {
                "numeric_trend": {
                    "chosen": chosen.trend,
                    "cv_auc": {"without": chosen.trend_auc[0], "with": chosen.trend_auc[1]},
                }
            }
            if chosen is not None and chosen.trend_auc is not None
            else {}
        ),
    }


# --------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------
def _one_blas_thread() -> Any:
    """A context in which BLAS runs on one thread (threadpoolctl, which scikit-learn
    requires): the fit's matrices have about 20 columns, too few for threads to pay, and on
    a busy machine BLAS threads spin waiting for each other (measured: twice the CPU time
    and 1.7 times the wall-clock time of a 100,000-row fit with ``C="auto"``)."""
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - installed with scikit-learn
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def fit_scorecard(request: FitRequest) -> FittedState:
    """Run the fit pipeline on a checked request (see the module docstring), BLAS on one
    thread."""
    with _one_blas_thread():
        return _fit_scorecard(request)


def _fit_scorecard(request: FitRequest) -> FittedState:
    """The steps of :func:`fit_scorecard`."""
    try:
        import sklearn
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "LogisticScorer.fit needs scikit-learn: pip install 'credit-closure[fit]' "
            "(loading and scoring a saved artifact do not)"
        ) from exc

    params, scale = request.params, request.scale
    y = np.asarray(request.data.outcomes, dtype=np.int64)
    feats = request.features if request.features is not None else feature_matrix(request.data)
    columns = Columns(feats, request.attributes, coded_columns(request.attributes))
    binned = bin_candidates(params, columns, y)
    selection = select_by_iv(binned.candidates, params["min_iv"], params["max_inputs"])
    chosen = choose_c(params, columns, y)
    if chosen.trend:
        regression = regress_trends(selection.kept, columns, y, chosen.C, params)
    else:
        regression = regress(selection.kept, columns, y, chosen.C)
    status = {**binned.status, **selection.status, **regression.status}
    if not regression.selected:
        raise InvalidInputError(no_input_problems(request, status), what="training data")
    inputs = scorecard_inputs(regression, scale.factor)
    scores = training_scores(inputs, regression.intercept, scale, columns, y, params["cutoff_band"])
    return FittedState(
        inputs=inputs,
        intercept=regression.intercept,
        scale=scale,
        texts=reason_texts_for(inputs, request.texts),
        cutoff_averages=scores.cutoff_averages,
        metadata=training_metadata(
            request, binned.candidates, status, scores, sklearn.__version__, chosen
        ),
    )
