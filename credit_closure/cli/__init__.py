"""The ``credit-closure`` command.

Conventions: results go to stdout, problems to stderr; exit codes are 0 (ok), 1 (input
problems: a bad document, file or argument value), 2 (usage: an unknown option, a missing
argument, options that conflict), 3 (the scorer or its configuration: a scorer that cannot be
found, loaded or verified, a model file that is missing or refused, a bad ``CREDIT_CLOSURE_*``
variable, a scorer that fails while scoring); no traceback for a user error (:data:`EPILOG`).

Output never fails on a stream that cannot encode it (``LANG=C``, ``PYTHONIOENCODING=latin-1``,
a lone surrogate in a file name): :func:`main` sets stdout and stderr to write what their
encoding cannot hold as ``\\uXXXX`` escapes (valid inside JSON strings too), see
:func:`safe_streams`.

Each subcommand lives in its own private module (``credit_closure._cli_<name>``) exposing
``register(subparsers)``; the module names are listed in :data:`SUBCOMMANDS`.
"""

from __future__ import annotations

import argparse
import codecs
import importlib
import io
import sys
from collections.abc import Sequence

from credit_closure._accel import build_label
from credit_closure._version import __version__
from credit_closure.exceptions import (
    AmbiguousScorerError,
    ArtifactError,
    CreditClosureError,
    InvalidInputError,
    NotFittedError,
    PolicyError,
    ScorerLoadError,
    ScorerNotFoundError,
    ScoringError,
)

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_SCORER = 3

#: The errors that mean the scorer or its configuration is at fault, not the input (exit 3).
#: ``ScorerLoadError`` covers ``IncompatibleScorerError`` and ``PluginConfigError`` (a bad
#: ``CREDIT_CLOSURE_*`` variable); ``PolicyError`` is a rule policy a scorer was built with
#: (no document of the command line is a policy).
SCORER_FAULTS: tuple[type[Exception], ...] = (
    ArtifactError,
    ScorerLoadError,
    ScorerNotFoundError,
    AmbiguousScorerError,
    ScoringError,
    NotFittedError,
    PolicyError,
)

#: The exit codes, as ``--help`` states them (docs/cli.md says the same).
EXIT_CODES = (
    "Exit codes: 0 ok; 1 input problems (a bad document, file or argument value; for JSON "
    "Lines, some lines); 2 usage (an unknown option, a missing argument, conflicting "
    "options); 3 scorer or configuration fault (a scorer or model that cannot be found, "
    "loaded or verified, a bad CREDIT_CLOSURE_* variable, a scorer that fails)."
)

#: Modules that add subcommands, in the order ``--help`` lists them.
SUBCOMMANDS: list[str] = [
    "credit_closure.cli.assess",
    "credit_closure.cli.plugins",
    "credit_closure.cli.train",
    "credit_closure.cli.monitor",
    "credit_closure.cli.validate",
    "credit_closure.cli.schema",
    "credit_closure.cli.serve",
]


#: The codec error handler :func:`safe_streams` installs.
ESCAPE_ERRORS = "credit_closure.u_escape"


def _u_escape(err: UnicodeError) -> tuple[str, int]:
    """Write each character the stream's encoding cannot hold as ``\\uXXXX`` (a character
    beyond U+FFFF as its surrogate pair), as a JSON string would."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    out = []
    for ch in err.object[err.start : err.end]:
        cp = ord(ch)
        if cp > 0xFFFF:
            cp -= 0x10000
            out.append(f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}")
        else:
            out.append(f"\\u{cp:04x}")
    return "".join(out), err.end


codecs.register_error(ESCAPE_ERRORS, _u_escape)


def safe_streams() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` escape what their encoding cannot write (instead
    of raising ``UnicodeEncodeError``); streams that already have an error handler other than
    ``strict``, or cannot be reconfigured, are left alone."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            try:
                stream.reconfigure(errors=ESCAPE_ERRORS)
            except (ValueError, OSError, io.UnsupportedOperation):  # pragma: no cover
                pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = _Parser(
        prog="credit-closure",
        description="Assess what account closures mean for a borrower's credit risk.",
        epilog=EXIT_CODES + " "
        "Example: credit-closure assess examples/profiles/01_clean_voluntary_huabei.json",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"credit-closure {__version__} ({build_label()})",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in SUBCOMMANDS:
        importlib.import_module(name).register(sub)
    for command in sub.choices.values():  # each subcommand reports its own usage errors
        if command.get_default("parser") is None:
            command.set_defaults(parser=command)
    return parser


class UsageError(Exception):
    """Options that conflict, found after parsing: ``main`` prints the subcommand's usage and
    the message, and exits 2, as argparse does for an unknown option."""


def exit_code(exc: CreditClosureError) -> int:
    """The exit code of an error: 3 for a scorer or configuration fault, else 1 (input)."""
    return EXIT_SCORER if isinstance(exc, SCORER_FAULTS) else EXIT_INPUT


def report_problems(exc: InvalidInputError, *, source: str = "", lang: str = "en") -> None:
    """Print an input error's problems to stderr, one per line (in Chinese with ``lang="zh"``:
    the frame and the common messages, see :mod:`credit_closure.cli._zh`)."""
    if lang == "zh":
        from credit_closure.cli import _zh

        where = f"{source}：" if source else ""
        sys.stderr.write(
            f"credit-closure: {where}{_zh.problems_header(exc.what, len(exc.problems))}\n"
        )
        for path, message in exc.problems:
            sys.stderr.write(f"  {_zh.problem_line(path, message)}\n")
        return
    where = f"{source}: " if source else ""
    sys.stderr.write(f"credit-closure: {where}{exc.args[0].splitlines()[0]}\n")
    for path, message in exc.problems:
        sys.stderr.write(f"  {path or '(document)'}: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    safe_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        sub = getattr(args, "parser", parser)
        sub.error(str(exc))  # raises SystemExit(EXIT_USAGE)
        raise  # pragma: no cover
    except CreditClosureError as exc:
        if isinstance(exc, InvalidInputError) and not isinstance(exc, SCORER_FAULTS):
            report_problems(
                exc, source=getattr(args, "source_name", ""), lang=getattr(args, "lang", "en")
            )
        else:
            sys.stderr.write(f"credit-closure: {exc}\n")
        return exit_code(exc)
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
