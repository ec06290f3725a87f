"""``RuleScorer``: a closure-aware rule policy, written as data.

A policy is a JSON (or, on Python 3.11+, TOML) document: a base log-odds, the shared scale,
and rules. Each rule reads one feature of the shared extractor and adds log-odds by steps::

    {"id": "R2", "feature": "util_total", "direction": "at_least",
     "steps": [{"threshold": 0.3, "log_odds": 0.3}, {"threshold": 0.5, "log_odds": 0.6}],
     "reason": "UTILIZATION_HIGH", "trigger": {"action": "refer"},
     "when": [{"feature": "dpd_before_closure", "below": 1, "missing": true}],
     "rationale": "...", "sources": ["FICO-BLOG-CLOSE"]}

``direction`` ``at_least``: the last step whose ``threshold`` the value reaches applies
(thresholds increasing); ``below``: the last step whose threshold the value is under applies
(thresholds decreasing). A missing feature (``NaN``) fires nothing. ``when`` conditions must
all hold and ``when_any`` at least one; a condition on a missing feature takes its
``missing`` value (default false). The log-odds of all fired rules add up with
``base_log_odds``; each fired rule is a factor worth ``-factor * log_odds`` points, so the
factors' points add up exactly to ``score - base score`` (before clipping).

The default policy ships in the package (``credit_closure/data/default_policy.json``) and is
documented rule by rule in ``docs/default-policy.md``.

:meth:`RulePolicy.from_dict` validates in named steps (:func:`_policy_header`, then per rule
:func:`_rule`: :func:`_steps`, :func:`_trigger`, :func:`_conditions`, :func:`_documentation`)
and compiles each rule to a :class:`CompiledRule` whose conditions are :class:`Condition`
tuples. ``RuleScorer._evaluate`` (the policy laid out by
:mod:`credit_closure._scoring.rule_program`) is the reference; two twins re-implement it over
columns and must agree with it bit for bit: the numba kernel in ``credit_closure/_columnar/kernel.py``
(``compile_rules``, ``_kernel``) and the numpy rule pass in ``credit_closure/columnar.py``
(``_rule_pass``, ``_condition``). A change to the rule semantics changes all three.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import sys
import threading
from collections.abc import Mapping
from typing import Any, NamedTuple, TypeGuard

import attrs

from credit_closure._contract.checks import _doc_text_problem, _key_path, _short, _text_problem
from credit_closure._contract.documents import (
    MAX_DOCUMENT_BYTES,
    MAX_NESTING,
    UnreadableFile,
    loads_document,
    read_capped,
)
from credit_closure._contract.model import CreditProfile
from credit_closure._scoring.features import (
    FEATURE_INDEX,
    FeatureConfig,
    Reads,
    extract,
    extract_counterfactual,
    extract_with_counterfactual,
    reads_of,
)
from credit_closure._scoring.protocol import (
    SCORER_API_VERSION,
    TRIGGER_ACTIONS,
    Factor,
    ScoreResult,
    Trigger,
    make_result,
)
from credit_closure._scoring.reasons import REASONS
from credit_closure._scoring.rule_program import RuleProgram
from credit_closure._scoring.scale import Scale
from credit_closure.exceptions import InvalidInputError, PolicyError

__all__ = ["CompiledRule", "Condition", "RulePolicy", "RuleScorer"]

Problem = tuple[str, str]

POLICY_FORMAT = "credit_closure.rule_policy"
POLICY_FORMAT_VERSION = 1
_DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
_DEFAULT_POLICY_FILE = os.path.join(_DATA_DIR, "default_policy.json")
#: The bundled policies a :class:`RuleScorer` loads by name: ``"v2"`` is the default policy
#: (``"default"`` names it too); ``"v1"`` is the default policy before version 2, kept so
#: that a lender can pin it (``RuleScorer(policy="v1")``) and compare the two.
BUNDLED_POLICIES: dict[str, str] = {
    "default": _DEFAULT_POLICY_FILE,
    "v2": _DEFAULT_POLICY_FILE,
    "v1": os.path.join(_DATA_DIR, "default_policy_v1.json"),
}
#: Bundled variants a :class:`RuleScorer` loads by name: a bundled policy with header fields
#: replaced. ``"us"`` is the default policy with the ``us`` jurisdiction (negative items kept
#: 7 years from the first delinquency, loan inquiries within 45 days counted once), named
#: ``default-us`` so that assessments record which one scored them.
BUNDLED_VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "us": ("default", {"name": "default-us", "jurisdiction": "us"}),
}

_RULE_KEYS = {
    "id",
    "title",
    "feature",
    "direction",
    "steps",
    "reason",
    "trigger",
    "when",
    "when_any",
    "rationale",
    "sources",
}
_POLICY_KEYS = {
    "format",
    "format_version",
    "name",
    "version",
    "description",
    "base_log_odds",
    "retention_months",
    "security_lookback_days",
    "retention_clock",
    "jurisdiction",
    "counterfactual_keeps_adverse",
    "scale",
    "rules",
}


class Condition(NamedTuple):
    """One compiled ``when`` / ``when_any`` condition of a rule.

    A tuple, so positional readers (``c[0]`` ... ``c[3]``) keep working; new code reads the
    names.
    """

    #: Position of the feature in the extractor's vector (:data:`FEATURE_INDEX`).
    feature_index: int
    #: ``"at_least"``, ``"below"`` or ``"equals"``.
    op: str
    #: The threshold the feature is compared with.
    value: float
    #: What the condition is when the feature is missing (``NaN``).
    missing: bool


@attrs.frozen
class CompiledRule:
    """One validated rule of a :class:`RulePolicy`, as the engines read it.

    Read by :class:`RuleScorer` and by its two twins (``credit_closure._columnar.kernel`` and
    ``credit_closure.columnar``) through ``policy.rules``.
    """

    id: str
    #: Position of :attr:`feature` in the extractor's vector.
    index: int
    feature: str
    #: True for ``direction: at_least``, False for ``below``.
    at_least: bool
    thresholds: tuple[float, ...]
    log_odds: tuple[float, ...]
    reason: str
    trigger_action: str | None
    #: The trigger's reason code; set whenever :attr:`trigger_action` is.
    trigger_code: str | None
    when: tuple[Condition, ...]
    when_any: tuple[Condition, ...]


def _num(problems: list[Problem], path: str, value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value):
        problems.append((path, "must be a finite number"))
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits
        number = math.inf
    if not math.isfinite(number):
        problems.append((path, "must be a finite number"))
        return None
    return number


def _finite(value: int | float) -> bool:
    """``math.isfinite``, False for an int beyond the float range (a 400-digit integer)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _known(value: Any, names: Mapping[str, Any] | tuple[str, ...]) -> TypeGuard[str]:
    """Whether ``value`` is one of ``names`` (a list or an object is not, and never raises)."""
    return isinstance(value, str) and value in names


#: The longest policy name, version or rule id.
_MAX_NAME = 128


def _check_name(p: list[Problem], path: str, value: Any) -> bool:
    """A name, version or id: a string of 1 to ``_MAX_NAME`` characters that keeps the one
    rule for ids and names (no control characters, no lone surrogates)."""
    if not isinstance(value, str) or not value:
        p.append((path, "must be a non-empty string"))
    elif len(value) > _MAX_NAME:
        p.append((path, f"is longer than {_MAX_NAME} characters"))
    elif (message := _text_problem(value)) is not None:
        p.append((path, message))
    else:
        return True
    return False


def _doc_text(p: list[Problem], path: str, value: Any) -> None:
    """Documentation text (description, title, rationale, a source) must be a string; it may
    span lines but holds no other control character and no lone surrogate."""
    if not isinstance(value, str):
        p.append((path, "must be a string"))
    elif (message := _doc_text_problem(value)) is not None:
        p.append((path, message))


def _conditions(problems: list[Problem], path: str, raw: Any) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        problems.append((path, "must be a non-empty array of conditions"))
        return ()
    out = []
    for j, c in enumerate(raw):
        cond = _condition(problems, f"{path}[{j}]", c)
        if cond is not None:
            out.append(cond)
    return tuple(out)


def _condition(problems: list[Problem], cp: str, c: Any) -> Condition | None:
    if not isinstance(c, Mapping):
        problems.append((cp, "must be an object"))
        return None
    ops = [k for k in ("at_least", "below", "equals") if k in c]
    extra = set(c) - {"feature", "at_least", "below", "equals", "missing"}
    if extra:
        names = sorted(_key_path("", k) for k in extra)
        problems.append((cp, f"has unknown keys: {', '.join(names)}"))
    if len(ops) != 1:
        problems.append((cp, "needs exactly one of at_least, below, equals"))
        return None
    feat = c.get("feature")
    if not _known(feat, FEATURE_INDEX):
        problems.append((f"{cp}.feature", f"is not a known feature (got {_short(feat)})"))
        return None
    thr = _num(problems, f"{cp}.{ops[0]}", c[ops[0]])
    missing = c.get("missing", False)
    if not isinstance(missing, bool):
        problems.append((f"{cp}.missing", "must be true or false"))
        return None
    if thr is None:
        return None
    return Condition(FEATURE_INDEX[feat], ops[0], thr, missing)


# --------------------------------------------------------------------------------------
# Validation steps of RulePolicy.from_dict, in the order their problems are reported
# --------------------------------------------------------------------------------------
class _Header(NamedTuple):
    """The policy-level fields, once checked (``None`` where a problem was reported)."""

    base_log_odds: float | None
    retention_months: Any
    security_lookback_days: Any
    scale: Scale | None
    retention_clock: Any = "closed_on"
    jurisdiction: Any = "cn"
    counterfactual_keeps_adverse: Any = False


def _policy_header(p: list[Problem], data: Mapping[str, Any]) -> _Header:
    """Check everything but the rules: known keys, format, identity, windows, scale."""
    for k in data:
        if k not in _POLICY_KEYS:
            p.append((_key_path("", k), "is not a known field"))
    if data.get("format") != POLICY_FORMAT:
        p.append(("format", f"must be {POLICY_FORMAT!r}"))
    fv = data.get("format_version")
    if type(fv) is not int or fv != POLICY_FORMAT_VERSION:  # not 1.0, not true
        p.append(
            ("format_version", f"must be the integer {POLICY_FORMAT_VERSION} (got {_short(fv)})")
        )
    for key in ("name", "version"):
        _check_name(p, key, data.get(key))
    if "description" in data:
        _doc_text(p, "description", data["description"])
    base = _num(p, "base_log_odds", data.get("base_log_odds"))
    retention = data.get("retention_months", 60)
    if isinstance(retention, bool) or not isinstance(retention, int) or not 1 <= retention <= 600:
        p.append(("retention_months", "must be an integer between 1 and 600"))
    lookback = data.get("security_lookback_days", 180)
    if isinstance(lookback, bool) or not isinstance(lookback, int) or not 1 <= lookback <= 3650:
        p.append(("security_lookback_days", "must be an integer between 1 and 3650"))
    # default policy v2 (issue 15): the retention clock and jurisdiction of the features
    clock = data.get("retention_clock", "closed_on")
    if not _known(clock, ("closed_on", "end_of_bad_act")):
        p.append(
            ("retention_clock", f"must be 'closed_on' or 'end_of_bad_act' (got {_short(clock)})")
        )
    jurisdiction = data.get("jurisdiction", "cn")
    if not _known(jurisdiction, ("cn", "us")):
        p.append(("jurisdiction", f"must be 'cn' or 'us' (got {_short(jurisdiction)})"))
    keep = data.get("counterfactual_keeps_adverse", False)
    if not isinstance(keep, bool):
        p.append(("counterfactual_keeps_adverse", f"must be true or false (got {_short(keep)})"))
    scale: Scale | None = None
    try:
        scale = Scale.from_dict(data.get("scale", {}), path="scale")
    except InvalidInputError as exc:
        p.extend(exc.problems)
    return _Header(base, retention, lookback, scale, clock, jurisdiction, keep)


def _rules(p: list[Problem], raw_rules: Any) -> list[CompiledRule]:
    """Check and compile every rule; a rule with any problem is reported, not compiled."""
    if not isinstance(raw_rules, list):
        p.append(("rules", "must be an array"))
        raw_rules = []
    rules: list[CompiledRule] = []
    seen: set[Any] = set()
    for i, r in enumerate(raw_rules):
        rid = r.get("id") if isinstance(r, Mapping) else None
        clean = isinstance(rid, str) and 0 < len(rid) <= _MAX_NAME and _text_problem(rid) is None
        rp = f"rules[{i}]" + (f" ({rid})" if clean else "")
        if not isinstance(r, Mapping):
            p.append((rp, "must be an object"))
            continue
        rule = _rule(p, rp, r, seen)
        if rule is not None:
            rules.append(rule)
    return rules


def _rule(p: list[Problem], rp: str, r: Mapping[str, Any], seen: set[Any]) -> CompiledRule | None:
    """Check one rule (path ``rp``) and compile it; ``None`` when it has a problem."""
    before = len(p)
    for k in r:
        if k not in _RULE_KEYS:
            p.append((_key_path(rp, k), "is not a known field"))
    rid: Any = r.get("id")
    if _check_name(p, f"{rp}.id", rid):
        if rid in seen:
            p.append((f"{rp}.id", "duplicates another rule's id"))
        seen.add(rid)
    feat: Any = r.get("feature")
    if not _known(feat, FEATURE_INDEX):
        p.append((f"{rp}.feature", f"is not a known feature (got {_short(feat)})"))
    direction = r.get("direction", "at_least")
    if not _known(direction, ("at_least", "below")):
        p.append((f"{rp}.direction", "must be 'at_least' or 'below'"))
    reason: Any = r.get("reason")
    if not _known(reason, REASONS):
        p.append((f"{rp}.reason", f"is not a known reason code (got {_short(reason)})"))
    thresholds, log_odds = _steps(p, rp, r.get("steps"), direction)
    action, code = _trigger(p, rp, r.get("trigger"), reason)
    when = _conditions(p, f"{rp}.when", r.get("when"))
    when_any = _conditions(p, f"{rp}.when_any", r.get("when_any"))
    _documentation(p, rp, r)
    if len(p) != before:
        return None
    return CompiledRule(
        id=rid,
        index=FEATURE_INDEX[feat],
        feature=feat,
        at_least=direction != "below",
        thresholds=thresholds,
        log_odds=log_odds,
        reason=reason,
        trigger_action=action,
        trigger_code=code,
        when=when,
        when_any=when_any,
    )


def _steps(
    p: list[Problem], rp: str, steps: Any, direction: Any
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """A rule's ``steps`` as (thresholds, log_odds), checked for order and monotone effect."""
    thresholds: list[float] = []
    log_odds: list[float] = []
    if not isinstance(steps, list) or not steps:
        p.append((f"{rp}.steps", "must be a non-empty array"))
        return (), ()
    for j, s in enumerate(steps):
        sp = f"{rp}.steps[{j}]"
        if not isinstance(s, Mapping) or set(s) != {"threshold", "log_odds"}:
            p.append((sp, "must be an object with threshold and log_odds"))
            continue
        t = _num(p, f"{sp}.threshold", s["threshold"])
        lo = _num(p, f"{sp}.log_odds", s["log_odds"])
        if t is not None and lo is not None:
            thresholds.append(t)
            log_odds.append(lo)
    if len(thresholds) == len(steps):
        inc = direction != "below"
        pairs = list(zip(thresholds, thresholds[1:]))
        if any((b <= a) if inc else (b >= a) for a, b in pairs):
            p.append(
                (
                    f"{rp}.steps",
                    "thresholds must be strictly " + ("increasing" if inc else "decreasing"),
                )
            )
        if any(a * b < 0 for a, b in zip(log_odds, log_odds[1:])) or any(
            abs(b) < abs(a) for a, b in zip(log_odds, log_odds[1:])
        ):
            p.append(
                (
                    f"{rp}.steps",
                    "log_odds must keep one sign and not shrink "
                    "from step to step (more severe, more effect)",
                )
            )
    return tuple(thresholds), tuple(log_odds)


def _trigger(p: list[Problem], rp: str, trig: Any, reason: Any) -> tuple[Any, Any]:
    """A rule's ``trigger`` as (action, code); (None, None) when it has none."""
    if trig is None:
        return None, None
    if not isinstance(trig, Mapping) or "action" not in trig or set(trig) - {"action", "code"}:
        p.append((f"{rp}.trigger", "must be an object with action and optional code"))
        return None, None
    action = trig["action"]
    code = trig.get("code", reason)
    if not _known(action, TRIGGER_ACTIONS):
        p.append((f"{rp}.trigger.action", f"must be one of {', '.join(TRIGGER_ACTIONS)}"))
    if not _known(code, REASONS):
        p.append((f"{rp}.trigger.code", "is not a known reason code"))
    return action, code


def _documentation(p: list[Problem], rp: str, r: Mapping[str, Any]) -> None:
    """Check the fields that only document a rule: title, rationale, sources."""
    for key in ("title", "rationale"):
        if key in r:
            _doc_text(p, f"{rp}.{key}", r[key])
    if "sources" in r:
        sources = r["sources"]
        if not isinstance(sources, list) or not all(isinstance(x, str) for x in sources):
            p.append((f"{rp}.sources", "must be an array of strings"))
        else:
            for j, x in enumerate(sources):
                _doc_text(p, f"{rp}.sources[{j}]", x)


@attrs.frozen(kw_only=True)
class RulePolicy:
    """A validated rule policy. Build it with :meth:`from_dict` or :meth:`from_file`.

    Attributes:
        name, version, description: Identify the policy (recorded in assessments).
        base_log_odds: Log-odds of default when no rule fires.
        scale: The points scale, bands and cutoffs.
        feature_config: Windows of the feature extractor (retention, security lookback).
        document: The policy document as loaded (for docs and audits).
    """

    name: str
    version: str
    description: str
    base_log_odds: float
    scale: Scale
    feature_config: FeatureConfig
    rules: tuple[CompiledRule, ...] = attrs.field(repr=False)
    document: Mapping[str, Any] = attrs.field(repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: Any) -> RulePolicy:
        """Validate a policy document and compile it.

        Raises:
            PolicyError: listing every problem, each path naming the rule
                (``rules[4] (R5).steps[0].log_odds``).
        """
        p: list[Problem] = []
        if not isinstance(data, Mapping):
            raise PolicyError([("", "must be an object")])
        header = _policy_header(p, data)
        rules = _rules(p, data.get("rules"))
        if p:
            raise PolicyError(p)
        assert header.scale is not None and header.base_log_odds is not None
        try:
            document = json.loads(json.dumps(data))
        except (TypeError, ValueError, RecursionError):  # a date, a set, a cycle...
            raise PolicyError([("", "holds a value that is not JSON data")]) from None
        return cls(
            name=data["name"],
            version=data["version"],
            description=data.get("description", ""),
            base_log_odds=header.base_log_odds,
            scale=header.scale,
            feature_config=FeatureConfig(
                retention_months=header.retention_months,
                security_lookback_days=header.security_lookback_days,
                retention_clock=header.retention_clock,
                jurisdiction=header.jurisdiction,
                counterfactual_keeps_adverse=header.counterfactual_keeps_adverse,
            ),
            rules=tuple(rules),
            document=document,
        )

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> RulePolicy:
        """Load a policy from a ``.json`` file (or ``.toml`` on Python 3.11+).

        Raises:
            PolicyError: the file cannot be read or parsed, or the policy is invalid.
        """
        name = os.fspath(path)
        raw = _read_policy_bytes(name, MAX_DOCUMENT_BYTES)
        if raw[:1] == b"\x80":
            raise PolicyError([("", "is a pickle, not a policy document; it was not loaded")])
        if name.endswith(".toml"):
            data = _loads_toml(raw)
        else:
            try:
                data = loads_document(raw, what="rule policy")
            except InvalidInputError as exc:
                raise PolicyError(exc.problems) from None
        return cls.from_dict(data)


def _read_policy_bytes(name: str, limit: int) -> bytes:
    """The bytes of a policy file, refused (never truncated) when over ``limit`` bytes."""
    try:
        raw = read_capped(name, limit)
    except UnreadableFile as exc:
        raise PolicyError([("", f"cannot be read: {exc.reason}")]) from None
    if len(raw) > limit:
        raise PolicyError([("", f"is larger than {limit} bytes (the maximum); it was not loaded")])
    return raw


def _loads_toml(raw: bytes) -> Any:
    """Parse a TOML policy; every failure of the parser is a :class:`PolicyError`."""
    if sys.version_info < (3, 11):  # pragma: no cover - Python 3.10
        raise PolicyError([("", "TOML policies need Python 3.11 or newer; use JSON")])
    else:
        import tomllib

        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise PolicyError([("", f"is not valid UTF-8 (byte {exc.start})")]) from None
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError([("", f"is not valid TOML: {exc}")]) from None
        except RecursionError:
            raise PolicyError(
                [("", f"is nested too deeply (more than {MAX_NESTING} levels)")]
            ) from None
        except (OverflowError, ValueError) as exc:  # e.g. a 5,000-digit integer
            raise PolicyError([("", f"is not valid TOML: {str(exc)[:80]}")]) from None
        problems = _toml_problems(data)
        if problems:
            raise PolicyError(problems)
        return data


def _toml_problems(data: Any) -> list[Problem]:
    """What a TOML policy holds that its JSON twin could not: dates and times, ``nan`` and
    ``inf``, deeper nesting than :data:`MAX_NESTING`. Each is refused with its path."""
    problems: list[Problem] = []
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth >= MAX_NESTING:
                return [("", f"is nested too deeply (more than {MAX_NESTING} levels)")]
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in pairs:
                sub = f"{path}[{key}]" if isinstance(key, int) else _key_path(path, key)
                stack.append((sub, item, depth + 1))
        elif isinstance(value, (_dt.date, _dt.time)):  # datetime is a date
            problems.append((path, "is a TOML date or time; write it as a string"))
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append((path, "is nan or inf; not allowed in a policy"))
    return sorted(problems)


_default_lock = threading.Lock()
_default: RuleScorer | None = None


def _reads_blocks(policy: RulePolicy) -> Reads:
    """The blocks of features a policy's rules or conditions read (:func:`reads_of`; the
    blocks :func:`extract_with_counterfactual` can leave uncomputed)."""
    used: set[int] = set()
    for rule in policy.rules:
        used.add(rule.index)
        used.update(c.feature_index for c in (*rule.when, *rule.when_any))
    return reads_of(used)


class RuleScorer:
    """The built-in rule scorer (``scorer="rules"``): a policy as data, explained by rules.

    Args:
        policy: A :class:`RulePolicy`, a policy document (``dict``), the name of a policy
            shipped in the package (``"v2"`` or ``"default"``: the default policy; ``"v1"``:
            the default policy before version 2; ``"us"``: the default policy with the
            ``us`` jurisdiction, :data:`BUNDLED_VARIANTS`) or ``None`` for the default policy.

    Example:
        >>> from credit_closure import RuleScorer
        >>> scorer = RuleScorer()
        >>> scorer.version
        'default@2026.12.0'
        >>> [r.id for r in scorer.policy.rules][:3]
        ['R2', 'R2b', 'R2c']
        >>> RuleScorer(policy="v1").version
        'default@2026.11.0'
    """

    credit_closure_api = SCORER_API_VERSION
    name = "rules"
    reason_method = "rule_points"

    def __init__(self, policy: RulePolicy | Mapping[str, Any] | str | None = None) -> None:
        self.policy = policy  # the setter reads every form

    @property
    def policy(self) -> RulePolicy:
        """The scorer's policy. Assigning one (any form the constructor takes) makes the scorer
        what ``RuleScorer(policy)`` would be: its scale, version, the rules it evaluates and the
        features it reads, on every path (``score``, ``assess``, the columnar engines)."""
        return self._policy

    @policy.setter
    def policy(self, policy: RulePolicy | Mapping[str, Any] | str | None) -> None:
        if policy is None:
            policy = RulePolicy.from_file(_DEFAULT_POLICY_FILE)
        elif isinstance(policy, str) and policy in BUNDLED_VARIANTS:
            base, header = BUNDLED_VARIANTS[policy]
            doc = dict(RulePolicy.from_file(BUNDLED_POLICIES[base]).document)
            doc.update(header)
            policy = RulePolicy.from_dict(doc)
        elif isinstance(policy, str):
            if policy not in BUNDLED_POLICIES:
                raise PolicyError(
                    [
                        (
                            "",
                            f"is not a bundled policy name (got {_short(policy)}; "
                            f"one of {', '.join(sorted({*BUNDLED_POLICIES, *BUNDLED_VARIANTS}))})",
                        )
                    ]
                )
            policy = RulePolicy.from_file(BUNDLED_POLICIES[policy])
        elif not isinstance(policy, RulePolicy):
            policy = RulePolicy.from_dict(policy)
        # the policy laid out once for evaluation (rule_program.py): the rules with factors
        # and triggers, and the log-odds alone (the counterfactual's); built before anything
        # is assigned, so that a policy that fails leaves the scorer as it was
        program = RuleProgram(
            [
                (
                    r.index,
                    r.at_least,
                    r.thresholds,
                    r.log_odds,
                    r.reason,
                    r.feature,
                    r.trigger_action,
                    # set whenever the action is; read only then
                    r.trigger_code or "",
                    r.id,
                    r.when,
                    r.when_any,
                )
                for r in policy.rules
            ],
            policy.base_log_odds,
            policy.scale.factor,
        )
        self._policy: RulePolicy = policy
        self.scale: Scale = policy.scale
        # the blocks of features the rules read, for assess()'s path
        self._reads: Reads = _reads_blocks(policy)
        self.version = f"{policy.name}@{policy.version}"
        self._factor = policy.scale.factor  # the columnar engines read it
        self._program = program

    @classmethod
    def default(cls) -> RuleScorer:
        """The shared instance with the default policy (built once per process)."""
        global _default
        if _default is None:
            with _default_lock:
                if _default is None:
                    _default = cls()
        return _default

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> RuleScorer:
        """A rule scorer with the policy in ``path`` (see :meth:`RulePolicy.from_file`)."""
        return cls(RulePolicy.from_file(path))

    def __repr__(self) -> str:
        return f"RuleScorer(policy={self.version!r}, rules={len(self.policy.rules)})"

    def _evaluate(
        self, feats: tuple[float, ...], explain: bool
    ) -> tuple[float, list[Factor], list[Trigger]]:
        """The policy on one feature vector: ``(log-odds, factors, triggers)``; without
        ``explain``, the log-odds alone (no factor or trigger is built)."""
        if explain:
            return self._program.explain(feats)
        return self._program.log_odds(feats), [], []

    def score(self, profile: CreditProfile, as_of: _dt.date) -> ScoreResult:
        """Score a validated profile at ``as_of`` (see the scorer protocol)."""
        feats = extract(profile, as_of, self._policy.feature_config)
        log_odds, factors, triggers = self._evaluate(feats, True)
        return make_result(1.0 / (1.0 + math.exp(-log_odds)), tuple(factors), tuple(triggers))

    def probability_of_default(self, profile: CreditProfile, as_of: _dt.date) -> float:
        """``score(profile, as_of).probability_of_default``, without building factors."""
        feats = extract(profile, as_of, self._policy.feature_config)
        return 1.0 / (1.0 + math.exp(-self._program.log_odds(feats)))

    def _counterfactual_probability(
        self, profile: CreditProfile, as_of: _dt.date, start: _dt.date
    ) -> float | None:
        """:meth:`probability_of_default` of the counterfactual of closure impact (the
        closures after ``start`` undone), from its features without building it; ``None``
        when there is nothing to undo (``assess``'s path for closure impact)."""
        feats = extract_counterfactual(profile, as_of, start, self._policy.feature_config)
        if feats is None:
            return None
        return 1.0 / (1.0 + math.exp(-self._program.log_odds(feats)))

    def _score_with_counterfactual(
        self, profile: CreditProfile, as_of: _dt.date, start: _dt.date
    ) -> tuple[ScoreResult, float | None]:
        """:meth:`score` and :meth:`_counterfactual_probability` in one call (``assess``'s
        path, on a profile it has checked; both feature vectors from one pass over the
        accounts): the counterfactual's rules are evaluated only when its features differ from
        the profile's (equal features, equal log-odds)."""
        feats, cf = extract_with_counterfactual(
            profile, as_of, start, self._policy.feature_config, self._reads
        )
        log_odds, factors, triggers = self._program.explain(feats)
        result = make_result(1.0 / (1.0 + math.exp(-log_odds)), tuple(factors), tuple(triggers))
        if cf is None:
            return result, None
        if cf != feats:
            log_odds = self._program.log_odds(cf)
        return result, 1.0 / (1.0 + math.exp(-log_odds))

    def explain_policy(self) -> list[dict[str, Any]]:
        """The rules as documented in the policy file (id, title, rationale, sources...)."""
        return [dict(r) for r in self.policy.document.get("rules", [])]
