"""credit_closure: what the closure of consumer-credit accounts means for credit risk.

The public API is :data:`__all__`; everything else is private (``_module``) or lives in a
documented submodule (:mod:`credit_closure.metrics`, :mod:`credit_closure.synth`, ...).
Importing the package does not import numpy or scikit-learn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from credit_closure import _accel

# before any compiled module is imported (docs/decision-service.md, "The compiled build")
if _accel._pure_requested():
    _accel.use_pure_python()
else:
    _accel.check_sources()

from credit_closure._contract.model import (
    AccountStatus,
    ActivityKind,
    ActivityRecord,
    ClosureEvent,
    ClosureInitiator,
    ClosureKind,
    ClosureReason,
    CreditAccount,
    CreditProfile,
    Enterprise,
    Guarantee,
    GuaranteedParty,
    Inquiry,
    InquiryKind,
    InstitutionType,
    LiabilityType,
    LimitChange,
    LoanClassification,
    Principal,
    PrincipalRole,
    ProductType,
    PublicRecord,
    PublicRecordKind,
    PublicRecordStatus,
    SpecialTransaction,
    SpecialTransactionKind,
    TerminationKind,
)
from credit_closure._scoring.assess import (
    Assessment,
    ReasonChange,
    ReasonCode,
    WhatIf,
    assess,
    what_if,
)
from credit_closure._scoring.protocol import (
    SCORER_API_VERSION,
    Factor,
    Scorer,
    ScoreResult,
    Trigger,
)
from credit_closure._scoring.registry import (
    ScorerInfo,
    available_scorers,
    get_scorer,
    register_scorer,
)
from credit_closure._scoring.rules import RulePolicy, RuleScorer
from credit_closure._scoring.scale import Band, Scale
from credit_closure._version import __version__
from credit_closure.exceptions import (
    AmbiguousScorerError,
    ArtifactError,
    CreditClosureError,
    IncompatibleScorerError,
    InvalidInputError,
    NotFittedError,
    PluginConfigError,
    PolicyError,
    ReasonTextWarning,
    ScorerLoadError,
    ScorerNotFoundError,
    ScoringError,
)

if TYPE_CHECKING:  # served lazily at run time (see _LAZY); typed here for the type checker
    from credit_closure._scorecard.logistic import LogisticScorer
    from credit_closure._scoring.batch import AssessmentError, assess_many
    from credit_closure._scoring.enterprise import EnterpriseAssessment, EnterprisePolicy

__all__ = [
    "AccountStatus",
    "ActivityKind",
    "ActivityRecord",
    "AmbiguousScorerError",
    "ArtifactError",
    "Assessment",
    "AssessmentError",
    "Band",
    "ClosureEvent",
    "ClosureInitiator",
    "ClosureKind",
    "ClosureReason",
    "CreditAccount",
    "CreditClosureError",
    "CreditProfile",
    "Enterprise",
    "EnterpriseAssessment",
    "EnterprisePolicy",
    "Factor",
    "Guarantee",
    "GuaranteedParty",
    "IncompatibleScorerError",
    "Inquiry",
    "InquiryKind",
    "InstitutionType",
    "InvalidInputError",
    "LiabilityType",
    "LimitChange",
    "LoanClassification",
    "LogisticScorer",
    "NotFittedError",
    "PluginConfigError",
    "PolicyError",
    "Principal",
    "PrincipalRole",
    "ProductType",
    "PublicRecord",
    "PublicRecordKind",
    "PublicRecordStatus",
    "ReasonChange",
    "ReasonCode",
    "ReasonTextWarning",
    "RulePolicy",
    "RuleScorer",
    "SCORER_API_VERSION",
    "Scale",
    "ScoreResult",
    "Scorer",
    "ScorerInfo",
    "ScorerLoadError",
    "ScorerNotFoundError",
    "ScoringError",
    "SpecialTransaction",
    "SpecialTransactionKind",
    "TerminationKind",
    "Trigger",
    "WhatIf",
    "__version__",
    "assess",
    "assess_many",
    "available_scorers",
    "get_scorer",
    "register_scorer",
    "what_if",
]

# Names served lazily, so that importing the package stays cheap.
_LAZY: dict[str, str] = {
    "AssessmentError": "credit_closure._scoring.batch:AssessmentError",
    "assess_many": "credit_closure._scoring.batch:assess_many",
    "EnterpriseAssessment": "credit_closure._scoring.enterprise:EnterpriseAssessment",
    "EnterprisePolicy": "credit_closure._scoring.enterprise:EnterprisePolicy",
    "LogisticScorer": "credit_closure._scorecard.logistic:LogisticScorer",
}


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'credit_closure' has no attribute {name!r}")
    import importlib

    module, _, attr = target.partition(":")
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
