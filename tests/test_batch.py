"""Tests of assess_many: order, equality with assess(), errors, progress and workers."""

from __future__ import annotations

import datetime as dt
import os
import pickle
from typing import Any

import pytest
from _helpers import AS_OF as HARDENING_AS_OF
from _helpers import fingerprint
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import (
    AssessmentError,
    CreditProfile,
    InvalidInputError,
    RuleScorer,
    ScoreResult,
    ScoringError,
    assess,
    assess_many,
)
from credit_closure._scoring import (
    batch as _batch,  # module object: monkeypatched or its state read, where the code looks it up
)
from credit_closure.synth import generate_portfolio


@pytest.fixture(autouse=True)
def _parallel_even_when_small(monkeypatch):
    """These tests run the worker pool on a few subjects: lift the size below which
    assess_many scores in this process whatever n_jobs says."""
    from credit_closure._scoring import batch

    monkeypatch.setattr(batch, "_PARALLEL_MIN_SUBJECTS", 0)


AS_OF = dt.date(2026, 6, 30)


def _portfolio(n: int, seed: int = 11) -> list:
    return list(generate_portfolio(n, seed=seed, as_of=AS_OF).profiles)


class FailingScorer:
    """Delegates to the rule scorer, but raises for subject ids ending in '7'."""

    credit_closure_api = 1
    version = "failing@1"
    name = "failing"

    def score(self, profile, as_of):
        if profile.subject_id.endswith("7"):
            raise RuntimeError("boom")
        return RuleScorer.default().score(profile, as_of)


class ExitInWorker:
    """Kills any worker process it runs in (never the parent, which scores chunks too)."""

    credit_closure_api = 1
    version = "exit@1"
    name = "exit"

    def __init__(self) -> None:
        self.parent = os.getpid()

    def score(self, profile, as_of):
        if os.getpid() != self.parent:
            os._exit(3)
        return ScoreResult(probability_of_default=0.02)


class Unpicklable:
    """A scorer holding a lambda, which pickle refuses."""

    credit_closure_api = 1
    version = "u@1"
    name = "unpicklable"

    def __init__(self) -> None:
        self.fn = lambda: None

    def score(self, profile, as_of):
        return ScoreResult(probability_of_default=0.02)


class TestEquality:
    def test_equals_assess_one_by_one(self):
        """assess_many returns exactly [assess(s) for s in subjects], in order."""
        ps = _portfolio(300)
        assert assess_many(ps, as_of=AS_OF, chunk_size=64) == [assess(p, as_of=AS_OF) for p in ps]

    def test_parallel_equals_serial(self):
        """n_jobs=2 gives the same list as n_jobs=1."""
        ps = _portfolio(120)
        serial = assess_many(ps, as_of=AS_OF)
        assert assess_many(ps, as_of=AS_OF, n_jobs=2, chunk_size=25) == serial

    def test_per_subject_dates(self):
        """A sequence of dates gives each subject its own as_of."""
        ps = _portfolio(4)
        days = [AS_OF, AS_OF + dt.timedelta(days=30), "2026-09-01", AS_OF]
        got = assess_many(ps, as_of=days)
        assert [a.as_of for a in got] == [
            AS_OF,
            AS_OF + dt.timedelta(days=30),
            dt.date(2026, 9, 1),
            AS_OF,
        ]
        assert got == [assess(p, as_of=d) for p, d in zip(ps, days)]

    def test_documents_and_scorer_objects(self):
        """Profile documents and scorer objects work as in assess()."""
        ps = _portfolio(5)
        docs = [p.to_dict() for p in ps]
        scorer = RuleScorer()
        assert assess_many(docs, scorer=scorer, as_of=AS_OF) == [
            assess(d, scorer=scorer, as_of=AS_OF) for d in docs
        ]

    @settings(max_examples=15, deadline=None)
    @given(n=st.integers(0, 40), chunk=st.integers(1, 50))
    def test_length_and_order_for_any_chunking(self, n, chunk):
        """The output has one result per input, in input order, whatever the chunk size."""
        ps = _portfolio(40, seed=5)[:n]
        out = assess_many(ps, as_of=AS_OF, chunk_size=chunk)
        assert [a.subject_id for a in out] == [p.subject_id for p in ps]


class TestErrors:
    def test_collect_bad_subject(self):
        """A bad subject yields an error record at its position; the others are scored."""
        ps = _portfolio(5)
        subjects = [ps[0], {"subject_id": "x", "accounts": 3}, ps[2], 42, ps[4]]
        out = assess_many(subjects, as_of=AS_OF, errors="collect", chunk_size=2)
        assert len(out) == 5
        assert out[0] == assess(ps[0], as_of=AS_OF)
        assert out[2] == assess(ps[2], as_of=AS_OF)
        assert isinstance(out[1], AssessmentError) and out[1].position == 1
        assert out[1].subject_id == "x" and out[1].error_type == "InvalidInputError"
        assert ("accounts", "must be an array (got number)") in out[1].problems
        assert isinstance(out[3], AssessmentError) and out[3].subject_id is None

    def test_collect_scorer_failure(self):
        """A scorer exception is collected for that subject only."""
        ps = _portfolio(30)
        out = assess_many(ps, scorer=FailingScorer(), as_of=AS_OF, errors="collect")
        for p, a in zip(ps, out):
            if p.subject_id.endswith("7"):
                assert isinstance(a, AssessmentError) and a.error_type == "ScoringError"
                # the exception type is named; its text is withheld (it may carry subject data)
                assert "RuntimeError" in a.message and "boom" not in a.message
            else:
                assert a.score == assess(p, as_of=AS_OF).score

    def test_raise_names_position(self):
        """With errors='raise', a scorer failure raises ScoringError with the position."""
        ps = _portfolio(30)
        first = next(i for i, p in enumerate(ps) if p.subject_id.endswith("7"))
        with pytest.raises(ScoringError) as info:
            assess_many(ps, scorer=FailingScorer(), as_of=AS_OF, chunk_size=4)
        assert info.value.position == first
        assert f"position {first}" in str(info.value)

    def test_raise_bad_subject_prefixes_paths(self):
        """A bad subject raises InvalidInputError with paths under subjects[i]."""
        ps = _portfolio(3)
        with pytest.raises(InvalidInputError) as info:
            assess_many([ps[0], ps[1], {"subject_id": ""}], as_of=AS_OF)
        assert info.value.problems == [("subjects[2].subject_id", "must be a non-empty string")]

    @pytest.mark.parametrize("fork", [True, False])
    def test_raise_in_workers_names_position(self, fork, monkeypatch):
        """The first failure in input order is raised from worker processes too."""
        monkeypatch.setattr(_batch, "_PREFER_FORK", fork)
        ps = _portfolio(40)
        first = next(i for i, p in enumerate(ps) if p.subject_id.endswith("7"))
        with pytest.raises(ScoringError) as info:
            assess_many(ps, scorer=FailingScorer(), as_of=AS_OF, n_jobs=2, chunk_size=5)
        assert info.value.position == first

    @pytest.mark.parametrize("fork", [True, False])
    def test_dead_worker_raises(self, fork, monkeypatch):
        """A worker killed mid-run raises ScoringError; no short list comes back."""
        monkeypatch.setattr(_batch, "_PREFER_FORK", fork)
        ps = _portfolio(20)
        with pytest.raises(ScoringError, match="worker process died"):
            assess_many(
                ps, scorer=ExitInWorker(), as_of=AS_OF, n_jobs=2, chunk_size=2, errors="collect"
            )

    def test_unpicklable_scorer_without_fork(self, monkeypatch):
        """Without fork, a scorer that cannot be pickled is refused for workers."""
        monkeypatch.setattr(_batch, "_PREFER_FORK", False)
        ps = _portfolio(4)
        with pytest.raises(ScoringError, match="cannot be sent to worker"):
            assess_many(ps, scorer=Unpicklable(), as_of=AS_OF, n_jobs=2, chunk_size=1)
        assert len(assess_many(ps, scorer=Unpicklable(), as_of=AS_OF)) == 4

    def test_spawned_workers_equal_serial(self, monkeypatch):
        """Workers started without fork (subjects pickled) give the same list."""
        monkeypatch.setattr(_batch, "_PREFER_FORK", False)
        ps = _portfolio(30)
        assert assess_many(ps, as_of=AS_OF, n_jobs=2, chunk_size=10) == assess_many(ps, as_of=AS_OF)

    @pytest.mark.parametrize(
        "kwargs, path",
        [
            ({"n_jobs": 0}, "n_jobs"),
            ({"chunk_size": 0}, "chunk_size"),
            ({"errors": "ignore"}, "errors"),
            ({"progress": 3}, "progress"),
            ({"as_of": [AS_OF]}, "as_of"),
            ({"as_of": 5}, "as_of"),
        ],
    )
    def test_bad_arguments(self, kwargs, path):
        """Bad arguments raise InvalidInputError naming the argument."""
        with pytest.raises(InvalidInputError) as info:
            assess_many(_portfolio(2), **kwargs)
        assert info.value.problems[0][0] == path


class TestProgressAndPickling:
    def test_progress_calls(self):
        """progress(done, total) is called after each chunk, ending at total."""
        calls = []
        assess_many(
            _portfolio(25), as_of=AS_OF, chunk_size=10, progress=lambda d, t: calls.append((d, t))
        )
        assert calls == [(10, 25), (20, 25), (25, 25)]

    @pytest.mark.parametrize("collect", [False, True])
    def test_progress_with_workers(self, collect):
        """With workers (and this process) scoring, progress still rises to the total."""
        calls = []
        out = assess_many(
            _portfolio(60),
            as_of=AS_OF,
            n_jobs=2,
            chunk_size=7,
            errors="collect" if collect else "raise",
            progress=lambda d, t: calls.append(d),
        )
        assert len(out) == 60
        assert calls == sorted(calls) and len(set(calls)) == len(calls) and calls[-1] == 60

    def test_rule_scorer_pickles(self):
        """RuleScorer pickles and scores identically after a round trip."""
        p = _portfolio(1)[0]
        scorer = RuleScorer()
        clone = pickle.loads(pickle.dumps(scorer))
        assert assess(p, scorer=clone, as_of=AS_OF) == assess(p, scorer=scorer, as_of=AS_OF)

    def test_empty_input(self):
        """No subjects, no results, no progress call."""
        calls = []
        assert assess_many([], progress=lambda d, t: calls.append(d)) == []
        assert calls == []


# --------------------------------------------------------------------------------------
# Faults in batch scoring
# --------------------------------------------------------------------------------------
class RaisesForOne:
    """Delegates to the rule scorer but raises for the subject 'p-boom'."""

    credit_closure_api = 1
    version = "raises-for-one@1"

    def score(self, profile: CreditProfile, as_of: dt.date) -> Any:
        if profile.subject_id == "p-boom":
            raise RuntimeError("scorer failure for one subject")
        return RuleScorer.default().score(profile, as_of)


class KilledInWorker:
    """SIGKILLs any worker process it runs in (never the test process, which scores chunks
    from the front of the input itself)."""

    credit_closure_api = 1
    version = "killed@1"

    def __init__(self) -> None:
        self.parent = os.getpid()

    def score(self, profile: CreditProfile, as_of: dt.date) -> Any:
        if os.getpid() != self.parent:
            import signal

            os.kill(os.getpid(), signal.SIGKILL)
        return RuleScorer.default().score(profile, as_of)


def _batch_with_boom(n: int, at: int) -> list[CreditProfile]:
    from credit_closure.synth import generate_portfolio

    ps = list(generate_portfolio(n, seed=5, as_of=HARDENING_AS_OF).profiles)
    ps[at] = CreditProfile.from_dict(dict(ps[at].to_dict(), subject_id="p-boom"))
    return ps


class TestFaults:
    """A failing scorer or a dead worker never yields a silently wrong or short result."""

    def test_collect_gives_error_record_at_position(self) -> None:
        """errors='collect': an AssessmentError at the failing position, the rest as assess()."""
        from credit_closure import AssessmentError, assess_many

        ps = _batch_with_boom(12, at=7)
        out = assess_many(
            ps, scorer=RaisesForOne(), as_of=HARDENING_AS_OF, errors="collect", chunk_size=5
        )
        assert len(out) == len(ps)
        assert isinstance(out[7], AssessmentError) and out[7].position == 7
        assert out[7].error_type == "ScoringError"
        for i, p in enumerate(ps):
            if i != 7:
                assert (
                    fingerprint(out[i]).split("|")[1:]
                    == fingerprint(assess(p, scorer=RaisesForOne(), as_of=HARDENING_AS_OF)).split(
                        "|"
                    )[1:]
                )

    def test_raise_names_position(self) -> None:
        """errors='raise': a ScoringError whose position and message name the subject's index."""
        from credit_closure import assess_many

        ps = _batch_with_boom(12, at=7)
        with pytest.raises(ScoringError) as info:
            assess_many(
                ps, scorer=RaisesForOne(), as_of=HARDENING_AS_OF, errors="raise", chunk_size=5
            )
        assert info.value.position == 7
        assert "position 7" in str(info.value)
        assert isinstance(info.value.__cause__, RuntimeError)

    @pytest.mark.parametrize("errors", ["raise"])  # "collect" with os._exit: test_batch.py
    def test_killed_worker_is_a_clear_error(self, errors: str) -> None:
        """A worker killed by SIGKILL mid-run raises ScoringError; never a short list."""
        from credit_closure import assess_many

        ps = _batch_with_boom(16, at=9)
        with pytest.raises(ScoringError, match="worker process died") as info:
            assess_many(
                ps,
                scorer=KilledInWorker(),
                as_of=HARDENING_AS_OF,
                n_jobs=2,
                chunk_size=2,
                errors=errors,
            )
        assert info.value.position is not None and 0 <= info.value.position < len(ps)


def test_small_inputs_start_no_pool(monkeypatch):
    """Below _PARALLEL_MIN_SUBJECTS, n_jobs=2 scores in this process (no pool), with the
    same results; at the size, the pool runs."""
    from credit_closure._scoring import batch

    ps = list(generate_portfolio(60, seed=5, as_of=AS_OF).profiles)
    serial = assess_many(ps, as_of=AS_OF)
    started = []
    real = batch._run_parallel
    monkeypatch.setattr(batch, "_run_parallel", lambda *a, **k: started.append(1) or real(*a, **k))
    monkeypatch.setattr(batch, "_PARALLEL_MIN_SUBJECTS", 61)
    assert assess_many(ps, as_of=AS_OF, n_jobs=2, chunk_size=10) == serial
    assert started == []
    monkeypatch.setattr(batch, "_PARALLEL_MIN_SUBJECTS", 60)
    assert assess_many(ps, as_of=AS_OF, n_jobs=2, chunk_size=10) == serial
    assert started == [1]
