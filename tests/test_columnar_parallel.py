"""score_columnar(n_jobs > 1): chunks of subjects on several threads give the serial result,
to the last bit, and the serial errors (credit_closure/_columnar/parallel.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _helpers import PORTFOLIO_AS_OF
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import InvalidInputError
from credit_closure._columnar import compiled as _columnar_compiled
from credit_closure._columnar import parallel
from credit_closure._columnar.tables import _Problems
from credit_closure.columnar import score_columnar

AS_OF = PORTFOLIO_AS_OF  # the date of the tables fixture

pytestmark = pytest.mark.skipif(not _columnar_compiled.available(), reason="numba is not installed")


def _subset(tables, n_subjects, seed):
    rng = np.random.default_rng(seed)
    ids = tables["attributes"]["subject_id"].to_numpy()
    keep = set(rng.choice(ids, size=min(n_subjects, ids.size), replace=False).tolist())
    return [
        tables[k][tables[k]["subject_id"].isin(keep)] for k in ("accounts", "closures", "inquiries")
    ]


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_subjects=st.integers(1, 600),
    chunk=st.integers(1, 2500),
    n_jobs=st.sampled_from([2, 3, -1]),
    shuffle=st.booleans(),
)
def test_parallel_equals_serial(tables, seed, n_subjects, chunk, n_jobs, shuffle):
    """Random subsets of subjects, chunk sizes (so chunk boundaries anywhere, one subject a
    chunk included), thread counts and row orders: the same frame, bit for bit."""
    args = _subset(tables, n_subjects, seed)
    if shuffle:
        rng = np.random.default_rng(seed)
        args = [t.iloc[rng.permutation(len(t))] for t in args]
    serial = score_columnar(*args, as_of=AS_OF, chunk_accounts=chunk)
    threaded = score_columnar(*args, as_of=AS_OF, chunk_accounts=chunk, n_jobs=n_jobs)
    pd.testing.assert_frame_equal(threaded, serial, check_exact=True)


def test_parallel_equals_serial_whole_and_logistic(tables, fitted):
    """All 2,500 subjects in many chunks, the rule scorer and a fitted scorecard."""
    args = (tables["accounts"], tables["closures"], tables["inquiries"], tables["attributes"])
    for scorer in ("rules", fitted):
        serial = score_columnar(*args, scorer=scorer, as_of=AS_OF, chunk_accounts=700)
        for n_jobs in (2, 4):
            threaded = score_columnar(
                *args, scorer=scorer, as_of=AS_OF, chunk_accounts=700, n_jobs=n_jobs
            )
            pd.testing.assert_frame_equal(threaded, serial, check_exact=True)


def test_parallel_errors_equal_serial(tables):
    """Problems in several chunks: the same InvalidInputError, input rows named."""
    acc = tables["accounts"].copy()
    acc.loc[[5, len(acc) - 3], "product"] = "loan"
    acc.loc[[40], "balance"] = -1.0
    errors = []
    for n_jobs in (1, 2, 3):
        with pytest.raises(InvalidInputError) as info:
            score_columnar(acc, as_of=AS_OF, chunk_accounts=400, n_jobs=n_jobs)
        errors.append(info.value.problems)
    assert errors[0] == errors[1] == errors[2]
    assert [path for path, _ in errors[0]] == ["accounts.product", "accounts.balance"]
    assert f"(rows 5, {len(acc) - 3})" in errors[0][0][1]


def test_scoring_error_of_first_chunk_is_raised(monkeypatch):
    """A scoring error raises in chunk order, after the problems of earlier chunks."""
    calls = []

    def prepare(i):
        cp = _Problems()
        if i == 2:
            cp.add("accounts", "bad chunk")
            return cp, None
        return cp, i

    def score(i):
        calls.append(i)
        if i == 1:
            raise ValueError("chunk 1")
        return i

    for threads in (1, 2):
        with pytest.raises(ValueError, match="chunk 1"):
            parallel.run_chunks(4, prepare, score, threads, _Problems())
    p = _Problems()
    parts = parallel.run_chunks(3, prepare, lambda i: i, 2, p)
    assert parts == [0, 1] and p.items == [("accounts", "bad chunk")]


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "2", None])
def test_bad_n_jobs(tables, bad):
    with pytest.raises(InvalidInputError, match="n_jobs"):
        score_columnar(tables["accounts"].iloc[:5], as_of=AS_OF, n_jobs=bad)


def test_chunk_size():
    """Several threads: a share each, never under MIN_CHUNK_ACCOUNTS, never over the cap."""
    m = parallel.MIN_CHUNK_ACCOUNTS
    assert parallel.chunk_size(10**6, 262_144, 1) == 262_144
    assert parallel.chunk_size(10**6, 262_144, 2) == 250_000  # 4 equal chunks, not 3 and a bit
    assert parallel.chunk_size(600_000, 262_144, 2) == 150_000  # 3 chunks rounded up to 4
    assert parallel.chunk_size(300_000, 262_144, 2) == 150_000
    assert parallel.chunk_size(10_000, 262_144, 2) == m
    assert parallel.chunk_size(10_000, 500, 2) == 500
    assert parallel.workers(-1) >= 1 and parallel.workers(3) == 3
