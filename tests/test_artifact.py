"""The scorecard's JSON artifact (:mod:`credit_closure._scorecard.artifact`): files are data, never
code; malformed, truncated, wrong-version and tampered artifacts are refused."""

from __future__ import annotations

import ast
import json
import pathlib
import pickle
from typing import Any

import pytest
from _helpers import (
    DEFAULT_POLICY,
    REFERENCE_ARTIFACT,
    package_trees,
)

from credit_closure import (
    ArtifactError,
    InvalidInputError,
    LogisticScorer,
    PolicyError,
    RulePolicy,
    RuleScorer,
)


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
