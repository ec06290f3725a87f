"""``credit-closure schema``: print the JSON Schema of the v1 documents."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _cmd_schema(args: argparse.Namespace) -> int:
    from credit_closure._contract.documents import json_schema

    sys.stdout.write(json.dumps(json_schema(args.kind), ensure_ascii=False, indent=2) + "\n")
    return 0


def register(sub: Any) -> None:
    """Add ``schema`` to the command's subparsers."""
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of a profile or enterprise document",
        description="Print the JSON Schema (draft 2020-12) of the v1 profile or enterprise "
        "document. The schema checks shapes and types; the library also checks "
        "cross-field rules (docs/json-contract.md).",
        epilog="Example: credit-closure schema enterprise > enterprise.schema.json",
    )
    p.add_argument(
        "kind",
        nargs="?",
        choices=("profile", "enterprise"),
        default="profile",
        help="which document (default: profile)",
    )
    p.set_defaults(func=_cmd_schema)
