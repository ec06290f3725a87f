"""Determinism: the same input gives bit-identical output across runs, processes, hash seeds,
the order of the subjects and the order of the items inside a document.

"Bit-identical" is checked on ``float.hex`` of score, probability of default and closure
impact, plus the JSON of ``to_dict()``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import random
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import CreditProfile, Enterprise, RuleScorer, assess, assess_many

ROOT = pathlib.Path(__file__).resolve().parent.parent
AS_OF = dt.date(2025, 12, 31)
SCORERS = ("rules", "logistic")

#: Run in a fresh interpreter: assess the examples and a synthetic sample, print one JSON
#: object mapping "scorer/subject" to its fingerprint. The test compares it with this process.
_SCRIPT = r"""
import datetime as dt, json, pathlib, sys
sys.path.insert(0, sys.argv[1])
from test_determinism import fingerprints
print(json.dumps(fingerprints(), sort_keys=True))
"""


def _documents() -> list[dict[str, Any]]:
    docs = [
        json.loads(p.read_text("utf-8"))
        for p in sorted((ROOT / "examples" / "profiles").glob("*.json"))
    ]
    docs += [
        json.loads(p.read_text("utf-8"))
        for p in sorted((ROOT / "examples" / "enterprise").glob("*.json"))
    ]
    from credit_closure.synth import generate_portfolio

    docs += [p.to_dict() for p in generate_portfolio(40, seed=3, as_of=AS_OF).profiles]
    return docs


def _subject(doc: dict[str, Any]) -> Any:
    return Enterprise.from_dict(doc) if "enterprise_id" in doc else CreditProfile.from_dict(doc)


def fingerprint(result: Any) -> str:
    """Bit-exact text of a result: float.hex of its numbers plus its JSON."""
    numbers = ""
    if hasattr(result, "score"):
        numbers = "|".join(
            float(x).hex()
            for x in (result.score, result.probability_of_default, result.closure_impact)
        )
    return numbers + "|" + json.dumps(result.to_dict(), sort_keys=True, default=str)


def fingerprints() -> dict[str, str]:
    """Fingerprint of every document under every built-in scorer (used in-process and in the
    subprocess)."""
    out = {}
    for doc in _documents():
        subject = _subject(doc)
        sid = doc.get("subject_id") or doc.get("enterprise_id")
        for name in SCORERS:
            out[f"{name}/{sid}"] = fingerprint(assess(subject, scorer=name, as_of=AS_OF))
    return out


def _shuffled(doc: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The same document with every list and the attribute keys in another order."""
    out = dict(doc)
    for key in ("accounts", "closures", "inquiries", "activity", "principals"):
        if isinstance(out.get(key), list):
            items = list(out[key])
            rng.shuffle(items)
            if key == "principals":
                items = [dict(p, profile=_shuffled(p["profile"], rng)) for p in items]
            out[key] = items
    if isinstance(out.get("attributes"), dict):
        keys = list(out["attributes"])
        rng.shuffle(keys)
        out["attributes"] = {k: out["attributes"][k] for k in keys}
    return out


def _numbers_only(result: Any) -> Any:
    """What must not depend on item order: the numbers, band, decision and reason codes (for
    an enterprise: its numbers, decision and the set of principals' results)."""
    d = result.to_dict()
    head = (
        float(d["score"]).hex(),
        float(d["probability_of_default"]).hex(),
        d["band"],
        d["decision"],
    )
    if "principals" in d:
        principals = sorted(json.dumps(p, sort_keys=True, default=str) for p in d["principals"])
        gates = sorted(json.dumps(g, sort_keys=True, default=str) for g in d["gates"])
        return head + (
            float(d["worst_score"]).hex(),
            d["worst_subject_id"],
            tuple(principals),
            tuple(gates),
        )
    return head + (
        float(d["closure_impact"]).hex(),
        tuple((r["code"], float(r["points"]).hex()) for r in d["reasons"]),
        tuple(sorted(t["code"] for t in d["triggers"])),
    )


class TestDeterminism:
    """Bit-identical results across runs, processes, hash seeds and orders."""

    def test_repeated_runs(self) -> None:
        """Assessing everything twice, and with a fresh scorer object, gives the same bits."""
        first = fingerprints()
        assert fingerprints() == first
        fresh = RuleScorer()
        for doc in _documents():
            sid = doc.get("subject_id") or doc.get("enterprise_id")
            got = fingerprint(assess(_subject(doc), scorer=fresh, as_of=AS_OF))
            assert got == first[f"rules/{sid}"]

    def test_across_processes_and_hash_seeds(self) -> None:
        """Fresh interpreters with PYTHONHASHSEED=0 and 12345 print the same fingerprints."""
        procs = {
            seed: subprocess.Popen(
                [sys.executable, "-c", _SCRIPT, str(ROOT / "tests")],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=str(ROOT),
                env=dict(os.environ, PYTHONHASHSEED=seed),
            )
            for seed in ("0", "12345")
        }
        here = fingerprints()
        for seed, proc in procs.items():
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, (seed, err[-2000:])
            assert json.loads(out) == here, seed

    def test_subject_order(self) -> None:
        """assess_many over a shuffled list gives each subject the same bits."""
        docs = _documents()
        subjects = [_subject(d) for d in docs]
        base = [fingerprint(a) for a in assess_many(subjects, as_of=AS_OF, chunk_size=7)]
        order = list(range(len(subjects)))
        random.Random(4).shuffle(order)
        shuffled = assess_many([subjects[i] for i in order], as_of=AS_OF, chunk_size=5)
        for pos, i in enumerate(order):
            assert fingerprint(shuffled[pos]) == base[i]

    @pytest.mark.parametrize("scorer", SCORERS)
    def test_item_order_inside_documents(self, scorer: str) -> None:
        """Reordering every list and the attribute keys changes no bit (order-free sums)."""
        rng = random.Random(11)
        for doc in _documents():
            want = _numbers_only(assess(_subject(doc), scorer=scorer, as_of=AS_OF))
            for _ in range(3):
                got = _numbers_only(
                    assess(_subject(_shuffled(doc, rng)), scorer=scorer, as_of=AS_OF)
                )
                assert got == want, doc.get("subject_id") or doc.get("enterprise_id")

    @settings(max_examples=25, deadline=None)
    @given(st.integers(0, 2**32 - 1), st.sampled_from(SCORERS))
    def test_item_order_property(self, seed: int, scorer: str) -> None:
        """For random synthetic profiles and random permutations, the bits do not change."""
        from credit_closure.synth import generate_portfolio

        p = generate_portfolio(1, seed=seed, as_of=AS_OF).profiles[0]
        doc = p.to_dict()
        want = _numbers_only(assess(p, scorer=scorer, as_of=AS_OF))
        got = _numbers_only(
            assess(
                CreditProfile.from_dict(_shuffled(doc, random.Random(seed))),
                scorer=scorer,
                as_of=AS_OF,
            )
        )
        assert got == want
