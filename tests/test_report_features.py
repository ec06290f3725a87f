"""The features read from contract v2 report data (issue 14 item 15).

Examples: hand-built v2 profiles with known answers per feature (window edges, unknown
``#`` and not-open ``/`` months, summaries without a history). Properties: bounds and
determinism; the numpy engine and the numba kernel equal :func:`extract` to the last bit on
random v1 and v2 profiles, and so does the closure-impact counterfactual
(``extract_counterfactual``), whose report features are the profile's own. worst_classification
under any retention_months and the us jurisdiction: examples, and a property around the edges
(both engines bit for bit, the counterfactual built and unbuilt).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
import struct
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import AS_OF, profiles, v2_profiles

from credit_closure import CreditProfile
from credit_closure._columnar import features_pair, prepare_batch
from credit_closure._scoring import FEATURE_INDEX, FEATURE_NAMES, FEATURES, extract, feature_dict
from credit_closure._scoring.features import REPORT_INDEX, extract_counterfactual
from credit_closure.columnar import profiles_to_tables

HAS_NUMBA = importlib.util.find_spec("numba") is not None
DAY = dt.date(2025, 6, 15)
REPORT = [FEATURE_NAMES[i] for i in REPORT_INDEX]


def _profile(accounts: list[dict[str, Any]], **extra: Any) -> CreditProfile:
    accs = []
    for i, a in enumerate(accounts):
        base = {"account_id": f"a{i}", "product": "cash_loan", "status": "open"}
        base.update(a)
        accs.append(base)
    return CreditProfile.from_dict(
        {"contract_version": 2, "subject_id": "s", "accounts": accs, **extra}
    )


def _f(accounts: list[dict[str, Any]], **extra: Any) -> dict[str, float]:
    return feature_dict(_profile(accounts, **extra), DAY)


def _hist(symbols: str, end: str = "2025-06-01") -> dict[str, Any]:
    return {"repayment_history": symbols, "history_end": end}


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _columnar(ps: list[CreditProfile], as_of: dt.date, compiled: bool) -> dict[str, np.ndarray]:
    """Each subject's features from an engine (``compiled``: the numba kernel), by id."""
    tables = profiles_to_tables(ps, container="numpy")
    extra = {t: v for t, v in tables.items() if t not in ("accounts", "closures", "inquiries")}
    attributes = extra.pop("attributes")
    prep = prepare_batch(
        tables["accounts"], tables["closures"], tables["inquiries"], attributes, as_of, extra=extra
    )
    F = features_pair(prep, as_of, compiled)[0]
    return {s: F[i] for i, s in enumerate(prep.subjects.tolist())}


# ------------------------------------------------------------------------------------------
# the specs
# ------------------------------------------------------------------------------------------
def test_specs_are_the_last_block_and_documented() -> None:
    assert REPORT_INDEX == tuple(range(len(FEATURES) - len(REPORT_INDEX), len(FEATURES)))
    assert len(REPORT) == 18
    for i in REPORT_INDEX:
        spec = FEATURES[i]
        assert spec.description and spec.source and spec.reason
        assert not spec.needs_activity and not spec.closure_act


# ------------------------------------------------------------------------------------------
# months_since_last_delinquency
# ------------------------------------------------------------------------------------------
class TestMonthsSinceLastDelinquency:
    def test_latest_delinquent_month(self) -> None:
        # history to May 2025; as_of June 2025: the "2" is 3 months before May
        f = _f([_hist("N" * 10 + "12NNN", end="2025-05-31")])
        assert f["months_since_last_delinquency"] == 4.0

    def test_delinquent_in_the_as_of_month(self) -> None:
        assert _f([_hist("NNN1")])["months_since_last_delinquency"] == 0.0

    def test_bad_debt_guarantor_and_assets_count(self) -> None:
        for sym in "BDZ":
            assert _f([_hist("NN" + sym + "NN")])["months_since_last_delinquency"] == 2.0

    def test_other_symbols_do_not(self) -> None:
        f = _f([_hist("NNMC*G//")])
        assert f["months_since_last_delinquency"] == 8.0  # the month before the history

    def test_unknown_month_may_have_been_delinquent(self) -> None:
        assert _f([_hist("1NN#NN")])["months_since_last_delinquency"] == 2.0

    def test_clean_history_gives_its_length(self) -> None:
        assert _f([_hist("N" * 36)])["months_since_last_delinquency"] == 36.0

    def test_min_over_accounts(self) -> None:
        f = _f([_hist("1" + "N" * 20), _hist("NN2NNN")])
        assert f["months_since_last_delinquency"] == 3.0

    def test_overdue_now_is_zero(self) -> None:
        assert (
            _f([_hist("N" * 24), {"current_overdue_periods": 1}])["months_since_last_delinquency"]
            == 0.0
        )
        assert (
            _f([{"current_overdue_amount": 10}, {"worst_dpd_24m": 40}])[
                "months_since_last_delinquency"
            ]
            == 0.0
        )

    def test_summaries(self) -> None:
        assert _f([{"worst_dpd_24m": 0}])["months_since_last_delinquency"] == 24.0
        assert math.isnan(_f([{"worst_dpd_24m": 5}])["months_since_last_delinquency"])
        assert math.isnan(
            _f([_hist("N" * 30), {"months_delinquent_24m": 1}])["months_since_last_delinquency"]
        )
        assert math.isnan(_f([{}])["months_since_last_delinquency"])


# ------------------------------------------------------------------------------------------
# current overdue
# ------------------------------------------------------------------------------------------
def test_current_overdue() -> None:
    f = _f(
        [
            {"current_overdue_amount": 100.1, "current_overdue_periods": 1},
            {"current_overdue_amount": 0.2, "current_overdue_periods": 0},
            _hist("NN3"),
            {},
        ]
    )
    assert f["current_overdue_amt"] == math.fsum([100.1, 0.2])
    assert f["current_overdue_periods"] == 3.0
    f = _f([_hist("N1#")])
    assert math.isnan(f["current_overdue_amt"]) and math.isnan(f["current_overdue_periods"])
    assert _f([_hist("1N")])["current_overdue_periods"] == 0.0
    assert _f([_hist("1B")])["current_overdue_periods"] == 0.0  # B tells no periods


# ------------------------------------------------------------------------------------------
# worst status
# ------------------------------------------------------------------------------------------
class TestWorstStatus:
    def test_window_edges(self) -> None:
        # as_of June 2025: the 24-month window is July 2023 - June 2025
        h = "4" + "N" * 23  # 24 months to June 2025: the "4" is July 2023, inside
        f = _f([_hist(h)])
        assert f["worst_status_24m"] == 4.0 and f["worst_status_60m"] == 4.0
        f = _f([_hist("4" + "N" * 24)])  # June 2023: outside 24, inside 60
        assert f["worst_status_24m"] == 0.0 and f["worst_status_60m"] == 4.0

    def test_history_ending_before_as_of(self) -> None:
        f = _f([_hist("3" + "N" * 21, end="2025-03-01")])  # "3" is June 2023
        assert f["worst_status_24m"] == 0.0 and f["worst_status_60m"] == 3.0

    def test_symbol_levels(self) -> None:
        assert _f([_hist("NB")])["worst_status_24m"] == 7.0
        assert _f([_hist("G/C*M")])["worst_status_24m"] == 0.0
        assert math.isnan(_f([_hist("###")])["worst_status_24m"])
        assert math.isnan(_f([{"worst_dpd_24m": 100}])["worst_status_24m"])


# ------------------------------------------------------------------------------------------
# 连三累六 per account
# ------------------------------------------------------------------------------------------
class TestLian3Lei6:
    def test_three_consecutive_months_at_31_days(self) -> None:
        assert _f([_hist("N234N")])["n_lian3lei6_accounts_24m"] == 1.0
        assert _f([_hist("N123N")])["n_lian3lei6_accounts_24m"] == 0.0  # "1" never counts
        assert _f([_hist("N2#2N2")])["n_lian3lei6_accounts_24m"] == 0.0  # # ends a run

    def test_six_cumulative_per_account(self) -> None:
        assert _f([_hist("2N2N2N2N2N2N")])["n_lian3lei6_accounts_24m"] == 1.0
        # three on each of two accounts: per account, neither qualifies
        f = _f([_hist("2N2N2N"), _hist("2N2N2N")])
        assert f["n_lian3lei6_accounts_24m"] == 0.0

    def test_window_edge(self) -> None:
        assert _f([_hist("222" + "N" * 21)])["n_lian3lei6_accounts_24m"] == 1.0
        assert _f([_hist("222" + "N" * 22)])["n_lian3lei6_accounts_24m"] == 0.0

    def test_summaries(self) -> None:
        f = _f(
            [
                {"max_consecutive_delinquent_24m": 3},
                {"months_delinquent_24m": 6, "max_consecutive_delinquent_24m": 2},
                {"worst_dpd_24m": 91},
                {"worst_dpd_24m": 90, "months_delinquent_24m": 3},
                _hist("2223"),
            ]
        )
        assert f["n_lian3lei6_accounts_24m"] == 4.0
        assert math.isnan(_f([{}])["n_lian3lei6_accounts_24m"])
        assert math.isnan(_f([_hist("#" * 5)])["n_lian3lei6_accounts_24m"])


# ------------------------------------------------------------------------------------------
# classification, guarantees, special transactions, public records, lenders, limits
# ------------------------------------------------------------------------------------------
def test_worst_classification() -> None:
    f = _f([{"classification": "special_mention"}, {"classification": "doubtful"}, {}])
    assert f["worst_classification"] == 3.0
    assert math.isnan(_f([{}])["worst_classification"])


#: Statuses of a running account (the others have ended).
_RUNNING = (
    "open",
    "suspended",
    "frozen",
    "stopped",
    "overdue",
    "not_activated",
    "collateral_shortfall",
)
_ENDED = ("closed", "charged_off", "transferred", "judicial_recovery", "forced_liquidation")
_EV = {"account_id": "a0", "closed_on": "2012-01-01"}
#: (account, its closure events, worst_classification at DAY) of a "loss" account.
_RETENTION_CASES: list[tuple[dict[str, Any], list[dict[str, Any]], float]] = [
    # the closing date at the edge: the window starts after 2020-06-15
    ({"status": "closed", "closed_on": "2020-06-16", "balance": 0}, [], 4.0),
    ({"status": "closed", "closed_on": "2020-06-15", "balance": 0}, [], math.nan),
    # a running account always counts
    *(({"status": s, "last_payment_on": "2010-01-01"}, [], 4.0) for s in _RUNNING),
    # owing always counts: the balance, else the closure event's
    *(({"status": s, "closed_on": "2012-01-01", "balance": 1}, [], 4.0) for s in _ENDED),
    ({"status": "charged_off"}, [{**_EV, "balance_at_closure": 5}], 4.0),
    ({"status": "charged_off"}, [{**_EV, "balance_at_closure": 0}], math.nan),
    # the last payment ends the bad act when it is later than the closing
    (
        {"status": "charged_off", "closed_on": "2015-01-01", "balance": 0,
         "last_payment_on": "2021-01-01"},
        [],
        4.0,
    ),
    (
        {"status": "charged_off", "closed_on": "2015-01-01", "balance": 0,
         "last_payment_on": "2020-06-15"},
        [],
        math.nan,
    ),
    ({"status": "transferred", "last_payment_on": "2019-01-01"}, [], math.nan),
    # no date known: on file; a balance unknown reads as nothing owed
    ({"status": "charged_off"}, [], 4.0),
    ({"status": "judicial_recovery"}, [], 4.0),
    ({"status": "closed", "closed_on": "2019-01-01"}, [], math.nan),
    ({"status": "charged_off"}, [_EV], math.nan),
    ({"status": "charged_off"}, [{**_EV, "closed_on": "2021-01-01"}], 4.0),
]  # fmt: skip


def _loss_profile(i: int, acc: dict[str, Any], closures: list[dict[str, Any]]) -> CreditProfile:
    account = {"account_id": "a0", "product": "cash_loan", "classification": "loss", **acc}
    return CreditProfile.from_dict(
        {"contract_version": 2, "subject_id": f"s{i:02d}", "accounts": [account],
         "closures": closures}
    )  # fmt: skip


class TestClassificationRetention:
    """An ended account's classification counts only while it is on file (issue 15 item 5):
    owing, or its bad act (the later of closing and last payment) ended within 60 months.
    DAY is 2025-06-15."""

    @pytest.mark.parametrize("case", range(len(_RETENTION_CASES)))
    def test_case(self, case: int) -> None:
        acc, closures, want = _RETENTION_CASES[case]
        got = feature_dict(_loss_profile(case, acc, closures), DAY)["worst_classification"]
        assert _same(got, want), (acc, closures)

    @pytest.mark.parametrize("compiled", [False, True] if HAS_NUMBA else [False])
    def test_engines_on_each_case(self, compiled: bool) -> None:
        """Every case, one subject each, through a columnar engine."""
        ps = [_loss_profile(i, acc, ev) for i, (acc, ev, _) in enumerate(_RETENTION_CASES)]
        got = _columnar(ps, DAY, compiled)
        k = FEATURE_INDEX["worst_classification"]
        for p, (acc, closures, want) in zip(ps, _RETENTION_CASES):
            assert _same(float(got[p.subject_id][k]), want), (compiled, acc, closures)

    def test_worst_of_the_accounts_on_file(self) -> None:
        f = _f(
            [
                {"status": "closed", "closed_on": "2019-01-01", "classification": "loss"},
                {"classification": "special_mention"},
            ]
        )
        assert f["worst_classification"] == 1.0


def test_guarantees() -> None:
    gs = [
        {"guarantee_id": "g1", "party": "enterprise", "balance": 1000.5},
        {"guarantee_id": "g2", "party": "person", "balance": 0.25, "classification": "loss"},
        {"guarantee_id": "g3", "party": "person", "overdue_amount": 1},
        {"guarantee_id": "g4", "party": "person", "status": "judicial_recovery"},
        {"guarantee_id": "g5", "party": "person", "classification": "special_mention"},
    ]
    f = _f([{}], guarantees=gs)
    assert f["guarantees_outstanding_amt"] == 1000.75
    assert f["n_guarantees_adverse"] == 3.0
    f = _f([{}], guarantees=gs[2:3])
    assert math.isnan(f["guarantees_outstanding_amt"])
    f = _f([{}])
    assert f["guarantees_outstanding_amt"] == 0.0 and f["n_guarantees_adverse"] == 0.0


def test_guarantor_compensations_60m() -> None:
    def tx(kind: str, on: str) -> dict[str, Any]:
        return {"kind": kind, "on": on}

    f = _f(
        [
            {
                "special_transactions": [
                    tx("guarantor_compensation", "2020-06-16"),  # inside (60 months)
                    tx("guarantor_compensation", "2020-06-15"),  # the window's start: outside
                    tx("asset_for_debt", "2024-01-01"),
                    tx("debt_relief", "2024-01-01"),
                    tx("extension", "2024-01-01"),
                ]
            }
        ]
    )
    assert f["n_guarantor_compensations_60m"] == 3.0


def test_public_records_by_kind() -> None:
    recs = [
        {"kind": "dishonest_debtor", "on": "2024-01-01", "status": "satisfied"},
        {"kind": "enforcement", "on": "2015-01-01", "status": "open"},  # old but open
        {"kind": "enforcement", "on": "2015-01-01", "status": "satisfied"},  # old, ended
        {"kind": "civil_judgment", "on": "2020-06-16"},
        {"kind": "tax_arrears", "on": "2020-06-15"},  # the window's start: outside
        {"kind": "administrative_penalty", "on": "2025-06-15"},
        {"kind": "bankruptcy", "on": "2021-01-01"},
        {"kind": "other", "on": "2025-01-01"},
    ]
    f = _f([{}], public_records=recs)
    assert [
        f[n]
        for n in (
            "n_dishonest_debtor_records",
            "n_enforcement_records",
            "n_civil_judgment_records",
            "n_tax_arrears_records",
            "n_administrative_penalty_records",
            "n_bankruptcy_records",
        )
    ] == [1.0, 1.0, 1.0, 0.0, 1.0, 1.0]


def test_online_lender_share() -> None:
    f = _f(
        [
            {"institution_type": "online_platform", "status": "closed", "closed_on": "2019-01-01"},
            {"institution_type": "microloan"},
            {"institution_type": "bank"},
            {"institution_type": "consumer_finance"},
            {},
        ]
    )
    assert f["online_lender_share"] == 0.5
    assert math.isnan(_f([{}])["online_lender_share"])


def test_undrawable_limit_amt() -> None:
    f = _f(
        [
            {"product": "credit_card", "status": "frozen", "credit_limit": 1000.1},
            {"product": "credit_card", "status": "stopped", "credit_limit": 0.2},
            {"product": "revolving_consumer", "status": "suspended", "credit_limit": 5},
            {"product": "installment", "status": "frozen", "credit_limit": 99},  # no line
            {"product": "credit_card", "status": "open", "credit_limit": 99},
            {"product": "credit_card", "status": "frozen"},
        ]
    )
    assert f["undrawable_limit_amt"] == math.fsum([1000.1, 0.2, 5])


def test_v1_profile_values() -> None:
    p = CreditProfile.from_dict(
        {
            "subject_id": "s",
            "accounts": [
                {
                    "account_id": "a",
                    "product": "credit_card",
                    "status": "suspended",
                    "credit_limit": 300,
                    "worst_dpd_24m": 0,
                },
            ],
        }
    )
    f = feature_dict(p, DAY)
    assert f["months_since_last_delinquency"] == 24.0
    assert f["n_lian3lei6_accounts_24m"] == 0.0
    assert f["undrawable_limit_amt"] == 300.0
    assert math.isnan(f["worst_status_24m"]) and math.isnan(f["online_lender_share"])
    assert f["n_enforcement_records"] == 0.0


# ------------------------------------------------------------------------------------------
# properties
# ------------------------------------------------------------------------------------------
SETTINGS = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
_BOUNDED = {
    "worst_status_24m": (0, 7),
    "worst_status_60m": (0, 7),
    "worst_classification": (0, 4),
    "online_lender_share": (0, 1),
}


@SETTINGS
@given(p=st.one_of(v2_profiles(max_accounts=6), profiles(max_accounts=4)))
def test_bounds_and_determinism(p: CreditProfile) -> None:
    f = extract(p, AS_OF)
    assert [_same(a, b) for a, b in zip(f, extract(p, AS_OF))] == [True] * len(f)
    for name in REPORT:
        v = f[FEATURE_INDEX[name]]
        if math.isnan(v):
            continue
        assert v >= 0, name
        lo, hi = _BOUNDED.get(name, (0, math.inf))
        assert lo <= v <= hi, name
    assert f[FEATURE_INDEX["worst_status_24m"]] <= f[FEATURE_INDEX["worst_status_60m"]] or (
        math.isnan(f[FEATURE_INDEX["worst_status_24m"]])
    )


batches = st.lists(
    st.one_of(v2_profiles(max_accounts=5), profiles(max_accounts=4)),
    min_size=1,
    max_size=8,
    unique_by=lambda p: p.subject_id,
)


@pytest.mark.parametrize("compiled", [False, True] if HAS_NUMBA else [False])
@SETTINGS
@given(ps=batches)
def test_engines_equal_extract_and_counterfactual(ps: list[CreditProfile], compiled: bool) -> None:
    """Every feature of both engines equals extract() bit for bit, and the counterfactual's
    features equal extract_counterfactual()'s (the report features among them)."""
    from credit_closure._scoring import CLOSURE_IMPACT_MONTHS, months_before

    tables = profiles_to_tables(ps, container="numpy")
    extra = {k: v for k, v in tables.items() if k not in ("accounts", "closures", "inquiries")}
    attributes = extra.pop("attributes")
    prep = prepare_batch(
        tables["accounts"], tables["closures"], tables["inquiries"], attributes, AS_OF, extra=extra
    )
    F, cf_subjects, F_cf = features_pair(prep, AS_OF, compiled)
    index = {s: i for i, s in enumerate(prep.subjects)}
    start = months_before(AS_OF, CLOSURE_IMPACT_MONTHS)
    cf_rows = {int(s): k for k, s in enumerate(cf_subjects)}
    for p in ps:
        i = index[p.subject_id]
        want = extract(p, AS_OF)
        got = F[i]
        bad = [n for n, a, b in zip(FEATURE_NAMES, got, want) if not _same(float(a), b)]
        assert not bad, (p.subject_id, bad)
        cf = extract_counterfactual(p, AS_OF, start)
        assert (cf is None) == (i not in cf_rows), p.subject_id
        if cf is not None:
            got_cf = F_cf[cf_rows[i]]
            bad = [n for n, a, b in zip(FEATURE_NAMES, got_cf, cf) if not _same(float(a), b)]
            assert not bad, (p.subject_id, "counterfactual", bad)
            assert [cf[k] for k in REPORT_INDEX] == pytest.approx(
                [want[k] for k in REPORT_INDEX], nan_ok=True
            )


def test_columnar_reads_every_report_feature() -> None:
    """A hand-built v2 batch gives non-trivial values in every report feature."""
    p = _profile(
        [
            {
                **_hist("N2345N" + "N" * 18),
                "current_overdue_amount": 12.5,
                "current_overdue_periods": 2,
                "classification": "substandard",
                "institution_type": "microloan",
                "special_transactions": [{"kind": "guarantor_compensation", "on": "2024-02-01"}],
            },
            {"product": "credit_card", "status": "frozen", "credit_limit": 800},
        ],
        guarantees=[{"guarantee_id": "g", "party": "person", "balance": 5, "overdue_amount": 1}],
        public_records=[
            {"kind": k, "on": "2024-01-01"}
            for k in (
                "dishonest_debtor",
                "enforcement",
                "civil_judgment",
                "tax_arrears",
                "administrative_penalty",
                "bankruptcy",
            )
        ],
    )
    want = extract(p, DAY)
    values = dict(zip(REPORT, (want[k] for k in REPORT_INDEX)))
    assert values.pop("months_since_last_delinquency") == 0.0  # overdue now
    assert all(v > 0 for v in values.values()), values
    tables = profiles_to_tables([p], container="numpy")
    extra = {k: v for k, v in tables.items() if k not in ("accounts", "closures", "inquiries")}
    attributes = extra.pop("attributes")
    prep = prepare_batch(
        tables["accounts"], tables["closures"], tables["inquiries"], attributes, DAY, extra=extra
    )
    for compiled in [False, True] if HAS_NUMBA else [False]:
        F = features_pair(prep, DAY, compiled)[0]
        assert np.array_equal(F[0], np.array(want), equal_nan=True), compiled


def _bits(v: Any) -> Any:
    if isinstance(v, (float, np.floating)):
        return struct.pack("<d", float(v)).hex()
    return v.item() if hasattr(v, "item") else v


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), ps=batches)
def test_random_policies_on_report_features_agree(data: st.DataObject, ps: list[Any]) -> None:
    """Random rule policies with rules and conditions on the report features: assess() and
    score_columnar on both engines agree bit for bit on v1 and v2 profiles."""
    from strategies import policy_documents, policy_rules, value_pool

    from credit_closure import RulePolicy, RuleScorer, assess
    from credit_closure.columnar import OUTPUT_COLUMNS, REASON_TEXTS, score_columnar

    pool = value_pool([feature_dict(p, AS_OF) for p in ps])
    doc = data.draw(policy_documents(pool, max_rules=3))
    codes = sorted(REASON_TEXTS)
    doc["rules"] += [data.draw(policy_rules(f"R{i}", pool, tuple(REPORT), codes)) for i in range(3)]
    scorer = RuleScorer(RulePolicy.from_dict(doc))
    want = {}
    for p in ps:
        a = assess(p, scorer=scorer, as_of=AS_OF)
        codes_p = [r.code for r in a.reasons] + [None] * (4 - len(a.reasons))
        want[p.subject_id] = [
            _bits(v)
            for v in (a.score, a.probability_of_default, a.band, a.decision, *codes_p)
            + (a.closure_impact,)
        ]
    tables = profiles_to_tables(ps, container="numpy")
    for engine in ["numpy", "numba"] if HAS_NUMBA else ["numpy"]:
        out = score_columnar(**tables, scorer=scorer, as_of=AS_OF, engine=engine)
        got = {
            sid: [_bits(out[c][i]) for c in OUTPUT_COLUMNS[1:]]
            for i, sid in enumerate(out["subject_id"].tolist())
        }
        assert got == want, (engine, doc)


# ------------------------------------------------------------------------------------------
# worst_classification around the retention edges: a property over the policy's retention
# and jurisdiction, both engines, the counterfactual built and unbuilt
# ------------------------------------------------------------------------------------------
#: as_of dates whose edges are clamped to a month's end (2024-02-29 -> 2019-02-28) or fall
#: mid-month.
_EDGE_AS_OF = (dt.date(2025, 6, 15), dt.date(2024, 2, 29), dt.date(2025, 12, 31))
#: retention_months values around the floor (24), the default (60), the us clock (84) and
#: the bounds a policy header allows (1-600).
_RETENTIONS = (1, 12, 23, 24, 25, 36, 60, 84, 120, 600)


def _configs() -> st.SearchStrategy[Any]:
    from credit_closure._scoring import FeatureConfig

    return st.builds(
        FeatureConfig,
        retention_months=st.one_of(
            st.sampled_from(_RETENTIONS), st.sampled_from(_RETENTIONS), st.integers(1, 600)
        ),
        retention_clock=st.sampled_from(["closed_on", "end_of_bad_act"]),
        jurisdiction=st.sampled_from(["cn", "cn", "us"]),
        counterfactual_keeps_adverse=st.booleans(),
    )


@st.composite
def _edge_batches(draw: st.DrawFn) -> tuple[dt.date, Any, list[CreditProfile]]:
    """A config and profiles whose accounts end, are last paid and first delinquent on days
    around the edges that matter (the config's retention, the floor of 24 months, the
    closure-impact window, 60 and 84 months: a few days either side, or well inside or
    outside), with every status, balances owed, nothing owed or unknown, and closure events
    with or without a balance."""
    from credit_closure._scoring import DEFAULT_CONFIG, months_before

    as_of = draw(st.sampled_from(_EDGE_AS_OF))
    config = draw(st.one_of(st.just(DEFAULT_CONFIG), _configs(), _configs()))
    months = {24, 60, 84, config.retention_months}
    edges = sorted({months_before(as_of, m) for m in months})
    near = st.builds(
        lambda e, k: min(as_of, e + dt.timedelta(days=k)),
        st.sampled_from(edges),
        st.one_of(st.integers(-3, 3), st.sampled_from([-900, -400, -40, 40, 400, 900])),
    )
    owed = st.one_of(st.none(), st.just(0), st.sampled_from([0.5, 120]))
    profiles_ = []
    for s in range(draw(st.integers(1, 4))):
        accounts: list[dict[str, Any]] = []
        closures: list[dict[str, Any]] = []
        for i in range(draw(st.integers(1, 4))):
            status = draw(st.sampled_from(_ENDED * 3 + _RUNNING))  # mostly ended
            a: dict[str, Any] = {
                "account_id": f"a{i}",
                "product": draw(st.sampled_from(["cash_loan", "credit_card"])),
                "status": status,
                "opened_on": "1960-01-01",
                "credit_limit": 1000,
            }
            if draw(st.integers(0, 4)):
                a["classification"] = draw(
                    st.sampled_from(
                        ["normal", "special_mention", "substandard", "doubtful", "loss"]
                    )
                )
            bal = draw(owed)
            if bal is not None:
                a["balance"] = bal
            if draw(st.booleans()):
                a["last_payment_on"] = draw(near).isoformat()
            if draw(st.booleans()):
                a["first_delinquency_on"] = draw(near).isoformat()
            if status in _ENDED:
                day = draw(near) if status == "closed" else draw(st.one_of(st.none(), near))
                if day is not None:
                    a["closed_on"] = day.isoformat()
                if draw(st.integers(0, 2)):
                    ev_day = day if day is not None else draw(near)
                    ev: dict[str, Any] = {"account_id": a["account_id"], "closed_on": str(ev_day)}
                    ev["termination"] = draw(st.sampled_from(["normal", "abnormal", "bad_debt"]))
                    ev_bal = draw(owed)
                    if ev_bal is not None:
                        ev["balance_at_closure"] = ev_bal
                    closures.append(ev)
            accounts.append(a)
        profiles_.append(
            CreditProfile.from_dict(
                {
                    "contract_version": 2,
                    "subject_id": f"s{s}",
                    "accounts": accounts,
                    "closures": closures,
                }
            )
        )
    return as_of, config, profiles_


def _on_file_oracle(p: CreditProfile, as_of: dt.date, config: Any = None) -> float:
    """worst_classification written from its description, independently of the engines
    (``config`` ``None``: the default's 60 months, cn)."""
    from credit_closure import LoanClassification
    from credit_closure._scoring import months_before

    us = config is not None and config.jurisdiction == "us"
    if us:
        months = 84
    else:
        months = max(24, 60 if config is None else config.retention_months)
    edge = months_before(as_of, months)
    events = {e.account_id: e for e in p.closures}
    ranks = []
    for a in p.accounts:
        if a.classification is None:
            continue
        ev = events.get(a.account_id)
        running = a.status.value in _RUNNING
        closing = [d for d in (a.closed_on, ev and ev.closed_on) if d]
        if us:
            if a.first_delinquency_on is not None:
                keep = a.first_delinquency_on > edge
            else:
                keep = running or not closing or max(closing) > edge
        else:
            owed = a.balance if a.balance is not None else (ev and ev.balance_at_closure)
            dates = closing + ([a.last_payment_on] if a.last_payment_on else [])
            keep = running or (owed or 0) > 0 or not dates or max(dates) > edge
        if keep:
            ranks.append(list(LoanClassification).index(a.classification))
    return float(max(ranks)) if ranks else math.nan


def _report_block(f: Any) -> list[float]:
    return [float(f[k]) for k in REPORT_INDEX]


def _same_all(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))


def _prep(ps: list[CreditProfile], as_of: dt.date) -> Any:
    tables = profiles_to_tables(ps, container="numpy")
    extra = {t: v for t, v in tables.items() if t not in ("accounts", "closures", "inquiries")}
    attributes = extra.pop("attributes")
    return prepare_batch(
        tables["accounts"], tables["closures"], tables["inquiries"], attributes, as_of, extra=extra
    )


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(batch=_edge_batches())
def test_classification_retention_edge(batch: tuple[dt.date, Any, list[CreditProfile]]) -> None:
    """Around the retention edges, under any retention_months (1-600) and either
    jurisdiction: extract() gives the documented value; the long format's report features
    equal extract()'s bit for bit; the closure-impact counterfactual (accounts closed in the
    last 24 months reopened) keeps every report feature of the profile, built
    (``reopened_profile``, its features extracted) or not, with and without
    counterfactual_keeps_adverse; and for an adverse ending (with a known balance under cn,
    whose retention_months is at least 24) its classification is on file exactly when
    default policy v2's n_adverse_endings_retained keeps it."""
    import attrs

    from credit_closure import TerminationKind
    from credit_closure._columnar import report_features_columnar
    from credit_closure._scoring import CLOSURE_IMPACT_MONTHS, months_before
    from credit_closure._scoring.features import reopen_plan, reopened_profile
    from credit_closure._scoring.report_features import report_features

    as_of, config, ps = batch
    k = FEATURE_INDEX["worst_classification"]
    start = months_before(as_of, CLOSURE_IMPACT_MONTHS)
    us = config.jurisdiction == "us"
    clock = attrs.evolve(config, retention_clock="end_of_bad_act")
    for p in ps:
        want = extract(p, as_of, config)
        assert _same(want[k], _on_file_oracle(p, as_of, config)), (p.subject_id, config)
        report = _report_block(want)
        assert _same_all(list(report_features(p, as_of, config)), report)
        for keep in (False, True):
            cfg = attrs.evolve(config, counterfactual_keeps_adverse=keep)
            cf = extract_counterfactual(p, as_of, start, cfg)
            plan = reopen_plan(p, start, keep)
            assert (cf is None) == (not plan)
            if cf is not None:
                assert _same_all(_report_block(cf), report)
                built = extract(reopened_profile(p, plan), as_of, cfg)
                assert _same_all(_report_block(built), report), (p.subject_id, cfg)
        if not us and config.retention_months < 24:
            continue  # the floor: classifications stay 24 months, adverse endings do not
        events = {e.account_id: e for e in p.closures}
        for a in p.accounts:
            ev = events.get(a.account_id)
            owed = a.balance if a.balance is not None else (ev and ev.balance_at_closure)
            charged = a.status.value in ("charged_off", "judicial_recovery")
            by_event = ev is not None and ev.termination in (
                TerminationKind.ABNORMAL,
                TerminationKind.BAD_DEBT,
            )
            if a.classification is None or not (charged or by_event):
                continue
            if owed is None and not us:
                continue
            alone = attrs.evolve(p, accounts=(a,), closures=(ev,) if ev else ())
            f = feature_dict(alone, as_of, clock)
            retained = f["n_adverse_endings_retained"] == 1.0
            assert retained == (not math.isnan(f["worst_classification"])), (a, ev, config)
    prep = _prep(ps, as_of)
    got_all = report_features_columnar(prep.acc, prep.v2, prep.n, as_of, config)
    for i, sid in enumerate(prep.subjects.tolist()):
        p = next(q for q in ps if q.subject_id == sid)
        want_bits = [struct.pack("<d", v) for v in _report_block(extract(p, as_of, config))]
        assert [struct.pack("<d", float(v)) for v in got_all[i]] == want_bits, (sid, config)


def _classification_policy(config: Any) -> dict[str, Any]:
    """A rule policy with ``config``'s header and one rule on worst_classification whose
    every level scores differently (so that any change of the value changes the score)."""
    return {
        "format": "credit_closure.rule_policy",
        "format_version": 1,
        "name": "classification",
        "version": "1",
        "base_log_odds": -2.0,
        "retention_months": config.retention_months,
        "retention_clock": config.retention_clock,
        "jurisdiction": config.jurisdiction,
        "counterfactual_keeps_adverse": config.counterfactual_keeps_adverse,
        "scale": {
            "base_points": 600,
            "base_odds": 50,
            "pdo": 20,
            "min_score": 300,
            "max_score": 900,
            "bands": [{"name": "A", "min_score": 600}, {"name": "B", "min_score": None}],
            "approve_at": 600,
            "decline_below": 500,
        },
        "rules": [
            {
                "id": "C",
                "title": "classification",
                "feature": "worst_classification",
                "direction": "at_least",
                "steps": [{"threshold": t, "log_odds": 0.25 * (t + 1)} for t in (0, 1, 2, 3, 4)],
                "reason": "LOAN_CLASSIFICATION",
            }
        ],
    }


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(batch=_edge_batches())
def test_classification_retention_scored_by_both_engines(
    batch: tuple[dt.date, Any, list[CreditProfile]],
) -> None:
    """A rule scorer whose policy header sets the retention and jurisdiction: assess() and
    score_columnar on the numpy engine and the numba kernel agree bit for bit (the scorer's
    FeatureConfig reaches every path), and the score reads the documented classification."""
    from credit_closure import RulePolicy, RuleScorer, assess
    from credit_closure.columnar import OUTPUT_COLUMNS, score_columnar

    as_of, config, ps = batch
    scorer = RuleScorer(RulePolicy.from_dict(_classification_policy(config)))
    assert scorer.policy.feature_config == config
    want = {}
    by_value: dict[str, float] = {}
    for p in ps:
        a = assess(p, scorer=scorer, as_of=as_of)
        # one score per documented value, a different one for each value
        value = str(_on_file_oracle(p, as_of, config))
        assert by_value.setdefault(value, a.score) == a.score
        want[p.subject_id] = [
            _bits(v)
            for v in (a.score, a.probability_of_default, a.band, a.decision, a.closure_impact)
        ]
        assert a.closure_impact in (0.0, None)  # the counterfactual keeps the classification
    assert len(set(by_value.values())) == len(by_value)
    tables = profiles_to_tables(ps, container="numpy")
    cols = [c for c in OUTPUT_COLUMNS[1:] if not c.startswith("reason_")]
    for engine in ["numpy", "numba"] if HAS_NUMBA else ["numpy"]:
        out = score_columnar(**tables, scorer=scorer, as_of=as_of, engine=engine)
        got = {
            sid: [_bits(out[c][i]) for c in cols]
            for i, sid in enumerate(out["subject_id"].tolist())
        }
        assert got == want, (engine, config)


class TestClassificationConfig:
    """worst_classification under a policy's retention_months and the us jurisdiction (DAY is
    2025-06-15: 36 months back is 2022-06-15, 24 months 2023-06-15, 84 months 2018-06-15)."""

    @staticmethod
    def _value(acc: dict[str, Any], config: Any, closures: Any = ()) -> float:
        from credit_closure._scoring import DEFAULT_CONFIG

        p = _loss_profile(0, acc, list(closures))
        got = feature_dict(p, DAY, config or DEFAULT_CONFIG)["worst_classification"]
        # the long format under the same config, bit for bit
        from credit_closure._columnar import report_features_columnar

        prep = _prep([p], DAY)
        col = report_features_columnar(prep.acc, prep.v2, prep.n, DAY, config)
        assert _same(float(col[0][REPORT.index("worst_classification")]), got)
        return got

    def test_default_config_is_the_60_month_clock(self) -> None:
        from credit_closure._scoring import DEFAULT_CONFIG, months_before
        from credit_closure._scoring.report_features import classification_start

        assert classification_start(DAY, None) == classification_start(DAY, DEFAULT_CONFIG)
        assert classification_start(DAY, None) == (months_before(DAY, 60), False)

    def test_floor_is_the_closure_impact_window(self) -> None:
        from credit_closure._scoring import CLOSURE_IMPACT_MONTHS
        from credit_closure._scoring.report_features import CLASSIFICATION_MIN_MONTHS

        assert CLASSIFICATION_MIN_MONTHS == CLOSURE_IMPACT_MONTHS

    def test_retention_months(self) -> None:
        from credit_closure._scoring import FeatureConfig

        paid = {"status": "closed", "balance": 0}
        c36 = FeatureConfig(retention_months=36)
        assert self._value({**paid, "closed_on": "2022-06-16"}, c36) == 4.0
        assert math.isnan(self._value({**paid, "closed_on": "2022-06-15"}, c36))
        # the default's 60 months keep it
        assert self._value({**paid, "closed_on": "2022-06-15"}, None) == 4.0
        # fewer than 24 months read as 24, whatever the clock
        for clock in ("closed_on", "end_of_bad_act"):
            c12 = FeatureConfig(retention_months=12, retention_clock=clock)
            assert self._value({**paid, "closed_on": "2023-06-16"}, c12) == 4.0
            assert math.isnan(self._value({**paid, "closed_on": "2023-06-15"}, c12))
        # owing, or running, always counts under cn
        assert self._value({"status": "charged_off", "closed_on": "1990-01-01", "balance": 1}, c36)
        assert self._value({"status": "open", "first_delinquency_on": "1990-01-01"}, c36)

    def test_us_first_delinquency(self) -> None:
        from credit_closure._scoring import FeatureConfig

        us = FeatureConfig(jurisdiction="us", retention_months=12)  # retention_months unread
        fdel_in = {"first_delinquency_on": "2018-06-16"}
        fdel_out = {"first_delinquency_on": "2018-06-15"}
        for acc in (
            {"status": "charged_off", "closed_on": "2019-01-01", "balance": 0},
            {"status": "charged_off", "closed_on": "2024-01-01", "balance": 500},
            {"status": "closed", "closed_on": "2025-01-01", "balance": 0},
            {"status": "open", "balance": 500},
        ):
            assert self._value({**acc, **fdel_in}, us) == 4.0, acc
            # whatever its status, balance or payments: the seven years have run
            assert math.isnan(self._value({**acc, **fdel_out, "last_payment_on": "2025-01-01"}, us))

    def test_us_without_first_delinquency(self) -> None:
        from credit_closure._scoring import FeatureConfig

        us = FeatureConfig(jurisdiction="us")
        # the closing date stands in: 84 months, not the cn 60
        closed = {"status": "closed", "balance": 0}
        assert self._value({**closed, "closed_on": "2018-06-16"}, us) == 4.0
        assert math.isnan(self._value({**closed, "closed_on": "2018-06-15"}, us))
        assert math.isnan(self._value({**closed, "closed_on": "2018-06-16"}, None))
        # owing or a later payment does not extend it
        owing = {"status": "charged_off", "closed_on": "2018-06-15", "balance": 900}
        assert math.isnan(self._value({**owing, "last_payment_on": "2025-01-01"}, us))
        # the closure event's date when the account has none; no date at all: it counts
        ev = {"account_id": "a0", "closed_on": "2018-06-15"}
        assert math.isnan(self._value({"status": "charged_off"}, us, [ev]))
        assert self._value({"status": "charged_off"}, us) == 4.0
        # a running account counts
        assert self._value({"status": "frozen", "closed_on": None}, us) == 4.0

    def test_counterfactual_never_restores_a_classification(self) -> None:
        """A `closed` account closed 20 months ago, first delinquent 8 years ago: off file
        under us, and off file reopened (the clock does not read the status); under a
        12-month retention it is on file (the floor), reopened too."""
        from credit_closure._scoring import (
            CLOSURE_IMPACT_MONTHS,
            FeatureConfig,
            months_before,
        )
        from credit_closure._scoring.features import reopen_plan, reopened_profile

        p = _loss_profile(
            0,
            {
                "status": "closed",
                "closed_on": "2023-10-01",
                "balance": 0,
                "first_delinquency_on": "2017-06-01",
            },
            [],
        )
        start = months_before(DAY, CLOSURE_IMPACT_MONTHS)
        plan = reopen_plan(p, start)
        assert plan
        cf = reopened_profile(p, plan)
        for config, want in (
            (FeatureConfig(jurisdiction="us"), math.nan),
            (FeatureConfig(retention_months=12), 4.0),
            (FeatureConfig(retention_months=12, retention_clock="end_of_bad_act"), 4.0),
        ):
            got = feature_dict(p, DAY, config)["worst_classification"]
            assert _same(got, want), config
            assert _same(feature_dict(cf, DAY, config)["worst_classification"], want), config
