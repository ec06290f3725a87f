"""The bureau adapters (issue 14, item 13): the PBoC report and Metro 2 fixtures map with every
field mapped or listed as unmapped, the profiles assess, and bad input names its paths."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pathlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import credit_closure
from credit_closure import CreditProfile, InvalidInputError, assess
from credit_closure.adapters import AdapterResult, UnmappedField, from_metro2, from_pboc
from credit_closure.adapters import metro2 as metro2_module
from credit_closure.adapters import pboc as pboc_module

DATA = pathlib.Path(__file__).parent / "data" / "adapters"
AS_OF = dt.date(2026, 12, 1)


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


PBOC = _load("pboc_report.json")
METRO2 = _load("metro2_tradelines.json")

#: The exact unmapped list of ``pboc_report.json`` (paths, in input order).
PBOC_UNMAPPED = [
    "header",
    "personal_info",
    "summary",
    "credit_agreements",
    "credit_transactions.recovered[0].reported_on",
    "credit_transactions.non_revolving_loans[0].due_on",
    "credit_transactions.non_revolving_loans[0].repayment_periods",
    "credit_transactions.non_revolving_loans[0].repayment_frequency",
    "credit_transactions.non_revolving_loans[0].repayment_method",
    "credit_transactions.non_revolving_loans[0].guarantee_method",
    "credit_transactions.non_revolving_loans[0].remaining_periods",
    "credit_transactions.non_revolving_loans[0].scheduled_payment",
    "credit_transactions.non_revolving_loans[0].actual_payment",
    "credit_transactions.non_revolving_loans[0].last_payment_amount",
    "credit_transactions.non_revolving_loans[0].overdue_principal_31_60",
    "credit_transactions.non_revolving_loans[0].overdue_principal_61_90",
    "credit_transactions.non_revolving_loans[0].overdue_principal_91_180",
    "credit_transactions.non_revolving_loans[0].overdue_principal_over_180",
    "credit_transactions.non_revolving_loans[0].reported_on",
    "credit_transactions.non_revolving_loans[0].special_transactions[0].detail",
    "credit_transactions.non_revolving_loans[1].due_on",
    "credit_transactions.credit_cards[0].shared_credit_limit",
    "credit_transactions.credit_cards[0].average_used_6m",
    "credit_transactions.credit_cards[0].max_used",
    "credit_transactions.credit_cards[0].statement_date",
    "credit_transactions.credit_cards[0].scheduled_payment",
    "credit_transactions.credit_cards[0].actual_payment",
    "credit_transactions.credit_cards[0].large_instalments",
    "credit_transactions.credit_cards[0].annotations",
    "credit_transactions.repayment_liabilities[0].institution",
    "credit_transactions.repayment_liabilities[0].business_type",
    "credit_transactions.repayment_liabilities[0].liability_type",
    "credit_transactions.repayment_liabilities[0].contract_number",
    "credit_transactions.repayment_liabilities[0].overdue_months",
    "credit_transactions.repayment_liabilities[0].reported_on",
    "credit_transactions.repayment_liabilities[1].institution",
    "credit_transactions.repayment_liabilities[1].liability_type",
    "public_records.housing_fund",
    "public_records.tax_arrears[0].tax_authority",
    "public_records.civil_judgments[0].court",
    "public_records.civil_judgments[0].cause",
    "public_records.civil_judgments[0].closing_method",
    "public_records.civil_judgments[0].result",
    "public_records.civil_judgments[0].effective_on",
    "public_records.civil_judgments[0].claim",
    "public_records.enforcements[0].court",
    "public_records.enforcements[0].cause",
    "public_records.enforcements[0].closing_method",
    "public_records.enforcements[0].closed_on",
    "public_records.enforcements[0].claim",
    "public_records.enforcements[0].executed",
    "public_records.enforcements[0].executed_amount",
    "public_records.administrative_penalties[0].authority",
    "public_records.administrative_penalties[0].content",
    "public_records.administrative_penalties[0].ends_on",
    "public_records.administrative_penalties[0].review_result",
    "queries[0].institution",
    "queries[1].institution",
    "queries[2].institution",
    "queries[3].institution",
    "queries[4].institution",
    "queries[5].institution",
    "queries[6].institution",
]


#: The exact unmapped list of ``metro2_tradelines.json`` (paths, in input order).
METRO2_UNMAPPED = [
    "header",
    "trailer",
    "tradelines[0].record_descriptor_word",
    "tradelines[0].processing_indicator",
    "tradelines[0].time_stamp",
    "tradelines[0].correction_indicator",
    "tradelines[0].cycle_identifier",
    "tradelines[0].terms_duration",
    "tradelines[0].terms_frequency",
    "tradelines[0].scheduled_monthly_payment_amount",
    "tradelines[0].actual_payment_amount",
    "tradelines[0].original_charge_off_amount",
    "tradelines[0].interest_type_indicator",
    "tradelines[0].surname",
    "tradelines[0].first_name",
    "tradelines[0].social_security_number",
    "tradelines[0].date_of_birth",
    "tradelines[0].consumer_information_indicator",
    "tradelines[0].country_code",
    "tradelines[0].first_line_of_address",
    "tradelines[0].city",
    "tradelines[0].state",
    "tradelines[0].zip_code",
    "tradelines[0].address_indicator",
    "tradelines[0].residence_code",
    "tradelines[0].j1",
    "tradelines[0].highest_credit",
    "tradelines[1].terms_duration",
    "tradelines[4].original_charge_off_amount",
    "tradelines[4].k1",
    "tradelines[5].terms_duration",
    "tradelines[5].k3",
    "tradelines[5].k4",
    "tradelines[5].compliance_condition_code",
    "tradelines[6].k2",
    "tradelines[6].l1",
    "tradelines[7].n1",
    "tradelines[8].consumer_information_indicator",
    "tradelines[8].ecoa_code",
    "tradelines[9].account_type",
]


def leaves(value: Any, path: str = "") -> list[str]:
    """Every leaf path of a JSON value (an empty object or array is a leaf)."""
    if isinstance(value, dict) and value:
        return [p for k, v in value.items() for p in leaves(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list) and value:
        return [p for i, v in enumerate(value) for p in leaves(v, f"{path}[{i}]")]
    return [path]


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith((prefix + ".", prefix + "["))


def assert_accounted(doc: Any, res: AdapterResult) -> None:
    """Every leaf of ``doc`` lies under exactly one mapped or unmapped path."""
    covers = list(res.mapped) + [u.path for u in res.unmapped]
    for leaf in leaves(doc):
        hits = [c for c in covers if _under(leaf, c)]
        assert len(hits) == 1, (leaf, hits)


class TestFixtures:
    def test_pboc_fixture_unmapped_list_is_exact(self) -> None:
        res = from_pboc(PBOC, subject_id="s-1")
        assert [u.path for u in res.unmapped] == PBOC_UNMAPPED
        assert all(u.reason for u in res.unmapped)
        assert_accounted(PBOC, res)

    def test_metro2_fixture_unmapped_list_is_exact(self) -> None:
        res = from_metro2(METRO2, subject_id="s-1")
        assert [u.path for u in res.unmapped] == METRO2_UNMAPPED
        assert all(u.reason for u in res.unmapped)
        assert_accounted(METRO2, res)

    @pytest.mark.parametrize("which", ["pboc", "metro2"])
    def test_profile_is_v2_round_trips_and_assesses(self, which: str) -> None:
        res = (
            from_pboc(PBOC, subject_id="s")
            if which == "pboc"
            else from_metro2(METRO2, subject_id="s")
        )
        p = res.profile
        assert p.contract_version == 2
        assert CreditProfile.from_dict(json.loads(json.dumps(p.to_dict()))) == p
        a = assess(p, as_of=AS_OF)
        assert a.subject_id == "s" and a.decision in ("approve", "refer", "decline")

    def test_input_not_altered(self) -> None:
        before = copy.deepcopy(PBOC), copy.deepcopy(METRO2)
        from_pboc(PBOC, subject_id="s")
        from_metro2(METRO2, subject_id="s")
        assert (PBOC, METRO2) == before

    def test_pboc_fixture_mapping(self) -> None:
        p = from_pboc(PBOC, subject_id="s").profile
        acc = {a.account_id: a for a in p.accounts}
        assert [str(acc[k].product) for k in ("R-001", "L-001", "L-003", "S-001", "V-001", "C-001", "Q-001")] == [
            "other", "mortgage", "business_loan", "installment", "cash_loan", "credit_card", "overdraft",
        ]  # fmt: skip
        assert [str(acc[k].status) for k in ("L-003", "C-002", "C-003", "C-004")] == [
            "overdue", "closed", "frozen", "not_activated",
        ]  # fmt: skip
        l3 = acc["L-003"]
        assert (l3.classification.value, l3.current_overdue_periods, l3.repayment_history[-2:]) == (
            "special_mention", 2, "12",
        )  # fmt: skip
        assert (l3.months_delinquent_24m, l3.max_consecutive_delinquent_24m, l3.worst_dpd_24m) == (
            2,
            2,
            31,
        )
        assert l3.overdue_amounts[-1] == 7400 and l3.history_end == dt.date(2026, 10, 1)
        assert [(s.kind.value, s.months) for s in l3.special_transactions] == [("extension", 6)]
        assert acc["L-001"].liability.value == "joint"
        assert [lc.limit for lc in acc["V-001"].limit_history] == [80000, 50000]
        closures = {c.account_id: c for c in p.closures}
        assert closures["L-002"].kind.value == "early_settlement"
        assert closures["C-002"].kind.value == "line_closure"
        assert closures["R-001"].termination.value == "abnormal"
        assert [g.party.value for g in p.guarantees] == ["enterprise", "person"]
        assert [r.kind.value for r in p.public_records] == [
            "tax_arrears", "civil_judgment", "enforcement", "administrative_penalty",
        ]  # fmt: skip
        assert p.public_records[2].status.value == "satisfied"
        assert [q.kind.value for q in p.inquiries] == [
            "loan_approval", "card_approval", "pre_insurance_review", "post_loan",
            "financing_approval", "executive_review", "self",
        ]  # fmt: skip
        assert p.inquiries[2].institution_type.value == "insurance"

    def test_metro2_fixture_mapping(self) -> None:
        p = from_metro2(METRO2, subject_id="s").profile
        acc = {a.account_id: a for a in p.accounts}
        card = acc["T-CARD-1"]
        # the profile is most recent first; the current month (status 11) is appended
        assert card.repayment_history == "NNNNNNNNNNNNNNN2NNNNNNNNN"
        assert card.history_end == dt.date(2026, 10, 31)
        assert acc["T-CARD-3"].history_end == dt.date(2025, 2, 28)  # payment rating 0 appended
        assert (
            acc["T-MORT-1"].repayment_history[-1] == "2"
            and acc["T-MORT-1"].status.value == "overdue"
        )
        assert acc["T-LOC-1"].status.value == "suspended"  # special comment AP
        coll = acc["T-COLL-1"]  # a collector's account: Date Opened after the first delinquency
        assert (
            coll.status.value == "charged_off"
            and coll.institution_type.value == "collection_agency"
        )
        assert coll.first_delinquency_on < coll.opened_on == dt.date(2024, 4, 1)
        assert acc["T-COLL-1"].institution_type.value == "collection_agency"
        assert acc["T-CARD-4"].special_transactions[0].kind.value == "debt_relief"
        assert [acc[k].liability.value for k in ("T-AUTO-1", "T-LOC-1")] == ["joint", "guarantor"]
        closures = {c.account_id: (c.kind and c.kind.value, c.initiator.value) for c in p.closures}
        assert closures == {
            "T-AUTO-1": ("settlement", "paid_as_agreed"),
            "T-CARD-2": ("line_closure", "consumer"),
            "T-CARD-3": ("line_closure", "lender_risk"),
            "T-EDU-1": (None, "transferred"),
            "T-CARD-4": ("line_closure", "unknown"),
            "T-AUTO-2": ("settlement", "refinanced"),  # special comment AS
        }


class TestBadInput:
    def test_every_problem_at_once_named_by_input_path(self) -> None:
        doc = copy.deepcopy(PBOC)
        cards = doc["credit_transactions"]["credit_cards"]
        cards[0]["status"] = "好"
        cards[0]["opened_on"] = "2018-13-10"
        cards[1]["credit_limit"] = -5
        cards[0]["repayment_records"][3]["status"] = "X"
        doc["queries"][0]["reason"] = "随便看看"
        doc["public_records"]["tax_arrears"][0]["stat_date"] = 20250430
        with pytest.raises(InvalidInputError) as e:
            from_pboc(doc, subject_id="s")
        paths = [p for p, _ in e.value.problems]
        base = "credit_transactions.credit_cards"
        assert paths == [
            f"{base}[0].status",
            f"{base}[0].opened_on",
            f"{base}[0].repayment_records[3].status",
            f"{base}[1].credit_limit",
            "public_records.tax_arrears[0].stat_date",
            "queries[0].reason",
        ]

    def test_contract_rule_named_by_input_path(self) -> None:
        doc = copy.deepcopy(PBOC)
        del doc["credit_transactions"]["credit_cards"][1]["closed_on"]  # 销户 needs 关闭日期
        with pytest.raises(InvalidInputError) as e:
            from_pboc(doc, subject_id="s")
        [(path, message)] = e.value.problems
        assert path == "credit_transactions.credit_cards[1].closed_on", message

    def test_metro2_bad_codes(self) -> None:
        doc = copy.deepcopy(METRO2)
        doc["tradelines"][0]["payment_history_profile"] = "00Q0"
        doc["tradelines"][1]["account_status"] = "DA"
        doc["tradelines"][2]["portfolio_type"] = "Z"
        doc["tradelines"][2]["account_type"] = "ZZ"
        del doc["tradelines"][5]["date_of_account_information"]
        with pytest.raises(InvalidInputError) as e:
            from_metro2(doc, subject_id="s")
        assert [p for p, _ in e.value.problems] == [
            "tradelines[0].payment_history_profile[2]",
            "tradelines[1].account_status",
            "tradelines[2].portfolio_type",
            "tradelines[2].account_type",
            "tradelines[5].date_of_account_information",
        ]

    @pytest.mark.parametrize("doc", [None, [], "x", 3])
    def test_not_an_object(self, doc: Any) -> None:
        with pytest.raises(InvalidInputError):
            from_pboc(doc, subject_id="s")
        with pytest.raises(InvalidInputError):
            from_metro2(doc, subject_id="s")

    def test_bad_subject_id(self) -> None:
        with pytest.raises(InvalidInputError):
            from_pboc({}, subject_id="")


class TestApi:
    def test_public_names(self) -> None:
        import credit_closure.adapters as adapters

        assert adapters.__all__ == ["AdapterResult", "UnmappedField", "from_metro2", "from_pboc"]
        assert pboc_module.from_pboc is from_pboc and metro2_module.from_metro2 is from_metro2
        assert "adapters" not in credit_closure.__all__
        assert UnmappedField("a", "b").path == "a"

    def test_empty_documents(self) -> None:
        res = from_pboc({}, subject_id="s")
        assert res.profile.accounts == () and res.unmapped == () and res.mapped == ()
        res = from_metro2({"tradelines": []}, subject_id="s")
        assert res.profile.accounts == () and res.mapped == ("tradelines",)


# ---- properties ------------------------------------------------------------------------
_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**6), st.text(max_size=6),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)  # fmt: skip


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*path, i))
    return out


def _fmt(path: tuple[Any, ...]) -> str:
    out = ""
    for k in path:
        out = f"{out}[{k}]" if isinstance(k, int) else (f"{out}.{k}" if out else str(k))
    return out


@st.composite
def mutated(draw: st.DrawFn, doc: Any) -> Any:
    """``doc`` with some fields removed, replaced by junk, or added under unknown names."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(0, 4))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for k in path[:-1]:
            parent = parent[k]
        action = draw(st.sampled_from(["drop", "junk", "add"]))
        if action == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "junk":
            parent[path[-1]] = draw(_JUNK)
        elif isinstance(parent, dict):
            parent["zz_" + draw(st.text("abc", min_size=1, max_size=3))] = draw(_JUNK)
    return doc


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["pboc", "metro2"]).flatmap(
    lambda w: st.tuples(st.just(w), mutated(PBOC if w == "pboc" else METRO2))
))  # fmt: skip
def test_any_document_maps_completely_or_names_its_problems(case: tuple[str, Any]) -> None:
    """Whatever the input: either a valid v2 profile with every leaf accounted for exactly
    once, or an InvalidInputError whose every path lies in the input."""
    which, doc = case
    adapter = from_pboc if which == "pboc" else from_metro2
    try:
        res = adapter(doc, subject_id="s")
    except InvalidInputError as e:
        assert e.problems
        inputs = {_fmt(p) for p in _paths(doc)}
        for path, _ in e.problems:  # the field, or the record that lacks it, is in the input
            cut = max(path.rfind("."), path.rfind("["))
            assert path in inputs or path[: max(cut, 0)] in inputs, path
        return
    assert_accounted(doc, res)
    assert CreditProfile.from_dict(res.profile.to_dict()) == res.profile
    assess(res.profile, as_of=AS_OF)


def test_docs_page_examples() -> None:
    """The >>> examples of docs/adapters.md pass (run from the repository root)."""
    import doctest
    import os
    import re

    root = pathlib.Path(__file__).resolve().parent.parent
    text = (root / "docs" / "adapters.md").read_text(encoding="utf-8")
    source = "\n".join(re.findall(r"^```python\n(.*?)^```", text, re.S | re.M))
    test = doctest.DocTestParser().get_doctest(source, {}, "adapters.md", "adapters.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        runner.run(test)
    finally:
        os.chdir(cwd)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 5 and result.failed == 0


def test_profile_level_problems_name_the_argument_or_section() -> None:
    with pytest.raises(InvalidInputError) as e:
        from_metro2({"tradelines": []}, subject_id="")
    assert [p for p, _ in e.value.problems] == ["subject_id"]
    doc = copy.deepcopy(METRO2)
    doc["tradelines"].append(copy.deepcopy(doc["tradelines"][0]))  # a duplicate account id
    with pytest.raises(InvalidInputError) as e:
        from_metro2(doc, subject_id="s")
    assert all(p.startswith("tradelines") for p, _ in e.value.problems), e.value.problems
