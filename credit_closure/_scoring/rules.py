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
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import threading
from collections.abc import Mapping
from typing import Any

import attrs

from credit_closure._contract.model import CreditProfile
from credit_closure._scoring.features import FEATURE_INDEX, FeatureConfig, extract
from credit_closure._scoring.protocol import (
    SCORER_API_VERSION,
    TRIGGER_ACTIONS,
    Factor,
    ScoreResult,
    Trigger,
    make_factor,
    make_result,
    make_trigger,
)
from credit_closure._scoring.reasons import REASONS
from credit_closure._scoring.scale import Scale
from credit_closure.exceptions import InvalidInputError, PolicyError

__all__ = ["RulePolicy", "RuleScorer"]

POLICY_FORMAT = "credit_closure.rule_policy"
POLICY_FORMAT_VERSION = 1
_DEFAULT_POLICY_FILE = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), "data", "default_policy.json"
)

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
    "scale",
    "rules",
}


def _cond_holds(c: tuple[int, str, float, bool], feats: tuple[float, ...]) -> bool:
    v = feats[c[0]]
    if v != v:
        return c[3]
    if c[1] == "at_least":
        return v >= c[2]
    if c[1] == "below":
        return v < c[2]
    return v == c[2]


@attrs.frozen
class _Rule:
    id: str
    index: int
    feature: str
    at_least: bool
    thresholds: tuple[float, ...]
    log_odds: tuple[float, ...]
    reason: str
    trigger_action: str | None
    trigger_code: str | None
    when: tuple[tuple[int, str, float, bool], ...]
    when_any: tuple[tuple[int, str, float, bool], ...]


def _num(problems: list[tuple[str, str]], path: str, value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problems.append((path, "must be a finite number"))
        return None
    return float(value)


def _conditions(problems: list[tuple[str, str]], path: str, raw: Any) -> tuple[Any, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        problems.append((path, "must be a non-empty array of conditions"))
        return ()
    out = []
    for j, c in enumerate(raw):
        cp = f"{path}[{j}]"
        if not isinstance(c, Mapping):
            problems.append((cp, "must be an object"))
            continue
        ops = [k for k in ("at_least", "below", "equals") if k in c]
        extra = set(c) - {"feature", "at_least", "below", "equals", "missing"}
        if extra:
            problems.append((cp, f"has unknown keys: {', '.join(sorted(map(str, extra)))}"))
        if len(ops) != 1:
            problems.append((cp, "needs exactly one of at_least, below, equals"))
            continue
        feat = c.get("feature")
        if feat not in FEATURE_INDEX:
            problems.append((f"{cp}.feature", f"is not a known feature (got {str(feat)[:40]!r})"))
            continue
        thr = _num(problems, f"{cp}.{ops[0]}", c[ops[0]])
        missing = c.get("missing", False)
        if not isinstance(missing, bool):
            problems.append((f"{cp}.missing", "must be true or false"))
            continue
        if thr is not None:
            out.append((FEATURE_INDEX[feat], ops[0], thr, missing))
    return tuple(out)


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
    rules: tuple[_Rule, ...] = attrs.field(repr=False)
    document: Mapping[str, Any] = attrs.field(repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: Any) -> RulePolicy:
        """Validate a policy document and compile it.

        Raises:
            PolicyError: listing every problem, each path naming the rule
                (``rules[4] (R5).steps[0].log_odds``).
        """
        p: list[tuple[str, str]] = []
        if not isinstance(data, Mapping):
            raise PolicyError([("", "must be an object")])
        for k in data:
            if k not in _POLICY_KEYS:
                p.append((str(k), "is not a known field"))
        if data.get("format") != POLICY_FORMAT:
            p.append(("format", f"must be {POLICY_FORMAT!r}"))
        fv = data.get("format_version")
        if isinstance(fv, bool) or fv != POLICY_FORMAT_VERSION:
            p.append(
                (
                    "format_version",
                    f"must be {POLICY_FORMAT_VERSION} (got {data.get('format_version')!r})",
                )
            )
        for key in ("name", "version"):
            if not isinstance(data.get(key), str) or not data.get(key):
                p.append((key, "must be a non-empty string"))
        base = _num(p, "base_log_odds", data.get("base_log_odds"))
        retention = data.get("retention_months", 60)
        if (
            isinstance(retention, bool)
            or not isinstance(retention, int)
            or not 1 <= retention <= 600
        ):
            p.append(("retention_months", "must be an integer between 1 and 600"))
        lookback = data.get("security_lookback_days", 180)
        if isinstance(lookback, bool) or not isinstance(lookback, int) or not 1 <= lookback <= 3650:
            p.append(("security_lookback_days", "must be an integer between 1 and 3650"))
        scale: Scale | None = None
        try:
            scale = Scale.from_dict(data.get("scale", {}), path="scale")
        except InvalidInputError as exc:
            p.extend(exc.problems)
        rules: list[_Rule] = []
        raw_rules = data.get("rules")
        if not isinstance(raw_rules, list):
            p.append(("rules", "must be an array"))
            raw_rules = []
        seen = set()
        for i, r in enumerate(raw_rules):
            rid = r.get("id") if isinstance(r, Mapping) else None
            rp = f"rules[{i}]" + (f" ({rid})" if isinstance(rid, str) else "")
            if not isinstance(r, Mapping):
                p.append((rp, "must be an object"))
                continue
            before = len(p)
            for k in r:
                if k not in _RULE_KEYS:
                    p.append((f"{rp}.{k}", "is not a known field"))
            if not isinstance(rid, str) or not rid:
                p.append((f"{rp}.id", "must be a non-empty string"))
            elif rid in seen:
                p.append((f"{rp}.id", "duplicates another rule's id"))
            seen.add(rid)
            feat = r.get("feature")
            if feat not in FEATURE_INDEX:
                p.append((f"{rp}.feature", f"is not a known feature (got {str(feat)[:40]!r})"))
            direction = r.get("direction", "at_least")
            if direction not in ("at_least", "below"):
                p.append((f"{rp}.direction", "must be 'at_least' or 'below'"))
            reason = r.get("reason")
            if reason not in REASONS:
                p.append((f"{rp}.reason", f"is not a known reason code (got {str(reason)[:40]!r})"))
            steps = r.get("steps")
            thresholds: list[float] = []
            log_odds: list[float] = []
            if not isinstance(steps, list) or not steps:
                p.append((f"{rp}.steps", "must be a non-empty array"))
            else:
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
                                "thresholds must be strictly "
                                + ("increasing" if inc else "decreasing"),
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
            action = code = None
            trig = r.get("trigger")
            if trig is not None:
                if (
                    not isinstance(trig, Mapping)
                    or "action" not in trig
                    or set(trig) - {"action", "code"}
                ):
                    p.append((f"{rp}.trigger", "must be an object with action and optional code"))
                else:
                    action = trig["action"]
                    code = trig.get("code", reason)
                    if action not in TRIGGER_ACTIONS:
                        p.append(
                            (f"{rp}.trigger.action", f"must be one of {', '.join(TRIGGER_ACTIONS)}")
                        )
                    if code not in REASONS:
                        p.append((f"{rp}.trigger.code", "is not a known reason code"))
            when = _conditions(p, f"{rp}.when", r.get("when"))
            when_any = _conditions(p, f"{rp}.when_any", r.get("when_any"))
            for key in ("title", "rationale"):
                if key in r and not isinstance(r[key], str):
                    p.append((f"{rp}.{key}", "must be a string"))
            if "sources" in r and (
                not isinstance(r["sources"], list)
                or not all(isinstance(x, str) for x in r["sources"])
            ):
                p.append((f"{rp}.sources", "must be an array of strings"))
            if len(p) == before:
                rules.append(
                    _Rule(
                        id=rid,
                        index=FEATURE_INDEX[feat],
                        feature=feat,
                        at_least=direction != "below",
                        thresholds=tuple(thresholds),
                        log_odds=tuple(log_odds),
                        reason=reason,
                        trigger_action=action,
                        trigger_code=code,
                        when=when,
                        when_any=when_any,
                    )
                )
        if p:
            raise PolicyError(p)
        assert scale is not None and base is not None
        return cls(
            name=data["name"],
            version=data["version"],
            description=str(data.get("description", "")),
            base_log_odds=base,
            scale=scale,
            feature_config=FeatureConfig(
                retention_months=retention, security_lookback_days=lookback
            ),
            rules=tuple(rules),
            document=json.loads(json.dumps(data)),
        )

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> RulePolicy:
        """Load a policy from a ``.json`` file (or ``.toml`` on Python 3.11+).

        Raises:
            PolicyError: the file cannot be read or parsed, or the policy is invalid.
        """
        from credit_closure._contract.documents import loads_document

        name = os.fspath(path)
        try:
            with open(name, "rb") as fh:
                raw = fh.read(16 * 1024 * 1024 + 1)
        except OSError as exc:
            raise PolicyError([("", f"cannot be read: {exc.strerror}")]) from None
        if raw[:2] == b"\x80\x04" or raw[:1] == b"\x80":
            raise PolicyError([("", "is a pickle, not a policy document; it was not loaded")])
        if name.endswith(".toml"):
            try:
                import tomllib
            except ImportError:  # pragma: no cover - Python 3.10
                raise PolicyError(
                    [("", "TOML policies need Python 3.11 or newer; use JSON")]
                ) from None
            try:
                data = tomllib.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise PolicyError([("", f"is not valid TOML: {exc}")]) from None
        else:
            try:
                data = loads_document(raw, what="rule policy")
            except InvalidInputError as exc:
                raise PolicyError(exc.problems) from None
        return cls.from_dict(data)


_default_lock = threading.Lock()
_default: RuleScorer | None = None


class RuleScorer:
    """The built-in rule scorer (``scorer="rules"``): a policy as data, explained by rules.

    Args:
        policy: A :class:`RulePolicy`, a policy document (``dict``) or ``None`` for the
            default policy shipped in the package.

    Example:
        >>> from credit_closure import RuleScorer
        >>> scorer = RuleScorer()
        >>> scorer.version
        'default@2026.11.0'
        >>> [r.id for r in scorer.policy.rules][:3]
        ['R2', 'R2b', 'R3']
    """

    credit_closure_api = SCORER_API_VERSION
    name = "rules"
    reason_method = "rule_points"

    def __init__(self, policy: RulePolicy | Mapping[str, Any] | None = None) -> None:
        if policy is None:
            policy = RulePolicy.from_file(_DEFAULT_POLICY_FILE)
        elif not isinstance(policy, RulePolicy):
            policy = RulePolicy.from_dict(policy)
        self.policy: RulePolicy = policy
        self.scale: Scale = policy.scale
        self.version = f"{policy.name}@{policy.version}"
        self._factor = policy.scale.factor
        # immutable Factor objects reused across subjects: (rule position, step, value) -> Factor
        self._factors: dict[tuple[int, int, float], Factor] = {}
        self._compiled = tuple(
            (
                r.index,
                r.at_least,
                r.thresholds[0],
                r.thresholds,
                r.log_odds,
                r.reason,
                r.feature,
                r.trigger_action,
                r.trigger_code,
                r.id,
                r.when,
                r.when_any,
                pos,
            )
            for pos, r in enumerate(policy.rules)
        )

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

    def _evaluate(self, feats: tuple[float, ...], explain: bool) -> tuple[float, list, list]:
        log_odds = self.policy.base_log_odds
        factors: list[Factor] = []
        triggers: list[Trigger] = []
        factor = self._factor
        cache = self._factors
        for (
            index,
            at_least,
            first,
            thresholds,
            steps,
            reason,
            feature,
            action,
            tcode,
            rid,
            when,
            when_any,
            pos,
        ) in self._compiled:
            v = feats[index]
            # the first step decides whether the rule fires at all (NaN never fires)
            if at_least:
                if not v >= first:
                    continue
                step = 0
                for k in range(1, len(thresholds)):
                    if v >= thresholds[k]:
                        step = k
                    else:
                        break
            else:
                if not v < first:
                    continue
                step = 0
                for k in range(1, len(thresholds)):
                    if v < thresholds[k]:
                        step = k
                    else:
                        break
            if when and not all(_cond_holds(c, feats) for c in when):
                continue
            if when_any and not any(_cond_holds(c, feats) for c in when_any):
                continue
            lo = steps[step]
            if lo != 0.0:
                log_odds += lo
                if explain:
                    key = (pos, step, v)  # the rule, not the feature: two rules may share one
                    f = cache.get(key)
                    if f is None:
                        if len(cache) >= 4096:
                            cache.clear()
                        f = cache[key] = make_factor(reason, -factor * lo, feature, v)
                    factors.append(f)
            if explain and action is not None:
                triggers.append(make_trigger(tcode, action, rid))
        return log_odds, factors, triggers

    def score(self, profile: CreditProfile, as_of: _dt.date) -> ScoreResult:
        """Score a validated profile at ``as_of`` (see the scorer protocol)."""
        feats = extract(profile, as_of, self.policy.feature_config)
        log_odds, factors, triggers = self._evaluate(feats, True)
        return make_result(1.0 / (1.0 + math.exp(-log_odds)), tuple(factors), tuple(triggers))

    def probability_of_default(self, profile: CreditProfile, as_of: _dt.date) -> float:
        """``score(profile, as_of).probability_of_default``, without building factors."""
        feats = extract(profile, as_of, self.policy.feature_config)
        return 1.0 / (1.0 + math.exp(-self._evaluate(feats, False)[0]))

    def explain_policy(self) -> list[dict[str, Any]]:
        """The rules as documented in the policy file (id, title, rationale, sources...)."""
        return [dict(r) for r in self.policy.document.get("rules", [])]
