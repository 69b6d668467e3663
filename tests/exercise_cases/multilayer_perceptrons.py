"""Reference answers and typical wrong answers for dlmath.exercises.multilayer_perceptrons.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""

import numpy as np


def relu(z):
    return np.maximum(z, 0)


def xor_solution():
    """h1 = x1 + x2, h2 = relu(x1 + x2 - 1); s = h1 - 2 h2 - 0.5."""
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([1.0, -2.0])
    b2 = -0.5
    return W1, b1, W2, b2


W1, b1, W2, b2 = xor_solution()

CASES = {
    "check_forward": {
        "solution": lambda X, W1, b1, W2, b2: relu(X @ W1 + b1) @ W2 + b2,
        "wrong": [
            (lambda X, W1, b1, W2, b2: relu(X @ W1) @ W2 + b2, "bias b1 is missing"),
            (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1) @ W2, "bias b2 is missing"),
            (lambda X, W1, b1, W2, b2: (X @ W1 + b1) @ W2 + b2, "no non-linearity"),
            (lambda X, W1, b1, W2, b2: (relu(X @ W1) + b1) @ W2 + b2, "add the bias b1 first"),
            (lambda X, W1, b1, W2, b2: relu((X @ W1 + b1) @ W2 + b2), "not to the output"),
            (lambda X, W1, b1, W2, b2: relu(relu(X @ W1 + b1) @ W2 + b2), "Do not apply relu to the output"),
            (lambda X, W1, b1, W2, b2: relu(X @ W1.T + b1) @ W2.T + b2, "weights are transposed"),
            (lambda X, W1, b1, W2, b2: relu(X @ W1.T + b1) @ W2 + b2, "W1 is transposed"),
            (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1) @ W2.T + b2, "W2 is transposed"),
            (lambda X, W1, b1, W2, b2: np.tanh(X @ W1 + b1) @ W2 + b2, "used tanh"),
            (lambda X, W1, b1, W2, b2: 1 / (1 + np.exp(-(X @ W1 + b1))) @ W2 + b2, "sigmoid"),
            (lambda X, W1, b1, W2, b2: np.exp(relu(X @ W1 + b1) @ W2 + b2)
             / np.exp(relu(X @ W1 + b1) @ W2 + b2).sum(axis=1, keepdims=True), "before any softmax"),
            (lambda X, W1, b1, W2, b2: -(relu(X @ W1 + b1) @ W2 + b2), "Sign error"),
            (lambda X, W1, b1, W2, b2: (W2.T @ relu(W1.T @ X.T + b1[:, None]) + b2[:, None]),
             "transpose"),
            (lambda X, W1, b1, W2: X, "callable as forward(X, W1, b1, W2, b2)"),
        ],
    },
    "check_xor_weights": {
        "solution": xor_solution,
        "wrong": [
            ((W1, b1, -W2, 0.5), "XNOR"),
            ((W1, np.array([-5.0, -5.0]), W2, b2), "Both hidden units output 0"),
            ((W1, np.array([0.0, 0.0]), W2, b2), "same class at all four corners"),
            ((W1, np.array([0.0, 0.0]), np.array([1.0, 0.0]), -0.5), "same information"),
            ((W1, b1, np.array([1.0, -0.5]), -0.5), "Three corners out of four"),
            ((np.ones((3, 2)), b1, W2, b2), "W1 has shape (3, 2)"),
            ((W1, b1, W2), "as a tuple (W1, b1, W2, b2)"),
            ({"W1": W1, "b1": b1, "W2": W2}, "lacks the key(s) b2"),
            ((W1, b1, W2, ...), "b2 is still empty"),
            ((W1, b1, np.array([np.nan, 1.0]), b2), "NaN"),
            ((W1, "b1", W2, b2), "b1 is not an array of numbers"),
            (lambda: 1 / 0, "ZeroDivisionError"),
        ],
    },
}


# --- check_mlp_backward: written from the chapter's steps, not from the checker ---


def _softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def mlp_backward(X, Y, W1, b1, W2, b2):
    """Steps 1-4 of the chapter: dZ2 = (P - Y)/N, then down through W2, tanh and W1."""
    H = np.tanh(X @ W1 + b1)
    P = _softmax_rows(H @ W2 + b2)
    dZ2 = (P - Y) / len(X)
    dZ1 = (dZ2 @ W2.T) * (1 - H * H)
    return X.T @ dZ1, dZ1.sum(axis=0), H.T @ dZ2, dZ2.sum(axis=0)


def mlp_backward_keepdims(X, Y, W1, b1, W2, b2):
    """Also right: bias gradients of shape (1, h) and (1, k), as sum(keepdims=True) gives."""
    dW1, db1, dW2, db2 = mlp_backward(X, Y, W1, b1, W2, b2)
    return dW1, db1[None, :], dW2, db2[None, :]


def mlp_backward_lists(X, Y, W1, b1, W2, b2):
    """Also right: a list instead of a tuple, with an explicit per-example loop for the biases."""
    H = np.tanh(X @ W1 + b1)
    P = _softmax_rows(H @ W2 + b2)
    dZ2 = (P - Y) / X.shape[0]
    dZ1 = (dZ2 @ W2.T) * (1 - np.tanh(X @ W1 + b1) ** 2)
    db1 = sum(row for row in dZ1)
    db2 = sum(row for row in dZ2)
    return [X.T @ dZ1, db1, H.T @ dZ2, db2]


def _variant(change):
    """The reference with one slip made; `change` gets and returns the intermediate values."""
    def backward(X, Y, W1, b1, W2, b2):
        v = {"X": X, "Y": Y, "W2": W2, "N": len(X)}
        v["Z1"] = X @ W1 + b1
        v["H"] = np.tanh(v["Z1"])
        v["P"] = _softmax_rows(v["H"] @ W2 + b2)
        v["slope"] = 1 - v["H"] ** 2
        v = change(v) or v
        dZ2 = (v["P"] - Y) / v["N"]
        dZ1 = (dZ2 @ v["W2"].T) * v["slope"]
        out = [X.T @ dZ1, dZ1.sum(axis=0), v["H"].T @ dZ2, dZ2.sum(axis=0)]
        return tuple(out)
    return backward


def _no_mean(X, Y, W1, b1, W2, b2):
    return tuple(g * len(X) for g in mlp_backward(X, Y, W1, b1, W2, b2))


def _phi_not_slope(X, Y, W1, b1, W2, b2):
    H = np.tanh(X @ W1 + b1)
    dZ2 = (_softmax_rows(H @ W2 + b2) - Y) / len(X)
    dZ1 = (dZ2 @ W2.T) * H
    return X.T @ dZ1, dZ1.sum(axis=0), H.T @ dZ2, dZ2.sum(axis=0)


def _bias_not_summed(X, Y, W1, b1, W2, b2):
    H = np.tanh(X @ W1 + b1)
    dZ2 = (_softmax_rows(H @ W2 + b2) - Y) / len(X)
    dZ1 = (dZ2 @ W2.T) * (1 - H**2)
    return X.T @ dZ1, dZ1, H.T @ dZ2, dZ2


def _bias_averaged(X, Y, W1, b1, W2, b2):
    dW1, db1, dW2, db2 = mlp_backward(X, Y, W1, b1, W2, b2)
    return dW1, db1 / len(X), dW2, db2 / len(X)


def _weights_transposed(X, Y, W1, b1, W2, b2):
    dW1, db1, dW2, db2 = mlp_backward(X, Y, W1, b1, W2, b2)
    return dW1.T, db1, dW2.T, db2


def _no_transpose_dW(X, Y, W1, b1, W2, b2):
    H = np.tanh(X @ W1 + b1)
    dZ2 = (_softmax_rows(H @ W2 + b2) - Y) / len(X)
    dZ1 = (dZ2 @ W2.T) * (1 - H**2)
    return X @ dZ1, dZ1.sum(axis=0), H @ dZ2, dZ2.sum(axis=0)


def _no_transpose_W2(X, Y, W1, b1, W2, b2):
    H = np.tanh(X @ W1 + b1)
    dZ2 = (_softmax_rows(H @ W2 + b2) - Y) / len(X)
    dZ1 = (dZ2 @ W2) * (1 - H**2)
    return X.T @ dZ1, dZ1.sum(axis=0), H.T @ dZ2, dZ2.sum(axis=0)


def _swapped_layers(X, Y, W1, b1, W2, b2):
    dW1, db1, dW2, db2 = mlp_backward(X, Y, W1, b1, W2, b2)
    return dW2, db2, dW1, db1


def _weights_then_biases(X, Y, W1, b1, W2, b2):
    dW1, db1, dW2, db2 = mlp_backward(X, Y, W1, b1, W2, b2)
    return dW1, dW2, db1, db2


def _y_minus_p(X, Y, W1, b1, W2, b2):
    return tuple(-g for g in mlp_backward(X, Y, W1, b1, W2, b2))


def _three_parts(X, Y, W1, b1, W2, b2):
    return mlp_backward(X, Y, W1, b1, W2, b2)[:3]


def _half_done(X, Y, W1, b1, W2, b2):
    dW1, db1, dW2, db2 = mlp_backward(X, Y, W1, b1, W2, b2)
    return None, None, dW2, db2


CASES["check_mlp_backward"] = {
    "solution": mlp_backward,
    "also_correct": [mlp_backward_keepdims, mlp_backward_lists],
    "wrong": [
        (_no_mean, "1/N is missing"),
        (_phi_not_slope, "not by the activation H = tanh(Z1) itself"),
        (_variant(lambda v: v.update(slope=1.0)), "tanh is missing from the backward pass"),
        (_variant(lambda v: v.update(slope=v["H"] * (1 - v["H"]))), "sigmoid's derivative"),
        (_variant(lambda v: v.update(slope=1 - v["Z1"] ** 2)), "not the pre-activation Z1"),
        (_variant(lambda v: v.update(N=v["N"] ** 2)), "divided by N twice"),
        (_bias_not_summed, "sum of dZ over the batch"),
        (_bias_averaged, "do not average it"),
        (_weights_transposed, "weight gradients are transposed"),
        (_no_transpose_dW, "needs a transpose"),
        (_no_transpose_W2, "W2 has shape (h, k)"),
        (_swapped_layers, "wrong order"),
        (_weights_then_biases, "wrong order"),
        (_y_minus_p, "prediction minus label"),
        (_three_parts, "returned 3 values"),
        (_half_done, "Partly done"),
        (lambda X, Y, W1, b1: X, "raised"),
    ],
}
