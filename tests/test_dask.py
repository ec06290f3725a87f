"""Tests of score_dask: identical to the single-machine columnar results, on local clusters."""

from __future__ import annotations

import datetime as dt

import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

from credit_closure import InvalidInputError, RuleScorer  # noqa: E402
from credit_closure._contract import profile_unchecked  # noqa: E402
from credit_closure.columnar import profiles_to_tables, score_columnar  # noqa: E402
from credit_closure.dask import score_dask  # noqa: E402
from credit_closure.synth import generate_portfolio  # noqa: E402

AS_OF = dt.date(2026, 6, 30)

# Loopback only, no dashboard: the scheduler's and workers' small HTTP endpoints (health,
# metrics) bind to 127.0.0.1 on a free port; the Bokeh dashboard is off.
LOOPBACK = {
    "host": "127.0.0.1",
    "dashboard_address": None,
    "worker_dashboard_address": None,
    "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},
}


@pytest.fixture(scope="module")
def tables():
    pf = generate_portfolio(800, seed=8, as_of=AS_OF)
    profiles = [profile_unchecked(p, activity=()) for p in pf.profiles]
    return profiles_to_tables(profiles)


@pytest.fixture(scope="module")
def expected(tables):
    return score_columnar(
        tables["accounts"],
        tables["closures"],
        tables["inquiries"],
        tables["attributes"],
        as_of=AS_OF,
    )


@pytest.fixture(scope="module")
def inproc_client():
    cluster = distributed.LocalCluster(
        processes=False, protocol="tcp://", n_workers=1, threads_per_worker=2, **LOOPBACK
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def _ddfs(tables, parts):
    return [
        dd.from_pandas(tables[k], npartitions=parts)
        for k in ("accounts", "closures", "inquiries", "attributes")
    ]


def _sorted(df):
    out = df.sort_values("subject_id").reset_index(drop=True)
    out["subject_id"] = out["subject_id"].astype(object)
    return out


class TestInProcessCluster:
    def test_identical_to_single_machine(self, tables, expected, inproc_client):
        """Every output row equals score_columnar on the whole tables."""
        out = score_dask(*_ddfs(tables, 5), as_of=AS_OF).compute()
        pd.testing.assert_frame_equal(_sorted(out), _sorted(expected))

    def test_partition_count_does_not_matter(self, tables, expected, inproc_client):
        """Shuffling into 1 or 7 partitions gives the same rows."""
        for n in (1, 7):
            out = score_dask(*_ddfs(tables, 3), as_of=AS_OF, npartitions=n).compute()
            pd.testing.assert_frame_equal(_sorted(out), _sorted(expected))

    def test_scorer_object_and_pandas_input(self, tables, inproc_client):
        """A RuleScorer object travels to the workers; pandas frames are accepted."""
        sub = tables["accounts"].iloc[:500]
        ref = score_columnar(sub, as_of=AS_OF, scorer=RuleScorer())
        out = score_dask(sub, as_of=AS_OF, scorer=RuleScorer(), npartitions=3).compute()
        pd.testing.assert_frame_equal(_sorted(out), _sorted(ref))

    def test_bad_arguments(self, tables):
        """A non-frame table or a bad npartitions raises InvalidInputError."""
        with pytest.raises(InvalidInputError):
            score_dask([1, 2], as_of=AS_OF)
        with pytest.raises(InvalidInputError):
            score_dask(tables["accounts"], as_of=AS_OF, npartitions=0)

    def test_bad_data_raises_on_compute(self, tables, inproc_client):
        """Invalid rows raise InvalidInputError from compute(), naming the column."""
        bad = tables["accounts"].iloc[:50].copy()
        bad["product"] = "loan"
        with pytest.raises(InvalidInputError, match="accounts.product"):
            score_dask(bad, as_of=AS_OF, npartitions=2).compute()


class TestWorkerProcesses:
    @pytest.mark.slow
    def test_two_processes_smoke(self, tables):
        """With two worker processes on loopback the results are still identical."""
        keep = set(tables["attributes"]["subject_id"].iloc[:200])
        sub = {k: t[t["subject_id"].isin(keep)] for k, t in tables.items()}
        ref = score_columnar(
            sub["accounts"], sub["closures"], sub["inquiries"], sub["attributes"], as_of=AS_OF
        )
        with (
            distributed.LocalCluster(
                processes=True, n_workers=2, threads_per_worker=1, **LOOPBACK
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            out = client.compute(score_dask(*_ddfs(sub, 4), as_of=AS_OF)).result()
        pd.testing.assert_frame_equal(_sorted(out), _sorted(ref))
