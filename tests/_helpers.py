"""Helpers shared by several test modules: paths, the example documents, the hostile-JSON
strategies and the corpus generator of tests/test_hardening.py, fingerprints of results.

Test modules import them as ``from _helpers import ...`` (pytest puts ``tests/`` on the path, as
for ``strategies``)."""

from __future__ import annotations

import ast
import copy
import datetime as dt
import functools
import json
import pathlib
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import credit_closure
from credit_closure._contract import (
    ACCOUNT_FIELDS,
    ACTIVITY_FIELDS,
    CLOSURE_FIELDS,
    ENTERPRISE_FIELDS,
    INQUIRY_FIELDS,
    MAX_DOCUMENT_BYTES,
    PRINCIPAL_FIELDS,
    PROFILE_FIELDS,
    Limits,
)

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "profiles").glob("*.json"))
ENTERPRISE_EXAMPLES = sorted((ROOT / "examples" / "enterprise").glob("*.json"))
PACKAGE = pathlib.Path(credit_closure.__file__).resolve().parent
AS_OF = dt.date(2025, 12, 31)
AS_OF_TEXT = AS_OF.isoformat()


# --------------------------------------------------------------------------------------
# The corpus generator (tests/test_hardening.py::TestCorpus, tests/test_documents.py)
# --------------------------------------------------------------------------------------
def minimal_closed() -> dict[str, Any]:
    return {
        "subject_id": "p-big",
        "accounts": [
            {"account_id": "a", "product": "other", "status": "closed", "closed_on": "2020-01-01"}
        ],
    }


def dump(doc: Any) -> bytes:
    return json.dumps(doc, separators=(",", ":")).encode("utf-8")


@functools.cache
def generate(kind: str) -> bytes:
    """The bytes of a generated (too large to commit) corpus case."""
    n = 100_000
    if kind == "deep_arrays":
        return b"[" * n + b"]" * n
    if kind == "deep_objects":
        return b'{"a":' * n + b"1" + b"}" * n
    if kind == "oversize":
        body = (ROOT / "examples" / "profiles" / "01_clean_voluntary_huabei.json").read_bytes()
        return body + b" " * (MAX_DOCUMENT_BYTES + 1 - len(body))
    doc = minimal_closed()
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
    return dump(doc)


# --------------------------------------------------------------------------------------
# Fuzzing: random JSON and random mutations of the examples
# --------------------------------------------------------------------------------------
_FIELD_NAMES = sorted(
    set(ACCOUNT_FIELDS)
    | set(CLOSURE_FIELDS)
    | set(INQUIRY_FIELDS)
    | set(ACTIVITY_FIELDS)
    | set(PROFILE_FIELDS)
    | set(PRINCIPAL_FIELDS)
    | set(ENTERPRISE_FIELDS)
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


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=-2, max_value=30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(_SAMPLE_STRINGS),
)
json_keys = st.one_of(st.sampled_from(_FIELD_NAMES), st.text(max_size=8))


json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(json_keys, children, max_size=6),
    ),
    max_leaves=25,
)


def _load_examples() -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in EXAMPLES]


EXAMPLE_DOCS = _load_examples()
ENTERPRISE_DOCS = [json.loads(p.read_text("utf-8")) for p in ENTERPRISE_EXAMPLES]


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
                target[draw(json_keys)] = draw(json_values)
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


FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# --------------------------------------------------------------------------------------
# Files: model artifacts and policies are data; nothing in them ever runs
# --------------------------------------------------------------------------------------
REFERENCE_ARTIFACT = PACKAGE / "data" / "logistic_reference.json"
DEFAULT_POLICY = PACKAGE / "data" / "default_policy.json"


@functools.lru_cache(maxsize=1)
def package_trees() -> tuple[tuple[pathlib.Path, ast.AST], ...]:
    """The parsed syntax tree of every module of the package."""
    return tuple(
        (path, ast.parse(path.read_text("utf-8"), filename=str(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
    )


def fingerprint(result: Any) -> str:
    """A bit-exact text of a result: its JSON plus float.hex of score and probability."""
    extra = ""
    if hasattr(result, "score"):
        extra = (
            f"{float(result.score).hex()}|{float(result.probability_of_default).hex()}|"
            f"{float(result.closure_impact).hex()}"
        )
    return json.dumps(result.to_dict(), sort_keys=True, default=str) + extra
