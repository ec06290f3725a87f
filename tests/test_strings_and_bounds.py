"""Issue 16, items 4 and 5: one rule for strings on every path, and bounds on every number
that reaches the scale.

The rule for ids and names: no C0 control (U+0000-U+001F), no DEL, no C1 control
(U+0080-U+009F) and no lone surrogate, whether the string comes through the API, a JSON
document, the columnar tables, a rule policy or a scorecard artifact. Lone surrogates are
refused in ``provider`` and in attribute names and values too. Every message is valid UTF-8.

The scale: a degenerate, non-finite or out-of-range score <-> probability map is refused with
the field named, on its own, inside a policy and inside an artifact; every valid scale in the
repository still loads.
"""

from __future__ import annotations

import json
import math
import pathlib
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import policy_documents

from credit_closure import (
    CreditAccount,
    CreditProfile,
    InvalidInputError,
    PolicyError,
    RulePolicy,
    Scale,
    assess,
)
from credit_closure._contract.attributes import Attributes
from credit_closure._scorecard.artifact import _sha256
from credit_closure._scorecard.logistic import LogisticScorer
from credit_closure.cli import main
from credit_closure.columnar import score_columnar
from credit_closure.exceptions import ArtifactError

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_POLICY = ROOT / "credit_closure" / "data" / "default_policy.json"
REFERENCE = ROOT / "credit_closure" / "data" / "logistic_reference.json"

#: A character the rule refuses: C0, DEL, C1 or a lone surrogate.
BAD_CHARS = st.one_of(
    st.integers(0x00, 0x1F),
    st.integers(0x7F, 0x9F),
    st.integers(0xD800, 0xDFFF),
).map(chr)
#: Characters the rule accepts (no control, no surrogate: categories Cc and Cs left out).
GOOD_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=0, max_size=20)


@st.composite
def bad_names(draw: st.DrawFn) -> str:
    """A string of at most 41 characters holding at least one refused character."""
    return draw(GOOD_TEXT) + draw(BAD_CHARS) + draw(GOOD_TEXT)


def _utf8(exc: BaseException) -> None:
    """The message and every problem encode as UTF-8 (no lone surrogate leaks through)."""
    str(exc).encode("utf-8")
    for path, message in getattr(exc, "problems", []):
        path.encode("utf-8")
        message.encode("utf-8")


def _paths(exc: BaseException) -> set[str]:
    return {p for p, _ in exc.problems}  # type: ignore[attr-defined]


def _account(**over: object) -> dict[str, object]:
    acc: dict[str, object] = {
        "account_id": "a1",
        "product": "credit_card",
        "status": "open",
        "credit_limit": 10000,
        "balance": 2500,
    }
    acc.update(over)
    return acc


def _policy() -> dict[str, object]:
    return json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))


def _reference() -> dict[str, object]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def _sealed(doc: dict[str, object]) -> dict[str, object]:
    """``doc`` with the sha256 of its content (what an attacker who re-seals does)."""
    content = {k: v for k, v in doc.items() if k != "sha256"}
    return {**content, "sha256": _sha256(content)}


def _columns(subject_ids: list[object], account_ids: list[object]) -> dict[str, np.ndarray]:
    n = len(subject_ids)
    return {
        "subject_id": np.array(subject_ids, dtype=object),
        "account_id": np.array(account_ids, dtype=object),
        "product": np.array(["credit_card"] * n, dtype=object),
        "status": np.array(["open"] * n, dtype=object),
    }


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------------------
# Item 4: one rule for strings
# --------------------------------------------------------------------------------------
class TestOneRuleForStrings:
    """Any id or name with a control character or a lone surrogate is refused, everywhere."""

    @FAST
    @given(bad=bad_names())
    def test_profile_document(self, bad: str) -> None:
        """CreditProfile.from_dict: subject_id, account_id and provider."""
        with pytest.raises(InvalidInputError) as info:
            CreditProfile.from_dict(
                {"subject_id": bad, "accounts": [_account(account_id=bad, provider=bad)]}
            )
        assert {"subject_id", "accounts[0].account_id", "accounts[0].provider"} <= _paths(
            info.value
        )
        _utf8(info.value)

    @FAST
    @given(bad=bad_names())
    def test_account_constructor(self, bad: str) -> None:
        """CreditAccount(...) refuses the id and the provider."""
        with pytest.raises(InvalidInputError) as info:
            CreditAccount(account_id=bad, product="credit_card", status="open", provider=bad)
        assert _paths(info.value) == {"account_id", "provider"}
        _utf8(info.value)

    @FAST
    @given(bad=bad_names())
    def test_attribute_names(self, bad: str) -> None:
        """An attribute name breaking the rule is refused, and the message stays UTF-8."""
        with pytest.raises(InvalidInputError) as info:
            Attributes({bad: 1})
        _utf8(info.value)

    @FAST
    @given(good=GOOD_TEXT.filter(bool), bad=bad_names())
    def test_columnar_ids(self, good: str, bad: str) -> None:
        """score_columnar refuses the subject and account ids assess() refuses, by row."""
        with pytest.raises(InvalidInputError) as info:
            score_columnar(_columns([good, bad], ["a", bad]), as_of="2025-01-01")
        problems = info.value.problems
        assert {p for p, _ in problems} == {"accounts.subject_id", "accounts.account_id"}
        assert all(m.endswith("(row 1)") for _, m in problems)
        _utf8(info.value)

    @FAST
    @given(bad=bad_names())
    def test_policy_ids_and_names(self, bad: str) -> None:
        """A policy's name, version and rule ids keep the rule; the rule path does not echo
        the bad id."""
        doc = _policy()
        doc["name"] = bad
        doc["version"] = bad
        doc["rules"][0]["id"] = bad  # type: ignore[index]
        with pytest.raises(PolicyError) as info:
            RulePolicy.from_dict(doc)
        assert {"name", "version", "rules[0].id"} <= _paths(info.value)
        _utf8(info.value)

    @FAST
    @given(bad=bad_names())
    def test_band_names(self, bad: str) -> None:
        """A band name in a scale (and so in a policy or an artifact) keeps the rule."""
        doc = Scale().to_dict()
        doc["bands"][0]["name"] = bad
        with pytest.raises(InvalidInputError) as info:
            Scale.from_dict(doc)
        assert _paths(info.value) == {"scale.bands[0].name"}
        _utf8(info.value)

    @FAST
    @given(bad=bad_names().filter(lambda s: not any("\ud800" <= c <= "\udfff" for c in s)))
    def test_artifact_input_names(self, bad: str) -> None:
        """An attribute input of a re-sealed artifact named with a control character is
        refused by name (a lone surrogate cannot even be hashed: see below)."""
        doc = _reference()
        i = next(i for i, x in enumerate(doc["inputs"]) if x["kind"] == "attribute")  # type: ignore[attr-defined]
        doc["inputs"][i]["name"] = bad  # type: ignore[index]
        with pytest.raises(ArtifactError) as info:
            LogisticScorer.from_dict(_sealed(doc))
        assert f"inputs[{i}].name" in _paths(info.value)
        _utf8(info.value)

    @FAST
    @given(good=GOOD_TEXT.filter(bool))
    def test_clean_names_accepted(self, good: str) -> None:
        """Text without controls or surrogates (any script, RTL, zero-width) is accepted."""
        p = CreditProfile.from_dict(
            {"subject_id": good, "accounts": [_account(account_id=good, provider=good)]}
        )
        assert p.subject_id == good and p.accounts[0].provider == good


class TestC1AndSurrogates:
    """The cases the first round missed, explicitly."""

    @pytest.mark.parametrize("ch", ["\x85", "\x9b", "\x80", "\x9f", "\x7f", "\x00", "\n"])
    def test_c1_and_c0_refused_in_ids(self, ch: str) -> None:
        """U+0085 (NEL) and U+009B (CSI) were accepted; now refused like NUL and newline."""
        with pytest.raises(InvalidInputError) as info:
            CreditProfile.from_dict({"subject_id": f"p{ch}1"})
        assert info.value.problems[0][0] == "subject_id"
        assert "control characters" in info.value.problems[0][1]

    @pytest.mark.parametrize("ch", ["\x85", "\x9b", "\x00", "\n", "\ud800", "\udfff"])
    def test_columnar_matches_assess(self, ch: str) -> None:
        """Columnar ids once accepted NUL, newline and surrogates that assess() refused."""
        with pytest.raises(InvalidInputError) as info:
            score_columnar(_columns(["s" + ch], ["a"]), as_of="2025-01-01")
        assert info.value.problems[0][0] == "accounts.subject_id"
        with pytest.raises(InvalidInputError):
            assess({"subject_id": "s" + ch}, as_of="2025-01-01")

    def test_surrogates_in_provider_and_attributes(self) -> None:
        """Lone surrogates in provider, attribute names and attribute values are refused."""
        with pytest.raises(InvalidInputError) as info:
            CreditAccount(
                account_id="a", product="credit_card", status="open", provider="bank\ud800"
            )
        assert info.value.problems == [
            ("provider", "must be valid Unicode text (no lone surrogates)")
        ]
        with pytest.raises(InvalidInputError) as info:
            Attributes({"city": "x\udc00"})
        assert info.value.problems[0][0] == "attributes.city"
        with pytest.raises(InvalidInputError) as info:
            Attributes({"ci\udc00ty": "x"})
        assert "\\udc00" in info.value.problems[0][1]
        _utf8(info.value)

    def test_attribute_values_may_hold_controls(self) -> None:
        """Values are data, not names: only lone surrogates are refused in them."""
        assert Attributes({"note": "line 1\nline 2\x85"})["note"] == "line 1\nline 2\x85"

    def test_columnar_attributes(self) -> None:
        """Columnar attribute names keep the rule (the path is escaped), values may not hold
        a lone surrogate."""
        accounts = _columns(["s1", "s2"], ["a", "b"])
        attrs = {
            "subject_id": np.array(["s1", "s2"], dtype=object),
            "ok\x85": np.array([1, 2]),
            "city": np.array(["x", "y\ud800"], dtype=object),
        }
        with pytest.raises(InvalidInputError) as info:
            score_columnar(accounts, attributes=attrs, as_of="2025-01-01")
        paths = _paths(info.value)
        assert "attributes['ok\\x85']" in paths and "attributes.city" in paths
        _utf8(info.value)

    def test_columnar_ids_checked_once_per_distinct_value(self) -> None:
        """A large column with few distinct ids: the bad ones are reported with every row."""
        n = 200_000
        sids = np.array([f"s{i % 1000}" for i in range(n)], dtype=object)
        sids[123_456] = "s\x00"
        sids[199_999] = "s\x00"
        with pytest.raises(InvalidInputError) as info:
            score_columnar(_columns(list(sids), [f"a{i}" for i in range(n)]), as_of="2025-01-01")
        [(path, message)] = info.value.problems
        assert path == "accounts.subject_id" and message.endswith("(rows 123456, 199999)")

    def test_unknown_keys_escaped(self) -> None:
        """An unknown key with a line break or an ANSI escape is shown escaped in paths."""
        doc = _policy()
        doc["x\n\x1b[31mforged"] = 1
        with pytest.raises(PolicyError) as info:
            RulePolicy.from_dict(doc)
        [(path, _)] = info.value.problems
        assert "\n" not in path and "\x1b" not in path and "\\x1b" in path
        doc = _reference()
        doc["training"]["k\ud800"] = 1  # type: ignore[index]
        with pytest.raises(ArtifactError) as ainfo:
            LogisticScorer.from_dict({**doc, "sha256": "0" * 64})
        _utf8(ainfo.value)
        assert "lone surrogate" in str(ainfo.value)

    def test_policy_documentation_text(self) -> None:
        """Descriptions and rationales may span lines; other controls and non-strings are
        refused (a non-string description was turned into its repr)."""
        doc = _policy()
        doc["description"] = "line 1\nline 2\ttab"
        assert RulePolicy.from_dict(doc).description == "line 1\nline 2\ttab"
        doc["description"] = {"not": "text"}
        doc["rules"][0]["rationale"] = "\x1b[2J"  # type: ignore[index]
        with pytest.raises(PolicyError) as info:
            RulePolicy.from_dict(doc)
        assert _paths(info.value) == {"description", "rules[0] (R2).rationale"}


# --------------------------------------------------------------------------------------
# Item 5: bounds on every number that reaches the scale
# --------------------------------------------------------------------------------------
DEGENERATE = [
    ({"pdo": 1e308}, "pdo"),
    ({"pdo": 0.5}, "pdo"),
    ({"pdo": 10**400}, "pdo"),
    ({"pdo": math.nan}, "pdo"),
    ({"base_odds": 1e-320}, "base_odds"),
    ({"base_odds": 1e7}, "base_odds"),
    ({"base_odds": math.inf}, "base_odds"),
    ({"base_points": 1e9}, "base_points"),
    ({"base_points": 1e6}, "min_score"),  # PD 1.0 over the whole range
    ({"base_points": -1e5}, "max_score"),  # PD 0 at the top
    ({"pdo": 5}, "min_score"),  # the bottom of 300-900 rounds to PD 1.0
    ({"min_score": -math.inf}, "min_score"),
    ({"max_score": 10**400}, "max_score"),
    ({"min_score": 900, "max_score": 300}, "min_score"),
    ({"approve_at": 950}, "approve_at"),
    ({"decline_below": 200}, "decline_below"),
]


class TestScaleBounds:
    """Degenerate, non-finite and out-of-range scales are refused with the field named."""

    @pytest.mark.parametrize(("over", "field"), DEGENERATE)
    def test_scale(self, over: dict[str, float], field: str) -> None:
        with pytest.raises(InvalidInputError) as info:
            Scale(**over)
        assert field in _paths(info.value)
        _utf8(info.value)

    @pytest.mark.parametrize(("over", "field"), DEGENERATE)
    def test_policy(self, over: dict[str, float], field: str) -> None:
        """The same inside a policy: a PolicyError naming ``scale.<field>``."""
        doc = _policy()
        doc["scale"].update(over)  # type: ignore[attr-defined]
        with pytest.raises(PolicyError) as info:
            RulePolicy.from_dict(doc)
        assert f"scale.{field}" in _paths(info.value)

    @pytest.mark.parametrize(("over", "field"), DEGENERATE)
    def test_resealed_artifact(self, over: dict[str, float], field: str) -> None:
        """The same inside a re-sealed artifact: an ArtifactError naming the field."""
        doc = _reference()
        doc["scale"].update(over)  # type: ignore[attr-defined]
        if any(isinstance(v, float) and not math.isfinite(v) for v in over.values()):
            pytest.skip("a non-finite number cannot be sealed (JSON has none)")
        with pytest.raises(ArtifactError) as info:
            LogisticScorer.from_dict(_sealed(doc))
        assert f"scale.{field}" in _paths(info.value)

    def test_issue_examples(self) -> None:
        """pdo 1e308 once gave NaN scores; base_odds 1e-320 score 900, PD 1.0, approve."""
        for over in ({"pdo": 1e308}, {"base_odds": 1e-320}):
            with pytest.raises(InvalidInputError, match=next(iter(over))):
                Scale(**over)

    def test_band_floors(self) -> None:
        """A band floor must be finite (only the last band may have none)."""
        doc = Scale().to_dict()
        doc["bands"][1]["min_score"] = None
        with pytest.raises(InvalidInputError) as info:
            Scale.from_dict(doc)
        assert "scale.bands[1].min_score" in _paths(info.value)
        doc = Scale().to_dict()
        doc["bands"][0]["min_score"] = 10**400
        with pytest.raises(InvalidInputError) as info:
            Scale.from_dict(doc)
        assert _paths(info.value) == {"scale.bands[0].min_score"}

    def test_cli_refuses_a_degenerate_artifact(
        self, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The CLI, which loads a model by path, exits 3 (a refused model) naming the field,
        no traceback."""
        doc = _reference()
        doc["scale"]["base_odds"] = 1e-300  # type: ignore[index]
        model = tmp_path / "model.json"
        model.write_text(json.dumps(_sealed(doc)), encoding="utf-8")
        data = tmp_path / "data.jsonl"
        data.write_text("", encoding="utf-8")
        code = main(["validate", str(model), str(data)])
        out, err = capsys.readouterr()
        assert code == 3 and "scale.base_odds" in err and "Traceback" not in err + out


class TestValidScalesStillLoad:
    """Every scale the repository ships or tests with loads and scores as before."""

    SCALES: ClassVar[list[dict[str, float]]] = [
        {},
        {"pdo": 40.0},
        {"base_points": 700},
        {"base_points": 680},
        {"pdo": 40, "approve_at": 600},
        {
            "base_points": 500.0,
            "base_odds": 20.0,
            "pdo": 40.0,
            "approve_at": 480.0,
            "decline_below": 450.0,
        },
        # the cutoffs tests/strategies.py draws
        {"approve_at": 580, "decline_below": 530},
        {"approve_at": 600, "decline_below": 560},
        {"approve_at": 650, "decline_below": 300},
        {"approve_at": 900, "decline_below": 899},
        {"approve_at": 300, "decline_below": 300},
    ]

    @pytest.mark.parametrize("kw", SCALES)
    def test_loads(self, kw: dict[str, float]) -> None:
        s = Scale(**kw)
        assert Scale.from_dict(s.to_dict()) == s
        factor = s.pdo / math.log(2.0)
        assert s.factor == factor
        assert s.offset == s.base_points - factor * math.log(s.base_odds)

    def test_default_numbers_unchanged(self) -> None:
        """The documented default map, bit for bit."""
        s = Scale()
        assert (s.factor, s.offset) == (
            20.0 / math.log(2.0),
            600.0 - 20.0 / math.log(2.0) * math.log(50.0),
        )
        assert s.points(1 / 51) == s.offset - s.factor * (math.log(1 / 51) - math.log1p(-1 / 51))

    def test_shipped_policy_and_artifact(self) -> None:
        """The default policy and the reference artifact load, with the default scale."""
        assert RulePolicy.from_dict(_policy()).scale == Scale()
        assert LogisticScorer.load(REFERENCE).scale_ == Scale()

    @FAST
    @given(doc=policy_documents())
    def test_drawn_policies(self, doc: dict[str, object]) -> None:
        """Every policy the engine-agreement properties draw still loads."""
        assert RulePolicy.from_dict(doc).scale.approve_at == doc["scale"]["approve_at"]  # type: ignore[index]


class TestFormatVersionAndHugeIntegers:
    """A float where an int is required, and 400-digit integers, give the documented error."""

    def test_policy_format_version_float(self) -> None:
        doc = _policy()
        doc["format_version"] = 1.0
        with pytest.raises(PolicyError) as info:
            RulePolicy.from_dict(doc)
        assert _paths(info.value) == {"format_version"}

    def test_artifact_format_version_float(self) -> None:
        doc = _reference()
        doc["format_version"] = 1.0
        with pytest.raises(ArtifactError, match="format_version"):
            LogisticScorer.from_dict(_sealed(doc))

    @pytest.mark.parametrize(
        "where",
        [
            ("base_log_odds",),
            ("format_version",),
            ("retention_months",),
            ("scale", "pdo"),
            ("scale", "min_score"),
            ("rules", 0, "steps", 0, "threshold"),
            ("rules", 0, "steps", 0, "log_odds"),
            ("rules", 0, "feature"),
            ("rules", 0, "id"),
        ],
    )
    def test_policy_huge_integers(self, where: tuple[object, ...]) -> None:
        doc: object = _policy()
        target = doc
        for key in where[:-1]:
            target = target[key]  # type: ignore[index]
        target[where[-1]] = 10**400  # type: ignore[index]
        with pytest.raises(PolicyError) as info:
            RulePolicy.from_dict(doc)
        _utf8(info.value)

    @pytest.mark.parametrize(
        "where",
        [
            ("intercept",),
            ("base_points",),
            ("coefficients", 0),
            ("cutoff_averages", 0),
            ("inputs", 0, "coefficient"),
            ("inputs", 0, "points", 0),
            ("inputs", 0, "binning", "counts", 0),
            ("training", "rows"),
            ("training", "near_cutoff_rows"),
            ("scale", "pdo"),
        ],
    )
    def test_artifact_huge_integers(self, where: tuple[object, ...]) -> None:
        doc: object = _reference()
        target = doc
        for key in where[:-1]:
            target = target[key]  # type: ignore[index]
        target[where[-1]] = 10**400  # type: ignore[index]
        with pytest.raises(ArtifactError) as info:
            LogisticScorer.from_dict(_sealed(doc))  # type: ignore[arg-type]
        path = ".".join(str(k) for k in where).replace(".0", "[0]")
        assert path in _paths(info.value)
