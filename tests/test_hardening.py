"""Hardening: hostile and broken documents, tampered and pickled files, resource limits,
concurrency and faults. Each promise in SECURITY.md points at a test here.

The malformed-document corpus lives in ``tests/data/bad/``: one file per case, and
``expected.json`` mapping each case to the exact problem paths it must report, the stage that
must refuse it (``parse``: :func:`loads_document`; ``build``: ``from_dict``; ``assess``:
``assess(..., as_of=2025-12-31)``) and a description. Cases too large to commit are listed
there with a ``generated`` key and built at test time by :func:`generate`.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest
from _helpers import (
    AS_OF,
    AS_OF_TEXT,
    ENTERPRISE_DOCS,
    EXAMPLE_DOCS,
    FUZZ,
    ROOT,
    generate,
    json_values,
    mutated_documents,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import (
    CreditProfile,
    Enterprise,
    InvalidInputError,
    assess,
)
from credit_closure._contract import loads_document
from credit_closure.cli import main as cli_main

BAD = ROOT / "tests" / "data" / "bad"
EXPECTED: dict[str, dict[str, Any]] = json.loads((BAD / "expected.json").read_text("utf-8"))

#: Corpus cases the library gets wrong today. Each stays a strict xfail until it is fixed,
#: so a fix turns the test red and the mark must then be removed.
KNOWN_BUGS: dict[str, str] = {}


def corpus_bytes(name: str) -> bytes:
    """The raw bytes of corpus case ``name`` (read from disk, or generated)."""
    entry = EXPECTED[name]
    if "generated" in entry:
        return generate(entry["generated"])
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


class TestFuzz:
    """Random JSON and random mutations are either valid or refused with InvalidInputError."""

    @FUZZ
    @given(json_values)
    def test_random_json_as_profile(self, value: Any) -> None:
        """Any JSON value given as a profile is valid or an InvalidInputError."""
        _check_either_valid_or_refused(value, "profile")

    @FUZZ
    @given(json_values)
    def test_random_json_as_enterprise(self, value: Any) -> None:
        """Any JSON value given as an enterprise is valid or an InvalidInputError."""
        _check_either_valid_or_refused(value, "enterprise")

    @FUZZ
    @given(mutated_documents(EXAMPLE_DOCS))
    def test_mutated_examples(self, doc: Any) -> None:
        """Mutations of the example profiles are valid or refused, never a crash."""
        _check_either_valid_or_refused(doc, "profile")

    @FUZZ
    @given(mutated_documents(ENTERPRISE_DOCS))
    def test_mutated_enterprise_examples(self, doc: Any) -> None:
        """Mutations of the example enterprise are valid or refused, never a crash."""
        _check_either_valid_or_refused(doc, "enterprise")

    @FUZZ
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
        @given(mutated_documents(EXAMPLE_DOCS))
        def probe(doc: Any) -> None:
            try:
                CreditProfile.from_dict(doc)
                seen["valid"] += 1
            except InvalidInputError:
                seen["refused"] += 1

        probe()
        assert seen["valid"] > 0 and seen["refused"] > 0
