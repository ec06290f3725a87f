"""Guarantees the company gave as a factor of the enterprise view (policy v2, issue 15 item 10)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import Enterprise, EnterprisePolicy, InvalidInputError, assess
from credit_closure._scoring.enterprise_guarantees import guarantee_exposure

AS_OF = "2025-01-01"
CARD = {"account_id": "c", "product": "credit_card", "status": "open",
        "opened_on": "2015-01-01", "credit_limit": 10000, "balance": 1000}  # fmt: skip


def _ent(guarantees: list[dict[str, Any]], facilities: Any = None, **extra: Any) -> Enterprise:
    if facilities is None:
        facilities = [{"account_id": "f", "product": "installment", "status": "open",
                       "credit_limit": 1000000, "balance": 600000}]  # fmt: skip
    doc = {"contract_version": 2, "enterprise_id": "e", "facilities": facilities,
           "principals": [{"role": "legal_representative", "stake": 1.0,
                           "profile": {"subject_id": "p", "accounts": [CARD]}}],
           "guarantees": guarantees, **extra}  # fmt: skip
    return Enterprise.from_dict(doc)


def _g(gid: str = "g", **kw: Any) -> dict[str, Any]:
    return {"guarantee_id": gid, "party": "enterprise", **kw}


def _codes(a: Any) -> list[str]:
    return [g.code for g in a.gates]


class TestExposure:
    def test_no_guarantees_no_factor(self) -> None:
        """No guarantee on the report: no exposure, nothing in to_dict, approve."""
        a = assess(_ent([]), as_of=AS_OF)
        assert a.guarantee_exposure is None and "guarantee_exposure" not in a.to_dict()
        assert a.decision == "approve" and a.gates == ()

    def test_ratio_against_open_facilities(self) -> None:
        """Balance (or amount when no balance) over open facilities' limits (or balances)."""
        fac = [{"account_id": "f1", "product": "installment", "status": "open",
                "credit_limit": 400000, "balance": 100},
               {"account_id": "f2", "product": "installment", "status": "open", "balance": 100000},
               {"account_id": "f3", "product": "installment", "status": "closed",
                "credit_limit": 9e6, "balance": 0, "closed_on": "2024-01-01"}]  # fmt: skip
        gs = [_g("a", amount=900, balance=200000), _g("b", amount=50000),
              _g("c", amount=70000, status="closed")]  # fmt: skip
        x = guarantee_exposure(_ent(gs, fac))
        assert x is not None
        assert (x.outstanding, x.base_amount) == (250000.0, 500000.0) and x.ratio == 0.5

    def test_high_ratio_refers(self) -> None:
        a = assess(_ent([_g(balance=1500000)]), as_of=AS_OF)
        assert a.decision == "refer" and _codes(a) == ["GUARANTEES_HIGH"]
        g = a.gates[0]
        assert (g.rule, g.role, g.trigger, g.subject_id) == (
            "G1",
            "company",
            "company_guarantees",
            None,
        )
        assert [r.code for r in a.company_reasons] == ["GUARANTEES_HIGH"]
        assert a.score_decision == "approve"  # a gate, never a score change

    def test_at_the_limit_does_not_refer(self) -> None:
        assert _codes(assess(_ent([_g(balance=1000000)]), as_of=AS_OF)) == []

    def test_no_facilities_is_infinite(self) -> None:
        a = assess(_ent([_g(balance=1)], facilities=[]), as_of=AS_OF)
        assert a.guarantee_exposure is not None and math.isinf(a.guarantee_exposure.ratio or 0)
        assert _codes(a) == ["GUARANTEES_HIGH"]
        d = a.to_dict()["guarantee_exposure"]
        assert d["ratio"] is None and d["ratio_infinite"] is True

    def test_net_assets_base(self) -> None:
        """Against the company's net assets, the practitioner rule (50%) can be set."""
        pol = EnterprisePolicy(guarantee_base="net_assets", guarantee_ratio_above=0.5)
        e = _ent([_g(balance=600000)], attributes={"net_assets": 1000000})
        a = pol.assess(e, as_of=AS_OF)
        assert a.guarantee_exposure is not None and a.guarantee_exposure.ratio == 0.6
        assert _codes(a) == ["GUARANTEES_HIGH"]
        assert "guarantees_to_net_assets" in a.gates[0].evidence
        # net assets unknown: no ratio, no gate
        assert _codes(pol.assess(_ent([_g(balance=600000)]), as_of=AS_OF)) == []

    def test_switched_off(self) -> None:
        pol = EnterprisePolicy(guarantee_ratio_above=None, adverse_guarantee_gate=False)
        e = _ent([_g(balance=5e6, classification="loss")])
        assert pol.assess(e, as_of=AS_OF).gates == ()
        assert EnterprisePolicy.v1().assess(e, as_of=AS_OF).gates == ()


class TestAdverse:
    @pytest.mark.parametrize(
        "kw",
        [{"classification": "substandard"}, {"classification": "doubtful"},
         {"classification": "loss"}, {"status": "charged_off"}, {"status": "overdue"},
         {"status": "judicial_recovery"}, {"overdue_amount": 10}],
    )  # fmt: skip
    def test_adverse_refers(self, kw: dict[str, Any]) -> None:
        a = assess(_ent([_g(balance=1000, **kw)]), as_of=AS_OF)
        assert _codes(a) == ["GUARANTEE_ADVERSE"] and a.decision == "refer"
        assert a.gates[0].sources == ("ZX-TIAOLI", "PBOC-CONF")

    @pytest.mark.parametrize(
        "kw", [{"classification": "normal"}, {"classification": "special_mention"},
               {"status": "open"}, {"overdue_amount": 0}]
    )  # fmt: skip
    def test_not_adverse(self, kw: dict[str, Any]) -> None:
        """关注 (special mention) alone is not adverse; neither is a performing debt."""
        assert _codes(assess(_ent([_g(balance=1000, **kw)]), as_of=AS_OF)) == []

    def test_decline_action(self) -> None:
        pol = EnterprisePolicy(gate_action="decline")
        a = pol.assess(_ent([_g(balance=1000, classification="loss")]), as_of=AS_OF)
        assert a.decision == "decline"

    def test_render_both_languages(self) -> None:
        a = assess(_ent([_g(balance=1000, classification="loss")]), as_of=AS_OF)
        assert "GUARANTEE_ADVERSE" in a.render("en") and "企业担保的债务" in a.render("zh")


class TestPolicyChecks:
    def test_bad_settings_all_reported(self) -> None:
        with pytest.raises(InvalidInputError) as ei:
            EnterprisePolicy(
                guarantee_ratio_above=-1,
                guarantee_base="equity",
                adverse_guarantee_gate=1,  # type: ignore[arg-type]
            )
        fields = {p for p, _ in ei.value.problems}
        assert {"guarantee_ratio_above", "guarantee_base", "adverse_guarantee_gate"} <= fields

    def test_v1_policy_writes_as_before(self) -> None:
        d = EnterprisePolicy.v1().to_dict()
        assert not {"guarantee_ratio_above", "guarantee_base", "adverse_guarantee_gate"} & set(d)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(0, 1e7)),
            st.sampled_from([None, "normal", "special_mention", "substandard", "loss"]),
        ),
        max_size=5,
    )
)
def test_guarantees_never_move_the_score(rows: list[tuple[float | None, str | None]]) -> None:
    """Guarantees gate and explain; they never change the aggregate score."""
    gs = [_g(f"g{i}", balance=b, **({"classification": c} if c else {}))
          for i, (b, c) in enumerate(rows)]  # fmt: skip
    base = assess(_ent([]), as_of=AS_OF)
    a = assess(_ent(gs), as_of=AS_OF)
    assert a.score == base.score and a.score_decision == base.score_decision
    assert set(_codes(a)) <= {"GUARANTEES_HIGH", "GUARANTEE_ADVERSE"}
