"""Score a portfolio on Spark: :func:`score_spark` runs
:func:`credit_closure.columnar.score_columnar` on every partition with ``mapInArrow``.

Install with ``pip install "credit-closure[spark]"`` (Spark itself needs Java). PySpark is
imported when the function runs, never when this module is imported.

How it is partitioned: the tables are stacked into one frame (a table tag, and each table's
columns in shared slots by Spark type: the first string column of every table in one slot,
and so on, so the stacked rows are about as wide as the widest table rather than all tables
together), ``repartition(n, "subject_id")`` puts every row of a subject into one
partition, and ``mapInArrow`` hands each whole partition to ``score_columnar`` as Arrow
tables, one per input table, cut from the stacked batches by their tag: no pandas frame and
no Python object per value on the way (string ids and enums are coded by Arrow itself, see
:mod:`credit_closure.columnar`), and no sort in Spark (``score_columnar`` groups the rows of
a subject itself). The results are the single-machine results, row for row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from credit_closure._scoring.assess import _as_of
from credit_closure.columnar import EXTRA_TABLES, OUTPUT_COLUMNS, TABLE_COLUMNS, score_columnar
from credit_closure.exceptions import InvalidInputError

__all__ = ["output_schema", "score_spark"]

# the four tables of contract v1, then activity records and the contract v2 tables
_TABLES = ("accounts", "closures", "inquiries", "attributes", *EXTRA_TABLES)
_TAG = "__cc_table"


def output_schema(subject_type: str = "string") -> str:
    """The output schema as a Spark DDL string.

    Args:
        subject_type: Spark SQL type of ``subject_id`` (that of the input tables).

    Returns:
        The DDL string, for ``mapInArrow``.

    Example:
        >>> output_schema().split(", ")[:2]
        ['subject_id string', 'score double']
    """
    parts = []
    for c in OUTPUT_COLUMNS:
        if c == "subject_id":
            parts.append(f"subject_id {subject_type}")
        elif c in ("score", "probability_of_default", "closure_impact"):
            parts.append(f"{c} double")
        else:
            parts.append(f"{c} string")
    return ", ".join(parts)


def _split(
    data: Any, present: list[str], columns: dict[str, list[tuple[str, str]]]
) -> dict[str, Any]:
    """The input tables of one partition (pyarrow tables), cut from the stacked rows."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tables = {}
    tag = data.column(_TAG)
    for i, name in enumerate(present):
        rows = data.filter(pc.equal(tag, i))
        cols = {"subject_id": rows.column("subject_id")}
        for c, slot in columns[name]:
            cols[c] = rows.column(slot)
        tables[name] = pa.table(cols)
    return tables


def _slots(frames: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Each table's columns (but ``subject_id``) with the stacked frame's column that carries
    them: the k-th column of a Spark type of every table shares one slot."""
    slot_of: dict[tuple[str, int], str] = {}
    out = {}
    for name, t in frames.items():
        seen: dict[str, int] = {}
        pairs = []
        for f in t.schema.fields:
            if f.name == "subject_id":
                continue
            kind = f.dataType.simpleString()
            seen[kind] = seen.get(kind, 0) + 1
            key = (kind, seen[kind])
            pairs.append((f.name, slot_of.setdefault(key, f"__cc_{len(slot_of)}")))
        out[name] = pairs
    return out


def _where() -> str:
    """Which Spark partition this is, for an error's header (rows in a Spark error are
    positions within that partition's rows of each table, after the repartition)."""
    try:
        from pyspark import TaskContext

        ctx = TaskContext.get()
    except ImportError:  # pragma: no cover - only called inside a Spark task
        ctx = None
    if ctx is None:
        return ""
    return (
        f" in Spark partition {ctx.partitionId()} (rows are positions within that "
        "partition's rows of each table, after the repartition on subject_id)"
    )


def _partition_scorer(
    present: list[str],
    columns: dict[str, list[tuple[str, str]]],
    scorer: Any,
    as_of: Any,
    schema: Any,
) -> Any:
    def score(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        parts = list(batches)
        if not parts:  # an empty partition (more partitions than subjects hashed to them)
            return
        data = pa.Table.from_batches(parts)
        if data.num_rows == 0:
            return
        t = _split(data, present, columns)
        try:
            out = score_columnar(
                t["accounts"],
                t.get("closures"),
                t.get("inquiries"),
                t.get("attributes"),
                scorer=scorer,
                as_of=as_of,
                **{name: t.get(name) for name in EXTRA_TABLES},  # type: ignore[arg-type]
            )
        except InvalidInputError as exc:
            raise InvalidInputError(exc.problems, what=f"{exc.what}{_where()}") from exc
        yield from out.cast(schema).to_batches()

    return score


def score_spark(
    accounts: Any,
    closures: Any = None,
    inquiries: Any = None,
    attributes: Any = None,
    *,
    scorer: Any = "rules",
    as_of: Any,
    num_partitions: int | None = None,
    activity: Any = None,
    overdue_amounts: Any = None,
    special_transactions: Any = None,
    limit_history: Any = None,
    guarantees: Any = None,
    public_records: Any = None,
) -> Any:
    """Score every subject of Spark long tables, lazily; one output row per subject.

    Args:
        accounts: A ``pyspark.sql.DataFrame`` in the long format of
            :mod:`credit_closure.columnar` (dates as ``DateType`` or ISO strings).
        closures: The closure events, or ``None``.
        inquiries: The inquiries, or ``None``.
        attributes: The attributes (one row per subject), or ``None``.
        scorer: A registered scorer name or a picklable scorer object.
        as_of: The assessment date, one for all subjects (required).
        num_partitions: Partitions of the repartition on ``subject_id`` (default: Spark's
            ``spark.sql.shuffle.partitions``). Tables already ``repartition(n,
            "subject_id")``-ed with this same ``n`` are not shuffled again on Spark >= 4.1.
        activity, overdue_amounts, special_transactions, limit_history, guarantees,
            public_records: The activity records and the contract v2 tables of
            :func:`~credit_closure.columnar.score_columnar`, each a Spark DataFrame or ``None``.

    Returns:
        A lazy ``pyspark.sql.DataFrame`` with the columns of
        :data:`~credit_closure.columnar.OUTPUT_COLUMNS`.

    Raises:
        InvalidInputError: a table is not a Spark DataFrame, has an unknown column or lacks
            ``subject_id``, or an argument is bad. Problems inside the data surface when the
            result is computed, as ``score_columnar`` raises them (wrapped by Spark), with
            the partition named; their rows are positions within that partition's rows of
            each table (Spark keeps no row order to map them back to).
    """
    from functools import reduce

    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    day = _as_of(as_of)
    given = dict(
        zip(
            _TABLES,
            (
                accounts,
                closures,
                inquiries,
                attributes,
                activity,
                overdue_amounts,
                special_transactions,
                limit_history,
                guarantees,
                public_records,
            ),
        )
    )
    problems = []
    frames: dict[str, Any] = {}
    for name, t in given.items():
        if t is None:
            continue
        if not isinstance(t, DataFrame):
            problems.append((name, f"must be a Spark DataFrame (got {type(t).__name__})"))
            continue
        if "subject_id" not in t.columns:
            problems.append((f"{name}.subject_id", "is a required column and is missing"))
            continue
        if name != "attributes":
            for c in t.columns:
                if c not in TABLE_COLUMNS[name]:
                    problems.append((f"{name}.{c}", "is not a column of the long format"))
        frames[name] = t
    if num_partitions is not None and (
        isinstance(num_partitions, bool)
        or not isinstance(num_partitions, int)
        or num_partitions < 1
    ):
        problems.append(("num_partitions", "must be a positive integer"))
    if "accounts" not in frames and not problems:
        problems.append(("accounts", "is required"))
    if problems:
        raise InvalidInputError(problems, what="argument")
    if isinstance(scorer, str):
        from credit_closure._scoring.registry import BUILTINS, resolve

        if scorer not in BUILTINS:
            scorer = resolve(scorer)[0]  # an in-process registration does not exist on executors
    sid_type = frames["accounts"].schema["subject_id"].dataType.simpleString()
    columns = _slots(frames)
    tagged = []
    for i, (name, t) in enumerate(frames.items()):  # the tag: the table's place in `present`
        tagged.append(
            t.select(
                F.col("subject_id").cast(sid_type).alias("subject_id"),
                F.lit(i).cast("byte").alias(_TAG),
                *[F.col(f"`{c}`").alias(slot) for c, slot in columns[name]],
            )
        )
    stacked = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), tagged)
    parted = (
        stacked.repartition(num_partitions, "subject_id")
        if num_partitions
        else stacked.repartition("subject_id")
    )
    present = list(frames)
    ddl = output_schema(sid_type)
    schema = _arrow_schema(parted.sparkSession.createDataFrame([], ddl).schema)
    return parted.mapInArrow(_partition_scorer(present, columns, scorer, day, schema), ddl)


def _arrow_schema(struct: Any) -> Any:
    """The Arrow schema of the output's Spark schema (what ``mapInArrow`` expects)."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(struct)
