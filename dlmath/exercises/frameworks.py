"""Checkers for the lesson "From dlmath to real frameworks".

* ``check_tape_backward(backward)``: ``backward(tape, loss)`` receives a tape,
  a list of records ``(output, inputs, vjp)`` in the order the operations ran
  (``output`` a name, ``inputs`` a tuple of names, ``vjp(g)`` the tuple of
  gradients for the inputs given the gradient ``g`` of the output), and the
  name of the loss (the output of the last record). It returns a dict mapping
  every name on the tape to d loss / d name.
* ``check_name_mapping(mapping)``: a dict from dlmath names to the numbers of
  their PyTorch counterparts in ``PYTORCH_OPTIONS`` (or the six numbers as a
  list, in the order of ``DLMATH_NAMES``).
* ``check_per_example_gradients(per_example_gradients)``:
  ``per_example_gradients(X, y, w, b)`` returns the ``(N, d)`` array whose row
  ``i`` is the gradient with respect to ``w`` of example ``i``'s own loss
  ``l_i = (X[i] @ w + b - y[i]) ** 2 / 2``: what ``vmap(grad(l))`` gives.
* ``check_checkpoint_peak(value)``: for 36 tanh layers, the smallest peak
  number of activations held with checkpointing, over the segment lengths
  that divide 36 (counted as ``fw.saved_bytes`` counts), an exact whole number.
"""

import numpy as np

from dlmath.course.frameworks import checkpoint_peak_activations as _peak
from dlmath.course.frameworks import linear_per_example_gradients as _per_example
from dlmath.course.frameworks import tape_gradients as _backward

from .checking import (Case, checker, function_checker, function_exercise, grade_value, is_unattempted,
                       learner_value, not_attempted)
from .feedback import CORRECT, INCORRECT, Feedback, clean_text, format_value

# --- backward over a tape ---------------------------------------------------------

_TAPE_TITLE = "tape backward"
_TAPE_SIGNATURE = "backward(tape, loss)"


def _tape_product_reuse():
    """L = (x*y + x)^2 at x = 2, y = 3: x is used twice."""
    x, y = 2.0, 3.0
    a = x * y
    b = a + x
    return "L = (x*y + x)**2 at x = 2, y = 3 (x is used twice)", [
        ("a", ("x", "y"), lambda g: (g * y, g * x)),
        ("b", ("a", "x"), lambda g: (g, g)),
        ("L", ("b",), lambda g: (2 * b * g,)),
    ], "L"


def _tape_vectors():
    """L = sum(tanh(x @ W) * v) with arrays."""
    x = np.array([[1.0, -2.0]])
    W = np.array([[0.5, -1.0, 0.25], [0.3, 0.2, -0.4]])
    v = np.array([1.0, 2.0, -1.0])
    h = np.tanh(x @ W)
    return "L = sum(tanh(x @ W) * v), with arrays", [
        ("z", ("x", "W"), lambda g: (g @ W.T, x.T @ g)),
        ("h", ("z",), lambda g: (g * (1 - h ** 2),)),
        ("p", ("h", "v"), lambda g: (g * v, (g * h).sum(axis=0))),
        ("L", ("p",), lambda g: (g * np.ones_like(h),)),
    ], "L"


def _tape_branches():
    """L = u * w + u with u = w * w: w used three times over two paths."""
    w = 1.5
    u = w * w
    m = u * w
    return "L = u*w + u with u = w*w at w = 1.5 (w reaches L along several paths)", [
        ("u", ("w", "w"), lambda g: (g * w, g * w)),
        ("m", ("u", "w"), lambda g: (g * w, g * u)),
        ("L", ("m", "u"), lambda g: (g, g)),
    ], "L"


_TAPES = [_tape_product_reuse, _tape_vectors, _tape_branches]


def _overwrite(tape, loss):
    grads = {loss: 1.0}
    for output, inputs, vjp in reversed(tape):
        if output in grads:
            for name, g in zip(inputs, vjp(grads[output])):
                grads[name] = g
    return grads


def _forward_order(tape, loss):
    grads = {loss: 1.0}
    for output, inputs, vjp in tape:
        if output in grads:
            for name, g in zip(inputs, vjp(grads[output])):
                grads[name] = grads.get(name, 0) + g
    return grads


def _no_seed(tape, loss):
    grads = {}
    for output, inputs, vjp in reversed(tape):
        for name, g in zip(inputs, vjp(grads.get(output, 0.0))):
            grads[name] = grads.get(name, 0) + g
    return grads


_TAPE_MISTAKES = [
    (_overwrite,
     "A name used by several operations must add up their contributions: "
     "grads[name] = grads.get(name, 0) + g, not grads[name] = g (the multivariable chain rule)."),
    (_forward_order,
     "Read the tape backwards (reversed(tape)): a record's output gradient is complete only after "
     "every later operation that used it has been visited."),
    (_no_seed,
     "Start from d loss / d loss = 1: grads = {loss: 1.0}. Without this seed every gradient is 0."),
]


def _safely(fn, tape, loss):
    try:
        return fn(list(tape), loss)
    except Exception:  # a wrong algorithm may fail on some tapes
        return None


def _same(a, b):
    """Equal numbers of the same shape; a one-element array counts as the number it holds
    (a tape seeded with np.ones(1) instead of 1.0 gives such gradients, and they are right)."""
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    if a.shape != b.shape and a.size == 1 and b.size == 1:
        a, b = a.reshape(()), b.reshape(())
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-7, atol=1e-10))


def _matches(received, expected):
    return isinstance(received, dict) and all(k in received and _same(received[k], v)
                                              for k, v in expected.items())


def _tape_error_hint(error):
    if isinstance(error, KeyError):
        return ("A gradient was looked up before it was computed: read the tape backwards "
                "(reversed(tape)), starting from grads = {loss: 1.0}, and skip records whose "
                "output has no gradient.")
    if isinstance(error, TypeError) and "argument" in str(error):
        return f"Your function should be callable as {_TAPE_SIGNATURE}."
    if isinstance(error, (TypeError, ValueError)) and "unpack" in str(error):
        return "Each record is a tuple (output, inputs, vjp): for output, inputs, vjp in ..."
    return None


@function_checker(_TAPE_TITLE, _TAPE_SIGNATURE, name_type=False)
def check_tape_backward(backward=...):
    """Check ``backward(tape, loss)``: the gradients of the loss for every name on the tape."""
    for number, make in enumerate(_TAPES, start=1):
        label, tape, loss = make()
        where = f"Case {number} of {len(_TAPES)} ({label})"
        expected = _backward(tape, loss)
        received, failed = learner_value(
            backward, (list(tape), loss), _TAPE_TITLE, where, error_hint=_tape_error_hint, copy_args=False,
            kind=dict, describe=lambda value: clean_text(repr(value), 80),
            kind_hint="Return a dict mapping each name (\"x\", \"a\", ...) to its gradient.")
        if failed is not None:
            return failed
        if _matches(received, expected):
            continue
        hint = next((h for wrong, h in _TAPE_MISTAKES if _matches(received, _safely(wrong, tape, loss))), None)
        missing = [k for k in expected if k not in received]
        wrong_keys = [k for k in expected if k in received and not _same(received[k], expected[k])]
        details = []
        if missing:
            details.append(("missing", ", ".join(missing)))
            hint = hint or ("Every name on the tape (inputs and outputs, the loss included) should "
                            "have a gradient in the returned dict.")
        for k in wrong_keys[:2]:
            details.append((f"d{loss}/d{k}", f"expected {format_value(expected[k])}, "
                                             f"received {format_value(received[k])}"))
        return Feedback(INCORRECT, _TAPE_TITLE, f"{where}: some gradients are wrong.", details=details,
                        hint=hint)
    return Feedback(CORRECT, _TAPE_TITLE,
                    f"All {len(_TAPES)} tapes give the right gradients, shared inputs included. "
                    "This is what loss.backward() does. Well done!")


# --- names in PyTorch -----------------------------------------------------------

DLMATH_NAMES = ("placeholder", "Variable", "Session.run", "gradients", "GradientDescentOptimizer",
                "softmax_cross_entropy")

PYTORCH_OPTIONS = {
    1: "loss.backward(), then p.grad",
    2: "torch.nn.functional.cross_entropy(logits, labels)",
    3: "torch.tensor(data): a plain tensor passed to the model",
    4: "torch.optim.SGD(params, lr=...)",
    5: "torch.nn.Parameter(torch.tensor(value)): a tensor with requires_grad=True",
    6: "model(x): calling the model runs it",
}

_MAPPING = dict(zip(DLMATH_NAMES, (3, 5, 6, 1, 4, 2)))

_MAPPING_HINTS = {
    ("placeholder", 5): "A placeholder holds data fed in at run time; it is not trained, so it needs no gradient.",
    ("Variable", 3): "A Variable is trained: in PyTorch that is a tensor that records gradients, a Parameter.",
    ("Session.run", 1): "Session.run computes values; in define-by-run code the values are computed "
                        "as soon as the model is called.",
    ("gradients", 6): "Calling the model computes the loss; the gradients come from reading the tape "
                      "backwards.",
    ("gradients", 4): "The optimizer uses gradients; it does not compute them.",
    ("GradientDescentOptimizer", 1): "backward() only computes gradients; the optimizer's step() uses them.",
    ("softmax_cross_entropy", 6): "Look for the function that combines the softmax with the "
                                  "cross-entropy against the labels.",
}


def _as_answers(mapping):
    """The six numbers in the order of DLMATH_NAMES, or (None, problem)."""
    if isinstance(mapping, dict):
        missing = [k for k in DLMATH_NAMES if k not in mapping]
        if missing:
            return None, ("Some dlmath names are missing: " + ", ".join(missing) + ".",
                          "Keep all six keys of the stub and give each a number from 1 to 6.")
        values = [mapping[k] for k in DLMATH_NAMES]
    elif isinstance(mapping, (list, tuple, np.ndarray)) and not isinstance(mapping, str):
        values = list(mapping)
        if len(values) != len(DLMATH_NAMES):
            return None, (f"Expected {len(DLMATH_NAMES)} numbers, one per dlmath name, got {len(values)}.",
                          "Give one number per name, in the order " + ", ".join(DLMATH_NAMES) + ".")
    else:
        return None, (f"This check expects a dict, but received {format_value(mapping)}.",
                      'Write mapping = {"placeholder": 3, ...}, one number from 1 to 6 per dlmath name.')
    return values, None


@checker
def check_name_mapping(mapping=...):
    """Check a dict from dlmath names to the numbers 1-6 of their PyTorch counterparts (PYTORCH_OPTIONS)."""
    title = "name mapping"
    if is_unattempted(mapping):
        return not_attempted(title)
    values, problem = _as_answers(mapping)
    if values is None:
        return Feedback(INCORRECT, title, problem[0], hint=problem[1])
    if all(is_unattempted(v) for v in values):
        return not_attempted(title)
    wrong = []
    for name, given in zip(DLMATH_NAMES, values):
        try:
            number = int(given)
            number = number if number == given else None
        except (TypeError, ValueError):
            number = None
        if number != _MAPPING[name]:
            wrong.append((name, given, number))
    if not wrong:
        return Feedback(CORRECT, title, "All six names are matched. Well done!")
    name, given, number = wrong[0]
    if isinstance(given, str) and given.strip().isdigit():
        hint = (f"{given!r} is text (it has quotes): write numbers without quotes, "
                f"{given.strip()} rather than {given!r}.")
    elif isinstance(given, bool) or (isinstance(given, (int, float, np.integer, np.floating)) and number is None):
        hint = f"Give a whole number, one of the numbers of the list, for {name!r}."
    elif number not in PYTORCH_OPTIONS:
        hint = f"Use one of the numbers 1 to 6 of the list for {name!r}."
    else:
        hint = _MAPPING_HINTS.get((name, number), f"Look again at {name!r}: what does it do in dlmath, "
                                                   "and which PyTorch line does the same job?")
    return Feedback(INCORRECT, title, f"{len(wrong)} of the 6 names are not matched right; the first is {name!r}.",
                    details=[("received", f"{name!r}: {clean_text(repr(given), 40)}")], hint=hint)


# --- per-example gradients (vmap of grad) ------------------------------------------


def _residuals(X, y, w, b):
    return X @ w + b - y


_PER_EXAMPLE_CASES = [
    Case("3 examples, 2 features", np.array([[1.0, 2.0], [0.5, -1.0], [-2.0, 0.0]]),
         np.array([1.0, 0.0, 2.0]), np.array([0.5, -0.25]), 0.1, batch_size=3),
    Case("a single example: its gradient is also the batch gradient", np.array([[2.0, -1.0, 0.5]]),
         np.array([3.0]), np.array([1.0, 1.0, -2.0]), 0.0, batch_size=1),
    Case("4 examples, the second fitted exactly (its row must be 0)",
         np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0], [-1.0, 1.0]]), np.array([0.0, 1.5, 1.0, -0.5]),
         np.array([1.0, 0.5]), 0.0, batch_size=4),
    Case("3 examples, 3 features (as many features as examples)",
         np.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0], [2.0, 0.0, 1.0]]), np.array([1.0, -1.0, 0.5]),
         np.array([0.5, -0.5, 1.0]), -0.2, batch_size=3),
]


def _random_per_example_case(rng):
    n, d = int(rng.integers(1, 9)), int(rng.integers(1, 6))
    X = np.round(rng.normal(size=(n, d)), 2)
    return Case(f"{n} examples, {d} features", X, np.round(rng.normal(size=n), 2),
                np.round(rng.normal(size=d), 2), float(np.round(rng.normal(), 2)), batch_size=n)


_PER_EXAMPLE_MISTAKES = [
    (lambda X, y, w, b: X.T @ _residuals(X, y, w, b) / len(y),
     "That is the gradient of the mean loss over the whole batch (one vector, the mean of the rows "
     "asked for). Keep one row per example: row i is r_i * X[i], with r = X @ w + b - y."),
    (lambda X, y, w, b: X.T @ _residuals(X, y, w, b),
     "You summed the examples' gradients into one vector. Keep one row per example: row i is "
     "r_i * X[i], with r = X @ w + b - y."),
    (lambda X, y, w, b: _per_example(X, y, w, b) / len(y),
     "Each row is the gradient of one example's own loss l_i, with no 1/N: the 1/N belongs to the "
     "mean over the batch, which per-example gradients do not take."),
    (lambda X, y, w, b: -_per_example(X, y, w, b),
     "Sign: the residual is the prediction minus the target, r = X @ w + b - y."),
    (lambda X, y, w, b: (X @ w - y)[:, None] * X,
     "The bias b is part of each prediction: r = X @ w + b - y."),
    (lambda X, y, w, b: 2 * _per_example(X, y, w, b),
     "The loss l_i = r_i**2 / 2 has a factor 1/2, which cancels the 2 from differentiating the "
     "square: the gradient is r_i * X[i]."),
    (lambda X, y, w, b: _per_example(X, y, w, b).T,
     "One row per example: the result has shape (N, d), like X, not (d, N)."),
    (lambda X, y, w, b: _residuals(X, y, w, b) * X,
     "r * X multiplies column j of X by r[j] (broadcasting lines r up with the columns). Scale "
     "row i by r[i] instead: r[:, None] * X."),
    (lambda X, y, w, b: _residuals(X, y, w, b)[:, None] * w,
     "d l_i / d w is r_i times the input x_i (the derivative of x_i . w), not times w."),
]


check_per_example_gradients = function_exercise(
    "per_example_gradients(X, y, w, b)", _per_example, _PER_EXAMPLE_CASES, title="per-example gradients",
    mistakes=_PER_EXAMPLE_MISTAKES, random_cases=_random_per_example_case, forbid_mutation=True,
    doc="""Check ``per_example_gradients(X, y, w, b)``: row i is d l_i / d w.

    ``l_i = (X[i] @ w + b - y[i]) ** 2 / 2``; the result has the shape (N, d) of ``X``.
    """)


# --- the best checkpointing of 36 layers ---------------------------------------------

CHECKPOINT_DEPTH = 36


@checker
def check_checkpoint_peak(value=...):
    """Check the smallest peak (in activations) of 36 checkpointed tanh layers, over k dividing 36."""
    divisors = [k for k in range(1, CHECKPOINT_DEPTH + 1) if CHECKPOINT_DEPTH % k == 0]
    best = min(_peak(CHECKPOINT_DEPTH, k) for k in divisors)
    return grade_value(value, best, title="checkpoint peak", integer=True, mistakes=[
        (best + 1, "Close: the first segment's checkpoint is the input X, which exists anyway and "
                   "is not counted, so there are D/k - 1 checkpoints to hold, not D/k."),
        (CHECKPOINT_DEPTH, "That is the peak without checkpointing (or with segments of 1 or 36 "
                           "layers). Try a segment length near the square root of 36."),
        (6, "6 is the best segment length k, not the peak: add the checkpoints held (D/k - 1) to "
            "the k activations of the recomputed segment."),
        (2 * 6, "2 sqrt(D) is the approximate formula; count exactly: D/k - 1 checkpoints plus one "
                "recomputed segment of k activations."),
    ])
