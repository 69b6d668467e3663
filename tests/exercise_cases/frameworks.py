"""Reference answers and typical wrong answers for dlmath.exercises.frameworks.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""


def backward(tape, loss):
    grads = {loss: 1.0}
    for output, inputs, vjp in reversed(tape):
        if output not in grads:
            continue
        for name, g in zip(inputs, vjp(grads[output])):
            grads[name] = grads.get(name, 0) + g
    return grads


def overwrite(tape, loss):
    grads = {loss: 1.0}
    for output, inputs, vjp in reversed(tape):
        if output in grads:
            for name, g in zip(inputs, vjp(grads[output])):
                grads[name] = g
    return grads


def forward_order(tape, loss):
    grads = {loss: 1.0}
    for output, inputs, vjp in tape:
        if output in grads:
            for name, g in zip(inputs, vjp(grads[output])):
                grads[name] = grads.get(name, 0) + g
    return grads


def forward_order_strict(tape, loss):
    grads = {loss: 1.0}
    for output, inputs, vjp in tape:
        for name, g in zip(inputs, vjp(grads[output])):
            grads[name] = grads.get(name, 0) + g
    return grads


def no_seed(tape, loss):
    grads = {}
    for output, inputs, vjp in reversed(tape):
        for name, g in zip(inputs, vjp(grads.get(output, 0.0))):
            grads[name] = grads.get(name, 0) + g
    return grads


def leaves_only(tape, loss):
    grads = backward(tape, loss)
    outputs = {record[0] for record in tape}
    return {k: v for k, v in grads.items() if k not in outputs}


# placeholder, Variable, Session.run, gradients, GradientDescentOptimizer, softmax_cross_entropy
SOLUTION_MAPPING = [3, 5, 6, 1, 4, 2]


def changed(index, value):
    answer = list(SOLUTION_MAPPING)
    answer[index] = value
    return answer


CASES = {
    "check_tape_backward": {
        "solution": backward,
        "wrong": [
            (overwrite, "add up their contributions"),
            (forward_order, "Read the tape backwards"),
            (forward_order_strict, "read the tape backwards"),
            (no_seed, "Start from d loss / d loss = 1"),
            (leaves_only, "Every name on the tape"),
            (lambda tape, loss: [1.0], "not a dict"),
            (lambda tape: {}, "callable as backward(tape, loss)"),
        ],
    },
    "check_name_mapping": {
        "solution": SOLUTION_MAPPING,
        "wrong": [
            (changed(0, 5), "not trained"),
            (changed(1, 3), "Parameter"),
            (changed(3, 4), "does not compute them"),
            (changed(4, 1), "step()"),
            (changed(2, 9), "numbers 1 to 6"),
            (SOLUTION_MAPPING[:5], "one per dlmath name"),
            (changed(5, 6), "combines the softmax"),
        ],
    },
}


def backward_seeded_with_an_array(tape, loss):
    """Right, with the seed np.ones(1) instead of 1.0: scalar gradients come out with shape (1,)."""
    import numpy as np
    grads = {loss: np.ones(1)}
    for output, inputs, vjp in reversed(tape):
        if output in grads:
            for name, g in zip(inputs, vjp(grads[output])):
                grads[name] = grads.get(name, 0) + g
    return grads


CASES["check_tape_backward"]["also_correct"] = [backward_seeded_with_an_array]
CASES["check_name_mapping"]["wrong"] += [(changed(0, "3"), "without quotes")]


# --- per-example gradients, written out independently of the checker ----------------


def per_example(X, y, w, b):
    """Row i: d/dw of (x_i . w + b - y_i)^2 / 2, one example at a time."""
    import numpy as np
    rows = []
    for x_i, y_i in zip(X, y):
        residual = x_i @ w + b - y_i
        rows.append(residual * x_i)
    return np.array(rows).reshape(X.shape)


def per_example_einsum(X, y, w, b):
    """Right, batched: the residuals scale the rows."""
    import numpy as np
    return np.einsum("n,nd->nd", X @ w + b - y, X)


def per_example_in_place(X, y, w, b):
    X *= (X @ w + b - y)[:, None]      # changes the caller's X
    return X


CASES["check_per_example_gradients"] = {
    "solution": per_example,
    "also_correct": [per_example_einsum],
    "wrong": [
        (lambda X, y, w, b: X.T @ (X @ w + b - y) / len(y), "mean loss over the whole batch"),
        (lambda X, y, w, b: X.T @ (X @ w + b - y), "summed"),
        (lambda X, y, w, b: per_example(X, y, w, b) / len(y), "no 1/N"),
        (lambda X, y, w, b: -per_example(X, y, w, b), "prediction minus the target"),
        (lambda X, y, w, b: per_example(X, y, w, 0.0), "bias b"),
        (lambda X, y, w, b: 2 * per_example(X, y, w, b), "factor 1/2"),
        (lambda X, y, w, b: per_example(X, y, w, b).T, "shape (N, d)"),
        (lambda X, y, w, b: (X @ w + b - y) * X, "r[:, None] * X"),
        (lambda X, y, w, b: (X @ w + b - y)[:, None] * w, "times the input"),
        (per_example_in_place, "in place"),
        (lambda X, y, w: X, "callable as per_example_gradients(X, y, w, b)"),
    ],
}


# --- checkpointing 36 layers: by brute force over the segment lengths --------------------
# k = 6: 36/6 = 6 segments, the first starting at X (not held): 5 checkpoints + 6 recomputed.
CASES["check_checkpoint_peak"] = {
    "solution": 11,
    "also_correct": [11.0, [11]],
    "wrong": [
        (12, "D/k - 1 checkpoints"),
        (36, "without checkpointing"),
        (6, "best segment length"),
        (10.5, "whole number"),
        (13, "not the expected value"),
    ],
}
