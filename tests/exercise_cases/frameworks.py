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
