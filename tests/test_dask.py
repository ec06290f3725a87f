"""Tests of score_dask: identical to the single-machine columnar results, on local clusters."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

from _helpers import in_process  # noqa: E402

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
    return in_process(tables, AS_OF)


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

    def test_error_rows_are_input_rows_after_the_shuffle(self, tables, inproc_client):
        """A bad row is named by its position in its input table, whichever input partition
        it was in and wherever the shuffle took it."""
        bad = tables["accounts"].iloc[:50].reset_index(drop=True).copy()
        bad.loc[37, "product"] = "loan"
        frame = dd.from_pandas(bad, npartitions=3)
        assert frame.npartitions == 3
        with pytest.raises(InvalidInputError) as info:
            score_dask(frame, as_of=AS_OF, npartitions=2).compute()
        assert "(row 37)" in str(info.value), str(info.value)

    def test_error_rows_of_every_table_match_in_process(self, tables, inproc_client):
        """Bad rows of a second table, spread over input partitions of unequal lengths, are
        named by the same input rows as score_columnar on the whole tables gives (one
        partition after the shuffle, so that one error holds them all)."""
        import dask

        clo = tables["closures"].reset_index(drop=True).copy()
        clo["initiator"] = clo["initiator"].astype(object)
        bad = [3, len(clo) // 2, len(clo) - 2]
        clo.loc[bad, "initiator"] = "nobody"
        acc = tables["accounts"]
        with pytest.raises(InvalidInputError) as ref:
            score_columnar(acc, clo, as_of=AS_OF)
        frames = [dd.from_pandas(acc, npartitions=2), dd.from_pandas(clo, npartitions=5)]
        expected = [p for p in ref.value.problems if p[0].startswith("closures.")]
        assert len(expected) == 1 and "(rows 3, " in expected[0][1]
        for method in (None, "tasks"):  # the module's own cut, Dask's shuffle
            with (
                dask.config.set({"dataframe.shuffle.method": method}),
                pytest.raises(InvalidInputError) as info,
            ):
                score_dask(*frames, as_of=AS_OF, npartitions=1).compute()
            assert expected == [p for p in info.value.problems if p[0].startswith("closures.")]


def _indexed(tables, parts):
    """The tables indexed by subject_id (known divisions), each cut its own way."""
    return [
        dd.from_pandas(tables[k].set_index("subject_id"), npartitions=n)
        for k, n in zip(("accounts", "closures", "inquiries", "attributes"), parts)
    ]


def _shuffles(lazy):
    return any(k in str(key) for key in lazy.__dask_graph__() for k in ("shuffle", "_cut-"))


class TestPartitionedBySubject:
    """Tables indexed by subject_id with known divisions are scored without a shuffle."""

    def test_identical_without_shuffle(self, tables, expected):
        """Different divisions per table are cut to those of accounts; no shuffle in the
        graph; the rows equal score_columnar's; the output claims no divisions."""
        import dask

        frames = _indexed(tables, (4, 3, 5, 2))
        lazy = score_dask(*frames, as_of=AS_OF)
        assert not _shuffles(lazy)
        assert not lazy.known_divisions
        with dask.config.set(scheduler="sync"):
            out = lazy.compute()
        pd.testing.assert_frame_equal(_sorted(out), _sorted(expected))

    def test_other_partition_count_shuffles(self, tables, expected, inproc_client):
        """npartitions other than that of accounts, or one table not indexed, shuffles; the
        rows are the same."""
        frames = _indexed(tables, (3, 3, 3, 3))
        mixed = [frames[0], dd.from_pandas(tables["closures"], npartitions=2), *frames[2:]]
        for lazy in (
            score_dask(*frames, as_of=AS_OF, npartitions=2),
            score_dask(*mixed, as_of=AS_OF),
        ):
            assert _shuffles(lazy)
            pd.testing.assert_frame_equal(_sorted(lazy.compute()), _sorted(expected))

    def test_wrong_divisions_are_refused(self, tables):
        """Divisions that do not describe the data raise InvalidInputError naming the table
        and the partition, and no subject id."""
        import dask

        acc = tables["accounts"].set_index("subject_id").sort_index()
        wrong = dd.from_map(
            lambda i: acc.iloc[i * 100 : (i + 1) * 100] if i < 2 else acc.iloc[200:],
            range(3),
            meta=acc.iloc[:0],
            divisions=(acc.index[0], acc.index[50], acc.index[150], acc.index[-1]),
        )
        with dask.config.set(scheduler="sync"), pytest.raises(InvalidInputError) as info:
            score_dask(wrong, as_of=AS_OF).compute()
        ((path, message),) = info.value.problems[:1]
        assert path == "accounts.subject_id"
        assert "divisions of Dask partition" in message
        assert not any(str(s) in str(info.value) for s in acc.index[:300].unique())

    def test_error_rows_are_partition_positions(self, tables):
        """A data problem names the partition; its rows are positions within it."""
        import dask

        acc = tables["accounts"].copy()
        acc.loc[acc.index[:3], "product"] = "loan"
        frame = dd.from_pandas(acc.set_index("subject_id"), npartitions=2)
        with dask.config.set(scheduler="sync"), pytest.raises(InvalidInputError) as info:
            score_dask(frame, as_of=AS_OF).compute()
        assert "in Dask partition 0 (rows are positions within that partition" in str(info.value)
        assert info.value.problems[0][0] == "accounts.product"


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


def test_few_partitions_take_the_own_cut_unless_configured(tables) -> None:
    """Up to 64 partitions in and out, and no shuffle method configured, the tables are cut by
    the module's own tasks (measured cheaper in docs/batch-and-distributed.md); else Dask's
    shuffle runs, its task-based method up to 64 output partitions unless configured."""
    import dask

    from credit_closure.dask import _OWN_SHUFFLE_MAX_PARTITIONS as MAX
    from credit_closure.dask import _own_shuffle, _shuffle_method

    acc = {"accounts": dd.from_pandas(tables["accounts"], npartitions=4)}
    many = {"accounts": dd.from_pandas(tables["accounts"], npartitions=MAX + 1)}
    assert _own_shuffle(acc, None) and _own_shuffle(acc, MAX)
    assert not _own_shuffle(acc, MAX + 1) and not _own_shuffle(many, 4)
    assert _shuffle_method(4) == "tasks" and _shuffle_method(MAX + 1) is None
    with dask.config.set({"dataframe.shuffle.method": "p2p"}):
        assert not _own_shuffle(acc, None) and _shuffle_method(4) is None
    with dask.config.set({"dataframe.shuffle.method": "tasks"}):
        assert not _own_shuffle(acc, None)
        assert _shuffle_method(1000) is None  # dask applies the configured method itself
    assert "_cut" in str(score_dask(acc["accounts"], as_of=AS_OF).__dask_graph__().keys())


def test_scores_are_the_same_whatever_the_shuffle_method() -> None:
    import dask

    pf = generate_portfolio(60, seed=5)
    tables = profiles_to_tables(list(pf.profiles), container="pandas")
    frames = {k: dd.from_pandas(v, npartitions=3) for k, v in tables.items() if len(v)}
    outs = []
    for method in (None, "tasks", "disk"):
        cfg = {} if method is None else {"dataframe.shuffle.method": method}
        with dask.config.set(cfg):
            out = score_dask(**frames, as_of=pf.as_of).compute(scheduler="sync")
        outs.append(out.sort_values("subject_id").reset_index(drop=True))
    for other in outs[1:]:
        pd.testing.assert_frame_equal(outs[0], other)


@given(
    parts_in=st.lists(st.integers(1, 6), min_size=4, max_size=4),
    parts_out=st.one_of(st.none(), st.integers(1, 8)),
)
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_partitioning_scores_as_in_process(tables, expected, parts_in, parts_out) -> None:
    """Whatever the input partitions of each table and the output partitions, the module's
    own cut gives the rows of score_columnar on the whole tables."""
    import dask

    frames = [
        dd.from_pandas(tables[k], npartitions=n)
        for k, n in zip(("accounts", "closures", "inquiries", "attributes"), parts_in)
    ]
    with dask.config.set(scheduler="sync"):
        out = score_dask(*frames, as_of=AS_OF, npartitions=parts_out).compute()
    pd.testing.assert_frame_equal(_sorted(out), _sorted(expected))
