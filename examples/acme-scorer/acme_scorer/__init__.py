"""Acme Bank's scorer plugin for credit_closure: a small gradient-boosted tree model.

The model (``model.json``, next to this file) was fitted with scikit-learn's
``GradientBoostingClassifier`` by ``train.py`` on a synthetic portfolio and exported as plain
data: for every tree the split features, thresholds, child indices and node values, plus the
learning rate and the initial log-odds. Scoring walks the trees in pure Python: no
scikit-learn, no numpy, no pickle.

Explanations: along each tree's path, the change of the node value at a split is credited to
the split's feature, so the contributions of all features add up to the log-odds minus the
model's expected log-odds. Each feature's contribution becomes a
:class:`credit_closure.Factor` in points on the library's scale (negative = more risk), with the
reason code of that feature (:data:`credit_closure.features.FEATURE_REASON`).

Use it by name once installed::

    from credit_closure import assess
    assess(profile, scorer="acme-gbm")
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import threading
from array import array
from collections.abc import Mapping
from importlib import resources
from typing import Any

from credit_closure import CreditProfile, Factor, Scale, ScoreResult
from credit_closure.features import FEATURE_INDEX, FEATURE_REASON, extract

__all__ = ["MODEL_FORMAT", "AcmeGBMScorer", "load_model"]

__version__ = "1.2.0"

#: The ``format`` field of model.json.
MODEL_FORMAT = "acme-gbm-trees"
_FORMAT_VERSION = 1
_ATTR = "attr:"


class _Tree:
    __slots__ = ("feature", "left", "right", "threshold", "value")

    def __init__(self, doc: Mapping[str, Any], n_features: int, where: str) -> None:
        self.feature: list[int] = [int(v) for v in doc["feature"]]
        self.threshold: list[float] = [float(v) for v in doc["threshold"]]
        self.left: list[int] = [int(v) for v in doc["left"]]
        self.right: list[int] = [int(v) for v in doc["right"]]
        self.value: list[float] = [float(v) for v in doc["value"]]
        n = len(self.value)
        if not n or any(len(x) != n for x in (self.feature, self.threshold, self.left, self.right)):
            raise ValueError(f"{where}: node arrays must be non-empty and of equal length")
        for i in range(n):
            if self.left[i] == -1:
                if self.right[i] != -1:
                    raise ValueError(f"{where}: node {i} has one child")
                continue
            if not (i < self.left[i] < n and i < self.right[i] < n):
                raise ValueError(f"{where}: node {i} has a child out of order or range")
            if not 0 <= self.feature[i] < n_features or not math.isfinite(self.threshold[i]):
                raise ValueError(f"{where}: node {i} has an invalid split")


class _Model:
    """The parsed, checked model.json."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        if doc.get("format") != MODEL_FORMAT or doc.get("format_version") != _FORMAT_VERSION:
            raise ValueError(f"not an {MODEL_FORMAT} v{_FORMAT_VERSION} model file")
        body = {k: v for k, v in doc.items() if k != "sha256"}
        digest = hashlib.sha256(_canonical(body)).hexdigest()
        if digest != doc.get("sha256"):
            raise ValueError("model.json was changed after training (sha256 mismatch)")
        self.version: str = str(doc["model_version"])
        self.features: tuple[str, ...] = tuple(doc["features"])
        self.learning_rate = float(doc["learning_rate"])
        self.init_log_odds = float(doc["init_log_odds"])
        self.missing = float(doc["missing_value"])
        self.reason_texts: dict[str, tuple[str, str]] = {
            k: (str(v[0]), str(v[1])) for k, v in doc.get("reason_texts", {}).items()
        }
        self.codes: tuple[str, ...] = tuple(doc["reasons"][f] for f in self.features)
        known = set(FEATURE_REASON.values()) | set(self.reason_texts)
        for name, code in zip(self.features, self.codes):
            if name.startswith(_ATTR):
                if not name[len(_ATTR) :]:
                    raise ValueError("an attribute feature needs a name")
            elif name not in FEATURE_INDEX:
                raise ValueError(f"feature {name!r} is not a credit_closure feature")
            if code not in known:
                raise ValueError(f"reason code {code!r} of {name!r} has no text")
        self.sensitive = frozenset(doc.get("sensitive_features", ()))
        self.trees = tuple(
            _Tree(t, len(self.features), f"trees[{i}]") for i, t in enumerate(doc["trees"])
        )
        # expected log-odds: the starting point the contributions are measured from
        self.base = self.init_log_odds + self.learning_rate * math.fsum(
            t.value[0] for t in self.trees
        )
        self._index = [FEATURE_INDEX.get(n, -1) for n in self.features]

    def inputs(self, profile: CreditProfile, as_of: _dt.date) -> tuple[list[float], list[Any]]:
        """Model inputs (float32, like the trees were fitted on) and the raw values."""
        feats = extract(profile, as_of)
        raw: list[Any] = []
        for name, idx in zip(self.features, self._index):
            if idx >= 0:
                raw.append(feats[idx])
            else:
                v = profile.attributes.get(name[len(_ATTR) :])
                ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                raw.append(float(v) if ok else math.nan)
        x = array("f", [self.missing if v != v else v for v in raw]).tolist()
        return x, raw


def _canonical(doc: Any) -> bytes:
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


_lock = threading.Lock()
_loaded: _Model | None = None


def load_model(text: str | None = None) -> _Model:
    """Parse and check a model document (the packaged ``model.json`` when ``text`` is None).

    Raises:
        ValueError: the document is malformed or its sha256 does not match.
    """
    global _loaded
    if text is not None:
        return _Model(json.loads(text))
    with _lock:
        if _loaded is None:
            raw = resources.files(__name__).joinpath("model.json").read_text(encoding="utf-8")
            _loaded = _Model(json.loads(raw))
        return _loaded


class AcmeGBMScorer:
    """Acme Bank's gradient-boosted scorer (entry point ``acme-gbm``).

    Implements version 1 of the credit_closure scorer protocol; immutable after construction
    and safe to share between threads.

    Example:
        >>> import datetime
        >>> from credit_closure import CreditProfile
        >>> s = AcmeGBMScorer()
        >>> p = CreditProfile.from_dict({"subject_id": "p-1", "accounts": [
        ...     {"account_id": "c1", "product": "credit_card", "status": "open",
        ...      "opened_on": "2016-01-01", "credit_limit": 10000, "balance": 9500}]})
        >>> r = s.score(p, datetime.date(2026, 6, 30))
        >>> 0.0 < r.probability_of_default < 1.0, r.factors[0].code
        (True, 'UTILIZATION_HIGH')
    """

    #: The scorer-protocol version implemented (checked before construction).
    credit_closure_api = 1
    name = "acme-gbm"
    reason_method = "tree_path_contributions"

    def __init__(self, model: _Model | None = None) -> None:
        self._model = model if model is not None else load_model()
        self.version: str = self._model.version
        self.reason_texts: dict[str, tuple[str, str]] = dict(self._model.reason_texts)
        self.scale = Scale()

    def __repr__(self) -> str:
        return f"AcmeGBMScorer(version={self.version!r}, trees={len(self._model.trees)})"

    def score(self, profile: CreditProfile, as_of: _dt.date) -> ScoreResult:
        """Score a validated profile at ``as_of`` (see the credit_closure scorer protocol)."""
        m = self._model
        x, raw = m.inputs(profile, as_of)
        contrib = [0.0] * len(x)
        leaves = []
        lr = m.learning_rate
        for t in m.trees:
            node = 0
            left, right, feature, threshold, value = (
                t.left,
                t.right,
                t.feature,
                t.threshold,
                t.value,
            )
            while left[node] != -1:
                f = feature[node]
                child = left[node] if x[f] <= threshold[node] else right[node]
                contrib[f] += lr * (value[child] - value[node])
                node = child
            leaves.append(value[node])
        log_odds = m.init_log_odds + lr * math.fsum(leaves)
        if log_odds >= 0:
            p = 1.0 / (1.0 + math.exp(-log_odds))
        else:
            e = math.exp(log_odds)
            p = e / (1.0 + e)
        k = self.scale.factor
        factors = []
        for i, c in enumerate(contrib):
            if c == 0.0:
                continue
            name = m.features[i]
            v = raw[i]
            value = None if (name in m.sensitive or v != v) else v
            factors.append(Factor(code=m.codes[i], points=-k * c, feature=name, value=value))
        return ScoreResult(probability_of_default=p, factors=tuple(factors))
