"""Checkers for the multi-layer perceptron lesson.

* ``check_forward(forward)``: ``forward(X, W1, b1, W2, b2)`` returns the logits
  ``relu(X @ W1 + b1) @ W2 + b2`` of a two-layer network, for a batch ``X`` of
  shape (n, d), ``W1`` (d, h), ``b1`` (h,), ``W2`` (h, k), ``b2`` (k,).
* ``check_xor_weights(weights)``: hand-picked weights ``(W1, b1, W2, b2)`` (a
  tuple, a dict with those keys, or a function returning either) of the
  network ``s = relu(x @ W1 + b1) @ W2 + b2`` with 2 inputs and 2 hidden
  units that predicts class 1 exactly when ``s > 0``, and so computes XOR on
  the four corners of the unit square.
* ``check_mlp_backward(mlp_backward)``: ``mlp_backward(X, Y, W1, b1, W2, b2)``
  returns ``(dW1, db1, dW2, db2)``, the gradients of the mean softmax
  cross-entropy of ``tanh(X @ W1 + b1) @ W2 + b2`` against one-hot labels
  ``Y`` (n, k), compared with the engine's own gradients (``dm.gradients``).
"""

from __future__ import annotations

import warnings

import numpy as np

from dlmath.course.multilayer_perceptrons import logits
from dlmath.functions import relu as _relu, softmax as _softmax

from dlmath.course.multilayer_perceptrons import engine_gradients

from .checking import (RANDOM_CASES, TIME_LIMIT, Case, Problem, checker, function_exercise, grade_function,
                       is_unattempted, not_attempted, one_slip_each, rounded_normal, run_learner, sized_case)
from .feedback import CORRECT, INCORRECT, Feedback, clean_text, format_value

# --- the forward pass of a two-layer network ------------------------------------


def _forward(X, W1, b1, W2, b2):
    return logits((W1, b1, W2, b2), X, activation="relu")


@sized_case("n d h k", 1, 7, "{n} example(s), {d} input(s), {h} hidden unit(s), {k} output(s)")
def _forward_case(label, n, d, h, k, seed):
    rng = np.random.default_rng(seed)
    X, W1, b1, W2, b2 = rounded_normal(rng, (n, d), (d, h), h, (h, k), k)
    return Case(label, X, W1, b1, W2, b2)


_FORWARD_CASES = [
    _forward_case("4 examples, 2 inputs, 2 hidden units, 2 classes", 4, 2, 2, 2, 3),
    _forward_case("5 examples, 3 inputs, 4 hidden units, 2 classes", 5, 3, 4, 2, 4),
    _forward_case("1 example, 2 inputs, 3 hidden units, 1 output", 1, 2, 3, 1, 5),
]



_FORWARD_MISTAKES = [
    (lambda X, W1, b1, W2, b2: _relu(X @ W1) @ W2 + b2,
     "The hidden layer's bias b1 is missing: the hidden pre-activation is X @ W1 + b1."),
    (lambda X, W1, b1, W2, b2: _relu(X @ W1 + b1) @ W2,
     "The output layer's bias b2 is missing: the logits are h @ W2 + b2."),
    (lambda X, W1, b1, W2, b2: _relu(X @ W1) @ W2,
     "Both biases are missing: each layer adds its bias after the matrix product."),
    (lambda X, W1, b1, W2, b2: (X @ W1 + b1) @ W2 + b2,
     "There is no non-linearity: apply relu to the hidden layer. Without it the two layers "
     "collapse into one linear map, (X W1 + b1) W2 + b2 = X (W1 W2) + (b1 W2 + b2)."),
    (lambda X, W1, b1, W2, b2: (_relu(X @ W1) + b1) @ W2 + b2,
     "relu is in the wrong place: add the bias b1 first, then apply relu to X @ W1 + b1."),
    (lambda X, W1, b1, W2, b2: _relu((X @ W1 + b1) @ W2 + b2),
     "relu is in the wrong place: it belongs to the hidden layer (relu(X @ W1 + b1)), "
     "not to the output. Logits may be negative."),
    (lambda X, W1, b1, W2, b2: _relu(_relu(X @ W1 + b1) @ W2 + b2),
     "Do not apply relu to the output layer: the logits must be free to be negative; "
     "only the hidden layer gets the non-linearity."),
    (lambda X, W1, b1, W2, b2: _relu(X @ W1.T + b1) @ W2.T + b2,
     "The weights are transposed: with one example per row of X, a layer computes X @ W1 "
     "(W1 has shape (inputs, hidden units)), not X @ W1.T."),
    (lambda X, W1, b1, W2, b2: _relu(X @ W1.T + b1) @ W2 + b2,
     "W1 is transposed: with one example per row of X, the hidden layer computes X @ W1 "
     "(W1 has shape (inputs, hidden units))."),
    (lambda X, W1, b1, W2, b2: _relu(X @ W1 + b1) @ W2.T + b2,
     "W2 is transposed: the output layer computes h @ W2 (W2 has shape (hidden units, outputs))."),
    (lambda X, W1, b1, W2, b2: 1 / (1 + np.exp(-(X @ W1 + b1))) @ W2 + b2,
     "You used the sigmoid; this network uses relu(z) = max(z, 0) in its hidden layer."),
    (lambda X, W1, b1, W2, b2: np.tanh(X @ W1 + b1) @ W2 + b2,
     "You used tanh; this network uses relu(z) = max(z, 0) in its hidden layer."),
    (lambda X, W1, b1, W2, b2: _softmax(_relu(X @ W1 + b1) @ W2 + b2),
     "Return the logits, before any softmax: the loss (softmax_cross_entropy) applies the softmax itself."),
    (lambda X, W1, b1, W2, b2: X @ W1 @ W2 + b2,
     "The hidden layer's bias and relu are both missing: compute h = relu(X @ W1 + b1) first."),
]


check_forward = function_exercise(
    "forward(X, W1, b1, W2, b2)", _forward, _FORWARD_CASES, title="two-layer forward pass",
    mistakes=_FORWARD_MISTAKES, random_cases=_forward_case.random,
    doc="""Check ``forward(X, W1, b1, W2, b2)``: the logits ``relu(X @ W1 + b1) @ W2 + b2``.

    ``X`` has shape (n, d), ``W1`` (d, h), ``b1`` (h,), ``W2`` (h, k), ``b2`` (k,);
    the result has shape (n, k).
    """)


# --- weights that solve XOR by hand ------------------------------------------------

XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_LABELS = np.array([0, 1, 1, 0])
_NAMES = ("W1", "b1", "W2", "b2")
_SHAPES = {"W1": "(2, 2): one row per input, one column per hidden unit",
           "b1": "(2,): one bias per hidden unit",
           "W2": "(2,) or (2, 1): one weight per hidden unit",
           "b2": "a single number (or shape (1,))"}


def _unpack(weights):
    """Turn the learner's answer into four float arrays, or return (None, reason)."""
    if callable(weights):
        outcome = run_learner(weights)
        if outcome.stub:
            return Ellipsis, None
        if outcome.timed_out:
            return None, f"Your function did not finish within {TIME_LIMIT:g} seconds and was stopped."
        if outcome.error is not None:
            error = outcome.error
            return None, f"Calling your function raised {type(error).__name__}: {clean_text(error)}"
        if outcome.value is None and outcome.printed.strip():
            return None, "Your function printed the weights but returned None: return them instead."
        weights = outcome.value
        if is_unattempted(weights):
            return Ellipsis, None
    if isinstance(weights, dict):
        missing = [name for name in _NAMES if name not in weights]
        if missing:
            return None, f"Your dict lacks the key(s) {', '.join(missing)}; give W1, b1, W2 and b2."
        weights = [weights[name] for name in _NAMES]
    if not isinstance(weights, (tuple, list)) or len(weights) != 4:
        return None, ("Give the four weights together, as a tuple (W1, b1, W2, b2) "
                      f"(received {format_value(weights)}).")
    if all(is_unattempted(w) for w in weights):
        return Ellipsis, None
    arrays = []
    for name, value in zip(_NAMES, weights):
        if is_unattempted(value):
            return None, f"{name} is still empty (...): fill in all four weights."
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return None, f"{name} is not an array of numbers (received {format_value(value)})."
        arrays.append(array)
    W1, b1, W2, b2 = arrays
    expected = {"W1": W1.shape == (2, 2), "b1": b1.shape == (2,),
                "W2": W2.shape in ((2,), (2, 1)), "b2": b2.shape in ((), (1,))}
    for name, array in zip(_NAMES, arrays):
        if not expected[name]:
            return None, f"{name} has shape {array.shape}; it should have shape {_SHAPES[name]}."
    if not all(np.all(np.isfinite(a)) for a in arrays):
        return None, "Your weights contain NaN or infinity: use ordinary numbers."
    return (W1, b1, W2.reshape(2), b2.reshape(())), None


def xor_network(W1, b1, W2, b2, X=XOR_INPUTS):
    """The hidden values relu(X W1 + b1) and the output s = h W2 + b2 of the hand-made network."""
    hidden = np.maximum(X @ W1 + b1, 0.0)
    return hidden, hidden @ np.reshape(W2, -1) + np.reshape(b2, ())


@checker
def check_xor_weights(weights=...):
    """Check hand-picked weights ``(W1, b1, W2, b2)`` for XOR with two relu hidden units.

    The network computes ``h = relu(x @ W1 + b1)`` and ``s = h @ W2 + b2``, and
    predicts class 1 when ``s > 0``. It must give 0, 1, 1, 0 at the corners
    (0, 0), (0, 1), (1, 0), (1, 1). ``W1`` has shape (2, 2), ``b1`` (2,),
    ``W2`` (2,) and ``b2`` is a number.
    """
    title = "XOR weights"
    if is_unattempted(weights):
        return not_attempted(title)
    unpacked, reason = _unpack(weights)
    if unpacked is Ellipsis:
        return not_attempted(title)
    if unpacked is None:
        return Feedback(INCORRECT, title, reason)
    W1, b1, W2, b2 = unpacked
    hidden, s = xor_network(W1, b1, W2, b2)
    predicted = (s > 0).astype(int)
    table = "\n".join(f"x = ({x[0]:g}, {x[1]:g}): h = ({h[0]:.3g}, {h[1]:.3g}), s = {v:.3g} "
                      f"-> class {p} (XOR: {t})"
                      for x, h, v, p, t in zip(XOR_INPUTS, hidden, s, predicted, XOR_LABELS))
    details = [("corners", table)]
    wrong = int(np.sum(predicted != XOR_LABELS))
    if wrong == 0:
        margin = float(np.min(np.abs(s)))
        return Feedback(CORRECT, title, f"Your network computes XOR on all four corners (the smallest "
                        f"|s| is {margin:.3g}). Well done!", details=details)
    if wrong == 4:
        hint = ("Every corner is wrong: your network computes XNOR, the opposite of XOR. Flip the "
                "signs of W2 and b2.")
    elif np.all(hidden == 0):
        hint = ("Both hidden units output 0 at every corner (relu cuts off everything below 0), so "
                "the output is b2 everywhere. Make the hidden units turn on: for example a unit with "
                "weights (1, 1) and bias 0 outputs x1 + x2.")
    elif np.all(predicted == predicted[0]):
        hint = ("Your network gives the same class at all four corners. The output s must go up "
                "from (0, 0) to (0, 1) and (1, 0), then down again at (1, 1): one hidden unit can count "
                "the inputs that are on (x1 + x2), the other can turn on only when both are on.")
    elif np.linalg.matrix_rank(np.column_stack([hidden, np.ones(4)]), tol=1e-9) < 3:
        hint = ("Your two hidden units carry the same information at the four corners (one is a "
                "multiple of the other, or a constant), so the output is a linear function of a "
                "single feature and can get at most three corners right. Give them different "
                "biases, e.g. one that turns on when x1 + x2 > 0 and one only when x1 + x2 > 1.")
    elif wrong == 1:
        hint = ("Three corners out of four: that is the best a single straight line can do. Use the "
                "second hidden unit to switch on only at (1, 1) and give it a negative output weight "
                "large enough to pull s below 0 there.")
    else:
        hint = ("Work corner by corner: write down h at each corner, then choose W2 and b2 so that "
                "s > 0 exactly at (0, 1) and (1, 0).")
    return Feedback(INCORRECT, title, f"{wrong} of the 4 corners are classified wrongly.",
                    details=details, hint=hint)


# --- the backward pass of a two-layer network ---------------------------------------
# Reference: the engine's gradients (dm.gradients on the same network). The NumPy
# variants below are only the usual slips, each recognised to give its hint.

_BACKWARD_PARTS = ("dW1", "db1", "dW2", "db2")
_BACKWARD_SIGNATURE = "mlp_backward(X, Y, W1, b1, W2, b2)"


def _backward_case(label, n, d, h, k, seed):
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(n, d)), 2)
    Y = np.eye(k)[rng.integers(k, size=n)]
    W1, b1, W2, b2 = rounded_normal(rng, (d, h), h, (h, k), k)
    return Case(label, X, Y, W1, b1, W2, b2, batch_size=n)


_BACKWARD_CASES = [
    _backward_case("4 examples, 3 inputs, 5 hidden units, 3 classes", 4, 3, 5, 3, 11),
    _backward_case("6 examples, 2 inputs, 3 hidden units, 2 classes", 6, 2, 3, 2, 12),
    _backward_case("a single example (N = 1)", 1, 3, 4, 3, 13),
    _backward_case("a single hidden unit (h = 1)", 5, 3, 1, 3, 14),
    _backward_case("N = 1 and h = 1", 1, 2, 1, 2, 15),
]


def _random_backward_case(rng):
    n, d, h = (int(v) for v in rng.integers(1, 7, size=3))
    k = int(rng.integers(2, 6))
    return _backward_case(f"{n} example(s), {d} input(s), {h} hidden unit(s), {k} classes", n, d, h, k,
                          int(rng.integers(2**31)))


def _forward_values(X, Y, W1, b1, W2, b2):
    """Z1, H = tanh(Z1) and the softmax probabilities P (for the known slips only)."""
    Z1 = X @ W1 + b1
    H = np.tanh(Z1)
    return Z1, H, _softmax(H @ W2 + b2, axis=1)


_ORDERS = {"second_layer_first": ("dW2", "db2", "dW1", "db1"), "weights_first": ("dW1", "dW2", "db1", "db2"),
           "second_weights_first": ("dW2", "dW1", "db2", "db1")}
_SLIPS = {*_ORDERS, "no_mean", "mean_bias", "mean_twice", "sign", "no_softmax", "slope_is_H", "no_slope",
          "sigmoid_slope", "slope_at_Z", "untransposed_W2", "transposed_dW", "untransposed_X", "unsummed_bias",
          "bias_over_rows"}


def _slip(**slip):
    """One wrong backward pass: the correct one with a single named change, ``_slip(sign=True)``."""
    (name,) = slip
    if name not in _SLIPS:
        raise ValueError(f"unknown slip {name!r}")

    def backward(X, Y, W1, b1, W2, b2):
        Z1, H, P = _forward_values(X, Y, W1, b1, W2, b2)
        if name == "no_softmax":
            P = H @ W2 + b2
        n = X.shape[0]
        dZ2 = (-1.0 if name == "sign" else 1.0) * (P - Y) / {"no_mean": 1, "mean_twice": n * n}.get(name, n)
        dH = dZ2 @ (W2 if name == "untransposed_W2" else W2.T)
        dZ1 = dH * {"slope_is_H": H, "no_slope": 1.0, "sigmoid_slope": H * (1 - H),
                    "slope_at_Z": 1 - Z1**2}.get(name, 1 - H**2)
        weight = {"transposed_dW": lambda A, G: G.T @ A, "untransposed_X": lambda A, G: A @ G}.get(
            name, lambda A, G: A.T @ G)
        reduce = {"mean_bias": lambda G: G.mean(axis=0), "unsummed_bias": lambda G: G,
                  "bias_over_rows": lambda G: G.sum(axis=1)}.get(name, lambda G: G.sum(axis=0))
        grads = {"dW1": weight(X, dZ1), "db1": reduce(dZ1), "dW2": weight(H, dZ2), "db2": reduce(dZ2)}
        return tuple(grads[part] for part in _ORDERS.get(name, _BACKWARD_PARTS))
    return backward


_BACKWARD_MISTAKES = one_slip_each(
    _slip,
    second_layer_first="Your gradients are in the wrong order: return (dW1, db1, dW2, db2), the first layer "
                       "first.",
    weights_first="Your gradients are in the wrong order: return (dW1, db1, dW2, db2), each weight followed "
                  "by its bias.",
    second_weights_first="Your gradients are in the wrong order: return (dW1, db1, dW2, db2).",
    no_mean="The loss is the MEAN cross-entropy over the N examples, so dZ2 = (P - Y) / N: the 1/N is "
            "missing (every gradient is N times too large).",
    mean_bias="Sum the bias gradient over the batch, dZ.sum(axis=0), do not average it: the 1/N is already "
              "in dZ2 = (P - Y) / N.",
    mean_twice="You divided by N twice: dZ2 = (P - Y) / N already holds the mean's 1/N, and it travels down "
               "with everything else; the other steps need no further 1/N.",
    sign="Sign error: the gradient of softmax cross-entropy with respect to the logits is (P - Y) / N, "
         "prediction minus label, not Y - P.",
    no_softmax="dZ2 = (P - Y) / N needs the probabilities P = softmax(Z2), not the logits Z2 themselves.",
    slope_is_H="Through the activation, multiply by its derivative phi'(Z1) = 1 - tanh(Z1)^2 = 1 - H^2, not "
               "by the activation H = tanh(Z1) itself: dZ1 = dH * (1 - H**2).",
    no_slope="The tanh is missing from the backward pass: dZ1 = dH * tanh'(Z1) = dH * (1 - H**2), not dH.",
    sigmoid_slope="H * (1 - H) is the sigmoid's derivative; this network uses tanh, whose derivative is 1 - "
                  "tanh(Z1)^2 = 1 - H**2.",
    slope_at_Z="tanh'(Z1) = 1 - tanh(Z1)^2 = 1 - H**2: square the activation H, not the pre-activation Z1.",
    untransposed_W2="dH = dZ2 @ W2.T: W2 has shape (h, k), so it must be transposed to carry the (N, k) "
                    "gradient back to the (N, h) hidden layer.",
    transposed_dW="Your weight gradients are transposed: dW2 = H.T @ dZ2 has the shape (h, k) of W2, and "
                  "dW1 = X.T @ dZ1 the shape (d, h) of W1.",
    untransposed_X="A weight gradient needs a transpose: dW2 = H.T @ dZ2 and dW1 = X.T @ dZ1, so that the "
                   "product sums over the N examples and has the shape of the weight.",
    unsummed_bias="A bias gradient must have the shape of the bias: the bias is added to every row, so its "
                  "gradient is the sum of dZ over the batch, dZ.sum(axis=0).",
    bias_over_rows="The bias gradient sums over the examples, the rows: dZ.sum(axis=0) (one entry per "
                   "unit), not axis=1.",
)


def _four(result):
    """The learner's (dW1, db1, dW2, db2) as four float arrays, or a Problem naming what is wrong."""
    if isinstance(result, dict):
        return Problem("your function returned a dict; it should return four arrays in a tuple.",
                       "Return the gradients as a tuple: `return dW1, db1, dW2, db2`.")
    if not isinstance(result, (tuple, list)) or len(result) != 4:
        size = f"{len(result)} values" if isinstance(result, (tuple, list)) else format_value(result)
        return Problem(f"your function returned {size}; it should return four arrays, (dW1, db1, dW2, db2).",
                       "Return the four gradients together: `return dW1, db1, dW2, db2`.")
    parts = []
    for index, (name, part) in enumerate(zip(_BACKWARD_PARTS, result)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                array = np.asarray(part, dtype=float)
        except (TypeError, ValueError):
            return Problem(f"{name} (part {index + 1} of your result) is not an array of numbers.",
                           "Each of the four parts must be a NumPy array computed from the arguments.")
        if name.startswith("db") and array.ndim == 2 and array.shape[0] == 1:
            array = array[0]  # a (1, h) bias gradient from sum(axis=0, keepdims=True) is fine too
        parts.append(array)
    return tuple(parts)


def _backward_part(index):
    def unpack(result):
        parts = _four(result)
        return parts if isinstance(parts, Problem) else parts[index]
    return unpack


def _engine_part(index):
    def reference(X, Y, W1, b1, W2, b2):
        return engine_gradients(X, Y, [W1, b1, W2, b2], activation="tanh")[index]
    return reference


@checker
def check_mlp_backward(mlp_backward=...):
    """Check ``mlp_backward(X, Y, W1, b1, W2, b2)`` -> ``(dW1, db1, dW2, db2)``.

    The network is ``H = tanh(X @ W1 + b1)``, ``Z2 = H @ W2 + b2``, ``P = softmax(Z2)``
    and the loss the mean cross-entropy against the one-hot rows of ``Y`` (n, k). The
    four gradients are compared with the engine's (``dm.gradients``), part by part.
    """
    title = "MLP backward pass"
    for index, name in enumerate(_BACKWARD_PARTS):
        feedback = grade_function(mlp_backward, _engine_part(index), _BACKWARD_CASES, title=title,
                                  signature=_BACKWARD_SIGNATURE, mistakes=_BACKWARD_MISTAKES,
                                  random_cases=_random_backward_case, unpack=_backward_part(index),
                                  part_names=_BACKWARD_PARTS)
        if feedback.status == "not attempted":
            return feedback
        if feedback.passed:
            continue
        if not feedback.details:  # an error, a wrong form: the same for every part
            return feedback
        feedback.message = feedback.message.replace("the result differs", f"{name} differs")
        if not feedback.hint:
            feedback.hint = ("Go step by step and check each shape: dZ2 = (P - Y) / N (N, k); "
                             "dW2 = H.T @ dZ2 (h, k); db2 = dZ2.sum(axis=0) (k,); dH = dZ2 @ W2.T (N, h); "
                             "dZ1 = dH * (1 - H**2) (N, h); dW1 = X.T @ dZ1 (d, h); db1 = dZ1.sum(axis=0) (h,).")
        return feedback
    return Feedback(CORRECT, title,
                    f"All four gradients agree with the engine's in all {len(_BACKWARD_CASES) + RANDOM_CASES} "
                    "cases, including N = 1 and h = 1. Well done!")
