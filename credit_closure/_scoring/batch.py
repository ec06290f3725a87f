"""``assess_many``: many subjects through ``assess()``, in order, optionally in parallel.

Parallel runs use the ``loky`` process pool vendored by joblib, imported only when
``n_jobs != 1``, in chunks of subjects: ``n_jobs`` processes score, this one (from the
front of the input, its results never pickled) and ``n_jobs - 1`` workers (from the back),
until they meet. On Linux, when the caller runs a single thread, the
workers are forked and inherit the subjects (pickling a profile costs more than scoring it),
so only index ranges travel to them; elsewhere loky's default start method is used, the
subjects are pickled, a built-in scorer travels by name and any other scorer object is
pickled (the error for one that cannot be says so). Either way, a worker that dies mid-run
raises :class:`~credit_closure.ScoringError` naming the position of the subject it was
scoring (workers record it in a small shared board, :class:`_Board`): the result list is never
shorter than the input.

With ``timeout``, every chunk is scored by a worker (``n_jobs`` of them; one for
``n_jobs=1``) and this process only watches the board: a subject that is still being scored
``timeout`` seconds after it started stops the run with a ``ScoringError``. On any error,
timeout or interrupt (Ctrl-C) the workers are killed and reaped before the call returns.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as _dt
import gc
import math
import mmap
import numbers
import os
import pickle
import signal
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

import attrs

from credit_closure._contract.model import CreditProfile, Enterprise
from credit_closure._scoring.assess import (
    Assessment,
    DateLike,
    ScorerLike,
    _as_of,
    _assess_profile,
    _check_profile,
    _ResolvedScorer,
    assess,
    resolved,
)
from credit_closure._scoring.registry import BUILTINS, resolve
from credit_closure.exceptions import CreditClosureError, InvalidInputError, ScoringError

if TYPE_CHECKING:
    from credit_closure._scoring.enterprise import EnterpriseAssessment

__all__ = ["AssessmentError", "assess_many"]

Problem = tuple[str, str]


@attrs.frozen(kw_only=True)
class AssessmentError:
    """What ``assess_many(..., errors="collect")`` returns in place of a failed assessment.

    Attributes:
        position: The subject's position in the input.
        subject_id: The subject's id when it could be read, else ``None``.
        error_type: The exception's class name (``"InvalidInputError"``, ``"ScoringError"``).
        message: The exception's message (no personal data: paths, codes, dates, amounts).
        problems: For invalid input, every ``(path, message)`` problem.

    Example:
        >>> e = AssessmentError(position=3, subject_id=None, error_type="InvalidInputError",
        ...                     message="invalid profile", problems=(("subject_id", "is required"),))
        >>> e.ok, e.position
        (False, 3)
    """

    position: int
    subject_id: str | None
    error_type: str
    message: str
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """Always ``False`` (an :class:`~credit_closure.Assessment` is the success case)."""
        return False


def _subject_id(subject: Any) -> str | None:
    sid = getattr(subject, "subject_id", None) or getattr(subject, "enterprise_id", None)
    if sid is None and isinstance(subject, dict):
        sid = subject.get("subject_id") or subject.get("enterprise_id")
    return sid if isinstance(sid, str) else None


class _Failure:
    """A failure inside a chunk, carried back to the parent to be raised or collected.

    In the parent process it keeps the exception; sent back from a worker it carries only
    plain data (exceptions with keyword-only constructors do not survive pickling).
    """

    __slots__ = (
        "dist",
        "error",
        "error_type",
        "message",
        "position",
        "problems",
        "scorer_name",
        "version",
        "what",
    )

    def __init__(self, position: int, error: BaseException | None) -> None:
        self.position = position
        self.error = error
        self.error_type = type(error).__name__ if error is not None else "Exception"
        self.message = str(error) if error is not None else ""
        self.problems: tuple[Problem, ...] = tuple(getattr(error, "problems", ()) or ())
        self.what = getattr(error, "what", "input")
        self.scorer_name = getattr(error, "scorer_name", None)
        self.dist = getattr(error, "distribution", None)
        self.version = getattr(error, "version", None)

    def __getstate__(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if k != "error"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.error = None
        for k, v in state.items():
            setattr(self, k, v)


class _ScorerSpec:
    """A picklable description of the resolved scorer; rebuilt once per process."""

    def __init__(self, scorer: Any) -> None:
        r = resolved(scorer)
        self.builtin = scorer if isinstance(scorer, str) and scorer in BUILTINS else None
        self.obj = None if self.builtin else r.scorer
        self.name, self.dist, self.dist_version = r.name, r.dist, r.dist_version
        self.original = scorer
        self._resolved: _ResolvedScorer | None = r

    def __getstate__(self) -> dict[str, Any]:
        return {
            "builtin": self.builtin,
            "obj": self.obj,
            "name": self.name,
            "dist": self.dist,
            "dist_version": self.dist_version,
            "original": self.original if isinstance(self.original, str) else None,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._resolved = None

    def resolved(self) -> _ResolvedScorer:
        if self._resolved is None:
            # a snapshot of its own, with the parent's provenance (the cached one is left as
            # it is: it describes the object as this process resolves it)
            obj = resolve(self.for_assess())[0]
            self._resolved = _ResolvedScorer(obj, self.name, self.dist, self.dist_version)
        return self._resolved

    def for_assess(self) -> Any:
        return self.builtin if self.builtin else self.obj


def _score_chunk(
    items: Sequence[tuple[int, Any, _dt.date]],
    spec: _ScorerSpec,
    collect: bool,
    board: memoryview | None = None,
    slot: int = 0,
) -> list[Any]:
    """Assess each ``(position, subject, as_of)``; stop at the first failure unless
    ``collect``. Runs in the parent or in a worker; a worker writes the position (+ 1) of
    the subject it is about to score into ``board[slot]`` (see :class:`_Board`)."""
    from credit_closure._contract.model import Enterprise

    if board is not None and items:
        board[slot] = items[0][0] + 1  # resolving the scorer counts towards the first subject
    r = spec.resolved()
    out: list[Any] = []
    for pos, subject, day in items:
        if board is not None:
            board[slot] = pos + 1
        try:
            if isinstance(subject, Enterprise):
                out.append(assess(subject, scorer=spec.for_assess(), as_of=day))
            else:
                out.append(_assess_profile(r, _check_profile(subject, day), day))
        except Exception as exc:
            out.append(_Failure(pos, exc))
            if not collect:
                break
    if board is not None:
        board[slot] = -1  # done
    return out


class _Board:
    """One 64-bit cell per chunk, shared with the workers: 0 while the chunk waits, then the
    position + 1 of the subject a worker is scoring, -1 once the chunk is done. The parent reads it to name the subject
    a dead worker was scoring and to time each subject against ``timeout``.

    Forked workers inherit an anonymous shared mapping; fresh interpreters (no fork) open a
    temporary file of ``8 * n`` bytes by its path and map it (:func:`_attach`).
    """

    def __init__(self, n: int, *, file: bool) -> None:
        self.size = 8 * max(1, n)
        self.path: str | None = None
        if file:
            fd, self.path = tempfile.mkstemp(prefix="credit_closure-", suffix=".board")
            try:
                os.ftruncate(fd, self.size)
                self.map = mmap.mmap(fd, self.size)
            finally:
                os.close(fd)
        else:
            self.map = mmap.mmap(-1, self.size)
        self._view = memoryview(self.map)
        self.cells = self._view.cast("q")

    def close(self) -> None:
        self.cells.release()
        self._view.release()
        self.map.close()
        if self.path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.path)


#: The board a worker without fork has opened: (path, map, cells).
_ATTACHED: tuple[str, mmap.mmap, memoryview] | None = None


def _attach(path: str, size: int) -> memoryview:
    """The parent's board, mapped in this worker (once per worker process)."""
    global _ATTACHED
    if _ATTACHED is None or _ATTACHED[0] != path:
        with open(path, "r+b") as f:
            m = mmap.mmap(f.fileno(), size)
        _ATTACHED = (path, m, memoryview(m).cast("q"))  # kept for the worker's lifetime
    return _ATTACHED[2]


def _score_attached(
    items: Sequence[tuple[int, Any, _dt.date]],
    spec: _ScorerSpec,
    collect: bool,
    path: str,
    size: int,
    slot: int,
) -> list[Any]:
    """:func:`_score_chunk` in a worker started without fork (the chunk was pickled)."""
    return _score_chunk(items, spec, collect, _attach(path, size), slot)


#: Subjects, dates, scorer, mode and board of the running ``assess_many``, inherited by
#: forked workers.
_SHARED: tuple[list[Any], list[_dt.date], _ScorerSpec, bool, memoryview] | None = None
#: Fork the workers where the platform can (POSIX, single-threaded caller): the subjects are
#: then inherited instead of pickled, which costs more than scoring them.
_PREFER_FORK = True


def _can_fork() -> bool:
    import sys
    import threading

    # Linux only: fork is unsafe with macOS system frameworks and absent on Windows
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _score_shared(start: int, stop: int, slot: int) -> list[Any]:
    """Score positions ``start:stop`` of the subjects inherited from the parent (fork)."""
    assert _SHARED is not None, "forked worker without the parent's subjects"
    items, days, spec, collect, board = _SHARED
    chunk = [(i, items[i], days[i]) for i in range(start, stop)]
    return _score_chunk(chunk, spec, collect, board, slot)


def _error_record(f: _Failure, subject: Any) -> AssessmentError:
    problems = f.problems if f.error_type in ("InvalidInputError", "PolicyError") else ()
    return AssessmentError(
        position=f.position,
        subject_id=_subject_id(subject),
        error_type=f.error_type,
        message=f.message,
        problems=tuple(problems),
    )


def _raise_for(f: _Failure, spec: _ScorerSpec) -> None:
    exc = f.error
    if isinstance(exc, InvalidInputError) or (exc is None and f.problems):
        prefixed = InvalidInputError(f.problems, what=f.what).prefixed(f"subjects[{f.position}]")
        raise InvalidInputError(prefixed, what=f.what) from exc
    if f.scorer_name is not None:  # a ScoringError
        message = f.message.split(" failed: ", 1)[-1]
        raise ScoringError(
            f.scorer_name,
            message,
            original=getattr(exc, "original_exception", None),
            distribution=f.dist,
            version=f.version,
            position=f.position,
        ) from exc
    if isinstance(exc, CreditClosureError):
        raise exc
    raise ScoringError(
        spec.name,
        f"{f.error_type}: {f.message}",
        original=exc,
        distribution=spec.dist,
        version=spec.dist_version,
        position=f.position,
    ) from exc


def _dates(as_of: Any, n: int) -> list[_dt.date]:
    if as_of is None or isinstance(as_of, (str, _dt.date)):
        day = _as_of(as_of)
        return [day] * n
    try:
        days = list(as_of)
    except TypeError:
        raise InvalidInputError(
            [
                (
                    "as_of",
                    "must be a date, a YYYY-MM-DD string or a sequence of them, one per subject",
                )
            ],
            what="argument",
        ) from None
    if len(days) != n:
        raise InvalidInputError(
            [("as_of", f"has {len(days)} dates for {n} subjects")], what="argument"
        )
    out = []
    problems: list[Problem] = []
    for i, d in enumerate(days):
        try:
            out.append(_as_of(d, f"as_of[{i}]"))
        except InvalidInputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInputError(problems, what="argument")
    return out


def _timeout_ok(timeout: Any) -> bool:
    if timeout is None:
        return True
    if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real):
        return False
    try:
        value = float(timeout)
    except (OverflowError, ValueError, TypeError):
        return False
    return math.isfinite(value) and value > 0


def _check_args(n_jobs: Any, chunk_size: Any, errors: Any, progress: Any, timeout: Any) -> None:
    p: list[Problem] = []
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        p.append(("n_jobs", "must be a positive integer or -1 (all cores)"))
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        p.append(("chunk_size", "must be a positive integer"))
    if errors not in ("raise", "collect"):
        p.append(("errors", "must be 'raise' or 'collect'"))
    if progress is not None and not callable(progress):
        p.append(("progress", "must be a callable progress(done, total) or None"))
    if not _timeout_ok(timeout):
        p.append(("timeout", "must be a positive finite number of seconds or None"))
    if p:
        raise InvalidInputError(p, what="argument")


#: One subject: a profile, its v1 document, or an enterprise.
Subject = CreditProfile | Mapping[str, Any] | Enterprise
#: ``as_of`` of :func:`assess_many`: one date for all, or one per subject.
DatesLike = DateLike | Iterable[_dt.date | str]


@overload
def assess_many(
    subjects: Iterable[CreditProfile | Mapping[str, Any]],
    *,
    scorer: ScorerLike = ...,
    as_of: DatesLike = ...,
    n_jobs: int = ...,
    chunk_size: int = ...,
    errors: Literal["raise"] = ...,
    progress: Callable[[int, int], Any] | None = ...,
    timeout: float | None = ...,
) -> list[Assessment]: ...


@overload
def assess_many(
    subjects: Iterable[CreditProfile | Mapping[str, Any]],
    *,
    scorer: ScorerLike = ...,
    as_of: DatesLike = ...,
    n_jobs: int = ...,
    chunk_size: int = ...,
    errors: Literal["collect"],
    progress: Callable[[int, int], Any] | None = ...,
    timeout: float | None = ...,
) -> list[Assessment | AssessmentError]: ...


@overload
def assess_many(
    subjects: Iterable[Subject],
    *,
    scorer: ScorerLike = ...,
    as_of: DatesLike = ...,
    n_jobs: int = ...,
    chunk_size: int = ...,
    errors: str = ...,
    progress: Callable[[int, int], Any] | None = ...,
    timeout: float | None = ...,
) -> list[Assessment | EnterpriseAssessment | AssessmentError]: ...


def assess_many(
    subjects: Iterable[Subject],
    *,
    scorer: ScorerLike = "rules",
    as_of: DatesLike = None,
    n_jobs: int = 1,
    chunk_size: int = 1000,
    errors: str = "raise",
    progress: Callable[[int, int], Any] | None = None,
    timeout: float | None = None,
) -> list[Any]:
    """Assess many subjects; the results equal ``[assess(s, scorer=..., as_of=...) ...]``.

    Args:
        subjects: Profiles (or their documents) and enterprises, any iterable.
        scorer: A registered scorer name or a scorer object, as for ``assess``.
        as_of: One date for all (``date`` or ``"YYYY-MM-DD"``; today when omitted) or a
            sequence with one date per subject.
        n_jobs: Processes that score: 1 is this process alone; n > 1 is this process and
            n - 1 worker processes (joblib ``loky``); -1 uses every core. Fewer than 10,000
            subjects (or a single chunk) are scored in this process alone whatever
            ``n_jobs`` says, since starting the workers costs more than they save (see
            the batch documentation for when parallel scoring pays).
        chunk_size: Subjects per task (and between progress calls).
        errors: ``"raise"``: the first failure (in input order) raises. ``"collect"``: a
            failure yields an :class:`AssessmentError` at that position and the others are
            scored.
        progress: Called as ``progress(done, total)`` after each chunk.
        timeout: ``None`` (no limit), or the most seconds one subject may take (per subject,
            not per chunk or run; checked about every 0.1 s). With a timeout every chunk is
            scored in a worker process (one for ``n_jobs=1``), since scoring in this process
            cannot be interrupted safely; a subject still being scored after ``timeout``
            seconds stops the run with a ``ScoringError`` (whatever ``errors`` says) and the
            workers are killed. The scorer must then be picklable where workers cannot fork.

    Returns:
        A list as long as the input, in input order: an ``Assessment`` (an
        ``EnterpriseAssessment`` for an enterprise) or, with ``errors="collect"``, an
        :class:`AssessmentError`.

    Raises:
        InvalidInputError: a bad argument, or (``errors="raise"``) a bad subject, its paths
            prefixed with ``subjects[i]``.
        ScoringError: (``errors="raise"``) the scorer failed, with ``position`` set; or
            (whatever ``errors`` says) a worker process died or a subject took longer than
            ``timeout``, with ``position`` naming the subject being scored; or the scorer
            cannot be pickled for the workers.
        ScorerNotFoundError: no scorer has that name.

    Example:
        >>> from credit_closure import CreditProfile, assess_many
        >>> ps = [CreditProfile.from_dict({"subject_id": f"p-{i}", "accounts": [
        ...     {"account_id": "a", "product": "credit_card", "status": "open",
        ...      "opened_on": "2015-01-01", "credit_limit": 10000, "balance": 4000 * i}]})
        ...     for i in range(3)]
        >>> [a.decision for a in assess_many(ps, as_of="2025-06-30")]
        ['approve', 'approve', 'refer']
        >>> out = assess_many([ps[0], {"subject_id": ""}], as_of="2025-06-30", errors="collect")
        >>> type(out[1]).__name__, out[1].position, out[1].error_type
        ('AssessmentError', 1, 'InvalidInputError')
    """
    _check_args(n_jobs, chunk_size, errors, progress, timeout)
    items = list(subjects)
    total = len(items)
    # While the run lasts, the objects alive before it and each chunk's results once stored
    # are frozen (moved out of the collector's generations): the collector would otherwise
    # walk them again and again as the run allocates and results pile up; frozen, they are
    # also left alone by forked workers' collectors, which would copy the inherited heap.
    # Only when the application has not frozen objects itself, so its own freeze is left
    # alone; everything is thawed at the end.
    own_freeze = gc.get_freeze_count() == 0 and total > chunk_size
    if own_freeze:
        gc.freeze()
    try:
        return _run(items, as_of, scorer, n_jobs, chunk_size, errors, progress, own_freeze, timeout)
    finally:
        if own_freeze:
            gc.unfreeze()


class _Sink:
    """Where the chunks' results land, in input order: a failure raises (``errors="raise"``)
    or becomes an :class:`AssessmentError`; progress is reported after each chunk."""

    def __init__(
        self,
        total: int,
        spec: _ScorerSpec,
        collect: bool,
        progress: Callable[[int, int], Any] | None,
        own_freeze: bool,
    ) -> None:
        self.total = total
        self.spec = spec
        self.collect = collect
        self.progress = progress
        self.own_freeze = own_freeze
        self.results: list[Any] = [None] * total
        self.done = 0

    def consume(self, chunk: Sequence[tuple[int, Any, _dt.date]], out: list[Any]) -> None:
        results = self.results
        for (pos, subject, _day), res in zip(chunk, out):
            if isinstance(res, _Failure):
                if not self.collect:
                    _raise_for(res, self.spec)
                results[pos] = _error_record(res, subject)
            else:
                results[pos] = res
        if len(out) != len(chunk):  # pragma: no cover - a chunk never comes back short
            raise ScoringError(
                self.spec.name,
                f"a chunk returned {len(out)} results for {len(chunk)} subjects",
                position=chunk[0][0],
            )
        self.done += len(chunk)
        if self.own_freeze:
            gc.freeze()  # this chunk's results join the frozen objects
        if self.progress is not None:
            self.progress(self.done, self.total)


def _run(
    items: list[Any],
    as_of: Any,
    scorer: Any,
    n_jobs: int,
    chunk_size: int,
    errors: str,
    progress: Callable[[int, int], Any] | None,
    own_freeze: bool,
    timeout: float | None = None,
) -> list[Any]:
    """The body of :func:`assess_many` (arguments checked, the heap frozen or not)."""
    total = len(items)
    days = _dates(as_of, total)
    spec = _ScorerSpec(scorer)
    collect = errors == "collect"
    chunks = [
        [(i, items[i], days[i]) for i in range(start, min(start + chunk_size, total))]
        for start in range(0, total, chunk_size)
    ]
    sink = _Sink(total, spec, collect, progress, own_freeze)
    if not chunks:
        return sink.results
    if timeout is None and (n_jobs == 1 or len(chunks) <= 1 or total < _PARALLEL_MIN_SUBJECTS):
        for chunk in chunks:
            sink.consume(chunk, _score_chunk(chunk, spec, collect))
        return sink.results
    _run_parallel(items, days, chunks, n_jobs, sink, None if timeout is None else float(timeout))
    if sink.done != total:  # pragma: no cover - defensive: never return a short list
        raise ScoringError(spec.name, f"only {sink.done} of {total} subjects were scored")
    return sink.results


#: Fewer subjects than this are scored in this process whatever ``n_jobs`` says. Starting
#: and stopping the worker pool costs 40-60 ms (measured on the 2-core development
#: machine); a subject takes about 20 us in one process and ``n_jobs=2`` measured 1.04-1.31x
#: ``n_jobs=1`` on 200,000 subjects, so a second process saves 1-5 us a subject and the pool
#: pays only from about 10,000 subjects (docs/batch-and-distributed.md).
_PARALLEL_MIN_SUBJECTS = 10_000


def _check_picklable(spec: _ScorerSpec) -> None:
    """Raise a ScoringError when the scorer cannot travel to worker processes."""
    try:
        pickle.dumps(spec)
    except Exception as exc:
        raise ScoringError(
            spec.name,
            f"the scorer cannot be sent to worker processes "
            f"({type(exc).__name__}: {exc}); use n_jobs=1, or a "
            "scorer that can be pickled",
            original=exc,
        ) from exc


def _loky() -> tuple[Any, Any, type[BaseException]]:
    """joblib's vendored loky: its process pool, ``get_context`` and ``BrokenProcessPool``."""
    try:
        from joblib.externals.loky import ProcessPoolExecutor
        from joblib.externals.loky.backend.context import get_context
        from joblib.externals.loky.process_executor import BrokenProcessPool
    except ImportError as exc:  # pragma: no cover - joblib is in the fit and test extras
        raise ImportError(
            "assess_many(n_jobs != 1) needs joblib: pip install joblib "
            "(or the 'fit' extra), or use n_jobs=1"
        ) from exc
    return ProcessPoolExecutor, get_context, BrokenProcessPool


class _Meet:
    """Chunks scored by this process from the front and by workers from the back, until the
    two meet: no core waits while another works, and the chunks scored here are never
    pickled. With a timeout (:meth:`run_watched`) the workers score every chunk and this
    process watches the board."""

    def __init__(
        self,
        chunks: list[list[Any]],
        sink: _Sink,
        executor: Any,
        n_workers: int,
        fork: bool,
        board: _Board,
    ) -> None:
        self.chunks = chunks
        self.sink = sink
        self.executor = executor
        self.n_workers = n_workers
        self.fork = fork
        self.board = board
        self.pending: dict[int, Any] = {}  # chunk index -> future
        self.deferred: dict[int, list[Any]] = {}  # worker results with a failure, in order
        self.front, self.back = 0, len(chunks)

    def submit(self) -> None:
        """Send the next chunk from the back to a worker; its board cell is its index."""
        self.back -= 1
        c, slot, sink = self.chunks[self.back], self.back, self.sink
        if self.fork:  # the forked workers inherit the subjects: only (start, stop) travels
            fut = self.executor.submit(_score_shared, c[0][0], c[-1][0] + 1, slot)
        else:
            path, size = self.board.path, self.board.size
            fut = self.executor.submit(
                _score_attached, c, sink.spec, sink.collect, path, size, slot
            )
        self.pending[self.back] = fut

    def fill(self) -> None:
        """Keep two chunks per worker queued while chunks remain."""
        while self.back > self.front and len(self.pending) < 2 * self.n_workers:
            self.submit()

    def collect_done(self, block: bool) -> None:
        """Consume the finished workers' chunks: those without a failure at once (the order
        of results does not matter), the others in input order at the end, so that
        ``errors="raise"`` raises for the first failing subject, as one process does."""
        for i in sorted(self.pending):
            fut = self.pending[i]
            if not block and not fut.done():
                continue
            out = fut.result()
            del self.pending[i]
            if self.sink.collect or not any(isinstance(r, _Failure) for r in out):
                self.sink.consume(self.chunks[i], out)
            else:
                self.deferred[i] = out

    def run(self) -> None:
        """Score every chunk."""
        sink = self.sink
        self.fill()
        while self.front < self.back:
            chunk = self.chunks[self.front]
            sink.consume(chunk, _score_chunk(chunk, sink.spec, sink.collect))
            self.front += 1
            self.collect_done(block=False)
            self.fill()
        self.collect_done(block=True)
        self.flush_deferred()

    def flush_deferred(self) -> None:
        for i in sorted(self.deferred):
            self.sink.consume(self.chunks[i], self.deferred.pop(i))

    def run_watched(self, timeout: float) -> None:
        """Score every chunk in the workers; stop when a subject outlasts ``timeout``.

        Each subject's clock starts when this process first sees its position on the board
        (polled every ``timeout / 10`` seconds, at least 0.01 s and at most 0.1 s)."""
        poll = max(0.01, min(0.1, timeout / 10))
        seen: dict[int, tuple[int, float]] = {}  # chunk -> (board cell, first seen at)
        cells = self.board.cells
        self.fill()
        while self.pending:
            concurrent.futures.wait(
                list(self.pending.values()),
                timeout=poll,
                return_when=concurrent.futures.FIRST_COMPLETED,
            )
            self.collect_done(block=False)
            self.fill()
            now = time.monotonic()
            for i in self.pending:
                cell = cells[i]
                last = seen.get(i)
                if last is None or last[0] != cell:
                    seen[i] = (cell, now)
                elif cell > 0 and now - last[1] >= timeout:
                    raise self.timed_out(cell - 1, timeout)
        self.flush_deferred()

    def in_flight(self) -> list[int]:
        """Positions the workers were scoring, from the board, in input order."""
        cells = self.board.cells
        return sorted(
            cells[i] - 1
            for i, fut in self.pending.items()
            if cells[i] > 0 and not (fut.done() and not fut.cancelled() and fut.exception() is None)
        )

    def timed_out(self, position: int, timeout: float) -> ScoringError:
        """The error for a subject still being scored after ``timeout`` seconds."""
        sink = self.sink
        cause = TimeoutError(f"subject at position {position} took over {timeout:g} s")
        return ScoringError(
            sink.spec.name,
            f"timed out: the subject at position {position} was still being scored after "
            f"{timeout:g} s (timeout={timeout:g}); the worker processes were stopped. "
            f"{sink.done} of {sink.total} subjects were scored; no partial result is "
            "returned.",
            original=cause,
            distribution=sink.spec.dist,
            version=sink.spec.dist_version,
            position=position,
        )

    def died(self, exc: BaseException) -> ScoringError:
        """The error for a worker that died mid-run, naming the subject (global position)
        it was scoring; with several workers busy, the one that died cannot be told from
        the others, and every position they were scoring is named."""
        sink, total = self.sink, self.sink.total
        flying = self.in_flight()
        if flying:
            first = flying[0]
            if len(flying) == 1:
                what = f"while scoring the subject at position {first}"
            else:
                shown = ", ".join(str(p) for p in flying)
                what = (
                    f"while scoring one of the subjects at positions {shown} (the workers were "
                    "busy with these)"
                )
        else:
            start = min(self.pending) if self.pending else len(self.chunks)
            first = self.chunks[start][0][0] if start < len(self.chunks) else total
            what = f"before scoring a subject (the first unscored is at position {first})"
        return ScoringError(
            sink.spec.name,
            f"a worker process died {what}; {sink.done} of {total} subjects "
            f"were scored. No partial result is returned. Cause: {str(exc).splitlines()[0]}",
            original=exc,
            distribution=sink.spec.dist,
            version=sink.spec.dist_version,
            position=first,
        )


def _stop(executor: Any, kill: bool) -> None:
    """Shut the pool down; with ``kill`` (an error, a timeout, an interrupt) the workers are
    killed rather than waited for. Either way every worker is reaped before this returns."""
    procs = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=True, kill_workers=kill)
    for proc in procs:
        proc.join(timeout=10)
        if proc.is_alive():  # pragma: no cover - loky kills and joins them itself
            # by pid: a loky process's kill() calls its Popen's kill(), which loky's Popen
            # lacks (AttributeError, seen on a loaded machine)
            with contextlib.suppress(ProcessLookupError, TypeError):
                os.kill(proc.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
            proc.join(timeout=10)


def _run_parallel(
    items: list[Any],
    days: list[_dt.date],
    chunks: list[list[Any]],
    n_jobs: int,
    sink: _Sink,
    timeout: float | None = None,
) -> None:
    """Score the chunks with this process and ``n_jobs - 1`` loky workers (see
    :class:`_Meet`), or, with a timeout, with ``n_jobs`` workers watched by this process;
    forked workers inherit the subjects through :data:`_SHARED`."""
    spec = sink.spec
    workers = (os.cpu_count() or 1) if n_jobs == -1 else n_jobs
    fork = _PREFER_FORK and _can_fork()
    if not fork:
        _check_picklable(spec)
    pool, get_context, broken = _loky()

    global _SHARED
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*fork.*start method", category=UserWarning)
        context = get_context("fork" if fork else "loky")
    if timeout is None:
        n_workers = max(1, min(workers - 1, len(chunks) - 1))
    else:
        n_workers = max(1, min(workers, len(chunks)))
    board = _Board(len(chunks), file=not fork)
    executor = pool(max_workers=n_workers, context=context)
    meet = _Meet(chunks, sink, executor, n_workers, fork, board)
    finished = False
    try:
        if fork:
            _SHARED = (items, days, spec, sink.collect, board.cells)
        if timeout is None:
            meet.run()
        else:
            meet.run_watched(timeout)
        finished = True
    except broken as exc:
        raise meet.died(exc) from exc
    finally:
        # Stopping early, the futures still pending are left to the shutdown below: with
        # kill_workers, loky's manager thread fails each with an error nobody reads.
        # Cancelling them here first made that thread's set_exception raise
        # InvalidStateError on a cancelled future (an unhandled exception in its thread).
        _SHARED = None
        _stop(executor, kill=not finished)
        board.close()
