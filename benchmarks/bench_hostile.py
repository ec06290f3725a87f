"""Hostile-document benchmark: the library's strict JSON reader against ``json.loads`` on the
same bytes, in the same run, for each adversarial shape of one size, and for the largest
legitimate documents.

Run:  python benchmarks/bench_hostile.py [--quick] [--size BYTES] [--repeat N] [--out PATH]

Bars (issue 16): a 16 MiB document of each adversarial shape is refused or parsed by
``loads_document`` in at most 3x the time of ``json.loads`` on it, with peak memory at most
3x its size.

Adversarial shapes (``adversarial``): the issue's (an unterminated string of escaped quotes,
on which the old nesting scan was quadratic; nesting at the allowed depth repeated to fill
the size; one huge string; a huge array of small numbers; an object with many keys; numbers
with one escaped lone surrogate, after which the reader checks every string; a document one
byte over the limit) and the scan's own worst cases (escaped quotes, escaped backslashes and
both, after 40 brackets or closed by 40 brackets at the end, so that the scan must resolve
every escape; a huge array of empty objects). Then the most expensive documents the value
limit lets through (``under limit``: ``MAX_VALUES`` values of the costliest kinds, padded to
the size by one string), and the largest legitimate documents (``legitimate``: the service
benchmark's profile with every list at its maximum, and an enterprise of two of them).

Time is the best of ``--repeat`` runs of each; peak memory is measured with tracemalloc
(which numpy reports to) in a separate run and printed as a multiple of the input's size,
for the reader and for ``json.loads``, and the reader's peak over ``json.loads``'s (what the
library adds: the parsed objects take the same in both). A refused document costs only the
scan, so its peak is the scan's.

Prints a table and writes benchmarks/results/hostile.json. Wall-clock figures on a shared
machine are noisy: read the ratios against the same-run baseline.
"""

from __future__ import annotations

import argparse
import gc
import json
import pathlib
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from credit_closure._contract.documents import (  # noqa: E402
    MAX_DOCUMENT_BYTES,
    MAX_NESTING,
    MAX_VALUES,
    loads_document,
)
from credit_closure.exceptions import InvalidInputError  # noqa: E402

MiB = 1024 * 1024


def _fill(head: bytes, unit: bytes, tail: bytes, size: int, sep: bytes = b"") -> bytes:
    """``head + unit (sep unit)* + tail`` of at most ``size`` bytes (about ``size``)."""
    n = max(1, (size - len(head) - len(tail) + len(sep)) // (len(unit) + len(sep)))
    return head + sep.join([unit] * n) + tail


def _many_keys(size: int, count: int | None = None) -> bytes:
    """An object of short keys filling ``size``; with ``count``, that many keys, each padded
    so that they fill ``size`` together."""
    if count is None:
        parts = []
        total = 2
        i = 0
        while True:
            item = b'"k%09d":0' % i
            if total + len(item) + 1 > size:
                break
            parts.append(item)
            total += len(item) + 1
            i += 1
        return b"{" + b",".join(parts) + b"}"
    width = max(9, (size - 2) // count - 5)  # '"k' + digits + '":0,'
    return b"{" + b",".join(b'"k%0*d":0' % (width - 1, i) for i in range(count)) + b"}"


def _padded(head: bytes, size: int) -> bytes:
    """``[head, "xxx..."]``: ``head`` (a JSON value) and one string filling ``size``."""
    return b"[" + head + b',"' + b"x" * max(0, size - len(head) - 5) + b'"]'


def shapes(size: int) -> dict[str, tuple[str, bytes]]:
    """Each document, by name: (kind, bytes); about ``size`` bytes each, but for the one over
    the limit and the legitimate ones (as large as the contract makes them)."""
    nest = b"[" * (MAX_NESTING - 1) + b"0" + b"]" * (MAX_NESTING - 1)
    deep = b"[" * 40
    out = {
        "unterminated escaped quotes": _fill(b'["', b'\\"', b"", size),
        "escaped quotes after 40 brackets": _fill(deep + b'"', b'\\"', b"", size),
        "escaped quotes, 40 brackets at the end": _fill(b'["', b'\\"', b'"' + deep, size),
        "escaped backslashes after 40 brackets": _fill(deep + b'"', b"\\\\", b"", size),
        "backslashes + quotes, 40 brackets": _fill(deep + b'"', b'\\\\\\"', b"", size),
        f"nesting at depth {MAX_NESTING}": _fill(b"[", nest, b"]", size, b","),
        "one huge string": b'["' + b"a" * (size - 4) + b'"]',
        "huge array of small numbers": _fill(b"[", b"0", b"]", size, b","),
        "huge array of empty objects": _fill(b"[", b"{}", b"]", size, b","),
        "many keys": _many_keys(size),
        "numbers + one lone surrogate": _fill(b'["\\ud800",', b"0", b"]", size, b","),
        "one byte over the limit": _fill(b"[", b"0", b"]", MAX_DOCUMENT_BYTES + 2, b","),
    }
    rows = {name: ("adversarial", raw) for name, raw in out.items()}
    n = (MAX_VALUES - 2) // 2  # each empty object is an element and counts as one itself
    rows["empty objects at the limit, padded"] = (
        "under limit",
        _padded(b"[" + b",".join([b"{}"] * n) + b"]", size),
    )
    rows["keys at the limit, padded"] = ("under limit", _many_keys(size, MAX_VALUES))
    for name, raw in _legitimate().items():
        rows[name] = ("legitimate", raw)
    return rows


def _legitimate() -> dict[str, bytes]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_service import maximum_profile

    profile = maximum_profile()
    enterprise = {
        "enterprise_id": "e-max",
        "principals": [{"role": "guarantor", "profile": profile}] * 2,
    }
    return {
        "largest legitimate profile": json.dumps(profile).encode(),
        "enterprise of two of them": json.dumps(enterprise, separators=(",", ":")).encode(),
    }


def _library(raw: bytes) -> str:
    try:
        loads_document(raw)
    except InvalidInputError as exc:
        return "refused: " + exc.problems[0][1][:40]
    return "parsed"


def _baseline(raw: bytes) -> str:
    try:
        json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return "refused: " + str(exc)[:40]
    return "parsed"


def _best_time(fn: Callable[[bytes], str], raw: bytes, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn(raw)
        best = min(best, time.perf_counter() - t0)
    return best


def _peak(fn: Callable[[bytes], str], raw: bytes) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn(raw)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(size: int, repeat: int) -> list[dict[str, Any]]:
    rows = []
    for name, (kind, raw) in shapes(size).items():
        outcome = _library(raw)
        lib_t = _best_time(_library, raw, repeat)
        base_t = _best_time(_baseline, raw, repeat)
        lib_m = _peak(_library, raw)
        base_m = _peak(_baseline, raw)
        rows.append(
            {
                "shape": name,
                "kind": kind,
                "bytes": len(raw),
                "outcome": outcome,
                "reader_s": lib_t,
                "json_loads_s": base_t,
                "time_ratio": lib_t / base_t,
                "reader_peak_x_size": lib_m / len(raw),
                "json_loads_peak_x_size": base_m / len(raw),
                "reader_over_json_loads_x_size": (lib_m - base_m) / len(raw),
            }
        )
        del raw
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1 MiB documents, 5 runs each")
    ap.add_argument("--size", type=int, default=None, help="bytes per document")
    ap.add_argument("--repeat", type=int, default=None, help="timed runs of each (best kept)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "hostile.json"))
    args = ap.parse_args(argv)
    size = args.size or (MiB if args.quick else MAX_DOCUMENT_BYTES)
    repeat = args.repeat or (5 if args.quick else 3)
    rows = measure(size, repeat)
    print(f"loads_document vs json.loads, documents of about {size:,} bytes, best of {repeat}")
    head = (
        f"{'shape':<40} {'kind':<11} {'MB':>5} {'outcome':<26} {'reader s':>8} {'json s':>7} "
        f"{'ratio':>5} {'peak/size':>9} {'json/size':>9} {'extra/size':>10}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['shape']:<40} {r['kind']:<11} {r['bytes'] / MiB:>5.1f} {r['outcome'][:26]:<26} "
            f"{r['reader_s']:>8.4f} {r['json_loads_s']:>7.4f} {r['time_ratio']:>5.2f} "
            f"{r['reader_peak_x_size']:>9.2f} {r['json_loads_peak_x_size']:>9.2f} "
            f"{r['reader_over_json_loads_x_size']:>10.2f}"
        )
    for kind in ("adversarial", "under limit", "legitimate"):
        group = [r for r in rows if r["kind"] == kind]
        worst_t = max(r["time_ratio"] for r in group)
        worst_m = max(r["reader_peak_x_size"] for r in group)
        worst_extra = max(r["reader_over_json_loads_x_size"] for r in group)
        verdict = "PASS" if worst_t <= 3 and worst_m <= 3 else "FAIL"
        bar = f"-> {verdict}" if kind == "adversarial" else "(reported; not the bar)"
        print(
            f"{kind:<11}: worst time {worst_t:.2f}x json.loads, worst peak {worst_m:.2f}x size, "
            f"reader over json.loads {worst_extra:.2f}x size {bar}"
        )
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "size": size,
                "repeat": repeat,
                "python": platform.python_version(),
                "rows": rows,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
