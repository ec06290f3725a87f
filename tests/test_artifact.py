"""The scorecard's JSON artifact (:mod:`credit_closure._scorecard.artifact`): files are data, never
code; malformed, truncated, wrong-version and tampered artifacts are refused; a saved scorecard
reloads bit-identical (``TestPersistence``, on the ``fitted``/``saved`` fixtures of conftest.py)."""

from __future__ import annotations

import ast
import datetime as dt
import json
import pathlib
import pickle
import subprocess
import sys
from typing import Any

import pytest
from _helpers import (
    DEFAULT_POLICY,
    PORTFOLIO_AS_OF,
    REFERENCE_ARTIFACT,
    package_trees,
    rehash,
    small_attribute_data,
)

from credit_closure import (
    ArtifactError,
    InvalidInputError,
    LogisticScorer,
    PolicyError,
    RulePolicy,
    RuleScorer,
    Scale,
)

AS_OF = PORTFOLIO_AS_OF  # the date of the data/fitted/saved fixtures


class _WritesMarker:
    """Unpickling this object opens (creates) the marker file: proof that code ran."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (open, (self.marker, "w"))


def _pickle_payloads(marker: pathlib.Path) -> dict[str, bytes]:
    """Every pickle protocol, plus joblib dumps (plain and compressed), of the marker writer."""
    import io

    import joblib

    out = {
        f"pickle-protocol-{p}": pickle.dumps(_WritesMarker(str(marker)), protocol=p)
        for p in range(0, pickle.HIGHEST_PROTOCOL + 1)
    }
    for compress in (0, 3, "gzip"):
        buf = io.BytesIO()
        joblib.dump(_WritesMarker(str(marker)), buf, compress=compress)
        out[f"joblib-compress-{compress}"] = buf.getvalue()
    return out


def _artifact_doc() -> dict[str, Any]:
    return json.loads(REFERENCE_ARTIFACT.read_text("utf-8"))


def _resealed(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with its sha256 recomputed, as a forger with the format spec would do."""
    from credit_closure._scorecard import sha256

    doc = {k: v for k, v in doc.items() if k != "sha256"}
    doc["sha256"] = sha256(doc)
    return doc


class TestPickleNeverRuns:
    """A pickle planted as a model or a policy is refused and never executed."""

    def test_payload_would_run_if_unpickled(self, tmp_path: pathlib.Path) -> None:
        """Sanity: unpickling the planted payload really does create the marker."""
        marker = tmp_path / "ran"
        pickle.loads(pickle.dumps(_WritesMarker(str(marker))))
        assert marker.exists()

    @pytest.mark.parametrize("suffix", [".json", ".pkl", ".joblib", ""])
    def test_pickled_artifact_refused_and_not_run(
        self, tmp_path: pathlib.Path, suffix: str
    ) -> None:
        """LogisticScorer.load refuses every pickle/joblib payload; the marker never appears."""
        marker = tmp_path / "marker-artifact"
        for label, payload in _pickle_payloads(marker).items():
            path = tmp_path / f"model-{label}{suffix}"
            path.write_bytes(payload)
            with pytest.raises(ArtifactError) as info:
                LogisticScorer.load(path)
            assert path.name in str(info.value), label
            with pytest.raises(ArtifactError):
                LogisticScorer.from_bytes(payload)
        assert not marker.exists()

    @pytest.mark.parametrize("suffix", [".json", ".toml", ".pkl"])
    def test_pickled_policy_refused_and_not_run(self, tmp_path: pathlib.Path, suffix: str) -> None:
        """RulePolicy.from_file and RuleScorer.from_file refuse pickles; the marker never appears."""
        marker = tmp_path / "marker-policy"
        for label, payload in _pickle_payloads(marker).items():
            path = tmp_path / f"policy-{label}{suffix}"
            path.write_bytes(payload)
            with pytest.raises(PolicyError):
                RulePolicy.from_file(path)
            with pytest.raises(PolicyError):
                RuleScorer.from_file(path)
        assert not marker.exists()

    def test_package_never_unpickles(self) -> None:
        """No module calls a pickle/joblib/marshal/numpy loader, eval or exec (syntax tree)."""
        loaders = {
            "pickle",
            "cPickle",
            "joblib",
            "cloudpickle",
            "dill",
            "marshal",
            "shelve",
            "np",
            "numpy",
            "torch",
        }
        found = []
        trees = package_trees()
        assert len(trees) > 10
        for path, tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    f = node.func
                    if (
                        isinstance(f, ast.Attribute)
                        and isinstance(f.value, ast.Name)
                        and f.value.id in loaders
                        and (f.attr.startswith("load") or f.attr in ("open", "Unpickler"))
                    ):
                        found.append(f"{path.name}:{node.lineno} {f.value.id}.{f.attr}")
                    if isinstance(f, ast.Name) and f.id in ("eval", "exec", "__import__"):
                        found.append(f"{path.name}:{node.lineno} {f.id}")
                if isinstance(node, ast.ImportFrom) and node.module in loaders:
                    for alias in node.names:
                        if alias.name.startswith("load") or alias.name == "Unpickler":
                            found.append(
                                f"{path.name}:{node.lineno} from {node.module} import {alias.name}"
                            )
        assert found == []


class TestArtifactFiles:
    """Malformed, truncated, wrong-version and tampered model artifacts are refused clearly."""

    def test_reference_artifact_loads(self) -> None:
        """Sanity: the shipped artifact loads, and with its own sha256 pinned."""
        scorer = LogisticScorer.load(REFERENCE_ARTIFACT)
        assert (
            LogisticScorer.load(REFERENCE_ARTIFACT, sha256=scorer.sha256_).sha256_ == scorer.sha256_
        )

    @pytest.mark.parametrize(
        "label, payload, words",
        [
            ("empty", b"", "'{'"),
            ("not-json", b"hello world", "'{'"),
            ("array", b"[1, 2, 3]", "'{'"),
            ("empty-object", b"{}", "format"),
            ("bom", b"\xef\xbb\xbf{}", "'{'"),
            ("nan", b'{"format": NaN}', "NaN"),
            ("deep", b"{" + b'"a":{' * 50_000, "nested too deeply"),
            ("zip", b"PK\x03\x04rest", "zip"),
            ("npy", b"\x93NUMPY\x01\x00", "numpy"),
            ("gzip", b"\x1f\x8b\x08\x00", "compressed"),
        ],
    )
    def test_malformed_artifact(
        self, tmp_path: pathlib.Path, label: str, payload: bytes, words: str
    ) -> None:
        """A file that is not an artifact raises ArtifactError naming the file and the reason."""
        path = tmp_path / f"{label}.json"
        path.write_bytes(payload)
        with pytest.raises(ArtifactError) as info:
            LogisticScorer.load(path)
        assert path.name in str(info.value) and words in str(info.value)

    def test_truncated_artifact(self, tmp_path: pathlib.Path) -> None:
        """Any truncation of the artifact is refused with ArtifactError."""
        raw = REFERENCE_ARTIFACT.read_bytes()
        for cut in (1, 100, len(raw) // 3, len(raw) // 2, len(raw) - 2):
            path = tmp_path / f"cut-{cut}.json"
            path.write_bytes(raw[:cut])
            with pytest.raises(ArtifactError):
                LogisticScorer.load(path)

    @pytest.mark.parametrize("version", [0, 2, 99, "1", 1.0, None, True])
    def test_wrong_version(self, tmp_path: pathlib.Path, version: Any) -> None:
        """Another format_version is refused, even with a consistent hash."""
        doc = _artifact_doc()
        doc["format_version"] = version
        path = tmp_path / "v.json"
        path.write_text(json.dumps(_resealed(doc)))
        with pytest.raises(ArtifactError, match="format_version"):
            LogisticScorer.load(path)

    def test_wrong_format_name(self, tmp_path: pathlib.Path) -> None:
        """A JSON file of another kind (a policy, say) is refused as an artifact."""
        with pytest.raises(ArtifactError, match="format"):
            LogisticScorer.load(DEFAULT_POLICY)

    def test_tampered_coefficient_hash_mismatch(self, tmp_path: pathlib.Path) -> None:
        """Changing one number without resealing fails the sha256 check."""
        doc = _artifact_doc()
        doc["intercept"] = doc["intercept"] + 1e-9
        path = tmp_path / "t.json"
        path.write_text(json.dumps(doc))
        with pytest.raises(ArtifactError, match="sha256") as info:
            LogisticScorer.load(path)
        assert "does not match" in str(info.value)

    def test_tampered_text_hash_mismatch(self, tmp_path: pathlib.Path) -> None:
        """Changing a reason text or the training metadata without resealing is detected."""
        doc = _artifact_doc()
        doc["training"] = dict(doc["training"], tampered=True)
        path = tmp_path / "t.json"
        path.write_text(json.dumps(doc))
        with pytest.raises(ArtifactError, match="does not match"):
            LogisticScorer.load(path)

    def test_resealed_but_not_the_pinned_model(self, tmp_path: pathlib.Path) -> None:
        """A forged artifact with a recomputed hash is refused when the expected sha256 is pinned."""
        good = LogisticScorer.load(REFERENCE_ARTIFACT)
        doc = _artifact_doc()
        doc["intercept"] = doc["intercept"] + 0.5
        path = tmp_path / "forged.json"
        path.write_text(json.dumps(_resealed(doc)))
        with pytest.raises(ArtifactError, match="not the expected"):
            LogisticScorer.load(path, sha256=good.sha256_)

    def test_resealed_inconsistent_points_refused(self, tmp_path: pathlib.Path) -> None:
        """A resealed artifact whose points disagree with its coefficients is refused."""
        doc = _artifact_doc()
        item = doc["inputs"][0]
        item["points"] = [p + 10.0 for p in item["points"]]
        path = tmp_path / "points.json"
        path.write_text(json.dumps(_resealed(doc)))
        with pytest.raises(ArtifactError, match="points"):
            LogisticScorer.load(path)

    @pytest.mark.parametrize("sha", ["", "abc", "g" * 64, 123])
    def test_bad_pin_argument(self, sha: Any) -> None:
        """A malformed expected sha256 is an InvalidInputError naming the argument."""
        with pytest.raises(InvalidInputError) as info:
            LogisticScorer.load(REFERENCE_ARTIFACT, sha256=sha)
        assert info.value.problems[0][0] == "sha256"

    def test_missing_file(self, tmp_path: pathlib.Path) -> None:
        """A missing file is an ArtifactError, not an OSError."""
        with pytest.raises(ArtifactError, match="cannot read"):
            LogisticScorer.load(tmp_path / "nope.json")


class TestPersistence:
    def test_round_trip_is_bit_identical(self, fitted, saved, data):
        """A reloaded scorer gives the same probabilities and points, to the bit."""
        loaded = LogisticScorer.load(saved)
        assert loaded.sha256_ == fitted.sha256_ and loaded.version == fitted.version
        ps = data[0]
        assert loaded.predict_proba(ps, AS_OF) == fitted.predict_proba(ps, AS_OF)
        assert [loaded.total_points(p, AS_OF) for p in ps[:500]] == [
            fitted.total_points(p, AS_OF) for p in ps[:500]
        ]
        assert loaded.to_dict() == fitted.to_dict()

    def test_awkward_categories_survive(self, fitted, saved, data):
        """Categories with commas, quotes and Chinese characters reload exactly."""
        loaded = LogisticScorer.load(saved)
        g1 = [i.binning.groups for i in fitted.inputs_ if i.name == "channel"]
        g2 = [i.binning.groups for i in loaded.inputs_ if i.name == "channel"]
        assert g1 == g2 and g1
        text = saved.read_text(encoding="utf-8")
        assert "花呗,用户" in text and 'say \\"hi\\"' in text

    def test_scale_parameters_survive(self, tmp_path):
        """A lender's own scale is stored and restored exactly."""
        profiles, outcomes = small_attribute_data()
        scale = Scale(
            base_points=500.0, base_odds=20.0, pdo=40.0, approve_at=480.0, decline_below=450.0
        )
        s = LogisticScorer(min_iv=0.0, scale=scale).fit(profiles, outcomes, as_of="2025-01-01")
        s.save(tmp_path / "m.json")
        loaded = LogisticScorer.load(tmp_path / "m.json")
        assert loaded.scale == scale and loaded.scale.factor == scale.factor
        d = dt.date(2025, 1, 1)
        assert [loaded.total_points(p, d) for p in profiles] == [
            s.total_points(p, d) for p in profiles
        ]

    def test_tampered_digit_refused(self, saved, tmp_path):
        """Changing one digit of a number is detected by the hash."""
        text = saved.read_text(encoding="utf-8")
        i = text.index('"intercept": ') + len('"intercept": ') + 3
        digit = text[i]
        assert digit.isdigit()
        bad = tmp_path / "bad.json"
        bad.write_text(text[:i] + str((int(digit) + 1) % 10) + text[i + 1 :], encoding="utf-8")
        with pytest.raises(ArtifactError, match="sha256"):
            LogisticScorer.load(bad)

    def test_wrong_format_version_refused(self, saved, tmp_path):
        """A format version this library does not read is refused, by name."""
        doc = json.loads(saved.read_text(encoding="utf-8"))
        doc["format_version"] = 2
        bad = tmp_path / "v2.json"
        bad.write_text(json.dumps(rehash(doc)), encoding="utf-8")
        with pytest.raises(ArtifactError, match="format_version"):
            LogisticScorer.load(bad)

    def test_truncated_file_refused(self, saved, tmp_path):
        """A truncated artifact is refused."""
        raw = saved.read_bytes()
        bad = tmp_path / "cut.json"
        bad.write_bytes(raw[: len(raw) // 2])
        with pytest.raises(ArtifactError, match="not valid JSON"):
            LogisticScorer.load(bad)

    def test_pickle_refused_without_unpickling(self, tmp_path):
        """A pickle whose unpickling would create a file is refused and never run."""
        marker = tmp_path / "pwned.txt"

        class Bomb:
            def __reduce__(self):
                return (open, (str(marker), "w"))

        for proto in (0, 2, pickle.HIGHEST_PROTOCOL):
            path = tmp_path / f"model{proto}.pkl"
            path.write_bytes(pickle.dumps(Bomb(), protocol=proto))
            with pytest.raises(ArtifactError):
                LogisticScorer.load(path)
        assert not marker.exists()

    @pytest.mark.parametrize("magic", [b"PK\x03\x04rest", b"\x93NUMPY\x01\x00", b"\x1f\x8b\x08"])
    def test_other_binary_formats_refused(self, tmp_path, magic):
        """Zip (npz, joblib), npy and compressed files are refused by their magic bytes."""
        path = tmp_path / "model.bin"
        path.write_bytes(magic)
        with pytest.raises(ArtifactError, match="refused"):
            LogisticScorer.load(path)

    def test_expected_sha256(self, fitted, saved):
        """The caller's expected hash must match; a malformed one is bad input."""
        assert LogisticScorer.load(saved, sha256=fitted.sha256_.upper()).version == fitted.version
        with pytest.raises(ArtifactError, match="not the model you asked for"):
            LogisticScorer.load(saved, sha256="0" * 64)
        with pytest.raises(InvalidInputError):
            LogisticScorer.load(saved, sha256="abc")

    def test_rehashed_edits_still_checked(self, saved, tmp_path):
        """Points that disagree with the coefficients, or unknown fields, are refused even
        when the hash was recomputed."""
        doc = json.loads(saved.read_text(encoding="utf-8"))
        doc["inputs"][0]["points"][0] += 1.0
        doc["extra"] = 1
        bad = tmp_path / "edited.json"
        bad.write_text(json.dumps(rehash(doc)), encoding="utf-8")
        with pytest.raises(ArtifactError) as exc:
            LogisticScorer.load(bad)
        assert "extra" in str(exc.value)
        del doc["extra"]
        bad.write_text(json.dumps(rehash(doc)), encoding="utf-8")
        with pytest.raises(ArtifactError, match="the points are the model"):
            LogisticScorer.load(bad)

    def test_missing_file(self, tmp_path):
        """A missing file is an ArtifactError."""
        with pytest.raises(ArtifactError, match="cannot read"):
            LogisticScorer.load(tmp_path / "nope.json")

    def test_load_and_score_import_no_sklearn(self, saved):
        """Loading an artifact and scoring with it never imports scikit-learn."""
        code = (
            "import sys, datetime\n"
            "from credit_closure import LogisticScorer, CreditProfile, assess\n"
            f"s = LogisticScorer.load({str(saved)!r})\n"
            "p = CreditProfile.from_dict({'subject_id': 'x', 'attributes': {'channel': 'a,b'}})\n"
            "a = assess(p, scorer=s, as_of='2026-06-30')\n"
            "assess(p, scorer='logistic', as_of='2026-06-30')\n"
            "print(a.scorer_version, 'sklearn' in sys.modules)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.split()[1] == "False"
