"""``WhatIf.to_dict()`` (and ``EnterpriseWhatIf.to_dict()``): the document
``credit-closure what-if --json`` prints, defined once on the result."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from credit_closure import Enterprise, ReasonChange, WhatIf, what_if

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "examples" / "profiles" / "06_open_lines_whatif.json"
ENTERPRISE = ROOT / "examples" / "enterprise" / "01_legal_rep_closures.json"
ON = "2025-12-31"


def _cli_json(*args: str) -> Any:
    """Run ``credit-closure what-if ... --json`` in a fresh interpreter; its parsed stdout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-m", "credit_closure.cli", "what-if", *args, "--json"],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return json.loads(done.stdout.decode("utf-8"))


def _plain(value: Any) -> bool:
    """Only the types json.loads gives back (so json.dumps needs no default=)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (str, int, float, bool))


class TestProfile:
    def test_equals_what_the_command_prints(self) -> None:
        """to_dict() is exactly the document `what-if --json` prints, on an example profile."""
        printed = _cli_json(str(PROFILE), "--close", "hb1", "--on", ON)
        w = what_if(json.loads(PROFILE.read_bytes()), close="hb1", on=ON)
        assert isinstance(w, WhatIf)
        assert json.loads(json.dumps(w.to_dict(), ensure_ascii=False)) == printed
        assert list(w.to_dict()) == list(printed)  # same keys, same order

    def test_several_accounts(self) -> None:
        """Closing several accounts: `closed` lists them in the order given."""
        doc = json.loads(PROFILE.read_bytes())
        ids = [a["account_id"] for a in doc["accounts"] if a["status"] == "open"][:2]
        assert len(ids) == 2
        w = what_if(doc, close=ids, on=ON)
        d = w.to_dict()
        assert d["closed"] == ids
        assert d["delta"] == w.after.score - w.before.score

    def test_layout(self) -> None:
        """Keys and values follow the fields: assessments by their own to_dict, moved reasons
        by ReasonChange.to_dict (with change), all plain JSON values."""
        w = what_if(json.loads(PROFILE.read_bytes()), close="hb1", on=ON)
        d = w.to_dict()
        assert list(d) == ["closed", "delta", "before", "after", "moved"]
        assert d["closed"] == list(w.closed)
        assert d["before"] == w.before.to_dict() and d["after"] == w.after.to_dict()
        assert d["moved"] == [m.to_dict() for m in w.moved]
        assert w.moved, "the example moves at least one reason"
        for m, row in zip(w.moved, d["moved"]):
            assert row == {
                "code": m.code,
                "message": m.message,
                "message_zh": m.message_zh,
                "points_before": m.points_before,
                "points_after": m.points_after,
                "change": m.change,
            }
        assert _plain(d)
        assert json.loads(json.dumps(d)) == d

    def test_a_fresh_dict_each_call(self) -> None:
        """The caller may change the document; the result is untouched."""
        w = what_if(json.loads(PROFILE.read_bytes()), close="hb1", on=ON)
        d = w.to_dict()
        d["closed"].append("x")
        d["moved"].clear()
        assert w.to_dict()["closed"] == ["hb1"] and w.to_dict()["moved"]

    def test_reason_change(self) -> None:
        """ReasonChange.to_dict: its fields and the signed change."""
        r = ReasonChange(
            code="UTILIZATION_HIGH",
            message="high",
            message_zh="高",
            points_before=-2.5,
            points_after=-10.0,
        )
        assert r.to_dict() == {
            "code": "UTILIZATION_HIGH",
            "message": "high",
            "message_zh": "高",
            "points_before": -2.5,
            "points_after": -10.0,
            "change": -7.5,
        }
        assert math.isclose(r.to_dict()["change"], r.change)


class TestEnterprise:
    def test_equals_what_the_command_prints(self) -> None:
        """The enterprise what-if document, likewise, for a principal of the example."""
        printed = _cli_json(str(ENTERPRISE), "--principal", "p-51d0", "--close", "cc1", "--on", ON)
        ent = Enterprise.from_dict(json.loads(ENTERPRISE.read_bytes()))
        w = what_if(ent, close="cc1", principal="p-51d0", on=ON)
        d = w.to_dict()
        assert json.loads(json.dumps(d, ensure_ascii=False)) == printed
        assert d["moved"] == [m.to_dict() for m in w.moved]
        assert _plain(d)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_language_does_not_change_the_document(lang: str) -> None:
    """--lang is for the readable output: the JSON document carries both languages."""
    printed = _cli_json(str(PROFILE), "--close", "hb1", "--on", ON, "--lang", lang)
    w = what_if(json.loads(PROFILE.read_bytes()), close="hb1", on=ON)
    assert printed == json.loads(json.dumps(w.to_dict()))
