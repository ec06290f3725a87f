"""A scorer object changed in place (refitted, re-parameterised, re-initialised) is scored as
it is now on every path: the results equal a fresh scorer's built the same way, bit for bit,
and the assessments record the version the scorer has now (never a cached snapshot's)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from credit_closure import (
    Enterprise,
    LogisticScorer,
    Principal,
    RuleScorer,
    Scale,
    ScoreResult,
    assess,
    assess_many,
    what_if,
)
from credit_closure._columnar import kernel as _columnar_kernel  # the kernel itself (numba)
from credit_closure._contract import AccountStatus, profile_unchecked
from credit_closure._scoring import DEFAULT_POLICY_FILE, FEATURE_NAMES, Factor, extract
from credit_closure.columnar import profiles_to_tables, score_columnar
from credit_closure.synth import generate_portfolio

AS_OF = dt.date(2026, 6, 30)
N_OPEN = FEATURE_NAMES.index("n_open_accounts")


# -- the scorers, each in two variants: 0 (as built first) and 1 (after the change) ----------
class Tunable:
    """A plugin-style scorer that changes itself: ``set_params`` replaces its scale, version,
    reason texts, reason method and the weight of its one factor."""

    credit_closure_api = 1
    name = "tunable"

    def __init__(self, **params: Any) -> None:
        self.set_params(**params)

    def set_params(self, *, weight: float, base_points: float, tag: str) -> Tunable:
        self.weight = weight
        self.scale = Scale(base_points=base_points)
        self.version = f"tunable@{tag}"
        self.reason_texts = {"TUNE_LOAD": (f"Open accounts ({tag})", f"开户数 ({tag})")}
        self.reason_method = f"tuned-{tag}"
        return self

    def _result(self, n_open: float) -> ScoreResult:
        p = min(0.5, 0.01 + self.weight * n_open)
        return ScoreResult(
            probability_of_default=p,
            factors=(Factor(code="TUNE_LOAD", points=-100.0 * self.weight * n_open),),
        )

    def score(self, profile: Any, as_of: dt.date) -> ScoreResult:
        return self._result(extract(profile, as_of)[N_OPEN])


class TunableBatch(Tunable):
    """:class:`Tunable` with the optional batch method (columnar scoring calls it)."""

    def score_batch(self, features: Any, attributes: Any, as_of: dt.date) -> list[ScoreResult]:
        return [self._result(row[N_OPEN]) for row in features.tolist()]


PLUGIN_PARAMS = (
    {"weight": 0.02, "base_points": 600, "tag": "a"},
    {"weight": 0.035, "base_points": 650, "tag": "b"},
)
LOGISTIC_SCALES = (None, Scale(base_points=700))


def _policies() -> tuple[dict[str, Any], dict[str, Any]]:
    with open(DEFAULT_POLICY_FILE, encoding="utf-8") as f:
        first = json.load(f)
    second = copy.deepcopy(first)
    second["version"] = "2026.11.0-refit"
    second["scale"]["base_points"] = 680
    second["rules"] = second["rules"][1:]  # a rule fewer: the compiled policy differs too
    return first, second


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    pf = generate_portfolio(160, seed=31, as_of=AS_OF)
    profiles = [profile_unchecked(p, activity=()) for p in pf.profiles]
    return {"profiles": profiles, "outcomes": list(pf.outcomes)}


@pytest.fixture(scope="module")
def tables(data: dict[str, Any]) -> dict[str, Any]:
    return profiles_to_tables(data["profiles"][:60], container="numpy")


@pytest.fixture(scope="module")
def logistic_fitted(data: dict[str, Any]) -> tuple[LogisticScorer, LogisticScorer]:
    """A fitted scorer in each variant, built fresh (variant 1: another scale, other data)."""
    ps, ys = data["profiles"], data["outcomes"]
    first = LogisticScorer(scale=LOGISTIC_SCALES[0]).fit(ps, ys, as_of=AS_OF)
    second = LogisticScorer(scale=LOGISTIC_SCALES[1]).fit(ps[:150], ys[:150], as_of=AS_OF)
    return first, second


KINDS = ("logistic", "rules", "plugin", "plugin_batch")


@pytest.fixture(params=KINDS)
def kind(request: Any, data: dict[str, Any], logistic_fitted: Any) -> dict[str, Any]:
    """``build(v)``: a fresh scorer of variant ``v``; ``change(s)``: turn a variant-0 scorer
    into variant 1 in place."""
    if request.param == "logistic":
        ps, ys = data["profiles"], data["outcomes"]

        def change(s: LogisticScorer) -> None:
            s.set_params(scale=LOGISTIC_SCALES[1]).fit(ps[:150], ys[:150], as_of=AS_OF)

        return {
            "build": lambda v: copy.deepcopy(logistic_fitted[v]),
            "change": change,
        }
    if request.param == "rules":
        policies = _policies()
        return {
            "build": lambda v: RuleScorer(policies[v]),
            "change": lambda s: s.__init__(policies[1]),
        }
    cls = Tunable if request.param == "plugin" else TunableBatch
    return {
        "build": lambda v: cls(**PLUGIN_PARAMS[v]),
        "change": lambda s: s.set_params(**PLUGIN_PARAMS[1]),
    }


def _check(kind: dict[str, Any], run: Callable[[Any], Any]) -> None:
    """``run`` on a scorer changed in place after a first run equals ``run`` on a fresh
    scorer of the new variant, and differs from the old variant's results."""
    scorer = kind["build"](0)
    before = run(scorer)
    kind["change"](scorer)
    got = run(scorer)
    want = run(kind["build"](1))
    assert _plain(got) == _plain(want)
    assert _plain(got) != _plain(before)


def _plain(x: Any) -> Any:
    """Results as comparable plain data (numpy arrays become lists)."""
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return x.tolist()
    if hasattr(x, "to_dict") and hasattr(x, "columns"):  # a pandas DataFrame
        return _plain({c: x[c].to_numpy() for c in x.columns})
    return x


# -- the paths --------------------------------------------------------------------------------
def test_assess(kind: dict[str, Any], data: dict[str, Any]) -> None:
    ps = data["profiles"][:30]
    _check(kind, lambda s: [assess(p, scorer=s, as_of=AS_OF) for p in ps])


def test_assess_records_the_current_version(kind: dict[str, Any], data: dict[str, Any]) -> None:
    scorer = kind["build"](0)
    p = data["profiles"][0]
    old = assess(p, scorer=scorer, as_of=AS_OF).scorer_version
    kind["change"](scorer)
    a = assess(p, scorer=scorer, as_of=AS_OF)
    assert a.scorer_version == str(scorer.version) != old
    assert a.scorer_version == assess(p, scorer=kind["build"](1), as_of=AS_OF).scorer_version


def test_what_if(kind: dict[str, Any], data: dict[str, Any]) -> None:
    cases = []
    for p in data["profiles"]:
        open_ids = [a.account_id for a in p.accounts if a.status is AccountStatus.OPEN]
        if open_ids:
            cases.append((p, open_ids[0]))
        if len(cases) == 10:
            break
    _check(kind, lambda s: [what_if(p, close=c, on=AS_OF, scorer=s) for p, c in cases])


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_assess_many(kind: dict[str, Any], data: dict[str, Any], n_jobs: int) -> None:
    ps = data["profiles"][:40]
    _check(kind, lambda s: assess_many(ps, scorer=s, as_of=AS_OF, n_jobs=n_jobs, chunk_size=10))


def test_enterprise(kind: dict[str, Any], data: dict[str, Any]) -> None:
    ps = data["profiles"]
    ents = [
        Enterprise(
            enterprise_id=f"e-{i}",
            principals=(
                Principal(role="legal_representative", stake=0.6, profile=ps[2 * i]),
                Principal(role="shareholder", stake=0.4, profile=ps[2 * i + 1]),
            ),
        )
        for i in range(8)
    ]
    _check(kind, lambda s: [assess(e, scorer=s, as_of=AS_OF) for e in ents])


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_score_columnar(kind: dict[str, Any], tables: dict[str, Any], engine: str) -> None:
    if engine == "numba" and not _columnar_kernel.available():
        pytest.skip("numba is not installed")
    t = tables
    _check(
        kind,
        lambda s: score_columnar(
            t["accounts"],
            t["closures"],
            t["inquiries"],
            t["attributes"],
            scorer=s,
            as_of=AS_OF,
            engine=engine,
        ),
    )


def test_score_dask(kind: dict[str, Any], data: dict[str, Any]) -> None:
    dd = pytest.importorskip("dask.dataframe")
    pytest.importorskip("pandas")
    from credit_closure.dask import score_dask

    t = profiles_to_tables(data["profiles"][:40])
    frames = [dd.from_pandas(t[k], npartitions=2) for k in t]

    def run(s: Any) -> Any:
        out = score_dask(*frames, scorer=s, as_of=AS_OF).compute(scheduler="sync")
        return out.sort_values("subject_id").reset_index(drop=True)

    _check(kind, run)


def test_score_spark(kind: dict[str, Any], data: dict[str, Any], spark: Any) -> None:
    """Runs only with pyspark and Java installed (the session fixture in conftest.py)."""
    pd = pytest.importorskip("pandas")
    from credit_closure.spark import score_spark

    t = profiles_to_tables(data["profiles"][:40])

    def frame(df: Any) -> Any:
        out = df.copy()
        for c in out.columns:
            if str(out[c].dtype).startswith("datetime64"):
                out[c] = [None if pd.isna(v) else v.date() for v in out[c]]
        return spark.createDataFrame(out.astype(object).where(out.notna(), None))

    frames = [frame(t[k]) for k in t]

    def run(s: Any) -> Any:
        out = score_spark(*frames, scorer=s, as_of=AS_OF).toPandas()
        return out.sort_values("subject_id").reset_index(drop=True)

    _check(kind, run)


# -- the snapshot's identity: name and class ----------------------------------------------------
class _RenamedRules(RuleScorer):
    """A subclass outside the package: not a built-in, so its distribution is not ours."""


def test_a_renamed_or_reclassed_scorer_is_recorded_as_it_is_now(data: dict[str, Any]) -> None:
    """assess() reuses a scorer's snapshot only while the scorer's name and class are still
    the ones it was taken from (the fast check of a scorer seen before)."""
    p = data["profiles"][0]
    scorer = RuleScorer()
    first = assess(p, scorer=scorer, as_of=AS_OF)
    assert first.scorer == "rules" and first.scorer_distribution == "credit-closure"
    scorer.name = "house-rules"
    renamed = assess(p, scorer=scorer, as_of=AS_OF)
    assert renamed.scorer == "house-rules"
    scorer.__class__ = _RenamedRules
    moved = assess(p, scorer=scorer, as_of=AS_OF)
    assert moved.scorer_distribution != "credit-closure"
    assert moved.score == first.score  # same policy, same numbers
