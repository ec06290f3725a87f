"""The logistic scorecard: supervised binning, weight of evidence, L2 logistic regression and
points per bin on the shared scale, persisted as one reviewable JSON artifact.

Method (see ``docs/logistic-scorecard.md``):

1. Every feature of the shared extractor (:data:`credit_closure.features.FEATURE_NAMES`) and
   every lender attribute (numeric or categorical) is a candidate input. Numeric inputs are
   binned with :func:`credit_closure._scorecard.binning.fit_numeric`, monotonic in the direction the
   domain brief gives (``"up"`` -> increasing risk, ``"down"`` -> decreasing). An input
   without a domain direction (a feature with direction ``"?"``, a numeric lender
   attribute) gets the direction with the larger IV (``shapes="monotonic"``, the default
   since round 5); with ``shapes="auto"`` it gets ``"auto_shape"``: increasing,
   decreasing, a peak or a valley, chosen by IV on the training data, a peak or valley
   only when it gains enough over the best monotonic binning. Categorical inputs are
   grouped with :func:`~credit_closure._scorecard.binning.fit_categorical`. Missing values have their
   own bin.
2. Inputs whose information value (IV) is below ``min_iv`` are dropped; ``max_inputs`` keeps
   the strongest.
3. The WOE of each input's bin is the regressor of an L2 logistic regression
   (scikit-learn's objective, solved by :mod:`credit_closure._scorecard.newton`; the penalty
   ``C`` chosen per fit with the default ``C="auto"``). An input whose coefficient
   comes out non-positive (collinearity reversing its direction) is dropped and the model
   refitted, so every kept input keeps the direction of its WOE. With the default
   ``numeric_trend="auto"`` a numeric lender attribute may add a trend term across its
   pre-bins (:mod:`credit_closure._scorecard.trend`), kept when the fit's CV prefers it.
4. With the scale's ``factor`` and ``offset``, ``score = offset - factor * log_odds_bad =
   base_points + sum(points)``, ``base_points = offset - factor * intercept`` and
   ``points(bin) = -factor * coefficient * woe(bin)``.

Scoring is pure Python (no numpy call): features are extracted once, each input finds its
bin with ``bin_index_one`` and the points and log-odds terms are looked up and summed.
Loading, scoring and saving import no numpy at all (the fit pipeline, which does, is
imported by :meth:`LogisticScorer.fit` and :meth:`LogisticScorer.fit_tables` when they run;
``tests/test_scorecard_imports.py``).

Where the code lives: this module holds :class:`LogisticScorer` (parameters, fitting and
loading entry points, state, scoring) and the built-in ``"logistic"`` scorer
(:func:`reference_scorer`); the fit pipeline is in :mod:`credit_closure._scorecard.fitting`,
the artifact (content, hash, file, checks) in :mod:`credit_closure._scorecard.artifact`, the
parameter checks in :mod:`credit_closure._scorecard.parameters`, the fitted inputs and the
scoring table in :mod:`credit_closure._scorecard.fitted`, and the binning in
:mod:`credit_closure._scorecard.binning`. The names other modules import from here (such
as ``_sigmoid``, ``_category``, ``_sha256``, ``CLOSURE_ACT_FEATURES``) are re-exported.

Twin implementations: the log-odds :meth:`LogisticScorer._walk` sums (intercept, then each
input's ``coefficient * woe`` term in input order) are also computed for whole chunks by
``credit_closure.columnar._logistic_bins`` / ``_logistic_log_odds`` / ``_score_logistic``
(from :attr:`LogisticScorer._table`), and turned into scores and probabilities by the
compiled kernel's ``scale_many`` (``credit_closure._columnar.kernel``); a change to the
semantics here must be made there too (``tests/test_columnar.py`` checks they agree).
"""

from __future__ import annotations

import datetime as _dt
import os
import threading
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from credit_closure._accel import warn_at_caller
from credit_closure._contract.model import Attributes, CreditProfile
from credit_closure._scorecard._validation import Problem, parse_date
from credit_closure._scorecard.artifact import _MAX_ARTIFACT_BYTES as _MAX_ARTIFACT_BYTES
from credit_closure._scorecard.artifact import (
    ARTIFACT_FORMAT,
    ARTIFACT_FORMAT_VERSION,
    _artifact_error,
    artifact_content,
    check_sha256_argument,
    document_from_bytes,
    parse_artifact,
    read_artifact,
    verified_content,
    write_artifact,
)
from credit_closure._scorecard.artifact import _canonical as _canonical
from credit_closure._scorecard.artifact import _sha256 as _sha256
from credit_closure._scorecard.bin_texts import attach_bin_texts, binned_texts, check_bin_texts
from credit_closure._scorecard.fitted import (
    FittedState,
    ScorecardInput,
    ScoringRow,
    scoring_table,
)
from credit_closure._scorecard.fitted import _category as _category
from credit_closure._scorecard.fitted import _sigmoid as _sigmoid
from credit_closure._scorecard.parameters import (
    _PARAM_NAMES,
    attribute_reason_code,
    read_reason_texts,
)
from credit_closure._scorecard.parameters import BINNINGS as BINNINGS
from credit_closure._scorecard.parameters import CLOSURE_ACT_FEATURES as CLOSURE_ACT_FEATURES
from credit_closure._scorecard.parameters import REASON_METHODS as REASON_METHODS
from credit_closure._scorecard.parameters import SHAPES as SHAPES
from credit_closure._scoring.features import (
    DEFAULT_CONFIG,
    extract,
    extract_counterfactual,
    extract_with_counterfactual,
    reads_of,
    reopen_plan,
)
from credit_closure._scoring.protocol import SCORER_API_VERSION, Factor, ScoreResult, make_result
from credit_closure._scoring.reasons import ReasonText
from credit_closure._scoring.scale import Scale
from credit_closure.exceptions import InvalidInputError, NotFittedError, ReasonTextWarning

#: The reopen plan's setting of the features a scorecard reads (the default configuration's).
_KEEPS_ADVERSE = DEFAULT_CONFIG.counterfactual_keeps_adverse

__all__ = [
    "ARTIFACT_FORMAT",
    "ARTIFACT_FORMAT_VERSION",
    "LogisticScorer",
    "ScorecardInput",
    "attribute_reason_code",
    "reference_scorer",
]

_REFERENCE_FILE = Path(__file__).parent.parent / "data" / "logistic_reference.json"


# --------------------------------------------------------------------------------------
# The scorer
# --------------------------------------------------------------------------------------
class LogisticScorer:
    """A logistic-regression scorecard fitted on a lender's outcomes, persisted as JSON.

    Follows scikit-learn's lifecycle: ``__init__`` only stores the parameters, :meth:`fit`
    learns and returns ``self``, learned state is in trailing-underscore attributes
    (``inputs_``, ``coef_``, ``intercept_``, ``scale_``, ``base_points_``,
    ``cutoff_averages_``, ``metadata_``, ``sha256_``). :meth:`load` rebuilds a fitted
    scorer from a saved artifact without scikit-learn.

    Args:
        max_bins: Largest number of value bins per input (a missing bin is extra).
            Default 8 (6 before the shapes existed).
        min_bin_share: Smallest share of training rows per bin, in [0, 0.5]. Default 0.03
            (0.05 before). Both defaults were chosen by cross-validation on training data
            only: a 3-fold CV on a 50,000-subject synthetic portfolio (seed 21, not the
            benchmark's) and an inner 3-fold CV inside each training fold of the German
            credit benchmark, both with ``shapes="auto"``; (8, 0.03) and (10, 0.02) gained
            about 0.002-0.003 AUC over (6, 0.05) in both, and (8, 0.03) keeps about 24 rows
            per bin at 800 training rows (see ``docs/logistic-scorecard.md``).
        C: Inverse L2 regularisation strength of the logistic regression (scikit-learn's
            ``C``: the penalty weighs less as the training rows grow), or ``"auto"``, the
            default since round 6 (0.3 before; 1.0 before round 2). ``"auto"``: the fit
            runs a 3-fold cross-validation of the whole fit (binning, selection and
            regression refitted per fold) on its own training rows for each value of
            ``(0.3, 0.1, 1.0, 0.03, 0.01)`` and keeps 0.3 unless another value's CV AUC is
            larger by at least 0.015 (then the best); it records the choice and each
            value's CV AUC in the artifact's ``training.C``. The margin is there because
            a 3-fold CV of a few hundred bads differs by up to about 0.014 between
            penalties that do equally well on new rows. In the round-6 evidence
            (``benchmarks/evidence/round6_cv.py``, training folds only) it left German
            credit, ``credit_data`` and a synthetic portfolio exactly as with 0.3 and
            gained 0.019 AUC on ``lending_club`` (5 % bads), where a stronger penalty wins.
            A number fixes ``C`` and skips the cross-validation.
        min_iv: Inputs with a smaller information value are not used. Default 0.0 (0.02
            before): every input with a positive IV is offered to the regression, whose L2
            penalty shrinks the weak ones. Both were chosen together on data no benchmark
            scores (``benchmarks/evidence/optimal_binning_cv.py``): an inner 3-fold CV inside
            the 25 training folds of the German credit benchmark (mean AUC 0.7804 against
            0.7779 with (1.0, 0.02); at least as good in 23 of 25 folds) and a 5-fold CV on a
            synthetic portfolio (0.8301 against 0.8299).
        max_inputs: Keep at most this many inputs (largest IV first); ``None``: no limit.
        attributes: Which lender attributes are inputs: ``"auto"`` (every attribute seen in
            training), a list of names, or ``None`` (features only).
        categorical: Attribute names to treat as categorical even when their values are
            numbers (a number becomes its ``str``).
        reason_method: ``"points_below_max"`` (points earned minus the best attainable) or
            ``"below_cutoff_average"`` (points earned minus the average of training
            applicants scoring within ``cutoff_band`` points of the scale's ``approve_at``,
            Reg B's method).
        cutoff_band: Half-width, in points, of the band around the cutoff.
        scale: The points scale; the shared default when ``None``.
        reason_texts: Texts of reason codes, ``code -> (English, Chinese)`` or ``code ->
            {"en": ..., "zh": ...}``; a lender attribute's code is
            :func:`attribute_reason_code` of its name (``age`` -> ``ATTR_AGE``), a feature's
            code overrides the catalog's text. :meth:`read_reason_texts` reads them from a
            JSON or TOML file. A scored attribute without a text gets ``"Lender input
            'name'"`` (贷款机构输入项 'name') and :meth:`fit` warns
            (:class:`~credit_closure.exceptions.ReasonTextWarning`). A code's object may
            add ``"bins"``: texts for some bins of its inputs, given by their values
            (``{"from": 25, "below": 40, "en": ..., "zh": ...}``, ``{"categories": [...],
            ...}``, ``{"missing": true, ...}``); each fitted bin lying wholly within one
            reads its text, the others the code's (``docs/logistic-scorecard.md``).
        allow_closure_counts: Use the features that only count or date closures themselves
            (:data:`CLOSURE_ACT_FEATURES`). Off by default, so that a voluntary, paid-off
            closure in good standing is never a reason by itself: a scored input must be
            disclosed when it weighs (Reg B 9(b)(2)-4 [REGB-INTERP]).
        shapes: Shapes allowed for numeric inputs without a domain direction (lender
            attributes, features with direction ``"?"``): ``"monotonic"`` (increasing or
            decreasing, the one with the larger IV; the default since round 5, ``"auto"``
            before) or ``"auto"`` (increasing, decreasing, a peak or a valley, by IV on the
            training data with a penalty for the turn, see
            :data:`credit_closure._scorecard.binning.UNIMODAL_MIN_GAIN`). Inputs with a
            domain direction are always monotonic in it. ``"monotonic"`` was chosen by the
            rule fixed in ``benchmarks/evidence/round5_cv.py`` before its run, on inner
            folds of the benchmarks' training folds only: +0.0012 AUC on German credit,
            +0.0046 on ``credit_data`` (25 of 25 folds), +0.0063 on ``lending_club`` (10
            of 10), +0.0003 on the synthetic portfolio. An artifact saved before this
            parameter existed loads with ``"monotonic"``.
        binning: How the pre-bins of each input are grouped into bins: ``"greedy"`` (the
            default: pool adjacent violators, merge small bins, then merge the pair losing
            least IV) or ``"optimal"`` (the grouping with the largest IV under the same
            shape, ``max_bins`` and ``min_bin_share``, found exactly by dynamic
            programming). ``"optimal"`` fits the training rows better but did not rank
            unseen rows better in the cross-validations that chose the defaults, so it is an
            option. An artifact saved before this parameter existed loads with
            ``"greedy"``.
        prebins: Number of equal-frequency pre-bins each numeric input is first cut into,
            before the bins are grouped from them (1 to 1000). Default 30 (20 before, which
            made every pre-bin about 5 % of the rows, so ``min_bin_share=0.03`` hardly bound).
            Chosen by the rule fixed in ``benchmarks/evidence/defaults_round3_cv.py`` before
            its run, on data no benchmark scores: German inner CV 0.7812 against 0.7804 (at
            least as good in 15 of 25 folds, paired SD 0.0037), synthetic 5-fold CV 0.8306
            against 0.8301. A weak gain, inside the fold-to-fold noise; 10 pre-bins lost
            0.0044 and 40 gained less. An artifact saved before this parameter existed
            loads with 20.
        woe_smoothing: The pseudo-count ``a`` added to the bads and the goods of every bin
            when its WOE and IV are computed and when the binning tests monotonicity (a
            multiple of 0.5, 0.5 to 16; see :mod:`credit_closure._scorecard.binning`). A larger ``a``
            pulls each bin's smoothed odds towards 1:1, the more the fewer rows it has, so
            thin bins differ less from each other (with fewer bads than goods it raises
            their WOE: it is not a pull towards WOE 0). Default 1.0 (0.5 before).
            Chosen by the rule fixed in ``benchmarks/evidence/woe_smoothing_cv.py`` before
            its run, on data no benchmark scores: German inner CV 0.7820 against 0.7812
            (at least as good in 16 of 25 folds, paired SD 0.0021), synthetic 5-fold CV
            0.8308 against 0.8306; 1.5 and 2 did as well, 3 lost on German. An artifact
            saved before
            this parameter existed loads with 0.5.
        numeric_trend: ``"auto"`` (the default since round 7) or ``"off"``. With
            ``"auto"``, each numeric lender attribute may also get a trend term: the median
            training value of each of its pre-bins, standardised, as a second regressor
            next to its WOE, so the points can follow a slope within a bin
            (:mod:`credit_closure._scorecard.trend`). The fit keeps the trends when the 3-fold
            CV it runs to choose ``C`` (on its own rows) gives them a mean AUC larger by more
            than 0.005; an attribute with a trend is then stored on its pre-bins, its
            ``woe`` the WOE of its bin plus the trend's share, so ``points = -factor *
            coefficient * woe`` still holds, and ``training.numeric_trend`` records the
            choice. Features never get one. Chosen by the rule fixed in
            ``benchmarks/evidence/round7_cv.py`` before its run, on inner folds of the
            benchmarks' training folds only: -0.0001 AUC on German credit, +0.0095 on
            ``credit_data``, +0.0062 on ``lending_club`` (25 of 25 folds each), +0.0000 on
            the synthetic portfolio. An artifact saved before this parameter existed loads
            with ``"off"``.

    Example:
        >>> import datetime, random
        >>> from credit_closure import CreditProfile, LogisticScorer, assess
        >>> rng = random.Random(0)
        >>> profiles, outcomes = [], []
        >>> for i in range(400):
        ...     income = rng.choice([3000, 8000, 15000, 30000])
        ...     profiles.append(CreditProfile(subject_id=f"s{i}",
        ...                                   attributes={"monthly_income": income}))
        ...     outcomes.append(int(rng.random() < 3000 / (income + 6000)))
        >>> texts = {"ATTR_MONTHLY_INCOME": {"en": "Monthly income is low",
        ...                                  "zh": "月收入偏低"}}
        >>> scorer = LogisticScorer(min_iv=0.0, reason_texts=texts).fit(
        ...     profiles, outcomes, as_of="2025-06-30")
        >>> [i.name for i in scorer.inputs_]
        ['monthly_income']
        >>> poor = CreditProfile(subject_id="x", attributes={"monthly_income": 3000})
        >>> a = assess(poor, scorer=scorer, as_of="2025-06-30")
        >>> [(r.code, r.message, r.message_zh) for r in a.reasons]
        [('ATTR_MONTHLY_INCOME', 'Monthly income is low', '月收入偏低')]
        >>> a.scorer_version == scorer.version
        True
    """

    credit_closure_api = SCORER_API_VERSION

    def __init__(
        self,
        *,
        max_bins: int = 8,
        min_bin_share: float = 0.03,
        C: float | str = "auto",
        min_iv: float = 0.0,
        max_inputs: int | None = None,
        attributes: str | Sequence[str] | None = "auto",
        categorical: Sequence[str] | None = None,
        reason_method: str = "points_below_max",
        cutoff_band: float = 20.0,
        scale: Scale | None = None,
        reason_texts: Mapping[str, Any] | None = None,
        allow_closure_counts: bool = False,
        shapes: str = "monotonic",
        binning: str = "greedy",
        prebins: int = 30,
        woe_smoothing: float = 1.0,
        numeric_trend: str = "auto",
    ) -> None:
        self.max_bins = max_bins
        self.min_bin_share = min_bin_share
        self.C = C
        self.min_iv = min_iv
        self.max_inputs = max_inputs
        self.attributes = attributes
        self.categorical = categorical
        self.reason_method = reason_method
        self.cutoff_band = cutoff_band
        self.allow_closure_counts = allow_closure_counts
        self.shapes = shapes
        self.binning = binning
        self.prebins = prebins
        self.woe_smoothing = woe_smoothing
        self.numeric_trend = numeric_trend
        self._scale_param = scale
        self._texts_param = reason_texts
        self._fitted = False

    # -- parameters (scikit-learn style) --------------------------------------------------
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters, as scikit-learn's ``get_params``."""
        out = {n: getattr(self, n) for n in _PARAM_NAMES}
        out["scale"] = self._scale_param
        out["reason_texts"] = self._texts_param
        return out

    def set_params(self, **params: Any) -> LogisticScorer:
        """Set constructor parameters (takes effect at the next :meth:`fit`)."""
        for key, value in params.items():
            if key == "scale":
                self._scale_param = value
            elif key == "reason_texts":
                self._texts_param = value
            elif key in _PARAM_NAMES:
                setattr(self, key, value)
            else:
                raise InvalidInputError(
                    [(key, "is not a parameter of LogisticScorer")], what="argument"
                )
        return self

    @property
    def scale(self) -> Scale | None:
        """The points scale: the fitted one, else the ``scale`` parameter."""
        return self.scale_ if self._fitted else self._scale_param

    @property
    def reason_texts(self) -> Mapping[str, ReasonText] | None:
        """Texts of the reason codes this scorer reports that the catalog lacks or
        overrides (fitted), else the ``reason_texts`` parameter."""
        return self.reason_texts_ if self._fitted else self._texts_param

    @property
    def version(self) -> str:
        """``"logistic-"`` + the first 12 hex digits of the artifact's sha256."""
        if not self._fitted:
            self._check_fitted()  # raises
        return "logistic-" + self.sha256_[:12]

    def _check_fitted(self) -> None:
        if not self._fitted:
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call fit() with "
                f"training data, or {type(self).__name__}.load() a saved artifact, first."
            )

    def __repr__(self) -> str:
        if not self._fitted:
            return f"{type(self).__name__}(unfitted)"
        return f"{type(self).__name__}(version={self.version!r}, inputs={len(self.inputs_)})"

    # -- fitting -------------------------------------------------------------------------
    def fit(
        self,
        profiles: Sequence[CreditProfile],
        outcomes: Sequence[int],
        *,
        as_of: Any,
        training_note: str | None = None,
    ) -> LogisticScorer:
        """Fit the scorecard on profiles and their observed outcomes.

        Args:
            profiles: The training subjects (:class:`~credit_closure.CreditProfile`).
            outcomes: One 0/1 outcome per profile, 1 = default (bad).
            as_of: The observation date: one date (``date`` or ``"YYYY-MM-DD"``) for all,
                or one per profile. Nothing in a profile may be dated after its date.
            training_note: A sentence on the training data, kept in the artifact's
                ``training.data`` (e.g. "synthetic"); never put personal data here.

        Returns:
            ``self``, fitted.

        Raises:
            InvalidInputError: Listing every problem with the parameters and the data at
                once (lengths, outcomes not 0/1, a single class, profiles that are not
                ``CreditProfile``, dates after ``as_of``, attributes of mixed types); or,
                after binning and regression, when no input passed selection (too few rows,
                or no input that varies with the outcome): a scorecard without inputs
                would score everyone alike with no reason, so none is made.

        Warns:
            ReasonTextWarning: Once per scored lender attribute without a text in
                ``reason_texts``, and once per attribute code there that names no
                attribute of the training data.
        """
        from credit_closure._scorecard.fitting import check_request  # numpy: fitting only

        return self._fit_checked(
            lambda: check_request(
                self._fit_params(),
                scale=self._scale_param,
                reason_texts=self._texts_param,
                profiles=profiles,
                outcomes=outcomes,
                as_of=as_of,
                training_note=training_note,
            )
        )

    def fit_tables(
        self,
        accounts: Any = None,
        closures: Any = None,
        inquiries: Any = None,
        attributes: Any = None,
        *,
        outcomes: Any,
        as_of: Any,
        training_note: str | None = None,
    ) -> LogisticScorer:
        """Fit the scorecard on the long tables of :func:`~credit_closure.columnar.score_columnar`
        (or on an attribute frame alone), without building a profile.

        The same model as :meth:`fit` on the profiles the rows describe, to the last bit
        (the artifact and its sha256 are equal), when the training rows are in the same
        order: features come from the columnar numpy engine (equal to the profiles'
        features; activity records are not part of the long format, so the security
        features are 0 as for profiles without activity), and the binning and regression
        are those of :meth:`fit`.

        Args:
            accounts: The accounts table, or ``None`` for attributes only.
            closures: The closure events table, or ``None``.
            inquiries: The inquiries table, or ``None``.
            attributes: The attributes table (one row per subject), or ``None``.
            outcomes: The outcomes, 1 = default (bad): a table (pandas ``DataFrame``,
                pyarrow ``Table`` or dict of numpy arrays) with the columns ``subject_id``
                and ``outcome`` (0/1 or booleans), or the name of a column of
                ``attributes`` that holds them (that column is then no input). Every
                subject of the tables needs exactly one outcome; a subject with an outcome
                and no row is a subject with no data. The training rows are taken in the
                order of the outcomes.
            as_of: The observation date of every subject (``date`` or ``"YYYY-MM-DD"``);
                no date in the tables may be later.
            training_note: As for :meth:`fit`.

        Returns:
            ``self``, fitted.

        Raises:
            InvalidInputError: Listing every problem at once: the parameters; the tables,
                with the problems ``score_columnar`` reports; the outcomes (missing, not
                0/1, a single class, a subject twice or without an outcome); attributes of
                mixed types; and, as for :meth:`fit`, no input passing selection.

        Warns:
            ReasonTextWarning: As for :meth:`fit`.

        Example:
            >>> import numpy as np
            >>> from credit_closure import LogisticScorer
            >>> rng = np.random.default_rng(0)
            >>> income = rng.choice([3000.0, 8000.0, 15000.0, 30000.0], size=400)
            >>> frame = {"subject_id": np.array([f"s{i}" for i in range(400)], dtype=object),
            ...          "monthly_income": income,
            ...          "bad": (rng.random(400) < 3000 / (income + 6000)).astype(int)}
            >>> card = LogisticScorer(reason_texts={"ATTR_MONTHLY_INCOME": (
            ...     "Monthly income is low", "月收入偏低")}).fit_tables(
            ...     attributes=frame, outcomes="bad", as_of="2025-06-30")
            >>> [i.name for i in card.inputs_]
            ['monthly_income']
        """
        from credit_closure._scorecard.fitting_tables import check_table_request

        return self._fit_checked(
            lambda: check_table_request(
                self._fit_params(),
                scale=self._scale_param,
                reason_texts=self._texts_param,
                tables={
                    "accounts": accounts,
                    "closures": closures,
                    "inquiries": inquiries,
                    "attributes": attributes,
                },
                outcomes=outcomes,
                as_of=as_of,
                training_note=training_note,
            )
        )

    def _fit_checked(self, check: Callable[[], Any]) -> LogisticScorer:
        """Fit on the request ``check()`` makes (:meth:`fit`, :meth:`fit_tables`; it raises
        for bad data): per-bin reason texts are checked with it (every problem at once) and
        attached to the learned bins, and the reason-text warnings point at the caller of
        :meth:`fit` or :meth:`fit_tables`."""
        # the fit pipeline imports numpy: imported here, so loading and scoring never do
        from credit_closure._scorecard.fitting import fit_scorecard, reason_text_warnings

        bins, bin_problems = check_bin_texts(self._texts_param, "reason_texts")
        try:
            request = check()
        except InvalidInputError as exc:
            if not bin_problems:
                raise
            raise InvalidInputError([*exc.problems, *bin_problems], what=exc.what) from None
        if bin_problems:
            raise InvalidInputError(bin_problems, what="reason texts")
        state = fit_scorecard(request)
        attached = attach_bin_texts(state.inputs, bins)
        if attached.problems:
            raise InvalidInputError(attached.problems, what="reason texts")
        self._set_state(state._replace(inputs=attached.inputs))
        notes = reason_text_warnings(self.inputs_, request.texts, request.attributes)
        for message in [*notes, *attached.warnings]:
            warn_at_caller(ReasonTextWarning(message))
        return self

    @staticmethod
    def read_reason_texts(path: str | os.PathLike[str]) -> dict[str, Any]:
        """Read reason texts from a ``.json`` file (or ``.toml`` on Python 3.11+), for the
        ``reason_texts`` parameter: ``LogisticScorer(reason_texts=
        LogisticScorer.read_reason_texts("texts.json"))``.

        The file maps reason codes to ``{"en": ..., "zh": ...}``, e.g.
        ``{"ATTR_AGE": {"en": "Age of the applicant", "zh": "申请人年龄"}}`` (see
        ``docs/training-and-validation.md``). A code may also have texts for some bins of
        its inputs, ``"bins": [{"below": 25, "en": ..., "zh": ...}, ...]``; such a code maps
        to its object as written, every other code to its ``ReasonText``. JSON is read
        strictly (UTF-8 without BOM, no duplicate keys).

        Raises:
            InvalidInputError: The file cannot be read or parsed, or an entry is malformed;
                every problem is named by its path inside the file (``ATTR_AGE.zh``).
        """
        return read_reason_texts(path)

    def _fit_params(self) -> dict[str, Any]:
        """The fit parameters (not ``scale``/``reason_texts``), in the artifact's order."""
        return {n: getattr(self, n) for n in _PARAM_NAMES}

    # -- state -------------------------------------------------------------------------------
    def _set_state(self, state: FittedState) -> None:
        inputs, intercept, scale = state.inputs, state.intercept, state.scale
        self.inputs_: tuple[ScorecardInput, ...] = tuple(inputs)
        self.coef_: tuple[float, ...] = tuple(i.coefficient for i in inputs)
        self.intercept_: float = intercept
        self.scale_: Scale = scale
        self.base_points_: float = scale.offset - scale.factor * intercept
        # a BinnedTexts when an input has per-bin texts (assess() reads them from it)
        self.reason_texts_: dict[str, ReasonText] = binned_texts(state.texts, inputs)
        self.cutoff_averages_: tuple[float, ...] = tuple(state.cutoff_averages)
        self.metadata_: dict[str, Any] = state.metadata
        self.n_features_in_ = len(inputs)
        self._needs_features = any(i.kind == "feature" for i in inputs)
        if self.reason_method == "below_cutoff_average":
            refs = self.cutoff_averages_
        else:
            refs = tuple(i.max_points for i in inputs)
        # The hot-path table, one ScoringRow per input (see credit_closure._scorecard.fitted);
        # columnar reads it. _walk and _bins loop over the same rows as exact tuples, which
        # CPython unpacks with its specialised fast path (a NamedTuple takes the generic one,
        # about 4% slower per subject).
        self._table: tuple[ScoringRow, ...] = scoring_table(inputs, refs)
        self._rows: tuple[tuple[Any, ...], ...] = tuple(tuple(row) for row in self._table)
        read = {row[1] for row in self._table if row[0] == 0}  # the feature inputs' positions
        self._reads = reads_of(read)
        self._fitted = True
        self.sha256_: str = _sha256(self._content())

    def _content(self) -> dict[str, Any]:
        state = FittedState(
            inputs=list(self.inputs_),
            intercept=self.intercept_,
            scale=self.scale_,
            texts=self.reason_texts_,
            cutoff_averages=list(self.cutoff_averages_),
            metadata=self.metadata_,
        )
        return artifact_content(state, self.reason_method)

    def to_dict(self) -> dict[str, Any]:
        """The artifact as data (what :meth:`save` writes), ``sha256`` included."""
        self._check_fitted()
        doc = self._content()
        doc["sha256"] = self.sha256_
        return doc

    # -- scoring -------------------------------------------------------------------------------
    def _bins(self, profile: CreditProfile, as_of: _dt.date) -> list[int]:
        """The bin of each input for a checked profile (hot path, pure Python)."""
        feats = extract(profile, as_of) if self._needs_features else ()
        get = profile.attributes.get
        out: list[int] = []
        append = out.append
        for kind, idx, name, cuts, lookup, missing, unseen, _lo, _f in self._rows:
            if kind == 0:
                v = feats[idx]
                append(missing if v != v else bisect_right(cuts, v))
                continue
            v = get(name)
            if v is None:
                append(missing)
            elif kind == 1:
                if isinstance(v, str):
                    raise InvalidInputError(
                        [(f"attributes.{name}", "must be a number for this model (got string)")],
                        what="profile",
                    )
                append(bisect_right(cuts, v))
            else:
                got = lookup.get(v if isinstance(v, str) else _category(v))
                append(unseen if got is None else got)
        return out

    def _walk(
        self,
        profile: CreditProfile,
        as_of: _dt.date,
        explain: bool,
        feats: Sequence[float] | None = None,
    ) -> tuple[float, list[Factor]]:
        """``(log-odds, factors)`` in one pass over the inputs (the scoring hot path: the same
        bins as :meth:`_bins`, the same order of summation as :meth:`_log_odds`), from
        ``feats`` when given (the counterfactual's features), else from the profile's."""
        if feats is None:
            feats = extract(profile, as_of) if self._needs_features else ()
        attributes = profile.attributes
        get = attributes._data.get if type(attributes) is Attributes else attributes.get
        lo = self.intercept_
        factors: list[Factor] = []
        append = factors.append
        # kind 0: a feature, 1: a numeric attribute, 2: a categorical one (ScoringRow.kind)
        for kind, idx, name, cuts, lookup, missing, unseen, lo_row, f_row in self._rows:
            if kind == 0:
                x = feats[idx]
                b = missing if x != x else bisect_right(cuts, x)
            else:
                v = get(name)
                if v is None:
                    b = missing
                elif kind == 1:
                    if isinstance(v, str):
                        raise InvalidInputError(
                            [
                                (
                                    f"attributes.{name}",
                                    "must be a number for this model (got string)",
                                )
                            ],
                            what="profile",
                        )
                    b = bisect_right(cuts, v)
                else:
                    got = lookup.get(v if isinstance(v, str) else _category(v))
                    b = unseen if got is None else got
            lo += lo_row[b]
            if explain:
                append(f_row[b])
        return lo, factors

    def _check_args(self, profile: Any, as_of: Any) -> None:
        if not isinstance(profile, CreditProfile):
            raise InvalidInputError(
                [("profile", f"must be a CreditProfile (got {type(profile).__name__})")],
                what="argument",
            )
        if not isinstance(as_of, _dt.date) or isinstance(as_of, _dt.datetime):
            raise InvalidInputError([("as_of", "must be a date")], what="argument")
        late = profile.dated_after(as_of)
        if late:
            raise InvalidInputError(late, what="profile")

    def score(self, profile: CreditProfile, as_of: _dt.date) -> ScoreResult:
        """Score one profile at ``as_of`` (the scorer protocol), in pure Python.

        Returns:
            A :class:`~credit_closure.ScoreResult` with the probability of default (from the
            model's log-odds) and one :class:`~credit_closure.Factor` per input, whose
            ``points`` are the points earned minus the reference of :attr:`reason_method`,
            ``feature`` the input's name and ``value`` the label of the subject's bin
            (``"[0.3, 0.5)"``, ``'{"a", "b"}'``, ``"missing"``), never the raw value.

        Raises:
            NotFittedError: Before :meth:`fit` or :meth:`load`.
            InvalidInputError: For a profile that is not a ``CreditProfile``, dated after
                ``as_of``, or with a string where the model expects a number.
        """
        self._check_fitted()
        self._check_args(profile, as_of)
        lo, factors = self._walk(profile, as_of, True)
        return make_result(_sigmoid(lo), tuple(factors), ())  # fields known valid

    def probability_of_default(self, profile: CreditProfile, as_of: _dt.date) -> float:
        """``score(profile, as_of).probability_of_default`` without building factors (the
        scorer protocol's fast path, used for the counterfactual of closure impact).

        Raises:
            NotFittedError: Before :meth:`fit` or :meth:`load`.
            InvalidInputError: As for :meth:`score`.
        """
        self._check_fitted()
        self._check_args(profile, as_of)
        return _sigmoid(self._walk(profile, as_of, False)[0])

    def _counterfactual_probability(
        self, profile: CreditProfile, as_of: _dt.date, start: _dt.date
    ) -> float | None:
        """:meth:`probability_of_default` of the counterfactual of closure impact (the
        closures after ``start`` undone), from its features without building it; ``None``
        when there is nothing to undo (``assess``'s path for closure impact, on a profile
        :meth:`score` has just checked)."""
        self._check_fitted()
        feats = extract_counterfactual(profile, as_of, start)
        if feats is None:
            return None
        return _sigmoid(self._walk(profile, as_of, False, feats)[0])

    def _score_with_counterfactual(
        self, profile: CreditProfile, as_of: _dt.date, start: _dt.date
    ) -> tuple[ScoreResult, float | None]:
        """:meth:`score` and :meth:`_counterfactual_probability` in one call (``assess``'s
        path, on a profile it has checked): one walk over the inputs sums both log-odds, the
        counterfactual reusing the attributes' bins (its attributes are the profile's) and
        each feature's bin where its value did not change."""
        if not self._fitted:
            self._check_fitted()  # raises
        if self._needs_features:
            feats, cf = extract_with_counterfactual(profile, as_of, start, reads=self._reads)
        else:
            # no feature input: the counterfactual only says whether closure impact exists
            # (attributes alone score the same for both)
            feats, cf = (), (() if reopen_plan(profile, start, _KEEPS_ADVERSE) else None)
        if cf is None or not feats or cf == feats:  # one log-odds for both
            lo, factors = self._walk(profile, as_of, True, feats)
            p = _sigmoid(lo)
            return make_result(p, tuple(factors), ()), None if cf is None else p
        lo, cf_lo, factors = self._walk_pair(profile, feats, cf)
        return make_result(_sigmoid(lo), tuple(factors), ()), _sigmoid(cf_lo)

    def _walk_pair(
        self, profile: CreditProfile, feats: Sequence[float], cf: Sequence[float]
    ) -> tuple[float, float, list[Factor]]:
        """``(log-odds, counterfactual log-odds, factors)``: :meth:`_walk` on ``feats`` and on
        ``cf`` in one pass, each sum in input order with the same terms as its own walk."""
        attributes = profile.attributes
        get = attributes._data.get if type(attributes) is Attributes else attributes.get
        lo = lo_cf = self.intercept_
        factors: list[Factor] = []
        append = factors.append
        for kind, idx, name, cuts, lookup, missing, unseen, lo_row, f_row in self._rows:
            if kind == 0:
                x = feats[idx]
                b = missing if x != x else bisect_right(cuts, x)
                y = cf[idx]
                lo += lo_row[b]
                lo_cf += lo_row[b if y == x else missing if y != y else bisect_right(cuts, y)]
                append(f_row[b])
                continue
            v = get(name)
            if v is None:
                b = missing
            elif kind == 1:
                if isinstance(v, str):
                    raise _string_for_number(name)
                b = bisect_right(cuts, v)
            else:
                got = lookup.get(v if isinstance(v, str) else _category(v))
                b = unseen if got is None else got
            term = lo_row[b]
            lo += term
            lo_cf += term
            append(f_row[b])
        return lo, lo_cf, factors

    def _log_odds(self, profile: CreditProfile, as_of: _dt.date) -> tuple[float, float]:
        """``(log-odds of bad, unclipped points)`` of a checked profile."""
        lo = self.intercept_
        pts = self.base_points_
        for b, inp in zip(self._bins(profile, as_of), self.inputs_):
            lo += inp.log_odds[b]
            pts += inp.points[b]
        return lo, pts

    def log_odds(self, profile: CreditProfile, as_of: _dt.date) -> float:
        """The model's log-odds of bad, ``intercept + sum(coefficient * woe)``.

        Raises:
            NotFittedError: Before :meth:`fit` or :meth:`load`.
            InvalidInputError: As for :meth:`score`.
        """
        self._check_fitted()
        self._check_args(profile, as_of)
        return self._log_odds(profile, as_of)[0]

    def total_points(self, profile: CreditProfile, as_of: _dt.date) -> float:
        """``base_points_ + sum(points of the subject's bins)``, not clipped to the scale's
        range; equal to ``offset - factor * log_odds`` up to rounding.

        Raises:
            NotFittedError: Before :meth:`fit` or :meth:`load`.
            InvalidInputError: As for :meth:`score`.
        """
        self._check_fitted()
        self._check_args(profile, as_of)
        return self._log_odds(profile, as_of)[1]

    def bin_indices(self, profile: CreditProfile, as_of: _dt.date) -> tuple[int, ...]:
        """The bin of each input (in :attr:`inputs_` order) for one profile.

        Raises:
            NotFittedError: Before :meth:`fit` or :meth:`load`.
            InvalidInputError: As for :meth:`score`.
        """
        self._check_fitted()
        self._check_args(profile, as_of)
        return tuple(self._bins(profile, as_of))

    def predict_proba(self, profiles: Sequence[CreditProfile], as_of: Any) -> list[float]:
        """Probability of default of each profile (the same numbers :meth:`score` gives).

        Args:
            profiles: The profiles.
            as_of: One date (``date`` or ``"YYYY-MM-DD"``) or one per profile.

        Returns:
            One probability per profile, in order.

        Raises:
            NotFittedError: Before :meth:`fit` or :meth:`load`.
            InvalidInputError: For bad arguments or profiles.
        """
        self._check_fitted()
        problems: list[Problem] = []
        if isinstance(profiles, (str, bytes, Mapping)) or not isinstance(profiles, Sequence):
            raise InvalidInputError(
                [("profiles", "must be a sequence of CreditProfile")], what="argument"
            )
        if isinstance(as_of, (list, tuple)):
            if len(as_of) != len(profiles):
                problems.append(("as_of", "must be one date or one per profile"))
            parsed = [parse_date(d, f"as_of[{i}]", problems) for i, d in enumerate(as_of)]
        else:
            parsed = [parse_date(as_of, "as_of", problems)] * len(profiles)
        if problems:
            raise InvalidInputError(problems, what="argument")
        dates = [d for d in parsed if d is not None]  # all of them: a None is a problem
        out = []
        for i, (p, d) in enumerate(zip(profiles, dates)):
            try:
                self._check_args(p, d)
                out.append(_sigmoid(self._log_odds(p, d)[0]))
            except InvalidInputError as exc:
                raise InvalidInputError(exc.prefixed(f"profiles[{i}]"), what=exc.what) from None
        return out

    # -- persistence -----------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the fitted scorecard as one JSON artifact (atomically) and return its sha256.

        The file holds only data: inputs with their bins and points, coefficients,
        intercept, scale, reason texts, training metadata and the sha256 of the canonical
        content. Floats are written with Python's shortest round-tripping repr, so a
        reloaded scorer gives bit-identical scores.

        Raises:
            NotFittedError: Before :meth:`fit` or :meth:`load`.
            InvalidInputError: When the scorecard has no input (an artifact saved by an
                earlier version that scores everyone alike with no reason).
        """
        self._check_fitted()
        if not self.inputs_:
            raise InvalidInputError(
                [("inputs", "a scorecard without inputs scores everyone alike; not saved")],
                what="scorecard",
            )
        write_artifact(self.to_dict(), path)
        return self.sha256_

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, sha256: str | None = None) -> LogisticScorer:
        """Load a saved artifact, checking everything; never unpickles and needs no
        scikit-learn.

        Args:
            path: The artifact written by :meth:`save`.
            sha256: The expected sha256 (hex) of the artifact's canonical content, e.g. from
                a model register; refused when it differs.

        Returns:
            A fitted scorer.

        Raises:
            ArtifactError: When the file is a pickle, joblib, numpy or zip file (by its
                first bytes, without reading it as such), not JSON, of another format or
                version, tampered with (hash mismatch), not the expected model, or
                malformed; the message names every problem.
            InvalidInputError: When ``sha256`` is not 64 hex digits.
        """
        check_sha256_argument(sha256)
        raw, source = read_artifact(path)
        return cls._from_bytes(raw, source=source, expected=sha256)

    @classmethod
    def from_bytes(cls, data: bytes, *, sha256: str | None = None) -> LogisticScorer:
        """As :meth:`load`, from the artifact's bytes."""
        check_sha256_argument(sha256)
        return cls._from_bytes(bytes(data), source="artifact", expected=sha256)

    @classmethod
    def _from_bytes(cls, raw: bytes, *, source: str, expected: str | None) -> LogisticScorer:
        doc = document_from_bytes(raw, source)
        return cls._from_document(doc, source=source, expected=expected)

    @classmethod
    def from_dict(cls, doc: Any, *, sha256: str | None = None) -> LogisticScorer:
        """As :meth:`load`, from the parsed artifact (a ``dict``)."""
        return cls._from_document(doc, source="artifact", expected=sha256)

    @classmethod
    def _from_document(cls, doc: Any, *, source: str, expected: str | None) -> LogisticScorer:
        content, actual = verified_content(doc, source, expected)
        scorer = cls._build(content, source)
        if scorer.sha256_ != actual:
            raise _artifact_error(
                source, [("", "does not re-serialise to the same content (non-canonical numbers?)")]
            )
        return scorer

    @classmethod
    def _build(cls, doc: dict[str, Any], source: str) -> LogisticScorer:
        params, state = parse_artifact(doc, source)
        kwargs: dict[str, Any] = {
            k: (list(v) if isinstance(v, list) else v) for k, v in params.items()
        }
        scorer = cls(**kwargs, scale=state.scale, reason_texts=None)
        scorer._set_state(state)
        return scorer


# --------------------------------------------------------------------------------------
# The built-in "logistic" scorer
# --------------------------------------------------------------------------------------
_reference_lock = threading.Lock()
_reference: LogisticScorer | None = None


def _string_for_number(name: str) -> InvalidInputError:
    """The error for a string given for a numeric attribute input."""
    return InvalidInputError(
        [(f"attributes.{name}", "must be a number for this model (got string)")], what="profile"
    )


def reference_scorer() -> LogisticScorer:
    """The reference scorecard shipped in the package (``scorer="logistic"``), loaded once.

    It was fitted on a **synthetic** portfolio (``benchmarks/train_reference.py``) to show
    the method end to end; refit it on your own outcomes before lending with it.

    Raises:
        ArtifactError: When the shipped artifact is missing or damaged.

    Example:
        >>> reference_scorer().version.startswith("logistic-")
        True
    """
    global _reference
    if _reference is None:
        with _reference_lock:
            if _reference is None:
                _reference = LogisticScorer.load(_REFERENCE_FILE)
    return _reference
