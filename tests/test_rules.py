"""The points scale, the rule policy format and the default policy's behaviour."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import pathlib
from typing import Any

import pytest
from _helpers import (
    DEFAULT_POLICY,
    REFERENCE_ARTIFACT,
)
from hypothesis import given
from hypothesis import strategies as st
from strategies import two_rules_on_one_feature_policy

from credit_closure import (
    InvalidInputError,
    PolicyError,
    RulePolicy,
    RuleScorer,
    Scale,
    assess,
)
from credit_closure._scoring import DEFAULT_POLICY_FILE

DEFAULT_DOC = json.loads(pathlib.Path(DEFAULT_POLICY_FILE).read_text(encoding="utf-8"))
#: The opt-in R8 rule exactly as docs/default-policy.md shows it.
R8_OPT_IN: dict[str, Any] = json.loads(
    pathlib.Path(__file__)
    .parent.parent.joinpath("docs", "default-policy.md")
    .read_text(encoding="utf-8")
    .split("<!-- R8 opt-in -->")[1]
    .split("```json")[1]
    .split("```")[0]
)


def owed_factor() -> float:
    """Points per unit of log-odds on the default scale."""
    return RuleScorer().scale.factor


class TestScale:
    """Probability <-> points."""

    def test_known_factor_and_offset(self) -> None:
        """600 at 50:1 with PDO 20: factor 28.8539, offset 487.1229 (PDO-RDRR)."""
        s = Scale()
        assert round(s.factor, 4) == 28.8539 and round(s.offset, 4) == 487.1229
        assert s.points(1 / 51) == pytest.approx(600.0, abs=1e-9)
        assert s.points(1 / 101) == pytest.approx(620.0, abs=1e-9)

    @given(st.floats(1e-6, 0.99))
    def test_inverse(self, p: float) -> None:
        """probability(points(p)) == p inside the range."""
        s = Scale()
        assert s.probability(s.points(p)) == pytest.approx(p, rel=1e-9, abs=1e-12)

    @given(st.floats(0, 1), st.floats(0, 1))
    def test_monotone_and_bounded(self, p: float, q: float) -> None:
        """Higher probability never scores higher; scores stay in range."""
        s = Scale()
        lo, hi = min(p, q), max(p, q)
        assert s.points(hi) <= s.points(lo)
        assert s.min_score <= s.points(p) <= s.max_score

    def test_bands_and_decisions(self) -> None:
        """Bands by score; decisions by cutoffs."""
        s = Scale()
        assert [s.band(x) for x in (700, 600, 575, 545, 300)] == ["A", "B", "C", "D", "E"]
        assert [s.decide(x) for x in (580, 579.9, 530, 529.9)] == [
            "approve",
            "refer",
            "refer",
            "decline",
        ]

    def test_invalid_scale(self) -> None:
        """Bad parameters are all reported."""
        with pytest.raises(InvalidInputError) as info:
            Scale(pdo=0, base_odds=-1, decline_below=700)
        assert {p for p, _ in info.value.problems} == {"pdo", "base_odds", "decline_below"}

    def test_round_trip(self) -> None:
        """to_dict/from_dict round trip."""
        s = Scale(pdo=40, approve_at=600)
        assert Scale.from_dict(json.loads(json.dumps(s.to_dict()))) == s


class TestPolicyFormat:
    """Policies are data, validated with paths that name the rule."""

    def test_default_loads(self) -> None:
        """The shipped policy loads and names its version."""
        assert RuleScorer().version == "default@2026.12.0"

    def test_every_rule_documented(self) -> None:
        """Each default rule has a title, rationale and DOMAIN.md source keys."""
        for r in DEFAULT_DOC["rules"]:
            assert r["title"] and r["rationale"] and r["sources"], r["id"]

    def test_errors_name_the_rule(self) -> None:
        """A malformed rule is reported with its index and id, every problem at once."""
        doc = copy.deepcopy(DEFAULT_DOC)
        i5 = [r["id"] for r in doc["rules"]].index("R5")
        doc["rules"][i5]["steps"][0]["log_odds"] = "big"
        doc["rules"][0]["feature"] = "shoe_size"
        doc["rules"][1]["trigger"] = {"action": "explode"}
        doc["format_version"] = 2
        with pytest.raises(PolicyError) as info:
            RulePolicy.from_dict(doc)
        paths = [p for p, _ in info.value.problems]
        assert f"rules[{i5}] (R5).steps[0].log_odds" in paths
        assert "rules[0] (R2).feature" in paths
        assert "rules[1] (R2b).trigger.action" in paths
        assert "format_version" in paths
        assert isinstance(info.value, ValueError)

    def test_steps_must_be_ordered_and_monotone(self) -> None:
        """Thresholds increase and effects do not shrink."""
        doc = copy.deepcopy(DEFAULT_DOC)
        doc["rules"][0]["steps"] = [
            {"threshold": 0.5, "log_odds": 0.6},
            {"threshold": 0.3, "log_odds": 0.3},
        ]
        with pytest.raises(PolicyError, match="strictly increasing"):
            RulePolicy.from_dict(doc)
        doc["rules"][0]["steps"] = [
            {"threshold": 0.3, "log_odds": 0.6},
            {"threshold": 0.5, "log_odds": 0.3},
        ]
        with pytest.raises(PolicyError, match="not shrink"):
            RulePolicy.from_dict(doc)

    def test_file_errors(self, tmp_path: pathlib.Path) -> None:
        """Unreadable, non-JSON and pickle files are refused clearly."""
        with pytest.raises(PolicyError, match="cannot be read"):
            RulePolicy.from_file(tmp_path / "missing.json")
        bad = tmp_path / "bad.json"
        bad.write_text("{not json")
        with pytest.raises(PolicyError, match="not valid JSON"):
            RulePolicy.from_file(bad)
        pkl = tmp_path / "policy.json"
        pkl.write_bytes(b"\x80\x04\x95" + b"\x00" * 20)
        with pytest.raises(PolicyError, match="pickle"):
            RulePolicy.from_file(pkl)

    def test_lender_policy_changes_thresholds(self, tmp_path: pathlib.Path) -> None:
        """A lender's own policy file is loaded with one call and used."""
        doc = copy.deepcopy(DEFAULT_DOC)
        doc["name"] = "acme"
        doc["rules"][0]["steps"] = [{"threshold": 0.1, "log_odds": 0.3}]
        path = tmp_path / "acme.json"
        path.write_text(json.dumps(doc))
        scorer = RuleScorer.from_file(path)
        profile = {
            "subject_id": "s",
            "accounts": [
                {
                    "account_id": "c",
                    "product": "credit_card",
                    "status": "open",
                    "credit_limit": 1000,
                    "balance": 150,
                }
            ],
        }
        assert [r.code for r in assess(profile, scorer=scorer, as_of="2025-01-01").reasons] == [
            "UTILIZATION_HIGH"
        ]
        assert assess(profile, as_of="2025-01-01").reasons == ()

    @pytest.mark.skipif(
        not hasattr(__import__("sys"), "version_info") or __import__("sys").version_info < (3, 11),
        reason="TOML needs Python 3.11",
    )
    def test_toml_policy(self, tmp_path: pathlib.Path) -> None:
        """A TOML policy loads the same as JSON."""
        path = tmp_path / "p.toml"
        path.write_text(
            'format = "credit_closure.rule_policy"\nformat_version = 1\nname = "t"\n'
            'version = "1"\nbase_log_odds = -3.0\nrules = []\n'
        )
        assert RulePolicy.from_file(path).base_log_odds == -3.0


class TestDefaultPolicy:
    """What the default policy does with the cases of DOMAIN.md §9."""

    AS_OF = "2025-12-31"

    def _profile(self, **closure: object) -> dict:
        acc = {
            "account_id": "hb",
            "product": "revolving_consumer",
            "status": "closed",
            "opened_on": "2019-01-01",
            "closed_on": "2025-06-10",
            "credit_limit": 20000,
            "balance": 0,
            "worst_dpd_24m": 0,
        }
        ev = {
            "account_id": "hb",
            "closed_on": "2025-06-10",
            "initiator": "consumer",
            "reason": "privacy",
            "termination": "normal",
            "balance_at_closure": 0,
            "limit_at_closure": 20000,
            "worst_dpd_6m_before": 0,
        }
        ev.update(closure)
        other = {
            "account_id": "cc",
            "product": "credit_card",
            "status": "open",
            "opened_on": "2012-01-01",
            "credit_limit": 100000,
            "balance": 5000,
            "worst_dpd_24m": 0,
        }
        return {"subject_id": "s", "accounts": [acc, other], "closures": [ev]}

    def test_clean_voluntary_closure_is_neutral(self) -> None:
        """R1: a paid-off voluntary closure in good standing has no effect and no reason."""
        a = assess(self._profile(), as_of=self.AS_OF)
        assert a.reasons == () and a.closure_impact == 0.0 and a.decision == "approve"

    def test_lender_risk_closure(self) -> None:
        """R4: a lender's risk closure costs points and is the first reason."""
        a = assess(self._profile(initiator="lender_risk"), as_of=self.AS_OF)
        assert a.reasons[0].code == "CLOSED_BY_LENDER_RISK" and a.closure_impact < 0

    def test_abnormal_termination_declines(self) -> None:
        """R5: an abnormal termination inside retention declines, with the reason first."""
        a = assess(self._profile(termination="abnormal"), as_of=self.AS_OF)
        assert a.decision == "decline" and a.reasons[0].code == "ABNORMAL_TERMINATION"
        assert [t.code for t in a.triggers] == ["ABNORMAL_TERMINATION"]

    def test_transfer_alone_is_not_abnormal(self) -> None:
        """Policy v2 (issue 15 item 3): a clean loan transferred (转出) with no adverse
        closure record is not an abnormal termination; version 1 declined it for 5 years.
        With a G on its closure record, or charged off, it still declines."""
        doc = self._profile()
        doc["accounts"][0]["status"] = "transferred"
        doc["closures"] = []
        a = assess(doc, as_of=self.AS_OF)
        assert a.decision == "approve" and a.triggers == ()
        v1 = assess(doc, scorer=RuleScorer(policy="v1"), as_of=self.AS_OF)
        assert v1.decision == "decline"
        coded = self._profile(termination="abnormal")
        coded["accounts"][0]["status"] = "transferred"
        assert assess(coded, as_of=self.AS_OF).decision == "decline"
        doc["accounts"][0]["status"] = "charged_off"
        assert assess(doc, as_of=self.AS_OF).decision == "decline"

    def test_abnormal_termination_outside_retention(self) -> None:
        """R5 looks back 5 years only (ZX-TIAOLI Art.16)."""
        doc = self._profile(termination="abnormal")
        doc["accounts"][0]["closed_on"] = doc["closures"][0]["closed_on"] = "2020-06-10"
        assert assess(doc, as_of=self.AS_OF).decision == "approve"

    def test_closure_after_delinquency(self) -> None:
        """R6: closing right after delinquency is a reason of its own."""
        a = assess(self._profile(worst_dpd_6m_before=60), as_of=self.AS_OF)
        assert "CLOSED_AFTER_DELINQUENCY" in [r.code for r in a.reasons]

    def test_many_closures_refer_not_decline(self) -> None:
        """R7: many consumer closures in a year refer to a person, with no points."""
        accs, evs = [], []
        for i in range(4):
            accs.append(
                {
                    "account_id": f"a{i}",
                    "product": "credit_card",
                    "status": "closed",
                    "opened_on": "2015-01-01",  # policy v2: a file with no age is unscorable
                    "closed_on": f"2025-0{i + 2}-01",
                    "credit_limit": 10000,
                    "balance": 0,
                }
            )
            evs.append(
                {
                    "account_id": f"a{i}",
                    "closed_on": f"2025-0{i + 2}-01",
                    "initiator": "consumer",
                    "reason": "unused",
                    "worst_dpd_6m_before": 0,
                }
            )
        # an open card: policy v2's R2c reads a file with no open revolving line
        accs.append({"account_id": "c", "product": "credit_card", "status": "open",
                     "opened_on": "2012-01-01", "credit_limit": 50000, "balance": 0})  # fmt: skip
        a = assess({"subject_id": "s", "accounts": accs, "closures": evs}, as_of=self.AS_OF)
        assert a.decision == "refer" and a.reasons == ()
        assert [t.code for t in a.triggers] == ["FREQUENT_CLOSURES_REVIEW"]

    def test_deleveraging_no_credit_in_v2(self) -> None:
        """Policy v2 (issue 15 item 2): a paid-off closure to reduce debt earns no credit;
        the version-1 policy kept R8's small credit, never a reason."""
        doc = self._profile(reason="reduce_debt")
        a = assess(doc, as_of=self.AS_OF)
        assert a.score == 600.0 and a.reasons == () and a.closure_impact == 0.0
        v1 = assess(doc, scorer=RuleScorer(policy="v1"), as_of=self.AS_OF)
        assert v1.score > 600 and v1.reasons == ()

    def test_r8_opt_in(self) -> None:
        """R8 stays available: the rule of docs/default-policy.md, added to the default
        policy, gives the version-1 credit back (+2.89 points), marked INFERENCE."""
        doc = copy.deepcopy(DEFAULT_DOC)
        doc["rules"].append(R8_OPT_IN)
        scorer = RuleScorer(doc)
        a = assess(self._profile(reason="reduce_debt"), scorer=scorer, as_of=self.AS_OF)
        assert a.score == pytest.approx(600 + 0.1 * scorer.scale.factor, abs=1e-9)
        assert a.reasons == () and "INFERENCE" in R8_OPT_IN["rationale"]

    def test_lender_closure_clean_weighs_less_than_30_day_delinquency(self) -> None:
        """Policy v2 (issue 15 item 3): a clean lender-risk closure costs less than one real
        30-59-day delinquency; with a balance or a delinquency it weighs the version-1 0.7."""
        clean = assess(self._profile(initiator="lender_risk"), as_of=self.AS_OF)
        doc = self._profile()
        doc["accounts"][1]["worst_dpd_24m"] = 45
        late = assess(doc, as_of=self.AS_OF)
        assert 600 > clean.score > late.score
        assert clean.reasons[0].code == "CLOSED_BY_LENDER_RISK"
        owed = assess(
            self._profile(initiator="lender_risk", worst_dpd_6m_before=45), as_of=self.AS_OF
        )
        points = {f.code: f.points for f in owed.factors}
        assert points["CLOSED_BY_LENDER_RISK"] == pytest.approx(-0.7 * owed_factor(), abs=1e-9)

    def test_security_refer_without_credit_penalty(self) -> None:
        """R12/R13: security triggers refer or alert without moving the score."""
        doc = self._profile()
        doc["activity"] = [
            {"account_id": "hb", "at": "2025-06-01T10:00:00", "kind": "contact_change"},
            # policy v2: a transaction completes the pattern (a login alone only alerts)
            {"account_id": "hb", "at": "2025-10-01T10:00:00", "kind": "transaction"},
        ]
        a = assess(doc, as_of="2025-10-31")
        assert (
            a.decision == "refer" and a.score == assess(self._profile(), as_of="2025-10-31").score
        )
        assert {t.code for t in a.triggers} == {"SECURITY_VERIFICATION", "SECURITY_ALERT"}
        # evidence older than the security lookback (180 days) no longer triggers
        assert assess(doc, as_of="2026-06-30").triggers == ()

    def test_points_add_up(self) -> None:
        """The factors' points add up to the score minus the base score."""
        a = assess(
            self._profile(worst_dpd_6m_before=60, initiator="lender_risk", balance_at_closure=500),
            as_of=self.AS_OF,
        )
        assert sum(f.points for f in a.factors) == pytest.approx(a.score - 600.0, abs=1e-9)
        assert not math.isnan(a.score)


class TestFactorCache:
    def test_two_rules_on_one_feature_keep_their_own_factors(self):
        """Reused factor objects are per rule: two rules on the same feature, step and value
        each give their own code and points, whatever was scored before."""
        from credit_closure import CreditProfile

        doc = two_rules_on_one_feature_policy()
        p = CreditProfile.from_dict(
            {
                "subject_id": "s",
                "accounts": [
                    {
                        "account_id": "a",
                        "product": "credit_card",
                        "status": "open",
                        "opened_on": "2015-01-01",
                        "credit_limit": 1000,
                        "balance": 400,
                    }
                ],
            }
        )
        for _ in range(2):  # the second time through the cache
            factors = RuleScorer(doc).score(p, dt.date(2026, 6, 30)).factors
            codes = {f.code: f.points for f in factors}
            assert set(codes) == {"UTILIZATION_HIGH", "CLOSED_WITH_BALANCE"}
            assert codes["CLOSED_WITH_BALANCE"] != codes["UTILIZATION_HIGH"]


class TestPolicyFiles:
    """Malformed, truncated and wrong-version policy files are refused with PolicyError."""

    @pytest.mark.parametrize(
        "label, payload, path",
        [
            ("empty", b"", ""),
            ("truncated", DEFAULT_POLICY.read_bytes()[:400], ""),
            ("array", b"[]", ""),
            ("bom", b"\xef\xbb\xbf" + DEFAULT_POLICY.read_bytes(), ""),
            ("nan", DEFAULT_POLICY.read_bytes().replace(b'"pdo": 20', b'"pdo": NaN'), ""),
            ("artifact", REFERENCE_ARTIFACT.read_bytes(), "format"),
        ],
    )
    def test_malformed_policy(
        self, tmp_path: pathlib.Path, label: str, payload: bytes, path: str
    ) -> None:
        """A file that is not a valid policy raises PolicyError with a path."""
        f = tmp_path / f"{label}.json"
        f.write_bytes(payload)
        with pytest.raises(PolicyError) as info:
            RulePolicy.from_file(f)
        assert path in [p for p, _ in info.value.problems]

    @pytest.mark.parametrize("version", [0, 2, "1", None, 1.5, True])
    def test_wrong_policy_version(self, tmp_path: pathlib.Path, version: Any) -> None:
        """Another format_version is refused, naming the field."""
        doc = json.loads(DEFAULT_POLICY.read_text("utf-8"))
        doc["format_version"] = version
        f = tmp_path / "p.json"
        f.write_text(json.dumps(doc))
        with pytest.raises(PolicyError) as info:
            RulePolicy.from_file(f)
        assert "format_version" in [p for p, _ in info.value.problems]

    def test_missing_policy_file(self, tmp_path: pathlib.Path) -> None:
        """A missing policy file is a PolicyError, not an OSError."""
        with pytest.raises(PolicyError):
            RulePolicy.from_file(tmp_path / "nope.json")
