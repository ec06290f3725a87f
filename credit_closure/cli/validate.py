"""``credit-closure validate``: a validation report for a scorer on labelled data."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from credit_closure.cli import EXIT_CODES, UsageError
from credit_closure.exceptions import ArtifactError, InvalidInputError


def _read(path: str, name: str) -> Any:
    from credit_closure.synth import read_jsonl

    try:
        return read_jsonl(path)
    except OSError as exc:
        raise InvalidInputError(
            [(name, f"cannot read {path}: {exc.strerror}")], what="file"
        ) from None


def load_model(
    spec: str, sha256: str | None = None, *, name: str = "MODEL", file_only: bool = False
) -> Any:
    """A scorer from a saved artifact path, or from a registered scorer name.

    A path that exists (or ends with ``.json``, or any ``spec`` with ``file_only``) is loaded
    as a logistic scorecard artifact, checked against ``sha256`` when given (``--sha256``);
    anything else is looked up as a registered scorer name (``rules``, ``logistic``, a
    plugin's name), which cannot be pinned by a hash (a usage error). A missing or refused
    model file is an :class:`~credit_closure.exceptions.ArtifactError` (exit 3).
    """
    if file_only or os.path.exists(spec) or spec.endswith(".json"):
        from credit_closure._scorecard.logistic import LogisticScorer

        if not os.path.isfile(spec):
            raise ArtifactError(f"{name}: no such file: {spec}")
        try:
            return LogisticScorer.load(spec, sha256=sha256)
        except InvalidInputError as exc:  # a malformed hash: name the option
            raise InvalidInputError(
                [("--sha256", m) for _p, m in exc.problems], what="argument"
            ) from None
    if sha256 is not None:
        raise UsageError(
            f"--sha256 pins a model file; {name} names a registered scorer, not a file"
        )
    from credit_closure._scoring.registry import get_scorer

    return get_scorer(spec)


def write_html(result: Any, html_path: str, png_dir: Any) -> None:
    """Write an :class:`~credit_closure.report.HTMLReport` and say so on stderr."""
    from credit_closure.report import PLOT_HINT

    try:
        written = result.write(html_path, png_dir=png_dir)
    except OSError as exc:
        raise InvalidInputError(
            [("--html", f"cannot write {exc.filename}: {exc.strerror}")], what="file"
        ) from None
    n = len(result.charts)
    sys.stderr.write(f"wrote {written[0]} ({n} chart{'s' if n != 1 else ''} embedded)\n")
    for p in written[1:]:
        sys.stderr.write(f"wrote {p}\n")
    if result.charts_missing:
        sys.stderr.write(f"charts need matplotlib: {PLOT_HINT}\n")


def _cmd_validate(args: argparse.Namespace) -> int:
    from credit_closure.report import html_report

    if args.png_dir and args.no_plots:
        raise UsageError("--png-dir and --no-plots are exclusive: --png-dir writes the charts")
    scorer = load_model(args.model, args.sha256)
    args.source_name = args.data
    data = _read(args.data, "DATA")
    base = _read(args.baseline, "--baseline") if args.baseline else None
    result = html_report(
        scorer,
        list(data.profiles),
        [int(v) for v in data.outcomes.tolist()],
        as_of=list(data.as_of),
        baseline_profiles=list(base.profiles) if base is not None else None,
        baseline_as_of=list(base.as_of) if base is not None else None,
        title=args.title,
        plots=bool(args.html or args.png_dir) and not args.no_plots,
        progress=True,
    )
    if args.json:
        sys.stdout.write(json.dumps(result.report.to_dict(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(result.report.to_markdown())
    if args.html:
        write_html(result, args.html, args.png_dir)
    elif args.png_dir:
        from credit_closure.report import PLOT_HINT

        os.makedirs(args.png_dir, exist_ok=True)
        for chart in result.charts:
            path = os.path.join(args.png_dir, f"{chart.name}.png")
            with open(path, "wb") as fh:
                fh.write(chart.png)
            sys.stderr.write(f"wrote {path}\n")
        if result.charts_missing:
            sys.stderr.write(f"charts need matplotlib: {PLOT_HINT}\n")
    return 0


def register(sub: Any) -> None:
    """Add ``validate`` to the command's subparsers."""
    p = sub.add_parser(
        "validate",
        help="validation report (AUC, KS, calibration, PSI) of a model on "
        "labelled data, with an HTML report",
        description='Score DATA (JSON Lines of {"profile": {...}, "outcome": 0|1, '
        '"as_of": "YYYY-MM-DD"}, the format of `train`) with MODEL and print '
        "the validation report (Markdown, or JSON with --json). --html writes a "
        "self-contained HTML report with ROC and KS curves, the score "
        "distribution of goods and bads, calibration by decile, the scorecard "
        "points table and, with --baseline, the PSI; charts need matplotlib "
        "(pip install 'credit-closure[plot]'), without it the report keeps its "
        "tables.",
        epilog="Example: credit-closure validate model.json recent.jsonl --baseline train.jsonl "
        "--html report.html   " + EXIT_CODES,
    )
    p.add_argument(
        "model",
        metavar="MODEL",
        help="a saved scorecard artifact (model.json) or a registered scorer name",
    )
    p.add_argument("data", metavar="DATA.jsonl", help="labelled profiles (JSON Lines)")
    p.add_argument(
        "--sha256",
        default=None,
        metavar="HEX",
        help="refuse MODEL unless its content has this sha256 (64 hex digits, as recorded "
        "when it was trained)",
    )
    p.add_argument(
        "--baseline",
        metavar="BASE.jsonl",
        default=None,
        help="baseline sample (e.g. the training file) for PSI and CSI",
    )
    p.add_argument(
        "--html",
        metavar="REPORT.html",
        default=None,
        help="write the self-contained HTML report here",
    )
    p.add_argument(
        "--png-dir",
        dest="png_dir",
        metavar="DIR",
        default=None,
        help="also write each chart as DIR/<chart>.png",
    )
    p.add_argument(
        "--no-plots", dest="no_plots", action="store_true", help="HTML report without charts"
    )
    p.add_argument("--title", default=None, help="report heading (default: the model version)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_cmd_validate)
