"""Contract v2 (issue 14): v1 documents unchanged to the bit, v2 documents strict, histories
checked month by month, and every v2 profile round-trips through JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings

import credit_closure as cc
from credit_closure import (
    AccountStatus,
    CreditAccount,
    CreditProfile,
    Enterprise,
    InvalidInputError,
)
from credit_closure._contract import (
    HISTORY_SYMBOLS,
    METRO2_TO_SYMBOL,
    V1_INITIATOR,
    V1_INQUIRY_KIND,
    V1_STATUS,
    history_summary,
)
from tests.strategies import v2_profiles

DATA = Path(__file__).parent / "data"
V1_RULES = cc.RuleScorer(policy="v1")
GOLDEN = json.loads((DATA / "golden" / "v1_assessments.json").read_text(encoding="utf-8"))


def _problems(exc: pytest.ExceptionInfo[InvalidInputError]) -> dict[str, str]:
    return dict(exc.value.problems)


def _v2(**account: Any) -> dict[str, Any]:
    acc = {"account_id": "a1", "product": "credit_card", "status": "open", **account}
    return {"contract_version": 2, "subject_id": "s", "accounts": [acc]}


# ------------------------------------------------------------------------------------------
# Bar: every v1 document gives bit-identical assessments before and after
# ------------------------------------------------------------------------------------------
class TestV1Unchanged:
    """Assessments of the v1 examples, doc examples and 60 synthetic profiles equal the golden
    outputs generated on main before contract v2 (tools/golden_v1.py)."""

    @pytest.mark.parametrize("case", GOLDEN["cases"], ids=lambda c: f"{c['name']}-{c['scorer']}")
    def test_golden(self, case: dict[str, Any]) -> None:
        """The assessment's JSON is the golden one, float for float. The goldens were made
        with the version-1 default policy, pinned here by name (default policy v2 changed the
        rules scorer's numbers on purpose, see CHANGELOG), and enterprises with the version-1
        enterprise policy (``EnterprisePolicy.v1()``)."""
        as_of = dt.date.fromisoformat(GOLDEN["as_of"])
        scorer: Any = V1_RULES if case["scorer"] == "rules" else case["scorer"]
        doc = case["document"]
        try:
            subject: Any = (
                Enterprise.from_dict(doc)
                if "enterprise_id" in doc
                else CreditProfile.from_dict(doc)
            )
            result = (
                cc.EnterprisePolicy.v1().assess(subject, scorer=scorer, as_of=as_of)
                if isinstance(subject, Enterprise)
                else cc.assess(subject, scorer=scorer, as_of=as_of)
            )
            got = json.loads(json.dumps(result.to_dict()))
        except cc.CreditClosureError as exc:
            got = {"error": type(exc).__name__}
        assert got == case["assessment"]

    def test_v1_documents_stay_v1(self) -> None:
        """A v1 document reads as v1 and writes back exactly as before (no new key)."""
        for case in GOLDEN["cases"]:
            doc = case["document"]
            if "error" in case["assessment"]:
                continue
            if "enterprise_id" in doc:
                e = Enterprise.from_dict(doc)
                assert e.contract_version == 1 and "contract_version" not in e.to_dict()
            else:
                p = CreditProfile.from_dict(doc)
                assert p.contract_version == 1 and not p.is_v2
                assert p.to_dict() == CreditProfile.from_dict(p.to_dict()).to_dict()
                assert "contract_version" not in p.to_dict()

    def test_explicit_version_1(self) -> None:
        """``"contract_version": 1`` is a v1 document."""
        p = CreditProfile.from_dict({"contract_version": 1, "subject_id": "s"})
        assert p.contract_version == 1

    def test_v1_keeps_implausible_summaries(self) -> None:
        """v1 meant what it meant: the v2 plausibility rule does not apply to v1 documents."""
        doc = {
            "subject_id": "s",
            "accounts": [
                {
                    "account_id": "a",
                    "product": "credit_card",
                    "status": "open",
                    "worst_dpd_24m": 95,
                    "months_delinquent_24m": 1,
                }
            ],
        }
        assert CreditProfile.from_dict(doc).accounts[0].worst_dpd_24m == 95


# ------------------------------------------------------------------------------------------
# Versioning
# ------------------------------------------------------------------------------------------
class TestVersioning:
    def test_v2_field_in_v1_document(self) -> None:
        """A v2 field in a v1 document is refused, naming the version to declare."""
        doc = _v2(repayment_history="NNN", history_end="2025-01-31")
        del doc["contract_version"]
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict(doc)
        assert "contract v2 field" in _problems(exc)["accounts[0].repayment_history"]

    def test_v2_code_in_v1_document(self) -> None:
        """A v2 code in a v1 document is refused as such; an unknown code as unknown."""
        doc = _v2(status="frozen")
        del doc["contract_version"]
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict(doc)
        assert "contract v2 code" in _problems(exc)["accounts[0].status"]
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict(_v2(status="dormant"))
        assert "is not one of" in _problems(exc)["accounts[0].status"]

    @pytest.mark.parametrize("bad", [3, 0, "2", True, 2.0])
    def test_bad_version(self, bad: Any) -> None:
        """contract_version is the integer 1 or 2."""
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict({"contract_version": bad, "subject_id": "s"})
        assert "contract_version" in _problems(exc)

    def test_inferred_and_declared(self) -> None:
        """A profile built in Python with v2 content is v2; declaring 1 with it is refused."""
        acc = CreditAccount(account_id="a", product="bnpl", status="open")
        assert CreditProfile(subject_id="s", accounts=[acc]).contract_version == 2
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile(subject_id="s", accounts=[acc], contract_version=1)
        assert "contract_version" in _problems(exc)

    def test_every_member_has_a_v1_equivalent(self) -> None:
        """Each v2 member of a v1 enum has a documented v1 scoring equivalent."""
        assert set(V1_STATUS) == set(cc.AccountStatus)
        assert set(V1_INITIATOR) == set(cc.ClosureInitiator)
        assert set(V1_INQUIRY_KIND) == set(cc.InquiryKind)
        v1 = set(list(cc.AccountStatus)[:5])
        assert all(v in v1 for v in V1_STATUS.values())

    def test_v2_status_semantics(self) -> None:
        """Frozen and stopped lines cannot be drawn; judicial recovery is an ended account."""
        frozen = CreditAccount(account_id="a", product="credit_card", status="frozen")
        assert not frozen.is_drawable and not frozen.is_closed
        assert frozen.scoring_status is AccountStatus.SUSPENDED
        jr = CreditAccount(account_id="b", product="cash_loan", status="judicial_recovery")
        assert jr.is_closed and jr.scoring_status is AccountStatus.CHARGED_OFF
        with pytest.raises(InvalidInputError) as exc:
            CreditAccount(
                account_id="c",
                product="credit_card",
                status="not_activated",
                closed_on="2024-01-01",
            )
        assert "not_activated" in _problems(exc)["closed_on"]


# ------------------------------------------------------------------------------------------
# Repayment history
# ------------------------------------------------------------------------------------------
class TestHistory:
    def test_symbols_documented(self) -> None:
        """The PBoC symbols of the issue are all there; Metro 2 codes map onto them."""
        assert set("N*1234567CGDZB#/") <= set(HISTORY_SYMBOLS)
        assert set(METRO2_TO_SYMBOL.values()) <= set(HISTORY_SYMBOLS)

    def test_summaries_derived(self) -> None:
        """A fully known 24-month window gives the three summaries."""
        p = CreditProfile.from_dict(
            _v2(repayment_history="N" * 20 + "123N", history_end="2025-03-31")
        )
        a = p.accounts[0]
        assert (a.worst_dpd_24m, a.months_delinquent_24m, a.max_consecutive_delinquent_24m) == (
            61,
            3,
            3,
        )
        assert a.history_summary is not None and a.history_summary.known

    def test_short_history_not_derived(self) -> None:
        """A window with unknown months derives nothing (no made-up value)."""
        a = CreditProfile.from_dict(
            _v2(repayment_history="N1N", history_end="2025-03-31")
        ).accounts[0]
        assert a.worst_dpd_24m is None and a.months_delinquent_24m is None

    def test_malformed_history_names_the_month(self) -> None:
        """An unknown symbol is reported at its index, with its month."""
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict(_v2(repayment_history="NNXN9", history_end="2025-03-31"))
        probs = _problems(exc)
        assert "2025-01" in probs["accounts[0].repayment_history[2]"]
        assert "9" in probs["accounts[0].repayment_history[4]"]

    @pytest.mark.parametrize(
        ("history", "field"),
        [("N" * 61, "repayment_history"), ("", "repayment_history"), (12, "repayment_history")],
    )
    def test_bad_history_value(self, history: Any, field: str) -> None:
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict(_v2(repayment_history=history, history_end="2025-03-31"))
        assert f"accounts[0].{field}" in _problems(exc)

    def test_history_needs_its_end(self) -> None:
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict(_v2(repayment_history="NNN"))
        assert "accounts[0].history_end" in _problems(exc)

    def test_contradiction_names_the_month(self) -> None:
        """A summary that contradicts the history is refused, naming the month."""
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict(
                _v2(
                    repayment_history="N" * 20 + "N3NN",
                    history_end="2025-03-31",
                    worst_dpd_24m=10,
                    months_delinquent_24m=0,
                )
            )
        probs = _problems(exc)
        assert "2025-01" in probs["accounts[0].worst_dpd_24m"]
        assert "accounts[0].months_delinquent_24m" in probs

    def test_agreeing_summary_accepted(self) -> None:
        p = CreditProfile.from_dict(
            _v2(
                repayment_history="N" * 20 + "N3NN",
                history_end="2025-03-31",
                worst_dpd_24m=75,
                months_delinquent_24m=1,
                max_consecutive_delinquent_24m=1,
            )
        )
        assert p.accounts[0].worst_dpd_24m == 75

    def test_impossible_summary_refused(self) -> None:
        """worst_dpd_24m=95 with months_delinquent_24m=1 is impossible (95 // 31 = 3)."""
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict(_v2(worst_dpd_24m=95, months_delinquent_24m=1))
        assert "at least 3" in _problems(exc)["accounts[0].months_delinquent_24m"]

    def test_overdue_amounts_length(self) -> None:
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict(
                _v2(repayment_history="NN1", history_end="2025-03-31", overdue_amounts=[0, 5])
            )
        assert "accounts[0].overdue_amounts" in _problems(exc)

    def test_summary_of_history(self) -> None:
        s = history_summary("1234N5")
        assert (s.months, s.longest_run, s.worst_level, s.unknown) == (5, 4, 5, 18)


# ------------------------------------------------------------------------------------------
# v2 records, round trip, dates, long format
# ------------------------------------------------------------------------------------------
FULL_V2: dict[str, Any] = {
    "contract_version": 2,
    "subject_id": "s-2",
    "accounts": [
        {
            "account_id": "a1",
            "product": "overdraft",
            "status": "frozen",
            "opened_on": "2019-01-01",
            "credit_limit": 10000,
            "balance": 500,
            "classification": "special_mention",
            "liability": "joint",
            "institution_type": "bank",
            "current_overdue_amount": 300,
            "current_overdue_periods": 1,
            "first_delinquency_on": "2025-02-10",
            "last_payment_on": "2025-01-05",
            "repayment_history": "N" * 22 + "1N",
            "history_end": "2025-03-31",
            "overdue_amounts": [0] * 22 + [300, 0],
            "special_transactions": [{"kind": "extension", "on": "2024-06-01", "months": 6}],
            "limit_history": [{"on": "2025-02-01", "limit": 10000, "initiator": "platform_policy"}],
        },
        {"account_id": "a2", "product": "bnpl", "status": "closed", "closed_on": "2024-12-01"},
    ],
    "closures": [
        {
            "account_id": "a2",
            "closed_on": "2024-12-01",
            "initiator": "paid_as_agreed",
            "kind": "settlement",
        }
    ],
    "inquiries": [
        {"on": "2025-03-01", "kind": "financing_approval", "institution_type": "leasing"}
    ],
    "guarantees": [
        {"guarantee_id": "g1", "party": "enterprise", "amount": 500000, "balance": 320000}
    ],
    "public_records": [{"kind": "civil_judgment", "on": "2023-05-01", "status": "satisfied"}],
}


class TestV2Documents:
    def test_full_document(self) -> None:
        """Every v2 field reads, and writes back the same document."""
        p = CreditProfile.from_dict(FULL_V2)
        assert p.is_v2 and p.accounts[0].months_delinquent_24m == 1
        again = CreditProfile.from_dict(p.to_dict())
        assert again == p
        assert p.inquiries[0].is_hard  # financing approval counts as hard

    def test_assess_and_dates(self) -> None:
        """A v2 profile is assessed; a v2 date after as_of is refused with its path."""
        p = CreditProfile.from_dict(FULL_V2)
        assert cc.assess(p, as_of=dt.date(2025, 6, 30)).score > 0
        with pytest.raises(InvalidInputError) as exc:
            cc.assess(p, as_of=dt.date(2025, 3, 15))
        assert "accounts[0].history_end" in _problems(exc)

    def test_nested_problems_all_at_once(self) -> None:
        doc = json.loads(json.dumps(FULL_V2))
        doc["accounts"][0]["special_transactions"][0]["kind"] = "nope"
        doc["accounts"][0]["limit_history"][0]["limit"] = -1
        doc["guarantees"][0]["party"] = "martian"
        doc["public_records"][0]["kind"] = 3
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict(doc)
        probs = _problems(exc)
        assert "accounts[0].special_transactions[0].kind" in probs
        assert "accounts[0].limit_history[0].limit" in probs
        assert "guarantees[0].party" in probs
        assert "public_records[0].kind" in probs

    def test_enterprise_v2(self) -> None:
        doc = {
            "contract_version": 2,
            "enterprise_id": "e1",
            "principals": [
                {
                    "role": "legal_representative",
                    "role_since": "2024-01-01",
                    "profile": {"subject_id": "p1"},
                }
            ],
            "facilities": [{"account_id": "f1", "product": "business_loan", "status": "open"}],
            "guarantees": [{"guarantee_id": "g", "party": "enterprise", "amount": 1e6}],
            "overdue_interest": 1200,
            "advances": 0,
            "public_records": [{"kind": "tax_arrears", "on": "2024-05-01", "amount": 3000}],
        }
        e = Enterprise.from_dict(doc)
        assert e.is_v2 and e.principals[0].role_since == dt.date(2024, 1, 1)
        assert Enterprise.from_dict(e.to_dict()) == e
        v1 = {k: v for k, v in doc.items() if k in ("enterprise_id", "principals")}
        with pytest.raises(InvalidInputError) as exc:
            Enterprise.from_dict(v1)
        assert "contract v2 field" in _problems(exc)["principals[0].role_since"]

    def test_long_format_carries_v2_fields(self) -> None:
        """profiles_to_tables carries every v2 field (issue 14, item 14; the properties are in
        tests/test_columnar_v2.py) and the tables score as assess() does."""
        from credit_closure.columnar import profiles_to_tables, score_columnar

        p = CreditProfile.from_dict(FULL_V2)
        tables = profiles_to_tables([p], container="numpy")
        assert "repayment_history" in tables["accounts"] and "guarantees" in tables
        as_of = dt.date(2026, 6, 30)
        out = score_columnar(**tables, as_of=as_of)
        assert float(out["score"][0]) == cc.assess(p, as_of=as_of).score

    def test_long_format_carries_v2_codes(self) -> None:
        """v2 codes in v1 fields flow through the long format and score as assess() does."""
        from credit_closure.columnar import profiles_to_tables, score_columnar

        p = CreditProfile(
            subject_id="s",
            accounts=[
                CreditAccount(
                    account_id="a",
                    product="overdraft",
                    status="frozen",
                    credit_limit=100,
                    balance=50,
                ),
                CreditAccount(
                    account_id="b",
                    product="bnpl",
                    status="judicial_recovery",
                    closed_on="2025-01-01",
                ),
            ],
        )
        as_of = dt.date(2025, 6, 30)
        tables = profiles_to_tables([p], container="numpy")
        out = score_columnar(**tables, as_of=as_of)
        assert float(out["score"][0]) == cc.assess(p, as_of=as_of).score


@settings(max_examples=60, deadline=None)
@given(v2_profiles())
def test_v2_json_round_trip(p: CreditProfile) -> None:
    """Every v2 profile round-trips through its JSON text to an equal profile."""
    doc = p.to_dict()
    assert doc["contract_version"] == 2
    assert CreditProfile.from_dict(json.loads(json.dumps(doc))) == p


class TestSchemaV2:
    """The v2 JSON Schemas: kept with v1, copied to docs, enums in step with the model."""

    def test_files(self) -> None:
        from credit_closure._contract import json_schema

        root = Path(__file__).resolve().parent.parent
        for kind in ("profile", "enterprise"):
            for version in (1, 2):
                name = f"{kind}-v{version}.schema.json"
                assert (root / "docs" / "schema" / name).read_bytes() == (
                    root / "credit_closure" / "schema" / name
                ).read_bytes()
                assert json_schema(kind, version)["title"].endswith(f"v{version}")
        with pytest.raises(InvalidInputError):
            json_schema("profile", 3)

    def test_enums_in_step(self) -> None:
        from credit_closure._contract import json_schema

        d = json_schema("profile", 2)["$defs"]
        assert d["account"]["properties"]["status"]["enum"] == [m.value for m in AccountStatus]
        assert d["inquiry"]["properties"]["kind"]["enum"] == [m.value for m in cc.InquiryKind]
        pattern = d["account"]["properties"]["repayment_history"]["anyOf"][0]["pattern"]
        import re

        assert re.fullmatch(pattern, "".join(HISTORY_SYMBOLS))

    def test_full_document_validates(self) -> None:
        jsonschema = pytest.importorskip("jsonschema")
        from credit_closure._contract import json_schema

        jsonschema.validate(FULL_V2, json_schema("profile", 2))
        jsonschema.validate(CreditProfile.from_dict(FULL_V2).to_dict(), json_schema("profile", 2))


# ------------------------------------------------------------------------------------------
# Date of first delinquency before the opening: collected and purchased debts only
# ------------------------------------------------------------------------------------------
class TestFirstDelinquencyBeforeOpening:
    """A collector's or debt buyer's tradeline opens when it takes the debt over; its date of
    first delinquency is the original creditor's, earlier. The contract accepts that order on
    a ``collection_agency`` account and refuses it on any other."""

    ACC: ClassVar[dict[str, Any]] = {
        "product": "other",
        "status": "charged_off",
        "opened_on": "2024-04-01",
        "first_delinquency_on": "2023-09-15",
    }

    def test_collection_agency_accepted(self) -> None:
        doc = _v2(**self.ACC, institution_type="collection_agency")
        p = CreditProfile.from_dict(doc)
        assert p.accounts[0].first_delinquency_on == dt.date(2023, 9, 15)
        assert CreditProfile.from_dict(p.to_dict()) == p
        direct = CreditAccount(account_id="a", institution_type="collection_agency", **self.ACC)
        assert direct.first_delinquency_on < direct.opened_on

    @pytest.mark.parametrize("institution", [None, "bank", "consumer_finance", "other"])
    def test_other_accounts_refused(self, institution: str | None) -> None:
        extra = {} if institution is None else {"institution_type": institution}
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict(_v2(**self.ACC, **extra))
        assert _problems(exc) == {
            "accounts[0].first_delinquency_on": "is before opened_on 2024-04-01 (allowed only "
            "on a debt collector's or debt buyer's account: institution_type "
            "'collection_agency')"
        }
        with pytest.raises(InvalidInputError):
            CreditAccount(account_id="a", **extra, **self.ACC)

    def test_columnar_agrees(self) -> None:
        """The long format applies the same rule (columnar parity)."""
        import numpy as np

        from credit_closure.columnar import profiles_to_tables, score_columnar

        ok = CreditProfile.from_dict(_v2(**self.ACC, institution_type="collection_agency"))
        as_of = dt.date(2025, 12, 31)
        tables = profiles_to_tables([ok], container="numpy")
        got = score_columnar(**tables, as_of=as_of)
        assert float(np.asarray(got["score"])[0]) == cc.assess(ok, as_of=as_of).score
        tables["accounts"]["institution_type"] = np.array(["bank"], dtype=object)
        with pytest.raises(InvalidInputError) as exc:
            score_columnar(**tables, as_of=as_of)
        assert "first_delinquency_on" in str(exc.value)
        assert "is before opened_on" in str(exc.value)


# ------------------------------------------------------------------------------------------
# Currency: one per profile, stated as an ISO 4217 code (v2)
# ------------------------------------------------------------------------------------------
class TestCurrency:
    def test_stated_and_round_trips(self) -> None:
        doc = {**_v2(credit_limit=1000), "currency": "CNY"}
        p = CreditProfile.from_dict(doc)
        assert p.currency == "CNY" and p.is_v2
        assert p.to_dict()["currency"] == "CNY"
        assert CreditProfile.from_dict(p.to_dict()) == p
        assert CreditProfile(subject_id="s", currency="USD").contract_version == 2

    @pytest.mark.parametrize("bad", ["cny", "RMB1", "人民币", "", "EU", 156])
    def test_not_a_code(self, bad: Any) -> None:
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict({**_v2(), "currency": bad})
        ((path, message),) = exc.value.problems
        assert path == "currency"
        if isinstance(bad, str):
            assert message.startswith("must be an ISO 4217 currency code of three capital")
        else:
            assert message == "must be a string (got number)"

    def test_v1_document_refuses_it(self) -> None:
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict({"subject_id": "s", "currency": "CNY"})
        assert _problems(exc) == {
            "currency": 'is a contract v2 field; declare "contract_version": 2 in the document'
        }

    def test_long_format_refuses_it_by_name(self) -> None:
        from credit_closure.columnar import profiles_to_tables

        p = CreditProfile.from_dict({**_v2(), "currency": "CNY"})
        with pytest.raises(InvalidInputError) as exc:
            profiles_to_tables([p], container="numpy")
        assert [path for path, _ in exc.value.problems] == ["profiles[0].currency"]

    def test_pboc_adapter_states_one_currency_and_refuses_two(self) -> None:
        from credit_closure.adapters import from_pboc

        card = {"account_number": "c1", "status": "正常", "credit_limit": 20000,
                "used_amount": 3000, "opened_on": "2019-05-10", "currency": "人民币元"}  # fmt: skip
        report = {"credit_transactions": {"credit_cards": [card]}}
        assert from_pboc(report, subject_id="s").profile.currency == "CNY"
        usd = {**card, "account_number": "c2", "currency": "美元"}
        report = {"credit_transactions": {"credit_cards": [card, usd]}}
        with pytest.raises(InvalidInputError) as exc:
            from_pboc(report, subject_id="s")
        assert [path for path, _ in exc.value.problems] == [
            "credit_transactions.credit_cards[1].currency"
        ]
        assert "is USD but credit_transactions.credit_cards[0].currency is CNY" in str(exc.value)
