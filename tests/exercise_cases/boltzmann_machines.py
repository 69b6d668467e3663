"""Reference answers and typical wrong answers for dlmath.exercises.boltzmann_machines.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


CASES = {
    "check_energy": {
        "solution": lambda v, h, W, a, b: -(v @ W @ h) - a @ v - b @ h,
        "wrong": [
            (lambda v, h, W, a, b: v @ W @ h + a @ v + b @ h, "Every sign is flipped"),
            (lambda v, h, W, a, b: v @ W @ h - a @ v - b @ h, "interaction term has the wrong sign"),
            (lambda v, h, W, a, b: -(v @ W @ h) - b @ h, "visible bias"),
            (lambda v, h, W, a, b: -(v @ W @ h) - a @ v, "hidden bias"),
            (lambda v, h, W, a, b: -(v @ W @ h), "Both bias terms"),
            (lambda v, h, W, a, b: -0.5 * (v @ W @ h) - a @ v - b @ h, "No 1/2"),
            (lambda v, h, W, a, b: -(h @ W @ v) - a @ v - b @ h, "one row per visible unit"),
            (lambda v, h, W, a, b: -(v @ W.T @ h) - a @ v - b @ h, "one row per visible unit"),
            (lambda v, h, W, a, b: -(v @ W @ h) - a @ h - b @ v, "swapped"),
            (lambda v, h, W, a, b: -np.sum(np.outer(v, h) * W, axis=0) - a @ v - b @ h, "one number"),
        ],
    },
    "check_hidden_probabilities": {
        "solution": lambda v, W, b: 1 / (1 + np.exp(-(v @ W + b))),
        "wrong": [
            (lambda v, W, b: sigmoid(v @ W.T + b), "no transpose"),
            (lambda v, W, b: sigmoid(v @ W), "bias b is missing"),
            (lambda v, W, b: v @ W + b, "sigmoid of it"),
            (lambda v, W, b: np.exp(v @ W + b), "not a probability"),
            (lambda v, W, b: sigmoid(-(v @ W + b)), "Sign error"),
            (lambda v, W, b: 1 / (1 + np.exp(v @ W + b)), "Sign error"),
            (lambda v, W, b: np.exp(v @ W + b) / np.exp(v @ W + b).sum(axis=1, keepdims=True),
             "independent given v"),
            (lambda v, W, b: np.round(sigmoid(v @ W + b)), "0/1 values"),
            (lambda v, W, b: sigmoid(v @ W + b).T, "transpose"),
        ],
    },
    "check_cd1_gradient": {
        "solution": lambda v0, v1, W, b: (v0.T @ sigmoid(v0 @ W + b)
                                          - v1.T @ sigmoid(v1 @ W + b)) / len(v0),
        "wrong": [
            (lambda v0, v1, W, b: (v1.T @ sigmoid(v1 @ W + b) - v0.T @ sigmoid(v0 @ W + b)) / len(v0),
             "phases are swapped"),
            (lambda v0, v1, W, b: v0.T @ sigmoid(v0 @ W + b) - v1.T @ sigmoid(v1 @ W + b),
             "summed over the batch"),
            (lambda v0, v1, W, b: (v0.T @ sigmoid(v0 @ W + b) - v1.T @ sigmoid(v0 @ W + b)) / len(v0),
             "reconstruction"),
            (lambda v0, v1, W, b: (v0.T @ sigmoid(v0 @ W) - v1.T @ sigmoid(v1 @ W)) / len(v0),
             "hidden bias is missing"),
            (lambda v0, v1, W, b: (v0.T @ (v0 @ W + b) - v1.T @ (v1 @ W + b)) / len(v0),
             "not the raw inputs"),
            (lambda v0, v1, W, b: v0.T @ sigmoid(v0 @ W + b) / len(v0), "only the data term"),
            (lambda v0, v1, W, b: (sigmoid(v0 @ W + b).T @ v0 - sigmoid(v1 @ W + b).T @ v1) / len(v0),
             "transpose"),
        ],
    },
    "check_conditional_probability": {
        "solution": 1 / (1 + np.exp(-1.5)),
        "wrong": [
            (1 / (1 + np.exp(-0.75)), "halved the weights"),
            (1 / (1 + np.exp(-1.0)), "bias of unit 1"),
            (1 / (1 + np.exp(1.5)), "Sign error"),
            (np.exp(1.5), "ratio"),
            (1.5, "sigmoid of it"),
            (1 / (1 + np.exp(-2.5)), "Unit 3 is on"),
        ],
    },
}


# issue 14: the lesson prints 0.818, and its table of estimates 0.81746; 3 significant digits are asked
from fractions import Fraction  # noqa: E402

CASES["check_conditional_probability"]["also_correct"] = [0.818, 0.8176, 0.81746, [0.818], Fraction(9, 11)]
CASES["check_conditional_probability"]["wrong"] += [(0.82, "Close, but not within the tolerance")]


# Hinton's initial visible biases: the log-odds of each column's on-rate
def _logit_of_rates(data):
    p = data.sum(axis=0) / len(data)
    return np.log(p) - np.log(1 - p)


CASES["check_initial_visible_biases"] = {
    "solution": _logit_of_rates,
    "also_correct": [
        lambda data: -np.log(1 / data.mean(axis=0) - 1),
        lambda data: np.log(data.sum(axis=0) / (len(data) - data.sum(axis=0))),  # counts: the same ratio
    ],
    "wrong": [
        (lambda data: data.mean(axis=0), "log-odds"),
        (lambda data: data.mean(axis=0) / (1 - data.mean(axis=0)), "take its logarithm"),
        (lambda data: np.log(data.mean(axis=0)), "log(p) alone"),
        (lambda data: np.log((1 - data.mean(axis=0)) / data.mean(axis=0)), "sign is flipped"),
        (lambda data: np.log(data.mean(axis=1) / (1 - data.mean(axis=1))), "axis=1"),
        (lambda data: np.log(data.mean() / (1 - data.mean())) * np.ones(data.shape[1]), "One rate for all"),
        (lambda data: np.log(data.sum(axis=0) / (1 - data.sum(axis=0))), "not a count"),
        (lambda data: np.log(data.mean(axis=0)) / np.log(1 - data.mean(axis=0)), "MINUS"),
    ],
}


# one block Gibbs step of the persistent chains, driven by the given uniform numbers
def _advance(fantasy, W, a, b, u_hidden, u_visible, *, flip_h=False, flip_v=False, probs_h=False,
             probs_v=False, skip_a=False, skip_b=False):
    p_h = sigmoid(fantasy @ W + (0 if skip_b else b))
    h = p_h if probs_h else np.where(u_hidden > p_h if flip_h else u_hidden < p_h, 1.0, 0.0)
    p_v = sigmoid(h @ W.T + (0 if skip_a else a))
    return p_v if probs_v else np.where(u_visible > p_v if flip_v else u_visible < p_v, 1.0, 0.0)


CASES["check_advance_particles"] = {
    "solution": _advance,
    "also_correct": [
        lambda f, W, a, b, uh, uv: (uv < 1 / (1 + np.exp(-(a + (W @ (uh < sigmoid(b + f @ W)).T).T)))).astype(int),
    ],
    "wrong": [
        (lambda *args: _advance(*args, flip_h=True, flip_v=True), "BELOW its probability (u < p"),
        (lambda *args: _advance(*args, flip_h=True), "hidden layer, a unit is on"),
        (lambda *args: _advance(*args, flip_v=True), "visible layer, a unit is on"),
        (lambda *args: _advance(*args, probs_v=True), "sample them"),
        (lambda *args: _advance(*args, probs_h=True), "mean-field"),
        (lambda *args: _advance(*args, skip_a=True), "visible bias a is missing"),
        (lambda *args: _advance(*args, skip_b=True), "hidden bias b is missing"),
        (lambda f, W, a, b, uh, uv: np.where(uh < sigmoid(f @ W + b), 1.0, 0.0), "returned the hidden states"),
        (lambda f, W, a, b, uh, uv: f.copy(), "did not move"),
    ],
}
