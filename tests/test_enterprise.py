"""The enterprise financing view: gates (R11), weights, attribution and what-if
(DOMAIN.md §4, §9 R11, F22)."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest

from credit_closure import (
    CreditProfile,
    Enterprise,
    EnterpriseAssessment,
    EnterprisePolicy,
    InvalidInputError,
    Principal,
    ScoreResult,
    assess,
    what_if,
)
from credit_closure._scoring import CompanyRule, company_weights
from credit_closure.cli import main

AS_OF = "2025-12-31"


def clean(sid, balance=2000):
    return CreditProfile.from_dict(
        {
            "subject_id": sid,
            "accounts": [
                {
                    "account_id": "cc",
                    "product": "credit_card",
                    "status": "open",
                    "opened_on": "2012-01-01",
                    "credit_limit": 20000,
                    "balance": balance,
                    "worst_dpd_24m": 0,
                    "months_delinquent_24m": 0,
                    "max_consecutive_delinquent_24m": 0,
                }
            ],
        }
    )


def abnormal(sid):
    """A profile with a charged-off loan (bad debt, R5)."""
    return CreditProfile.from_dict(
        {
            "subject_id": sid,
            "accounts": [
                {
                    "account_id": "cc",
                    "product": "credit_card",
                    "status": "open",
                    "opened_on": "2012-01-01",
                    "credit_limit": 20000,
                    "balance": 2000,
                },
                {
                    "account_id": "ln",
                    "product": "installment",
                    "status": "charged_off",
                    "opened_on": "2021-01-01",
                    "closed_on": "2024-03-31",
                    "balance": 9000,
                },
            ],
        }
    )


def lian3lei6(sid):
    """A profile with 3 consecutive overdue months in 24 (连三累六, R9)."""
    return CreditProfile.from_dict(
        {
            "subject_id": sid,
            "accounts": [
                {
                    "account_id": "cc",
                    "product": "credit_card",
                    "status": "open",
                    "opened_on": "2012-01-01",
                    "credit_limit": 20000,
                    "balance": 2000,
                    "worst_dpd_24m": 90,
                    "months_delinquent_24m": 3,
                    "max_consecutive_delinquent_24m": 3,
                }
            ],
        }
    )


def ent(*principals, attributes=None):
    return Enterprise(
        enterprise_id="e-1",
        attributes=attributes or {},
        principals=[
            Principal(role=role, stake=stake, profile=profile)
            for role, stake, profile in principals
        ],
    )


class TestGates:
    def test_legal_rep_with_abnormal_termination_refers(self):
        """A legal representative with bad debt (R5) sends the company to refer."""
        ea = assess(
            ent(
                ("legal_representative", 0.6, abnormal("p-lr")), ("shareholder", 0.4, clean("p-sh"))
            ),
            as_of=AS_OF,
        )
        assert isinstance(ea, EnterpriseAssessment)
        assert ea.decision in ("refer", "decline")
        (g,) = ea.gates
        assert (g.rule, g.personal_rule, g.subject_id, g.role, g.action, g.trigger) == (
            "R11",
            "R5",
            "p-lr",
            "legal_representative",
            "refer",
            "trigger",
        )
        assert "SBA-20PCT" in g.sources and "PBOC-CONF" in g.sources

    def test_gate_raises_an_approved_score_to_refer(self):
        """When the cutoffs alone approve, the gate still makes it refer."""
        policy = EnterprisePolicy(legal_rep_weight=0.05)
        ea = policy.assess(
            ent(
                ("legal_representative", None, abnormal("p-lr")),
                ("shareholder", 0.9, clean("p-sh", balance=0)),
            ),
            as_of=AS_OF,
        )
        assert ea.score_decision == "approve" and ea.decision == "refer"

    def test_twenty_percent_owner_with_lian3lei6_refers(self):
        """A 20% shareholder with 连三累六 (R9) gates the company."""
        ea = EnterprisePolicy(legal_rep_weight=0.9).assess(
            ent(
                ("legal_representative", 0.5, clean("p-lr", balance=0)),
                ("shareholder", 0.2, lian3lei6("p-20")),
            ),
            as_of=AS_OF,
        )
        assert [(g.personal_rule, g.subject_id) for g in ea.gates] == [("R9", "p-20")]
        assert ea.decision == "refer"

    def test_nineteen_percent_owner_does_not_gate(self):
        """A 19% shareholder's red flag is not a gate; the cutoffs decide."""
        ea = EnterprisePolicy(legal_rep_weight=0.9).assess(
            ent(
                ("legal_representative", 0.5, clean("p-lr", balance=0)),
                ("shareholder", 0.19, lian3lei6("p-19")),
            ),
            as_of=AS_OF,
        )
        assert ea.gates == ()
        assert ea.decision == ea.score_decision
        assert not ea.principal("p-19").major

    @pytest.mark.parametrize("role", ["guarantor", "actual_controller"])
    def test_guarantor_and_controller_gate_without_stake(self, role):
        """A guarantor or actual controller gates whatever its stake."""
        ea = assess(
            ent(("legal_representative", 1.0, clean("p-lr")), (role, None, abnormal("p-g"))),
            as_of=AS_OF,
        )
        assert [(g.role, g.subject_id) for g in ea.gates] == [(role, "p-g")]

    def test_unknown_stake_shareholder_is_major(self):
        """A shareholder whose stake is not given is treated as a major owner."""
        ea = assess(
            ent(
                ("legal_representative", None, clean("p-lr")),
                ("shareholder", None, abnormal("p-x")),
            ),
            as_of=AS_OF,
        )
        assert [g.subject_id for g in ea.gates] == ["p-x"]

    def test_gate_action_decline(self):
        """A policy with gate_action decline declines the company."""
        ea = EnterprisePolicy(gate_action="decline").assess(
            ent(("legal_representative", 1.0, abnormal("p-lr"))), as_of=AS_OF
        )
        assert ea.decision == "decline" and ea.gates[0].action == "decline"

    def test_gate_on_feature_when_scorer_has_no_trigger(self):
        """A scorer without triggers is gated on the feature behind R5."""

        class Flat:
            credit_closure_api = 1
            version = "flat-1"

            def score(self, profile, as_of):
                return ScoreResult(probability_of_default=0.01)

        ea = assess(
            ent(("legal_representative", 1.0, abnormal("p-lr"))), scorer=Flat(), as_of=AS_OF
        )
        (g,) = ea.gates
        assert (g.personal_rule, g.trigger) == ("R5", "feature")
        assert "n_adverse_endings = 1" in g.evidence  # policy v2: the R5 gate feature
        assert ea.decision == "refer"

    def test_clean_principals_have_no_gate(self):
        """Clean principals give no gate and no company reason."""
        ea = assess(
            ent(("legal_representative", 0.7, clean("a")), ("shareholder", 0.3, clean("b"))),
            as_of=AS_OF,
        )
        assert ea.gates == () and ea.company_reasons == ()


class TestWeights:
    def test_legal_rep_weighs_half_and_others_by_stake(self):
        """Legal rep 0.5; shareholders 0.3 and 0.1 share the other half 3:1."""
        w = company_weights(
            ["legal_representative", "shareholder", "shareholder"],
            [0.6, 0.3, 0.1],
            EnterprisePolicy.v1(),
        )
        assert w == pytest.approx([0.5, 0.375, 0.125])
        # policy v2 (control): raw weights are the stakes here
        w2 = company_weights(
            ["legal_representative", "shareholder", "shareholder"],
            [0.6, 0.3, 0.1],
            EnterprisePolicy(),
        )
        assert w2 == pytest.approx([0.6, 0.3, 0.1])

    def test_guarantor_without_stake_takes_the_unstaked_weight(self):
        """A guarantor without stake counts 0.1 against a 0.4 stake."""
        w = company_weights(
            ["legal_representative", "shareholder", "guarantor"],
            [None, 0.4, None],
            EnterprisePolicy.v1(),
        )
        assert w == pytest.approx([0.5, 0.4, 0.1])
        # policy v2 (control): the nominee legal rep and the guarantor both floor at 0.1
        w2 = company_weights(
            ["legal_representative", "shareholder", "guarantor"],
            [None, 0.4, None],
            EnterprisePolicy(),
        )
        assert w2 == pytest.approx([1 / 6, 4 / 6, 1 / 6])

    def test_legal_rep_weight_is_configurable(self):
        """legal_rep_weight 0.8 leaves 0.2 to the others."""
        w = company_weights(
            ["shareholder", "legal_representative"],
            [0.5, 0.5],
            EnterprisePolicy(weighting="legal_rep_share", legal_rep_weight=0.8),
        )
        assert w == pytest.approx([0.2, 0.8])

    def test_control_weights_actual_controller_over_nominee(self):
        """Policy v2: a 90 % actual controller outweighs a nominee legal representative with
        no stake (0.9 vs 0.1), where version 1 gave them 0.5 each."""
        roles = ["legal_representative", "actual_controller"]
        assert company_weights(roles, [None, 0.9], EnterprisePolicy()) == pytest.approx([0.1, 0.9])
        assert company_weights(roles, [None, 0.9], EnterprisePolicy.v1()) == pytest.approx(
            [0.5, 0.5]
        )
        # an actual controller without a recorded stake still floors at 0.5
        assert company_weights(roles, [None, None], EnterprisePolicy()) == pytest.approx(
            [0.1 / 0.6, 0.5 / 0.6]
        )

    def test_control_weights_are_configurable_and_checked(self):
        pol = EnterprisePolicy(role_weights={"legal_representative": 0.4})
        assert company_weights(["legal_representative", "shareholder"], [None, 0.4], pol) == (
            pytest.approx([0.5, 0.5])
        )
        with pytest.raises(InvalidInputError) as info:
            EnterprisePolicy(weighting="equal", role_weights={"boss": 0.3, "guarantor": 2})
        paths = [p for p, _ in info.value.problems]
        assert paths == ["weighting", "role_weights['boss']", "role_weights['guarantor']"]
        assert EnterprisePolicy() == EnterprisePolicy() and hash(EnterprisePolicy())

    def test_without_legal_rep_stakes_share_everything(self):
        """Without a legal representative the stakes are normalised to 1."""
        w = company_weights(["shareholder", "shareholder"], [0.6, 0.2], EnterprisePolicy())
        assert w == pytest.approx([0.75, 0.25])

    def test_lone_legal_rep_weighs_one(self):
        """A single legal representative carries all the weight."""
        assert company_weights(["legal_representative"], [None], EnterprisePolicy()) == [1.0]

    def test_aggregate_is_the_weighted_mean_and_worst_is_reported(self):
        """The aggregate score is the weighted mean; the worst major principal is F22."""
        e = ent(
            ("legal_representative", 0.5, clean("lr", balance=15000)),
            ("shareholder", 0.3, clean("s1", balance=0)),
            ("shareholder", 0.1, lian3lei6("s2")),
        )
        ea = EnterprisePolicy.v1().assess(e, as_of=AS_OF)  # the version-1 weighting
        scores = [p.score for p in ea.principals]
        assert [p.weight for p in ea.principals] == pytest.approx([0.5, 0.375, 0.125])
        assert ea.score == pytest.approx(
            math.fsum(w * s for w, s in zip([0.5, 0.375, 0.125], scores))
        )
        # s2 holds 10%: not major, so the worst major principal is the legal rep
        assert ea.worst_subject_id == "lr" and ea.worst_score == pytest.approx(scores[0])
        assert ea.principal("s2").score < ea.worst_score


class TestAttribution:
    def test_company_reasons_empty_without_company_rules(self):
        """Company attributes alone never produce a company reason."""
        ea = assess(
            ent(
                ("legal_representative", 1.0, clean("a")),
                attributes={"debt_ratio": 0.95, "industry": "retail"},
            ),
            as_of=AS_OF,
        )
        assert ea.company_reasons == ()
        assert dict(ea.company_attributes) == {"debt_ratio": 0.95, "industry": "retail"}

    def test_company_rule_gives_a_company_reason_and_gate(self):
        """A company rule over an attribute gives a company reason and a traceable gate."""
        rule = CompanyRule(
            id="C1",
            attribute="debt_ratio",
            above=0.7,
            action="refer",
            code="COMPANY_DEBT_RATIO_HIGH",
            message="Company debt ratio above 70%",
            message_zh="企业资产负债率高于70%",
            sources=("LKL-4084",),
        )
        pol = EnterprisePolicy(company_rules=[rule])
        e = ent(
            ("legal_representative", 1.0, clean("a", balance=0)), attributes={"debt_ratio": 0.8}
        )
        ea = pol.assess(e, as_of=AS_OF)
        (r,) = ea.company_reasons
        assert (r.rule, r.attribute, r.value) == ("C1", "debt_ratio", 0.8)
        assert [(g.rule, g.role, g.subject_id) for g in ea.gates] == [("C1", "company", None)]
        assert ea.decision == "refer"
        assert (
            pol.assess(
                ent(
                    ("legal_representative", 1.0, clean("a", balance=0)),
                    attributes={"debt_ratio": 0.5},
                ),
                as_of=AS_OF,
            ).company_reasons
            == ()
        )

    def test_principal_reasons_are_attributed(self):
        """Each personal reason is listed under its principal's role and id."""
        ea = assess(
            ent(("legal_representative", 0.6, lian3lei6("lr")), ("shareholder", 0.4, clean("sh"))),
            as_of=AS_OF,
        )
        attributed = ea.attributed_reasons()
        assert attributed and all(r.source == "principal" for r in attributed)
        assert {(r.role, r.subject_id) for r in attributed} == {("legal_representative", "lr")}
        assert "SERIOUS_DELINQUENCY_PATTERN" in {r.code for r in attributed}

    def test_to_dict_and_render(self):
        """to_dict is JSON; render works in English and Chinese and rejects other languages."""
        ea = assess(ent(("legal_representative", 1.0, abnormal("p-lr"))), as_of=AS_OF)
        d = json.loads(json.dumps(ea.to_dict()))
        assert (
            d["gates"][0]["subject_id"] == "p-lr"
            and d["principals"][0]["role"] == "legal_representative"
        )
        assert "p-lr" in ea.render("en") and "法定代表人" in ea.render("zh")
        with pytest.raises(InvalidInputError):
            ea.render("fr")

    def test_summary_properties_follow_the_principals(self):
        """closure_impact is the weighted sum; triggers mirror the gates; reasons are company's."""
        ea = assess(
            ent(("legal_representative", 0.6, abnormal("lr")), ("shareholder", 0.4, clean("sh"))),
            as_of=AS_OF,
        )
        assert ea.subject_id == "e-1"
        assert ea.closure_impact == pytest.approx(
            sum(p.weight * p.assessment.closure_impact for p in ea.principals)
        )
        assert [(t.code, t.action, t.rule) for t in ea.triggers] == [
            (g.code, g.action, g.rule) for g in ea.gates
        ]
        assert ea.reasons == ()

    def test_principal_dated_after_as_of_is_reported_with_path(self):
        """A principal's date after as_of is reported under principals[i].profile."""
        e = ent(("legal_representative", 1.0, clean("a")), ("guarantor", None, abnormal("b")))
        with pytest.raises(InvalidInputError) as exc:
            assess(e, as_of="2024-01-01")
        assert any(p.startswith("principals[1].profile.accounts[1]") for p, _ in exc.value.problems)

    def test_bad_policy_lists_problems(self):
        """An invalid policy raises InvalidInputError naming every field."""
        with pytest.raises(InvalidInputError) as exc:
            EnterprisePolicy(
                legal_rep_weight=1.5, gate_stake=-1, gate_action="approve", gate_roles=["boss"]
            )
        assert {p for p, _ in exc.value.problems} == {
            "legal_rep_weight",
            "gate_stake",
            "gate_action",
            "gate_roles[0]",
        }


def _open_lines(sid):
    return CreditProfile.from_dict(
        {
            "subject_id": sid,
            "accounts": [
                {
                    "account_id": "hb",
                    "product": "revolving_consumer",
                    "status": "open",
                    "opened_on": "2019-01-01",
                    "credit_limit": 20000,
                    "balance": 0,
                },
                {
                    "account_id": "cc",
                    "product": "credit_card",
                    "status": "open",
                    "opened_on": "2016-01-01",
                    "credit_limit": 10000,
                    "balance": 4000,
                },
            ],
        }
    )


class TestWhatIf:
    def test_legal_rep_closing_a_line_moves_the_company(self):
        """The company's score moves by the legal rep's weight times the personal change."""
        e = ent(("legal_representative", 0.6, _open_lines("lr")), ("shareholder", 0.4, clean("sh")))
        w = what_if(e, close="hb", principal="lr", on="2025-06-30")
        assert w.roles == ("legal_representative",) and w.closed == ("hb",)
        assert w.principal_delta < 0
        # policy v2 (control): the legal rep's 0.6 stake is their weight
        assert w.delta == pytest.approx(0.6 * w.principal_delta)
        assert [m.code for m in w.moved] == ["UTILIZATION_HIGH"]
        assert w.before.principal("sh").score == w.after.principal("sh").score
        json.dumps(w.to_dict())

    def test_principal_must_be_named_when_several(self):
        """With several principals, principal= is required and must exist."""
        e = ent(("legal_representative", 0.6, _open_lines("lr")), ("shareholder", 0.4, clean("sh")))
        with pytest.raises(InvalidInputError) as exc:
            what_if(e, close="hb", on="2025-06-30")
        assert exc.value.problems[0][0] == "principal"
        with pytest.raises(InvalidInputError):
            what_if(e, close="hb", principal="nobody", on="2025-06-30")

    def test_unknown_account_is_reported(self):
        """Closing an account the principal does not have is an input problem."""
        e = ent(("legal_representative", 1.0, _open_lines("lr")))
        with pytest.raises(InvalidInputError) as exc:
            what_if(e, close="zz", on="2025-06-30")
        assert exc.value.problems[0][0] == "close[0]"

    def test_principal_is_only_for_enterprises(self):
        """principal= with a personal profile is refused."""
        with pytest.raises(InvalidInputError):
            what_if(_open_lines("lr"), close="hb", principal="lr", on="2025-06-30")

    def test_same_subject_in_two_roles_closes_in_both(self):
        """A legal rep who is also a shareholder closes the line in both entries."""
        prof = _open_lines("lr")
        e = ent(
            ("legal_representative", None, prof),
            ("shareholder", 0.5, prof),
            ("shareholder", 0.5, clean("sh")),
        )
        w = what_if(e, close="hb", principal="lr", on="2025-06-30")
        assert w.roles == ("legal_representative", "shareholder")
        after = [p.score for p in w.after.principals if p.subject_id == "lr"]
        assert after[0] == after[1] < w.before.principal("lr").score


class TestCli:
    def test_assess_enterprise_example(self, capsys):
        """`credit-closure assess` renders the example enterprise with its gate."""
        assert (
            main(["assess", "examples/enterprise/01_legal_rep_closures.json", "--as-of", AS_OF])
            == 0
        )
        out = capsys.readouterr().out
        assert "R11" in out and "p-8b27" in out and "REFER" in out

    def test_assess_enterprise_json(self, capsys):
        """--json prints the enterprise assessment's to_dict()."""
        assert (
            main(
                [
                    "assess",
                    "examples/enterprise/01_legal_rep_closures.json",
                    "--as-of",
                    AS_OF,
                    "--json",
                ]
            )
            == 0
        )
        d = json.loads(capsys.readouterr().out)
        assert d["enterprise_id"] == "e-3c51" and d["decision"] == "refer"
        assert d["company_reasons"] == []
        assert dt.date.fromisoformat(d["as_of"]) == dt.date(2025, 12, 31)

    def test_what_if_cli_with_a_one_principal_enterprise(self, tmp_path, capsys):
        """`credit-closure what-if` on a one-principal enterprise prints the company's change."""
        doc = json.load(open("examples/enterprise/01_legal_rep_closures.json", encoding="utf-8"))
        doc["principals"] = doc["principals"][:1]
        f = tmp_path / "one.json"
        f.write_text(json.dumps(doc), encoding="utf-8")
        assert main(["what-if", str(f), "--close", "cc1", "--on", AS_OF]) == 0
        out = capsys.readouterr().out
        # policy v2: the closed card keeps its limit while it owes (util_revolving), so the
        # move is the balance left on a closed account
        assert "e-3c51" in out and "CLOSED_WITH_BALANCE" in out


def test_chinese_render_has_chinese_gate_evidence() -> None:
    """In Chinese, a gate's evidence reads in Chinese (codes and rule ids stay as they are)."""
    import json as _json
    import pathlib as _pathlib

    from credit_closure import Enterprise
    from credit_closure import assess as _assess

    root = _pathlib.Path(__file__).resolve().parent.parent
    doc = _json.loads(
        (root / "examples" / "enterprise" / "01_legal_rep_closures.json").read_text("utf-8")
    )
    ea = _assess(Enterprise.from_dict(doc), as_of="2025-12-31")
    text = ea.render("zh")
    assert ea.gates and "个人触发规则" in text and "personal trigger" not in text
