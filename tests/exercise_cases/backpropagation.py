"""Reference answers and typical wrong answers for dlmath.exercises.backpropagation.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""

import numpy as np

import dlmath as dm


def compute_gradients(loss, values):
    """Reverse-mode accumulation over the reversed topological order."""
    grads = {loss: np.ones_like(values[loss])}
    for node in reversed(dm.topological_order([loss])):
        if not isinstance(node, dm.Operation) or node not in grads:
            continue
        inputs = tuple(values[i] for i in node.inputs)
        input_grads = node.backward(grads[node], inputs, values[node])
        if not isinstance(input_grads, tuple):
            input_grads = (input_grads,)
        for child, g in zip(node.inputs, input_grads):
            if g is None:
                continue
            g = dm.unbroadcast(g, np.shape(values[child]))
            grads[child] = grads[child] + g if child in grads else g
    return grads


def _backward(loss, values, *, accumulate=True, unbroadcast=True, order=reversed, seed=True,
              leaves=True, skip_none=True):
    grads = {loss: np.ones_like(values[loss])} if seed else {}
    for node in order(dm.topological_order([loss])):
        if not isinstance(node, dm.Operation):
            continue
        if node not in grads and not seed:
            continue
        inputs = tuple(values[i] for i in node.inputs)
        input_grads = node.backward(grads[node], inputs, values[node])
        if not isinstance(input_grads, tuple):
            input_grads = (input_grads,)
        for child, g in zip(node.inputs, input_grads):
            if g is None and skip_none:
                continue
            if not leaves and not isinstance(child, dm.Operation):
                continue
            if unbroadcast:
                g = dm.unbroadcast(g, np.shape(values[child]))
            grads[child] = grads[child] + g if accumulate and child in grads else g
    return grads


def overwrites(loss, values):
    return _backward(loss, values, accumulate=False)


def no_unbroadcast(loss, values):
    return _backward(loss, values, unbroadcast=False)


def forward_order(loss, values):
    return _backward(loss, values, order=list)


def no_leaves(loss, values):
    return _backward(loss, values, leaves=False)


def drops_loss(loss, values):
    grads = compute_gradients(loss, values)
    del grads[loss]
    return grads


def negated(loss, values):
    return {node: -g for node, g in compute_gradients(loss, values).items()}


def calls_leaves(loss, values):
    grads = {loss: np.ones_like(values[loss])}
    for node in reversed(dm.topological_order([loss])):
        inputs = tuple(values[i] for i in node.inputs)
        input_grads = node.backward(grads[node], inputs, values[node])  # leaves have none
        input_grads = input_grads if isinstance(input_grads, tuple) else (input_grads,)
        for child, g in zip(node.inputs, input_grads):
            if g is not None:
                g = dm.unbroadcast(g, np.shape(values[child]))
                grads[child] = grads[child] + g if child in grads else g
    return grads


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(Z, axis=-1):
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


def naive_softmax_gradient(Z, Y):
    E = np.exp(Z)
    return (E / E.sum(axis=1, keepdims=True) - Y) / len(Z)


CASES = {
    "check_compute_gradients": {
        "solution": compute_gradients,
        "wrong": [
            (overwrites, "do not overwrite"),
            (no_unbroadcast, "summed back"),
            (forward_order, "reversed topological order"),
            (no_leaves, "Leaves get gradients too"),
            (drops_loss, "dL/dL = 1"),
            (negated, "Sign error"),
            (calls_leaves, "Only operations have a backward rule"),
            (lambda loss, values: list(compute_gradients(loss, values).values()), "not a dict"),
            (lambda loss: {}, "compute_gradients(loss, values)"),
        ],
    },
    "check_matmul_backward": {
        "solution": lambda X, W, G: (G @ W.T, X.T @ G),
        "wrong": [
            (lambda X, W, G: (G @ W, X.T @ G), "W must be transposed"),
            (lambda X, W, G: (G @ W.T, X @ G), "X must be transposed"),
            (lambda X, W, G: (G @ W.T, G.T @ X), "transpose of dL/dW"),
            (lambda X, W, G: (X.T @ G, G @ W.T), "in this order"),
            (lambda X, W, G: (G @ W.T / len(X), X.T @ G / len(X)), "No 1/N here"),
            (lambda X, W, G: (G @ W.T, W.T @ X.T), "upstream gradient G"),
            (lambda X, W, G: X.T @ G, "return two arrays"),
            (lambda X, W, G: (-G @ W.T, X.T @ G), "Sign error"),
        ],
    },
    "check_sigmoid_backward": {
        "solution": lambda x, grad: grad * sigmoid(x) * (1 - sigmoid(x)),
        "wrong": [
            (lambda x, grad: sigmoid(x) * (1 - sigmoid(x)), "upstream gradient is missing"),
            (lambda x, grad: grad * x * (1 - x), "You used x where sigmoid(x) belongs"),
            (lambda x, grad: grad * sigmoid(x), "(1 - s) is missing"),
            (lambda x, grad: grad * (1 - sigmoid(x)), "factor s is missing"),
            (lambda x, grad: grad * sigmoid(x) * (sigmoid(x) - 1), "Sign error"),
            (lambda x, grad: grad * np.exp(-x) / (1 + np.exp(-x)), "squared in the denominator"),
            (lambda x, grad: grad * sigmoid(x) ** 2, "the local derivative is s * (1 - s)"),
            (lambda x: sigmoid(x), "sigmoid_backward(x, grad)"),
        ],
    },
    "check_softmax_cross_entropy_gradient": {
        "solution": lambda Z, Y: (softmax(Z) - Y) / len(Z),
        "wrong": [
            (lambda Z, Y: softmax(Z) - Y, "1/N is missing"),
            (lambda Z, Y: (Y - softmax(Z)) / len(Z), "Sign error"),
            (lambda Z, Y: softmax(Z) / len(Z), "labels are missing"),
            (lambda Z, Y: (softmax(Z, axis=0) - Y) / len(Z), "not over the examples"),
            (lambda Z, Y: (softmax(Z) - Y) / Z.size, "not by the number of entries"),
            (lambda Z, Y: -Y / np.where(Y > 0, softmax(Z), 1.0) / len(Z), "gradient with respect to the probabilities"),
            (naive_softmax_gradient, "overflows"),
            (lambda Z, Y: (np.exp(Z) - Y) / len(Z), "row by row"),
        ],
    },
}


def _printed_matmul(X, W, G):
    print(G @ W.T, X.T @ G)


# issue 14: answers whose feedback used to leak internals or call them "not attempted"
CASES["check_matmul_backward"]["wrong"] += [
    (lambda X, W, G: {"dX": G @ W.T, "dW": X.T @ G}, "should return two arrays, (dX, dW)"),
    (lambda X, W, G: (G @ W.T, None), "Partly done"),
    (_printed_matmul, "printed its result"),
]
CASES["check_compute_gradients"]["wrong"] += [
    (lambda loss, values: {node.name: g for node, g in compute_gradients(loss, values).items()},
     "keys of your dict are node names"),
]
