"""Reference answers and typical wrong answers for dlmath.exercises.calculus.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def stable_softmax(z):
    shifted = np.exp(z - z.max())
    return shifted / np.sum(shifted)


def naive_softmax(z):
    return np.exp(z) / np.sum(np.exp(z))


CASES = {
    "check_central_difference": {
        "solution": lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h),
        "wrong": [
            (lambda f, x, h: (f(x + h) - f(x - h)) / h, "divide by 2 * h"),
            (lambda f, x, h: (f(x + h) - f(x)) / h, "forward difference"),
            (lambda f, x, h: (f(x) - f(x - h)) / h, "backward difference"),
            (lambda f, x, h: f(x + h) - f(x - h), "rise but not the slope"),
            (lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h), "Sign error"),
            (lambda f, x, h: f(x + h) - f(x - h) / (2 * h), "only f(x - h) was divided"),
            (lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h, "'/ 2 * h'"),
            (lambda f, x: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5, "central_difference(f, x, h)"),
            (lambda f, x, h: float((f(x + h) - f(x - h)) / (2 * h)), "TypeError"),
        ],
    },
    "check_gradient": {
        "solution": lambda w: np.array([2 * w[0] * w[1], w[0] ** 2 + 3]),
        "wrong": [
            (lambda w: np.array([2 * w[0], w[0] ** 2 + 3]), "stays as a factor"),
            (lambda w: np.array([2 * w[0] * w[1], w[0] ** 2]), "derivative of 3 * w2"),
            (lambda w: np.array([2 * w[0] * w[1], w[0] ** 2 + 3 * w[1]]), "constant 3"),
            (lambda w: np.array([w[0] ** 2 + 3, 2 * w[0] * w[1]]), "swapped"),
            (lambda w: np.array([2 * w[0] * w[1] + 3, w[0] ** 2]), "belongs to the second entry"),
            (lambda w: np.array([2 * w[1], 2 * w[0]]), "one variable at a time"),
            (lambda w: 2 * w[0] * w[1] + w[0] ** 2 + 3, "single number"),
            (lambda w: -np.array([2 * w[0] * w[1], w[0] ** 2 + 3]), "Sign error"),
        ],
    },
    "check_chain_rule": {
        "solution": lambda x, w, b: sigmoid(w * x + b) * (1 - sigmoid(w * x + b)) * x,
        "wrong": [
            (lambda x, w, b: sigmoid(w * x + b) * (1 - sigmoid(w * x + b)), "inner derivative"),
            (lambda x, w, b: sigmoid(w * x + b) * (1 - sigmoid(w * x + b)) * w, "dy/dx"),
            (lambda x, w, b: sigmoid(w) * (1 - sigmoid(w)) * x, "inner value"),
            (lambda x, w, b: sigmoid(w * x + b) * x, "(1 - sigmoid(z)) is missing"),
            (lambda x, w, b: (1 - sigmoid(w * x + b)) * x, "factor sigmoid(z) is missing"),
            (lambda x, w, b: sigmoid(w * x + b) * (1 - sigmoid(w * x + b)) * x + 1, "bias b"),
            (lambda x, w: x, "dy_dw(x, w, b)"),
        ],
    },
    "check_quadratic_gradient": {
        # f(w) = 1/2 w^T A w = 1/2 sum_ij A_ij w_i w_j, differentiated entry by entry
        "solution": lambda A, w: np.array([0.5 * (A[k, :] @ w + A[:, k] @ w) for k in range(len(w))]),
        "wrong": [
            (lambda A, w: A @ w, "transpose is missing"),
            (lambda A, w: w @ A, "only half of the story"),
            (lambda A, w: (A + A.T) @ w, "Factor 2"),
            (lambda A, w: 2 * A @ w, "Factor 2"),
            (lambda A, w: A @ w / 2, "cancelled by differentiating the square"),
            (lambda A, w: -(A @ w + A.T @ w) / 2, "Sign error"),
            (lambda A, w: (A + A.T) / 2, "Hessian"),
            (lambda A: A, "grad_quadratic(A, w)"),
        ],
    },
    "check_softmax_ce_gradient": {
        "solution": lambda z, y: stable_softmax(z) - y,
        "wrong": [
            (lambda z, y: y - stable_softmax(z), "Sign error"),
            (lambda z, y: stable_softmax(z), "also depends on the label"),
            (lambda z, y: -y / stable_softmax(z), "with respect to the probabilities"),
            (lambda z, y: stable_softmax(z) * (1 - stable_softmax(z)) - y, "only the diagonal"),
            (lambda z, y: stable_softmax(z) - np.ones_like(z), "not 1 in every entry"),
            (lambda z, y: naive_softmax(z) - y, "overflows"),
            (lambda z: stable_softmax(z), "dce_dz(z, y)"),
        ],
    },
    "check_weight_gradient": {
        # dL/dW[i, j] = sum over examples n of X[n, i] * G[n, j]
        "solution": lambda X, G: np.einsum("ni,nj->ij", X, G),
        "wrong": [
            (lambda X, G: G.T @ X, "transpose of the answer"),
            (lambda X, G: X.T @ G / len(X), "No division by N"),
            (lambda X, G: -(X.T @ G), "Sign error"),
            (lambda X, G: np.outer(X.sum(axis=0), G.sum(axis=0)), "separately"),
        ],
    },
}
