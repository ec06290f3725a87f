"""The shared feature extractor, public for plugin authors and model reviewers.

Every built-in scorer reads its inputs from :func:`extract`; a plugin can too, so that its
inputs mean exactly what the library's documentation says they mean. :data:`FEATURES`
documents each feature (unit, window, direction of risk, source key); the constants derived
from it (:data:`FEATURE_NAMES`, :data:`FEATURE_INDEX`, :data:`N_FEATURES`,
:data:`FEATURE_REASONS`, :data:`SUMMED_INDEX`, :data:`ACTIVITY_INDEX`,
:data:`CLOSURE_ACT_FEATURES`) are what every engine reads.

Example:
    >>> import datetime
    >>> from credit_closure import CreditProfile
    >>> from credit_closure.features import feature_dict
    >>> p = CreditProfile.from_dict({"subject_id": "s"})
    >>> feature_dict(p, datetime.date(2025, 1, 1))["hard_inquiries_6m"]
    0.0
"""

from credit_closure._scoring.features import (
    ACTIVITY_INDEX,
    CLOSURE_ACT_FEATURES,
    FEATURE_INDEX,
    FEATURE_NAMES,
    FEATURE_REASONS,
    FEATURES,
    N_FEATURES,
    SUMMED_INDEX,
    FeatureConfig,
    FeatureSpec,
    extract,
    feature_dict,
)
from credit_closure._scoring.reasons import FEATURE_REASON

__all__ = [
    "ACTIVITY_INDEX",
    "CLOSURE_ACT_FEATURES",
    "FEATURES",
    "FEATURE_INDEX",
    "FEATURE_NAMES",
    "FEATURE_REASON",
    "FEATURE_REASONS",
    "FeatureConfig",
    "FeatureSpec",
    "N_FEATURES",
    "SUMMED_INDEX",
    "extract",
    "feature_dict",
]
