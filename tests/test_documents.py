"""The strict JSON reader (:mod:`credit_closure._contract.documents`): its own limits, document
size and nesting depth, refused before any deep work."""

from __future__ import annotations

import pytest
from _helpers import (
    ROOT,
    generate,
)

from credit_closure import InvalidInputError
from credit_closure._contract import MAX_DOCUMENT_BYTES, loads_document


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


class TestDocumentLimits:
    """The reader's maximums (document size, nesting depth) are enforced with a clear
    InvalidInputError."""

    def test_document_size(self) -> None:
        """MAX_DOCUMENT_BYTES is accepted; one byte more is refused before it is decoded."""
        body = b'{"subject_id": "p"}'
        ok = body + b" " * (MAX_DOCUMENT_BYTES - len(body))
        assert loads_document(ok) == {"subject_id": "p"}
        too_big = b"\xff" * (MAX_DOCUMENT_BYTES + 1)  # invalid UTF-8: the size is reported first
        with pytest.raises(InvalidInputError) as info:
            loads_document(too_big)
        assert "maximum" in info.value.problems[0][1]

    def test_deep_nesting_refused(self) -> None:
        """100,000 nested brackets are refused as too deeply nested, in the main thread."""
        for raw in (generate("deep_arrays"), generate("deep_objects")):
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
