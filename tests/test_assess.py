"""assess() and what_if(): results, closure impact, provenance and the properties of issue 2."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import random
import threading
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from _helpers import ENTERPRISE_DOCS, EXAMPLE_DOCS, REFERENCE_ARTIFACT, fingerprint
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import AS_OF, open_revolving_profile, profiles

from credit_closure import (
    Assessment,
    ClosureEvent,
    CreditAccount,
    CreditProfile,
    Enterprise,
    Factor,
    InvalidInputError,
    LogisticScorer,
    RuleScorer,
    ScoreResult,
    ScorerNotFoundError,
    ScoringError,
    Trigger,
    assess,
    get_scorer,
    what_if,
)
from credit_closure._scoring import counterfactual

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples" / "profiles"


def example(name: str) -> CreditProfile:
    return CreditProfile.from_dict(json.loads((EXAMPLES / name).read_text(encoding="utf-8")))


class TestAssess:
    """The shape and provenance of an assessment."""

    def test_fields_and_provenance(self) -> None:
        """An assessment carries score, band, decision, reasons and provenance."""
        a = assess(example("02_balance_after_delinquency.json"), as_of="2025-12-31")
        assert isinstance(a, Assessment) and a.as_of == dt.date(2025, 12, 31)
        assert a.scorer == "rules" and a.scorer_version == "default@2026.12.0"
        assert a.scorer_distribution == "credit-closure"
        assert 1 <= len(a.reasons) <= 4
        assert all(r.points < 0 and r.message and r.message_zh for r in a.reasons)
        assert [r.points for r in a.reasons] == sorted(r.points for r in a.reasons)

    def test_to_dict_is_json(self) -> None:
        """to_dict() serialises to JSON with both languages."""
        d = assess(example("04_abnormal_termination.json"), as_of="2025-12-31").to_dict()
        text = json.dumps(d, ensure_ascii=False)
        assert "呆账" in text and d["decision"] == "decline"

    def test_accepts_a_document(self) -> None:
        """A profile document (dict) is validated and assessed."""
        a = assess({"subject_id": "s"}, as_of="2025-01-01")
        # policy v2: an empty file is referred as unscorable, never approved at the base score
        assert a.decision == "refer" and a.score == 600.0
        assert [t.code for t in a.triggers] == ["UNSCORABLE_FILE"]

    def test_dated_after_as_of(self) -> None:
        """Anything dated after as_of is reported with its path."""
        with pytest.raises(InvalidInputError) as info:
            assess(example("01_clean_voluntary_huabei.json"), as_of="2025-06-01")
        assert (
            "accounts[0].closed_on",
            "is after the assessment date 2025-06-01",
        ) in info.value.problems
        assert (
            "closures[0].closed_on",
            "is after the assessment date 2025-06-01",
        ) in info.value.problems

    @pytest.mark.parametrize(
        "as_of", ["2025-13-01", "yesterday", 20250101, dt.datetime(2025, 1, 1)]
    )
    def test_bad_as_of(self, as_of: object) -> None:
        """A bad as_of is an InvalidInputError naming as_of."""
        with pytest.raises(InvalidInputError) as info:
            assess({"subject_id": "s"}, as_of=as_of)
        assert info.value.problems[0][0] == "as_of"

    def test_bad_subject_and_scorer(self) -> None:
        """A non-profile subject and a non-scorer object are refused clearly."""
        with pytest.raises(InvalidInputError, match="subject"):
            assess(42, as_of="2025-01-01")
        with pytest.raises(InvalidInputError, match="scorer"):
            assess({"subject_id": "s"}, scorer=object(), as_of="2025-01-01")
        with pytest.raises(ScorerNotFoundError, match="Available: .*rules"):
            assess({"subject_id": "s"}, scorer="nope", as_of="2025-01-01")

    def test_default_as_of_is_today_utc(self) -> None:
        """Without as_of the assessment is dated today (UTC)."""
        a = assess({"subject_id": "s"})
        assert a.as_of == dt.datetime.now(dt.timezone.utc).date()


class _Const:
    credit_closure_api = 1
    version = "1"

    def __init__(self, result: object) -> None:
        self.result = result

    def score(self, profile: CreditProfile, as_of: dt.date) -> object:
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


class TestScorerProtocol:
    """assess() enforces the protocol on any scorer and never hides a failure."""

    def test_plain_object_scorer(self) -> None:
        """Any object with the protocol's members works, with its own reason texts."""
        s = _Const(
            ScoreResult(
                probability_of_default=0.1,
                factors=[Factor(code="MY_CODE", points=-12.0)],
                triggers=[Trigger(code="MY_CODE", action="refer")],
            )
        )
        s.reason_texts = {"MY_CODE": ("Own reason", "自定义原因")}  # type: ignore[attr-defined]
        a = assess({"subject_id": "s"}, scorer=s, as_of="2025-01-01")
        assert a.reasons[0].message_zh == "自定义原因" and a.decision == "refer"
        assert a.scorer == "_Const" and a.scorer_distribution is None

    def test_exception_becomes_scoring_error(self) -> None:
        """A scorer's exception is chained in a ScoringError naming the scorer."""
        with pytest.raises(ScoringError, match="_Const.*ZeroDivisionError") as info:
            assess({"subject_id": "s"}, scorer=_Const(ZeroDivisionError("x")), as_of="2025-01-01")
        assert isinstance(info.value.__cause__, ZeroDivisionError)

    def test_keyboard_interrupt_passes_through(self) -> None:
        """KeyboardInterrupt is not wrapped."""
        with pytest.raises(KeyboardInterrupt):
            assess({"subject_id": "s"}, scorer=_Const(KeyboardInterrupt()), as_of="2025-01-01")

    def test_wrong_return_and_unknown_code(self) -> None:
        """A non-ScoreResult or an unexplained reason code is a ScoringError."""
        with pytest.raises(ScoringError, match="must return a ScoreResult"):
            assess({"subject_id": "s"}, scorer=_Const(0.3), as_of="2025-01-01")
        bad = _Const(
            ScoreResult(probability_of_default=0.1, factors=[Factor(code="??", points=-1.0)])
        )
        with pytest.raises(ScoringError, match="neither in the catalog"):
            assess({"subject_id": "s"}, scorer=bad, as_of="2025-01-01")

    def test_api_version_checked(self) -> None:
        """A scorer declaring another protocol version is refused with the fix."""
        s = _Const(ScoreResult(probability_of_default=0.1))
        s.credit_closure_api = 99  # type: ignore[misc]
        with pytest.raises(ScoringError, match="version 99.*credit_closure_api = 1"):
            assess({"subject_id": "s"}, scorer=s, as_of="2025-01-01")

    def test_score_result_validates(self) -> None:
        """A probability outside [0, 1] cannot even be built."""
        with pytest.raises(ValueError):
            ScoreResult(probability_of_default=1.5)


class TestClosureImpact:
    """Counterfactual closure impact and what_if."""

    def test_counterfactual_reopens_recent_closures_only(self) -> None:
        """Closed accounts in the last 24 months reopen at their limit; charge-offs stay."""
        p = example("04_abnormal_termination.json")
        assert counterfactual(p, dt.date(2025, 12, 31)) is None  # 2023 closure is outside 24 months
        cf = counterfactual(example("02_balance_after_delinquency.json"), dt.date(2025, 12, 31))
        assert cf is not None and cf.closures == ()
        acc = cf.account("jb1")
        assert acc.status.value == "open" and acc.closed_on is None and acc.credit_limit == 30000

    def test_impact_of_a_lost_limit(self) -> None:
        """Closing a paid-off line that pushes utilization over 30% costs exactly R2's points."""
        p = CreditProfile(
            subject_id="s",
            accounts=[
                CreditAccount(
                    account_id="hb",
                    product="revolving_consumer",
                    status="closed",
                    opened_on="2019-01-01",
                    closed_on="2025-06-30",
                    credit_limit=20000,
                    balance=0,
                ),
                CreditAccount(
                    account_id="cc",
                    product="credit_card",
                    status="open",
                    opened_on="2016-01-01",
                    credit_limit=10000,
                    balance=4000,
                ),
            ],
            closures=[
                ClosureEvent(
                    account_id="hb",
                    closed_on="2025-06-30",
                    initiator="consumer",
                    balance_at_closure=0,
                    worst_dpd_6m_before=0,
                )
            ],
        )
        a = assess(p, as_of="2025-12-31")
        assert a.closure_impact == pytest.approx(-0.3 * 20 / 0.6931471805599453, abs=1e-9)

    def test_what_if_matches_assess_after(self) -> None:
        """what_if's after equals assessing the closed profile; delta = after - before."""
        p = example("06_open_lines_whatif.json")
        w = what_if(p, close=["hb1"], on="2025-12-31")
        assert w.delta == w.after.score - w.before.score < 0
        assert w.before == assess(p, as_of="2025-12-31")
        assert [m.code for m in w.moved] == ["UTILIZATION_HIGH"]
        assert w.after.closure_impact == pytest.approx(w.delta, abs=1e-9)

    def test_what_if_closing_with_balance(self) -> None:
        """Closing a line that still carries a balance adds the closed-with-balance reason."""
        w = what_if(example("06_open_lines_whatif.json"), close="jb1", on="2025-12-31")
        assert "CLOSED_WITH_BALANCE" in [m.code for m in w.moved]

    def test_what_if_errors(self) -> None:
        """Unknown, already closed and repeated accounts are all reported."""
        p = example("01_clean_voluntary_huabei.json")
        with pytest.raises(InvalidInputError) as info:
            what_if(p, close=["zz", "hb1", "cc1", "cc1"], on="2025-12-31")
        assert [x for x, _ in info.value.problems] == ["close[0]", "close[1]", "close"]
        with pytest.raises(InvalidInputError, match="reason"):
            what_if(p, close="cc1", on="2025-12-31", reason="boredom")


def _reorder(p: CreditProfile, seed: int) -> CreditProfile:
    rnd = random.Random(seed)
    return attrs.evolve(
        p,
        accounts=rnd.sample(p.accounts, len(p.accounts)),
        closures=rnd.sample(p.closures, len(p.closures)),
        inquiries=rnd.sample(p.inquiries, len(p.inquiries)),
        activity=rnd.sample(p.activity, len(p.activity)),
    )


class TestProperties:
    """Hypothesis properties of issue 2."""

    @given(profiles())
    def test_deterministic_and_bounded(self, p: CreditProfile) -> None:
        """Same input, same output; probability in [0, 1]; score in the scale's range."""
        a, b = assess(p, as_of=AS_OF), assess(p, as_of=AS_OF)
        assert a == b
        assert 0.0 <= a.probability_of_default <= 1.0
        assert 300.0 <= a.score <= 900.0 and len(a.reasons) <= 4
        assert a.decision in ("approve", "refer", "decline")

    @given(profiles(), st.integers(0, 10**6))
    def test_order_invariant_exactly(self, p: CreditProfile, seed: int) -> None:
        """The order of accounts, closures, inquiries and activity changes nothing."""
        assert assess(_reorder(p, seed), as_of=AS_OF) == assess(p, as_of=AS_OF)

    @given(profiles())
    def test_json_round_trip_same_assessment(self, p: CreditProfile) -> None:
        """A profile through JSON text assesses identically."""
        q = CreditProfile.from_dict(json.loads(json.dumps(p.to_dict())))
        assert assess(q, as_of=AS_OF) == assess(p, as_of=AS_OF)

    @given(
        st.lists(
            st.tuples(st.integers(100, 50_000), st.integers(0, 60_000)), min_size=1, max_size=5
        ),
        st.integers(0, 4),
        st.integers(1, 20_000),
    )
    def test_more_utilization_never_lowers_risk(self, lines, i, extra) -> None:
        """Adding balance never lowers the probability of default."""
        lims = [float(lim) for lim, _ in lines]
        bals = [float(b) for _, b in lines]
        before = assess(open_revolving_profile(lims, bals), as_of=AS_OF)
        bals[i % len(bals)] += extra
        after = assess(open_revolving_profile(lims, bals), as_of=AS_OF)
        assert after.probability_of_default >= before.probability_of_default

    @given(
        profiles(activity=False),
        st.sampled_from(["balance", "delinquency", "lender", "abnormal"]),
        st.dates(min_value=dt.date(2024, 6, 1), max_value=AS_OF),
    )
    def test_adverse_closure_never_lowers_risk(
        self, p: CreditProfile, kind: str, day: dt.date
    ) -> None:
        """Adding an adverse closure (with balance, after delinquency, by the lender,
        abnormal) to a profile never lowers its risk."""
        acc = CreditAccount(
            account_id="new",
            product="credit_card",
            status="closed",
            opened_on="2018-01-01",
            closed_on=day,
            credit_limit=10000,
            balance=3000 if kind == "balance" else 0,
            worst_dpd_24m=60 if kind == "delinquency" else 0,
        )
        ev = ClosureEvent(
            account_id="new",
            closed_on=day,
            initiator="lender_risk" if kind == "lender" else "consumer",
            reason="unused",
            termination="abnormal" if kind == "abnormal" else "normal",
            balance_at_closure=3000 if kind == "balance" else 0,
            limit_at_closure=10000,
            worst_dpd_6m_before=60 if kind == "delinquency" else 0,
        )
        # compare with the same account closed cleanly, so only the adverse part differs
        clean_acc = attrs.evolve(acc, balance=0, worst_dpd_24m=0)
        clean_ev = attrs.evolve(
            ev,
            initiator="consumer",
            termination="normal",
            balance_at_closure=0,
            worst_dpd_6m_before=0,
        )
        adverse = attrs.evolve(p, accounts=p.accounts + (acc,), closures=p.closures + (ev,))
        clean = attrs.evolve(
            p, accounts=p.accounts + (clean_acc,), closures=p.closures + (clean_ev,)
        )
        assert (
            assess(adverse, as_of=AS_OF).probability_of_default
            >= assess(clean, as_of=AS_OF).probability_of_default
        )

    @given(profiles(activity=False), st.dates(min_value=dt.date(2024, 1, 1), max_value=AS_OF))
    def test_clean_voluntary_closure_never_a_reason(self, p: CreditProfile, day: dt.date) -> None:
        """Adding a clean, paid-off voluntary closure never adds a reason code of its own."""
        assume(not any(a.account_id == "v" for a in p.accounts))
        # policy v2: an empty file is unscorable (R10e); with any account on file it is scored,
        # and R2c (no open revolving line) reads the file, not the closure
        assume(p.accounts)
        acc = CreditAccount(
            account_id="v",
            product="installment",
            status="closed",
            opened_on="2015-01-01",
            closed_on=day,
            credit_limit=5000,
            balance=0,
            worst_dpd_24m=0,
            months_delinquent_24m=0,
        )
        ev = ClosureEvent(
            account_id="v",
            closed_on=day,
            initiator="consumer",
            reason="privacy",
            termination="normal",
            balance_at_closure=0,
            worst_dpd_6m_before=0,
        )
        q = attrs.evolve(p, accounts=p.accounts + (acc,), closures=p.closures + (ev,))

        def lost(a: Assessment) -> dict:
            out: dict = {}
            for f in a.factors:
                if f.points < 0:
                    out[f.code] = out.get(f.code, 0.0) + f.points
            return out

        before, after = lost(assess(p, as_of=AS_OF)), lost(assess(q, as_of=AS_OF))
        # no factor appears and none costs more: the closure is never a reason by itself
        # (the top-4 list may still reorder when an old closed account lengthens the history)
        assert set(after) <= set(before)
        assert all(after[c] >= before[c] - 1e-9 for c in after)


class TestThreads:
    """Shared scorers are safe from many threads."""

    def test_sixteen_threads_match_serial(self) -> None:
        """assess() from 16 threads gives the serial results."""
        paths = sorted(EXAMPLES.glob("*.json"))
        subjects = [
            CreditProfile.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in paths
        ]
        serial = [assess(s, as_of="2025-12-31") for s in subjects]
        results: list[list[Assessment]] = [[] for _ in range(16)]

        def run(k: int) -> None:
            for _ in range(20):
                results[k] = [assess(s, as_of="2025-12-31") for s in subjects]

        threads = [threading.Thread(target=run, args=(k,)) for k in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(r == serial for r in results)


def test_fast_built_assessment_has_every_field() -> None:
    """The hot-path construction of Assessment sets every attrs field."""
    a = assess(example("02_balance_after_delinquency.json"), as_of="2025-12-31")
    assert attrs.asdict(a, recurse=False).keys() == {f.name for f in attrs.fields(Assessment)}
    assert a == attrs.evolve(a)


# --------------------------------------------------------------------------------------
# Concurrency
# --------------------------------------------------------------------------------------
def _subjects() -> list[Any]:
    from credit_closure.synth import generate_portfolio

    profiles = [CreditProfile.from_dict(d) for d in EXAMPLE_DOCS]
    profiles += list(generate_portfolio(60, seed=8, as_of=AS_OF).profiles)
    enterprises = [Enterprise.from_dict(d) for d in ENTERPRISE_DOCS]
    return profiles + enterprises


def _run_threads(n: int, target: Callable[[int], Any]) -> list[Any]:
    """Run ``target(i)`` in ``n`` threads released together; return results, re-raise errors."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = target(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]
    return results


class TestConcurrency:
    """assess() on shared scorers from 16 threads equals serial; caches build once."""

    @pytest.mark.parametrize("which", ["rules", "logistic", "loaded-artifact"])
    def test_threads_equal_serial(self, which: str) -> None:
        """16 threads assessing the same subjects in different orders match a serial run."""
        scorer: Any = (
            LogisticScorer.load(REFERENCE_ARTIFACT) if which == "loaded-artifact" else which
        )
        subjects = _subjects()
        serial = [fingerprint(assess(s, scorer=scorer, as_of=AS_OF)) for s in subjects]

        def job(i: int) -> list[str]:
            order = list(range(len(subjects)))
            order = order[i * 7 % len(order) :] + order[: i * 7 % len(order)]
            if i % 2:
                order.reverse()
            out: list[str] = [""] * len(subjects)
            for k in order:
                out[k] = fingerprint(assess(subjects[k], scorer=scorer, as_of=AS_OF))
            return out

        for got in _run_threads(16, job):
            assert got == serial

    @pytest.mark.parametrize("name", ["rules", "logistic"])
    def test_registry_concurrent_first_use(
        self, name: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """After clearing every cache, 16 simultaneous get_scorer calls get one same object."""
        # module objects: their caches are reset where the code looks them up
        from credit_closure._scorecard import logistic as _logistic
        from credit_closure._scoring import registry as _registry
        from credit_closure._scoring import rules as _rules

        _registry.clear_cache()
        monkeypatch.setattr(_rules, "_default", None)
        monkeypatch.setattr(_logistic, "_reference", None)
        got = _run_threads(16, lambda i: get_scorer(name))
        assert all(g is got[0] for g in got)
        assert get_scorer(name) is got[0]
        _registry.clear_cache()

    def test_registered_factory_built_once(self) -> None:
        """A slow in-process factory is called once under 16 concurrent first uses."""
        import time

        from credit_closure import register_scorer
        from credit_closure._scoring import registry as _registry

        calls: list[int] = []

        def factory() -> Any:
            calls.append(1)
            time.sleep(0.05)  # widen the race window; not a timing assertion
            return RuleScorer()

        register_scorer("hardening-slow", factory)
        try:
            got = _run_threads(16, lambda i: get_scorer("hardening-slow"))
            assert len(calls) == 1
            assert all(g is got[0] for g in got)

            def numbers(scorer: str, i: int) -> tuple[str, str, list[Any]]:
                a = assess(
                    CreditProfile.from_dict(EXAMPLE_DOCS[i % len(EXAMPLE_DOCS)]),
                    scorer=scorer,
                    as_of=AS_OF,
                )
                return (
                    a.score.hex(),
                    a.probability_of_default.hex(),
                    [r.to_dict() for r in a.reasons],
                )

            results = _run_threads(16, lambda i: numbers("hardening-slow", i))
            assert results == [numbers("rules", i) for i in range(16)]
        finally:
            _registry.unregister_scorer("hardening-slow")


# --------------------------------------------------------------------------------------
# Bad arguments to the public functions
# --------------------------------------------------------------------------------------
class TestArguments:
    """Bad arguments to assess() and what_if() raise InvalidInputError naming the argument."""

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"as_of": 5},
            {"as_of": "2025-02-30"},
            {"as_of": dt.datetime(2025, 1, 1)},
            {"scorer": 5},
            {"scorer": []},
            {"scorer": None},
            {"scorer": object()},
        ],
        ids=lambda kw: f"{next(iter(kw))}-{type(next(iter(kw.values()))).__name__}",
    )
    def test_assess_bad_arguments(self, kwargs: dict[str, Any]) -> None:
        """assess() with a bad as_of or scorer raises InvalidInputError."""
        p = CreditProfile.from_dict(EXAMPLE_DOCS[5])
        kwargs.setdefault("as_of", AS_OF)
        with pytest.raises(InvalidInputError):
            assess(p, **kwargs)

    @pytest.mark.parametrize("subject", [None, 5, "p-1", [], b"{}"], ids=repr)
    def test_assess_bad_subject(self, subject: Any) -> None:
        """assess() of something that is not a subject raises InvalidInputError."""
        with pytest.raises(InvalidInputError):
            assess(subject, as_of=AS_OF)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"close": []},
            {"close": [None]},
            {"close": ["no-such-account"]},
            {"close": b"hb1"},
            {"on": "2025-02-30"},
            {"on": "1800-01-01"},
            {"reason": "angry"},
            {"reason": 5},
            {"scorer": 5},
        ],
        ids=repr,
    )
    def test_what_if_bad_arguments(self, kwargs: dict[str, Any]) -> None:
        """what_if() with bad accounts, date, reason or scorer raises InvalidInputError."""
        from credit_closure import what_if

        p = CreditProfile.from_dict(EXAMPLE_DOCS[5])
        kwargs.setdefault("close", [p.accounts[0].account_id])
        kwargs.setdefault("on", AS_OF)
        with pytest.raises(InvalidInputError):
            what_if(p, **kwargs)

    @pytest.mark.parametrize("close", [5, None], ids=repr)
    def test_what_if_close_not_iterable(self, close: Any) -> None:
        """what_if(close=5) or close=None raises InvalidInputError naming 'close'."""
        from credit_closure import what_if

        with pytest.raises(InvalidInputError):
            what_if(CreditProfile.from_dict(EXAMPLE_DOCS[5]), close=close, on=AS_OF)

    def test_enterprise_what_if_close_not_iterable(self) -> None:
        """what_if(enterprise, close=5, principal=...) raises InvalidInputError."""
        from credit_closure import what_if

        e = Enterprise.from_dict(ENTERPRISE_DOCS[0])
        with pytest.raises(InvalidInputError):
            what_if(e, close=5, principal=e.principals[0].profile.subject_id, on=AS_OF)
