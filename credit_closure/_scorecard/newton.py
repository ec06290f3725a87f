"""The L2 logistic regression of the fit (step 4 of :mod:`credit_closure._scorecard.fitting`),
solved by Newton's method with a Cholesky solve and a backtracking line search.

It minimises the objective scikit-learn's ``LogisticRegression(C=C)`` minimises (the
intercept is not penalised)::

    sum_i log(1 + exp(-s_i * (x_i . w + b))) + ||w||^2 / (2 C)

with ``s_i = +1`` for a bad row and ``-1`` for a good one. It is here rather than
scikit-learn's own ``newton-cholesky`` solver because the fit refits the regression after
dropping an input, and for ``C="auto"`` for several penalties on the same rows: each refit
starts from the previous solution (a warm start with one column fewer, or the next
penalty), which takes three or four Newton steps instead of six or seven, and the matrix
with the intercept column is built once per set of inputs.

Stopping rule: the Newton decrement ``g . H^-1 g`` of the step falls to ``1e-20 * n`` or
below (the objective is within about that of its minimum; coefficients then agree with a
longer run to about 1e-10), or a full step had a decrement of at most ``1e-12 * n`` (the
next would be far below the tolerance: quadratic convergence), or the step changes no
coefficient by more than ``1e-12``. The
line search halves a step until the objective falls enough, except near the minimum, where
the decrease is below the objective's rounding error and the full Newton step is taken.
The result is deterministic: the same rows in the same order give the same bits.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

#: Newton steps at most; a penalised logistic regression converges in a handful.
MAX_ITER = 100
#: Stop when the Newton decrement per row falls to this or below.
DECREMENT_TOL = 1e-20
#: Stop when no coefficient moves by more than this.
STEP_TOL = 1e-12
#: A Newton decrement this small relative to the objective is within its rounding error.
ROUNDING = 1e-10
#: A full step whose decrement is at most this many times the tolerance ends the fit:
#: Newton's method converges quadratically there, so the next decrement would be far below
#: the tolerance, and checking it would cost a Hessian.
FINAL_STEP = 1e8
#: The tolerance of fits that are only ranked (the cross-validation of ``C="auto"``):
#: coefficients to about 1e-7 (looser, and near-ties between binned scores reorder).
CV_TOL = 1e-16


class Fit(NamedTuple):
    """Coefficients (one per column), the intercept and the Newton steps taken."""

    coef: np.ndarray
    intercept: float
    steps: int


def _objective(z: np.ndarray, y: np.ndarray, theta: np.ndarray, pen: np.ndarray) -> float:
    """The penalised log-loss at the linear predictor ``z``."""
    # log(1 + exp(z)) - y z, summed, computed without overflow by logaddexp
    loss = float(np.sum(np.logaddexp(0.0, z)) - float(y @ z))
    return loss + 0.5 * float(pen @ (theta * theta))


def with_intercept(X: np.ndarray) -> np.ndarray:
    """``X`` with a column of ones appended (the intercept's), as float64."""
    n, k = X.shape
    out = np.empty((n, k + 1), dtype=np.float64)
    out[:, :k] = X
    out[:, k] = 1.0
    return out


def _hessian(Xa: np.ndarray, p: np.ndarray, pen: np.ndarray) -> np.ndarray:
    """``Xa.T diag(p (1 - p)) Xa`` plus the penalty on the diagonal."""
    H: np.ndarray = (Xa * (p * (1.0 - p))[:, None]).T @ Xa
    H[np.diag_indices_from(H)] += pen
    return H


def _solve(H: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``H^-1 g`` by a Cholesky factorisation (least squares if ``H`` is not positive
    definite, which an L2 penalty rules out)."""
    try:
        L = np.linalg.cholesky(H)
        out: np.ndarray = np.linalg.solve(L.T, np.linalg.solve(L, g))
    except np.linalg.LinAlgError:  # pragma: no cover - H is positive definite with C > 0
        out = np.linalg.lstsq(H, g, rcond=None)[0]
    return out


def fit_logistic(
    Xa: np.ndarray,
    y: np.ndarray,
    C: float,
    start: np.ndarray | None = None,
    tol: float = DECREMENT_TOL,
) -> Fit:
    """The penalised logistic regression of ``y`` (0/1) on ``Xa`` (the inputs, then the
    intercept column of :func:`with_intercept`), from ``start`` (coefficients then
    intercept; ``None``: zeros and the training log-odds), to a Newton decrement of
    ``tol * n`` (:data:`CV_TOL` for a fit that is only ranked, as in the choice of ``C``)."""
    n, k1 = Xa.shape
    yf = y.astype(np.float64)
    pen = np.full(k1, 1.0 / float(C))
    pen[-1] = 0.0
    if start is None:
        theta = np.zeros(k1)
        n_bad = float(yf.sum())
        theta[-1] = math.log(n_bad / (n - n_bad))
    else:
        theta = np.array(start, dtype=np.float64)
    z = Xa @ theta
    f = _objective(z, yf, theta, pen)
    steps = 0
    while steps < MAX_ITER:
        steps += 1
        p = 0.5 * (1.0 + np.tanh(0.5 * z))  # the logistic function, without overflow
        g = Xa.T @ (p - yf) + pen * theta
        step = _solve(_hessian(Xa, p, pen), g)
        decrement = float(g @ step)
        if decrement <= tol * n:
            break
        # Near the minimum the decrease is below the objective's rounding error, where a
        # sufficient-decrease test cannot tell: the full step is taken (Newton's step is
        # sound there: the objective is strictly convex and smooth).
        near = decrement <= ROUNDING * max(1.0, abs(f))
        t = 1.0
        dz = Xa @ step
        while True:
            theta_new = theta - t * step
            z_new = z - t * dz
            f_new = _objective(z_new, yf, theta_new, pen)
            if near or f_new <= f - 1e-4 * t * decrement or t < 1e-10:
                break
            t *= 0.5
        moved = float(np.max(np.abs(theta_new - theta)))
        theta, z, f = theta_new, z_new, f_new
        if moved <= STEP_TOL or (t == 1.0 and decrement <= FINAL_STEP * tol * n):
            break  # converged; or a full step so small that the next is below ``tol``
    return Fit(theta[:-1].copy(), float(theta[-1]), steps)
