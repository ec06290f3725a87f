"""The enterprise policy: how an enterprise's principals combine into one score and decision.

:class:`EnterprisePolicy` holds the weights (:func:`weights`), the major-principal test
(:meth:`EnterprisePolicy.is_major`), the gates (:class:`GateCondition`) and the company
rules (:class:`CompanyRule`); ``docs/enterprise.md`` documents them and
:mod:`credit_closure._scoring.enterprise` applies them (and re-exports these names).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from credit_closure._contract.checks import Problem
from credit_closure._contract.model import ClosureReason, Enterprise, PrincipalRole
from credit_closure._scoring.features import FEATURE_INDEX
from credit_closure.exceptions import InvalidInputError

if TYPE_CHECKING:
    from credit_closure._scoring.enterprise import EnterpriseAssessment, EnterpriseWhatIf

__all__ = [
    "DEFAULT_POLICY",
    "CompanyRule",
    "EnterprisePolicy",
    "GateCondition",
    "weights",
]

_ACTIONS = ("refer", "decline")
_WEIGHTINGS = ("control", "legal_rep_share")
_GUARANTEE_BASES = ("facilities", "net_assets")
_DEFAULT_ROLE_WEIGHTS = (
    ("actual_controller", 0.5),
    ("guarantor", 0.1),
    ("legal_representative", 0.1),
    ("shareholder", 0.0),
)


def _role_weight_pairs(value: Any) -> tuple[tuple[str, float], ...]:
    """``role_weights`` as sorted ``(role, weight)`` pairs (hashable, so the policy is); a
    mapping or pairs are accepted, anything else is left for the validator to report."""
    if isinstance(value, Mapping):
        value = value.items()
    try:
        return tuple(sorted((str(getattr(k, "value", k)), w) for k, w in value))
    except (TypeError, ValueError):
        return value  # type: ignore[no-any-return]  # reported by the validator


_ROLES = tuple(r.value for r in PrincipalRole)


def _finite_in(v: Any, lo: float, hi: float) -> bool:
    return (
        not isinstance(v, bool)
        and isinstance(v, (int, float))
        and math.isfinite(v)
        and lo <= v <= hi
    )


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _role_values(value: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(getattr(x, "value", x)) for x in value)


@attrs.frozen(kw_only=True)
class GateCondition:
    """A personal red flag that gates the enterprise when a major principal has it.

    It holds when the principal's assessment has a trigger with ``code`` (the rule scorer's
    rule ``personal_rule``), or when the feature ``feature`` is at least ``at_least`` (so
    scorers without that trigger are gated on the same fact).

    Example:
        >>> GateCondition(personal_rule="R9", code="SERIOUS_DELINQUENCY_PATTERN",
        ...               feature="lian3lei6_24m").at_least
        1.0
    """

    personal_rule: str
    code: str
    feature: str
    at_least: float = 1.0
    sources: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        for name in ("personal_rule", "code"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                p.append((name, "must be a non-empty string"))
        if self.feature not in FEATURE_INDEX:
            p.append(("feature", f"is not a known feature (got {str(self.feature)[:40]!r})"))
        if not _finite_in(self.at_least, -1e300, 1e300):
            p.append(("at_least", "must be a finite number"))
        if p:
            raise InvalidInputError(p, what="gate condition")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return {
            "personal_rule": self.personal_rule,
            "code": self.code,
            "feature": self.feature,
            "at_least": self.at_least,
            "sources": list(self.sources),
        }


@attrs.frozen(kw_only=True)
class CompanyRule:
    """A rule over one numeric company attribute: fires when the value is above ``above``.

    There are none by default. An example a lender may add is a debt ratio above 0.70
    ([LKL-4084], an unverified practitioner rule of thumb)::

        CompanyRule(id="C1", attribute="debt_ratio", above=0.70, action="refer",
                    code="COMPANY_DEBT_RATIO_HIGH",
                    message="Company debt ratio is above 70%",
                    message_zh="企业资产负债率高于70%", sources=("LKL-4084",))

    A missing or non-numeric attribute does not fire the rule.
    """

    id: str
    attribute: str
    above: float
    action: str
    code: str
    message: str
    message_zh: str
    sources: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        for name in ("id", "attribute", "code", "message", "message_zh"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                p.append((name, "must be a non-empty string"))
        if not _finite_in(self.above, -1e300, 1e300):
            p.append(("above", "must be a finite number"))
        if self.action not in _ACTIONS + ("alert",):
            p.append(("action", "must be 'refer', 'decline' or 'alert'"))
        if p:
            raise InvalidInputError(p, what="company rule")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return {
            "id": self.id,
            "attribute": self.attribute,
            "above": self.above,
            "action": self.action,
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "sources": list(self.sources),
        }


def _default_gates() -> tuple[GateCondition, ...]:
    return (
        GateCondition(
            personal_rule="R5",
            code="ABNORMAL_TERMINATION",
            feature="n_adverse_endings",
            at_least=1.0,
            sources=("PBOC-CONF", "ZX-TIAOLI"),
        ),
        GateCondition(
            personal_rule="R9",
            code="SERIOUS_DELINQUENCY_PATTERN",
            feature="lian3lei6_24m",
            at_least=1.0,
            sources=("LKL-4084", "LSLL"),
        ),
    )


@attrs.frozen(kw_only=True)
class EnterprisePolicy:
    """How an enterprise's principals combine into one score and decision (R11).

    Args:
        weighting: How the principals' weights are set. ``"control"`` (the default, policy
            v2): by control, each principal's raw weight is the larger of their stake and
            the floor of their role in ``role_weights`` (``unstaked_weight`` when both are
            0), normalised to 1, so an actual controller outweighs a nominee legal
            representative with no stake. ``"legal_rep_share"`` (version 1, see
            :meth:`v1`): the legal representatives together take ``legal_rep_weight``.
        role_weights: The floor of each role's raw weight under ``"control"`` (default:
            actual controller 0.5, legal representative 0.1, guarantor 0.1, shareholder 0,
            i.e. their stake; INFERENCE defaults from practitioners' reading of control).
        legal_rep_weight: Under ``"legal_rep_share"``, the total weight of the legal
            representatives in the aggregate score (0 to 1; default 0.5). When there is no
            legal representative the others share 1.
        unstaked_weight: Weight, before normalisation, of a non-legal-representative
            principal without a stake (a guarantor, say); default 0.1. Stakes are the weights
            of the others.
        gate_stake: A shareholder with at least this stake is a major principal (default 0.2,
            [SBA-20PCT]); a shareholder with an unknown stake is one too.
        gate_roles: Roles that are major principals whatever their stake.
        gate_action: What a gate does to the company's decision: ``"refer"`` (at least refer)
            or ``"decline"``.
        gates: The personal red flags that gate (default: R5 abnormal termination / bad
            debt, R9 连三累六).
        company_rules: Rules over the company's attributes (none by default).
        overdue_gate: A major principal with an amount past due now (contract v2
            ``current_overdue_amount`` > 0 or ``current_overdue_periods`` > 0 on any account)
            gates the enterprise with ``gate_action`` and code ``CURRENT_OVERDUE`` (default
            ``True``, policy v2 [PBOC-CONF]; a v1 profile never carries the fields).
        guarantee_ratio_above: The company's outstanding guaranteed balance (contract v2
            ``Enterprise.guarantees``) over ``guarantee_base`` above which the enterprise is
            gated with ``gate_action`` and code ``GUARANTEES_HIGH`` (default 1.0: it
            guarantees more than its own facilities; INFERENCE, see ``docs/enterprise.md``);
            ``None`` switches it off.
        guarantee_base: What guarantees are read against: ``"facilities"`` (the company's
            open facilities' limits, the default) or ``"net_assets"`` (the company attribute
            ``net_assets``; practitioners cap guarantees at 50% of it [LKL-4084]).
        adverse_guarantee_gate: A guarantee whose guaranteed debt is 次级/可疑/损失, charged
            off, in judicial recovery, overdue or carries an amount past due gates the
            enterprise with ``gate_action`` and code ``GUARANTEE_ADVERSE`` (default ``True``,
            policy v2 [ZX-TIAOLI] [PBOC-CONF]).

    Example:
        >>> from credit_closure import EnterprisePolicy
        >>> EnterprisePolicy().legal_rep_weight, EnterprisePolicy().gate_stake
        (0.5, 0.2)
        >>> [g.personal_rule for g in EnterprisePolicy().gates]
        ['R5', 'R9']
    """

    weighting: str = "control"
    role_weights: tuple[tuple[str, float], ...] = attrs.field(
        default=_DEFAULT_ROLE_WEIGHTS, converter=_role_weight_pairs
    )
    legal_rep_weight: float = 0.5
    unstaked_weight: float = 0.1
    gate_stake: float = 0.2
    gate_roles: tuple[str, ...] = attrs.field(
        default=("legal_representative", "guarantor", "actual_controller"),
        converter=_role_values,
    )
    gate_action: str = "refer"
    gates: tuple[GateCondition, ...] = attrs.field(factory=_default_gates, converter=tuple)
    company_rules: tuple[CompanyRule, ...] = attrs.field(default=(), converter=tuple)
    overdue_gate: bool = True
    guarantee_ratio_above: float | None = 1.0
    guarantee_base: str = "facilities"
    adverse_guarantee_gate: bool = True

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        if self.weighting not in _WEIGHTINGS:
            p.append(("weighting", "must be 'control' or 'legal_rep_share'"))
        pairs = self.role_weights
        if not isinstance(pairs, tuple) or not all(
            isinstance(x, tuple) and len(x) == 2 for x in pairs
        ):
            p.append(("role_weights", "must be a mapping of role to weight"))
            pairs = ()
        for role, w in pairs:
            if role not in _ROLES:
                p.append((f"role_weights[{role!r}]", f"is not one of: {', '.join(_ROLES)}"))
            elif not _finite_in(w, 0.0, 1.0):
                p.append((f"role_weights[{role!r}]", "must be a number between 0 and 1"))
        if not _finite_in(self.legal_rep_weight, 0.0, 1.0):
            p.append(("legal_rep_weight", "must be a number between 0 and 1"))
        if not _finite_in(self.unstaked_weight, 0.0, 1.0):
            p.append(("unstaked_weight", "must be a number between 0 and 1"))
        if not _finite_in(self.gate_stake, 0.0, 1.0):
            p.append(("gate_stake", "must be a number between 0 and 1"))
        for i, role in enumerate(self.gate_roles):
            if role not in _ROLES:
                p.append((f"gate_roles[{i}]", f"is not one of: {', '.join(_ROLES)}"))
        if self.gate_action not in _ACTIONS:
            p.append(("gate_action", "must be 'refer' or 'decline'"))
        if not isinstance(self.overdue_gate, bool):
            p.append(("overdue_gate", "must be true or false"))
        ratio = self.guarantee_ratio_above
        if ratio is not None and not _finite_in(ratio, 0.0, 1e300):
            p.append(("guarantee_ratio_above", "must be a number of at least 0, or None"))
        if self.guarantee_base not in _GUARANTEE_BASES:
            p.append(("guarantee_base", "must be 'facilities' or 'net_assets'"))
        if not isinstance(self.adverse_guarantee_gate, bool):
            p.append(("adverse_guarantee_gate", "must be true or false"))
        for i, g in enumerate(self.gates):
            if not isinstance(g, GateCondition):
                p.append((f"gates[{i}]", "must be a GateCondition"))
        ids: set[str] = set()
        for i, r in enumerate(self.company_rules):
            if not isinstance(r, CompanyRule):
                p.append((f"company_rules[{i}]", "must be a CompanyRule"))
            elif r.id in ids:
                p.append((f"company_rules[{i}].id", "duplicates another rule's id"))
            else:
                ids.add(r.id)
        if p:
            raise InvalidInputError(p, what="enterprise policy")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data. The settings of policy v2 (``weighting`` and ``role_weights``,
        ``overdue_gate``, the guarantee settings) are written only when they are not
        version 1's, so a version-1 policy writes exactly as before."""
        out: dict[str, Any] = {}
        if self.weighting != "legal_rep_share":
            out["weighting"] = self.weighting
            out["role_weights"] = dict(self.role_weights)
        out.update(
            {
                "legal_rep_weight": self.legal_rep_weight,
                "unstaked_weight": self.unstaked_weight,
                "gate_stake": self.gate_stake,
                "gate_roles": list(self.gate_roles),
                "gate_action": self.gate_action,
                "gates": [g.to_dict() for g in self.gates],
                "company_rules": [r.to_dict() for r in self.company_rules],
            }
        )
        if self.overdue_gate:
            out["overdue_gate"] = True
        if self.guarantee_ratio_above is not None:
            out["guarantee_ratio_above"] = self.guarantee_ratio_above
            out["guarantee_base"] = self.guarantee_base
        if self.adverse_guarantee_gate:
            out["adverse_guarantee_gate"] = True
        return out

    @classmethod
    def v1(cls) -> EnterprisePolicy:
        """The enterprise policy before default policy v2: legal representatives take
        ``legal_rep_weight`` together, no current-overdue gate, R5 gated on
        ``n_abnormal_terminations`` (a transfer alone gates), no guarantee gates.

        Example:
            >>> EnterprisePolicy.v1().weighting
            'legal_rep_share'
        """
        gates: Any = tuple(
            attrs.evolve(g, feature="n_abnormal_terminations") if g.personal_rule == "R5" else g
            for g in _default_gates()
        )
        return cls(
            weighting="legal_rep_share",
            overdue_gate=False,
            gates=gates,
            guarantee_ratio_above=None,
            adverse_guarantee_gate=False,
        )

    def is_major(self, role: str, stake: float | None) -> bool:
        """True for a principal whose red flags gate the enterprise (the F22 set)."""
        if role in self.gate_roles:
            return True
        if role == PrincipalRole.SHAREHOLDER.value:
            return stake is None or stake >= self.gate_stake
        return False

    def assess(
        self, enterprise: Enterprise, *, scorer: Any = "rules", as_of: Any = None
    ) -> EnterpriseAssessment:
        """Assess ``enterprise`` under this policy (as :func:`credit_closure.assess`)."""
        from credit_closure._scoring.enterprise import assess_enterprise

        return assess_enterprise(enterprise, scorer=scorer, as_of=as_of, policy=self)

    def what_if(
        self,
        enterprise: Enterprise,
        *,
        close: Any,
        principal: str | None = None,
        on: Any = None,
        scorer: Any = "rules",
        reason: Any = ClosureReason.UNKNOWN,
    ) -> EnterpriseWhatIf:
        """:func:`credit_closure.what_if` for a principal of ``enterprise``, under this policy."""
        from credit_closure._scoring.enterprise import enterprise_what_if

        return enterprise_what_if(
            enterprise,
            close=close,
            principal=principal,
            on=on,
            scorer=scorer,
            reason=reason,
            policy=self,
        )


DEFAULT_POLICY = EnterprisePolicy()


def weights(
    roles: Sequence[str], stakes: Sequence[float | None], policy: EnterprisePolicy
) -> list[float]:
    """The aggregate weight of each principal entry (see the module documentation)."""
    n = len(roles)
    if policy.weighting == "control":
        floors = dict(policy.role_weights)
        raw_c = []
        for role, stake in zip(roles, stakes):
            w = max(stake if stake is not None and stake > 0 else 0.0, floors.get(role, 0.0))
            raw_c.append(w if w > 0 else policy.unstaked_weight)
        total = math.fsum(raw_c)
        if total <= 0:  # every weight is zero: fall back to equal weights
            return [1.0 / n] * n
        return [w / total for w in raw_c]
    lr = [i for i, r in enumerate(roles) if r == PrincipalRole.LEGAL_REPRESENTATIVE.value]
    others = [i for i in range(n) if i not in set(lr)]
    raw: dict[int, float] = {}
    for i in others:
        stake = stakes[i]
        raw[i] = stake if stake is not None and stake > 0 else policy.unstaked_weight
    total_raw = math.fsum(raw.values())
    out = [0.0] * n
    if lr and others and total_raw > 0:
        lr_total = policy.legal_rep_weight
    elif lr:
        lr_total = 1.0
    else:
        lr_total = 0.0
    for i in lr:
        out[i] = lr_total / len(lr)
    if others and total_raw > 0:
        for i in others:
            out[i] = (1.0 - lr_total) * raw[i] / total_raw
    s = math.fsum(out)
    if s <= 0:  # every weight is zero: fall back to equal weights
        return [1.0 / n] * n
    return [w / s for w in out]
