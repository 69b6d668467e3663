"""Reference answers and typical wrong answers for dlmath.exercises.gradient_descent.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""

import numpy as np


def _step_in_place(w, grad, learning_rate):
    w -= learning_rate * grad  # forbidden by the exercise: changes the caller's array
    return w


def _step_printed(w, grad, learning_rate):
    print(w - learning_rate * grad)

def _adam(w, g, m, s, t, lr, b1, b2, eps, correct=True, inside=False):
    """Adam, written out independently of the checker; the flags make its usual slips."""
    m = b1 * m + (1 - b1) * g
    s = b2 * s + (1 - b2) * g**2
    m_hat, s_hat = (m / (1 - b1**t), s / (1 - b2**t)) if correct else (m, s)
    denominator = np.sqrt(s_hat + eps) if inside else np.sqrt(s_hat) + eps
    return w - lr * m_hat / denominator, m, s


def _adam_uphill(w, g, m, s, t, lr, b1, b2, eps):
    """Adam's step added to w instead of subtracted."""
    new_w, m, s = _adam(w, g, m, s, t, lr, b1, b2, eps)
    return w + (w - new_w), m, s


def _nesterov(w, v, gradient, lr, mu, lookahead=None):
    """Nesterov momentum written out; ``lookahead`` replaces lr * mu, the size of the look-ahead."""
    shift = lr * mu if lookahead is None else lookahead
    v_new = mu * v + gradient(w - shift * v)
    return w - lr * v_new, v_new


CASES = {
    "check_gradient_step": {
        "solution": lambda w, grad, learning_rate: w - learning_rate * grad,
        "wrong": [
            (lambda w, grad, lr: w + lr * grad, "uphill"),
            (lambda w, grad, lr: w - grad, "learning rate is missing"),
            (lambda w, grad, lr: -lr * grad, "not the new weights"),
            (lambda w, grad, lr: w - lr * grad.T, "no transpose"),
            (lambda w, grad: w, "callable as step(w, grad, learning_rate)"),
            (lambda w, grad, lr: list(w - lr * grad + 1), "constant"),
            (_step_in_place, "changed its argument `w` in place"),
            (_step_printed, "printed its result but returned None"),
        ],
    },
    "check_mse_gradient": {
        "solution": lambda X, y, w, b: X.T @ (X @ w + b - y) / len(y),
        "wrong": [
            (lambda X, y, w, b: X.T @ (X @ w + b - y), "summed where the mean"),
            (lambda X, y, w, b: X.T @ (y - X @ w - b) / len(y), "Sign error"),
            (lambda X, y, w, b: X.T @ (X @ w - y) / len(y), "bias is missing"),
            (lambda X, y, w, b: X.T @ (X @ w + b - y) * 2 / len(y), "factor of 2"),
            (lambda X, y, w, b: X @ (X @ w + b - y) / len(y), "transpose"),
            (lambda X, y, w, b: (X.T @ (X @ w + b - y) / len(y))[:, None], "wrong shape"),
            (lambda X, y, w, b: X.T @ (X @ w[:, None] + b - y) / len(y), "broadcasting"),
            (lambda X, y, w, b: np.sum(X * (X @ w + b - y)[:, None], axis=1) / len(y), "axis"),
        ],
    },
    "check_largest_stable_learning_rate": {
        "solution": 0.5,
        "wrong": [
            (0.25, "converges fastest"),
            (1.0, "flattest direction"),
            (2 / 3, "eigenvalues"),
            (-0.5, "not the expected value"),
            (0.4, "not the expected value (to 3 significant digits)"),
            (0.496, "Close, but not within the tolerance"),
        ],
    },
    "check_momentum_step": {
        "solution": lambda w, v, grad, lr, mu: (w - lr * (mu * v + grad), mu * v + grad),
        "wrong": [
            (lambda w, v, g, lr, mu: (w - lr * v, mu * v + g), "old velocity"),
            (lambda w, v, g, lr, mu: (w + mu * v - lr * g, mu * v - lr * g), "other common convention"),
            (lambda w, v, g, lr, mu: (w - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g),
             "moving average"),
            (lambda w, v, g, lr, mu: (w - lr * (v + g), v + g), "must decay"),
            (lambda w, v, g, lr, mu: (w - lr * g, mu * v + g), "plain gradient step"),
            (lambda w, v, g, lr, mu: (mu * v + g, w - lr * (mu * v + g)), "wrong order"),
            (lambda w, v, g, lr, mu: (w + lr * (mu * v + g), mu * v + g), "uphill"),
            (lambda w, v, g, lr, mu: w - lr * (mu * v + g), "as a tuple (w, v)"),
            (lambda w, v, g, lr: (w, v), "callable as momentum_step"),
            (lambda w, v, g, lr, mu: (w - lr * (mu * v + g), None), "Partly done"),
            (lambda w, v, g, lr, mu: {"w": w, "v": v}, "pair (w, v)"),
        ],
    },
    "check_adam_step": {
        "solution": _adam,
        "wrong": [
            (lambda w, g, m, s, t, lr, b1, b2, eps: _adam(w, g, m, s, t, lr, b1, b2, eps, correct=False),
             "bias correction is missing"),
            (lambda w, g, m, s, t, lr, b1, b2, eps: _adam(w, g, m, s, t + 1, lr, b1, b2, eps), "t + 1"),
            (lambda w, g, m, s, t, lr, b1, b2, eps: _adam(w, g, m, s, t, lr, b1, b2, eps, inside=True),
             "outside the square root"),
            (lambda w, g, m, s, t, lr, b1, b2, eps: _adam(w, g, m, s, t, lr, b1, b1, eps), "uses beta2"),
            (lambda w, g, m, s, t, lr, b1, b2, eps: _adam(w, g, m, s, t, lr, b1, b2, eps)[0],
             "triple (w, m, s)"),
            (lambda w, g, m, s, t, lr, b1, b2, eps: _adam_uphill(w, g, m, s, t, lr, b1, b2, eps), "uphill"),
        ],
    },
    "check_nesterov_step": {
        "solution": _nesterov,
        "wrong": [
            (lambda w, v, gradient, lr, mu: _nesterov(w, v, gradient, lr, mu, lookahead=0.0), "plain momentum"),
            (lambda w, v, gradient, lr, mu: _nesterov(w, v, gradient, lr, mu, lookahead=-lr * mu), "not w +"),
            (lambda w, v, gradient, lr, mu: _nesterov(w, v, gradient, lr, mu, lookahead=mu),
             "learning rate is missing"),
            (lambda w, v, gradient, lr, mu: _nesterov(w, v, gradient, lr, mu)[::-1], "wrong order"),
            (lambda w, v, gradient, lr, mu: _nesterov(w, v, gradient, lr, mu)[0], "as a tuple (w, v)"),
        ],
    },
}
