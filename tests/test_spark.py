"""Tests of score_spark: identical to the single-machine results. Runs only with pyspark and
Java installed (CI does not install pyspark)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

pyspark = pytest.importorskip("pyspark")
pd = pytest.importorskip("pandas")
if shutil.which("java") is None:  # pragma: no cover - depends on the machine
    pytest.skip("Spark needs Java", allow_module_level=True)

from _helpers import in_process  # noqa: E402

from credit_closure import InvalidInputError  # noqa: E402
from credit_closure._contract import profile_unchecked  # noqa: E402
from credit_closure.columnar import profiles_to_tables  # noqa: E402
from credit_closure.spark import score_spark  # noqa: E402
from credit_closure.synth import generate_portfolio  # noqa: E402

AS_OF = dt.date(2026, 6, 30)
pytestmark = pytest.mark.filterwarnings(
    "ignore::FutureWarning:pyspark", "ignore:The copy keyword:Warning"
)


@pytest.fixture(scope="module")
def tables():
    pf = generate_portfolio(400, seed=12, as_of=AS_OF)
    return profiles_to_tables([profile_unchecked(p, activity=()) for p in pf.profiles])


def _spark_frame(spark, df):
    out = df.copy()
    for c in out.columns:
        if str(out[c].dtype).startswith("datetime64"):
            out[c] = [None if pd.isna(v) else v.date() for v in out[c]]
        elif out[c].dtype == object or str(out[c].dtype) in ("str", "string"):
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return spark.createDataFrame(out.astype(object).where(out.notna(), None))


def _sorted(df):
    out = df.sort_values("subject_id").reset_index(drop=True)
    for c in out.columns:
        if out[c].dtype != float:
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


class TestSpark:
    @pytest.mark.slow
    def test_identical_to_single_machine(self, spark, tables):
        """mapInPandas over subject partitions gives the single-machine rows exactly."""
        ref = in_process(tables, AS_OF)
        frames = [
            _spark_frame(spark, tables[k])
            for k in ("accounts", "closures", "inquiries", "attributes")
        ]
        out = score_spark(*frames, as_of=AS_OF, num_partitions=3).toPandas()
        pd.testing.assert_frame_equal(_sorted(out), _sorted(ref), check_dtype=False)

    def test_bad_arguments(self, spark, tables):
        """A non-Spark table or an unknown column raises InvalidInputError."""
        with pytest.raises(InvalidInputError):
            score_spark(tables["accounts"], as_of=AS_OF)
        bad = spark.createDataFrame(
            [("s", "a", "credit_card", "open", 1)],
            ["subject_id", "account_id", "product", "status", "colour"],
        )
        with pytest.raises(InvalidInputError, match="colour"):
            score_spark(bad, as_of=AS_OF)


def _plan(df) -> str:
    """The physical plan ``explain()`` prints."""
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        df.explain()
    return buf.getvalue()


def _union_keeps_partitioning(spark) -> bool:
    """Spark >= 4.1 plans a union of alike hash-partitioned tables as partitioned the same."""
    try:
        return str(spark.conf.get("spark.sql.unionOutputPartitioning")).lower() == "true"
    except Exception:  # an older Spark has no such setting
        return False


class TestSparkPartitionedInput:
    def _frames(self, spark, tables, n=None):
        frames = [
            _spark_frame(spark, tables[k])
            for k in ("accounts", "closures", "inquiries", "attributes")
        ]
        return frames if n is None else [f.repartition(n, "subject_id") for f in frames]

    @pytest.mark.slow
    def test_partitioned_input_same_rows_and_no_second_shuffle(self, spark, tables):
        """Tables already partitioned on subject_id into num_partitions: the same rows, and
        (Spark >= 4.1) no exchange above the caller's own ones."""
        ref = in_process(tables, AS_OF)
        frames = self._frames(spark, tables, 3)
        out = score_spark(*frames, as_of=AS_OF, num_partitions=3)
        if _union_keeps_partitioning(spark):
            assert _plan(out).count("Exchange hashpartitioning") == len(frames)
        pd.testing.assert_frame_equal(_sorted(out.toPandas()), _sorted(ref), check_dtype=False)

    def test_other_partition_count_shuffles_again(self, spark, tables):
        """Partitioned into another count than num_partitions: one more exchange (the
        result's partitioning is the one asked for)."""
        frames = self._frames(spark, tables, 3)
        out = score_spark(*frames[:1], as_of=AS_OF, num_partitions=4)
        assert _plan(out).count("Exchange hashpartitioning") == 2

    @pytest.mark.slow
    def test_data_problem_names_partition_and_field(self, spark, tables):
        """A bad value inside the data surfaces on compute with the field and the Spark
        partition named, not as a crash inside the partition."""
        accounts = tables["accounts"].copy()
        accounts["status"] = accounts["status"].astype(object)
        accounts.loc[accounts.index[5], "status"] = "weird"
        frames = [_spark_frame(spark, accounts), _spark_frame(spark, tables["closures"])]
        out = score_spark(*frames, as_of=AS_OF, num_partitions=2)
        with pytest.raises(Exception, match="Spark partition") as info:
            out.collect()
        assert "accounts.status" in str(info.value)


def test_columns_share_slots_by_type(spark, tables):
    """The stacked frame carries the k-th column of each Spark type of every table in one
    slot: as many slots as the most columns of a type in any one table."""
    from credit_closure.spark import _slots

    frames = {k: _spark_frame(spark, tables[k]) for k in ("accounts", "closures", "inquiries")}
    slots = _slots(frames)
    for name, t in frames.items():
        assert [c for c, _ in slots[name]] == [c for c in t.columns if c != "subject_id"]
        assert len({s for _, s in slots[name]}) == len(slots[name])
    kinds: dict[str, int] = {}
    for t in frames.values():
        count: dict[str, int] = {}
        for f in t.schema.fields[1:]:
            count[f.dataType.simpleString()] = count.get(f.dataType.simpleString(), 0) + 1
        for k, n in count.items():
            kinds[k] = max(kinds.get(k, 0), n)
    assert len({s for pairs in slots.values() for _, s in pairs}) == sum(kinds.values())
