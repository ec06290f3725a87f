"""Tests of :mod:`credit_closure.synth`, the seeded synthetic portfolio generator."""

from __future__ import annotations

import collections
import datetime as dt
import doctest
import json
import math

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import (
    AccountStatus,
    ClosureEvent,
    ClosureInitiator,
    ClosureReason,
    CreditProfile,
    TerminationKind,
    synth,
)
from credit_closure._contract import REVOLVING_PRODUCTS
from credit_closure._synth import truth
from credit_closure.exceptions import InvalidInputError
from credit_closure.synth import SyntheticPortfolio, TrainingData, generate_portfolio, read_jsonl

AS_OF = dt.date(2026, 6, 30)
CONSUMER_REASONS = (
    ClosureReason.REDUCE_DEBT,
    ClosureReason.UNUSED,
    ClosureReason.SWITCH_PLATFORM,
    ClosureReason.PRIVACY,
    ClosureReason.SECURITY_CONCERN,
    ClosureReason.OTHER,
    ClosureReason.UNKNOWN,
)


@pytest.fixture(scope="module")
def big() -> SyntheticPortfolio:
    """20,000 subjects drawn once for the distribution tests."""
    return generate_portfolio(20_000, seed=11)


@pytest.fixture(scope="module")
def sample(big: SyntheticPortfolio) -> tuple[CreditProfile, ...]:
    """The first 5,000 subjects (equal to a 5,000-subject draw: the draws are prefix-stable)."""
    return big.profiles[:5000]


def _close_cleanly(
    profile: CreditProfile,
    account_id: str,
    closed_on: dt.date,
    reason: ClosureReason = ClosureReason.UNUSED,
) -> CreditProfile:
    """Return ``profile`` with the open, zero-balance ``account_id`` closed cleanly by the consumer."""
    accounts = tuple(
        attrs.evolve(a, status=AccountStatus.CLOSED, closed_on=closed_on)
        if a.account_id == account_id
        else a
        for a in profile.accounts
    )
    acc = profile.account(account_id)
    event = ClosureEvent(
        account_id=account_id,
        closed_on=closed_on,
        initiator=ClosureInitiator.CONSUMER,
        reason=reason,
        termination=TerminationKind.NORMAL,
        balance_at_closure=0,
        limit_at_closure=acc.credit_limit,
        worst_dpd_6m_before=0,
    )
    return attrs.evolve(profile, accounts=accounts, closures=profile.closures + (event,))


def _reopen(profile: CreditProfile, account_id: str) -> CreditProfile:
    """Return ``profile`` as if the closed ``account_id`` had stayed open (balance 0, no event)."""
    accounts = tuple(
        attrs.evolve(a, status=AccountStatus.OPEN, closed_on=None, balance=0)
        if a.account_id == account_id
        else a
        for a in profile.accounts
    )
    closures = tuple(c for c in profile.closures if c.account_id != account_id)
    return attrs.evolve(profile, accounts=accounts, closures=closures)


def _open_zero_balance_revolving(profile: CreditProfile) -> list[str]:
    return [
        a.account_id
        for a in profile.accounts
        if a.status is AccountStatus.OPEN
        and a.product in REVOLVING_PRODUCTS
        and a.balance == 0
        and a.credit_limit
    ]


class TestDeterminism:
    def test_same_arguments_give_the_same_portfolio(self):
        """The same (n, seed, as_of) gives identical profiles, outcomes and probabilities."""
        a = generate_portfolio(300, seed=5)
        b = generate_portfolio(300, seed=5)
        assert a.profiles == b.profiles
        np.testing.assert_array_equal(a.outcomes, b.outcomes)
        np.testing.assert_array_equal(a.true_probability, b.true_probability)
        assert a == b

    def test_different_seeds_give_different_portfolios(self):
        """Two seeds give different profiles."""
        assert generate_portfolio(50, seed=1).profiles != generate_portfolio(50, seed=2).profiles

    def test_prefix_is_stable_across_block_boundary(self):
        """The first k profiles and outcomes do not depend on n, across a 1024-subject block."""
        long = generate_portfolio(1100, seed=3)
        short = generate_portfolio(1030, seed=3)
        assert long.profiles[:1030] == short.profiles
        np.testing.assert_array_equal(long.outcomes[:1030], short.outcomes)
        np.testing.assert_array_equal(long.true_probability[:1030], short.true_probability)

    def test_as_of_only_shifts_dates(self):
        """Another as_of shifts every date and leaves the outcomes and probabilities unchanged."""
        a = generate_portfolio(80, seed=2)
        b = generate_portfolio(80, seed=2, as_of=dt.date(2024, 2, 29))
        shift = AS_OF - dt.date(2024, 2, 29)
        np.testing.assert_array_equal(a.outcomes, b.outcomes)
        np.testing.assert_array_equal(a.true_probability, b.true_probability)
        for pa, pb in zip(a.profiles, b.profiles):
            assert [x.opened_on - shift for x in pa.accounts] == [x.opened_on for x in pb.accounts]
            assert [q.on - shift for q in pa.inquiries] == [q.on for q in pb.inquiries]

    @settings(max_examples=10, deadline=None)
    @given(n=st.integers(1, 40), seed=st.integers(0, 2**64 - 1))
    def test_any_seed_is_deterministic_and_valid(self, n, seed):
        """For any seed, two draws agree and every profile round-trips through JSON."""
        a = generate_portfolio(n, seed=seed)
        b = generate_portfolio(n, seed=seed)
        assert a == b and len(a) == n
        for p in a.profiles:
            assert CreditProfile.from_dict(json.loads(json.dumps(p.to_dict()))) == p
            assert p.dated_after(a.as_of) == []


class TestProfiles:
    def test_profiles_round_trip_through_json(self, sample):
        """Every profile survives to_dict -> JSON text -> from_dict unchanged."""
        for p in sample[:2000]:
            assert CreditProfile.from_dict(json.loads(json.dumps(p.to_dict()))) == p

    def test_profiles_are_valid(self, sample):
        """Every profile passes the model's own validation."""
        assert all(p.problems() == [] for p in sample)

    def test_nothing_is_dated_after_as_of(self, big):
        """No date in any of 20,000 profiles is later than as_of."""
        assert all(p.dated_after(big.as_of) == [] for p in big.profiles)

    @pytest.mark.parametrize(
        "as_of", [dt.date(2024, 2, 29), synth.MIN_AS_OF, dt.date(2099, 12, 31)]
    )
    def test_nothing_is_dated_after_other_as_of(self, as_of):
        """Other as_of dates, including a leap day and the earliest allowed, work too."""
        pf = generate_portfolio(200, seed=8, as_of=as_of)
        assert pf.as_of == as_of
        for p in pf.profiles:
            assert p.dated_after(as_of) == []
            assert all(a.opened_on >= dt.date(1900, 1, 1) for a in p.accounts)

    def test_delinquency_fields_are_consistent(self, sample):
        """consecutive <= cumulative <= 24, and a worst DPD exactly when a month was overdue."""
        for p in sample:
            for a in p.accounts:
                assert 0 <= a.max_consecutive_delinquent_24m <= a.months_delinquent_24m <= 24
                assert (a.worst_dpd_24m > 0) == (a.months_delinquent_24m > 0)
                assert a.worst_dpd_24m <= 30 * a.max_consecutive_delinquent_24m

    def test_account_counts_products_and_providers(self, sample):
        """1-12 accounts; every product appears; at most one Huabei and one Jiebei per subject."""
        products = collections.Counter()
        for p in sample:
            assert 1 <= len(p.accounts) <= 12
            providers = [a.provider for a in p.accounts]
            assert providers.count("huabei") <= 1 and providers.count("jiebei") <= 1
            for a in p.accounts:
                products[a.product.value] += 1
                assert a.credit_limit > 0 and a.balance >= 0
                assert a.opened_on >= AS_OF - dt.timedelta(days=int(20 * 365.25) + 1)
                if a.product.value == "revolving_consumer" and a.provider == "huabei":
                    products["huabei"] += 1
                if a.product.value == "cash_loan" and a.provider == "jiebei":
                    products["jiebei"] += 1
        assert set(products) >= {
            "revolving_consumer",
            "cash_loan",
            "credit_card",
            "installment",
            "mortgage",
            "business_loan",
            "huabei",
            "jiebei",
        }

    def test_every_initiator_reason_and_termination_appears(self, sample):
        """A 5,000-subject sample has every initiator, reason and termination kind."""
        seen = set()
        for p in sample:
            for c in p.closures:
                seen.update((c.initiator, c.reason, c.termination))
        assert set(list(ClosureInitiator)[:6]) <= seen  # the v1 initiators: synth draws v1 data
        assert set(ClosureReason) <= seen
        assert set(TerminationKind) <= seen

    def test_closed_accounts_and_closure_events_agree(self, sample):
        """Ended accounts carry closed_on; most have an event on the same date."""
        ended = with_event = 0
        for p in sample:
            events = {c.account_id: c for c in p.closures}
            for a in p.accounts:
                if a.status is AccountStatus.OPEN or a.status is AccountStatus.SUSPENDED:
                    assert a.closed_on is None and a.account_id not in events
                    continue
                ended += 1
                assert a.closed_on is not None
                ev = events.get(a.account_id)
                if ev is not None:
                    with_event += 1
                    assert ev.closed_on == a.closed_on
        assert with_event / ended > 0.6

    def test_derogatory_terminations_go_with_derogatory_status(self, sample):
        """Bad debt is charged off or transferred and still owed; abnormal ends are rare."""
        n_closures = n_derog = 0
        for p in sample:
            for c in p.closures:
                n_closures += 1
                acc = p.account(c.account_id)
                if c.termination is TerminationKind.BAD_DEBT:
                    n_derog += 1
                    assert acc.status in (AccountStatus.CHARGED_OFF, AccountStatus.TRANSFERRED)
                    assert acc.balance > 0 and c.balance_at_closure > 0
                elif c.termination is TerminationKind.ABNORMAL:
                    n_derog += 1
                else:
                    assert acc.status is AccountStatus.CLOSED
        assert 0 < n_derog / n_closures < 0.05

    def test_lender_risk_closures_follow_delinquency(self, sample):
        """Lender-risk closures come after 30+ DPD far more often than consumer closures do."""

        def share(initiator):
            cs = [c for p in sample for c in p.closures if c.initiator is initiator]
            return sum((c.worst_dpd_6m_before or 0) >= 30 for c in cs) / len(cs)

        assert share(ClosureInitiator.LENDER_RISK) > 0.3
        assert share(ClosureInitiator.CONSUMER) < 0.05

    def test_some_closures_carry_a_balance(self, sample):
        """Some consumer closures, and most lender-risk ones, happen with a balance owed."""
        owed = collections.Counter()
        total = collections.Counter()
        for p in sample:
            for c in p.closures:
                total[c.initiator] += 1
                owed[c.initiator] += bool(c.balance_at_closure)
        assert 0.02 < owed[ClosureInitiator.CONSUMER] / total[ClosureInitiator.CONSUMER] < 0.15
        assert owed[ClosureInitiator.LENDER_RISK] / total[ClosureInitiator.LENDER_RISK] > 0.5

    def test_inquiries_and_activity(self, sample):
        """Hard and soft inquiries sit in the last 24 months; rare activity kinds appear."""
        kinds = collections.Counter()
        on_closed_after = 0
        for p in sample:
            for q in p.inquiries:
                assert 0 <= (AS_OF - q.on).days <= 730
                kinds[q.kind.value] += 1
            for r in p.activity:
                kinds[r.kind.value] += 1
                acc = p.account(r.account_id)
                if acc.closed_on is not None and r.day > acc.closed_on:
                    on_closed_after += 1
        assert set(kinds) >= {
            "loan_approval",
            "card_approval",
            "post_loan",
            "self",
            "guarantee_check",
            "login",
            "transaction",
            "reopen_request",
            "contact_change",
            "limit_change",
        }
        assert on_closed_after > 0

    def test_attributes(self, sample):
        """Income (sometimes absent), city tier, employment and age are present and typed."""
        missing = 0
        for p in sample:
            a = p.attributes
            assert set(a) <= {"monthly_income", "city_tier", "employment", "age"}
            assert a["city_tier"] in {"1", "2", "3", "4"}
            assert a["employment"] in {
                "salaried",
                "self_employed",
                "civil_servant",
                "student",
                "other",
            }
            assert type(a["age"]) is int and 20 <= a["age"] <= 65
            if "monthly_income" in a:
                assert type(a["monthly_income"]) is int and a["monthly_income"] >= 800
            else:
                missing += 1
        assert 0.05 < missing / len(sample) < 0.3

    def test_subject_ids_are_unique_and_pseudonymous(self, sample):
        """Subject ids are unique and carry only the seed and position."""
        ids = [p.subject_id for p in sample]
        assert len(set(ids)) == len(ids) and ids[0] == "syn-11-0"


class TestOutcomes:
    def test_outcomes_are_int8_zero_or_one(self, big):
        """Outcomes are a read-only int8 array of 0/1, aligned with the profiles."""
        assert big.outcomes.dtype == np.int8 and big.outcomes.shape == (len(big.profiles),)
        assert set(np.unique(big.outcomes).tolist()) == {0, 1}
        assert not big.outcomes.flags.writeable and not big.true_probability.flags.writeable

    def test_default_rate_in_documented_range(self, big):
        """With the default intercept the default rate is 5-9%."""
        assert 0.05 <= big.default_rate <= 0.09
        assert 0.05 <= float(big.true_probability.mean()) <= 0.09

    def test_oracle_auc_in_documented_range(self, big):
        """The AUC of the true probability on 20,000 subjects is 0.80-0.88."""
        assert 0.80 <= big.oracle_auc() <= 0.88

    def test_outcomes_follow_true_probability(self, big):
        """Observed defaults match the probabilities overall and rise with them."""
        p, y = big.true_probability, big.outcomes
        se = math.sqrt(float(np.sum(p * (1 - p)))) / len(p)
        assert abs(float(y.mean() - p.mean())) < 4 * se
        order = np.argsort(p)
        low, high = y[order[:4000]].mean(), y[order[-4000:]].mean()
        assert high > 5 * low

    def test_true_probability_is_the_documented_function(self, big):
        """true_probability = σ(b0 + observable log-odds - 0.7 z), recomputed from the profiles."""
        profiles, z, _, _ = synth._generate(300, 11, AS_OF)
        obs = np.array([truth._observable_log_odds(p, AS_OF) for p in profiles])
        expected = synth._sigmoid(synth.DEFAULT_INTERCEPT + (obs - synth.RESIDUAL_WEIGHT * z))
        np.testing.assert_array_equal(big.true_probability[:300], expected)
        assert big.intercept == synth.DEFAULT_INTERCEPT

    @pytest.mark.parametrize("rate", [0.02, 0.25])
    def test_bad_rate_is_honoured(self, rate):
        """bad_rate sets the mean true probability exactly and the observed rate within noise."""
        pf = generate_portfolio(3000, seed=9, bad_rate=rate)
        assert float(pf.true_probability.mean()) == pytest.approx(rate, abs=1e-9)
        assert abs(pf.default_rate - rate) < 4 * math.sqrt(rate * (1 - rate) / 3000)
        base = generate_portfolio(300, seed=9)
        assert pf.profiles[:300] == base.profiles

    def test_repr_is_short(self, big):
        """The repr summarises, it does not dump profiles."""
        text = repr(big)
        assert text.startswith("<SyntheticPortfolio: 20000 subjects, seed=11")
        assert len(text) < 200


class TestCleanClosures:
    def test_clean_closure_of_an_open_line_changes_nothing(self, sample):
        """Closing an open zero-balance revolving line cleanly leaves the log-odds unchanged."""
        checked = 0
        for p in sample[:3000]:
            before = truth._observable_log_odds(p, AS_OF)
            for aid in _open_zero_balance_revolving(p):
                when = max(p.account(aid).opened_on, AS_OF - dt.timedelta(days=30))
                after = truth._observable_log_odds(_close_cleanly(p, aid, when), AS_OF)
                assert after == before
                checked += 1
        assert checked > 500

    def test_reopening_a_clean_closure_changes_nothing(self, sample):
        """Every generated clean voluntary closure scores exactly as the account kept open."""
        checked = 0
        for p in sample:
            events = {c.account_id: c for c in p.closures}
            for a in p.accounts:
                if a.product in REVOLVING_PRODUCTS and truth._is_clean_voluntary(
                    a, events.get(a.account_id)
                ):
                    before = truth._observable_log_odds(p, AS_OF)
                    after = truth._observable_log_odds(_reopen(p, a.account_id), AS_OF)
                    assert after == before
                    checked += 1
        assert checked > 200

    @settings(max_examples=30, deadline=None)
    @given(
        index=st.integers(0, 2999),
        days_ago=st.integers(0, 7000),
        reason=st.sampled_from(CONSUMER_REASONS),
        pick=st.integers(0, 11),
    )
    def test_clean_closure_has_no_effect_on_true_probability(
        self, sample, index, days_ago, reason, pick
    ):
        """At any date and for any consumer reason, a clean closure leaves p unchanged."""
        p = sample[index]
        candidates = _open_zero_balance_revolving(p)
        if not candidates:
            return
        aid = candidates[pick % len(candidates)]
        when = max(p.account(aid).opened_on, AS_OF - dt.timedelta(days=days_ago))
        closed = _close_cleanly(p, aid, when, reason)
        assert truth._is_clean_voluntary(closed.account(aid), closed.closures[-1])
        z = 0.3
        p_before = synth._sigmoid(
            synth.DEFAULT_INTERCEPT + truth._observable_log_odds(p, AS_OF) - 0.7 * z
        )
        p_after = synth._sigmoid(
            synth.DEFAULT_INTERCEPT + truth._observable_log_odds(closed, AS_OF) - 0.7 * z
        )
        assert p_after == p_before

    def test_closures_that_are_not_clean_do_move_the_log_odds(self, sample):
        """Closing with a balance, or by the lender, raises the log-odds (the check is sensitive)."""
        raised = checked = 0
        for p in sample[:1000]:
            before = truth._observable_log_odds(p, AS_OF)
            for aid in _open_zero_balance_revolving(p)[:1]:
                when = max(p.account(aid).opened_on, AS_OF - dt.timedelta(days=30))
                clean = _close_cleanly(p, aid, when)
                by_lender = attrs.evolve(
                    clean,
                    closures=clean.closures[:-1]
                    + (attrs.evolve(clean.closures[-1], initiator=ClosureInitiator.LENDER_RISK),),
                )
                with_balance = attrs.evolve(
                    clean,
                    accounts=tuple(
                        attrs.evolve(a, balance=500) if a.account_id == aid else a
                        for a in clean.accounts
                    ),
                )
                for variant in (by_lender, with_balance):
                    after = truth._observable_log_odds(variant, AS_OF)
                    assert after >= before
                    raised += after > before
                    checked += 1
        assert checked > 100 and raised >= 0.98 * checked


class TestJsonl:
    def test_write_then_read_round_trip(self, tmp_path):
        """to_jsonl then read_jsonl returns the same profiles, outcomes and dates."""
        pf = generate_portfolio(150, seed=4, bad_rate=0.3)
        path = tmp_path / "train.jsonl"
        pf.to_jsonl(path)
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 150
        first = json.loads(lines[0])
        assert set(first) == {"profile", "outcome", "as_of"} and first["as_of"] == "2026-06-30"
        data = read_jsonl(str(path))
        assert isinstance(data, TrainingData) and len(data) == 150
        assert data.profiles == pf.profiles
        np.testing.assert_array_equal(data.outcomes, pf.outcomes)
        assert data.outcomes.dtype == np.int8
        assert data.as_of == (AS_OF,) * 150

    @pytest.mark.parametrize(
        ("line", "path"),
        [
            (
                '{"profile": {"subject_id": "s"}, "outcome": 1, "as_of": "2026-06-30", "x": 1}',
                "line 2.x",
            ),
            (
                '{"profile": {"subject_id": "s"}, "outcome": true, "as_of": "2026-06-30"}',
                "line 2.outcome",
            ),
            (
                '{"profile": {"subject_id": "s"}, "outcome": 2, "as_of": "2026-06-30"}',
                "line 2.outcome",
            ),
            (
                '{"profile": {"subject_id": "s"}, "outcome": 1.0, "as_of": "2026-06-30"}',
                "line 2.outcome",
            ),
            (
                '{"profile": {"subject_id": "s"}, "outcome": 0, "as_of": "2026-02-30"}',
                "line 2.as_of",
            ),
            ('{"profile": {"subject_id": "s"}, "outcome": 0}', "line 2.as_of"),
            (
                '{"profile": {"subject_id": ""}, "outcome": 0, "as_of": "2026-06-30"}',
                "line 2.profile.subject_id",
            ),
            (
                '{"profile": {"subject_id": "s", "inquiries": [{"on": "2027-01-01", "kind": "self"}]},'
                ' "outcome": 0, "as_of": "2026-06-30"}',
                "line 2.profile.inquiries[0].on",
            ),
            (
                '{"profile": {"subject_id": "s"}, "outcome": 0, "outcome": 1, "as_of": "2026-06-30"}',
                "line 2",
            ),
            ('{"profile": {"subject_id": "s"}, "outcome": NaN, "as_of": "2026-06-30"}', "line 2"),
            ("[1, 2]", "line 2"),
            ("", "line 2"),
        ],
    )
    def test_read_rejects_bad_lines(self, tmp_path, line, path):
        """Each malformed line is reported with its line number and field path."""
        good = '{"profile": {"subject_id": "s"}, "outcome": 0, "as_of": "2026-06-30"}'
        file = tmp_path / "bad.jsonl"
        file.write_text(f"{good}\n{line}\n{good}\n", encoding="utf-8")
        with pytest.raises(InvalidInputError) as info:
            read_jsonl(file)
        assert path in [p for p, _ in info.value.problems]

    def test_read_reports_every_bad_line_and_empty_files(self, tmp_path):
        """Problems on several lines are all reported; an empty file is an error."""
        file = tmp_path / "bad.jsonl"
        file.write_text('{"outcome": 0}\nnot json\n', encoding="utf-8")
        with pytest.raises(InvalidInputError) as info:
            read_jsonl(file)
        paths = {p for p, _ in info.value.problems}
        assert {"line 1.profile", "line 1.as_of", "line 2"} <= paths
        empty = tmp_path / "empty.jsonl"
        empty.write_bytes(b"")
        with pytest.raises(InvalidInputError, match="no records"):
            read_jsonl(empty)


class TestArguments:
    @pytest.mark.parametrize(
        ("kwargs", "name"),
        [
            ({"n": 0}, "n"),
            ({"n": -5}, "n"),
            ({"n": 2.0}, "n"),
            ({"n": True}, "n"),
            ({"n": "10"}, "n"),
            ({"n": synth.MAX_SUBJECTS + 1}, "n"),
            ({"seed": -1}, "seed"),
            ({"seed": 1.5}, "seed"),
            ({"seed": "1"}, "seed"),
            ({"seed": True}, "seed"),
            ({"seed": None}, "seed"),
            ({"seed": 2**64}, "seed"),
            ({"bad_rate": 0}, "bad_rate"),
            ({"bad_rate": 1.0}, "bad_rate"),
            ({"bad_rate": 1.5}, "bad_rate"),
            ({"bad_rate": -0.1}, "bad_rate"),
            ({"bad_rate": float("nan")}, "bad_rate"),
            ({"bad_rate": True}, "bad_rate"),
            ({"bad_rate": "0.1"}, "bad_rate"),
            ({"as_of": "2026-06-30"}, "as_of"),
            ({"as_of": dt.datetime(2026, 6, 30)}, "as_of"),
            ({"as_of": dt.date(1929, 12, 31)}, "as_of"),
        ],
    )
    def test_bad_argument_raises_naming_it(self, kwargs, name):
        """A bad argument raises InvalidInputError (a ValueError) whose problem names it."""
        args = {"n": 3, **kwargs}
        n = args.pop("n")
        with pytest.raises(InvalidInputError) as info:
            generate_portfolio(n, **args)
        assert isinstance(info.value, ValueError)
        assert [p for p, _ in info.value.problems] == [name]
        assert name in str(info.value)

    def test_every_bad_argument_is_listed(self):
        """Several bad arguments are all reported in one error."""
        with pytest.raises(InvalidInputError) as info:
            generate_portfolio(0, seed=-1, bad_rate=2.0)
        assert [p for p, _ in info.value.problems] == ["n", "seed", "bad_rate"]

    def test_numpy_integers_are_accepted(self):
        """numpy integer n and seed work like Python ints."""
        a = generate_portfolio(np.int64(4), seed=np.uint64(6))
        assert a.profiles == generate_portfolio(4, seed=6).profiles and a.seed == 6


class TestAuc:
    def test_auc_matches_the_pairwise_definition(self):
        """The rank AUC equals the share of (positive, negative) pairs ordered right, ties half."""
        rng = np.random.default_rng(0)
        for _ in range(20):
            scores = rng.integers(0, 6, size=40).astype(float)
            labels = rng.random(40) < 0.4
            pos, neg = scores[labels], scores[~labels]
            pairs = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
            assert synth._auc(scores, labels) == pytest.approx(pairs / (len(pos) * len(neg)))

    def test_auc_is_nan_with_one_class(self):
        """With only one outcome class the AUC is undefined (nan)."""
        assert math.isnan(synth._auc(np.array([0.1, 0.2]), np.array([0, 0])))


class TestModule:
    def test_all_is_sorted_and_public(self):
        """__all__ is sorted and names only existing public objects."""
        assert synth.__all__ == sorted(synth.__all__)
        assert all(hasattr(synth, name) and not name.startswith("_") for name in synth.__all__)
        assert {"generate_portfolio", "read_jsonl", "SyntheticPortfolio", "TrainingData"} <= set(
            synth.__all__
        )

    def test_doctests_pass(self):
        """The docstring examples run and pass."""
        result = doctest.testmod(synth, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0


class TestContainers:
    def test_misaligned_columns_are_refused(self):
        """A portfolio or training set whose columns do not match the profiles is refused."""
        pf = generate_portfolio(3, seed=1)
        with pytest.raises(InvalidInputError) as info:
            attrs.evolve(pf, outcomes=pf.outcomes[:2])
        assert [p for p, _ in info.value.problems] == ["outcomes"]
        with pytest.raises(InvalidInputError):
            TrainingData(profiles=pf.profiles, outcomes=[0, 1, 0], as_of=[AS_OF])
