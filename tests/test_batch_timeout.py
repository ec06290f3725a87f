"""assess_many under faults: the timeout, Ctrl-C, dead workers (positions are global), no
worker outliving the call; and the row and partition Dask names for bad data."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from credit_closure import (
    InvalidInputError,
    RuleScorer,
    ScoreResult,
    ScoringError,
    assess_many,
)
from credit_closure._scoring import batch as _batch
from credit_closure.synth import generate_portfolio


@pytest.fixture(autouse=True)
def _parallel_even_when_small(monkeypatch):
    """These tests run the worker pool on a few subjects: lift the size below which
    assess_many scores in this process whatever n_jobs says."""
    from credit_closure._scoring import batch

    monkeypatch.setattr(batch, "_PARALLEL_MIN_SUBJECTS", 0)


AS_OF = dt.date(2026, 6, 30)
#: Generous bounds: nothing here waits on a scorer that works, only on one that hangs.
BOUND = 30.0

needs_posix = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and pids")


def _portfolio(n: int, seed: int = 11) -> list:
    return list(generate_portfolio(n, seed=seed, as_of=AS_OF).profiles)


def _gone(pid: int, within: float = 10.0) -> bool:
    """True when the process ``pid`` no longer exists (reaped) within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if not _is_zombie_of_other(pid):
            time.sleep(0.05)
            continue
        return True
    return False


def _is_zombie_of_other(pid: int) -> bool:
    """A zombie whose parent is not this process (an orphan its new parent has not reaped
    yet) has exited; a zombie of ours would mean the call did not reap its worker."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat.rsplit(")", 1)[1].split()
    return fields[0] == "Z" and int(fields[1]) != os.getpid()


def _pids(where: Path) -> list[int]:
    return [int(p.name) for p in where.iterdir() if p.name.isdigit()]


def _wait_for_pid(where: Path) -> list[int]:
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        pids = _pids(where)
        if pids:
            return pids
        time.sleep(0.02)
    raise AssertionError("no worker started scoring")


class HangsInWorker:
    """Hangs (sleeps a minute) on one subject when a worker process scores it; records the
    pid of every worker that scores anything. In the parent it never hangs."""

    credit_closure_api = 1
    version = "hangs@1"
    name = "hangs"

    def __init__(self, target: str, piddir: Path) -> None:
        self.parent = os.getpid()
        self.target = target
        self.piddir = str(piddir)

    def score(self, profile, as_of):
        if os.getpid() != self.parent:
            Path(self.piddir, str(os.getpid())).touch()
            if profile.subject_id == self.target:
                time.sleep(60)
        return RuleScorer.default().score(profile, as_of)


class ExitsInWorker:
    """Kills the worker process that scores one subject (never the parent)."""

    credit_closure_api = 1
    version = "exits@1"
    name = "exits"

    def __init__(self, target: str) -> None:
        self.parent = os.getpid()
        self.target = target

    def score(self, profile, as_of):
        if os.getpid() != self.parent and profile.subject_id == self.target:
            os._exit(3)
        return ScoreResult(probability_of_default=0.02)


class TestTimeoutArgument:
    @pytest.mark.parametrize(
        "bad",
        [
            0,
            -1,
            0.0,
            math.nan,
            math.inf,
            -math.inf,
            True,
            "5",
            pytest.param(10**400, id="huge-int"),
            1j,
            [1],
        ],
    )
    def test_bad_timeout_is_refused(self, bad):
        """timeout must be a positive finite number or None; anything else names `timeout`."""
        with pytest.raises(InvalidInputError) as info:
            assess_many(_portfolio(2), as_of=AS_OF, timeout=bad)
        assert [p for p, _ in info.value.problems] == ["timeout"]

    def test_numbers_and_none_are_accepted(self):
        """An int, a float, a numpy float and None are accepted; results do not change."""
        np = pytest.importorskip("numpy")
        ps = _portfolio(12)
        ref = assess_many(ps, as_of=AS_OF)
        assert assess_many(ps, as_of=AS_OF, timeout=None) == ref
        assert assess_many(ps, as_of=AS_OF, timeout=30, chunk_size=5) == ref
        assert assess_many(ps, as_of=AS_OF, timeout=np.float64(30.0), n_jobs=2) == ref

    def test_empty_input_starts_no_worker(self):
        """No subject, no worker process."""
        assert assess_many([], as_of=AS_OF, timeout=1) == []


class TestTimeout:
    @needs_posix
    @pytest.mark.parametrize(
        "fork, n_jobs", [(True, 1), (True, 2), (False, 1)], ids=["fork-1", "fork-2", "spawn-1"]
    )
    def test_hung_scorer_is_stopped(self, fork, n_jobs, tmp_path, monkeypatch):
        """A subject that hangs gives a ScoringError naming the scorer and the subject's
        global position, within a generous bound; the workers are gone after the call."""
        monkeypatch.setattr(_batch, "_PREFER_FORK", fork)
        ps = _portfolio(24)
        target = 13
        scorer = HangsInWorker(ps[target].subject_id, tmp_path)
        t0 = time.monotonic()
        with pytest.raises(ScoringError) as info:
            assess_many(ps, scorer=scorer, as_of=AS_OF, n_jobs=n_jobs, chunk_size=5, timeout=1)
        assert time.monotonic() - t0 < BOUND
        err = info.value
        assert err.scorer_name == "hangs" and "scorer 'hangs'" in str(err)
        assert err.position == target
        assert "timed out" in str(err) and f"position {target}" in str(err)
        assert isinstance(err.original_exception, TimeoutError)
        pids = _pids(tmp_path)
        assert pids and os.getpid() not in pids
        assert all(_gone(pid) for pid in pids)

    def test_a_scorer_within_the_limit_is_not_stopped(self):
        """A generous timeout changes nothing: the results equal a run without one."""
        ps = _portfolio(30)
        ref = assess_many(ps, as_of=AS_OF)
        assert assess_many(ps, as_of=AS_OF, n_jobs=2, chunk_size=4, timeout=BOUND) == ref
        out = assess_many(ps, as_of=AS_OF, chunk_size=7, timeout=BOUND, errors="collect")
        assert out == ref


class TestInterrupt:
    @needs_posix
    @pytest.mark.parametrize("timeout", [None, 60])
    def test_keyboard_interrupt_kills_the_workers(self, timeout, tmp_path):
        """A KeyboardInterrupt in this process (here from the progress callback, once a
        worker hangs) propagates promptly and no worker outlives the call."""
        ps = _portfolio(24)
        scorer = HangsInWorker(ps[-1].subject_id, tmp_path)  # workers start from the back

        def progress(done, total):
            _wait_for_pid(tmp_path)
            raise KeyboardInterrupt

        t0 = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            assess_many(
                ps,
                scorer=scorer,
                as_of=AS_OF,
                n_jobs=2,
                chunk_size=2,
                progress=progress,
                timeout=timeout,
            )
        assert time.monotonic() - t0 < BOUND
        pids = _pids(tmp_path)
        assert pids and all(_gone(pid) for pid in pids)

    @needs_posix
    @pytest.mark.parametrize("timeout", [None, 60])
    def test_sigint_stops_a_hung_run(self, timeout, tmp_path):
        """Ctrl-C (SIGINT to the process) stops a run whose worker hangs, promptly; the
        process exits and its workers are gone."""
        script = tmp_path / "run.py"
        piddir = tmp_path / "pids"
        piddir.mkdir()
        script.write_text(
            textwrap.dedent(
                f"""
                import datetime as dt, sys
                sys.path.insert(0, {str(Path(__file__).parent)!r})
                from test_batch_timeout import HangsInWorker, _portfolio, AS_OF
                from credit_closure import assess_many
                from credit_closure._scoring import batch
                batch._PARALLEL_MIN_SUBJECTS = 0  # the pool even for a few subjects
                ps = _portfolio(24)
                scorer = HangsInWorker(ps[-1].subject_id, {str(piddir)!r})
                assess_many(ps, scorer=scorer, as_of=AS_OF, n_jobs=2, chunk_size=2,
                            timeout={timeout!r})
                """
            )
        )
        root = str(Path(_batch.__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=root)
        proc = subprocess.Popen(
            [sys.executable, str(script)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_for_pid(piddir)
            time.sleep(0.3)  # the parent is now waiting on the hung worker
            proc.send_signal(signal.SIGINT)
            t0 = time.monotonic()
            _, err = proc.communicate(timeout=BOUND)
            assert time.monotonic() - t0 < BOUND
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode != 0
        assert b"KeyboardInterrupt" in err
        pids = _pids(piddir)
        assert pids and all(_gone(pid) for pid in pids)


class TestDeadWorker:
    @pytest.mark.parametrize("fork", [True, False], ids=["fork", "spawn"])
    @pytest.mark.parametrize("timeout", [None, BOUND])
    def test_position_is_global(self, fork, timeout, monkeypatch):
        """A worker that dies names the global position of the subject it was scoring, not
        the start of its chunk nor an index within it."""
        monkeypatch.setattr(_batch, "_PREFER_FORK", fork)
        ps = _portfolio(40)
        target = 33  # in the last chunks, which the workers score
        with pytest.raises(ScoringError, match="worker process died") as info:
            assess_many(
                ps,
                scorer=ExitsInWorker(ps[target].subject_id),
                as_of=AS_OF,
                n_jobs=2,
                chunk_size=4,
                timeout=timeout,
            )
        msg = str(info.value)
        # alone, or, when the other worker was busy too (a loaded machine), among the
        # positions in flight, which the error then names all of (``died``), its
        # ``position`` being the first of them
        if f"while scoring the subject at position {target};" in msg:
            assert info.value.position == target
        else:
            listed = re.search(r"one of the subjects at positions ([0-9, ]+) \(the workers", msg)
            assert listed is not None, msg
            flying = [int(p) for p in listed.group(1).split(", ")]
            assert target in flying and info.value.position == flying[0], msg


@pytest.fixture(scope="module")
def tables():
    pytest.importorskip("dask.dataframe")
    from credit_closure._contract.model import profile_unchecked
    from credit_closure.columnar import profiles_to_tables

    ps = [profile_unchecked(p, activity=()) for p in _portfolio(60, seed=4)]
    return profiles_to_tables(ps)


class TestDaskErrorRows:
    """score_dask names the rows of the input tables (not of a shuffled partition) and the
    partition, for data problems score_columnar finds."""

    def _bad_accounts(self, tables):
        acc = tables["accounts"].copy()
        # every account of one subject far down the table, plus one row of another
        victim = acc["subject_id"].iloc[len(acc) - 7]
        rows = [int(i) for i in (acc.index[acc["subject_id"] == victim])]
        acc.loc[rows, "product"] = "loan"
        return acc.reset_index(drop=True), sorted(rows)

    @pytest.mark.parametrize("scheduler", ["sync", "threads"])
    def test_rows_are_those_of_the_input(self, tables, scheduler):
        """The rows named equal score_columnar's on the whole table; the partition is named."""
        import dask
        import dask.dataframe as dd

        from credit_closure.columnar import score_columnar
        from credit_closure.dask import score_dask

        acc, rows = self._bad_accounts(tables)
        with pytest.raises(InvalidInputError) as whole:
            score_columnar(acc, tables["closures"], tables["inquiries"], as_of=AS_OF)
        frames = [
            dd.from_pandas(t, npartitions=4) for t in (acc, tables["closures"], tables["inquiries"])
        ]
        with dask.config.set(scheduler=scheduler), pytest.raises(InvalidInputError) as info:
            score_dask(*frames, as_of=AS_OF, npartitions=3).compute()
        assert info.value.problems == whole.value.problems
        shown = ", ".join(map(str, rows[:5]))
        assert any(shown in m for _, m in info.value.problems)
        assert "in Dask partition " in str(info.value)

    def test_more_rows_than_shown(self, tables):
        """Past the five rows shown, the count of the others is kept."""
        import dask
        import dask.dataframe as dd

        from credit_closure.dask import score_dask

        acc = tables["accounts"].reset_index(drop=True)
        victim = acc["subject_id"].value_counts().index[0]
        bad = acc.copy()
        idx = bad.index[bad["subject_id"] == victim]
        bad.loc[idx, "balance"] = -1.0
        with dask.config.set(scheduler="sync"), pytest.raises(InvalidInputError) as info:
            score_dask(dd.from_pandas(bad, npartitions=3), as_of=AS_OF, npartitions=2).compute()
        ((path, message),) = info.value.problems
        assert path == "accounts.balance"
        n = len(idx)
        listed = message.split("(row", 1)[1]
        for i in list(idx)[: min(n, 5)]:
            assert str(int(i)) in listed
        if n > 5:
            assert f"and {n - 5} more)" in message


def test_spark_partition_name_outside_a_task():
    """Outside a Spark task (or without pyspark) no partition is named."""
    from credit_closure.spark import _where

    assert _where() == ""
