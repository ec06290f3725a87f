"""The enterprise financing view: a company, its principals' personal credit, and one decision.

``assess(enterprise)`` assesses every principal (legal representative, shareholder,
guarantor, actual controller) with the same scorer, then combines them under an
:class:`EnterprisePolicy` (documented in ``docs/enterprise.md``):

- **Gates (DOMAIN.md §9 R11)**: a *major principal* -- any legal representative, guarantor or
  actual controller, and any shareholder with a stake of at least ``gate_stake`` (20%,
  [SBA-20PCT]; an unknown stake counts as major) -- whose personal assessment shows an
  abnormal termination or bad debt (R5) or 连三累六 (R9) sends the company to at least
  ``gate_action`` (``"refer"``) [LKL-4084][PBOC-CONF]. A gate fires on the scorer's trigger
  code, or, for scorers without such triggers, on the feature behind the rule, so it works
  for every scorer.
- **Aggregate score**: the weighted mean of the principals' scores (points, i.e. of their
  log-odds). The legal representatives together weigh ``legal_rep_weight`` (0.5); the other
  principals share the rest in proportion to their stake, a principal without a stake
  counting as ``unstaked_weight`` (0.1). Weights are normalised to add up to 1.
- **Worst score (F22)**: the lowest score among the major principals, reported beside it.
- **Decision**: the scorer's scale cutoffs applied to the aggregate score, raised by the
  gates (and by company rules, if the policy has any).

Reasons are kept apart and attributed: ``company_reasons`` come only from company rules the
policy defines over the company's attributes (none by default, so the list is empty), and each
principal's reasons stay in that principal's assessment, under role and pseudonymous id.
Every gate names the rule, the principal, the personal rule and the evidence.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from credit_closure._contract.checks import Problem
from credit_closure._contract.model import (
    Attributes,
    ClosureReason,
    CreditProfile,
    Enterprise,
)
from credit_closure._scoring.assess import (
    Assessment,
    ReasonChange,
    ReasonCode,
    _as_of,
    _assess_profile,
    _close_accounts,
    _factor_totals,
    _ResolvedScorer,
    _text,
    resolved,
)
from credit_closure._scoring.enterprise_guarantees import GuaranteeExposure, guarantee_exposure
from credit_closure._scoring.enterprise_policy import (
    _ACTIONS,
    DEFAULT_POLICY,
    CompanyRule,
    EnterprisePolicy,
    GateCondition,
    weights,
)
from credit_closure._scoring.features import DEFAULT_CONFIG, FEATURE_INDEX, FeatureConfig, extract
from credit_closure._scoring.protocol import Trigger
from credit_closure.exceptions import InvalidInputError

__all__ = [
    "AttributedReason",
    "CompanyReason",
    "CompanyRule",
    "EnterpriseAssessment",
    "EnterprisePolicy",
    "EnterpriseWhatIf",
    "Gate",
    "GateCondition",
    "PrincipalAssessment",
    "assess_enterprise",
    "enterprise_what_if",
    "weights",
]


# --------------------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class PrincipalAssessment:
    """One principal's personal assessment, with the role, stake and weight it carries.

    Attributes:
        role: ``legal_representative``, ``shareholder``, ``guarantor`` or
            ``actual_controller``.
        stake: The share held (0 to 1), or ``None`` when not given.
        subject_id: The principal's pseudonymous id.
        weight: The principal's weight in the aggregate score (weights add up to 1).
        major: True when the principal's red flags gate the enterprise (the F22 set).
        assessment: The personal :class:`~credit_closure.Assessment`.
    """

    role: str
    stake: float | None
    subject_id: str
    weight: float
    major: bool
    assessment: Assessment

    @property
    def score(self) -> float:
        """The principal's personal score."""
        return self.assessment.score

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return {
            "role": self.role,
            "stake": self.stake,
            "subject_id": self.subject_id,
            "weight": self.weight,
            "major": self.major,
            "assessment": self.assessment.to_dict(),
        }


@attrs.frozen(kw_only=True)
class Gate:
    """A gate that raised the enterprise's decision, traceable to its rule and data.

    Attributes:
        rule: The enterprise rule (``"R11"`` for a principal's red flag, a company rule's id).
        action: ``"refer"`` or ``"decline"``.
        code: The reason code of the red flag (``ABNORMAL_TERMINATION``, ...).
        subject_id: The principal's pseudonymous id (``None`` for a company rule).
        role: The principal's role (``"company"`` for a company rule).
        stake: The principal's stake, if given.
        personal_rule: The personal rule behind it (``"R5"``, ``"R9"``), if any.
        trigger: What was found: ``"trigger"`` (the scorer's trigger), ``"feature"``,
            ``"data"`` (the profile's own fields: the current-overdue gate),
            ``"company_attribute"`` (a company rule) or ``"company_guarantees"`` (the
            company's guarantees, policy v2).
        evidence: A short description (rule, feature and value; no personal data).
        sources: DOMAIN.md source keys.
    """

    rule: str
    action: str
    code: str
    subject_id: str | None
    role: str
    stake: float | None
    personal_rule: str | None
    trigger: str
    evidence: str
    sources: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return {
            "rule": self.rule,
            "action": self.action,
            "code": self.code,
            "subject_id": self.subject_id,
            "role": self.role,
            "stake": self.stake,
            "personal_rule": self.personal_rule,
            "trigger": self.trigger,
            "evidence": self.evidence,
            "sources": list(self.sources),
        }


@attrs.frozen(kw_only=True)
class CompanyReason:
    """A reason that comes from the company's own attributes, through a company rule."""

    rule: str
    code: str
    message: str
    message_zh: str
    attribute: str
    value: float
    above: float
    action: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return {
            "rule": self.rule,
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "attribute": self.attribute,
            "value": self.value,
            "above": self.above,
            "action": self.action,
        }


@attrs.frozen(kw_only=True)
class AttributedReason:
    """A reason with where it comes from: ``source`` is ``"company"`` or ``"principal"``."""

    source: str
    role: str
    subject_id: str | None
    code: str
    message: str
    message_zh: str
    points: float | None


_LABELS = {
    "en": {
        "enterprise": "enterprise",
        "as_of": "as of",
        "scorer": "scorer",
        "score": "aggregate score",
        "pscore": "personal score",
        "band": "band",
        "pd": "probability of default",
        "decision": "decision",
        "cutoffs": "cutoffs alone",
        "worst": "worst major principal",
        "gates": "gates",
        "company": "company reasons",
        "company_attrs": "company attributes",
        "principals": "principals",
        "weight": "weight",
        "stake": "stake",
        "none": "none",
        "reasons": "reasons",
        "triggers": "triggers",
        "points": "points",
        "major": "major",
        "approve": "APPROVE",
        "refer": "REFER",
        "decline": "DECLINE",
        "alert": "ALERT",
        "legal_representative": "legal representative",
        "shareholder": "shareholder",
        "guarantor": "guarantor",
        "actual_controller": "actual controller",
        "company_role": "company",
    },
    "zh": {
        "enterprise": "企业",
        "as_of": "评估日期",
        "scorer": "评分模型",
        "score": "综合评分",
        "pscore": "个人评分",
        "band": "风险等级",
        "pd": "违约概率",
        "decision": "决定",
        "cutoffs": "仅按分数线",
        "worst": "主要关系人最低分",
        "gates": "否决/转审规则",
        "company": "企业原因",
        "company_attrs": "企业属性",
        "principals": "相关自然人",
        "weight": "权重",
        "stake": "持股",
        "none": "无",
        "reasons": "主要原因",
        "triggers": "触发规则",
        "points": "分",
        "major": "主要关系人",
        "approve": "通过",
        "refer": "转人工审核",
        "decline": "拒绝",
        "alert": "提示",
        "legal_representative": "法定代表人",
        "shareholder": "股东",
        "guarantor": "担保人",
        "actual_controller": "实际控制人",
        "company_role": "企业",
    },
}


_EVIDENCE_ZH = (
    ("personal trigger ", "个人触发规则 "),
    (", action decline", "，处理：拒绝"),
    (", action refer", "，处理：转人工审核"),
    ("feature ", "特征 "),
    ("current overdue on ", "当前逾期账户数 "),
    (" account(s)", ""),
    ("company ", "企业 "),
)


def _evidence_zh(text: str) -> str:
    """The Chinese wording of a gate's evidence (codes, rule ids and numbers stay as they are)."""
    for en, zh in _EVIDENCE_ZH:
        text = text.replace(en, zh)
    return text


@attrs.frozen(kw_only=True)
class EnterpriseAssessment:
    """The result of :func:`credit_closure.assess` for an :class:`~credit_closure.Enterprise`.

    Attributes:
        enterprise_id: The company's id.
        as_of: The assessment date.
        score: The aggregate score (weighted mean of the principals' scores).
        probability_of_default: The probability the aggregate score stands for on the scale.
        band: Risk band of the aggregate score.
        decision: ``"approve"``, ``"refer"`` or ``"decline"``: the cutoffs raised by the gates.
        score_decision: The decision from the cutoffs alone.
        worst_score: Lowest score among the major principals (F22), or ``None``.
        worst_subject_id: Whose score that is.
        principals: Every principal's :class:`PrincipalAssessment`, in document order.
        gates: The gates that fired (:class:`Gate`), each naming rule, principal and trigger.
        company_reasons: Reasons from company rules over the company's attributes (empty
            when the policy has no company rule, or none fired).
        company_attributes: The company's attributes, as given.
        policy: The :class:`EnterprisePolicy` used.
        scorer, scorer_version, scorer_distribution, scorer_distribution_version: Provenance.

    The properties ``subject_id``, ``closure_impact``, ``triggers`` and ``reasons`` give it the
    shape of a personal :class:`~credit_closure.Assessment` for generic renderers.
    """

    enterprise_id: str
    as_of: _dt.date
    score: float
    probability_of_default: float
    band: str
    decision: str
    score_decision: str
    worst_score: float | None
    worst_subject_id: str | None
    principals: tuple[PrincipalAssessment, ...]
    gates: tuple[Gate, ...]
    company_reasons: tuple[CompanyReason, ...]
    company_attributes: Attributes = attrs.field(repr=False)
    policy: EnterprisePolicy = attrs.field(repr=False)
    scorer: str
    scorer_version: str
    scorer_distribution: str | None = None
    scorer_distribution_version: str | None = None
    #: The company's guarantees (contract v2), ``None`` when it reports none.
    guarantee_exposure: GuaranteeExposure | None = None

    @property
    def subject_id(self) -> str:
        """The enterprise id (so that renderers of personal assessments can show it)."""
        return self.enterprise_id

    @property
    def closure_impact(self) -> float:
        """Points the principals' closures of the last 24 months moved the aggregate score:
        ``Σ w_i · closure_impact_i`` (exact, since the aggregate is a weighted mean)."""
        return math.fsum(p.weight * p.assessment.closure_impact for p in self.principals)

    @property
    def triggers(self) -> tuple[Trigger, ...]:
        """The gates as :class:`~credit_closure.Trigger` objects (code, action, rule)."""
        return tuple(Trigger(code=g.code, action=g.action, rule=g.rule) for g in self.gates)

    @property
    def reasons(self) -> tuple[ReasonCode, ...]:
        """The company reasons as :class:`~credit_closure.ReasonCode` objects (0 points: they
        come from company rules, not from a score). The principals' reasons stay in
        :attr:`principals`; :meth:`attributed_reasons` lists them all."""
        return tuple(
            ReasonCode(code=r.code, message=r.message, message_zh=r.message_zh, points=0.0)
            for r in self.company_reasons
        )

    def principal(self, subject_id: str) -> PrincipalAssessment:
        """The first principal entry of ``subject_id``; ``KeyError`` when there is none."""
        for p in self.principals:
            if p.subject_id == subject_id:
                return p
        raise KeyError(subject_id)

    def attributed_reasons(self) -> tuple[AttributedReason, ...]:
        """Every reason with its source: company reasons first, then each principal's."""
        out = [
            AttributedReason(
                source="company",
                role="company",
                subject_id=None,
                code=r.code,
                message=r.message,
                message_zh=r.message_zh,
                points=None,
            )
            for r in self.company_reasons
        ]
        for p in self.principals:
            for r in p.assessment.reasons:
                out.append(
                    AttributedReason(
                        source="principal",
                        role=p.role,
                        subject_id=p.subject_id,
                        code=r.code,
                        message=r.message,
                        message_zh=r.message_zh,
                        points=r.points,
                    )
                )
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data (what ``credit-closure assess --json`` prints)."""
        return {
            "enterprise_id": self.enterprise_id,
            "as_of": self.as_of.isoformat(),
            "score": self.score,
            "probability_of_default": self.probability_of_default,
            "band": self.band,
            "decision": self.decision,
            "score_decision": self.score_decision,
            "worst_score": self.worst_score,
            "worst_subject_id": self.worst_subject_id,
            "gates": [g.to_dict() for g in self.gates],
            "company_reasons": [r.to_dict() for r in self.company_reasons],
            "company_attributes": self.company_attributes.to_dict(),
            "principals": [p.to_dict() for p in self.principals],
            "policy": self.policy.to_dict(),
            "scorer": self.scorer,
            "scorer_version": self.scorer_version,
            "scorer_distribution": self.scorer_distribution,
            "scorer_distribution_version": self.scorer_distribution_version,
            **(
                {}
                if self.guarantee_exposure is None
                else {"guarantee_exposure": self.guarantee_exposure.to_dict()}
            ),
        }

    def render(self, lang: str = "en") -> str:
        """A readable summary in English (``"en"``) or Chinese (``"zh"``).

        Raises:
            InvalidInputError: ``lang`` is neither.
        """
        if lang not in _LABELS:
            raise InvalidInputError([("lang", "must be 'en' or 'zh'")], what="argument")
        L = _LABELS[lang]
        zh = lang == "zh"
        lines = [
            f"{L['enterprise']}: {self.enterprise_id}   {L['as_of']}: {self.as_of.isoformat()}",
            f"{L['scorer']}: {self.scorer} ({self.scorer_version})",
            f"{L['score']}: {self.score:.1f}   {L['band']}: {self.band}   "
            f"{L['pd']}: {self.probability_of_default:.2%}   {L['decision']}: "
            f"{L[self.decision]} ({L['cutoffs']}: {L[self.score_decision]})",
        ]
        if self.worst_score is not None:
            lines.append(f"{L['worst']}: {self.worst_score:.1f} ({self.worst_subject_id})")
        lines.append(f"{L['gates']}:" + ("" if self.gates else f" {L['none']}"))
        for g in self.gates:
            who = L["company_role"] if g.subject_id is None else f"{L[g.role]} {g.subject_id}"
            text = _text(g.code, None)
            msg = text.zh if zh else text.en
            evidence = _evidence_zh(g.evidence) if zh else g.evidence
            lines.append(f"  {L[g.action]}: [{g.rule}] {who}: [{g.code}] {msg} ({evidence})")
        lines.append(f"{L['company']}:" + ("" if self.company_reasons else f" {L['none']}"))
        for r in self.company_reasons:
            lines.append(
                f"  [{r.code}] {r.message_zh if zh else r.message} "
                f"({r.attribute} = {r.value:g} > {r.above:g})"
            )
        if len(self.company_attributes):
            attrs_text = ", ".join(f"{k}={v}" for k, v in sorted(self.company_attributes.items()))
            lines.append(f"{L['company_attrs']}: {attrs_text}")
        lines.append(f"{L['principals']}:")
        for p in self.principals:
            a = p.assessment
            stake = "" if p.stake is None else f"   {L['stake']}: {p.stake:.0%}"
            major = f" ({L['major']})" if p.major else ""
            lines.append(
                f"  - {L[p.role]}{major} {p.subject_id}{stake}   {L['weight']}: {p.weight:.3f}"
            )
            lines.append(
                f"    {L['pscore']}: {a.score:.1f}   {L['band']}: {a.band}   "
                f"{L['decision']}: {L[a.decision]}"
            )
            lines.append(f"    {L['reasons']}:" + ("" if a.reasons else f" {L['none']}"))
            for i, pr in enumerate(a.reasons, start=1):
                lines.append(
                    f"      {i}. [{pr.code}] {pr.message_zh if zh else pr.message} "
                    f"({pr.points:+.1f} {L['points']})"
                )
            for t in a.triggers:
                text = _text(t.code, None)
                lines.append(
                    f"      {L[t.action]}: [{t.code}] {text.zh if zh else text.en}"
                    + (f" ({t.rule})" if t.rule else "")
                )
        return "\n".join(lines)


@attrs.frozen(kw_only=True)
class EnterpriseWhatIf:
    """The result of :func:`credit_closure.what_if` for a principal inside an enterprise.

    Attributes:
        before: The enterprise as things are.
        after: The enterprise had the principal closed the accounts on that date.
        delta: ``after.score - before.score`` (aggregate points).
        principal: The principal's subject id.
        roles: The roles that principal holds in the enterprise.
        principal_delta: How the principal's own score moved.
        moved: The principal's reason codes whose points changed, largest change first.
        closed: The account ids closed in the hypothesis.
    """

    before: EnterpriseAssessment
    after: EnterpriseAssessment
    delta: float
    principal: str
    roles: tuple[str, ...]
    principal_delta: float
    moved: tuple[ReasonChange, ...]
    closed: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data: the document ``credit-closure what-if --json`` prints for it."""
        return {
            "principal": self.principal,
            "roles": list(self.roles),
            "closed": list(self.closed),
            "delta": self.delta,
            "principal_delta": self.principal_delta,
            "decision_before": self.before.decision,
            "decision_after": self.after.decision,
            "moved": [m.to_dict() for m in self.moved],
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
        }


# --------------------------------------------------------------------------------------
def _check_enterprise(enterprise: Any) -> Enterprise:
    if isinstance(enterprise, Enterprise):
        return enterprise
    if isinstance(enterprise, Mapping):
        return Enterprise.from_dict(enterprise)
    raise InvalidInputError(
        [
            (
                "subject",
                f"must be an Enterprise or an enterprise document (got {type(enterprise).__name__})",
            )
        ],
        what="argument",
    )


def _check_policy(policy: Any) -> EnterprisePolicy:
    if policy is None:
        return DEFAULT_POLICY
    if not isinstance(policy, EnterprisePolicy):
        raise InvalidInputError(
            [("policy", f"must be an EnterprisePolicy (got {type(policy).__name__})")],
            what="argument",
        )
    return policy


def _feature_config(r: _ResolvedScorer) -> FeatureConfig:
    cfg = getattr(getattr(r.scorer, "policy", None), "feature_config", None)
    return cfg if isinstance(cfg, FeatureConfig) else DEFAULT_CONFIG


def _personal_gates(
    pol: EnterprisePolicy,
    a: Assessment,
    feats: tuple[float, ...],
    subject_id: str,
    role: str,
    stake: float | None,
) -> list[Gate]:
    """The R11 gates a major principal's assessment (and features) fire, in policy order."""
    gates: list[Gate] = []
    for g in pol.gates:
        trig = next((t for t in a.triggers if t.code == g.code), None)
        v = feats[FEATURE_INDEX[g.feature]]
        if trig is not None:
            how = "trigger"
            evidence = f"personal trigger {g.code}" + (
                f" ({trig.rule}, action {trig.action})" if trig.rule else ""
            )
        elif v == v and v >= g.at_least:
            how = "feature"
            evidence = f"feature {g.feature} = {v:g} (>= {g.at_least:g})"
        else:
            continue
        gates.append(
            Gate(
                rule="R11",
                action=pol.gate_action,
                code=g.code,
                subject_id=subject_id,
                role=role,
                stake=stake,
                personal_rule=g.personal_rule,
                trigger=how,
                evidence=evidence,
                sources=tuple(dict.fromkeys(("SBA-20PCT", "LKL-4084") + g.sources)),
            )
        )
    return gates


def _overdue_gate(
    pol: EnterprisePolicy, profile: CreditProfile, role: str, stake: float | None
) -> list[Gate]:
    """The gate of a major principal with an amount past due now (policy v2, issue 15 item
    10): any account with ``current_overdue_amount`` > 0 or ``current_overdue_periods`` > 0."""
    n = 0
    for acc in profile.accounts:
        amount, periods = acc.current_overdue_amount, acc.current_overdue_periods
        if (amount is not None and amount > 0) or (periods is not None and periods > 0):
            n += 1
    if not n:
        return []
    return [
        Gate(
            rule="R11",
            action=pol.gate_action,
            code="CURRENT_OVERDUE",
            subject_id=profile.subject_id,
            role=role,
            stake=stake,
            personal_rule=None,
            trigger="data",
            evidence=f"current overdue on {n} account(s)",
            sources=("SBA-20PCT", "LKL-4084", "PBOC-CONF"),
        )
    ]


def _company_rules(
    pol: EnterprisePolicy, attributes: Attributes
) -> tuple[list[CompanyReason], list[Gate]]:
    """The company rules that fire on the company's attributes: their reasons, and the gates
    of those whose action is refer or decline."""
    company: list[CompanyReason] = []
    gates: list[Gate] = []
    for rule in pol.company_rules:
        v = attributes.get(rule.attribute)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > rule.above:
            continue
        company.append(
            CompanyReason(
                rule=rule.id,
                code=rule.code,
                message=rule.message,
                message_zh=rule.message_zh,
                attribute=rule.attribute,
                value=float(v),
                above=rule.above,
                action=rule.action,
            )
        )
        if rule.action in _ACTIONS:
            gates.append(
                Gate(
                    rule=rule.id,
                    action=rule.action,
                    code=rule.code,
                    subject_id=None,
                    role="company",
                    stake=None,
                    personal_rule=None,
                    trigger="company_attribute",
                    evidence=f"company attribute {rule.attribute} = {float(v):g} > {rule.above:g}",
                    sources=rule.sources,
                )
            )
    return company, gates


def _guarantee_rules(
    pol: EnterprisePolicy, x: GuaranteeExposure
) -> tuple[list[CompanyReason], list[Gate]]:
    """The guarantee factor (policy v2, issue 15 item 10; ``enterprise_guarantees``): the
    outstanding guarantees over the policy's base (``G1``) and adverse guarantees (``G2``),
    each a company reason and a gate with the policy's ``gate_action``."""
    found: list[tuple[str, str, str, float, float, str, tuple[str, ...]]] = []
    limit = pol.guarantee_ratio_above
    if limit is not None and x.ratio is not None and x.ratio > limit:
        attribute = f"guarantees_to_{x.base}"
        found.append(("G1", "GUARANTEES_HIGH", attribute, x.ratio, limit, "", ("LKL-4084",)))
    if pol.adverse_guarantee_gate and x.adverse_ids:
        n = float(len(x.adverse_ids))
        ids = ", ".join(x.adverse_ids[:5]) + (" ..." if len(x.adverse_ids) > 5 else "")
        found.append(
            ("G2", "GUARANTEE_ADVERSE", "n_adverse_guarantees", n, 0.0, f" ({ids})",
             ("ZX-TIAOLI", "PBOC-CONF"))
        )  # fmt: skip
    reasons: list[CompanyReason] = []
    gates: list[Gate] = []
    for rule, code, attribute, value, above, extra, sources in found:
        text = _text(code, None)
        reasons.append(
            CompanyReason(
                rule=rule,
                code=code,
                message=text.en,
                message_zh=text.zh,
                attribute=attribute,
                value=value,
                above=above,
                action=pol.gate_action,
            )
        )
        gates.append(
            Gate(
                rule=rule,
                action=pol.gate_action,
                code=code,
                subject_id=None,
                role="company",
                stake=None,
                personal_rule=None,
                trigger="company_guarantees",
                evidence=f"company {attribute} = {value:g} > {above:g}{extra}",
                sources=sources,
            )
        )
    return reasons, gates


def assess_enterprise(
    enterprise: Any,
    *,
    scorer: Any = "rules",
    as_of: Any = None,
    policy: EnterprisePolicy | None = None,
) -> EnterpriseAssessment:
    """Assess an enterprise and its principals (what :func:`credit_closure.assess` calls).

    Args:
        enterprise: An :class:`~credit_closure.Enterprise` or its v1 JSON document.
        scorer: As for :func:`credit_closure.assess`; every principal uses it.
        as_of: The assessment date; today (UTC) when omitted. No principal's profile may be
            dated after it.
        policy: An :class:`EnterprisePolicy`; the default when ``None``.

    Returns:
        An :class:`EnterpriseAssessment`.

    Raises:
        InvalidInputError: a bad enterprise, date or policy, each problem with its path
            (``principals[1].profile.closures[0].closed_on``).

    Example:
        >>> from credit_closure import Enterprise, assess
        >>> e = Enterprise.from_dict({"enterprise_id": "e-1", "principals": [
        ...     {"role": "legal_representative", "stake": 0.6, "profile": {"subject_id": "p-1",
        ...      "accounts": [{"account_id": "a", "product": "installment",
        ...                    "status": "charged_off", "closed_on": "2024-01-31"}]}},
        ...     {"role": "shareholder", "stake": 0.4, "profile": {"subject_id": "p-2"}}]})
        >>> ea = assess(e, as_of="2025-06-30")
        >>> ea.decision, [(g.rule, g.personal_rule, g.subject_id) for g in ea.gates]
        ('refer', [('R11', 'R5', 'p-1')])
    """
    day = _as_of(as_of)
    ent = _check_enterprise(enterprise)
    pol = _check_policy(policy)
    problems: list[Problem] = []
    for i, pr in enumerate(ent.principals):
        for path, msg in pr.profile.dated_after(day):
            problems.append((f"principals[{i}].profile.{path}", msg))
    if problems:
        raise InvalidInputError(problems, what="enterprise")
    r = resolved(scorer)
    fcfg = _feature_config(r)
    cache: dict[int, tuple[Assessment, tuple[float, ...]]] = {}
    roles = [pr.role.value for pr in ent.principals]
    stakes = [None if pr.stake is None else float(pr.stake) for pr in ent.principals]
    ws = weights(roles, stakes, pol)
    entries: list[PrincipalAssessment] = []
    gates: list[Gate] = []
    for i, pr in enumerate(ent.principals):
        key = id(pr.profile)
        if key not in cache:
            cache[key] = (_assess_profile(r, pr.profile, day), extract(pr.profile, day, fcfg))
        a, feats = cache[key]
        major = pol.is_major(roles[i], stakes[i])
        entries.append(
            PrincipalAssessment(
                role=roles[i],
                stake=stakes[i],
                subject_id=pr.profile.subject_id,
                weight=ws[i],
                major=major,
                assessment=a,
            )
        )
        if major:
            gates.extend(_personal_gates(pol, a, feats, pr.profile.subject_id, roles[i], stakes[i]))
            if pol.overdue_gate:
                gates.extend(_overdue_gate(pol, pr.profile, roles[i], stakes[i]))
    company, company_gates = _company_rules(pol, ent.attributes)
    gates.extend(company_gates)
    exposure = guarantee_exposure(ent, pol.guarantee_base)
    if exposure is not None:
        g_reasons, g_gates = _guarantee_rules(pol, exposure)
        company.extend(g_reasons)
        gates.extend(g_gates)
    scale = r.scale
    score = math.fsum(w * e.score for w, e in zip(ws, entries))
    score = min(max(score, scale.min_score), scale.max_score)
    score_decision = scale.decide(score)
    decision = score_decision
    if any(g.action == "decline" for g in gates):
        decision = "decline"
    elif any(g.action == "refer" for g in gates) and decision == "approve":
        decision = "refer"
    majors = [e for e in entries if e.major]
    worst = min(majors, key=lambda e: e.score) if majors else None
    return EnterpriseAssessment(
        enterprise_id=ent.enterprise_id,
        as_of=day,
        score=score,
        probability_of_default=scale.probability(score),
        band=scale.band(score),
        decision=decision,
        score_decision=score_decision,
        worst_score=None if worst is None else worst.score,
        worst_subject_id=None if worst is None else worst.subject_id,
        principals=tuple(entries),
        gates=tuple(gates),
        company_reasons=tuple(company),
        company_attributes=ent.attributes,
        policy=pol,
        scorer=r.name,
        scorer_version=r.version,
        scorer_distribution=r.dist,
        scorer_distribution_version=r.dist_version,
        guarantee_exposure=exposure,
    )


def _closing_principal(ent: Enterprise, principal: str | None) -> str:
    """The subject id of the principal who closes the accounts (checked)."""
    subjects = list(dict.fromkeys(pr.profile.subject_id for pr in ent.principals))
    if principal is None:
        if len(subjects) != 1:
            raise InvalidInputError(
                [
                    (
                        "principal",
                        "must name the subject_id of the principal who closes the "
                        f"accounts; the enterprise has {len(subjects)} principals",
                    )
                ],
                what="what-if request",
            )
        principal = subjects[0]
    if principal not in subjects:
        raise InvalidInputError(
            [("principal", "names no principal of the enterprise")], what="what-if request"
        )
    return principal


def _moved_reasons(before: Assessment, after: Assessment, texts: Any) -> list[ReasonChange]:
    """The reason codes whose points the closure changed, largest change first."""
    tb, ta = _factor_totals(before), _factor_totals(after)
    moved = []
    for code in set(tb) | set(ta):
        b, a = tb.get(code, 0.0), ta.get(code, 0.0)
        if b != a:
            t = _text(code, texts)
            moved.append(
                ReasonChange(
                    code=code, message=t.en, message_zh=t.zh, points_before=b, points_after=a
                )
            )
    moved.sort(key=lambda m: (-abs(m.change), m.code))
    return moved


def enterprise_what_if(
    enterprise: Any,
    *,
    close: str | Iterable[str],
    principal: str | None = None,
    on: Any = None,
    scorer: Any = "rules",
    reason: Any = ClosureReason.UNKNOWN,
    policy: EnterprisePolicy | None = None,
) -> EnterpriseWhatIf:
    """What would the company's assessment be if ``principal`` closed these accounts?

    The hypothetical closure is the same as :func:`credit_closure.what_if`'s (by the consumer,
    a normal termination, with the balance the account carries now), applied to every entry of
    that principal in the enterprise.

    Args:
        enterprise: An :class:`~credit_closure.Enterprise` or its document.
        close: One account id or several, of the principal's profile.
        principal: The principal's subject id; may be omitted when the enterprise has one
            principal only.
        on: Closing and assessment date; today (UTC) when omitted.
        scorer: As for :func:`credit_closure.assess`.
        reason: The closure reason to record.
        policy: An :class:`EnterprisePolicy`; the default when ``None``.

    Returns:
        An :class:`EnterpriseWhatIf`.

    Raises:
        InvalidInputError: no such principal, or a bad account id, date or reason.

    Example:
        >>> from credit_closure import Enterprise, what_if
        >>> e = Enterprise.from_dict({"enterprise_id": "e-1", "principals": [
        ...     {"role": "legal_representative", "stake": 1.0, "profile": {"subject_id": "p-1",
        ...      "accounts": [
        ...        {"account_id": "hb", "product": "revolving_consumer", "status": "open",
        ...         "opened_on": "2019-01-01", "credit_limit": 20000, "balance": 0},
        ...        {"account_id": "cc", "product": "credit_card", "status": "open",
        ...         "opened_on": "2016-01-01", "credit_limit": 10000, "balance": 4000}]}}]})
        >>> w = what_if(e, close="hb", principal="p-1", on="2025-06-30")
        >>> round(w.delta, 2), w.roles, [m.code for m in w.moved]
        (-8.66, ('legal_representative',), ['UTILIZATION_HIGH'])
    """
    day = _as_of(on, "on")
    ent = _check_enterprise(enterprise)
    pol = _check_policy(policy)
    from credit_closure._scoring.assess import _close_ids

    ids = _close_ids(close)
    if not ids:
        raise InvalidInputError(
            [("close", "must name at least one account")], what="what-if request"
        )
    principal = _closing_principal(ent, principal)
    try:
        why = ClosureReason(reason)
    except ValueError:
        raise InvalidInputError(
            [("reason", f"is not one of: {', '.join(x.value for x in ClosureReason)}")],
            what="what-if request",
        ) from None
    before = assess_enterprise(ent, scorer=scorer, as_of=day, policy=pol)
    closed_cache: dict[int, CreditProfile] = {}
    new_principals = []
    for pr in ent.principals:
        if pr.profile.subject_id == principal:
            key = id(pr.profile)
            if key not in closed_cache:
                closed_cache[key] = _close_accounts(pr.profile, ids, day, why)
            pr = attrs.evolve(pr, profile=closed_cache[key])
        new_principals.append(pr)
    after_ent = attrs.evolve(ent, principals=tuple(new_principals))
    after = assess_enterprise(after_ent, scorer=scorer, as_of=day, policy=pol)
    pb, pa = before.principal(principal), after.principal(principal)
    moved = _moved_reasons(pb.assessment, pa.assessment, resolved(scorer).texts)
    roles = tuple(dict.fromkeys(p.role for p in before.principals if p.subject_id == principal))
    return EnterpriseWhatIf(
        before=before,
        after=after,
        delta=after.score - before.score,
        principal=principal,
        roles=roles,
        principal_delta=pa.score - pb.score,
        moved=tuple(moved),
        closed=tuple(ids),
    )
