"""Hardening: hostile and broken documents, tampered and pickled files, resource limits,
concurrency and faults. Each promise in SECURITY.md points at a test here.

The malformed-document corpus lives in ``tests/data/bad/``: one file per case, and
``expected.json`` mapping each case to the exact problem paths it must report, the stage that
must refuse it (``parse``: :func:`loads_document`; ``build``: ``from_dict``; ``assess``:
``assess(..., as_of=2025-12-31)``) and a description. Cases too large to commit are listed
there with a ``generated`` key and built at test time by :func:`_generate`.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import functools
import json
import os
import pathlib
import pickle
import threading
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import credit_closure
from credit_closure import (
    ArtifactError,
    CreditProfile,
    Enterprise,
    InvalidInputError,
    LogisticScorer,
    PolicyError,
    RulePolicy,
    RuleScorer,
    ScoringError,
    assess,
    get_scorer,
)
from credit_closure._contract import documents as cc_json
from credit_closure._contract.documents import MAX_DOCUMENT_BYTES, loads_document
from credit_closure._contract.model import Limits
from credit_closure.cli import main as cli_main

ROOT = pathlib.Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
EXPECTED: dict[str, dict[str, Any]] = json.loads((BAD / "expected.json").read_text("utf-8"))
EXAMPLES = sorted((ROOT / "examples" / "profiles").glob("*.json"))
ENTERPRISE_EXAMPLES = sorted((ROOT / "examples" / "enterprise").glob("*.json"))
PACKAGE = pathlib.Path(credit_closure.__file__).resolve().parent
AS_OF = dt.date(2025, 12, 31)
AS_OF_TEXT = AS_OF.isoformat()

#: Corpus cases the library gets wrong today. Each stays a strict xfail until it is fixed,
#: so a fix turns the test red and the mark must then be removed.
KNOWN_BUGS: dict[str, str] = {}


# --------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------
def _minimal_closed() -> dict[str, Any]:
    return {
        "subject_id": "p-big",
        "accounts": [
            {"account_id": "a", "product": "other", "status": "closed", "closed_on": "2020-01-01"}
        ],
    }


def _dump(doc: Any) -> bytes:
    return json.dumps(doc, separators=(",", ":")).encode("utf-8")


@functools.cache
def _generate(kind: str) -> bytes:
    """The bytes of a generated (too large to commit) corpus case."""
    n = 100_000
    if kind == "deep_arrays":
        return b"[" * n + b"]" * n
    if kind == "deep_objects":
        return b'{"a":' * n + b"1" + b"}" * n
    if kind == "oversize":
        body = (ROOT / "examples" / "profiles" / "01_clean_voluntary_huabei.json").read_bytes()
        return body + b" " * (MAX_DOCUMENT_BYTES + 1 - len(body))
    doc = _minimal_closed()
    if kind == "accounts":
        doc["accounts"] = [
            {"account_id": f"a{i}", "product": "other", "status": "open"}
            for i in range(Limits.MAX_ACCOUNTS + 1)
        ]
    elif kind == "closures":
        doc["closures"] = [{"account_id": "a", "closed_on": "2020-01-01"}] * (
            Limits.MAX_CLOSURES + 1
        )
    elif kind == "inquiries":
        doc["inquiries"] = [{"on": "2025-01-01", "kind": "self"}] * (Limits.MAX_INQUIRIES + 1)
    elif kind == "activity":
        doc["activity"] = [{"account_id": "a", "at": "2025-01-01T00:00:00", "kind": "login"}] * (
            Limits.MAX_ACTIVITY + 1
        )
    elif kind == "attributes":
        doc["attributes"] = {f"x{i}": i for i in range(Limits.MAX_ATTRIBUTES + 1)}
    elif kind == "principals":
        doc = {
            "enterprise_id": "e-big",
            "principals": [
                {"role": "guarantor", "profile": {"subject_id": f"p-{i}"}}
                for i in range(Limits.MAX_PRINCIPALS + 1)
            ],
        }
    else:  # pragma: no cover - a typo in expected.json
        raise KeyError(kind)
    return _dump(doc)


def corpus_bytes(name: str) -> bytes:
    """The raw bytes of corpus case ``name`` (read from disk, or generated)."""
    entry = EXPECTED[name]
    if "generated" in entry:
        return _generate(entry["generated"])
    return (BAD / name).read_bytes()


def _cases(with_bugs: bool = True) -> list[Any]:
    out = []
    for name in sorted(EXPECTED):
        marks = ()
        if with_bugs and name in KNOWN_BUGS:
            marks = (pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name]),)
        out.append(pytest.param(name, marks=marks, id=name))
    return out


class TestCorpus:
    """Every malformed document is refused with exactly the documented problem paths."""

    def test_corpus_is_complete_and_described(self) -> None:
        """The table lists every file, each case has paths, a stage and a description."""
        on_disk = {p.name for p in BAD.iterdir() if p.name != "expected.json"}
        committed = {n for n, e in EXPECTED.items() if "generated" not in e}
        assert on_disk == committed
        assert len(EXPECTED) >= 60
        for name, entry in EXPECTED.items():
            assert entry["kind"] in ("profile", "enterprise"), name
            assert entry["stage"] in ("parse", "build", "assess"), name
            assert entry["paths"] and all(isinstance(p, str) for p in entry["paths"]), name
            assert len(entry["description"]) > 5, name

    def test_corpus_covers_every_generated_limit(self) -> None:
        """Each documented list limit has an over-the-limit case in the table."""
        generated = {e["generated"] for e in EXPECTED.values() if "generated" in e}
        assert {
            "accounts",
            "closures",
            "inquiries",
            "activity",
            "attributes",
            "principals",
            "deep_arrays",
            "deep_objects",
            "oversize",
        } <= generated

    @pytest.mark.parametrize("name", _cases())
    def test_rejected_with_exact_paths(self, name: str) -> None:
        """The case raises InvalidInputError at its stage listing exactly its paths."""
        entry = EXPECTED[name]
        stage = "parse"
        with pytest.raises(InvalidInputError) as info:
            doc = loads_document(corpus_bytes(name))
            stage = "build"
            subject = (Enterprise if entry["kind"] == "enterprise" else CreditProfile).from_dict(
                doc
            )
            stage = "assess"
            assess(subject, as_of=AS_OF)
        assert type(info.value) is InvalidInputError
        assert stage == entry["stage"]
        assert sorted(p for p, _ in info.value.problems) == sorted(entry["paths"])
        assert all(m for _, m in info.value.problems)

    @pytest.mark.parametrize("name", _cases())
    def test_cli_exits_1_with_paths(
        self, name: str, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`credit-closure assess` exits 1, prints exactly the paths, and no traceback."""
        entry = EXPECTED[name]
        path = BAD / name
        if "generated" in entry:
            path = tmp_path / f"{name}.json"
            path.write_bytes(corpus_bytes(name))
        code = cli_main(["assess", str(path), "--as-of", AS_OF_TEXT])
        out, err = capsys.readouterr()
        assert code == 1
        assert out == ""
        assert "Traceback" not in err
        listed = [line[2:].split(": ", 1)[0] for line in err.splitlines() if line.startswith("  ")]
        want = [p or "(document)" for p in entry["paths"]]
        assert sorted(listed) == sorted(want)


# --------------------------------------------------------------------------------------
# Fuzzing: random JSON and random mutations of the examples
# --------------------------------------------------------------------------------------
_FIELD_NAMES = sorted(
    set(cc_json._ACCOUNT_FIELDS)
    | set(cc_json._CLOSURE_FIELDS)
    | set(cc_json._INQUIRY_FIELDS)
    | set(cc_json._ACTIVITY_FIELDS)
    | set(cc_json._PROFILE_FIELDS)
    | set(cc_json._PRINCIPAL_FIELDS)
    | set(cc_json._ENTERPRISE_FIELDS)
)
_SAMPLE_STRINGS = [
    "open",
    "closed",
    "credit_card",
    "consumer",
    "normal",
    "login",
    "self",
    "2025-02-30",
    "2025-06-10",
    "2026-01-01",
    "2025-07-01T10:00:00",
    "a1",
    "hb1",
    "",
    "\x00",
    "\ud800",
    "1e400",
    "NaN",
    "legal_representative",
]
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=-2, max_value=30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(_SAMPLE_STRINGS),
)
_keys = st.one_of(st.sampled_from(_FIELD_NAMES), st.text(max_size=8))
json_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(_keys, children, max_size=6),
    ),
    max_leaves=25,
)


def _load_examples() -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in EXAMPLES]


_EXAMPLE_DOCS = _load_examples()
_ENTERPRISE_DOCS = [json.loads(p.read_text("utf-8")) for p in ENTERPRISE_EXAMPLES]


def _containers(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every list and dict inside ``doc`` (the root included)."""
    out = []
    if isinstance(doc, (dict, list)):
        out.append(path)
        items = doc.items() if isinstance(doc, dict) else enumerate(doc)
        for k, v in items:
            out.extend(_containers(v, path + (k,)))
    return out


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        doc = doc[k]
    return doc


@st.composite
def mutated_documents(draw: st.DrawFn, pool: list[dict[str, Any]]) -> Any:
    """A valid example with 1-3 random mutations: delete a key, change a value's type, set
    a random value, duplicate a list item."""
    doc = copy.deepcopy(draw(st.sampled_from(pool)))
    for _ in range(draw(st.integers(1, 3))):
        paths = _containers(doc)
        target = _at(doc, draw(st.sampled_from(paths)))
        if isinstance(target, dict):
            if not target:
                target[draw(_keys)] = draw(json_values)
                continue
            key = draw(st.sampled_from(sorted(target)))
            op = draw(st.sampled_from(["delete", "retype", "set", "set_sample"]))
            if op == "delete":
                del target[key]
            elif op == "retype":
                old = target[key]
                target[key] = (
                    ([old] if not isinstance(old, list) else {"x": old})
                    if draw(st.booleans())
                    else (str(old) if not isinstance(old, str) else (len(old) or True))
                )
            elif op == "set":
                target[key] = draw(json_values)
            else:
                target[key] = draw(
                    st.sampled_from(_SAMPLE_STRINGS + [-1, 0, 1e308, 10**20, True, None])
                )
        elif target:
            i = draw(st.integers(0, len(target) - 1))
            op = draw(st.sampled_from(["duplicate", "delete", "set"]))
            if op == "duplicate":
                target.insert(i, copy.deepcopy(target[i]))
            elif op == "delete":
                del target[i]
            else:
                target[i] = draw(json_values)
        else:
            target.append(draw(json_values))
    return doc


def _check_either_valid_or_refused(doc: Any, kind: str) -> None:
    """``doc`` builds and assesses, or is refused with InvalidInputError; nothing else."""
    cls = Enterprise if kind == "enterprise" else CreditProfile
    try:
        subject = cls.from_dict(doc)
    except InvalidInputError as exc:
        assert exc.problems and all(isinstance(p, str) and m for p, m in exc.problems)
        return
    try:
        result = assess(subject, as_of=AS_OF)
    except InvalidInputError as exc:  # dated after as_of
        assert all("after the assessment date" in m for _, m in exc.problems)
        return
    assert 0.0 <= result.probability_of_default <= 1.0
    # a valid document round-trips
    assert cls.from_dict(json.loads(json.dumps(subject.to_dict()))) == subject


_FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


class TestFuzz:
    """Random JSON and random mutations are either valid or refused with InvalidInputError."""

    @_FUZZ
    @given(json_values)
    def test_random_json_as_profile(self, value: Any) -> None:
        """Any JSON value given as a profile is valid or an InvalidInputError."""
        _check_either_valid_or_refused(value, "profile")

    @_FUZZ
    @given(json_values)
    def test_random_json_as_enterprise(self, value: Any) -> None:
        """Any JSON value given as an enterprise is valid or an InvalidInputError."""
        _check_either_valid_or_refused(value, "enterprise")

    @_FUZZ
    @given(mutated_documents(_EXAMPLE_DOCS))
    def test_mutated_examples(self, doc: Any) -> None:
        """Mutations of the example profiles are valid or refused, never a crash."""
        _check_either_valid_or_refused(doc, "profile")

    @_FUZZ
    @given(mutated_documents(_ENTERPRISE_DOCS))
    def test_mutated_enterprise_examples(self, doc: Any) -> None:
        """Mutations of the example enterprise are valid or refused, never a crash."""
        _check_either_valid_or_refused(doc, "enterprise")

    @_FUZZ
    @given(
        st.one_of(
            st.binary(max_size=200),
            st.sampled_from(["[", "{", '{"a":', '"', "1e", "-", "tru", "nul"]).map(
                lambda s: (s * 50).encode()
            ),
        )
    )
    def test_random_bytes(self, raw: bytes) -> None:
        """Random bytes parse to a value or raise InvalidInputError, nothing else."""
        try:
            doc = loads_document(raw)
        except InvalidInputError as exc:
            assert exc.problems[0][0] == ""
            return
        _check_either_valid_or_refused(doc, "profile")

    def test_mutation_strategy_does_reach_valid_and_invalid(self) -> None:
        """The mutation strategy yields both accepted and refused documents (it tests both)."""
        seen = {"valid": 0, "refused": 0}

        @settings(max_examples=60, deadline=None, database=None)
        @given(mutated_documents(_EXAMPLE_DOCS))
        def probe(doc: Any) -> None:
            try:
                CreditProfile.from_dict(doc)
                seen["valid"] += 1
            except InvalidInputError:
                seen["refused"] += 1

        probe()
        assert seen["valid"] > 0 and seen["refused"] > 0


# --------------------------------------------------------------------------------------
# Files: model artifacts and policies are data; nothing in them ever runs
# --------------------------------------------------------------------------------------
REFERENCE_ARTIFACT = PACKAGE / "data" / "logistic_reference.json"
DEFAULT_POLICY = PACKAGE / "data" / "default_policy.json"


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
    from credit_closure._scorecard.logistic import _sha256

    doc = {k: v for k, v in doc.items() if k != "sha256"}
    doc["sha256"] = _sha256(doc)
    return doc


@functools.lru_cache(maxsize=1)
def _package_trees() -> tuple[tuple[pathlib.Path, ast.AST], ...]:
    """The parsed syntax tree of every module of the package."""
    return tuple(
        (path, ast.parse(path.read_text("utf-8"), filename=str(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
    )


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
        trees = _package_trees()
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


class TestNothingFetched:
    """Nothing is fetched at run time: the package imports no network module."""

    def test_package_imports_no_network_module(self) -> None:
        """No module of the package imports socket, urllib.request, http.client, requests..."""
        network = {
            "socket",
            "ssl",
            "urllib.request",
            "http.client",
            "requests",
            "httpx",
            "urllib3",
            "aiohttp",
            "ftplib",
            "smtplib",
            "xmlrpc.client",
            "paramiko",
        }
        found = []
        for path, tree in _package_trees():
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                found += [
                    f"{path.name}:{node.lineno} {n}"
                    for n in names
                    if n in network or n.split(".")[0] in network - {"urllib", "http", "xmlrpc"}
                ]
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


# --------------------------------------------------------------------------------------
# Resource limits
# --------------------------------------------------------------------------------------
_LIST_LIMITS = [
    ("accounts", Limits.MAX_ACCOUNTS),
    ("closures", Limits.MAX_CLOSURES),
    ("inquiries", Limits.MAX_INQUIRIES),
    ("activity", Limits.MAX_ACTIVITY),
    ("attributes", Limits.MAX_ATTRIBUTES),
    ("principals", Limits.MAX_PRINCIPALS),
]


def _doc_with(kind: str, n: int) -> tuple[dict[str, Any], str]:
    """A document with ``n`` items of ``kind``; returns (doc, 'profile' | 'enterprise')."""
    doc = _minimal_closed()
    if kind == "accounts":
        doc["accounts"] = [
            {"account_id": f"a{i}", "product": "other", "status": "open"} for i in range(n)
        ]
    elif kind == "closures":
        doc["accounts"] = [
            {
                "account_id": f"a{i}",
                "product": "other",
                "status": "closed",
                "closed_on": "2020-01-01",
            }
            for i in range(n)
        ]
        doc["accounts"] = doc["accounts"][: Limits.MAX_ACCOUNTS]
        doc["closures"] = [
            {"account_id": f"a{i % Limits.MAX_ACCOUNTS}", "closed_on": "2020-01-01"}
            for i in range(n)
        ]
    elif kind == "inquiries":
        doc["inquiries"] = [{"on": "2025-01-01", "kind": "self"}] * n
    elif kind == "activity":
        doc["activity"] = [{"account_id": "a", "at": "2025-01-01T00:00:00", "kind": "login"}] * n
    elif kind == "attributes":
        doc["attributes"] = {f"x{i}": i for i in range(n)}
    else:
        return {
            "enterprise_id": "e",
            "principals": [
                {"role": "guarantor", "profile": {"subject_id": f"p-{i}"}} for i in range(n)
            ],
        }, "enterprise"
    return doc, "profile"


class TestResourceLimits:
    """Each documented maximum is enforced with a clear InvalidInputError, before deep work."""

    @pytest.mark.parametrize("kind, limit", [k for k in _LIST_LIMITS if k[0] != "activity"])
    def test_at_the_limit_is_accepted(self, kind: str, limit: int) -> None:
        """Exactly the maximum number of items is valid."""
        doc, which = _doc_with(kind, limit)
        obj = (Enterprise if which == "enterprise" else CreditProfile).from_dict(doc)
        assert len(getattr(obj, kind)) == limit

    @pytest.mark.parametrize("kind, limit", _LIST_LIMITS)
    def test_over_the_limit_is_refused(self, kind: str, limit: int) -> None:
        """One item over the maximum is one problem on the list, naming the maximum."""
        doc, which = _doc_with(kind, limit + 1)
        with pytest.raises(InvalidInputError) as info:
            (Enterprise if which == "enterprise" else CreditProfile).from_dict(doc)
        assert info.value.problems == [(kind, f"has {limit + 1} items; the maximum is {limit}")]

    @pytest.mark.parametrize("kind, limit", _LIST_LIMITS)
    def test_no_record_built_over_the_limit(
        self, kind: str, limit: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Over a list limit, not one record of the list is built (the length is checked first)."""
        calls = {"n": 0}
        name = {
            "accounts": "_account",
            "closures": "_closure",
            "inquiries": "_inquiry",
            "activity": "_activity",
            "principals": "_principal",
        }.get(kind)
        if name is None:  # attributes: the values of an over-long mapping are never read

            class CountingDict(dict):
                def items(self) -> Any:  # type: ignore[override]
                    calls["n"] += 1
                    return super().items()

            doc, _ = _doc_with(kind, limit + 1)
            doc["attributes"] = CountingDict(doc["attributes"])
            with pytest.raises(InvalidInputError):
                CreditProfile.from_dict(doc)
            assert calls["n"] == 0
            doc["attributes"] = CountingDict({"x": 1})
            CreditProfile.from_dict(doc)
            assert calls["n"] > 0
            return
        original = getattr(cc_json, name)

        def counting(*args: Any) -> Any:
            calls["n"] += 1
            return original(*args)

        monkeypatch.setattr(cc_json, name, counting)
        doc, which = _doc_with(kind, limit + 1)
        with pytest.raises(InvalidInputError):
            (Enterprise if which == "enterprise" else CreditProfile).from_dict(doc)
        assert calls["n"] == 0
        small, _ = _doc_with(kind, 2)  # and the counter does count when under the limit
        (Enterprise if which == "enterprise" else CreditProfile).from_dict(small)
        assert calls["n"] == 2

    def test_direct_construction_limits(self) -> None:
        """Building a profile in code past a list limit raises too, naming the list."""
        from credit_closure import CreditAccount

        acc = [
            CreditAccount(account_id=f"a{i}", product="other", status="open")
            for i in range(Limits.MAX_ACCOUNTS + 1)
        ]
        with pytest.raises(InvalidInputError) as info:
            CreditProfile(subject_id="p", accounts=acc)
        assert [p for p, _ in info.value.problems] == ["accounts"]

    @pytest.mark.parametrize("field", ["subject_id", "account_id", "enterprise_id"])
    def test_id_length(self, field: str) -> None:
        """Ids of MAX_ID_LENGTH characters pass; one more is refused on that path."""

        def doc(n: int) -> tuple[Any, Any]:
            ident = "i" * n
            if field == "enterprise_id":
                return Enterprise, {
                    "enterprise_id": ident,
                    "principals": [{"role": "guarantor", "profile": {"subject_id": "p"}}],
                }
            if field == "subject_id":
                return CreditProfile, {"subject_id": ident}
            return CreditProfile, {
                "subject_id": "p",
                "accounts": [{"account_id": ident, "product": "other", "status": "open"}],
            }

        cls, ok = doc(Limits.MAX_ID_LENGTH)
        cls.from_dict(ok)
        cls, bad = doc(Limits.MAX_ID_LENGTH + 1)
        with pytest.raises(InvalidInputError) as info:
            cls.from_dict(bad)
        path = "accounts[0].account_id" if field == "account_id" else field
        assert info.value.problems == [(path, f"is longer than {Limits.MAX_ID_LENGTH} characters")]

    def test_attribute_string_and_name_length(self) -> None:
        """Attribute strings up to MAX_STRING_LENGTH and names up to 64 characters pass."""
        n = Limits.MAX_STRING_LENGTH
        CreditProfile.from_dict({"subject_id": "p", "attributes": {"k" * 64: "v" * n}})
        with pytest.raises(InvalidInputError) as info:
            CreditProfile.from_dict({"subject_id": "p", "attributes": {"k" * 65: "v" * (n + 1)}})
        assert [p for p, _ in info.value.problems] == ["attributes"]
        with pytest.raises(InvalidInputError) as info:
            CreditProfile.from_dict({"subject_id": "p", "attributes": {"k": "v" * (n + 1)}})
        assert [p for p, _ in info.value.problems] == ["attributes.k"]

    def test_amount_and_dpd_maximums(self) -> None:
        """MAX_AMOUNT and MAX_DPD are accepted; just above them is refused."""

        def acc(**kw: Any) -> dict[str, Any]:
            return {
                "subject_id": "p",
                "accounts": [dict(account_id="a", product="other", status="open", **kw)],
            }

        CreditProfile.from_dict(acc(balance=Limits.MAX_AMOUNT, worst_dpd_24m=Limits.MAX_DPD))
        with pytest.raises(InvalidInputError) as info:
            CreditProfile.from_dict(
                acc(balance=Limits.MAX_AMOUNT * 1.0000001, worst_dpd_24m=Limits.MAX_DPD + 1)
            )
        assert sorted(p for p, _ in info.value.problems) == [
            "accounts[0].balance",
            "accounts[0].worst_dpd_24m",
        ]

    def test_document_size(self) -> None:
        """MAX_DOCUMENT_BYTES is accepted; one byte more is refused before it is decoded."""
        body = b'{"subject_id": "p"}'
        ok = body + b" " * (MAX_DOCUMENT_BYTES - len(body))
        assert loads_document(ok) == {"subject_id": "p"}
        too_big = b"\xff" * (MAX_DOCUMENT_BYTES + 1)  # invalid UTF-8: the size is reported first
        with pytest.raises(InvalidInputError) as info:
            loads_document(too_big)
        assert "maximum" in info.value.problems[0][1]

    def test_cli_file_size(
        self, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The CLI refuses a file over its read limit with exit code 1 and no traceback."""
        from credit_closure.cli.assess import _MAX_BYTES

        path = tmp_path / "huge.json"
        with open(path, "wb") as fh:
            fh.truncate(_MAX_BYTES + 10)  # sparse: no disk used
        assert cli_main(["assess", str(path), "--as-of", AS_OF_TEXT]) == 1
        err = capsys.readouterr().err
        assert "larger than" in err and "Traceback" not in err

    def test_deep_nesting_refused(self) -> None:
        """100,000 nested brackets are refused as too deeply nested, in the main thread."""
        for raw in (_generate("deep_arrays"), _generate("deep_objects")):
            with pytest.raises(InvalidInputError, match="nested too deeply"):
                loads_document(raw)

    def test_deep_nesting_in_small_stack_thread(self) -> None:
        """Deep nesting in a worker thread with a small stack is refused, not a crash."""
        _assert_subprocess_refuses_nesting(
            "threading.stack_size(128 * 1024)\n"
            "t = threading.Thread(target=run); t.start(); t.join()"
        )

    def test_deep_nesting_with_raised_recursion_limit(self) -> None:
        """Deep nesting is refused even when the host raised the recursion limit."""
        _assert_subprocess_refuses_nesting("sys.setrecursionlimit(10 ** 6)\nrun()")


def _assert_subprocess_refuses_nesting(body: str) -> None:
    import subprocess
    import sys

    code = (
        "import sys, threading\n"
        "from credit_closure._contract.documents import loads_document\n"
        "from credit_closure.exceptions import InvalidInputError\n"
        "def run():\n"
        "    try:\n"
        "        loads_document(b'[' * 100000 + b']' * 100000)\n"
        "    except InvalidInputError as exc:\n"
        "        print('refused', exc.problems[0][1], flush=True)\n" + body + "\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT), timeout=120
    )
    assert proc.returncode == 0, proc.returncode
    assert proc.stdout.startswith("refused")


# --------------------------------------------------------------------------------------
# Concurrency
# --------------------------------------------------------------------------------------
def _subjects() -> list[Any]:
    from credit_closure.synth import generate_portfolio

    profiles = [CreditProfile.from_dict(d) for d in _EXAMPLE_DOCS]
    profiles += list(generate_portfolio(60, seed=8, as_of=AS_OF).profiles)
    enterprises = [Enterprise.from_dict(d) for d in _ENTERPRISE_DOCS]
    return profiles + enterprises


def _fingerprint(result: Any) -> str:
    """A bit-exact text of a result: its JSON plus float.hex of score and probability."""
    extra = ""
    if hasattr(result, "score"):
        extra = (
            f"{float(result.score).hex()}|{float(result.probability_of_default).hex()}|"
            f"{float(result.closure_impact).hex()}"
        )
    return json.dumps(result.to_dict(), sort_keys=True, default=str) + extra


def _run_threads(n: int, target: Callable[[int], Any]) -> list[Any]:
    """Run ``target(i)`` in ``n`` threads released together; return results, re-raise errors."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = target(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]
    return results


class TestConcurrency:
    """assess() on shared scorers from 16 threads equals serial; caches build once."""

    @pytest.mark.parametrize("which", ["rules", "logistic", "loaded-artifact"])
    def test_threads_equal_serial(self, which: str) -> None:
        """16 threads assessing the same subjects in different orders match a serial run."""
        scorer: Any = (
            LogisticScorer.load(REFERENCE_ARTIFACT) if which == "loaded-artifact" else which
        )
        subjects = _subjects()
        serial = [_fingerprint(assess(s, scorer=scorer, as_of=AS_OF)) for s in subjects]

        def job(i: int) -> list[str]:
            order = list(range(len(subjects)))
            order = order[i * 7 % len(order) :] + order[: i * 7 % len(order)]
            if i % 2:
                order.reverse()
            out: list[str] = [""] * len(subjects)
            for k in order:
                out[k] = _fingerprint(assess(subjects[k], scorer=scorer, as_of=AS_OF))
            return out

        for got in _run_threads(16, job):
            assert got == serial

    @pytest.mark.parametrize("name", ["rules", "logistic"])
    def test_registry_concurrent_first_use(
        self, name: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """After clearing every cache, 16 simultaneous get_scorer calls get one same object."""
        from credit_closure._scorecard import logistic as _logistic
        from credit_closure._scoring import registry as _registry
        from credit_closure._scoring import rules as _rules

        _registry.clear_cache()
        monkeypatch.setattr(_rules, "_default", None)
        monkeypatch.setattr(_logistic, "_reference", None)
        got = _run_threads(16, lambda i: get_scorer(name))
        assert all(g is got[0] for g in got)
        assert get_scorer(name) is got[0]
        _registry.clear_cache()

    def test_registered_factory_built_once(self) -> None:
        """A slow in-process factory is called once under 16 concurrent first uses."""
        import time

        from credit_closure import register_scorer
        from credit_closure._scoring import registry as _registry

        calls: list[int] = []

        def factory() -> Any:
            calls.append(1)
            time.sleep(0.05)  # widen the race window; not a timing assertion
            return RuleScorer()

        register_scorer("hardening-slow", factory)
        try:
            got = _run_threads(16, lambda i: get_scorer("hardening-slow"))
            assert len(calls) == 1
            assert all(g is got[0] for g in got)

            def numbers(scorer: str, i: int) -> tuple[str, str, list[Any]]:
                a = assess(
                    CreditProfile.from_dict(_EXAMPLE_DOCS[i % len(_EXAMPLE_DOCS)]),
                    scorer=scorer,
                    as_of=AS_OF,
                )
                return (
                    a.score.hex(),
                    a.probability_of_default.hex(),
                    [r.to_dict() for r in a.reasons],
                )

            results = _run_threads(16, lambda i: numbers("hardening-slow", i))
            assert results == [numbers("rules", i) for i in range(16)]
        finally:
            _registry.unregister_scorer("hardening-slow")


# --------------------------------------------------------------------------------------
# Faults in batch scoring
# --------------------------------------------------------------------------------------
class RaisesForOne:
    """Delegates to the rule scorer but raises for the subject 'p-boom'."""

    credit_closure_api = 1
    version = "raises-for-one@1"

    def score(self, profile: CreditProfile, as_of: dt.date) -> Any:
        if profile.subject_id == "p-boom":
            raise RuntimeError("scorer failure for one subject")
        return RuleScorer.default().score(profile, as_of)


class KilledInWorker:
    """SIGKILLs any worker process it runs in (never the test process, which scores chunks
    from the front of the input itself)."""

    credit_closure_api = 1
    version = "killed@1"

    def __init__(self) -> None:
        self.parent = os.getpid()

    def score(self, profile: CreditProfile, as_of: dt.date) -> Any:
        if os.getpid() != self.parent:
            import signal

            os.kill(os.getpid(), signal.SIGKILL)
        return RuleScorer.default().score(profile, as_of)


def _batch_with_boom(n: int, at: int) -> list[CreditProfile]:
    from credit_closure.synth import generate_portfolio

    ps = list(generate_portfolio(n, seed=5, as_of=AS_OF).profiles)
    ps[at] = CreditProfile.from_dict(dict(ps[at].to_dict(), subject_id="p-boom"))
    return ps


class TestFaults:
    """A failing scorer or a dead worker never yields a silently wrong or short result."""

    def test_collect_gives_error_record_at_position(self) -> None:
        """errors='collect': an AssessmentError at the failing position, the rest as assess()."""
        from credit_closure import AssessmentError, assess_many

        ps = _batch_with_boom(12, at=7)
        out = assess_many(ps, scorer=RaisesForOne(), as_of=AS_OF, errors="collect", chunk_size=5)
        assert len(out) == len(ps)
        assert isinstance(out[7], AssessmentError) and out[7].position == 7
        assert out[7].error_type == "ScoringError"
        for i, p in enumerate(ps):
            if i != 7:
                assert (
                    _fingerprint(out[i]).split("|")[1:]
                    == _fingerprint(assess(p, scorer=RaisesForOne(), as_of=AS_OF)).split("|")[1:]
                )

    def test_raise_names_position(self) -> None:
        """errors='raise': a ScoringError whose position and message name the subject's index."""
        from credit_closure import assess_many

        ps = _batch_with_boom(12, at=7)
        with pytest.raises(ScoringError) as info:
            assess_many(ps, scorer=RaisesForOne(), as_of=AS_OF, errors="raise", chunk_size=5)
        assert info.value.position == 7
        assert "position 7" in str(info.value)
        assert isinstance(info.value.__cause__, RuntimeError)

    @pytest.mark.parametrize("errors", ["raise"])  # "collect" with os._exit: test_batch.py
    def test_killed_worker_is_a_clear_error(self, errors: str) -> None:
        """A worker killed by SIGKILL mid-run raises ScoringError; never a short list."""
        from credit_closure import assess_many

        ps = _batch_with_boom(16, at=9)
        with pytest.raises(ScoringError, match="worker process died") as info:
            assess_many(
                ps, scorer=KilledInWorker(), as_of=AS_OF, n_jobs=2, chunk_size=2, errors=errors
            )
        assert info.value.position is not None and 0 <= info.value.position < len(ps)


# --------------------------------------------------------------------------------------
# Columnar scoring: hostile cells in the long tables
# --------------------------------------------------------------------------------------
_HOSTILE_CELLS: dict[str, Any] = {
    "null": None,
    "bool": True,
    "int": 5,
    "huge-int": 10**30,
    "float": 2.5,
    "nan": float("nan"),
    "inf": float("inf"),
    "negative": -3,
    "text": "x",
    "empty": "",
    "feb-30": "2025-02-30",
    "future-date": dt.date(2026, 1, 1),
    "bytes": b"x",
}
_ENUM_COLUMNS = [
    ("accounts", "product"),
    ("accounts", "status"),
    ("closures", "initiator"),
    ("closures", "reason"),
    ("closures", "termination"),
    ("inquiries", "kind"),
]


@functools.lru_cache(maxsize=1)
def _column_tables() -> dict[str, Any]:
    from credit_closure.columnar import profiles_to_tables
    from credit_closure.synth import generate_portfolio

    ps = [
        CreditProfile.from_dict(dict(p.to_dict(), activity=[]))
        for p in generate_portfolio(12, seed=2, as_of=AS_OF).profiles
    ]
    return profiles_to_tables(ps, container="numpy")


def _tables_with(table: str, column: str, change: Callable[[Any], Any]) -> dict[str, Any]:
    base = _column_tables()
    out = {
        k: ({c: a.copy() for c, a in t.items()} if t is not None else None) for k, t in base.items()
    }
    out[table][column] = change(out[table][column])
    return out


def _score_tables(t: dict[str, Any]) -> Any:
    from credit_closure.columnar import score_columnar

    return score_columnar(
        t["accounts"], t["closures"], t["inquiries"], t["attributes"], as_of=AS_OF
    )


def _one_cell(value: Any) -> Callable[[Any], Any]:
    def change(arr: Any) -> Any:
        arr = arr.astype(object)
        arr[0] = value
        return arr

    return change


class TestColumnar:
    """score_columnar refuses hostile table cells with InvalidInputError, nothing else."""

    def test_valid_tables_score(self) -> None:
        """Sanity: the unmodified tables score, one row per subject."""
        out = _score_tables(_column_tables())
        assert len(out["subject_id"]) == 12

    @pytest.mark.parametrize("label", sorted(_HOSTILE_CELLS))
    def test_hostile_cell_in_every_column(self, label: str) -> None:
        """One hostile value in any column of any table: a result or InvalidInputError."""
        base = _column_tables()
        refused = 0
        for table, cols in base.items():
            if cols is None:
                continue
            for column in cols:
                try:
                    _score_tables(_tables_with(table, column, _one_cell(_HOSTILE_CELLS[label])))
                except InvalidInputError as exc:
                    refused += 1
                    assert type(exc) is InvalidInputError and exc.problems
        if label not in ("int", "float"):  # a number is fine in many columns, not in all
            assert refused > 0

    @pytest.mark.parametrize("table, column", _ENUM_COLUMNS)
    def test_unhashable_cell_in_enum_column(self, table: str, column: str) -> None:
        """A list cell in an enum column is refused with InvalidInputError."""
        with pytest.raises(InvalidInputError):
            _score_tables(_tables_with(table, column, _one_cell([1])))

    @pytest.mark.parametrize(
        "table, column",
        [
            ("accounts", "subject_id"),
            ("accounts", "account_id"),
            ("accounts", "balance"),
            ("accounts", "opened_on"),
            ("closures", "closed_on"),
            ("inquiries", "on"),
        ],
    )
    def test_two_dimensional_column(self, table: str, column: str) -> None:
        """A 2-D array as a column is refused with InvalidInputError."""
        import numpy as np

        with pytest.raises(InvalidInputError):
            _score_tables(_tables_with(table, column, lambda a: np.stack([a, a], axis=1)))

    @pytest.mark.parametrize("table", ["accounts", "closures", "inquiries", "attributes"])
    def test_short_column(self, table: str) -> None:
        """A column one row shorter than the others is refused with InvalidInputError."""
        cols = _column_tables()[table]
        column = sorted(c for c in cols if c != "subject_id")[0]
        with pytest.raises(InvalidInputError):
            _score_tables(_tables_with(table, column, lambda a: a[:-1]))


# --------------------------------------------------------------------------------------
# Portfolio counts and security monitoring: hostile values
# --------------------------------------------------------------------------------------
_COUNT_ROWS = [
    {
        "period": f"2024-{m:02d}",
        "segment": "huabei",
        "open_at_start": 1000,
        "closures": 30,
        "voluntary": 20,
        "involuntary": 5,
    }
    for m in range(1, 13)
]


class TestPortfolioAndMonitoring:
    """closure_counts/closure_rates and monitoring.scan refuse hostile input cleanly."""

    @pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
    @settings(max_examples=100, deadline=None)
    @given(
        st.integers(0, 11),
        st.sampled_from(sorted(_COUNT_ROWS[0]) + ["extra"]),
        st.one_of(
            _scalars.filter(lambda v: not isinstance(v, int) or abs(v) < 2**62),
            st.just([1]),
            st.just({"a": 1}),
        ),
    )
    def test_hostile_count_cell(self, row: int, column: str, value: Any) -> None:
        """One hostile cell in the counts table: valid counts or InvalidInputError."""
        from credit_closure.portfolio import closure_counts, closure_rates

        data = [dict(r) for r in _COUNT_ROWS]
        data[row][column] = value
        try:
            closure_rates(closure_counts(data))
        except InvalidInputError as exc:
            assert exc.problems

    @pytest.mark.parametrize("column", ["open_at_start", "closures", "voluntary", "involuntary"])
    def test_count_beyond_int64(self, column: str) -> None:
        """A 40-digit count is refused with InvalidInputError."""
        from credit_closure.portfolio import closure_counts

        data = [dict(r) for r in _COUNT_ROWS]
        data[3][column] = 10**40
        with pytest.raises(InvalidInputError):
            closure_counts(data)

    @_FUZZ
    @given(
        mutated_documents(_EXAMPLE_DOCS),
        st.one_of(
            st.none(),
            st.dictionaries(
                st.sampled_from(["window_days", "dormant_days", "x"]), _scalars, max_size=2
            ),
        ),
    )
    def test_scan_mutated_documents(self, doc: Any, config: Any) -> None:
        """monitoring.scan on mutated documents and configs: alerts or InvalidInputError."""
        from credit_closure.monitoring import scan

        try:
            alerts = scan(doc, config=config)
        except InvalidInputError as exc:
            assert exc.problems
            return
        assert isinstance(alerts, tuple)


# --------------------------------------------------------------------------------------
# Bad arguments to the public functions
# --------------------------------------------------------------------------------------
class TestArguments:
    """Bad arguments to assess() and what_if() raise InvalidInputError naming the argument."""

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"as_of": 5},
            {"as_of": "2025-02-30"},
            {"as_of": dt.datetime(2025, 1, 1)},
            {"scorer": 5},
            {"scorer": []},
            {"scorer": None},
            {"scorer": object()},
        ],
        ids=lambda kw: f"{next(iter(kw))}-{type(next(iter(kw.values()))).__name__}",
    )
    def test_assess_bad_arguments(self, kwargs: dict[str, Any]) -> None:
        """assess() with a bad as_of or scorer raises InvalidInputError."""
        p = CreditProfile.from_dict(_EXAMPLE_DOCS[5])
        kwargs.setdefault("as_of", AS_OF)
        with pytest.raises(InvalidInputError):
            assess(p, **kwargs)

    @pytest.mark.parametrize("subject", [None, 5, "p-1", [], b"{}"], ids=repr)
    def test_assess_bad_subject(self, subject: Any) -> None:
        """assess() of something that is not a subject raises InvalidInputError."""
        with pytest.raises(InvalidInputError):
            assess(subject, as_of=AS_OF)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"close": []},
            {"close": [None]},
            {"close": ["no-such-account"]},
            {"close": b"hb1"},
            {"on": "2025-02-30"},
            {"on": "1800-01-01"},
            {"reason": "angry"},
            {"reason": 5},
            {"scorer": 5},
        ],
        ids=repr,
    )
    def test_what_if_bad_arguments(self, kwargs: dict[str, Any]) -> None:
        """what_if() with bad accounts, date, reason or scorer raises InvalidInputError."""
        from credit_closure import what_if

        p = CreditProfile.from_dict(_EXAMPLE_DOCS[5])
        kwargs.setdefault("close", [p.accounts[0].account_id])
        kwargs.setdefault("on", AS_OF)
        with pytest.raises(InvalidInputError):
            what_if(p, **kwargs)

    @pytest.mark.parametrize("close", [5, None], ids=repr)
    def test_what_if_close_not_iterable(self, close: Any) -> None:
        """what_if(close=5) or close=None raises InvalidInputError naming 'close'."""
        from credit_closure import what_if

        with pytest.raises(InvalidInputError):
            what_if(CreditProfile.from_dict(_EXAMPLE_DOCS[5]), close=close, on=AS_OF)

    def test_enterprise_what_if_close_not_iterable(self) -> None:
        """what_if(enterprise, close=5, principal=...) raises InvalidInputError."""
        from credit_closure import what_if

        e = Enterprise.from_dict(_ENTERPRISE_DOCS[0])
        with pytest.raises(InvalidInputError):
            what_if(e, close=5, principal=e.principals[0].profile.subject_id, on=AS_OF)
