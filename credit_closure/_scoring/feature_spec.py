"""The :class:`FeatureSpec` record (its own module, so that the feature tables of
:mod:`credit_closure._scoring.features` and :mod:`credit_closure._scoring.policy_features`
can both build them)."""

from __future__ import annotations

import attrs

__all__ = ["FeatureSpec"]


@attrs.frozen
class FeatureSpec:
    """One feature: its documentation and everything an engine needs to know about it.

    The six positional fields document the feature. The keyword fields are what the scorers
    and engines used to hard-code, so that each is said once, here:

    Args:
        name: The feature's name (a column of :data:`FEATURE_NAMES`).
        unit: ``ratio``, ``count``, ``flag``, ``currency``, ``months`` or ``days``.
        window: The look-back the feature reads.
        direction: ``"up"``: a higher value means more risk; ``"down"``: a lower value
            does; ``"?"``: not known.
        description: What the feature measures.
        source: The source keys of the domain brief (``docs/concepts.md``).
        reason: The reason code (:data:`credit_closure._scoring.reasons.REASONS`) that
            explains the feature when a scorer scores it directly; ``FEATURE_REASON`` is
            derived from it.
        exact_sum: Computed from a sum of many values (``math.fsum`` in :func:`extract`): an
            engine that sums the plain way must redo a subject exactly when the feature lands
            near a value a rule compares it with (:data:`SUMMED_INDEX`).
        closure_act: Only counts or dates closures themselves (:data:`CLOSURE_ACT_FEATURES`):
            a voluntary, paid-off closure in good standing must never be a reason by itself,
            so the scorecard leaves these out unless told otherwise.
        needs_activity: Read from activity records (the security features): the columnar
            format carries none, so the columnar engines give 0, as :func:`extract` does for
            a profile without activity (:data:`ACTIVITY_INDEX`).
        from_report: Read from contract v2 report data (histories, classifications,
            guarantees, public records ...): computed by
            :func:`credit_closure._scoring.report_features.report_features` and, for the long
            format, once, vectorised, in ``credit_closure._columnar.report_features``; the
            numpy engine and the kernel only copy that column (:data:`REPORT_INDEX`). These
            features are the last block of :data:`FEATURES` and are the same for the
            closure-impact counterfactual as for the profile.
        optional: One of the version-1 features no rule of the default policy reads
            (utilization over every revolving line and what closures did to it, the closure
            mix by initiator, the average ages, the terminations): the single path
            (``extract_with_counterfactual``, ``assess()``'s) leaves them ``NaN``, uncomputed,
            for a scorer that reads none of them (:data:`OPTIONAL_INDEX`), so that the
            default policy does not pay for the version-1 one. ``extract`` and the columnar
            engines always compute them.

    The keyword fields are keyword-only with defaults, so that a ``FeatureSpec`` built with
    the six positional fields alone keeps working.
    """

    name: str
    unit: str
    window: str
    direction: str  # "up": higher value -> more risk; "down": lower -> more risk; "?" unknown
    description: str
    source: str
    reason: str = attrs.field(default="", kw_only=True)
    exact_sum: bool = attrs.field(default=False, kw_only=True)
    closure_act: bool = attrs.field(default=False, kw_only=True)
    needs_activity: bool = attrs.field(default=False, kw_only=True)
    from_report: bool = attrs.field(default=False, kw_only=True)
    optional: bool = attrs.field(default=False, kw_only=True)
