"""Post-closure security monitoring: every rule firing and not firing, streams, agreement
with the rule scorer's security triggers."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pytest
from _helpers import EXAMPLE_DOCS, FUZZ, mutated_documents, scalars
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit_closure import (
    ActivityRecord,
    ClosureEvent,
    CreditAccount,
    CreditProfile,
    InvalidInputError,
    RuleScorer,
)
from credit_closure.cli import main
from credit_closure.monitoring import (
    RULE_ACTIVITY_ON_CLOSED,
    RULE_CONTACT_CHANGE,
    RULE_DORMANT,
    RULE_LIMIT_CHANGE,
    RULE_REOPEN_REQUEST,
    RULES,
    SecurityConfig,
    closed_on_of,
    scan,
    scan_stream,
)

CLOSED_ON = "2025-06-10"


def _profile(activity, *, closed=True, closures=(), extra_accounts=()):
    accounts = [
        CreditAccount(
            account_id="a1",
            product="revolving_consumer",
            status="closed" if closed else "open",
            opened_on="2019-01-01",
            closed_on=CLOSED_ON if closed else None,
        )
    ]
    accounts.extend(extra_accounts)
    return CreditProfile(
        subject_id="s-1",
        accounts=accounts,
        closures=list(closures),
        activity=[ActivityRecord(account_id=acc, at=at, kind=kind) for acc, at, kind in activity],
    )


def _rules(alerts):
    return [a.rule for a in alerts]


class TestActivityOnClosed:
    def test_transaction_after_closure_is_high(self):
        """A transaction the day after closing fires ACTIVITY_ON_CLOSED with high severity."""
        (a,) = scan(_profile([("a1", "2025-06-11T10:00:00", "transaction")]))
        assert (a.rule, a.severity, a.account_id) == (RULE_ACTIVITY_ON_CLOSED, "high", "a1")
        assert a.closed_on == dt.date(2025, 6, 10) and "2025-06-10" in a.evidence

    def test_login_after_closure_is_medium(self):
        """A login after closing fires ACTIVITY_ON_CLOSED with medium severity."""
        (a,) = scan(_profile([("a1", "2025-07-01T10:00:00", "login")]))
        assert (a.rule, a.severity) == (RULE_ACTIVITY_ON_CLOSED, "medium")

    def test_activity_on_closing_day_or_before_does_not_fire(self):
        """Activity on the closing day or before it is not post-closure activity."""
        p = _profile(
            [("a1", "2025-06-10T23:00:00", "transaction"), ("a1", "2025-05-01T10:00:00", "login")]
        )
        assert scan(p) == ()

    def test_activity_on_open_account_does_not_fire(self):
        """Activity on an open account is never ACTIVITY_ON_CLOSED."""
        assert scan(_profile([("a1", "2025-07-01T10:00:00", "transaction")], closed=False)) == ()

    def test_timezone_is_read_in_utc(self):
        """A time early on 11 June in UTC+8 is still 10 June in UTC: no alert."""
        assert scan(_profile([("a1", "2025-06-11T07:00:00+08:00", "transaction")])) == ()


class TestReopenRequest:
    def test_reopen_on_closed_account_fires(self):
        """A reopen request on the closing day or later fires REOPEN_REQUEST."""
        alerts = scan(
            _profile(
                [
                    ("a1", "2025-06-10T12:00:00", "reopen_request"),
                    ("a1", "2025-08-01T12:00:00", "reopen_request"),
                ]
            )
        )
        assert _rules(alerts) == [RULE_REOPEN_REQUEST] * 2
        assert {a.severity for a in alerts} == {"medium"}

    def test_reopen_on_open_account_or_before_closure_does_not_fire(self):
        """A reopen request before the closure, or on an open account, does not fire."""
        assert scan(_profile([("a1", "2025-06-09T12:00:00", "reopen_request")])) == ()
        assert scan(_profile([("a1", "2025-07-09T12:00:00", "reopen_request")], closed=False)) == ()


class TestContactChange:
    @pytest.mark.parametrize(
        "at", ["2025-05-11T08:00:00", "2025-06-10T08:00:00", "2025-07-10T08:00:00"]
    )
    def test_within_window_before_or_after_fires(self, at):
        """A contact change 30 days before, on, or 30 days after a closure fires."""
        (a,) = scan(_profile([("a1", at, "contact_change")]))
        assert (a.rule, a.severity, a.reference) == (
            RULE_CONTACT_CHANGE,
            "medium",
            dt.date(2025, 6, 10),
        )

    @pytest.mark.parametrize("at", ["2025-05-10T08:00:00", "2025-07-11T08:00:00"])
    def test_outside_window_does_not_fire(self, at):
        """A contact change 31 days from the closure does not fire."""
        assert scan(_profile([("a1", at, "contact_change")])) == ()

    def test_window_is_configurable(self):
        """With a 7-day window a change 10 days before no longer fires; 5 days does."""
        cfg = SecurityConfig(window_days=7)
        assert scan(_profile([("a1", "2025-05-31T08:00:00", "contact_change")]), config=cfg) == ()
        assert _rules(
            scan(
                _profile([("a1", "2025-06-05T08:00:00", "contact_change")]),
                config={"window_days": 7},
            )
        ) == [RULE_CONTACT_CHANGE]

    def test_contact_change_without_closure_does_not_fire(self):
        """Without any closure a contact change is ordinary."""
        assert scan(_profile([("a1", "2025-06-10T08:00:00", "contact_change")], closed=False)) == ()

    def test_profile_compares_with_any_closure_of_the_subject(self):
        """In a profile, a change recorded on an open account near another's closure fires."""
        other = CreditAccount(account_id="a2", product="credit_card", status="open")
        p = _profile([("a2", "2025-06-12T08:00:00", "contact_change")], extra_accounts=[other])
        assert _rules(scan(p)) == [RULE_CONTACT_CHANGE]


class TestLimitChange:
    def test_limit_change_after_closure_is_high(self):
        """A limit change after closing fires LIMIT_CHANGE_AFTER_CLOSURE, high."""
        (a,) = scan(_profile([("a1", "2025-06-20T08:00:00", "limit_change")]))
        assert (a.rule, a.severity) == (RULE_LIMIT_CHANGE, "high")

    def test_limit_change_before_closure_or_on_open_account_does_not_fire(self):
        """A limit change before closing, or on an open account, does not fire."""
        assert scan(_profile([("a1", "2025-06-01T08:00:00", "limit_change")])) == ()
        assert scan(_profile([("a1", "2025-07-01T08:00:00", "limit_change")], closed=False)) == ()


class TestDormant:
    def test_transaction_after_a_year_of_silence_fires(self):
        """A transaction 365 days after the last activity fires DORMANT_ACCOUNT_USED."""
        p = _profile(
            [("a1", "2023-01-01T08:00:00", "login"), ("a1", "2024-01-01T08:00:00", "transaction")],
            closed=False,
        )
        (a,) = scan(p)
        assert (a.rule, a.severity, a.reference) == (RULE_DORMANT, "medium", dt.date(2023, 1, 1))
        assert "365 days" in a.evidence

    def test_shorter_gap_does_not_fire(self):
        """364 days of silence is not dormancy under the default."""
        p = _profile(
            [("a1", "2023-01-01T08:00:00", "login"), ("a1", "2023-12-31T08:00:00", "transaction")],
            closed=False,
        )
        assert scan(p) == ()

    def test_only_a_transaction_fires_and_dormant_days_is_configurable(self):
        """A login after the gap does not fire; a 30-day setting makes a 40-day gap fire."""
        p = _profile(
            [
                ("a1", "2023-01-01T08:00:00", "transaction"),
                ("a1", "2024-06-01T08:00:00", "login"),
                ("a1", "2024-07-11T08:00:00", "transaction"),
            ],
            closed=False,
        )
        assert scan(p) == ()
        assert _rules(scan(p, config=SecurityConfig(dormant_days=30))) == [RULE_DORMANT]

    def test_first_record_is_never_dormant(self):
        """An account's first record has nothing to be dormant since."""
        assert scan(_profile([("a1", "2020-01-01T08:00:00", "transaction")], closed=False)) == ()

    def test_same_instant_records_do_not_hide_dormancy(self):
        """A login at the same instant as the transaction does not reset the dormancy clock."""
        p = _profile(
            [
                ("a1", "2022-01-01T08:00:00", "transaction"),
                ("a1", "2024-01-01T08:00:00", "login"),
                ("a1", "2024-01-01T08:00:00", "transaction"),
            ],
            closed=False,
        )
        assert _rules(scan(p)) == [RULE_DORMANT]


class TestClosureIsNotTheft:
    @pytest.mark.parametrize("reason", ["security_concern", "privacy", "reduce_debt", "unknown"])
    @pytest.mark.parametrize("initiator", ["consumer", "lender_risk", "unknown"])
    def test_closures_alone_raise_no_alert(self, reason, initiator):
        """A profile whose only events are closures has no security alert."""
        p = _profile(
            [],
            closures=[
                ClosureEvent(
                    account_id="a1", closed_on=CLOSED_ON, initiator=initiator, reason=reason
                )
            ],
        )
        assert scan(p) == ()

    def test_ordinary_use_before_closure_raises_no_alert(self):
        """Regular transactions then a closure are not a theft signal."""
        acts = [("a1", f"2025-0{m}-01T08:00:00", "transaction") for m in range(1, 7)]
        p = _profile(
            acts,
            closures=[
                ClosureEvent(
                    account_id="a1",
                    closed_on=CLOSED_ON,
                    initiator="consumer",
                    reason="security_concern",
                )
            ],
        )
        assert scan(p) == ()

    def test_rules_table_documents_every_rule(self):
        """The rule table names the five rules with sources."""
        assert {r.rule for r in RULES} == {
            RULE_ACTIVITY_ON_CLOSED,
            RULE_REOPEN_REQUEST,
            RULE_CONTACT_CHANGE,
            RULE_LIMIT_CHANGE,
            RULE_DORMANT,
        }
        assert all(r.sources for r in RULES)


class TestInputs:
    def test_profile_document_is_accepted(self):
        """scan() takes a v1 profile document as well as a profile."""
        doc = _profile([("a1", "2025-07-01T10:00:00", "login")]).to_dict()
        assert _rules(scan(doc)) == [RULE_ACTIVITY_ON_CLOSED]

    def test_bad_config_lists_problems(self):
        """A bad configuration raises InvalidInputError naming each field."""
        with pytest.raises(InvalidInputError) as exc:
            scan(_profile([]), config={"window_days": -1, "dormant_days": 0, "x": 1})
        assert [p for p, _ in exc.value.problems] == ["config.x"]
        with pytest.raises(InvalidInputError) as exc:
            SecurityConfig(window_days=-1, dormant_days=0)
        assert [p for p, _ in exc.value.problems] == ["window_days", "dormant_days"]

    def test_bad_subject_is_invalid_input(self):
        """Something that is not a profile raises InvalidInputError."""
        with pytest.raises(InvalidInputError):
            scan(42)

    def test_alert_to_dict_is_json(self):
        """An alert serialises to JSON with rule, severity, account and evidence."""
        (a,) = scan(_profile([("a1", "2025-07-01T10:00:00", "limit_change")]))
        d = json.loads(json.dumps(a.to_dict()))
        assert d["rule"] == RULE_LIMIT_CHANGE and d["closed_on"] == CLOSED_ON


class TestStream:
    def test_stream_matches_profile_scan_for_one_account(self):
        """For one account, the stream finds what the profile scan finds."""
        acts = [
            ("a1", "2024-01-01T08:00:00", "transaction"),
            ("a1", "2025-05-20T08:00:00", "transaction"),
            ("a1", "2025-06-01T08:00:00", "contact_change"),
            ("a1", "2025-06-20T08:00:00", "reopen_request"),
            ("a1", "2025-06-21T08:00:00", "limit_change"),
            ("a1", "2025-06-22T08:00:00", "login"),
        ]
        p = _profile(acts)
        recs = [(acc, dt.datetime.fromisoformat(at), kind) for acc, at, kind in acts]
        streamed = list(scan_stream(recs, closed_on_of([p])))
        assert streamed == list(scan(p))
        assert _rules(streamed) == [
            RULE_DORMANT,
            RULE_CONTACT_CHANGE,
            RULE_REOPEN_REQUEST,
            RULE_LIMIT_CHANGE,
            RULE_ACTIVITY_ON_CLOSED,
        ]

    def test_activity_records_are_accepted(self):
        """ActivityRecord objects work as stream items."""
        recs = [ActivityRecord(account_id="x", at="2025-07-01T00:00:00", kind="transaction")]
        assert _rules(scan_stream(recs, {"x": dt.date(2025, 6, 1)})) == [RULE_ACTIVITY_ON_CLOSED]

    def test_stream_is_lazy(self):
        """The scanner consumes an endless stream one record at a time."""

        def endless():
            day = dt.datetime(2025, 1, 1)
            for i in itertools.count():
                yield (f"acc{i % 1000}", day + dt.timedelta(minutes=i), "login")

        first = next(iter(scan_stream(endless(), {"acc5": dt.date(2024, 12, 31)})))
        assert first.account_id == "acc5" and first.rule == RULE_ACTIVITY_ON_CLOSED

    def test_out_of_order_record_is_reported(self):
        """A record earlier than the same account's previous one raises, naming it."""
        recs = [("a", dt.datetime(2025, 2, 1), "login"), ("a", dt.datetime(2025, 1, 1), "login")]
        with pytest.raises(InvalidInputError) as exc:
            list(scan_stream(recs, {}))
        assert exc.value.problems[0][0] == "records[1]"

    @pytest.mark.parametrize(
        "rec",
        [
            ("a", "2025-01-01", "login"),
            ("", dt.datetime(2025, 1, 1), "login"),
            ("a", dt.datetime(2025, 1, 1), "hack"),
            7,
        ],
    )
    def test_malformed_record_is_reported(self, rec):
        """A malformed record raises InvalidInputError naming records[i]."""
        with pytest.raises(InvalidInputError) as exc:
            list(scan_stream([rec], {}))
        assert exc.value.problems[0][0] == "records[0]"

    def test_bad_closed_on_is_reported_before_scanning(self):
        """A closing date that is not a date is reported at the call."""
        with pytest.raises(InvalidInputError):
            scan_stream([], {"a": "2025-01-01"})
        with pytest.raises(InvalidInputError):
            scan_stream([], [("a", dt.date(2025, 1, 1))])

    @settings(max_examples=40, deadline=None)
    @given(st.randoms(use_true_random=False))
    def test_interleaving_accounts_does_not_change_alerts(self, rnd):
        """Any interleaving of per-account ordered streams gives the same alerts."""
        base = dt.datetime(2024, 1, 1)
        kinds = ["transaction", "login", "reopen_request", "contact_change", "limit_change"]
        per_acc = {}
        for acc in ("a", "b", "c"):
            times = sorted(base + dt.timedelta(days=rnd.randint(0, 900)) for _ in range(6))
            per_acc[acc] = [(acc, t, rnd.choice(kinds)) for t in times]
        closed = {"a": dt.date(2025, 1, 1), "b": dt.date(2024, 6, 1)}
        ordered = sorted(itertools.chain(*per_acc.values()), key=lambda r: (r[1], r[0], r[2]))
        queues = {k: list(v) for k, v in per_acc.items()}
        mixed = []
        while any(queues.values()):
            acc = rnd.choice([k for k, v in queues.items() if v])
            mixed.append(queues[acc].pop(0))
        key = lambda a: (a.at, a.account_id, a.rule, a.kind, str(a.reference))  # noqa: E731
        assert sorted(scan_stream(ordered, closed), key=key) == sorted(
            scan_stream(mixed, closed), key=key
        )


# -- random profiles -------------------------------------------------------------------
_KINDS = ["transaction", "login", "reopen_request", "contact_change", "limit_change"]


@st.composite
def profiles(draw):
    n_acc = draw(st.integers(1, 3))
    accounts = []
    for i in range(n_acc):
        closed = draw(st.booleans())
        accounts.append(
            CreditAccount(
                account_id=f"a{i}",
                product="revolving_consumer",
                status="closed" if closed else "open",
                opened_on="2020-01-01",
                closed_on=(dt.date(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 500))))
                if closed
                else None,
            )
        )
    acts = []
    for _ in range(draw(st.integers(0, 10))):
        day = dt.datetime(2023, 6, 1) + dt.timedelta(
            days=draw(st.integers(0, 900)), hours=draw(st.integers(0, 23))
        )
        acts.append(
            ActivityRecord(
                account_id=f"a{draw(st.integers(0, n_acc - 1))}",
                at=day,
                kind=draw(st.sampled_from(_KINDS)),
            )
        )
    return CreditProfile(subject_id="s", accounts=accounts, activity=acts)


class TestProperties:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(profiles(), st.randoms(use_true_random=False))
    def test_alerts_do_not_depend_on_record_order(self, profile, rnd):
        """Shuffling a profile's activity records never changes its alerts."""
        acts = list(profile.activity)
        rnd.shuffle(acts)
        shuffled = CreditProfile(subject_id="s", accounts=profile.accounts, activity=acts)
        assert scan(shuffled) == scan(profile)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(profiles())
    def test_monitoring_and_rule_scorer_agree(self, profile):
        """The rule scorer's security triggers follow exactly from the monitoring alerts
        (the version-1 policy: R12 on a contact change and later activity, both inside the
        look-back; policy v2's R12 is checked in test_v2_verification_follows_the_alerts)."""
        as_of = dt.date(2026, 1, 1)
        scorer = RuleScorer(policy="v1")
        since = as_of - dt.timedelta(days=scorer.policy.feature_config.security_lookback_days)
        recent = [
            a for a in scan(profile, config=scorer.policy.feature_config.security) if a.day > since
        ]
        post = sum(a.rule in (RULE_ACTIVITY_ON_CLOSED, RULE_LIMIT_CHANGE) for a in recent)
        reopen = sum(a.rule == RULE_REOPEN_REQUEST for a in recent)
        contact = any(a.rule == RULE_CONTACT_CHANGE for a in recent)
        expected = set()
        if post:
            expected.add("R13")
        if reopen:
            expected.add("R13b")
        if contact and (post or reopen):
            expected.add("R12")
        got = {
            t.rule
            for t in scorer.score(profile, as_of).triggers
            if t.rule in ("R12", "R13", "R13b")
        }
        assert got == expected

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(profiles())
    def test_v2_verification_follows_the_alerts(self, profile):
        """Policy v2's R12 follows from the alerts: a contact-change alert (any date), then, on
        or after its day, a transaction on a closed account or a reopen request dated inside
        the look-back; R13/R13b as before."""
        as_of = dt.date(2026, 1, 1)
        scorer = RuleScorer.default()
        since = as_of - dt.timedelta(days=scorer.policy.feature_config.security_lookback_days)
        alerts = scan(profile, config=scorer.policy.feature_config.security)
        changes = [a.day for a in alerts if a.rule == RULE_CONTACT_CHANGE]
        completing = [
            a.day
            for a in alerts
            if a.day > since
            and (
                (a.rule == RULE_ACTIVITY_ON_CLOSED and a.kind == "transaction")
                or a.rule == RULE_REOPEN_REQUEST
            )
        ]
        r12 = bool(changes) and any(d >= min(changes) for d in completing)
        got = {t.rule for t in scorer.score(profile, as_of).triggers if t.rule == "R12"}
        assert got == ({"R12"} if r12 else set())


class TestFeatureCounts:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        profiles(),
        st.integers(-14, 14),
        st.integers(0, 60),
        st.integers(1, 400),
        st.dates(dt.date(2024, 1, 1), dt.date(2026, 6, 30)),
        st.lists(st.integers(-1, 1), min_size=4, max_size=4),
    )
    def test_extractor_counts_equal_counted_alerts(
        self, profile, hours, window, lookback, as_of_day, shifts
    ):
        """The extractor's three security features (counted without building alerts) equal
        the alerts of scan() after the look-back start, counted, whatever the time zones,
        with records on, just before and just after their account's closing day."""
        from credit_closure._scoring import FEATURE_INDEX, FeatureConfig, extract

        tz = dt.timezone(dt.timedelta(hours=hours))
        closed = {a.account_id: a.closed_on for a in profile.accounts if a.closed_on}
        acts = []
        for i, r in enumerate(profile.activity):
            at = r.at
            day = closed.get(r.account_id)
            if day is not None and i < len(shifts):  # onto the closing day, or next to it
                at = dt.datetime.combine(day + dt.timedelta(days=shifts[i]), at.time())
                if at.date() > dt.date(2026, 6, 30):
                    at = r.at
            acts.append(
                ActivityRecord(
                    account_id=r.account_id, at=at.replace(tzinfo=tz) if i % 2 else at, kind=r.kind
                )
            )
        profile = CreditProfile(
            subject_id="s", accounts=profile.accounts, closures=profile.closures, activity=acts
        )
        as_of = dt.date(2026, 6, 30) if profile.dated_after(as_of_day) else as_of_day
        config = FeatureConfig(
            security=SecurityConfig(window_days=window), security_lookback_days=lookback
        )
        since = as_of - dt.timedelta(days=lookback)
        recent = [a for a in scan(profile, config=config.security) if a.day > since]
        f = extract(profile, as_of, config)
        assert f[FEATURE_INDEX["post_closure_activity"]] == sum(
            a.rule in (RULE_ACTIVITY_ON_CLOSED, RULE_LIMIT_CHANGE) for a in recent
        )
        assert f[FEATURE_INDEX["reopen_requests"]] == sum(
            a.rule == RULE_REOPEN_REQUEST for a in recent
        )
        assert f[FEATURE_INDEX["contact_change_near_closure"]] == float(
            any(a.rule == RULE_CONTACT_CHANGE for a in recent)
        )


class TestCli:
    def test_scan_prints_alerts(self, capsys):
        """`credit-closure scan` prints each alert of the example profile; exit 0."""
        assert main(["scan", "examples/profiles/07_security_contact_change.json"]) == 0
        out = capsys.readouterr().out
        assert RULE_CONTACT_CHANGE in out and RULE_REOPEN_REQUEST in out

    def test_scan_json_lines(self, tmp_path, capsys):
        """JSON Lines in, one JSON alert per line out, with the subject id."""
        p1 = _profile([("a1", "2025-07-01T10:00:00", "login")])
        p2 = _profile([])
        f = tmp_path / "many.jsonl"
        f.write_text(json.dumps(p1.to_dict()) + "\n" + json.dumps(p2.to_dict()) + "\n")
        assert main(["scan", str(f), "--json"]) == 0
        lines = capsys.readouterr().out.strip().splitlines()
        assert [json.loads(x)["rule"] for x in lines] == [RULE_ACTIVITY_ON_CLOSED]

    def test_scan_bad_document_exits_1(self, tmp_path, capsys):
        """A broken profile exits 1 with the problem on stderr."""
        f = tmp_path / "bad.json"
        f.write_text('{"subject_id": ""}')
        assert main(["scan", str(f)]) == 1
        assert "subject_id" in capsys.readouterr().err

    def test_scan_bad_window_exits_1(self, capsys):
        """An out-of-range window is an input problem (exit 1)."""
        assert (
            main(
                ["scan", "examples/profiles/07_security_contact_change.json", "--window-days", "-3"]
            )
            == 1
        )


class TestHostileInput:
    """monitoring.scan refuses hostile input cleanly."""

    @FUZZ
    @given(
        mutated_documents(EXAMPLE_DOCS),
        st.one_of(
            st.none(),
            st.dictionaries(
                st.sampled_from(["window_days", "dormant_days", "x"]), scalars, max_size=2
            ),
        ),
    )
    def test_scan_mutated_documents(self, doc: Any, config: Any) -> None:
        """monitoring.scan on mutated documents and configs: alerts or InvalidInputError."""
        from credit_closure.monitoring import scan

        try:
            alerts = scan(doc, config=config)
        except InvalidInputError as exc:
            assert exc.problems
            return
        assert isinstance(alerts, tuple)
