"""Fit Acme's gradient-boosted model and write ``acme_scorer/model.json``.

Deterministic: the same credit-closure and scikit-learn versions give the same file, byte for
byte. Needs the ``train`` extra (scikit-learn, numpy)::

    python train.py            # rewrite acme_scorer/model.json
    python train.py --check    # refit and fail if the committed file differs

The data is synthetic (:func:`credit_closure.synth.generate_portfolio`): a demonstration of
the plugin mechanics, not a model of any real population.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import roc_auc_score

from credit_closure.features import FEATURE_INDEX, FEATURE_REASON, FEATURES, extract
from credit_closure.synth import generate_portfolio

HERE = Path(__file__).resolve().parent
MODEL = HERE / "acme_scorer" / "model.json"

MODEL_VERSION = "acme-gbm@2026.11"
SEED = 20261129
N_TRAIN = 6000
N_TEST = 3000
N_TREES = 40
DEPTH = 3
LEARNING_RATE = 0.1
MISSING = -1.0  # every input below is >= 0, so -1 sorts missing values to the far left

# Acme's choice of inputs: risk drivers with a known direction. Counts of voluntary closures
# are left out on purpose: a paid-off voluntary closure is never a reason by itself.
FEATURES_USED = [
    "util_total",
    "util_max_line",
    "lost_limit_share_12m",
    "n_lender_risk_closures_24m",
    "closed_with_balance_amt",
    "dpd_before_closure",
    "n_abnormal_terminations",
    "age_oldest_months",
    "max_dpd_24m",
    "lian3lei6_24m",
    "hard_inquiries_6m",
    "attr:monthly_income",
]
REASON_TEXTS = {
    "ACME_INCOME_LEVEL": [
        "Reported income is low for the credit in use",
        "申报收入相对已用信用额度偏低",
    ],
}
SENSITIVE = ["attr:monthly_income"]  # never copied into Factor.value


def matrix(profiles: Any, as_of: Any) -> np.ndarray:
    idx = [FEATURE_INDEX.get(n, -1) for n in FEATURES_USED]
    rows = []
    for p in profiles:
        f = extract(p, as_of)
        row = []
        for name, i in zip(FEATURES_USED, idx):
            if i >= 0:
                v = f[i]
            else:
                a = p.attributes.get(name[5:])
                v = (
                    float(a)
                    if isinstance(a, (int, float)) and not isinstance(a, bool)
                    else math.nan
                )
            row.append(v)
        rows.append(row)
    x = np.asarray(rows, dtype=np.float64)
    finite = x[~np.isnan(x)]
    if finite.size and finite.min() < 0:
        raise SystemExit("an input is negative: pick another missing-value sentinel")
    return np.where(np.isnan(x), MISSING, x)


def node_values(tree: Any) -> list[float]:
    """Each node's expected raw value: the leaf value, or the sample-weighted mean below it."""
    t = tree.tree_
    value = [float(v) for v in t.value[:, 0, 0]]
    weight = [float(w) for w in t.weighted_n_node_samples]
    for i in range(t.node_count - 1, -1, -1):  # children have higher indices than parents
        left, right = int(t.children_left[i]), int(t.children_right[i])
        if left != -1:
            value[i] = (weight[left] * value[left] + weight[right] * value[right]) / (
                weight[left] + weight[right]
            )
    return value


def export(
    model: GradientBoostingClassifier, prior: float, auc: dict[str, float]
) -> dict[str, Any]:
    trees = []
    for est in model.estimators_[:, 0]:
        t = est.tree_
        leaf = t.children_left == -1
        trees.append(
            {
                "feature": [-1 if lf else int(f) for f, lf in zip(t.feature, leaf)],
                "threshold": [0.0 if lf else float(v) for v, lf in zip(t.threshold, leaf)],
                "left": [int(v) for v in t.children_left],
                "right": [int(v) for v in t.children_right],
                "value": node_values(est),
            }
        )
    codes = {}
    for name in FEATURES_USED:
        codes[name] = "ACME_INCOME_LEVEL" if name == "attr:monthly_income" else FEATURE_REASON[name]
    doc: dict[str, Any] = {
        "format": "acme-gbm-trees",
        "format_version": 1,
        "model_version": MODEL_VERSION,
        "description": "Acme Bank demo: GradientBoostingClassifier on a synthetic portfolio "
        "(credit_closure.synth), exported as data.",
        "training": {
            "generator": "credit_closure.synth.generate_portfolio",
            "seed": SEED,
            "n_train": N_TRAIN,
            "n_test": N_TEST,
            "n_estimators": N_TREES,
            "max_depth": DEPTH,
            "learning_rate": LEARNING_RATE,
            "auc_train": round(auc["train"], 6),
            "auc_test": round(auc["test"], 6),
        },
        "features": FEATURES_USED,
        "feature_docs": {f.name: f.description for f in FEATURES if f.name in FEATURES_USED},
        "missing_value": MISSING,
        "sensitive_features": SENSITIVE,
        "reasons": codes,
        "reason_texts": REASON_TEXTS,
        "learning_rate": LEARNING_RATE,
        "init_log_odds": math.log(prior / (1.0 - prior)),
        "trees": trees,
    }
    doc["sha256"] = hashlib.sha256(
        json.dumps(
            doc,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
        ).encode("utf-8")
    ).hexdigest()
    return doc


def build() -> str:
    pf = generate_portfolio(N_TRAIN + N_TEST, seed=SEED)
    x = matrix(pf.profiles, pf.as_of)
    y = np.asarray(pf.outcomes, dtype=np.int64)
    xtr, ytr, xte, yte = x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:]
    model = GradientBoostingClassifier(
        n_estimators=N_TREES,
        max_depth=DEPTH,
        learning_rate=LEARNING_RATE,
        subsample=1.0,
        random_state=0,
    ).fit(xtr, ytr)
    prior = float(ytr.mean())
    auc = {
        "train": float(roc_auc_score(ytr, model.decision_function(xtr))),
        "test": float(roc_auc_score(yte, model.decision_function(xte))),
    }
    doc = export(model, prior, auc)
    # The exported data must reproduce scikit-learn's raw scores.
    raw = doc["init_log_odds"] + LEARNING_RATE * sum(
        est.predict(xte) for est in model.estimators_[:, 0]
    )
    gap = float(np.max(np.abs(raw - model.decision_function(xte))))
    if gap > 1e-9:
        raise SystemExit(f"export does not reproduce scikit-learn (max gap {gap})")
    print(
        f"AUC train {auc['train']:.4f}  test {auc['test']:.4f}  "
        f"default rate {prior:.4f}  trees {N_TREES}x depth {DEPTH}",
        file=sys.stderr,
    )
    return json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def main(argv: Any = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--check", action="store_true", help="refit and compare with the committed model.json"
    )
    args = ap.parse_args(argv)
    text = build()
    if args.check:
        same = MODEL.read_text(encoding="utf-8") == text
        print("model.json is up to date" if same else "model.json differs from a fresh fit")
        return 0 if same else 1
    MODEL.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {MODEL.relative_to(HERE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
