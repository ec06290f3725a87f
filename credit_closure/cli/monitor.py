"""``credit-closure monitor`` (portfolio closure rates) and ``credit-closure scan`` (security).

``monitor FILE`` reads closure counts in the long format (docs/portfolio-monitoring.md):

- CSV with a header row: ``period,segment,open_at_start,closures,voluntary,involuntary``
  (``segment`` optional; counts are whole numbers; periods are kept as text);
- JSON: an array of row objects with those keys, or an object ``{"rows": [...]}`` that may
  also hold ``"psi": {"expected": [scores], "actual": [scores], "period": "...",
  "segment": "..."}`` to report score stability between two periods.

``scan FILE`` reads one profile (JSON) or many (JSON Lines) and prints their security alerts.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import json
import sys
from typing import Any

from credit_closure.cli import EXIT_CODES, EXIT_INPUT, EXIT_OK, UsageError, report_problems
from credit_closure.cli.assess import iter_documents, iter_lines, read_source
from credit_closure.exceptions import InvalidInputError

_INT_COLUMNS = ("open_at_start", "closures", "voluntary", "involuntary")


def _parse_csv(text: str) -> dict[str, list[Any]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInputError([("", "is empty")], what="counts file") from None
    header = [h.strip() for h in header]
    problems = []
    cols: dict[str, list[Any]] = {h: [] for h in header}
    if len(set(header)) != len(header):
        raise InvalidInputError([("line 1", "repeats a column name")], what="counts file")
    for lineno, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            problems.append(
                (f"line {lineno}", f"has {len(row)} fields; the header has {len(header)}")
            )
            continue
        for name, cell in zip(header, row):
            cell = cell.strip()
            if name in _INT_COLUMNS:
                try:
                    cols[name].append(int(cell))
                except ValueError:
                    problems.append((f"line {lineno}.{name}", "must be a whole number"))
                    cols[name].append(0)
            else:
                cols[name].append(cell)
        if len(problems) >= 50:
            break
    if problems:
        raise InvalidInputError(problems, what="counts file")
    return cols


def _load_counts(data: bytes, fmt: str) -> tuple[Any, ...]:
    text_start = data.lstrip()[:1]
    if fmt == "auto":
        fmt = "json" if text_start in (b"[", b"{") else "csv"
    if fmt == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInputError(
                [("", f"is not valid UTF-8 (byte {exc.start})")], what="counts file"
            ) from None
        return _parse_csv(text), None
    ((_, doc),) = list(iter_documents(data, lines=False))
    psi = None
    if isinstance(doc, dict):
        unknown = sorted(set(doc) - {"rows", "psi"})
        if unknown or "rows" not in doc:
            raise InvalidInputError(
                [(k, "is not a known field") for k in unknown]
                + ([("rows", "is required")] if "rows" not in doc else []),
                what="counts document",
            )
        psi = doc.get("psi")
        doc = doc["rows"]
    if not isinstance(doc, list):
        raise InvalidInputError(
            [("rows", "must be an array of row objects")], what="counts document"
        )
    return doc, psi


def _psi_check(spec: Any) -> Any:
    from credit_closure.portfolio import score_psi

    if (
        not isinstance(spec, dict)
        or set(spec) - {"expected", "actual", "period", "segment", "bins"}
        or not {"expected", "actual"} <= set(spec)
    ):
        raise InvalidInputError(
            [
                (
                    "psi",
                    "must be an object with expected and actual score "
                    "arrays (and optional period, segment, bins)",
                )
            ],
            what="counts document",
        )
    for k in ("expected", "actual"):
        v = spec[k]
        if not isinstance(v, list) or any(
            isinstance(x, bool) or not isinstance(x, (int, float)) for x in v
        ):
            raise InvalidInputError(
                [(f"psi.{k}", "must be an array of numbers")], what="counts document"
            )
    try:
        return score_psi(
            spec["expected"],
            spec["actual"],
            bins=spec.get("bins", 10),
            period=spec.get("period"),
            segment=str(spec.get("segment", "all")),
        )
    except InvalidInputError as exc:
        raise InvalidInputError(exc.prefixed("psi"), what="counts document") from None


#: The scale of each rule's statistic and limit, as printed (docs/cli.md, portfolio.py):
#: the p-chart compares the rate itself; CUSUM and EWMA run on the standardised rate
#: ``z_t = (p_t - p̄) / σ_t``, so their values and limits are in standard deviations.
SCALES = {
    "p_chart": ("rate", "rate: closures in the period per account open at its start"),
    "cusum": ("z", "z-units: standard deviations of the rate from the baseline rate"),
    "ewma": ("z", "z-units: standard deviations of the rate from the baseline rate"),
    "psi": ("psi", "population stability index"),
}

_LEGEND = (
    "rates (gross, vol., invol.) and the gross p-chart limits (LCL, UCL): closures in the "
    "period per account open at its start; CUSUM (S+, S-, h) and EWMA (value, limit): "
    "z-units, standard deviations of the rate from its baseline rate"
)


def _season_map(path: str) -> dict[str, str]:
    """``--season-map FILE``: a JSON object ``{period: season key}``."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise InvalidInputError(
            [("--season-map", f"cannot read {path}: {exc.strerror}")], what="argument"
        ) from None
    ((_, doc),) = list(iter_documents(data, lines=False))
    if not isinstance(doc, dict) or not doc:
        raise InvalidInputError(
            [("--season-map", "must be a JSON object {period: season key}")], what="argument"
        )
    return doc


def _alert_line(a: Any) -> str:
    """An alert's message with the scale of its numbers stated."""
    return f"{a.message} ({SCALES.get(a.rule, ('', 'value'))[1]})"


def _cmd_monitor(args: argparse.Namespace) -> int:
    from credit_closure.portfolio import SignalConfig, closure_rates, plot_closure_rates

    if args.plot_rate is not None and not args.plot:
        raise UsageError("--plot-rate chooses the rate --plot draws: use it with --plot OUT.png")
    data, name = read_source(args.file)
    args.source_name = name
    fmt = args.format
    if fmt == "auto" and name.lower().endswith(".csv"):
        fmt = "csv"
    rows, psi_spec = _load_counts(data, fmt)
    cfg_kwargs: dict[str, Any] = {
        "sigma": args.sigma,
        "cusum_k": args.k,
        "cusum_h": args.h,
        "ewma_lambda": args.lam,
        "ewma_L": args.L,
        "baseline_periods": args.baseline,
        "limits": args.limits,
        "dispersion_alpha": args.dispersion_alpha,
        "cusum_reset": not args.no_cusum_reset,
        "season_min_periods": args.season_min,
    }
    if args.season_map is not None:
        cfg_kwargs["season"] = _season_map(args.season_map)
    elif args.season is not None:
        cfg_kwargs["season"] = args.season
    if args.rate:
        cfg_kwargs["rates"] = tuple(dict.fromkeys(args.rate))
    cfg = SignalConfig(**cfg_kwargs)
    result = closure_rates(rows, config=cfg)
    check = _psi_check(psi_spec) if psi_spec is not None else None
    if args.plot:
        plot_rate = args.plot_rate or cfg.rates[0]
        if plot_rate not in cfg.rates:
            raise InvalidInputError(
                [("--plot-rate", f"must be one of the watched rates ({', '.join(cfg.rates)})")],
                what="argument",
            )
        try:
            plot_closure_rates(result, args.plot, rate=plot_rate)
        except ImportError as exc:
            sys.stderr.write(f"credit-closure: {exc}\n")
            return 1
        except OSError as exc:
            raise InvalidInputError(
                [("--plot", f"cannot write {args.plot}: {exc.strerror}")], what="argument"
            ) from None
    out = sys.stdout
    if args.json:
        doc = result.to_dict()
        for alert in doc["alerts"]:
            alert["scale"] = SCALES.get(alert["rule"], ("value", ""))[0]
        if check is not None:
            doc["psi"] = {
                "result": check.psi.to_dict(),
                "alert": None if check.alert is None else {**check.alert.to_dict(), "scale": "psi"},
            }
        out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        return 0
    if args.lang == "zh":
        _write_monitor_zh(out, result, check, args.plot)
        return 0
    out.write(result.format_table() + "\n")
    out.write(f"({_LEGEND})\n\n")
    out.write("limits (per segment and rate):\n")
    for line in result.format_bases().splitlines():
        out.write(f"- {line}\n")
    out.write("\n")
    out.write(f"alerts: {len(result.alerts)}\n")
    for a in result.alerts:
        out.write(f"  {_alert_line(a)}\n")
    if check is not None:
        out.write(f"\nscore PSI: {check.psi.value:.4f} ({check.psi.band})\n")
        if check.alert is not None:
            out.write(f"  {check.alert.severity}: {check.alert.message}\n")
    if args.plot:
        out.write(f"\nplot written to {args.plot}\n")
    return 0


def _write_monitor_zh(out: Any, result: Any, check: Any, plot: str | None) -> None:
    """The readable monitor output in Chinese (``--lang zh``)."""
    from credit_closure.cli import _zh

    out.write(_zh.monitor_table(result.format_table()) + "\n\n")
    out.write("控制限（按细分和关闭率）：\n")
    for b in result.bases:
        out.write(f"- {_zh.monitor_basis(b, result.config.dispersion_alpha)}\n")
    out.write("\n")
    out.write(f"预警：{len(result.alerts)} 条\n")
    for a in result.alerts:
        out.write(f"  {_zh.monitor_alert(a)}\n")
    if check is not None:
        out.write(
            f"\n评分稳定性指数 PSI：{check.psi.value:.4f}（{_zh.psi_band(check.psi.band)}）\n"
        )
        if check.alert is not None:
            level = "预警" if check.alert.severity == "alert" else "注意"
            out.write(f"  {level}：{_zh.monitor_alert(check.alert)}\n")
    if plot:
        out.write(f"\n图表已写入 {plot}\n")


def utc_text(at: _dt.datetime) -> str:
    """``at`` in UTC as ``YYYY-MM-DDTHH:MM:SSZ`` (a time without a zone is read as UTC, as
    the detector reads it)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=_dt.timezone.utc)
    return at.astimezone(_dt.timezone.utc).replace(tzinfo=None).isoformat() + "Z"


def _scan_summary(bad: list[int], total: int, name: str, lang: str) -> str:
    """The last stderr line of a JSON Lines scan with bad lines."""
    if lang == "zh":
        from credit_closure.cli._zh import scan_summary

        return f"credit-closure: {name}：{scan_summary(bad, total)}\n"
    shown = ", ".join(str(n) for n in bad[:20]) + (", ..." if len(bad) > 20 else "")
    s = "" if len(bad) == 1 else "s"
    return (
        f"credit-closure: {name}: {len(bad)} of {total} profile{'' if total == 1 else 's'} "
        f"invalid (line{s} {shown}); the other {total - len(bad)} were scanned\n"
    )


def _cmd_scan(args: argparse.Namespace) -> int:
    from credit_closure._contract.model import CreditProfile
    from credit_closure.monitoring import SecurityConfig, scan

    lines = bool(args.lines) or str(args.file).endswith((".jsonl", ".ndjson"))
    if args.fail_fast and not lines:
        raise UsageError("--fail-fast is for JSON Lines input (--lines or a .jsonl file)")
    data, name = read_source(args.file)
    args.source_name = name
    cfg = SecurityConfig(window_days=args.window_days, dormant_days=args.dormant_days)
    if not lines:
        ((_, doc),) = list(iter_documents(data, lines=False))
        _write_zone_line(args)
        _write_scan(CreditProfile.from_dict(doc), scan, cfg, args, None)
        return EXIT_OK
    # JSON Lines: every line is checked; the good ones are scanned in input order, each bad
    # one reported with its line number (--fail-fast: stop at the first, main() reports it)
    _write_zone_line(args)
    total = 0
    bad: list[int] = []
    for where, doc in iter_lines(data, lines=True):
        line = int(where.split()[1])
        total += 1
        try:
            if isinstance(doc, InvalidInputError):
                raise doc
            try:
                profile = CreditProfile.from_dict(doc)
            except InvalidInputError as exc:
                raise InvalidInputError(exc.prefixed(where), what=exc.what) from None
        except InvalidInputError as exc:
            if args.fail_fast:
                raise
            bad.append(line)
            report_problems(exc, source=name, lang=args.lang)
            continue
        _write_scan(profile, scan, cfg, args, line)
    if bad:
        sys.stderr.write(_scan_summary(bad, total, name, args.lang))
        return EXIT_INPUT
    return EXIT_OK


def _write_zone_line(args: argparse.Namespace) -> None:
    if args.json:
        return
    if args.lang == "zh":
        from credit_closure.cli._zh import SCAN_ZONE_LINE

        sys.stdout.write(SCAN_ZONE_LINE + "\n")
    else:
        sys.stdout.write("(times and dates in UTC; a time without a zone is read as UTC)\n")


def _write_scan(
    profile: Any, scan: Any, cfg: Any, args: argparse.Namespace, line: int | None
) -> None:
    """Scan one profile and print its alerts: JSON Lines (with ``line``, the input line, for
    JSON Lines input) or readable text."""
    out = sys.stdout
    alerts = scan(profile, config=cfg)
    if args.json:
        for a in alerts:
            d = a.to_dict()
            d["at_utc"] = utc_text(a.at)
            d["subject_id"] = profile.subject_id
            if line is not None:
                d = {"line": line, **d}
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
        return
    if args.lang == "zh":
        from credit_closure.cli import _zh

        out.write(_zh.scan_header(profile.subject_id, len(alerts)) + "\n")
        for a in alerts:
            out.write(f"  {_zh.scan_line(a)}\n")
        return
    out.write(
        f"subject {profile.subject_id}: {len(alerts)} alert{'' if len(alerts) == 1 else 's'}\n"
    )
    for a in alerts:
        out.write(
            f"  [{a.severity}] {a.rule} account {a.account_id} at {utc_text(a.at)}: {a.evidence}\n"
        )


def _lang(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of the readable output and of the problem messages (default: en)",
    )


def _chart_options(m: argparse.ArgumentParser) -> None:
    """The options of the limits, the CUSUM reset and the seasonal baseline."""
    m.add_argument(
        "--limits",
        choices=("auto", "binomial", "laney"),
        default="auto",
        help="p-chart/CUSUM/EWMA limits: auto (Laney p' when the baseline is overdispersed, "
        "default), binomial (textbook, earlier releases) or laney",
    )
    m.add_argument(
        "--dispersion-alpha",
        dest="dispersion_alpha",
        type=float,
        default=0.05,
        metavar="A",
        help="level of the baseline's overdispersion test for --limits auto (default 0.05)",
    )
    m.add_argument(
        "--no-cusum-reset",
        dest="no_cusum_reset",
        action="store_true",
        help="let the CUSUM sums run on after a signal (default: restart from 0)",
    )
    season = m.add_mutually_exclusive_group()
    season.add_argument(
        "--season",
        choices=("month", "quarter"),
        default=None,
        help="seasonal baseline: compare each period with the baseline periods of the same "
        "month (or quarter) of the year; needs --season-min years of baseline",
    )
    season.add_argument(
        "--season-map",
        dest="season_map",
        metavar="FILE.json",
        default=None,
        help='seasonal baseline with your own keys: a JSON object {"2025-01": "cny", ...} '
        "giving every period its season",
    )
    m.add_argument(
        "--season-min",
        dest="season_min",
        type=int,
        default=2,
        metavar="N",
        help="baseline periods each season needs (default 2: two years of months)",
    )


def register(sub: Any) -> None:
    """Add ``monitor`` and ``scan`` to the command's subparsers."""
    m = sub.add_parser(
        "monitor",
        help="closure rates per period and segment, with control-chart alerts",
        description="Compute gross, voluntary and involuntary closure rates from counts "
        "(CSV or JSON, long format: period,segment,open_at_start,closures,"
        "voluntary,involuntary) and flag unusual periods with a p-chart, tabular "
        "CUSUM and EWMA. Aggregates only: nothing feeds a person's score.",
        epilog="Example: credit-closure monitor examples/portfolio/closure_counts.csv --baseline 12 "
        "--plot rates.png   " + EXIT_CODES,
    )
    m.add_argument("file", help="counts as CSV (header row) or JSON, or - for stdin")
    m.add_argument(
        "--format",
        choices=("auto", "csv", "json"),
        default="auto",
        help="input format (default: from the extension or the first character)",
    )
    m.add_argument("--sigma", type=float, default=3.0, help="p-chart limit width (default 3)")
    m.add_argument("--k", type=float, default=0.5, help="CUSUM reference value k (default 0.5)")
    m.add_argument("--h", type=float, default=5.0, help="CUSUM decision interval h (default 5)")
    m.add_argument(
        "--lambda", dest="lam", type=float, default=0.2, help="EWMA weight lambda (default 0.2)"
    )
    m.add_argument("--L", dest="L", type=float, default=3.0, help="EWMA limit width L (default 3)")
    m.add_argument(
        "--baseline",
        type=int,
        default=None,
        metavar="N",
        help="estimate each segment's centre line from its first N periods (default: all periods)",
    )
    _chart_options(m)
    m.add_argument(
        "--rate",
        action="append",
        choices=("gross", "voluntary", "involuntary"),
        help="rate to watch (repeat; default all three)",
    )
    m.add_argument(
        "--plot",
        metavar="OUT.png",
        default=None,
        help="write a PNG of the rate and its limits per segment "
        "(needs pip install credit-closure[plot])",
    )
    m.add_argument(
        "--plot-rate",
        dest="plot_rate",
        default=None,
        choices=("gross", "voluntary", "involuntary"),
        help="rate to plot (default: the first watched)",
    )
    m.add_argument("--json", action="store_true", help="machine-readable JSON output")
    _lang(m)
    m.set_defaults(func=_cmd_monitor)
    _register_scan(sub)


def _register_scan(sub: Any) -> None:
    s = sub.add_parser(
        "scan",
        help="post-closure security alerts for profiles",
        description="Scan one profile (JSON) or many (JSON Lines) for activity on closed "
        "accounts, reopen requests, contact changes near a closure, limit changes "
        "after closure and dormant accounts suddenly used. A closure alone is "
        "never an alert. With JSON Lines, every line is checked: the good ones are scanned in "
        "input order, each bad one is reported on stderr with its line number and problems, "
        "and the exit code is 1 if any line failed (--fail-fast stops at the first bad line). "
        'With --json, each alert of JSON Lines input carries "line", its input line number.',
        epilog="Example: credit-closure scan examples/profiles/07_security_contact_change.json "
        "   " + EXIT_CODES,
    )
    s.add_argument("file", help="a profile JSON document, a .jsonl file, or - for stdin")
    s.add_argument(
        "--lines",
        action="store_true",
        help="read JSON Lines (one profile per line); implied by .jsonl and .ndjson",
    )
    s.add_argument(
        "--fail-fast",
        dest="fail_fast",
        action="store_true",
        help="JSON Lines: stop at the first bad line (default: report every bad line and "
        "scan the good ones)",
    )
    s.add_argument(
        "--window-days",
        dest="window_days",
        type=int,
        default=30,
        help="contact-change window around a closure, in days (default 30)",
    )
    s.add_argument(
        "--dormant-days",
        dest="dormant_days",
        type=int,
        default=365,
        help="days without activity that make an account dormant (default 365)",
    )
    s.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per alert (with subject_id, and line for JSON Lines input), "
        "JSON Lines",
    )
    _lang(s)
    s.set_defaults(func=_cmd_scan)
