"""Hostile-document benchmark: the library's strict JSON reader against ``json.loads`` on the
same bytes, in the same run, for each adversarial shape of one size.

Run:  python benchmarks/bench_hostile.py [--quick] [--size BYTES] [--repeat N] [--out PATH]

Bars (issue 16): a 16 MiB document of each adversarial shape is refused or parsed by
``loads_document`` in at most 3x the time of ``json.loads`` on it, with peak memory at most
3x its size.

Shapes: an unterminated string of escaped quotes (the old nesting scan was quadratic on it),
the same after 40 open brackets (enough to make the scan look past the escapes),
nesting at the allowed depth repeated to fill the size, one huge string, a huge array of
small numbers, an object with many keys, an array of small numbers with one escaped lone
surrogate (the reader then checks every string), and a document one byte over the limit
(refused by its size; ``json.loads`` parses all of it). Time is the best of ``--repeat`` runs
of each; peak memory is measured with tracemalloc in a separate run (tracemalloc slows
allocation) and printed as a multiple of the input size, for the reader and for
``json.loads``: what the parsed objects take is the same for both, so the column that the
library controls is the reader's peak over ``json.loads``'s.

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
    loads_document,
)
from credit_closure.exceptions import InvalidInputError  # noqa: E402

MiB = 1024 * 1024


def _fill(head: bytes, unit: bytes, tail: bytes, size: int, sep: bytes = b"") -> bytes:
    """``head + unit (sep unit)* + tail`` of at most ``size`` bytes (about ``size``)."""
    n = max(1, (size - len(head) - len(tail) + len(sep)) // (len(unit) + len(sep)))
    return head + sep.join([unit] * n) + tail


def _many_keys(size: int) -> bytes:
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


def shapes(size: int) -> dict[str, bytes]:
    """Each adversarial document of about ``size`` bytes (the last one just over the limit)."""
    nest = b"[" * (MAX_NESTING - 1) + b"0" + b"]" * (MAX_NESTING - 1)
    return {
        "unterminated escaped quotes": _fill(b'["', b'\\"', b"", size),
        "the same after 40 brackets": _fill(b"[" * 40 + b'"', b'\\"', b"", size),
        f"nesting at depth {MAX_NESTING}": _fill(b"[", nest, b"]", size, b","),
        "one huge string": b'["' + b"a" * (size - 4) + b'"]',
        "huge array of small numbers": _fill(b"[", b"0", b"]", size, b","),
        "many keys": _many_keys(size),
        "numbers + one lone surrogate": _fill(b'["\\ud800",', b"0", b"]", size, b","),
        "one byte over the limit": _fill(b"[", b"0", b"]", MAX_DOCUMENT_BYTES + 2, b","),
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
    for name, raw in shapes(size).items():
        outcome = _library(raw)
        lib_t = _best_time(_library, raw, repeat)
        base_t = _best_time(_baseline, raw, repeat)
        lib_m = _peak(_library, raw)
        base_m = _peak(_baseline, raw)
        rows.append(
            {
                "shape": name,
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
    print(f"loads_document vs json.loads, documents of {size:,} bytes, best of {repeat}")
    head = (
        f"{'shape':<30} {'outcome':<34} {'reader s':>9} {'json s':>8} {'ratio':>6} "
        f"{'peak/size':>9} {'json/size':>9} {'extra/size':>10}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['shape']:<30} {r['outcome'][:34]:<34} {r['reader_s']:>9.4f} "
            f"{r['json_loads_s']:>8.4f} {r['time_ratio']:>6.2f} {r['reader_peak_x_size']:>9.2f} "
            f"{r['json_loads_peak_x_size']:>9.2f} {r['reader_over_json_loads_x_size']:>10.2f}"
        )
    worst_t = max(r["time_ratio"] for r in rows)
    worst_m = max(r["reader_peak_x_size"] for r in rows)
    worst_extra = max(r["reader_over_json_loads_x_size"] for r in rows)
    print(
        f"\nbar time <= 3x json.loads: worst {worst_t:.2f}x -> {'PASS' if worst_t <= 3 else 'FAIL'}"
    )
    print(
        f"bar peak <= 3x size: worst {worst_m:.2f}x -> {'PASS' if worst_m <= 3 else 'FAIL'} "
        f"(reader's peak over json.loads's: worst {worst_extra:.2f}x size)"
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
