"""``credit-closure plugins``: the health table of every scorer and plugin entry point."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from credit_closure._scoring.registry import (
    ENV_ALLOWED,
    ENV_DISABLE,
    PluginReport,
    check_plugins,
    plugins_disabled,
)

_COLUMNS = ("name", "distribution", "version", "target", "status")


def _table(rows: Sequence[PluginReport]) -> str:
    cells: list[list[str]] = [[c.upper() for c in _COLUMNS]]
    for r in rows:
        cells.append(
            [r.name, r.distribution or "(in-process)", r.version or "-", r.target, r.status]
        )
    widths = [max(len(row[i]) for row in cells) for i in range(len(_COLUMNS))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    problems = [r for r in rows if r.error]
    if problems:
        lines.append("")
        for r in problems:
            first = r.error.splitlines()[0] if r.error else ""
            lines.append(f"{r.name} [{r.distribution or 'in-process'}] {r.status}: {first}")
    return "\n".join(lines) + "\n"


def _cmd_plugins(args: argparse.Namespace) -> int:
    rows = check_plugins()
    if args.json:
        doc: Any = {
            "plugins_disabled": plugins_disabled(),
            "scorers": [r.to_dict() for r in rows],
        }
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(_table(rows))
    return 0


def register(sub: Any) -> None:
    """Add ``plugins`` to the command's subparsers."""
    p = sub.add_parser(
        "plugins",
        help="list scorers and plugins and check that each one loads",
        description="Load every scorer in isolation and print one status row per scorer or "
        "entry point of the 'credit_closure.scorers' group: ok, load_failed, "
        "incompatible, invalid_name, ambiguous, shadowed, disabled, not_allowed. "
        f"Honours {ENV_DISABLE} and {ENV_ALLOWED}. Exit code 0 whatever the "
        "statuses (read them from the output).",
        epilog="Example: credit-closure plugins --json",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=_cmd_plugins)
