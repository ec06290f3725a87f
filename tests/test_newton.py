"""The fit's own L2 logistic regression (``_scorecard/newton.py``) against scikit-learn's
on the same objective, and its warm starts."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from credit_closure._scorecard.newton import fit_logistic, with_intercept


def _problem(seed: int, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k)).round(1)
    if k > 1:
        X[:, 1] = X[:, 0] + 0.01 * X[:, 1]  # nearly collinear columns
    lo = X @ rng.normal(size=k) - 1.0
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-lo))).astype(np.int64)
    y[:2] = (0, 1)  # both classes
    return X, y


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(20, 400),
    k=st.integers(1, 8),
    C=st.sampled_from([0.01, 0.3, 1.0, 100.0]),
)
def test_same_optimum_as_scikit_learn(seed: int, n: int, k: int, C: float) -> None:
    X, y = _problem(seed, n, k)
    ours = fit_logistic(with_intercept(X), y, C)
    sk = LogisticRegression(C=C, solver="newton-cholesky", max_iter=1000, tol=1e-12).fit(X, y)
    assert np.allclose(ours.coef, sk.coef_[0], atol=1e-6, rtol=1e-6)
    assert abs(ours.intercept - float(sk.intercept_[0])) <= 1e-6 * max(1.0, abs(ours.intercept))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(2, 8), drop=st.integers(0, 7))
def test_warm_refit_without_a_column_equals_a_cold_fit(seed: int, k: int, drop: int) -> None:
    drop %= k
    X, y = _problem(seed, 300, k)
    Xa = with_intercept(X)
    full = fit_logistic(Xa, y, 0.3)
    start = np.delete(np.append(full.coef, full.intercept), drop)
    Xd = np.delete(Xa, drop, axis=1)
    warm = fit_logistic(Xd, y, 0.3, start)
    cold = fit_logistic(Xd, y, 0.3)
    assert np.allclose(warm.coef, cold.coef, atol=1e-8)
    assert abs(warm.intercept - cold.intercept) <= 1e-8


def test_deterministic_and_separable_data_stay_finite() -> None:
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    a = fit_logistic(with_intercept(X), y, 1.0)
    b = fit_logistic(with_intercept(X), y, 1.0)
    assert a.coef.tobytes() == b.coef.tobytes() and a.intercept == b.intercept
    assert np.isfinite(a.coef).all() and a.coef[0] > 0
