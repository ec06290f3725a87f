"""Helpers shared by several test modules: paths, the example documents, the hostile-JSON
strategies and the corpus generator of tests/test_hardening.py, fingerprints of results, the
binning data and strategies of the binning tests (``test_binning*.py``, ``test_woe.py``), the
scorecard's training data and artifact helpers (``test_logistic.py``, ``test_fitting.py``,
``test_parameters.py``, ``test_artifact.py``) and the long tables and row comparisons of the
columnar tests (``test_columnar.py``, ``test_tables.py``, ``test_prepare.py``,
``test_convert.py``). Their fixtures (the fitted scorecard, the columnar portfolio and the
engine switch) are in ``tests/conftest.py``.

Test modules import them as ``from _helpers import ...`` (pytest puts ``tests/`` on the path, as
for ``strategies``)."""

from __future__ import annotations

import ast
import copy
import datetime as dt
import functools
import json
import math
import pathlib
import random
from typing import Any

import numpy as np
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st

import credit_closure
from credit_closure._contract import (
    ACCOUNT_FIELDS,
    ACTIVITY_FIELDS,
    CLOSURE_FIELDS,
    ENTERPRISE_FIELDS,
    INQUIRY_FIELDS,
    MAX_DOCUMENT_BYTES,
    PRINCIPAL_FIELDS,
    PROFILE_FIELDS,
    Limits,
)

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "profiles").glob("*.json"))
ENTERPRISE_EXAMPLES = sorted((ROOT / "examples" / "enterprise").glob("*.json"))
PACKAGE = pathlib.Path(credit_closure.__file__).resolve().parent
AS_OF = dt.date(2025, 12, 31)
AS_OF_TEXT = AS_OF.isoformat()


def full_sort_rank(result: Any, max_reasons: int = 4) -> list[tuple[float, str]]:
    """The reference ranking of reasons: every code's negative points summed in factor order,
    all sorted, the codes of decline and refer triggers first; the first ``max_reasons``
    ``(points, code)``."""
    totals: dict[str, float] = {}
    for f in result.factors:
        if f.points < 0:
            totals[f.code] = totals.get(f.code, 0.0) + f.points
    forced = {t.code for t in result.triggers if t.action != "alert"}
    order = sorted((code not in forced, pts, code) for code, pts in totals.items())
    return [(pts, code) for _, pts, code in order[:max_reasons]]


def two_cards(balance: float = 8000) -> credit_closure.CreditProfile:
    """An open card with ``balance`` of a 10,000 limit and a paid-off 20,000 card closed on
    2025-06-01: the smallest profile with a closure impact."""
    return credit_closure.CreditProfile.from_dict(
        {
            "subject_id": "s",
            "accounts": [
                {"account_id": "a", "product": "credit_card", "status": "open",
                 "opened_on": "2018-01-01", "credit_limit": 10000, "balance": balance},
                {"account_id": "b", "product": "credit_card", "status": "closed",
                 "opened_on": "2016-01-01", "closed_on": "2025-06-01",
                 "credit_limit": 20000, "balance": 0},
            ],
        }
    )  # fmt: skip


# --------------------------------------------------------------------------------------
# The corpus generator (tests/test_hardening.py::TestCorpus, tests/test_documents.py)
# --------------------------------------------------------------------------------------
def minimal_closed() -> dict[str, Any]:
    return {
        "subject_id": "p-big",
        "accounts": [
            {"account_id": "a", "product": "other", "status": "closed", "closed_on": "2020-01-01"}
        ],
    }


def dump(doc: Any) -> bytes:
    return json.dumps(doc, separators=(",", ":")).encode("utf-8")


@functools.cache
def generate(kind: str) -> bytes:
    """The bytes of a generated (too large to commit) corpus case."""
    n = 100_000
    if kind == "deep_arrays":
        return b"[" * n + b"]" * n
    if kind == "deep_objects":
        return b'{"a":' * n + b"1" + b"}" * n
    if kind == "oversize":
        body = (ROOT / "examples" / "profiles" / "01_clean_voluntary_huabei.json").read_bytes()
        return body + b" " * (MAX_DOCUMENT_BYTES + 1 - len(body))
    doc = minimal_closed()
    if kind == "accounts":
        doc["accounts"] = [
            {"account_id": f"a{i}", "product": "other", "status": "open"}
            for i in range(Limits.MAX_ACCOUNTS + 1)
        ]
    elif kind == "closures":
        doc["closures"] = [{"account_id": "a", "closed_on": "2020-01-01"}] * (
            Limits.MAX_CLOSURES + 1
        )
    elif kind == "inquiries":
        doc["inquiries"] = [{"on": "2025-01-01", "kind": "self"}] * (Limits.MAX_INQUIRIES + 1)
    elif kind == "activity":
        doc["activity"] = [{"account_id": "a", "at": "2025-01-01T00:00:00", "kind": "login"}] * (
            Limits.MAX_ACTIVITY + 1
        )
    elif kind == "attributes":
        doc["attributes"] = {f"x{i}": i for i in range(Limits.MAX_ATTRIBUTES + 1)}
    elif kind == "principals":
        doc = {
            "enterprise_id": "e-big",
            "principals": [
                {"role": "guarantor", "profile": {"subject_id": f"p-{i}"}}
                for i in range(Limits.MAX_PRINCIPALS + 1)
            ],
        }
    else:  # pragma: no cover - a typo in expected.json
        raise KeyError(kind)
    return dump(doc)


# --------------------------------------------------------------------------------------
# Fuzzing: random JSON and random mutations of the examples
# --------------------------------------------------------------------------------------
_FIELD_NAMES = sorted(
    set(ACCOUNT_FIELDS)
    | set(CLOSURE_FIELDS)
    | set(INQUIRY_FIELDS)
    | set(ACTIVITY_FIELDS)
    | set(PROFILE_FIELDS)
    | set(PRINCIPAL_FIELDS)
    | set(ENTERPRISE_FIELDS)
)


_SAMPLE_STRINGS = [
    "open",
    "closed",
    "credit_card",
    "consumer",
    "normal",
    "login",
    "self",
    "2025-02-30",
    "2025-06-10",
    "2026-01-01",
    "2025-07-01T10:00:00",
    "a1",
    "hb1",
    "",
    "\x00",
    "\ud800",
    "1e400",
    "NaN",
    "legal_representative",
]


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=-2, max_value=30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(_SAMPLE_STRINGS),
)
json_keys = st.one_of(st.sampled_from(_FIELD_NAMES), st.text(max_size=8))


json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(json_keys, children, max_size=6),
    ),
    max_leaves=25,
)


def _load_examples() -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in EXAMPLES]


EXAMPLE_DOCS = _load_examples()
ENTERPRISE_DOCS = [json.loads(p.read_text("utf-8")) for p in ENTERPRISE_EXAMPLES]


def _containers(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every list and dict inside ``doc`` (the root included)."""
    out = []
    if isinstance(doc, (dict, list)):
        out.append(path)
        items = doc.items() if isinstance(doc, dict) else enumerate(doc)
        for k, v in items:
            out.extend(_containers(v, path + (k,)))
    return out


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        doc = doc[k]
    return doc


@st.composite
def mutated_documents(draw: st.DrawFn, pool: list[dict[str, Any]]) -> Any:
    """A valid example with 1-3 random mutations: delete a key, change a value's type, set
    a random value, duplicate a list item."""
    doc = copy.deepcopy(draw(st.sampled_from(pool)))
    for _ in range(draw(st.integers(1, 3))):
        paths = _containers(doc)
        target = _at(doc, draw(st.sampled_from(paths)))
        if isinstance(target, dict):
            if not target:
                target[draw(json_keys)] = draw(json_values)
                continue
            key = draw(st.sampled_from(sorted(target)))
            op = draw(st.sampled_from(["delete", "retype", "set", "set_sample"]))
            if op == "delete":
                del target[key]
            elif op == "retype":
                old = target[key]
                target[key] = (
                    ([old] if not isinstance(old, list) else {"x": old})
                    if draw(st.booleans())
                    else (str(old) if not isinstance(old, str) else (len(old) or True))
                )
            elif op == "set":
                target[key] = draw(json_values)
            else:
                target[key] = draw(
                    st.sampled_from(_SAMPLE_STRINGS + [-1, 0, 1e308, 10**20, True, None])
                )
        elif target:
            i = draw(st.integers(0, len(target) - 1))
            op = draw(st.sampled_from(["duplicate", "delete", "set"]))
            if op == "duplicate":
                target.insert(i, copy.deepcopy(target[i]))
            elif op == "delete":
                del target[i]
            else:
                target[i] = draw(json_values)
        else:
            target.append(draw(json_values))
    return doc


FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# --------------------------------------------------------------------------------------
# Files: model artifacts and policies are data; nothing in them ever runs
# --------------------------------------------------------------------------------------
REFERENCE_ARTIFACT = PACKAGE / "data" / "logistic_reference.json"
DEFAULT_POLICY = PACKAGE / "data" / "default_policy.json"


@functools.lru_cache(maxsize=1)
def package_trees() -> tuple[tuple[pathlib.Path, ast.AST], ...]:
    """The parsed syntax tree of every module of the package."""
    return tuple(
        (path, ast.parse(path.read_text("utf-8"), filename=str(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
    )


def fingerprint(result: Any) -> str:
    """A bit-exact text of a result: its JSON plus float.hex of score and probability."""
    extra = ""
    if hasattr(result, "score"):
        extra = (
            f"{float(result.score).hex()}|{float(result.probability_of_default).hex()}|"
            f"{float(result.closure_impact).hex()}"
        )
    return json.dumps(result.to_dict(), sort_keys=True, default=str) + extra


# --------------------------------------------------------------------------------------
# Binning: data and strategies (test_binning.py, test_binning_model.py,
# test_binning_prebins.py, test_binning_search.py, test_woe.py)
# --------------------------------------------------------------------------------------
HYPO = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AWKWARD = ["a,b", '"q"', "中文", "x\ny", "", "missing", "back\\slash", "tab\tx"]


@st.composite
def numeric_xy(draw, max_size: int = 300):
    """A numeric column (ties, NaNs, wide ranges) with 0/1 labels holding both classes."""
    n = draw(st.integers(2, max_size))
    kind = draw(st.sampled_from(["pool", "wide", "int"]))
    if kind == "pool":
        pool = draw(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=8))
        x = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    elif kind == "wide":
        x = draw(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=n, max_size=n))
    else:
        x = [float(v) for v in draw(st.lists(st.integers(-20, 20), min_size=n, max_size=n))]
    holes = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    if draw(st.booleans()):
        x = [math.nan if h else v for v, h in zip(x, holes)]
    y = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    assume(0 < sum(y) < n)
    return np.asarray(x, dtype=float), np.asarray(y)


def step_data(n: int = 20_000, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """x uniform on [0, 1); the bad rate steps from 5% to 40% at x = 0.5."""
    rng = np.random.default_rng(seed)
    x = rng.random(n)
    y = (rng.random(n) < np.where(x < 0.5, 0.05, 0.40)).astype(int)
    return x, y


def u_data(n: int = 6000, seed: int = 8, sign: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """x uniform on [0, 1); the bad rate is 40% at both ends and 5% in the middle (a valley;
    ``sign=-1`` turns it into a peak)."""
    rng = np.random.default_rng(seed)
    x = rng.random(n)
    u = np.abs(x - 0.5) * 2.0  # 0 in the middle, 1 at the ends
    rate = 0.05 + 0.35 * u if sign > 0 else 0.40 - 0.35 * u
    return x, (rng.random(n) < rate).astype(int)


def categorical_xy(n: int = 4000, seed: int = 11) -> tuple[list[Any], list[int]]:
    """Categories (the awkward strings and two rare ones) whose bad rate rises along the list,
    with every 17th value missing."""
    rng = np.random.default_rng(seed)
    cats = np.array(AWKWARD + ["rare1", "rare2"])
    p_cat = np.array([0.2, 0.15, 0.15, 0.1, 0.1, 0.1, 0.1, 0.08, 0.01, 0.01])
    rate = dict(zip(cats, np.linspace(0.02, 0.5, len(cats))))
    x = rng.choice(cats, size=n, p=p_cat / p_cat.sum()).tolist()
    y = [int(rng.random() < rate[c]) for c in x]
    for i in range(0, n, 17):
        x[i] = None
    return x, y


def value_rates(b: Any) -> list[float]:
    """The bad rates of a numeric binning's non-empty value bins, in order."""
    return [bad / c for c, bad in zip(b.counts[:-1], b.bad_counts[:-1]) if c > 0]


def is_unimodal(values: list[float], shape: str) -> bool:
    """Non-decreasing up to the largest value, then non-increasing (a peak), or the reverse."""
    v = values if shape == "peak" else [-w for w in values]
    if not v:
        return True
    k = max(range(len(v)), key=v.__getitem__)
    return all(a <= b for a, b in zip(v[: k + 1], v[1 : k + 1])) and all(
        a >= b for a, b in zip(v[k:], v[k + 1 :])
    )


# --------------------------------------------------------------------------------------
# The scorecard and columnar scoring: a portfolio date shared by the fixtures of
# tests/conftest.py (data, fitted, saved; portfolio, tables)
# --------------------------------------------------------------------------------------
PORTFOLIO_AS_OF = dt.date(2026, 6, 30)
ODD = ["a,b", 'say "hi"', "花呗,用户", "plain"]  # categories with commas, quotes, Chinese


def small_attribute_data(n=400, seed=0):
    """Profiles with no accounts and only attributes (the German-credit shape)."""
    rng = random.Random(seed)
    profiles, outcomes = [], []
    for i in range(n):
        income = rng.choice([3000, 8000, 15000, 30000])
        purpose = rng.choice(["car", "tv", "education"])
        p_bad = 3000 / (income + 6000) + (0.15 if purpose == "education" else 0.0)
        profiles.append(
            credit_closure.CreditProfile(
                subject_id=f"s{i}", attributes={"monthly_income": income, "purpose": purpose}
            )
        )
        outcomes.append(int(rng.random() < p_bad))
    return profiles, outcomes


def rehash(doc):
    """Recompute the embedded sha256 of an artifact dict after an edit."""
    import hashlib

    from credit_closure._scorecard import canonical

    body = {k: v for k, v in doc.items() if k != "sha256"}
    doc["sha256"] = hashlib.sha256(canonical(body)).hexdigest()
    return doc


# --------------------------------------------------------------------------------------
# Columnar scoring: profiles, long tables, expected rows (test_columnar.py,
# test_tables.py, test_prepare.py, test_convert.py)
# --------------------------------------------------------------------------------------
def columnar_profiles(n: int, seed: int) -> list:
    """Synthetic profiles without activity (the columnar format carries none)."""
    from credit_closure._contract import profile_unchecked
    from credit_closure.synth import generate_portfolio

    pf = generate_portfolio(n, seed=seed, as_of=PORTFOLIO_AS_OF)
    return [profile_unchecked(p, activity=()) for p in pf.profiles]


def expected_rows(profiles, scorer="rules"):
    """What assess() gives each profile, keyed by subject id, as score_columnar's columns."""
    rows = {}
    for p in profiles:
        a = credit_closure.assess(p, scorer=scorer, as_of=PORTFOLIO_AS_OF)
        codes = [r.code for r in a.reasons] + [None] * (4 - len(a.reasons))
        rows[p.subject_id] = (
            a.score,
            a.probability_of_default,
            a.band,
            a.decision,
            *codes,
            a.closure_impact,
        )
    return rows


def output_rows(out) -> dict:
    """score_columnar's output (pandas, arrow or dict of numpy) as rows keyed by subject id."""
    import pandas as pd

    from credit_closure.columnar import OUTPUT_COLUMNS

    if isinstance(out, pd.DataFrame):
        cols = {c: out[c].tolist() for c in out.columns}
    elif hasattr(out, "column_names"):
        cols = out.to_pydict()
    else:
        cols = {c: list(v) for c, v in out.items()}
    assert tuple(cols) == OUTPUT_COLUMNS
    got = {}
    for i, sid in enumerate(cols["subject_id"]):
        vals = []
        for c in OUTPUT_COLUMNS[1:]:
            v = cols[c][i]
            if isinstance(v, float) and c.startswith("reason") and math.isnan(v):
                v = None
            vals.append(float(v) if isinstance(v, (float, np.floating)) else v)
        got[sid] = tuple(vals)
    return got


def long_accounts(**over):
    """A small valid accounts table (dict of numpy arrays, two subjects), columns replaced
    by ``over``."""
    base = {
        "subject_id": np.array(["s1", "s1", "s2"], dtype=object),
        "account_id": np.array(["a", "b", "a"], dtype=object),
        "product": np.array(["credit_card"] * 3, dtype=object),
        "status": np.array(["open", "closed", "open"], dtype=object),
        "opened_on": np.array(["2020-01-01"] * 3, dtype="datetime64[D]"),
        "closed_on": np.array(["NaT", "2025-01-01", "NaT"], dtype="datetime64[D]"),
        "credit_limit": np.array([1000.0, 2000.0, 3000.0]),
        "balance": np.array([10.0, 0.0, 20.0]),
    }
    base.update(over)
    return base


def columnar_problems(*args, **kwargs):
    """The problems of the InvalidInputError score_columnar raises on these tables."""
    import pytest

    from credit_closure.columnar import score_columnar

    with pytest.raises(credit_closure.InvalidInputError) as info:
        score_columnar(*args, as_of=PORTFOLIO_AS_OF, **kwargs)
    return info.value.problems


def in_process(tables: dict[str, Any], as_of: Any) -> Any:
    """The four contract v1 tables of ``tables`` scored in this process: what every
    distributed path (Dask, Spark) must give, row for row."""
    from credit_closure.columnar import score_columnar

    return score_columnar(
        tables["accounts"],
        tables["closures"],
        tables["inquiries"],
        tables["attributes"],
        as_of=as_of,
    )
