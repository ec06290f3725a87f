"""Chunks of subjects scored on several cores: the ``n_jobs`` of
:func:`~credit_closure.columnar.score_columnar`.

The chunks of whole subjects that bound the working memory (``chunk_accounts``) are also the
unit of parallel work: with ``n_jobs > 1`` a pool of that many threads checks, prepares and
scores them, and this thread puts the results back in chunk order. Threads, not processes:
the compiled kernel (:mod:`credit_closure._columnar.kernel`) and the other compiled helpers
run without the GIL (numba's ``nogil=True``) and numpy releases it in its array loops, so
two threads keep two cores busy without pickling a table or a result. Each chunk collects
its problems on its own (:class:`~credit_closure._columnar.tables._Problems`, with the input
tables' row numbers) and they are merged in chunk order, so the error raised, and the result,
are those of the serial run: a subject is scored by the same code whichever thread takes
its chunk, hence the same bits (``tests/test_columnar_parallel.py``).

Only the built-in scorers on the compiled engine run in parallel; the numpy engine and the
plugin scorers (whose code may not be thread safe) stay on the calling thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from credit_closure._columnar.tables import _Problems
from credit_closure.exceptions import InvalidInputError

__all__ = ["MIN_CHUNK_ACCOUNTS", "check_n_jobs", "chunk_size", "run_chunks", "workers"]

#: The fewest accounts a thread is given: below this a chunk takes under about 5 ms and the
#: threads' start and hand-over cost more than a second core saves (measured with
#: ``benchmarks/bench_batch.py``), so smaller inputs are scored on the calling thread.
MIN_CHUNK_ACCOUNTS = 25_000


def check_n_jobs(n_jobs: Any) -> None:
    """Raise :class:`~credit_closure.InvalidInputError` unless ``n_jobs`` is a positive
    integer or -1."""
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise InvalidInputError(
            [("n_jobs", "must be a positive integer or -1 (all cores)")], what="argument"
        )


def workers(n_jobs: int) -> int:
    """The threads ``n_jobs`` stands for (-1: every core)."""
    return (os.cpu_count() or 1) if n_jobs == -1 else n_jobs


def chunk_size(n_accounts: int, chunk_accounts: int, threads: int) -> int:
    """The accounts per chunk: ``chunk_accounts``, or less with several threads, so that
    every thread gets as many chunks as the others, of about one size (the last chunk
    otherwise leaves a thread idle while another finishes), none under
    :data:`MIN_CHUNK_ACCOUNTS` unless ``chunk_accounts`` itself is smaller."""
    if threads <= 1:
        return chunk_accounts
    chunks = -(-n_accounts // chunk_accounts)
    chunks = -(-chunks // threads) * threads  # a multiple of the threads
    share = -(-n_accounts // chunks)
    return max(1, min(chunk_accounts, max(share, MIN_CHUNK_ACCOUNTS)))


def run_chunks(
    n_chunks: int,
    prepare: Callable[[int], tuple[_Problems, Any]],
    score: Callable[[Any], Any],
    threads: int,
    p: _Problems,
    consume: Callable[[Any], None] | None = None,
) -> list[Any]:
    """Prepare and score chunks ``0 .. n_chunks - 1``; the scores in chunk order (or, with
    ``consume``, each score handed to it in chunk order on this thread and not kept, so the
    parts are never all held at once).

    ``prepare(i)`` gives chunk ``i``'s problems and its prepared batch (``None`` when it has
    problems); ``score`` scores a prepared batch. Problems are merged into ``p`` in chunk
    order and no chunk is scored (serially) or kept (in parallel) once one is found; a
    scoring error raises for the first chunk in order that has one, as in a serial run.
    """
    parts: list[Any] = []
    keep = parts.append if consume is None else consume
    if threads <= 1 or n_chunks <= 1:
        for i in range(n_chunks):
            cp, prep = prepare(i)
            p.merge(cp)
            if prep is not None and not p.found:
                keep(score(prep))
        return parts

    def job(i: int) -> tuple[_Problems, Any, BaseException | None]:
        cp, prep = prepare(i)
        if prep is None or cp.found:
            return cp, None, None
        try:
            return cp, score(prep), None
        except Exception as exc:  # raised in chunk order by the caller's thread
            return cp, None, exc

    with ThreadPoolExecutor(max_workers=min(threads, n_chunks)) as pool:
        futures = [pool.submit(job, i) for i in range(n_chunks)]
        try:
            for fut in futures:
                cp, part, exc = fut.result()
                p.merge(cp)
                if p.found:
                    continue
                if exc is not None:
                    raise exc
                keep(part)
        finally:
            for fut in futures:  # stopping early: drop the chunks not started
                fut.cancel()
    return parts
