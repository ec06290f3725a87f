"""``credit-closure assess`` and ``credit-closure what-if``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any

from credit_closure._contract.documents import loads_document
from credit_closure.exceptions import InvalidInputError

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


def iter_documents(data: bytes, *, lines: bool) -> Iterator[tuple[str, Any]]:
    """Yield ``(location, parsed document)``: one for JSON, one per non-empty line for
    JSON Lines. A bad line raises :class:`InvalidInputError` naming the line."""
    if not lines:
        yield "", loads_document(data)
        return
    for n, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            yield f"line {n}", loads_document(raw)
        except InvalidInputError as exc:
            raise InvalidInputError(exc.prefixed(f"line {n}"), what="document") from None


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


def render_assessment(a: Any, lang: str) -> str:
    """A readable summary of an :class:`Assessment` in English or Chinese."""
    L = LABELS[lang]
    zh = lang == "zh"
    lines = [
        f"{L['subject']}: {a.subject_id}   {L['as_of']}: {a.as_of.isoformat()}",
        f"{L['scorer']}: {a.scorer} ({a.scorer_version}"
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


def render_enterprise(ea: Any, lang: str) -> str:
    """A readable summary of an enterprise assessment (delegates to its own renderer)."""
    render = getattr(ea, "render", None)
    if callable(render):
        return _punct(str(render(lang)), lang)
    return json.dumps(ea.to_dict(), ensure_ascii=False, indent=2)


def _cmd_assess(args: argparse.Namespace) -> int:
    from credit_closure._progress import Progress
    from credit_closure._scoring.assess import assess

    day = _day(args.as_of, "--as-of")
    scorer = _scorer(args)
    data, name = read_source(args.file)
    args.source_name = name

    out = sys.stdout
    first = True
    lines = _is_lines(args)
    total = sum(1 for raw in data.split(b"\n") if raw.strip()) if lines else 1
    bar = Progress(total, label="assessing")
    for where, doc in iter_documents(data, lines=lines):
        try:
            subject = build_subject(doc)
            result = assess(subject, scorer=scorer, as_of=day)
        except InvalidInputError as exc:
            if where:
                raise InvalidInputError(exc.prefixed(where), what=exc.what) from None
            raise
        if args.json:
            out.write(json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=False) + "\n")
        else:
            if not first:
                out.write("\n")
            if hasattr(result, "principals"):
                out.write(render_enterprise(result, args.lang) + "\n")
            else:
                out.write(render_assessment(result, args.lang) + "\n")
        first = False
        bar.update()
    bar.close()
    return 0


def _cmd_what_if(args: argparse.Namespace) -> int:
    from credit_closure._scoring.assess import what_if

    args.on = _day(args.on, "--on")
    data, name = read_source(args.file)
    args.source_name = name
    ((_, doc),) = list(iter_documents(data, lines=False))
    subject = build_subject(doc)
    if hasattr(subject, "principals"):
        return _enterprise_what_if(subject, args)
    if args.principal is not None:
        raise InvalidInputError(
            [("--principal", "is only for an enterprise document")], what="argument"
        )
    w = what_if(subject, close=args.close, on=args.on, scorer=_scorer(args), reason=args.reason)
    if args.json:
        payload = {
            "closed": list(w.closed),
            "delta": w.delta,
            "before": w.before.to_dict(),
            "after": w.after.to_dict(),
            "moved": [
                {
                    "code": m.code,
                    "message": m.message,
                    "message_zh": m.message_zh,
                    "points_before": m.points_before,
                    "points_after": m.points_after,
                    "change": m.change,
                }
                for m in w.moved
            ],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
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
    _write_what_if(lines, w, render_assessment(w.after, args.lang), L, zh)
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


def _enterprise_what_if(subject: Any, args: argparse.Namespace) -> int:
    from credit_closure._scoring.assess import what_if

    w = what_if(
        subject,
        close=args.close,
        on=args.on,
        scorer=_scorer(args),
        reason=args.reason,
        principal=args.principal,
    )
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
    _write_what_if(lines, w, render_enterprise(w.after, args.lang), L, zh)
    return 0


def _scorer(args: argparse.Namespace) -> Any:
    """The scorer the arguments name: a saved artifact (--model) or a registered name."""
    if getattr(args, "model", None):
        from credit_closure.cli.validate import load_model

        return load_model(args.model, getattr(args, "sha256", None), name="--model")
    if getattr(args, "sha256", None) is not None:
        raise InvalidInputError(
            [("--sha256", "pins a model file: use it with --model MODEL.json")], what="argument"
        )
    return args.scorer


def _day(value: str | None, option: str) -> Any:
    """``--as-of``/``--on`` checked before any document is read (today, UTC, when omitted),
    so one run of many documents uses one date."""
    from credit_closure._scoring.assess import _as_of

    return _as_of(value, option)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scorer", default="rules", help="registered scorer name (default: rules)")
    p.add_argument(
        "--model",
        default=None,
        metavar="MODEL.json",
        help="score with a saved scorecard artifact (from `train`) instead",
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
        description="Assess one profile or enterprise (JSON), or many (JSON Lines).",
        epilog="Example: credit-closure assess examples/profiles/01_clean_voluntary_huabei.json "
        "--as-of 2025-12-31 --lang zh",
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
        help="read JSON Lines (one document per line); implied by .jsonl",
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
        "--close hb1 --on 2025-12-31 --lang zh",
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
