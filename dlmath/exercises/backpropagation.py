"""Checkers for the backpropagation lesson.

* ``check_compute_gradients(compute_gradients)``: the backward pass itself.
  ``compute_gradients(loss, values)`` receives a loss node of a dlmath graph
  and ``values``, a dict ``{node: value}`` holding the forward value of every
  node the loss depends on; it returns a dict ``{node: dL/dnode}`` for every
  one of those nodes, walking the reversed topological order, calling each
  operation's ``backward`` and summing the gradients a node receives from its
  consumers.
* ``check_matmul_backward(matmul_backward)``: ``matmul_backward(X, W, G)``
  returns ``(dX, dW)`` for ``Y = X @ W`` given ``G = dL/dY``.
* ``check_sigmoid_backward(sigmoid_backward)``: ``sigmoid_backward(x, grad)``
  returns dL/dx for ``y = sigmoid(x)`` given ``grad = dL/dy``.
* ``check_softmax_cross_entropy_gradient(gradient)``: ``gradient(Z, Y)``
  returns dL/dZ for ``L = mean over the N rows of -sum_k Y log softmax(Z)``.
"""

import warnings

import numpy as np

import dlmath as dm
from dlmath.course.linear_algebra import input_gradient, weight_gradient
from dlmath.course.training_criterion import softmax_cross_entropy_gradient
from dlmath.functions import sigmoid as _sig, softmax as _softmax

from .checking import (RANDOM_CASES, Case, Problem, checker, function_checker, function_exercise,
                       grade_function, learner_value, numeric_parts, rounded_normal, sized_case,
                       with_default_hint)
from .feedback import CORRECT, INCORRECT, Feedback, clean_text, format_value
from .mistakes import close

# --- the backward pass --------------------------------------------------------------


def _neuron_with_decay():
    """A shared Variable: w feeds both the neuron and the weight-decay term."""
    with dm.Graph().as_default():
        x, t = dm.placeholder(name="x"), dm.placeholder(name="t")
        w, b = dm.Variable(0.8, name="w"), dm.Variable(-0.3, name="b")
        z = dm.sigmoid(w * x + b, name="z")
        loss = dm.add(dm.square(z - t), 0.1 * dm.square(w), name="L")
    return "a neuron with weight decay: w is used twice", loss, {x: 1.5, t: 1.0}


def _shared_input():
    """e = (a + b) * (b + 1): b has two consumers."""
    with dm.Graph().as_default():
        a, b = dm.placeholder(name="a"), dm.placeholder(name="b")
        e = dm.multiply(a + b, b + 1.0, name="e")
    return "e = (a + b)(b + 1): b is used twice", e, {a: 2.0, b: 3.0}


def _softmax_layer():
    """A batch through a linear layer with a broadcast bias and softmax cross-entropy."""
    rng = np.random.default_rng(8)
    with dm.Graph().as_default():
        X = dm.placeholder(name="X")
        Y = dm.placeholder(name="Y")
        W = dm.Variable(np.round(rng.normal(size=(3, 4)), 2), name="W")
        b = dm.Variable(np.round(rng.normal(size=4), 2), name="b")
        loss = dm.softmax_cross_entropy(X @ W + b, Y, name="L")
    feed = {X: np.round(rng.normal(size=(5, 3)), 2), Y: np.eye(4)[[0, 2, 1, 3, 2]]}
    return "a linear layer with a bias of shape (4,) added to a (5, 4) batch", loss, feed


def _two_layers():
    rng = np.random.default_rng(3)
    with dm.Graph().as_default():
        X = dm.placeholder(name="X")
        W1 = dm.Variable(np.round(rng.normal(size=(2, 3)), 2), name="W1")
        W2 = dm.Variable(np.round(rng.normal(size=(3, 1)), 2), name="W2")
        h = dm.tanh(X @ W1, name="h")
        loss = dm.reduce_mean(dm.square(h @ W2 - 1.0), name="L")
    return "two layers with tanh and a mean", loss, {X: np.round(rng.normal(size=(4, 2)), 2)}


_GRAPHS = [_shared_input, _neuron_with_decay, _two_layers, _softmax_layer]
_BACKPROP_TITLE = "compute_gradients"


def _forward(loss, feed):
    order = dm.topological_order([loss])
    return order, dict(zip(order, dm.Session().run(order, feed_dict=feed)))


def _overwriting(loss, values):
    """The classic slip: assigning instead of adding a consumer's contribution."""
    grads = {loss: np.ones_like(values[loss])}
    for op in reversed(dm.topological_order([loss])):
        if op not in grads or not isinstance(op, dm.Operation):
            continue
        inputs = tuple(values[n] for n in op.inputs)
        out = op.backward(grads[op], inputs, values[op])
        out = out if isinstance(out, tuple) else (out,)
        for node, g in zip(op.inputs, out):
            if g is not None:
                grads[node] = dm.unbroadcast(g, np.shape(values[node]))
    return grads


def _describe_node(node):
    return f"{node.name!r} (a {type(node).__name__})"


@function_checker(_BACKPROP_TITLE, "compute_gradients(loss, values)")
def check_compute_gradients(compute_gradients=...):
    """Check ``compute_gradients(loss, values)``: dL/dnode for every node, against dlmath's own backprop."""
    for number, make in enumerate(_GRAPHS, start=1):
        label, loss, feed = make()
        where = f"Graph {number} of {len(_GRAPHS)} ({label})"
        order, values = _forward(loss, feed)
        expected = dm.compute_gradients(loss, feed_dict=feed)
        received, failed = learner_value(
            compute_gradients, (loss, dict(values)), _BACKPROP_TITLE, where, error_hint=_backprop_error_hint,
            copy_args=False, kind=dict, describe=lambda value: f"a {type(value).__name__}",
            kind_hint="Return the dict grads that maps each node to dL/dnode.")
        if failed is not None:
            return failed
        overwrite = _overwriting(loss, values)
        names = {node.name for node in order}
        if received and not any(key in values for key in received) and all(
                isinstance(key, str) for key in received) and set(received) & names:
            return Feedback(INCORRECT, _BACKPROP_TITLE,
                            f"{where}: the keys of your dict are node names (strings), not the nodes.",
                            hint="Key the gradients by the node objects themselves, as `values` is: "
                                 "grads[node] = ..., not grads[node.name] = ...")
        for node in order:
            if node not in received:
                if node is loss:
                    hint = ("Start the backward pass with grads[loss] = np.ones_like(values[loss]): "
                            "dL/dL = 1, and keep it in the dict.")
                elif node.kind in ("placeholder", "variable", "constant"):
                    hint = ("Leaves get gradients too: add each input's gradient to grads[input] "
                            "whatever kind of node the input is.")
                else:
                    hint = ("Visit the nodes in reversed topological order, so that every consumer of "
                            "a node has sent its contribution before the node itself is processed.")
                return Feedback(INCORRECT, _BACKPROP_TITLE,
                                f"{where}: there is no gradient for {_describe_node(node)}.", hint=hint)
            got = received[node]
            want = expected[node]
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    got_array = np.asarray(got, dtype=float)
            except (TypeError, ValueError):
                return Feedback(INCORRECT, _BACKPROP_TITLE,
                                f"{where}: the gradient of {_describe_node(node)} is "
                                f"{clean_text(repr(got), 60)}, not an array.",
                                hint="Each gradient is a NumPy array shaped like the node's value.")
            if close(got_array, want, 1e-6, 1e-9):
                continue
            details = [("expected", format_value(np.asarray(want))),
                       ("received", format_value(got_array))]
            message = f"{where}: the gradient of {_describe_node(node)} differs."
            if got_array.shape != np.shape(want):
                if got_array.size > np.size(want):
                    hint = ("The gradient has the broadcast shape, not the node's shape: a value that "
                            "was broadcast (like a bias added to every row) must have its gradient "
                            "summed back, e.g. with dm.unbroadcast(g, values[node].shape).")
                else:
                    hint = "Every gradient must have the same shape as its node's value."
            elif node in overwrite and close(got_array, overwrite[node]):
                hint = ("This node is used by several operations, and only one contribution survived: "
                        "add each consumer's contribution to what is already there "
                        "(grads[node] = grads.get(node, 0) + g), do not overwrite it.")
            elif close(got_array, -np.asarray(want)):
                hint = "Sign error: your gradient is exactly the negative of the right one."
            else:
                hint = ("Pass each op's own upstream gradient grads[op] to op.backward(grads[op], "
                        "inputs, values[op]), with inputs the tuple of the values of op.inputs.")
            return Feedback(INCORRECT, _BACKPROP_TITLE, message, details=details, hint=hint)
    return Feedback(CORRECT, _BACKPROP_TITLE,
                    f"All {len(_GRAPHS)} graphs: every gradient matches dlmath's backpropagation. "
                    "You have written reverse-mode automatic differentiation. Well done!")


def _backprop_error_hint(error):
    text = str(error)
    if isinstance(error, KeyError):
        return ("A node has no gradient yet when you need it: go through the nodes in reversed "
                "topological order (reversed(dm.topological_order([loss]))), skip nodes that have no "
                "gradient and leaves (which have no backward), and start with grads[loss] = 1.")
    if isinstance(error, AttributeError) and "backward" in text:
        return ("Only operations have a backward rule: skip placeholders, Variables and constants "
                "(isinstance(node, dm.Operation)).")
    if isinstance(error, TypeError) and ("NoneType" in text or "None" in text):
        return ("A backward rule may return None for an input that needs no gradient: skip those "
                "(if g is None: continue).")
    if isinstance(error, TypeError) and "argument" in text:
        return ("Call op.backward(grad, inputs, output): the upstream gradient, the tuple of input "
                "values, and the op's own output value. Your function should be callable as "
                "compute_gradients(loss, values).")
    if isinstance(error, ValueError) and ("broadcast" in text or "shape" in text):
        return ("Shapes do not fit when adding contributions: bring each gradient back to its node's "
                "shape with dm.unbroadcast(g, values[node].shape) before summing.")
    return None


# --- matrix product -------------------------------------------------------------------


def _matmul_backward(X, W, G):
    return input_gradient(G, W), weight_gradient(X, G)


@sized_case("n d m", 1, 7, "X ({n}, {d}), W ({d}, {m}), G ({n}, {m})")
def _matmul_case(label, n, d, m, seed):
    rng = np.random.default_rng(seed)
    X, W, G = rounded_normal(rng, (n, d), (d, m), (n, m))
    return Case(label, X, W, G, batch_size=n)


_MATMUL_CASES = [
    _matmul_case("X (4, 3), W (3, 2), G (4, 2)", 4, 3, 2, 0),
    _matmul_case("X (2, 5), W (5, 3), G (2, 3)", 2, 5, 3, 1),
    _matmul_case("square: X (3, 3), W (3, 3), G (3, 3)", 3, 3, 3, 2),
]



def _pair(result):
    """(dX, dW) as one flat array, so both parts are compared at once; a Problem if it is no pair."""
    parts = numeric_parts(result, 2, ("the two parts of your result are not arrays of numbers.",
                                      "Return two arrays, (dX, dW): the gradients for X and for W."),
                          "two arrays, (dX, dW).",
                          "Return two arrays, (dX, dW): the gradients for X and for W, e.g. `return dX, dW`.",
                          describe=lambda value: "a dict" if isinstance(value, dict) else format_value(value))
    return parts if isinstance(parts, Problem) else _Gradients(*parts)


class _Gradients(tuple):
    """The learner's (dX, dW), kept as a pair for the part-by-part comparison."""

    def __new__(cls, dX, dW):
        return super().__new__(cls, (dX, dW))


_DX_MISTAKES = [
    (lambda X, W, G: G @ W, "dL/dX = G W^T: W must be transposed so that the inner dimensions (h) match."),
    (lambda X, W, G: W.T @ G.T, "That is the transpose of dL/dX: the gradient has the shape of X, (N, d); use G @ W.T."),
    (lambda X, W, G: X.T @ G, "You returned dL/dW in the place of dL/dX: return (dX, dW), in this order."),
    (lambda X, W, G: G @ W.T / X.shape[0], "No 1/N here: G = dL/dY already contains whatever averaging the loss does."),
]
_DW_MISTAKES = [
    (lambda X, W, G: X @ G, "dL/dW = X^T G: X must be transposed, so that the sum runs over the N examples."),
    (lambda X, W, G: G.T @ X, "That is the transpose of dL/dW: the gradient has the shape of W, (d, h); use X.T @ G."),
    (lambda X, W, G: G @ W.T, "You returned dL/dX in the place of dL/dW: return (dX, dW), in this order."),
    (lambda X, W, G: X.T @ G / X.shape[0], "No 1/N here: G = dL/dY already contains whatever averaging the loss does."),
    (lambda X, W, G: W.T @ X.T, "Use the upstream gradient G: dL/dW = X^T G, not a product of X and W alone."),
]


def _part_of(unpacked, index):
    return unpacked if isinstance(unpacked, Problem) else unpacked[index]


@checker
def check_matmul_backward(matmul_backward=...):
    """Check ``matmul_backward(X, W, G)``: (dL/dX, dL/dW) for Y = X @ W, given G = dL/dY."""
    # both parts come from one call, so an error in either can show up in the first:
    # the other part's mistakes are listed too (after this part's own)
    for index, name, reference, mistakes, other in (
            (0, "dX", lambda X, W, G: G @ W.T, _DX_MISTAKES, _DW_MISTAKES),
            (1, "dW", lambda X, W, G: X.T @ G, _DW_MISTAKES, _DX_MISTAKES)):
        feedback = grade_function(matmul_backward, reference, _MATMUL_CASES,
                                  title="matmul backward", signature="matmul_backward(X, W, G)",
                                  mistakes=[(lambda *a, f=wrong: (f(*a), f(*a)), hint)
                                            for wrong, hint in mistakes + other],
                                  random_cases=_matmul_case.random,
                                  unpack=lambda result, i=index: _part_of(_pair(result), i),
                                  part_names=("dX", "dW"))
        if feedback.status == "not attempted" or feedback.passed is False and not feedback.details:
            return feedback
        if not feedback.passed:
            feedback.message = feedback.message.replace("the result differs", f"{name} differs")
            return with_default_hint(feedback, "Write Y_nj = sum_i X_ni W_ij and differentiate one entry: "
                                 "dL/dW_ij = sum_n X_ni G_nj, which is (X^T G)_ij; likewise dL/dX = G W^T. "
                                 "Check that each gradient has the shape of its variable.")
    return Feedback(CORRECT, "matmul backward",
                    f"dX and dW are right in all {len(_MATMUL_CASES) + RANDOM_CASES} cases, with the "
                    "shapes of X and W. Well done!")


# --- sigmoid ----------------------------------------------------------------------------


_SIGMOID_CASES = [
    Case("a vector x, grad = 2", np.array([-2.0, -0.5, 0.5, 3.0]), np.array([2.0, 2.0, 2.0, 2.0])),
    Case("x = 0, grad = 1", np.array(0.0), np.array(1.0)),
    Case("a 2x3 matrix x and a varying grad", np.array([[0.3, -1.2, 2.0], [1.0, 0.0, -0.7]]),
         np.array([[1.0, -0.5, 0.25], [2.0, 1.5, -1.0]])),
    Case("a zero upstream gradient", np.array([1.0, -1.0]), np.zeros(2)),
]


def _random_sigmoid_case(rng):
    shape = tuple(int(k) for k in rng.integers(1, 6, size=rng.integers(0, 3)))
    return Case(f"x of shape {shape}", np.round(rng.normal(scale=3, size=shape), 2),
                np.round(rng.normal(size=shape), 2))

_SIGMOID_MISTAKES = [
    (lambda x, g: _sig(x) * (1 - _sig(x)),
     "The upstream gradient is missing: multiply the local derivative by grad (chain rule)."),
    (lambda x, g: g * x * (1 - x),
     "You used x where sigmoid(x) belongs: the derivative is s (1 - s) with s = sigmoid(x)."),
    (lambda x, g: g * _sig(x),
     "The factor (1 - s) is missing: d sigmoid / dx = s (1 - s)."),
    (lambda x, g: g * (1 - _sig(x)),
     "The factor s is missing: d sigmoid / dx = s (1 - s). If you differentiated 1 / (1 + e^-x) by "
     "hand, the derivative is e^-x / (1 + e^-x)^2, squared in the denominator."),
    (lambda x, g: g * _sig(x) * (_sig(x) - 1),
     "Sign error: the derivative is s (1 - s), which is positive."),
]


check_sigmoid_backward = function_exercise(
    "sigmoid_backward(x, grad)", lambda x, g: g * _sig(x) * (1 - _sig(x)), _SIGMOID_CASES,
    title="sigmoid backward", mistakes=_SIGMOID_MISTAKES, random_cases=_random_sigmoid_case,
    default_hint="Compute s = 1 / (1 + np.exp(-x)) first; the local derivative is s * (1 - s), and the "
                 "chain rule multiplies it by grad, element by element.",
    doc="""Check ``sigmoid_backward(x, grad)``: dL/dx for y = sigmoid(x), given grad = dL/dy.""")


# --- softmax with cross-entropy -----------------------------------------------------------


def _xent_case(label, n, k, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    Z = np.round(scale * rng.normal(size=(n, k)), 2)
    Y = np.eye(k)[rng.integers(0, k, size=n)]
    return Case(label, Z, Y, batch_size=n)


_XENT_CASES = [
    _xent_case("4 examples, 3 classes", 4, 3, 0),
    _xent_case("3 examples, 5 classes", 3, 5, 1),
    _xent_case("large logits (up to about 1000): 2 examples, 4 classes", 2, 4, 2, scale=600.0),
    _xent_case("a single example, 2 classes", 1, 2, 3),
    Case("ties: equal logits in every row", np.zeros((3, 3)), np.eye(3), batch_size=3),
]


def _random_xent_case(rng):
    n, k = int(rng.integers(1, 7)), int(rng.integers(2, 7))
    scale = float(rng.choice([1.0, 5.0, 300.0]))
    return _xent_case(f"{n} example(s), {k} classes, logits of size about {scale:g}", n, k,
                      int(rng.integers(2**31)), scale=scale)

_XENT_MISTAKES = [
    (lambda Z, Y: _softmax(Z) - Y,
     "The 1/N is missing: the loss is the mean over the N examples, so each row's gradient is (p - y) / N."),
    (lambda Z, Y: (Y - _softmax(Z)) / Z.shape[0],
     "Sign error: the gradient is (p - y) / N, softmax minus labels."),
    (lambda Z, Y: _softmax(Z) / Z.shape[0],
     "The labels are missing: d/dz of -log p_y gives p - y, the one-hot label is subtracted."),
    (lambda Z, Y: (_softmax(Z, axis=0) - Y) / Z.shape[0],
     "Softmax runs over the classes of each example (axis=1, along a row), not over the examples (axis=0)."),
    (lambda Z, Y: (_softmax(Z) - Y) / Z.size,
     "Divide by the number of examples N (rows), not by the number of entries N x K."),
    (lambda Z, Y: -Y / np.where(Y > 0, _softmax(Z), 1.0) / Z.shape[0],
     "That is dL/dp, the gradient with respect to the probabilities. Go one step further back, through "
     "the softmax: with log p_k = z_k - log sum_j e^(z_j), the gradient with respect to z is (p - y) / N."),
]


@checker
def check_softmax_cross_entropy_gradient(gradient=...):
    """Check ``gradient(Z, Y)``: dL/dZ for L = -(1/N) sum_n sum_k Y_nk log softmax(Z)_nk (rows are examples)."""
    feedback = grade_function(gradient, softmax_cross_entropy_gradient, _XENT_CASES,
                              title="softmax cross-entropy gradient", signature="gradient(Z, Y)",
                              mistakes=_XENT_MISTAKES, random_cases=_random_xent_case)
    if not feedback.passed and "large logits" in feedback.message and feedback.hint and "NaN" in feedback.hint:
        feedback.hint = ("NaN with large logits: np.exp(1000) overflows. Softmax does not change when a "
                         "constant is subtracted from a row, so compute np.exp(Z - Z.max(axis=1, keepdims=True)).")
    return with_default_hint(feedback, "Compute P = softmax(Z) row by row (stably), then return (P - Y) / N "
                         "with N = Z.shape[0], the number of examples.")
