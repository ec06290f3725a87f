"""The generated hostile corpus (issue 16, item 8): every case through the library's readers.

Each case must end in its reader's documented error type or a valid result, never another
exception; every message must be encodable as UTF-8 and every problem path free of raw
control characters and of unbounded echoed input. Each case runs under a hang guard (a
SIGALRM timer: it only catches a hang, it is not a speed assertion) and a memory bound
(tracemalloc peak at most ``MEMORY_FACTOR`` times the input size plus ``MEMORY_CONSTANT``).

A sample of the cases also goes through the command line, which must exit 1 with no
traceback.

Cases that fail today because of a gap another change of issue 16 fixes are strict xfails,
listed in ``KNOWN_GAPS`` with the item that fixes them; when a fix lands, its cases turn red
until their entry is removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import signal
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from credit_closure import (
    CreditProfile,
    Enterprise,
    InvalidInputError,
    LogisticScorer,
    RulePolicy,
    RuleScorer,
    assess,
    what_if,
)
from credit_closure._contract.documents import loads_document
from credit_closure.exceptions import ArtifactError, PolicyError
from tests.hostile_corpus import AS_OF, BASE_PROFILE, Case, all_cases

ROOT = Path(__file__).resolve().parent.parent

#: The hang guard per case, in seconds (only catches a hang; no case needs a tenth of it).
HANG_GUARD_S = 20
#: Peak traced memory per case is at most this many times the input size ...
MEMORY_FACTOR = 12
#: ... plus this constant (bytes).
MEMORY_CONSTANT = 4 << 20
#: A problem path longer than this echoes input untruncated.
MAX_PATH_CHARS = 200

_C1 = range(0x80, 0xA0)


#: Cases that fail today, each with the issue-16 item that fixes it.
KNOWN_GAPS: dict[str, str] = {}


def _mark(case: Case) -> Any:
    reason = KNOWN_GAPS.get(case.id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, id=case.id, marks=marks)


CASES = all_cases()


class HangGuard(BaseException):
    """Raised by the SIGALRM handler; a BaseException so no ``except Exception`` eats it."""


@contextlib.contextmanager
def hang_guard(seconds: float) -> Iterator[None]:
    if not hasattr(signal, "setitimer"):  # pragma: no cover - not Linux/macOS
        yield
        return

    def fire(signum: int, frame: Any) -> None:
        raise HangGuard(f"case still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _has_control(text: str) -> bool:
    return any(ord(ch) < 0x20 or ord(ch) == 0x7F or ord(ch) in _C1 for ch in text)


def check_error(exc: BaseException) -> None:
    """An error's message and problems are clean: UTF-8 encodable, paths without raw control
    characters or unbounded echoed input."""
    str(exc).encode("utf-8")
    for path, message in getattr(exc, "problems", []) or []:
        path.encode("utf-8")
        message.encode("utf-8")
        assert not _has_control(path), f"raw control character in problem path {path!r:.80}"
        assert len(path) <= MAX_PATH_CHARS, f"problem path of {len(path)} characters"


def check_result(result: Any) -> None:
    """A valid result is a sane, encodable assessment."""
    d = result.to_dict()
    json.dumps(d, ensure_ascii=False).encode("utf-8")
    score = d.get("score")
    if score is not None:
        assert math.isfinite(score), f"score {score}"
        pd_ = d["probability_of_default"]
        assert 0.0 < pd_ < 1.0, f"probability of default {pd_}"


def subject_from_bytes(raw: bytes) -> Any:
    doc = loads_document(raw)
    if isinstance(doc, dict) and "enterprise_id" in doc:
        return Enterprise.from_dict(doc)
    return CreditProfile.from_dict(doc)


_BASE = CreditProfile.from_dict(BASE_PROFILE)


def run_case(case: Case, payload: Any, tmp_path: Path) -> tuple[type[BaseException], ...] | None:
    """Run one case; returns None for a valid result, raises the reader's error otherwise."""
    if case.kind == "document":
        subject = subject_from_bytes(payload)
        check_result(assess(subject, as_of=AS_OF))
    elif case.kind == "as_of":
        check_result(assess(_BASE, as_of=payload))
    elif case.kind == "on":
        check_result(what_if(_BASE, close="cc1", on=payload).after)
    elif case.kind == "policy":
        path = tmp_path / f"policy{case.suffix}"
        path.write_bytes(payload)
        policy = RulePolicy.from_file(path)
        check_result(assess(_BASE, scorer=RuleScorer(policy), as_of=AS_OF))
    elif case.kind == "artifact":
        path = tmp_path / "model.json"
        path.write_bytes(payload)
        check_result(assess(_BASE, scorer=LogisticScorer.load(path), as_of=AS_OF))
    elif case.kind == "path":
        for loader, err in (
            (RulePolicy.from_file, PolicyError),
            (LogisticScorer.load, ArtifactError),
        ):
            try:
                loader(payload)
            except err as exc:
                check_error(exc)
            else:  # pragma: no cover - a hostile path never loads
                raise AssertionError(f"{loader.__qualname__} loaded {payload!r:.40}")
    else:  # pragma: no cover
        raise AssertionError(case.kind)
    return None


EXPECTED: dict[str, tuple[type[BaseException], ...]] = {
    "document": (InvalidInputError,),
    "as_of": (InvalidInputError,),
    "on": (InvalidInputError,),
    "policy": (PolicyError,),
    "artifact": (ArtifactError,),
    "path": (),
}


def input_size(payload: Any) -> int:
    if isinstance(payload, (bytes, str)):
        return len(payload)
    return 64


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Load the scorers and caches once, so the memory bound measures the case alone."""
    assess(_BASE, as_of=AS_OF)
    what_if(_BASE, close="cc1", on=AS_OF)
    LogisticScorer.load(ROOT / "credit_closure" / "data" / "logistic_reference.json")
    dt.date.fromisoformat(AS_OF)


@pytest.mark.parametrize("case", [_mark(c) for c in CASES])
def test_case(case: Case, tmp_path: Path) -> None:
    payload = case.make()
    size = input_size(payload)
    expected = EXPECTED[case.kind]
    tracemalloc.start()
    try:
        with hang_guard(HANG_GUARD_S):
            try:
                run_case(case, payload, tmp_path)
            except expected as exc:
                check_error(exc)
            else:
                assert not case.refuse, "accepted, but this case must be refused"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # file loaders read in 1 MiB chunks (documents.read_capped): no allowance for a buffer
    bound = MEMORY_FACTOR * size + MEMORY_CONSTANT
    assert peak <= bound, f"peak traced memory {peak} bytes over the bound {bound}"


def test_corpus_size_and_families() -> None:
    families: dict[str, int] = {}
    for c in CASES:
        families[c.family] = families.get(c.family, 0) + 1
    assert len(CASES) >= 400
    assert set(families) >= {
        "nesting",
        "escapes",
        "huge",
        "numbers",
        "duplicates",
        "unicode",
        "dates",
        "cross-field",
        "unknown-keys",
        "policies",
        "artifacts",
    }
    assert sum(1 for c in CASES if c.family == "dates" and c.kind == "as_of") >= 40
    assert set(KNOWN_GAPS) <= {c.id for c in CASES}, "a KNOWN_GAPS entry names no case"


def test_corpus_is_deterministic() -> None:
    again = all_cases()
    assert [c.id for c in again] == [c.id for c in CASES]
    for a, b in zip(CASES, again):
        if input_size(a.make()) < 100_000:
            assert repr(a.make()) == repr(b.make())


# --------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------
def _cli_sample() -> list[Case]:
    """Every refused case small enough to write quickly, one in six per family (kept in
    order), plus every refused ``as_of`` value and artifact."""
    out = []
    seen: dict[str, int] = {}
    for c in CASES:
        if not c.refuse or c.kind not in ("document", "as_of", "artifact"):
            continue
        if c.id in KNOWN_GAPS or (c.family == "huge" and "MiB" in c.id):
            continue
        n = seen.get(c.family, 0)
        seen[c.family] = n + 1
        if n % 6 == 0:
            out.append(c)
    return out


CLI_SAMPLE = _cli_sample()


def _cli_args(case: Case, tmp_path: Path) -> list[str]:
    payload = case.make()
    base = tmp_path / "base.json"
    base.write_text(json.dumps(BASE_PROFILE), encoding="utf-8")
    if case.kind == "document":
        f = tmp_path / "doc.json"
        f.write_bytes(payload)
        return ["assess", str(f), "--as-of", AS_OF]
    if case.kind == "as_of":
        if not isinstance(payload, str) or "\x00" in payload:
            pytest.skip("argv holds only NUL-free strings")
        return ["assess", str(base), f"--as-of={payload}"]
    f = tmp_path / "model.json"
    f.write_bytes(payload)
    return ["assess", str(base), "--as-of", AS_OF, "--model", str(f)]


def test_cli_sample_covers_every_family() -> None:
    assert len(CLI_SAMPLE) >= 60
    docs = {c.family for c in CASES if c.refuse and c.kind == "document"}
    assert {c.family for c in CLI_SAMPLE} >= docs


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CLI_SAMPLE])
def test_cli_exits_1_without_traceback(case: Case, tmp_path: Path) -> None:
    args = _cli_args(case, tmp_path)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "credit_closure.cli", *args],
        capture_output=True,
        cwd=str(tmp_path),
        env=env,
        timeout=120,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr[-2000:]
    # a refused model file is a configuration fault: exit 3 (docs/cli.md)
    assert proc.returncode == (3 if case.kind == "artifact" else 1), (
        proc.returncode,
        stderr[-500:],
    )
