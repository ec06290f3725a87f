"""The scalar reference: features, rules, the scale, reasons, ``assess()`` and the scorer
registry. Every other engine must agree with these modules bit for bit (docs/internals.md).

Internal seam for this library's tests and benchmarks; not public API; may change without
notice. The names below are imported lazily (module ``__getattr__``): importing this package
imports none of its submodules, so ``import credit_closure`` stays as light as before. Tests
import internals only from here (``from credit_closure._scoring import extract``), never from the
submodules, except a module object that a test monkeypatches or whose state it reads (the name
must be looked up where the code looks it up); docs/internals.md, "Tests".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from credit_closure._seams import lazy_names

if TYPE_CHECKING:
    from credit_closure._scoring.assess import CLOSURE_IMPACT_MONTHS as CLOSURE_IMPACT_MONTHS
    from credit_closure._scoring.assess import counterfactual as counterfactual
    from credit_closure._scoring.enterprise import CompanyRule as CompanyRule
    from credit_closure._scoring.enterprise import EnterpriseWhatIf as EnterpriseWhatIf
    from credit_closure._scoring.enterprise import weights as company_weights
    from credit_closure._scoring.features import DEFAULT_CONFIG as DEFAULT_CONFIG
    from credit_closure._scoring.features import FEATURE_INDEX as FEATURE_INDEX
    from credit_closure._scoring.features import FEATURE_NAMES as FEATURE_NAMES
    from credit_closure._scoring.features import FEATURES as FEATURES
    from credit_closure._scoring.features import FeatureConfig as FeatureConfig
    from credit_closure._scoring.features import extract as extract
    from credit_closure._scoring.features import feature_dict as feature_dict
    from credit_closure._scoring.features import months_before as months_before
    from credit_closure._scoring.protocol import Factor as Factor
    from credit_closure._scoring.reasons import FEATURE_REASON as FEATURE_REASON
    from credit_closure._scoring.reasons import REASONS as REASONS
    from credit_closure._scoring.registry import unregister_scorer as unregister_scorer
    from credit_closure._scoring.rules import _DEFAULT_POLICY_FILE as DEFAULT_POLICY_FILE

#: seam name -> (submodule, name in that submodule)
_SEAM: dict[str, tuple[str, str]] = {
    "CLOSURE_IMPACT_MONTHS": ("assess", "CLOSURE_IMPACT_MONTHS"),
    "counterfactual": ("assess", "counterfactual"),
    "CompanyRule": ("enterprise", "CompanyRule"),
    "EnterpriseWhatIf": ("enterprise", "EnterpriseWhatIf"),
    "company_weights": ("enterprise", "weights"),
    "DEFAULT_CONFIG": ("features", "DEFAULT_CONFIG"),
    "FEATURES": ("features", "FEATURES"),
    "FEATURE_INDEX": ("features", "FEATURE_INDEX"),
    "FEATURE_NAMES": ("features", "FEATURE_NAMES"),
    "FeatureConfig": ("features", "FeatureConfig"),
    "extract": ("features", "extract"),
    "feature_dict": ("features", "feature_dict"),
    "months_before": ("features", "months_before"),
    "Factor": ("protocol", "Factor"),
    "FEATURE_REASON": ("reasons", "FEATURE_REASON"),
    "REASONS": ("reasons", "REASONS"),
    "unregister_scorer": ("registry", "unregister_scorer"),
    "DEFAULT_POLICY_FILE": ("rules", "_DEFAULT_POLICY_FILE"),
}

__all__ = [  # the seam's names (tests/test_layout.py checks they match _SEAM)
    "CLOSURE_IMPACT_MONTHS",
    "CompanyRule",
    "DEFAULT_CONFIG",
    "DEFAULT_POLICY_FILE",
    "EnterpriseWhatIf",
    "FEATURES",
    "FEATURE_INDEX",
    "FEATURE_NAMES",
    "FEATURE_REASON",
    "Factor",
    "FeatureConfig",
    "REASONS",
    "company_weights",
    "counterfactual",
    "extract",
    "feature_dict",
    "months_before",
    "unregister_scorer",
]


__getattr__, __dir__ = lazy_names(__name__, _SEAM, globals())
