"""Chinese rendering for the command line (``--lang zh``).

Three things live here:

- :func:`punct`, which makes the command's own frame of a Chinese text use full-width
  punctuation (``评分：``, ``（变动 -8.7 分）``) while codes, numbers, ids and English stay as
  they are;
- :func:`problem_line` and :func:`problems_header`, the Chinese frame of the validation
  problems the command prints to stderr: ``第 N 行``, ``字段 PATH：`` and the message; the
  common messages are translated (:data:`MESSAGES`), the rest keep their English text after
  the Chinese frame, so no information is lost;
- the texts of ``scan`` and ``monitor`` (:func:`scan_line`, :func:`monitor_alert`, ...),
  built from the alerts' fields.

Vocabulary (one word per thing, as in the reason catalog): 关闭 for Huabei/Jiebei-type lines and
cards, 结清 for loans paid off, the PBoC legend's names 结清 (C), 结束 (G) and 呆账 (B) [PBOC-CONF],
相关自然人 / 主要关系人 for an enterprise's principals; never 销户 for every ending.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = [
    "MESSAGES",
    "MONITOR",
    "monitor_alert",
    "monitor_table",
    "problem_line",
    "problems_header",
    "psi_band",
    "punct",
    "scan_header",
    "scan_line",
]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_COLON_RE = re.compile(rf"(?<=[{_CJK}]): ?")
_PARENS_RE = re.compile(rf" ?\(([^()\n]*[{_CJK}][^()\n]*)\)")


def punct(text: str) -> str:
    """Full-width colons after Chinese words and full-width parentheses around text that holds
    Chinese; parentheses around codes and numbers only (``(R7)``) are kept.

    >>> punct("评分: 600.0 -> 591.3 (变动 -8.7 分)   决定: 通过 (R7)")
    '评分：600.0 -> 591.3（变动 -8.7 分）   决定：通过 (R7)'
    """
    return _PARENS_RE.sub(r"（\1）", _COLON_RE.sub("：", text))


_LINE_RE = re.compile(r"^line (\d+)(?:\.(.*))?$")

#: Whole messages, and message openings whose rest is kept (a type name, a value, a limit).
_EXACT: dict[str, str] = {
    "is required": "缺少此字段",
    "is required and must not be null": "缺少此字段（不能为 null）",
    "is not a known field": "不是约定中的字段",
    "is empty": "内容为空",
    "must be a non-empty string": "必须是非空字符串",
    "must be a finite number": "必须是有限的数字",
    "must be a whole number": "必须是整数",
    "must be a number between 0 and 1": "必须是 0 到 1 之间的数字",
    "must name at least one principal": "至少要有一位相关自然人",
    "must be absent when status is 'open'": "状态为 open（在用）时不能填写",
    "is required when status is 'closed'": "状态为 closed（已关闭）时必须填写",
    "has more than one closure event": "有不止一条关闭记录",
    "repeats a column name": "列名重复",
    "is not a valid profile": "不是有效的信用档案",
    "is not a valid enterprise": "不是有效的企业文档",
    "is nested too deeply": "嵌套层数过多",
    "is only for an enterprise document": "只用于企业文档",
    "must be valid Unicode text (no lone surrogates)": "必须是有效的 Unicode 文本（不能有孤立的代理字符）",
}

_PREFIX: tuple[tuple[str, str], ...] = (
    ("must be a number (got ", "必须是数字（实际为 "),
    ("must be a string (got ", "必须是字符串（实际为 "),
    ("must be an integer (got ", "必须是整数（实际为 "),
    ("must be an array (got ", "必须是数组（实际为 "),
    ("must be an object (got ", "必须是对象（实际为 "),
    ("must be a list (got ", "必须是列表（实际为 "),
    ("must be a finite number (got ", "必须是有限的数字（实际为 "),
    ("must be >= 0 (got ", "不能为负数（实际为 "),
    ("must be a date in YYYY-MM-DD form (got ", "必须是 YYYY-MM-DD 格式的日期（实际为 "),
    ("is not a valid date in YYYY-MM-DD form (got ", "不是有效的 YYYY-MM-DD 日期（实际为 "),
    ("must be one of: ", "必须是以下之一："),
    ("is not one of: ", "不是以下之一："),
    ("is not valid JSON: ", "不是有效的 JSON："),
    ("is not valid UTF-8 ", "不是有效的 UTF-8 编码 "),
    ("is before opened_on ", "早于开户日期 opened_on "),
    ("is after the assessment date ", "晚于评估日期 "),
    ("cannot read ", "无法读取 "),
    ("cannot write ", "无法写入 "),
)


def _message(message: str) -> str:
    """The Chinese text of one problem message (the English text when it is not covered)."""
    if message in _EXACT:
        return _EXACT[message]
    for en, zh in _PREFIX:
        if message.startswith(en):
            rest = message[len(en) :]
            if zh.endswith("实际为 ") and rest.endswith(")"):
                rest = rest[:-1] + "）"
            return zh + rest
    return message


#: The messages :func:`problem_line` translates, for the documentation and the tests.
MESSAGES: tuple[str, ...] = tuple(_EXACT) + tuple(en for en, _ in _PREFIX)


def _where(path: str) -> str:
    """``line 3.accounts[0].balance`` → ``第 3 行，字段 accounts[0].balance``."""
    if not path:
        return "文档"
    m = _LINE_RE.match(path)
    if m:
        line, field = m.groups()
        return f"第 {line} 行" + (f"，字段 {field}" if field else "")
    if path.startswith("--"):
        return f"选项 {path}"
    return f"字段 {path}"


def problem_line(path: str, message: str) -> str:
    """One problem in Chinese: ``第 N 行，字段 PATH：message``.

    >>> problem_line("line 2.accounts[0].balance", "must be a number (got string)")
    '第 2 行，字段 accounts[0].balance：必须是数字（实际为 string）'
    >>> problem_line("subject_id", "is required")
    '字段 subject_id：缺少此字段'
    """
    return f"{_where(path)}：{_message(message)}"


_WHAT: dict[str, str] = {
    "input": "输入",
    "document": "文档",
    "file": "文件",
    "argument": "参数",
    "profile": "信用档案",
    "enterprise": "企业文档",
    "counts file": "计数文件",
    "counts document": "计数文档",
    "rule policy": "规则策略",
    "model": "模型文件",
    "artifact": "模型文件",
    "profile document": "信用档案",
    "enterprise document": "企业文档",
    "what-if request": "what-if 请求",
    "training data": "训练数据",
    "training file": "训练文件",
    "closure counts": "关闭计数",
    "closure events": "关闭记录",
    "security configuration": "安全监控配置",
    "signal configuration": "预警配置",
    "scale": "分数刻度",
    "columnar input": "列式输入",
}


def problems_header(what: str, n: int) -> str:
    """``invalid document: 2 problems`` in Chinese.

    >>> problems_header("document", 2)
    '文档无效：共 2 个问题'
    """
    return (
        f"{_WHAT.get(what, what)} 无效：共 {n} 个问题"
        if what not in _WHAT
        else (f"{_WHAT[what]}无效：共 {n} 个问题")
    )


_SEVERITY = {"high": "高", "medium": "中", "low": "低"}

_RULE_NAMES = {
    "ACTIVITY_ON_CLOSED": "已关闭账户出现活动",
    "REOPEN_REQUEST": "已关闭账户申请重开",
    "CONTACT_CHANGE_NEAR_CLOSURE": "关闭前后联系方式变更",
    "LIMIT_CHANGE_AFTER_CLOSURE": "关闭后额度调整",
    "DORMANT_ACCOUNT_USED": "长期未用的账户突然使用",
}

_KINDS = {
    "transaction": "交易",
    "login": "登录",
    "reopen_request": "重开申请",
    "contact_change": "联系方式变更",
    "limit_change": "额度调整",
}


def scan_header(subject_id: str, n: int) -> str:
    """``subject p-1: 2 alerts`` in Chinese.

    >>> scan_header("p-1", 2)
    '主体 p-1：2 条安全提示'
    """
    return f"主体 {subject_id}：{n} 条安全提示"


def scan_summary(bad: list[int], total: int) -> str:
    """The summary of a JSON Lines scan with bad lines, in Chinese.

    >>> scan_summary([2, 5], 3)
    '3 份档案中 2 份无效（第 2、5 行）；其余 1 份已扫描'
    """
    shown = "、".join(str(n) for n in bad[:20]) + ("……" if len(bad) > 20 else "")
    return f"{total} 份档案中 {len(bad)} 份无效（第 {shown} 行）；其余 {total - len(bad)} 份已扫描"


def utc_text(at: Any) -> str:
    """The time as the English scan line shows it (UTC, ``Z``): one zone in every line."""
    from credit_closure.cli.monitor import utc_text as utc

    return utc(at)


#: The first line of the Chinese scan output (the English one says the same).
SCAN_ZONE_LINE = "（时间和日期均为 UTC；未注明时区的时间按 UTC 读取）"


def scan_line(alert: Any) -> str:
    """One security alert in Chinese, built from its fields (rule, severity, account, time,
    kind and the dates involved), as ``[中] 规则名 RULE 账户 a1 时间 …：证据``."""
    day = alert.day.isoformat()
    ref = alert.reference
    kind = _KINDS.get(str(alert.kind), str(alert.kind))
    if ref is None:
        evidence = f"{day} {kind}"
    elif alert.rule == "DORMANT_ACCOUNT_USED":
        evidence = (
            f"{day} 有交易，此前 {(alert.day - ref).days} 天没有活动（上次为 {ref.isoformat()}）"
        )
    elif alert.rule == "CONTACT_CHANGE_NEAR_CLOSURE":
        gap = (alert.day - ref).days
        when = "当天" if gap == 0 else f"前 {-gap} 天" if gap < 0 else f"后 {gap} 天"
        evidence = f"{day} 联系方式变更，在 {ref.isoformat()} 账户关闭{when}"
    elif alert.rule == "REOPEN_REQUEST":
        evidence = f"{day} 申请重开 {ref.isoformat()} 已关闭的账户"
    else:
        evidence = f"{day} 有{kind}，账户已于 {ref.isoformat()} 关闭"
    name = _RULE_NAMES.get(alert.rule, "")
    severity = _SEVERITY.get(alert.severity, alert.severity)
    return (
        f"[{severity}] {name} {alert.rule} 账户 {alert.account_id} "
        f"时间 {utc_text(alert.at)}：{evidence}"
    ).replace("  ", " ")


_RATES = {
    "gross": "总关闭率",
    "voluntary": "主动关闭率",
    "involuntary": "被动关闭率",
    "score": "评分",
}
_RULES = {"p_chart": "p 控制图", "cusum": "CUSUM", "ewma": "EWMA", "psi": "PSI"}


def monitor_alert(alert: Any) -> str:
    """One portfolio alert in Chinese, stating the scale of its statistic: a rate for the
    p-chart, standardised z units for CUSUM and EWMA, the index itself for PSI."""
    high = alert.side == "high"
    cmp = ">" if high else "<"
    if alert.rule == "cusum":
        stat = "S+" if high else "S-"
        what = f"{stat} {alert.value:.4g} > h {alert.limit:.4g}（标准化 z 值的累积和）"
    elif alert.rule == "ewma":
        what = f"EWMA {alert.value:.4g} {cmp} 控制限 {alert.limit:.4g}（标准化 z 值）"
    elif alert.rule == "p_chart":
        lim = "上控制限 UCL" if high else "下控制限 LCL"
        what = f"关闭率 {alert.value:.4g} {cmp} {lim} {alert.limit:.4g}"
    else:
        what = f"{alert.rule} {alert.value:.4g} {cmp} {alert.limit:.4g}"
    if getattr(alert, "limits", "binomial") == "laney":
        what += f"（Laney p′ 控制限，σ_z {alert.sigma_z:.3g}）"
    rule = _RULES.get(alert.rule, alert.rule)
    rate = _RATES.get(alert.rate, alert.rate)
    return f"{rule}：{rate}，期间 {alert.period}，细分 {alert.segment}：{what}"


def monitor_basis(b: Any, alpha: float) -> str:
    """Which limits one rate's charts in one segment use, and why, in Chinese (built from
    the fields of a :class:`credit_closure.portfolio.ChartBasis`)."""
    rate = _RATES.get(b.rate, b.rate)
    kind = "Laney p′ 控制限" if b.limits == "laney" else "二项控制限"
    test = (
        f"X² {b.chi2:.1f}，自由度 {b.df}，p 值 {b.p_value:.2g}"
        if b.chi2 is not None and b.p_value is not None
        else "无离散检验"
    )
    if b.why == "requested":
        why = f"按设置使用（{test}）"
    elif b.why == "no_variation":
        why = "设置要求 Laney p′ 控制限，但基线各期关闭率没有波动（σ_z 为 0 或无法计算），沿用二项控制限"
    elif b.why == "too_few":
        why = f"基线期数太少，无法检验过度离散（自由度 {max(b.df or 0, 0)}，检验至少需要 7）"
    elif b.why == "binomial_fit":
        why = f"基线波动符合二项分布（{test} ≥ {alpha:g}）"
    elif b.why == "baseline_shift":
        why = (
            f"离散检验显著（{test} < {alpha:g}），但移动极差 σ_z {_num(b.sigma_z_estimate)} ≤ 1："
            "基线内有跳变或趋势，而非逐月波动，请检查基线"
        )
    else:
        why = f"基线过度离散（{test} < {alpha:g}），控制限按 σ_z 放宽"
    return f"细分 {b.segment} {rate}：{kind}（σ_z {b.sigma_z:.3g}）——{why}"


def _num(v: float | None) -> str:
    return "无" if v is None else f"{v:.3g}"


_TABLE_HEAD = (
    ("细分", 20, "<"),
    ("期间", 10, "<"),
    ("期初在用", 10, ">"),
    ("关闭数", 8, ">"),
    ("总关闭率", 8, ">"),
    ("主动", 8, ">"),
    ("被动", 8, ">"),
    ("LCL", 8, ">"),
    ("UCL", 8, ">"),
)


def _pad(text: str, width: int, align: str) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    fill = " " * max(0, width - shown)
    return text + fill if align == "<" else fill + text


def monitor_table(table: str) -> str:
    """The monitor table with its header in Chinese (the rows are numbers and labels)."""
    lines = table.split("\n")
    head = " ".join(_pad(t, w, a) for t, w, a in _TABLE_HEAD) + "  预警"
    return "\n".join([head, *lines[1:]])


#: Words of ``credit-closure monitor`` around the table, by language.
MONITOR: dict[str, dict[str, str]] = {
    "en": {"alerts": "alerts", "psi": "score PSI", "plot": "plot written to"},
    "zh": {"alerts": "预警", "psi": "评分稳定性指数 PSI", "plot": "图表已写入"},
}

_PSI_BANDS = {"stable": "稳定", "moderate": "中等偏移", "major": "显著偏移"}


def psi_band(band: str) -> str:
    """A PSI band in Chinese (the English band when unknown)."""
    return _PSI_BANDS.get(band, band)
