"""The shared feature extractor, public for plugin authors and model reviewers.

Every built-in scorer reads its inputs from :func:`extract`; a plugin can too, so that its
inputs mean exactly what the library's documentation says they mean. :data:`FEATURES`
documents each feature (unit, window, direction of risk, source key).

Example:
    >>> import datetime
    >>> from credit_closure import CreditProfile
    >>> from credit_closure.features import feature_dict
    >>> p = CreditProfile.from_dict({"subject_id": "s"})
    >>> feature_dict(p, datetime.date(2025, 1, 1))["hard_inquiries_6m"]
    0.0
"""

from credit_closure._scoring.features import (
    FEATURE_INDEX,
    FEATURE_NAMES,
    FEATURES,
    FeatureConfig,
    FeatureSpec,
    extract,
    feature_dict,
)
from credit_closure._scoring.reasons import FEATURE_REASON

__all__ = [
    "FEATURES",
    "FEATURE_INDEX",
    "FEATURE_NAMES",
    "FEATURE_REASON",
    "FeatureConfig",
    "FeatureSpec",
    "extract",
    "feature_dict",
]
