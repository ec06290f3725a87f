"""``credit-closure assess`` and ``credit-closure what-if``."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from typing import Any

from credit_closure._contract.documents import loads_document
from credit_closure.cli import (
    EXIT_CODES,
    EXIT_INPUT,
    EXIT_OK,
    SCORER_FAULTS,
    UsageError,
    exit_code,
    report_problems,
)
from credit_closure.exceptions import CreditClosureError, InvalidInputError

_MAX_BYTES = 64 * 1024 * 1024

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "subject": "subject",
        "as_of": "as of",
        "scorer": "scorer",
        "score": "score",
        "band": "band",
        "pd": "probability of default",
        "decision": "decision",
        "impact": "closure impact",
        "impact_note": "points moved by closures of the last 24 months",
        "reasons": "reasons",
        "none": "none",
        "triggers": "triggers",
        "points": "points",
        "approve": "APPROVE",
        "refer": "REFER",
        "decline": "DECLINE",
        "alert": "ALERT",
        "before": "before",
        "after": "after",
        "change": "change",
        "moved": "reasons that move",
        "closing": "closing",
        "on": "on",
        "enterprise": "enterprise",
        "principal": "principal",
        "enterprise_score": "enterprise score",
        "principal_change": "principal's own score",
    },
    "zh": {
        "subject": "主体",
        "as_of": "评估日期",
        "scorer": "评分模型",
        "score": "评分",
        "band": "风险等级",
        "pd": "违约概率",
        "decision": "决定",
        "impact": "关闭及结清影响",
        "impact_note": "近24个月内关闭或结清账户使评分变动的分数",
        "reasons": "主要原因",
        "none": "无",
        "triggers": "触发规则",
        "points": "分",
        "approve": "通过",
        "refer": "转人工审核",
        "decline": "拒绝",
        "alert": "提示",
        "before": "关闭前",
        "after": "关闭后",
        "change": "变动",
        "moved": "变动的原因",
        "closing": "拟关闭账户",
        "on": "日期",
        "enterprise": "企业",
        "principal": "相关自然人",
        "enterprise_score": "综合评分",
        "principal_change": "相关自然人个人评分",
    },
}


def read_source(path: str) -> tuple[bytes, str]:
    """Read ``path`` (``-`` for stdin) as bytes, refusing files over the size limit."""
    if path == "-":
        data = sys.stdin.buffer.read(_MAX_BYTES + 1)
        name = "<stdin>"
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read(_MAX_BYTES + 1)
        except OSError as exc:
            raise InvalidInputError(
                [("", f"cannot read {path}: {exc.strerror}")], what="file"
            ) from None
        name = path
    if len(data) > _MAX_BYTES:
        raise InvalidInputError([("", f"is larger than {_MAX_BYTES} bytes")], what="file")
    return data, name


#: A JSON document followed by another on a later line: probably JSON Lines read as one.
_SEVERAL_RE = re.compile(r"Extra data at line (?:[2-9]|[1-9][0-9]+) column 1\b")
_SEVERAL = " (several documents? read them as JSON Lines: --lines, or a .jsonl file)"


def iter_documents(data: bytes, *, lines: bool) -> Iterator[tuple[str, Any]]:
    """Yield ``(location, parsed document)``: one for JSON, one per non-empty line for
    JSON Lines. A bad line raises :class:`InvalidInputError` naming the line."""
    for where, doc in iter_lines(data, lines=lines):
        if isinstance(doc, InvalidInputError):
            raise doc
        yield where, doc


def iter_lines(data: bytes, *, lines: bool) -> Iterator[tuple[str, Any]]:
    """Like :func:`iter_documents`, but a line that is not a document is yielded as the
    :class:`InvalidInputError` naming it (its problems prefixed with ``line N``), so the
    caller can go on with the next line. A single JSON document that is not valid JSON
    still raises."""
    if not lines:
        yield "", loads_document(data)
        return
    for n, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            yield f"line {n}", loads_document(raw)
        except InvalidInputError as exc:
            yield f"line {n}", InvalidInputError(exc.prefixed(f"line {n}"), what="document")


def build_subject(doc: Any) -> Any:
    """A profile or an enterprise from a parsed document (an enterprise has enterprise_id)."""
    from credit_closure._contract.model import CreditProfile, Enterprise

    if isinstance(doc, dict) and "enterprise_id" in doc:
        return Enterprise.from_dict(doc)
    return CreditProfile.from_dict(doc)


def _is_lines(args: argparse.Namespace) -> bool:
    return bool(args.lines) or str(args.file).endswith((".jsonl", ".ndjson"))


def _fmt_points(x: float) -> str:
    return f"{x:+.1f}"


def render_assessment(a: Any, lang: str, *, scorer_name: str | None = None) -> str:
    """A readable summary of an :class:`Assessment` in English or Chinese.

    The scorer line names the scorer and its model version (``scorer_name`` when given: the
    command line names a model loaded from a file ``logistic``, not by its class)."""
    L = LABELS[lang]
    zh = lang == "zh"
    lines = [
        f"{L['subject']}: {a.subject_id}   {L['as_of']}: {a.as_of.isoformat()}",
        f"{L['scorer']}: {scorer_name or a.scorer} ({a.scorer_version}"
        + (
            f", {a.scorer_distribution} {a.scorer_distribution_version or ''}".rstrip()
            if a.scorer_distribution
            else ""
        )
        + ")",
        f"{L['score']}: {a.score:.1f}   {L['band']}: {a.band}   "
        f"{L['pd']}: {a.probability_of_default:.2%}   {L['decision']}: {L[a.decision]}",
        f"{L['impact']}: {_fmt_points(a.closure_impact)} {L['points']} ({L['impact_note']})",
        f"{L['reasons']}:" + ("" if a.reasons else f" {L['none']}"),
    ]
    for i, r in enumerate(a.reasons, start=1):
        text = r.message_zh if zh else r.message
        lines.append(f"  {i}. [{r.code}] {text} ({_fmt_points(r.points)} {L['points']})")
    if a.triggers:
        from credit_closure._scoring.reasons import reason_text

        lines.append(f"{L['triggers']}:")
        for t in a.triggers:
            txt = reason_text(t.code)
            msg = (txt.zh if zh else txt.en) if txt else t.code
            lines.append(f"  {L[t.action]}: [{t.code}] {msg}" + (f" ({t.rule})" if t.rule else ""))
    return _punct("\n".join(lines), lang)


def _punct(text: str, lang: str) -> str:
    """``text`` with full-width punctuation around its Chinese words when ``lang`` is zh."""
    if lang != "zh":
        return text
    from credit_closure.cli._zh import punct

    return punct(text)


def render_enterprise(ea: Any, lang: str, *, scorer_name: str | None = None) -> str:
    """A readable summary of an enterprise assessment (delegates to its own renderer); with
    ``scorer_name``, its scorer line names that scorer instead of ``ea.scorer`` (a class
    name for a model loaded from a file)."""
    render = getattr(ea, "render", None)
    if not callable(render):
        return json.dumps(ea.to_dict(), ensure_ascii=False, indent=2)
    lines = str(render(lang)).split("\n")
    if scorer_name and scorer_name != ea.scorer:
        old = f": {ea.scorer} ({ea.scorer_version}"
        lines = [
            ln.replace(old, f": {scorer_name} ({ea.scorer_version}", 1) if old in ln else ln
            for ln in lines
        ]
    return _punct("\n".join(lines), lang)


def _write_result(result: Any, args: argparse.Namespace, line: int | None, first: bool) -> None:
    """Print one assessment: a JSON line (with ``line``, the input line, for JSON Lines
    input) or the readable summary (a blank line between two)."""
    out = sys.stdout
    if args.json:
        doc = result.to_dict()
        if line is not None:
            doc = {"line": line, **doc}
        out.write(json.dumps(doc, ensure_ascii=False, sort_keys=False) + "\n")
        return
    if not first:
        out.write("\n")
    if hasattr(result, "principals"):
        out.write(render_enterprise(result, args.lang, scorer_name=args.scorer_label) + "\n")
    else:
        out.write(render_assessment(result, args.lang, scorer_name=args.scorer_label) + "\n")


def _assess_doc(doc: Any, scorer: Any, day: Any, where: str) -> Any:
    """The assessment of one parsed document; its problems are prefixed with ``where``."""
    from credit_closure._scoring.assess import assess

    if isinstance(doc, InvalidInputError):
        raise doc
    try:
        return assess(build_subject(doc), scorer=scorer, as_of=day)
    except InvalidInputError as exc:
        if where and not isinstance(exc, SCORER_FAULTS):
            raise InvalidInputError(exc.prefixed(where), what=exc.what) from None
        raise


def _summary(bad: list[int], total: int, name: str) -> str:
    shown = ", ".join(str(n) for n in bad[:20]) + (", ..." if len(bad) > 20 else "")
    s = "" if len(bad) == 1 else "s"
    return (
        f"credit-closure: {name}: {len(bad)} of {total} document{'' if total == 1 else 's'} "
        f"invalid (line{s} {shown}); the other {total - len(bad)} were assessed\n"
    )


def _cmd_assess(args: argparse.Namespace) -> int:
    from credit_closure._progress import Progress

    day = _day(args.as_of, "--as-of")
    if args.fail_fast and not _is_lines(args):
        raise UsageError("--fail-fast is for JSON Lines input (--lines or a .jsonl file)")
    scorer = _scorer(args)
    data, name = read_source(args.file)
    args.source_name = name
    if not _is_lines(args):
        try:
            ((where, doc),) = list(iter_documents(data, lines=False))
        except InvalidInputError as exc:  # several documents? say how to read them
            raise InvalidInputError(
                [(p, m + _SEVERAL if _SEVERAL_RE.search(m) else m) for p, m in exc.problems],
                what=exc.what,
            ) from None
        _write_result(_assess_doc(doc, scorer, day, where), args, None, True)
        return EXIT_OK
    total = sum(1 for raw in data.split(b"\n") if raw.strip())
    bad: list[int] = []
    reports: list[InvalidInputError] = []
    first = True
    with Progress(total, label="assessing") as bar:
        for where, doc in iter_lines(data, lines=True):
            line = int(where.split()[1])
            try:
                result = _assess_doc(doc, scorer, day, where)
            except CreditClosureError as exc:
                fault = isinstance(exc, SCORER_FAULTS) or not isinstance(exc, InvalidInputError)
                if isinstance(exc, InvalidInputError) and not fault and not args.fail_fast:
                    bad.append(line)
                    reports.append(exc)
                    bar.update()
                    continue
                bar.close()
                _report_lines(reports, name)
                if not fault:
                    raise  # --fail-fast: the old behaviour, main() reports it (exit 1)
                sys.stderr.write(f"credit-closure: {name}: {where}: {exc}\n")
                sys.stderr.write(
                    f"credit-closure: {name}: stopped at {where}; the lines after it "
                    "were not read\n"
                )
                return exit_code(exc)
            else:
                _write_result(result, args, line, first)
                first = False
            bar.update()
    _report_lines(reports, name)
    if bad:
        sys.stderr.write(_summary(bad, total, name))
        return EXIT_INPUT
    return EXIT_OK


def _report_lines(reports: list[InvalidInputError], name: str) -> None:
    """Print the problems of every bad line so far, in input order."""
    for exc in reports:
        report_problems(exc, source=name)
    reports.clear()


def _cmd_what_if(args: argparse.Namespace) -> int:
    from credit_closure._scoring.assess import what_if

    args.on = _day(args.on, "--on")
    scorer = _scorer(args)
    data, name = read_source(args.file)
    args.source_name = name
    ((_, doc),) = list(iter_documents(data, lines=False))
    subject = build_subject(doc)
    if hasattr(subject, "principals"):
        return _enterprise_what_if(subject, args, scorer)
    if args.principal is not None:
        raise InvalidInputError(
            [("--principal", "is only for an enterprise document")], what="argument"
        )
    w = what_if(subject, close=args.close, on=args.on, scorer=scorer, reason=args.reason)
    if args.json:
        sys.stdout.write(json.dumps(w.to_dict(), ensure_ascii=False) + "\n")
        return 0
    L = LABELS[args.lang]
    zh = args.lang == "zh"
    lines: list[str] = [
        f"{L['closing']}: {', '.join(w.closed)}   {L['on']}: {w.after.as_of.isoformat()}",
        f"{L['score']}: {w.before.score:.1f} -> {w.after.score:.1f} "
        f"({L['change']} {_fmt_points(w.delta)} {L['points']})   "
        f"{L['decision']}: {L[w.before.decision]} -> {L[w.after.decision]}",
        f"{L['moved']}:" + ("" if w.moved else f" {L['none']}"),
    ]
    after = render_assessment(w.after, args.lang, scorer_name=args.scorer_label)
    _write_what_if(lines, w, after, L, zh)
    return 0


def _write_what_if(lines: list[str], w: Any, after: str, L: dict[str, str], zh: bool) -> None:
    """Print a what-if: the header ``lines``, the reasons that moved, the assessment after."""
    for m in w.moved:
        lines.append(
            f"  [{m.code}] {m.message_zh if zh else m.message}: "
            f"{_fmt_points(m.points_before)} -> {_fmt_points(m.points_after)}"
        )
    lines.append("")
    lines.append(f"== {L['after']} ==")
    lines.append(after)
    sys.stdout.write(_punct("\n".join(lines), "zh" if zh else "en") + "\n")


def _principal_candidates(subject: Any, close: list[str]) -> str:
    """The principals a what-if on an enterprise could mean: those who hold every account to
    close open (every principal when none does), with their roles."""
    from credit_closure._contract.enums import AccountStatus

    roles: dict[str, list[str]] = {}
    holders: dict[str, bool] = {}
    for pr in subject.principals:
        sid = pr.profile.subject_id
        roles.setdefault(sid, []).append(str(getattr(pr.role, "value", pr.role)))
        open_ids = {a.account_id for a in pr.profile.accounts if a.status == AccountStatus.OPEN}
        holders[sid] = holders.get(sid, False) or set(close) <= open_ids
    wanted = [sid for sid, held in holders.items() if held]
    named = ", ".join(f"{sid} ({', '.join(roles[sid])})" for sid in (wanted or list(roles)))
    accounts = ", ".join(close)
    if wanted:
        return f"the principals holding {accounts} open: {named}"
    return f"no principal holds {accounts} open; the enterprise's principals: {named}"


def _enterprise_what_if(subject: Any, args: argparse.Namespace, scorer: Any) -> int:
    from credit_closure._scoring.assess import what_if

    try:
        w = what_if(
            subject,
            close=args.close,
            on=args.on,
            scorer=scorer,
            reason=args.reason,
            principal=args.principal,
        )
    except InvalidInputError as exc:
        if isinstance(exc, SCORER_FAULTS) or not any(p == "principal" for p, _m in exc.problems):
            raise
        hint = ("--principal", _principal_candidates(subject, list(args.close)))
        raise InvalidInputError([*exc.problems, hint], what=exc.what) from None
    if args.json:
        sys.stdout.write(json.dumps(w.to_dict(), ensure_ascii=False) + "\n")
        return 0
    L = LABELS[args.lang]
    zh = args.lang == "zh"
    lines: list[str] = [
        f"{L['enterprise']}: {w.before.enterprise_id}   {L['principal']}: {w.principal}   "
        f"{L['closing']}: {', '.join(w.closed)}   {L['on']}: {w.after.as_of.isoformat()}",
        f"{L['enterprise_score']}: {w.before.score:.1f} -> {w.after.score:.1f} "
        f"({L['change']} {_fmt_points(w.delta)} {L['points']})   "
        f"{L['decision']}: {L[w.before.decision]} -> {L[w.after.decision]}",
        f"{L['principal_change']}: {L['change']} {_fmt_points(w.principal_delta)} {L['points']}",
        f"{L['moved']}:" + ("" if w.moved else f" {L['none']}"),
    ]
    after = render_enterprise(w.after, args.lang, scorer_name=args.scorer_label)
    _write_what_if(lines, w, after, L, zh)
    return 0


def _scorer(args: argparse.Namespace) -> Any:
    """The scorer the arguments name: a saved artifact (``--model``, pinned by ``--sha256``)
    or a registered name (``--scorer``, default ``rules``), found and loaded before any
    document is read, so a scorer that cannot be used stops the run at once (exit 3).
    Sets ``args.scorer_label``, the name the readable output shows."""
    args.scorer_label = None
    if args.model is not None and args.scorer is not None:
        raise UsageError(
            "--model and --scorer are exclusive: score with one model file or one registered scorer"
        )
    if args.sha256 is not None and args.model is None:
        raise UsageError("--sha256 pins a model file: use it with --model MODEL.json")
    if args.model is not None:
        from credit_closure._scorecard.logistic import LogisticScorer
        from credit_closure.cli.validate import load_model

        scorer = load_model(args.model, args.sha256, name="--model", file_only=True)
        if isinstance(scorer, LogisticScorer):
            args.scorer_label = "logistic"
        return scorer
    from credit_closure._scoring.registry import get_scorer

    name = args.scorer if args.scorer is not None else "rules"
    get_scorer(name)  # found and loaded now (then cached), not at the first document
    return name


def _day(value: str | None, option: str) -> Any:
    """``--as-of``/``--on`` checked before any document is read (today, UTC, when omitted),
    so one run of many documents uses one date."""
    from credit_closure._scoring.assess import _as_of

    return _as_of(value, option)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--scorer", default=None, help="registered scorer name (default: rules; not with --model)"
    )
    p.add_argument(
        "--model",
        default=None,
        metavar="MODEL.json",
        help="score with a saved scorecard artifact (from `train`) instead of --scorer",
    )
    p.add_argument(
        "--sha256",
        default=None,
        metavar="HEX",
        help="with --model: refuse the artifact unless its content has this sha256 "
        "(64 hex digits, as recorded when it was trained)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable JSON output")
    p.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of the readable output (default: en)",
    )


def register(sub: Any) -> None:
    """Add ``assess`` and ``what-if`` to the command's subparsers."""
    p = sub.add_parser(
        "assess",
        help="assess a profile or an enterprise document",
        description="Assess one profile or enterprise (JSON), or many (JSON Lines). With JSON "
        "Lines, every line is checked: the good ones are assessed in input order, each bad one "
        "is reported on stderr with its line number and problems, and the exit code is 1 if "
        "any line failed (--fail-fast stops at the first bad line). With --json, each output "
        'line carries "line", its input line number.',
        epilog="Example: credit-closure assess examples/profiles/01_clean_voluntary_huabei.json "
        "--as-of 2025-12-31 --lang zh   " + EXIT_CODES,
    )
    p.add_argument("file", help="a JSON document, a .jsonl file, or - for stdin")
    p.add_argument(
        "--as-of",
        dest="as_of",
        default=None,
        help="assessment date YYYY-MM-DD (default: today, UTC)",
    )
    p.add_argument(
        "--lines",
        action="store_true",
        help="read JSON Lines (one document per line); implied by .jsonl and .ndjson",
    )
    p.add_argument(
        "--fail-fast",
        dest="fail_fast",
        action="store_true",
        help="JSON Lines: stop at the first bad line (default: report every bad line and "
        "assess the good ones)",
    )
    _common(p)
    p.set_defaults(func=_cmd_assess)

    w = sub.add_parser(
        "what-if",
        help="what closing accounts would do, before it happens",
        description="Assess a profile before and after closing the named accounts; for an "
        "enterprise document, the company before and after one principal "
        "closes them (--principal).",
        epilog="Example: credit-closure what-if examples/profiles/06_open_lines_whatif.json "
        "--close hb1 --on 2025-12-31 --lang zh   " + EXIT_CODES,
    )
    w.add_argument("file", help="a profile or enterprise JSON document, or - for stdin")
    w.add_argument(
        "--close",
        action="append",
        required=True,
        metavar="ACCOUNT_ID",
        help="account to close (repeat for several)",
    )
    w.add_argument("--on", default=None, help="closing and assessment date (default: today)")
    w.add_argument("--reason", default="unknown", help="closure reason to record")
    w.add_argument(
        "--principal",
        default=None,
        metavar="SUBJECT_ID",
        help="enterprise only: the principal who closes the accounts (may be "
        "omitted when the enterprise has one principal)",
    )
    _common(w)
    w.set_defaults(func=_cmd_what_if)
