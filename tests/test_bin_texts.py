"""Per-bin reason texts of a logistic scorecard (issue 17): given by values in
``reason_texts`` or a reason-texts file, fitted to the learned bins, stored in the artifact
(format version 2 only when used), used by ``assess()``; the engines report the same codes."""

from __future__ import annotations

import json
import pickle
import random
import warnings
from pathlib import Path
from typing import Any

import pytest

from credit_closure import CreditProfile, LogisticScorer, assess
from credit_closure.exceptions import ArtifactError, InvalidInputError, ReasonTextWarning

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2025-06-30"

pytest.importorskip("sklearn")


def _data(n: int = 600) -> tuple[list[CreditProfile], list[int]]:
    rng = random.Random(0)
    profiles, outcomes = [], []
    for i in range(n):
        income = rng.choice([3000, 8000, 15000, 30000, None])
        city = rng.choice(["1", "2", "3", "4"])
        attrs: dict[str, Any] = {"city": city}
        if income is not None:
            attrs["monthly_income"] = income
        profiles.append(CreditProfile(subject_id=f"s{i}", attributes=attrs))
        risk = 3000 / ((income or 4000) + 6000) + (0.15 if city in "34" else 0.0)
        outcomes.append(int(rng.random() < risk))
    return profiles, outcomes


INCOME_BINS = [
    {"below": 5000, "en": "Monthly income is under 5,000", "zh": "月收入低于 5,000"},
    {"missing": True, "en": "Monthly income not given", "zh": "未提供月收入"},
]
TEXTS: dict[str, Any] = {
    "ATTR_MONTHLY_INCOME": {"en": "Monthly income is low", "zh": "月收入偏低", "bins": INCOME_BINS},
    "ATTR_CITY": {
        "en": "City tier",
        "zh": "城市等级",
        "bins": [{"categories": ["3", "4"], "en": "Tier 3-4 city", "zh": "三、四线城市"}],
    },
}


def _fit(texts: Any, **kwargs: Any) -> tuple[LogisticScorer, list[str]]:
    profiles, outcomes = _data()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = LogisticScorer(min_iv=0.0, categorical=["city"], reason_texts=texts, **kwargs)
        s.fit(profiles, outcomes, as_of=AS_OF)
    return s, [str(w.message) for w in caught if issubclass(w.category, ReasonTextWarning)]


@pytest.fixture(scope="module")
def binned() -> LogisticScorer:
    return _fit(TEXTS)[0]


def _reasons(scorer: Any, attrs: dict[str, Any]) -> list[tuple[str, str, str]]:
    a = assess(CreditProfile(subject_id="x", attributes=attrs), scorer=scorer, as_of=AS_OF)
    return [(r.code, r.message, r.message_zh) for r in a.reasons]


class TestFitted:
    def test_each_bin_gets_the_text_that_holds_it(self, binned: LogisticScorer) -> None:
        inputs = {i.name: i for i in binned.inputs_}
        city = inputs["city"]
        got = dict(zip(city.labels, city.bin_texts or ()))
        assert got['{"3"}'] is not None and got['{"3"}'].en == "Tier 3-4 city"
        assert got['{"1"}'] is None and got["missing"] is None
        income = inputs["monthly_income"]
        assert income.bin_texts is not None
        assert income.bin_texts[-1] is not None and income.bin_texts[-1].en.endswith("not given")

    def test_assess_uses_the_bin_text_and_falls_back(self, binned: LogisticScorer) -> None:
        """A bin with its own text gives it; another bin of the same input the code's."""
        got = _reasons(binned, {"city": "4"})
        assert ("ATTR_MONTHLY_INCOME", "Monthly income not given", "未提供月收入") in got
        assert ("ATTR_CITY", "Tier 3-4 city", "三、四线城市") in got
        got = _reasons(binned, {"monthly_income": 3000, "city": "2"})
        assert ("ATTR_MONTHLY_INCOME", "Monthly income is low", "月收入偏低") in got
        assert all(en != "Tier 3-4 city" for _, en, _ in got)

    def test_codes_and_numbers_do_not_change(self, binned: LogisticScorer) -> None:
        """Per-bin texts change the words only: the same card without them gives the same
        scores and the same reason codes."""
        plain = _fit({k: {"en": v["en"], "zh": v["zh"]} for k, v in TEXTS.items()})[0]
        profiles, _ = _data(200)
        for p in profiles:
            a, b = assess(p, scorer=binned, as_of=AS_OF), assess(p, scorer=plain, as_of=AS_OF)
            assert a.score == b.score and [r.code for r in a.reasons] == [r.code for r in b.reasons]

    def test_warnings_name_unused_texts_and_bare_bins(self) -> None:
        _, notes = _fit(TEXTS)
        text = "\n".join(notes)
        assert "of 'city' have no per-bin text" in text
        assert "reason_texts.ATTR_MONTHLY_INCOME.bins[0] (below 5000) holds no whole bin" in text

    def test_kind_mismatch_is_refused_after_the_fit(self) -> None:
        texts = {
            "ATTR_CITY": {"en": "c", "zh": "城", "bins": [{"below": 3, "en": "a", "zh": "甲"}]}
        }
        with pytest.raises(InvalidInputError) as info:
            _fit(texts)
        assert info.value.problems == [
            (
                "reason_texts.ATTR_CITY.bins[0]",
                "'city' is categorical in the fitted scorecard: give its values with categories",
            )
        ]

    def test_pickle_keeps_the_bin_texts(self, binned: LogisticScorer) -> None:
        again = pickle.loads(pickle.dumps(binned))
        assert _reasons(again, {"city": "4"}) == _reasons(binned, {"city": "4"})


class TestChecks:
    @pytest.mark.parametrize(
        "bins, path",
        [
            ("x", "reason_texts.ATTR_CITY.bins"),
            ([], "reason_texts.ATTR_CITY.bins"),
            ([{"below": 3, "en": "a"}], "reason_texts.ATTR_CITY.bins[0].zh"),
            (
                [{"below": 3, "en": "a", "zh": "甲", "upto": 4}],
                "reason_texts.ATTR_CITY.bins[0].upto",
            ),
            ([{"from": 3, "below": 3, "en": "a", "zh": "甲"}], "reason_texts.ATTR_CITY.bins[0]"),
            ([{"below": True, "en": "a", "zh": "甲"}], "reason_texts.ATTR_CITY.bins[0].below"),
            ([{"from": None, "en": "a", "zh": "甲"}], "reason_texts.ATTR_CITY.bins[0].from"),
            ([{"en": "a", "zh": "甲"}], "reason_texts.ATTR_CITY.bins[0]"),
            (
                [{"below": 3, "categories": ["a"], "en": "a", "zh": "甲"}],
                "reason_texts.ATTR_CITY.bins[0]",
            ),
            ([{"missing": False, "en": "a", "zh": "甲"}], "reason_texts.ATTR_CITY.bins[0].missing"),
            (
                [{"categories": ["a", "a"], "en": "a", "zh": "甲"}],
                "reason_texts.ATTR_CITY.bins[0].categories",
            ),
            (
                [{"input": "town", "missing": True, "en": "a", "zh": "甲"}],
                "reason_texts.ATTR_CITY.bins[0].input",
            ),
            (
                [
                    {"below": 5, "en": "a", "zh": "甲"},
                    {"from": 4, "en": "b", "zh": "乙"},
                ],
                "reason_texts.ATTR_CITY.bins[1]",
            ),
            (
                [
                    {"categories": ["1", "2"], "en": "a", "zh": "甲"},
                    {"categories": ["2"], "en": "b", "zh": "乙"},
                ],
                "reason_texts.ATTR_CITY.bins[1]",
            ),
        ],
    )
    def test_bad_entry_named_before_the_fit(self, bins: Any, path: str) -> None:
        texts = {"ATTR_CITY": {"en": "c", "zh": "城", "bins": bins}}
        with pytest.raises(InvalidInputError) as info:
            LogisticScorer(reason_texts=texts).fit([], [], as_of=AS_OF)
        assert path in [p for p, _ in info.value.problems]

    def test_input_names_an_input_of_the_code(self) -> None:
        """``input`` must be an input reported under the code: a feature of that catalog
        code, or the attribute whose code it is."""
        from credit_closure._scorecard.bin_texts import check_bin_texts
        from credit_closure._scoring.reasons import FEATURE_REASON

        feature, code = next(iter(FEATURE_REASON.items()))
        ok = {
            code: {
                "en": "a",
                "zh": "甲",
                "bins": [{"input": feature, "missing": True, "en": "b", "zh": "乙"}],
            }
        }
        assert check_bin_texts(ok, "t")[1] == []
        ok = {
            "ATTR_AGE": {
                "en": "a",
                "zh": "甲",
                "bins": [{"input": "age", "missing": True, "en": "b", "zh": "乙"}],
            }
        }
        assert check_bin_texts(ok, "t")[1] == []

    def test_the_artifact_texts_take_no_bins(self) -> None:
        from credit_closure._scorecard.parameters import _check_texts

        texts = {"ATTR_CITY": {"en": "c", "zh": "城", "bins": []}}
        assert _check_texts(texts, "reason_texts", bins=False).problems


class TestFile:
    def test_json_and_toml_read_alike(self, tmp_path: Path) -> None:
        got = LogisticScorer.read_reason_texts(ROOT / "examples/training/reason_texts_bins.json")
        assert got["ATTR_AGE"]["bins"][0]["below"] == 35
        assert got["ATTR_CITY_TIER"] == (
            "City of residence is in a higher-risk tier",
            "居住城市所属等级的风险较高",
        )
        toml = tmp_path / "t.toml"
        toml.write_text(
            '[ATTR_AGE]\nen = "Age of the applicant is in a higher-risk range"\n'
            'zh = "申请人年龄处于风险较高的区间"\n'
            '[[ATTR_AGE.bins]]\nbelow = 35\nen = "Applicant is under 35"\nzh = "申请人未满 35 岁"\n'
            '[[ATTR_AGE.bins]]\nmissing = true\nen = "Age of the applicant was not given"\n'
            'zh = "未提供申请人年龄"\n',
            encoding="utf-8",
        )
        assert LogisticScorer.read_reason_texts(toml)["ATTR_AGE"] == got["ATTR_AGE"]

    def test_problems_named_by_their_place_in_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "t.json"
        bins = [{"below": "x", "en": "a", "zh": "甲"}, {"missing": True, "en": "", "zh": "乙"}]
        path.write_text(json.dumps({"ATTR_AGE": {"en": "a", "zh": "甲", "bins": bins}}))
        with pytest.raises(InvalidInputError) as info:
            LogisticScorer.read_reason_texts(path)
        assert [p for p, _ in info.value.problems] == [
            "ATTR_AGE.bins[0].below",
            "ATTR_AGE.bins[1].en",
        ]

    def test_plain_file_unchanged(self) -> None:
        """A file without bins reads as before: code -> ReasonText."""
        from credit_closure._scoring.reasons import ReasonText

        got = LogisticScorer.read_reason_texts(ROOT / "examples/training/reason_texts.json")
        assert all(isinstance(t, ReasonText) for t in got.values())


class TestArtifact:
    def test_round_trip_version_2(self, binned: LogisticScorer, tmp_path: Path) -> None:
        path = tmp_path / "card.json"
        binned.save(path)
        doc = json.loads(path.read_text("utf-8"))
        assert doc["format_version"] == 2
        assert any("bin_texts" in i for i in doc["inputs"])
        back = LogisticScorer.load(path, sha256=doc["sha256"])
        for attrs in ({"city": "4"}, {"monthly_income": 3000, "city": "1"}, {}):
            assert _reasons(back, attrs) == _reasons(binned, attrs)

    def test_without_bin_texts_version_1_as_before(self, tmp_path: Path) -> None:
        """A card without per-bin texts is written as format version 1 with no new field,
        so its sha256 and bytes are those of before; the shipped card loads unchanged."""
        from credit_closure._scorecard.logistic import reference_scorer

        plain = _fit({k: {"en": v["en"], "zh": v["zh"]} for k, v in TEXTS.items()})[0]
        doc = plain.to_dict()
        assert doc["format_version"] == 1
        assert all("bin_texts" not in i for i in doc["inputs"])
        ref = json.loads((ROOT / "credit_closure/data/logistic_reference.json").read_text("utf-8"))
        assert reference_scorer().sha256_ == ref["sha256"] and ref["format_version"] == 1
        assert type(reference_scorer().reason_texts_) is dict

    def _tampered(self, binned: LogisticScorer, tmp_path: Path, change: Any) -> Path:
        from credit_closure._scorecard import sha256

        doc = binned.to_dict()
        del doc["sha256"]
        change(doc)
        doc["sha256"] = sha256(doc)
        path = tmp_path / "t.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        return path

    def _binned_input(self, doc: dict[str, Any]) -> dict[str, Any]:
        return next(i for i in doc["inputs"] if "bin_texts" in i)

    def test_version_1_has_no_bin_texts(self, binned: LogisticScorer, tmp_path: Path) -> None:
        path = self._tampered(binned, tmp_path, lambda d: d.update(format_version=1))
        with pytest.raises(ArtifactError, match="is not a field of format version 1"):
            LogisticScorer.load(path)

    def test_version_2_needs_bin_texts(self, binned: LogisticScorer, tmp_path: Path) -> None:
        def strip(d: dict[str, Any]) -> None:
            for i in d["inputs"]:
                i.pop("bin_texts", None)

        path = self._tampered(binned, tmp_path, strip)
        with pytest.raises(ArtifactError, match="format_version"):
            LogisticScorer.load(path)

    @pytest.mark.parametrize(
        "value, message",
        [
            ([], "one per bin"),
            ("x", "one per bin"),
            (None, "one per bin"),
        ],
    )
    def test_bad_bin_texts(
        self, binned: LogisticScorer, tmp_path: Path, value: Any, message: str
    ) -> None:
        path = self._tampered(
            binned, tmp_path, lambda d: self._binned_input(d).update(bin_texts=value)
        )
        with pytest.raises(ArtifactError, match=message):
            LogisticScorer.load(path)

    def test_all_null_and_bad_entry(self, binned: LogisticScorer, tmp_path: Path) -> None:
        def nulls(d: dict[str, Any]) -> None:
            i = self._binned_input(d)
            i["bin_texts"] = [None] * len(i["bin_texts"])

        with pytest.raises(ArtifactError, match="at least one bin"):
            LogisticScorer.load(self._tampered(binned, tmp_path, nulls))

        def bad(d: dict[str, Any]) -> None:
            i = self._binned_input(d)
            i["bin_texts"] = [{"en": "a"}] * len(i["bin_texts"])

        with pytest.raises(ArtifactError, match="bin_texts"):
            LogisticScorer.load(self._tampered(binned, tmp_path, bad))


class TestEngines:
    def test_columnar_reports_the_codes_assess_does(self, binned: LogisticScorer) -> None:
        """The columnar engine ranks reasons by code: with per-bin texts its codes are
        still assess()'s, subject by subject."""
        from credit_closure.columnar import profiles_to_tables, score_columnar

        profiles, _ = _data(150)
        t = profiles_to_tables(profiles, container="numpy")
        out = score_columnar(
            t["accounts"],
            t["closures"],
            t["inquiries"],
            t["attributes"],
            scorer=binned,
            as_of=AS_OF,
            engine="numpy",
        )
        by_id = {p.subject_id: p for p in profiles}
        for k, sid in enumerate(out["subject_id"]):
            a = assess(by_id[sid], scorer=binned, as_of=AS_OF)
            codes = [r.code for r in a.reasons] + [None] * (4 - len(a.reasons))
            assert [out[f"reason_{j}"][k] for j in range(1, 5)] == codes[:4]
            assert out["score"][k] == a.score


class TestCommand:
    def test_train_with_bin_texts(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """``train --reason-texts`` takes per-bin texts; the artifact holds them."""
        from credit_closure.cli import main

        profiles, outcomes = _data()
        rows = [
            json.dumps({"profile": p.to_dict(), "outcome": y, "as_of": AS_OF})
            for p, y in zip(profiles, outcomes)
        ]
        data = tmp_path / "train.jsonl"
        data.write_text("\n".join(rows) + "\n", encoding="utf-8")
        texts = tmp_path / "texts.json"
        texts.write_text(json.dumps(TEXTS), encoding="utf-8")
        out = tmp_path / "card.json"
        argv = ["train", str(data), "--out", str(out), "--reason-texts", str(texts)]
        assert main([*argv, "--min-iv", "0"]) == 0
        err = capsys.readouterr().err
        assert "holds no whole bin" in err
        doc = json.loads(out.read_text("utf-8"))
        assert doc["format_version"] == 2
