"""Readable reasons for a trained scorecard: reason texts from a file (``credit-closure train
--reason-texts``, :meth:`LogisticScorer.read_reason_texts`), the warning naming every scored
attribute without a text, and the refusal to make a scorecard without inputs."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from credit_closure import CreditProfile, InvalidInputError, LogisticScorer, assess
from credit_closure._scoring.reasons import ReasonText
from credit_closure.exceptions import ReasonTextWarning
from credit_closure.synth import generate_portfolio, read_jsonl

pytest.importorskip("sklearn")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "training"
AS_OF = dt.date(2026, 6, 30)
TEXTS = {
    "ATTR_AGE": {
        "en": "Age of the applicant is in a higher-risk range",
        "zh": "申请人年龄偏高风险",
    },
    "ATTR_CITY_TIER": {"en": "City tier carries a higher risk", "zh": "城市等级风险较高"},
    "ATTR_EMPLOYMENT": {"en": "Type of employment carries a higher risk", "zh": "就业类型风险较高"},
    "ATTR_MONTHLY_INCOME": {"en": "Monthly income is low", "zh": "月收入偏低"},
}


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m credit_closure.cli`` on this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "credit_closure.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def warning_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("credit-closure: warning: ")]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("reason_texts")
    generate_portfolio(400, seed=3, as_of=AS_OF).to_jsonl(d / "train.jsonl")
    (d / "texts.json").write_text(json.dumps(TEXTS, ensure_ascii=False), encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def trained(workdir: Path) -> subprocess.CompletedProcess[str]:
    """``train --reason-texts`` with a text for every attribute of the data."""
    return cli(
        "train", "train.jsonl", "--out", "model.json", "--reason-texts", "texts.json", cwd=workdir
    )


class TestTrainWithTexts:
    def test_top_reason_reads_the_given_texts(self, workdir, trained):
        """The assessment's top attribute reason shows the file's English and Chinese text,
        through the Python API and through ``assess --model --json``."""
        assert trained.returncode == 0, trained.stderr
        assert warning_lines(trained.stderr) == []
        model = LogisticScorer.load(workdir / "model.json")
        data = read_jsonl(workdir / "train.jsonl")
        for profile, as_of in zip(data.profiles, data.as_of):
            a = assess(profile, scorer=model, as_of=as_of)
            if a.reasons and a.reasons[0].code.startswith("ATTR_"):
                break
        else:  # pragma: no cover - the synthetic data always has one
            pytest.fail("no subject with an attribute as its top reason")
        top = a.reasons[0]
        assert (top.message, top.message_zh) == (
            TEXTS[top.code]["en"],
            TEXTS[top.code]["zh"],
        )
        (workdir / "one.json").write_text(json.dumps(profile.to_dict()), encoding="utf-8")
        out = cli(
            "assess", "one.json", "--model", "model.json", "--json", "--as-of", str(as_of),
            cwd=workdir,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        doc = json.loads(out.stdout)
        first = doc["reasons"][0]
        assert first["code"] == top.code
        assert first["message"] == TEXTS[top.code]["en"]
        assert first["message_zh"] == TEXTS[top.code]["zh"]

    def test_artifact_holds_the_texts(self, workdir, trained):
        """The texts are in the artifact, so a loaded model needs no texts file."""
        assert trained.returncode == 0, trained.stderr
        doc = json.loads((workdir / "model.json").read_text(encoding="utf-8"))
        for inp in doc["inputs"]:
            if inp["kind"] == "attribute":
                assert doc["reason_texts"][inp["reason_code"]] == TEXTS[inp["reason_code"]]

    def test_without_texts_warns_once_per_input(self, workdir, trained):
        """Without a texts file, every scored attribute is named on one stderr line, with the
        text its reasons will read; the artifact is still written."""
        out = cli("train", "train.jsonl", "--out", "bare.json", cwd=workdir)
        assert out.returncode == 0, out.stderr
        bare = LogisticScorer.load(workdir / "bare.json")
        scored = sorted(i.name for i in bare.inputs_ if i.kind == "attribute")
        assert scored  # the synthetic attributes carry signal
        lines = warning_lines(out.stderr)
        assert len(lines) == len(scored)
        for name, line in zip(scored, lines):
            assert f"input '{name}' has no reason text" in line
            assert f"贷款机构输入项 '{name}'" in line
        # the same data with the texts: the same inputs, every one with its text
        model = LogisticScorer.load(workdir / "model.json")
        assert sorted(i.name for i in model.inputs_ if i.kind == "attribute") == scored

    def test_partial_file_and_misspelt_code(self, workdir):
        """A file missing some attributes warns for those only; a code naming no attribute
        of the data is reported as a likely typo."""
        partial = {
            "ATTR_MONTHLY_INCOME": TEXTS["ATTR_MONTHLY_INCOME"],
            "ATTR_AGES": TEXTS["ATTR_AGE"],
        }
        (workdir / "partial.json").write_text(json.dumps(partial), encoding="utf-8")
        out = cli(
            "train", "train.jsonl", "--out", "partial_model.json", "--reason-texts",
            "partial.json", cwd=workdir,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        lines = warning_lines(out.stderr)
        assert not any("'monthly_income'" in ln for ln in lines)
        assert any("input 'age' has no reason text (code ATTR_AGE)" in ln for ln in lines)
        assert any("ATTR_AGES names no lender attribute" in ln for ln in lines)

    def test_two_rows_without_signal_are_refused(self, workdir):
        """Two profiles with nothing that varies: no input passes selection, the command
        fails with the reason and writes no artifact."""
        rows = [
            {"profile": {"subject_id": f"s{i}"}, "outcome": i, "as_of": "2026-06-30"}
            for i in (0, 1)
        ]
        (workdir / "two.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
        )
        out = cli("train", "two.jsonl", "--out", "two_model.json", cwd=workdir)
        assert out.returncode == 1
        assert "no input passed selection on 2 rows (1 bad, 1 good)" in out.stderr
        assert "min_iv=0.0" in out.stderr and "min_bin_share=0.03" in out.stderr
        assert not (workdir / "two_model.json").exists()

    def test_bad_texts_file_names_the_file_and_path(self, workdir):
        """A bad texts file fails before any fitting, naming the file and the entry."""
        (workdir / "bad.json").write_text(
            json.dumps({"age": {"en": "Age", "zh": "年龄"}, "ATTR_X": {"en": "", "zh": "x"}}),
            encoding="utf-8",
        )
        out = cli(
            "train", "train.jsonl", "--out", "never.json", "--reason-texts", "bad.json", cwd=workdir
        )
        assert out.returncode == 1
        assert "credit-closure: bad.json: invalid reason texts: 2 problems" in out.stderr
        assert "  age: is not a reason code" in out.stderr
        assert "the code of the lender attribute 'age' is ATTR_AGE" in out.stderr
        assert "  ATTR_X.en: must be a non-empty string" in out.stderr
        assert not (workdir / "never.json").exists()


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


class TestReadReasonTexts:
    def test_examples_json_and_toml_agree(self):
        """The shipped example files hold the same texts, one per synthetic attribute."""
        got = LogisticScorer.read_reason_texts(EXAMPLES / "reason_texts.json")
        assert set(got) == {"ATTR_AGE", "ATTR_CITY_TIER", "ATTR_EMPLOYMENT", "ATTR_MONTHLY_INCOME"}
        assert all(isinstance(t, ReasonText) and t.en and t.zh for t in got.values())
        if sys.version_info >= (3, 11):
            assert LogisticScorer.read_reason_texts(EXAMPLES / "reason_texts.toml") == got

    def test_accepted_by_the_parameter(self):
        """What the reader returns is what ``reason_texts`` takes; a feature's code overrides
        the catalog text."""
        texts = {"UTILIZATION_HIGH": ("Cards are used near their limits", "信用卡接近额度")}
        s = LogisticScorer(reason_texts=texts)
        assert s.get_params()["reason_texts"] == texts

    @pytest.mark.parametrize(
        ("content", "path", "message"),
        [
            ('{"ATTR_AGE": {"en": "a"}}', "ATTR_AGE", "en and zh (and bins) (got keys en)"),
            ('{"ATTR_AGE": {"en": "a", "zh": "b", "up": 1}}', "ATTR_AGE", "got keys en, up, zh"),
            (
                '{"ATTR_AGE": {"en": "a", "zh": "b", "bins": {}}}',
                "ATTR_AGE.bins",
                "must be a list of 1-100 per-bin texts",
            ),
            ('{"ATTR_AGE": {"en": "a", "zh": 3}}', "ATTR_AGE.zh", "must be a non-empty string"),
            ('{"ATTR_AGE": "Age"}', "ATTR_AGE", "must be an (English, Chinese) pair"),
            ('{"monthly income": ["a", "b"]}', "monthly income", "ATTR_MONTHLY_INCOME"),
            ('{"ATTR_age": ["a", "b"]}', "ATTR_age", "codes are upper case: ATTR_AGE"),
            ("[]", "", "must be an object"),
            ("{}", "", "holds no reason text"),
            ('{"ATTR_AGE": {"en": "a", "zh": "b"}, "ATTR_AGE": {}}', "", "duplicate"),
            ('\ufeff{"ATTR_AGE": {"en": "a", "zh": "b"}}', "", "byte-order mark"),
            ("{not json", "", "JSON"),
        ],
    )
    def test_bad_json(self, tmp_path, content, path, message):
        """Every problem is an InvalidInputError named by its path inside the file."""
        f = _write(tmp_path, "texts.json", content)
        with pytest.raises(InvalidInputError) as info:
            LogisticScorer.read_reason_texts(f)
        assert info.value.what == "reason texts"
        assert any(p == path and message in m for p, m in info.value.problems), info.value.problems

    @pytest.mark.skipif(sys.version_info < (3, 11), reason="TOML needs Python 3.11")
    def test_bad_toml(self, tmp_path):
        """Invalid TOML and bad entries in TOML are named like JSON's."""
        with pytest.raises(InvalidInputError, match="is not valid TOML"):
            LogisticScorer.read_reason_texts(_write(tmp_path, "a.toml", "[ATTR_AGE\nen = 1"))
        f = _write(tmp_path, "b.toml", '[ATTR_AGE]\nen = "Age"\nzh = ""\n')
        with pytest.raises(InvalidInputError) as info:
            LogisticScorer.read_reason_texts(f)
        assert info.value.problems == [("ATTR_AGE.zh", "must be a non-empty string")]

    def test_unreadable_and_too_large(self, tmp_path):
        with pytest.raises(InvalidInputError, match="cannot be read"):
            LogisticScorer.read_reason_texts(tmp_path / "missing.json")
        big = _write(tmp_path, "big.json", b" " * (1024 * 1024 + 1))
        with pytest.raises(InvalidInputError, match="larger than"):
            LogisticScorer.read_reason_texts(big)


def _income_data(n: int = 400) -> tuple[list[CreditProfile], list[int]]:
    profiles, outcomes = [], []
    for i in range(n):
        income = (3000, 8000, 15000, 30000)[i % 4]
        profiles.append(
            CreditProfile(subject_id=f"s{i}", attributes={"monthly_income": income, "age": 30})
        )
        outcomes.append(int((i * 7919) % 100 < 3000 * 100 / (income + 6000)))
    return profiles, outcomes


class TestPythonApi:
    def test_fit_warns_per_attribute_without_text(self):
        """``fit`` warns with ReasonTextWarning for each scored attribute without a text,
        and not when it has one."""
        profiles, outcomes = _income_data()
        with pytest.warns(ReasonTextWarning, match=r"input 'monthly_income' has no reason text"):
            LogisticScorer().fit(profiles, outcomes, as_of=AS_OF)
        with warnings.catch_warnings():
            warnings.simplefilter("error", ReasonTextWarning)
            mine = {k: TEXTS[k] for k in ("ATTR_AGE", "ATTR_MONTHLY_INCOME")}
            s = LogisticScorer(reason_texts=mine).fit(profiles, outcomes, as_of=AS_OF)
        poor = CreditProfile(subject_id="x", attributes={"monthly_income": 3000})
        top = assess(poor, scorer=s, as_of=AS_OF).reasons[0]
        assert (top.code, top.message, top.message_zh) == (
            "ATTR_MONTHLY_INCOME",
            "Monthly income is low",
            "月收入偏低",
        )

    def test_fit_refuses_no_input(self):
        """Two profiles with nothing that varies: fit raises, naming the rows and minimums."""
        profiles = [CreditProfile(subject_id="a"), CreditProfile(subject_id="b")]
        with pytest.raises(InvalidInputError) as info:
            LogisticScorer().fit(profiles, [0, 1], as_of=AS_OF)
        (path, message), *rest = info.value.problems
        assert path == "profiles" and not rest
        assert message.startswith("no input passed selection on 2 rows (1 bad, 1 good)")
        assert "below min_iv=0.0" in message and "count closures" in message

    def test_min_iv_too_high_is_refused(self):
        """A min_iv no input reaches is named in the refusal."""
        profiles, outcomes = _income_data()
        with pytest.raises(InvalidInputError, match=r"min_iv=50\.0"):
            LogisticScorer(min_iv=50.0).fit(profiles, outcomes, as_of=AS_OF)

    def test_save_refuses_a_card_without_inputs(self, tmp_path):
        """A scorecard without inputs (an earlier version's) is never saved again."""
        profiles, outcomes = _income_data()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ReasonTextWarning)
            s = LogisticScorer().fit(profiles, outcomes, as_of=AS_OF)
        s.inputs_ = ()
        with pytest.raises(InvalidInputError, match="without inputs"):
            s.save(tmp_path / "m.json")
        assert not (tmp_path / "m.json").exists()
