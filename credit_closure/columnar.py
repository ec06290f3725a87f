"""Columnar (portfolio) scoring: one pure function over long tables, one row out per subject.

:func:`score_columnar` is the one batch scoring function of the library: ``assess_many``'s
big brother for tables, and what the Dask (:mod:`credit_closure.dask`) and Spark
(:mod:`credit_closure.spark`) engines call on each partition. Its results equal
:func:`credit_closure.assess` on the same subjects.

The long format (``docs/batch-and-distributed.md`` has the full reference)
--------------------------------------------------------------------------

Each table is a pandas ``DataFrame``, a pyarrow ``Table`` or a ``dict`` of equal-length numpy
arrays (one per column). Column names and enum values are those of the v1 JSON contract.

``accounts`` — one row per account:
    ``subject_id`` (required; strings or integers, the same type in every table),
    ``account_id`` (required; unique within a subject), ``product``, ``status`` (required enum
    strings), and optional ``opened_on``, ``closed_on`` (dates), ``credit_limit``,
    ``balance`` (non-negative numbers), ``worst_dpd_24m``, ``months_delinquent_24m``,
    ``max_consecutive_delinquent_24m`` (whole numbers). ``provider`` is accepted and ignored.
``closures`` — one row per closure event: ``subject_id``, ``account_id``, ``closed_on``
    (required), optional ``initiator``, ``reason`` (default ``unknown``), ``termination``
    (missing = unknown), ``balance_at_closure``, ``limit_at_closure``, ``worst_dpd_6m_before``.
``inquiries`` — one row per inquiry: ``subject_id``, ``on`` (date), ``kind`` (enum).
``attributes`` — one row per subject: ``subject_id`` and one column per attribute (numbers or
    strings; a missing value means the subject does not have that attribute).

Dtypes: dates as ``datetime64`` (any unit, whole days) or ISO ``YYYY-MM-DD`` strings or
``datetime.date`` objects; enums as strings (pandas ``category`` columns are fastest);
missing values as ``NaN``/``None``/``NaT``/nulls. A missing optional column means "unknown"
for every row.

Contract v2 and activity records: more optional columns (``accounts``: ``classification``,
``liability``, ``institution_type``, ``current_overdue_amount``, ``current_overdue_periods``,
``first_delinquency_on``, ``last_payment_on``, ``repayment_history`` (the symbol string,
oldest month first) and ``history_end``; ``closures``: ``kind``; ``inquiries``:
``institution_type``) and the tables of :data:`EXTRA_TABLES` (``activity``,
``overdue_amounts``, ``special_transactions``, ``limit_history``, ``guarantees``,
``public_records``), each a keyword argument of :func:`score_columnar`. Results equal
``assess`` on the same profiles, activity included.

The output has one row per subject that appears in any table, sorted by ``subject_id``, with
columns ``subject_id, score, probability_of_default, band, decision, reason_1 .. reason_4``
(reason codes, ``None`` when there are fewer) and ``closure_impact``, in the container kind
of the input (a dict of numpy arrays for dict input).

Engines
-------

The built-in scorers run on one of two engines, chosen by ``score_columnar(engine=...)``:
the compiled kernel (:mod:`credit_closure._columnar.kernel`, numba, which the ``columnar``
extra installs) or the numpy engine (:mod:`credit_closure._columnar.numpy_engine`). The numpy
engine is there so that ``pip install credit-closure`` alone, with no numba, still scores
tables; it is also the independent second implementation the kernel is tested against. Both
give the same table to the last bit, and both equal ``assess()``.

Layout
------

This module is the public facade; the work is done in :mod:`credit_closure._columnar`:
``tables`` (reading and checking the input columns), ``v2`` (the contract v2 columns and
tables, activity records), ``prepare`` (putting them
together per account), ``engine`` (the built-in scorers on a prepared
batch), ``convert`` (profiles to tables and back; plugin scorers), ``score`` (chunking and
:func:`score_columnar`), ``numpy_engine`` and ``kernel`` (the features, twins of
:func:`credit_closure._scoring.features.extract`), ``codes`` (the integer layout they share).
"""

from __future__ import annotations

# Besides the public names, the private ones that tests, benchmarks and older code import
# from here are re-exported explicitly (``x as x``); they are not part of the public API.
from credit_closure._columnar import codes as _codes
from credit_closure._columnar.convert import build_profiles as build_profiles
from credit_closure._columnar.convert import profiles_to_tables
from credit_closure._columnar.prepare import _prepare as _prepare
from credit_closure._columnar.prepare import _Prepared as _Prepared
from credit_closure._columnar.score import score_columnar
from credit_closure._columnar.tables import (
    EXTRA_TABLES,
    OUTPUT_COLUMNS,
    REASON_TEXTS,
    TABLE_COLUMNS,
)

__all__ = [
    "EXTRA_TABLES",
    "OUTPUT_COLUMNS",
    "REASON_TEXTS",
    "TABLE_COLUMNS",
    "profiles_to_tables",
    "score_columnar",
]

_kernel_codes = _codes.kernel_codes
