"""Checkers for the linear algebra lesson.

* ``check_layer(layer)``: ``layer(X, W, b)`` returns the outputs of a dense
  layer, ``X @ W + b``, for a batch ``X`` of shape (n, d) (rows are examples),
  weights ``W`` of shape (d, h) and a bias ``b`` of shape (h,).
* ``check_matmul_shape(shape)``: with ``X`` of shape (32, 784), ``W1`` (784, 128),
  ``b1`` (128,) and ``W2`` (128, 10), the shape of ``(X @ W1 + b1) @ W2``, as a tuple.
* ``check_cosine_similarity(cosine_similarity)``: ``cosine_similarity(u, v)``
  returns ``u . v / (|u| |v|)`` for two 1-d arrays.
* ``check_spectral_norm(spectral_norm)``: ``spectral_norm(W)`` returns the largest
  singular value of a matrix of any shape, ``max |W x| / |x|``.
* ``check_weight_gradient(weight_gradient)``: ``weight_gradient(X, Delta)`` returns
  the gradient of a batch loss (a sum over examples) with respect to the weights of
  a dense layer, the sum of the outer products ``x_i delta_i^T``, which is
  ``X^T Delta``, shape (d, h).
* ``check_broadcast_shape(broadcast_shape)``: ``broadcast_shape(a, b)`` returns the
  shape NumPy gives an element-wise operation between arrays of two compatible
  shapes ``a`` and ``b`` (tuples): aligned from the right, size-1 axes stretched.
"""

import numbers

import numpy as np

from dlmath.course.linear_algebra import dense as _layer, weight_gradient as _weight_gradient

from .checking import (Case, checker, function_exercise, is_unattempted, not_attempted, rounded_normal,
                       sized_case)
from .feedback import CORRECT, INCORRECT, Feedback, format_value

# --- a dense layer -------------------------------------------------------------


@sized_case("n d h", 1, 8, "{n} example(s), {d} feature(s), {h} output(s)")
def _layer_case(label, n, d, h, seed):
    rng = np.random.default_rng(seed)
    X, W, b = rounded_normal(rng, (n, d), (d, h), h)
    return Case(label, X, W, b)


_LAYER_CASES = [
    _layer_case("4 examples, 3 features, 2 outputs", 4, 3, 2, 0),
    _layer_case("3 examples, 3 features, 3 outputs (square W)", 3, 3, 3, 1),
    _layer_case("1 example, 5 features, 4 outputs", 1, 5, 4, 2),
    _layer_case("6 examples, 1 feature, 1 output", 6, 1, 1, 3),
]


_LAYER_MISTAKES = [
    (lambda X, W, b: X @ W,
     "The bias is missing: add b to every row of X @ W (broadcasting does it for you: X @ W + b)."),
    (lambda X, W, b: X @ W.T + b,
     "W has shape (d, h), inputs by outputs, so X (n, d) multiplies it directly: X @ W, without .T."),
    (lambda X, W, b: X @ W + b[:, None],
     "The bias was broadcast along the wrong axis: b[:, None] has shape (h, 1) and is added down the "
     "columns. b has one entry per output unit (column), so add it as it is: X @ W + b."),
    (lambda X, W, b: W @ X + b,
     "The order of the product: rows of X are examples, so the layer is X @ W (n, d) @ (d, h), not W @ X."),
    (lambda X, W, b: X * W + b,
     "`*` multiplies entry by entry; a layer needs the matrix product `@`: X @ W + b."),
    (lambda X, W, b: (X @ W + b).T,
     "You returned the transpose: the result should have one row per example, shape (n, h)."),
    (lambda X, W, b: X @ W - b,
     "Sign: add the bias, do not subtract it: X @ W + b."),
    (lambda X, W, b: X @ W + b.sum(),
     "Each output unit has its own bias: add the vector b, not its sum."),
]


check_layer = function_exercise(
    "layer(X, W, b)", _layer, _LAYER_CASES, title="dense layer", mistakes=_LAYER_MISTAKES,
    random_cases=_layer_case.random,
    doc="""Check ``layer(X, W, b)``: a dense layer on a batch, ``X @ W + b``, shape (n, h).""")


# --- predict the shape of a product ----------------------------------------------

_EXPECTED_SHAPE = (32, 10)
_SHAPE_MISTAKES = {
    (10, 32): "Rows are examples: X has 32 rows, and each matrix product keeps the rows of its left "
              "factor. The result has one row per example.",
    (32, 128): "That is the shape of the hidden layer X @ W1 + b1. It is then multiplied by W2.",
    (784, 10): "(784, 10) would be W1 @ W2. X comes first: (32, 784) @ (784, 128) keeps the 32 rows.",
    (32, 784): "That is X itself. Each product (n, k) @ (k, m) gives (n, m): the inner k disappears.",
    (128, 10): "That is W2's shape. The product (n, k) @ (k, m) takes its rows from the left factor.",
    (32, 128, 10): "A matrix product of 2-d arrays is 2-d: (n, k) @ (k, m) gives (n, m); the inner "
                   "dimension k disappears.",
    (32, 784, 128, 10): "The inner dimensions disappear: (n, k) @ (k, m) gives (n, m).",
}


def _as_shape(value):
    """The learner's answer as a tuple of ints, or None."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),)
    if not isinstance(value, (tuple, list)):
        return None
    shape = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, numbers.Real):  # int, float, NumPy, Fraction...
            return None
        if not float(item).is_integer():
            return None
        shape.append(int(item))
    return tuple(shape)


@checker
def check_matmul_shape(shape=...):
    """Check the shape of ``(X @ W1 + b1) @ W2`` for X (32, 784), W1 (784, 128), b1 (128,), W2 (128, 10).

    Give a tuple such as ``(3, 4)``.
    """
    title = "shape of a product"
    if is_unattempted(shape):
        return not_attempted(title)
    answer = _as_shape(shape)
    if answer is None:
        return Feedback(INCORRECT, title, f"This check expects a shape, a tuple of whole numbers such as "
                        f"(3, 4), but received {format_value(shape)}.")
    if answer == _EXPECTED_SHAPE:
        return Feedback(CORRECT, title, "That is right. Well done!")
    hint = _SHAPE_MISTAKES.get(answer)
    if hint is None:
        if len(answer) == 1:
            hint = "The product of two matrices is a matrix: give two numbers, (rows, columns)."
        elif len(answer) != 2:
            hint = "A matrix product of 2-d arrays is 2-d: give two numbers, (rows, columns)."
        else:
            hint = ("Work from left to right: (n, k) @ (k, m) gives (n, m), and adding b1 (shape (128,)) "
                    "keeps the shape.")
    return Feedback(INCORRECT, title, "Not quite: this is not the expected shape.",
                    details=[("received", str(answer))], hint=hint)


# --- cosine similarity ----------------------------------------------------------


def _cosine(u, v):
    return u @ v / (np.linalg.norm(u) * np.linalg.norm(v))


_COSINE_CASES = [
    Case("u = (3, 4), v = (5, -1)", np.array([3.0, 4.0]), np.array([5.0, -1.0])),
    Case("two 4-vectors of different lengths", np.array([1.0, -2.0, 0.5, 3.0]), np.array([2.0, 0.0, -1.0, 4.0])),
    Case("opposite-ish 3-vectors", np.array([1.0, 2.0, -1.0]), np.array([-3.0, -5.0, 4.0])),
    Case("orthogonal vectors: cosine 0", np.array([1.0, 2.0]), np.array([-4.0, 2.0])),
    Case("parallel vectors of different lengths: cosine 1", np.array([1.0, -1.0, 2.0]), np.array([3.0, -3.0, 6.0])),
    Case("one-entry vectors", np.array([-2.0]), np.array([5.0])),
]


def _random_cosine_case(rng):
    d = int(rng.integers(1, 9))
    u, v = (np.round(rng.normal(size=d), 2) for _ in range(2))
    u[int(rng.integers(d))] = 1.5  # never the zero vector
    v[int(rng.integers(d))] = -0.5
    return Case(f"two {d}-vectors", u, v)

_COSINE_MISTAKES = [
    (lambda u, v: u @ v,
     "That is the plain dot product. Divide by both lengths, |u| |v|, so that only the angle counts."),
    (lambda u, v: u @ v / np.linalg.norm(u),
     "Divide by both lengths: |u| * |v|, not only |u|."),
    (lambda u, v: u @ v / np.linalg.norm(v),
     "Divide by both lengths: |u| * |v|, not only |v|."),
    (lambda u, v: u @ v / (u @ u * (v @ v)),
     "You divided by the squared lengths u . u and v . v; the length is the square root: np.linalg.norm."),
    (lambda u, v: u @ v / (np.abs(u).sum() * np.abs(v).sum()),
     "np.abs(u).sum() is the L1 norm. The cosine uses the Euclidean length sqrt(u . u), np.linalg.norm(u)."),
    (lambda u, v: np.arccos(np.clip(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1)),
     "You returned the angle itself (in radians); the exercise asks for its cosine, without np.arccos."),
    (lambda u, v: u @ v / np.linalg.norm(u * v),
     "|u * v| is the length of the element-wise product, not |u| |v|: take the two norms separately."),
    (lambda u, v: np.linalg.norm(u - v),
     "That is the distance |u - v|. The cosine similarity is u . v / (|u| |v|)."),
]


check_cosine_similarity = function_exercise(
    "cosine_similarity(u, v)", _cosine, _COSINE_CASES, title="cosine similarity",
    mistakes=_COSINE_MISTAKES, random_cases=_random_cosine_case,
    doc="""Check ``cosine_similarity(u, v)``: the cosine of the angle between two vectors.""")


# --- the spectral norm from the SVD -----------------------------------------------


def _spectral_norm(W):
    # |W|_2 = sigma_1, the largest singular value: the most W stretches a unit vector
    return np.linalg.svd(W, compute_uv=False)[0]


def _rotation(degrees):
    angle = np.deg2rad(degrees)
    return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


_SPECTRAL_CASES = [
    Case("W = [[1, 2], [-3, 0.5]]", np.array([[1.0, 2.0], [-3.0, 0.5]])),
    Case("W = diag(-3, 2): the stretch along e_1 is 3, whatever the sign", np.diag([-3.0, 2.0])),
    Case("a symmetric 2 x 2 with eigenvalues -4 and 1", np.array([[-1.5, 2.5], [2.5, -1.5]])),
    Case("a rotation by 30 degrees: it stretches nothing", _rotation(30)),
    Case("a 2 x 3 matrix (not square)", np.array([[1.0, 0.0, 2.0], [0.0, 3.0, -1.0]])),
    Case("a rank-1 outer product u v^T with |u| = 5, |v| = 2", np.outer([3.0, 4.0], [0.0, 2.0, 0.0])),
    Case("a shear [[1, 1], [0, 1]]", np.array([[1.0, 1.0], [0.0, 1.0]])),
    Case("a single column of shape (4, 1)", np.array([[1.0], [-2.0], [2.0], [4.0]])),
]


def _random_spectral_case(rng):
    n, m = (int(v) for v in rng.integers(1, 7, size=2))
    return Case(f"a random {n} x {m} matrix", np.round(rng.normal(size=(n, m)), 2))


def _singular_values(W):
    return np.linalg.svd(W, compute_uv=False)


_SPECTRAL_MISTAKES = [
    (lambda W: np.linalg.norm(W),
     "That is the Frobenius norm sqrt(sum of W_ij^2) = sqrt(sum of sigma_i^2), which counts every "
     "singular value. The spectral norm is the largest one alone, sigma_1 (eq-linalg-spectral-is-sigma)."),
    (lambda W: _singular_values(W)[0] ** 2,
     "You returned sigma_1^2, the largest eigenvalue of W^T W. The singular values are the square "
     "roots of those eigenvalues: take the square root, or use np.linalg.svd directly."),
    (lambda W: _singular_values(W).sum(),
     "That is the sum of all singular values (the nuclear norm). The spectral norm is only the "
     "largest singular value, the most W stretches a unit vector."),
    (lambda W: _singular_values(W)[-1],
     "That is the smallest singular value: np.linalg.svd returns them in decreasing order, so the "
     "largest is the first, sigma[0]."),
    (lambda W: np.abs(W).max(),
     "That is the largest entry in absolute value. A matrix stretches some directions more than any "
     "single entry says (try the shear [[1, 1], [0, 1]]): use the singular values."),
    (lambda W: np.linalg.norm(W, axis=0).max(),
     "That is the length of the longest column, the stretch of one basis vector. Another direction, "
     "the first right singular vector v_1, may be stretched more: sigma_1 is the maximum over all."),
    (lambda W: np.max(np.linalg.eigvals(W).real),
     "That is the largest eigenvalue of W. Eigenvalues are not singular values unless W is symmetric "
     "positive semidefinite: a negative eigenvalue still stretches, and a rotation has no real ones. "
     "Use np.linalg.svd(W, compute_uv=False)[0]."),
    (lambda W: np.abs(np.linalg.eigvals(W)).max(),
     "That is the largest eigenvalue in absolute value. For a non-symmetric matrix (a shear) the "
     "singular values differ from the eigenvalues: use np.linalg.svd."),
    (lambda W: np.max(W),
     "That is the largest entry. The spectral norm is the largest singular value of W."),
]


check_spectral_norm = function_exercise(
    "spectral_norm(W)", _spectral_norm, _SPECTRAL_CASES, title="spectral norm",
    mistakes=_SPECTRAL_MISTAKES, random_cases=_random_spectral_case, forbid_mutation=True,
    doc="""Check ``spectral_norm(W)``: the largest singular value sigma_1 of a matrix of any shape.""")


# --- the weight gradient as a sum of outer products ---------------------------------


def _gradient_case(label, n, d, h, seed):
    rng = np.random.default_rng(seed)
    X, Delta = rounded_normal(rng, (n, d), (n, h))
    return Case(label, X, Delta, batch_size=n)


_GRADIENT_CASES = [
    _gradient_case("1 example, 3 inputs, 2 outputs: one outer product", 1, 3, 2, 10),
    _gradient_case("4 examples, 3 inputs, 2 outputs", 4, 3, 2, 11),
    _gradient_case("5 examples, 3 inputs, 3 outputs (square W)", 5, 3, 3, 12),
    _gradient_case("3 examples, 1 input, 4 outputs", 3, 1, 4, 13),
]


def _random_gradient_case(rng):
    n, d, h = (int(v) for v in rng.integers(1, 7, size=3))
    if n == 1:
        n = 2  # the fixed cases cover a single example; random ones test the sum
    return _gradient_case(f"{n} examples, {d} input(s), {h} output(s)", n, d, h, int(rng.integers(2**31)))


_GRADIENT_MISTAKES = [
    (lambda X, Delta: Delta.T @ X,
     "You returned the transpose, shape (h, d). The gradient has the shape of W, (d, h): rows for "
     "inputs, columns for outputs. One example gives x delta^T (a column times a row), so the batch "
     "gives X^T Delta, not Delta^T X."),
    (lambda X, Delta: X.T @ Delta / len(X),
     "You divided by the number of examples. The loss here is a sum over the batch, so its gradient "
     "is the sum of the outer products, not their mean."),
    (lambda X, Delta: np.outer(X.sum(axis=0), Delta.sum(axis=0)),
     "That is the outer product of the sums, (sum_i x_i)(sum_j delta_j)^T: it mixes examples, "
     "pairing the input of one example with the output gradient of another. Sum the outer products "
     "x_i delta_i^T of each example's own pair."),
    (lambda X, Delta: np.outer(X[0], Delta[0]),
     "Only the first example counts in your result. The batch loss adds every example's loss, so "
     "add up x_i delta_i^T over all rows i."),
    (lambda X, Delta: np.outer(X[-1], Delta[-1]),
     "Only the last example counts in your result: inside the loop, add to the total (grad += ...) "
     "instead of replacing it (grad = ...)."),
    (lambda X, Delta: -(X.T @ Delta),
     "Sign: the gradient with respect to W is + x delta^T (z_j = sum_k x_k W_kj + b_j has derivative "
     "+x_k). The minus belongs to the gradient-descent step, not to the gradient."),
    (lambda X, Delta: X.T @ Delta + Delta.sum(axis=0),
     "You added the bias gradient (the column sums of Delta). The weight gradient alone is X^T Delta."),
]


check_weight_gradient = function_exercise(
    "weight_gradient(X, Delta)", _weight_gradient, _GRADIENT_CASES, title="weight gradient",
    mistakes=_GRADIENT_MISTAKES, random_cases=_random_gradient_case, forbid_mutation=True,
    doc="""Check ``weight_gradient(X, Delta)``: the sum over examples of x_i delta_i^T, that is X^T Delta.""")


# --- the shape of a broadcast ---------------------------------------------------------


def _broadcast_shape(a, b):
    # align from the right; a missing axis counts as 1; a size 1 stretches to the other size
    return tuple(int(n) for n in np.broadcast_shapes(tuple(a), tuple(b)))


_BROADCAST_CASES = [
    Case("(4, 3) and (3,): a bias added to every row", (4, 3), (3,)),
    Case("(2, 3) and (3,)", (2, 3), (3,)),
    Case("(5, 1) and (5,): a column meets a vector", (5, 1), (5,)),
    Case("(2, 3) and (2, 1): a column added to every column", (2, 3), (2, 1)),
    Case("(32, 3, 28, 28) and (3, 1, 1): one mean per channel", (32, 3, 28, 28), (3, 1, 1)),
    Case("(1, 6) and (4, 1): a row and a column make a table", (1, 6), (4, 1)),
    Case("(7, 4, 5) and (7, 1, 5)", (7, 4, 5), (7, 1, 5)),
    Case("() and (2, 3): a scalar", (), (2, 3)),
]


def _random_broadcast_case(rng):
    result = [int(n) for n in rng.integers(2, 6, size=int(rng.integers(1, 5)))]
    shapes = []
    for _ in range(2):
        kept = result[len(result) - int(rng.integers(0, len(result) + 1)):]   # a suffix of the result
        shapes.append(tuple(1 if rng.random() < 0.3 else n for n in kept))
    if all(len(s) < len(result) for s in shapes):
        shapes[0] = tuple(result)
    return Case(f"{shapes[0]} and {shapes[1]}", *shapes)


def _left_aligned(a, b):
    n = max(len(a), len(b))
    a, b = tuple(a) + (1,) * (n - len(a)), tuple(b) + (1,) * (n - len(b))
    return tuple(max(x, y) for x, y in zip(a, b))


def _right_zip(a, b, pick):
    pairs = list(zip(reversed(tuple(a)), reversed(tuple(b))))
    return tuple(pick(x, y) for x, y in reversed(pairs))


_BROADCAST_MISTAKES = [
    (lambda a, b: _right_zip(a, b, max),
     "Your result has too few axes: pairing the axes from the right stops at the end of the shorter "
     "shape, but the longer shape's remaining axes are kept (a missing axis counts as 1)."),
    (lambda a, b: _broadcast_shape(a, b)[::-1],
     "Your axes come out in reverse order: if you walked from the right, reverse the result at the "
     "end so that the first axis comes first."),
    (lambda a, b: tuple(a) if len(a) >= len(b) else tuple(b),
     "You returned the longer shape unchanged. A size 1 is stretched to the other array's size: "
     "(5, 1) and (5,) give (5, 5)."),
    (_left_aligned,
     "You lined the shapes up from the left. NumPy lines them up from the right: (2, 3) and (3,) "
     "match their last axes, 3 with 3, and the result is (2, 3)."),
    (lambda a, b: tuple(min(x, y) for x, y in zip(*[(1,) * (max(len(a), len(b)) - len(s)) + tuple(s)
                                                     for s in (a, b)])),
     "On each axis the result takes the larger size (a size 1 is stretched to the other), not the "
     "smaller."),
]


check_broadcast_shape = function_exercise(
    "broadcast_shape(a, b)", _broadcast_shape, _BROADCAST_CASES, title="broadcast shape",
    mistakes=_BROADCAST_MISTAKES, random_cases=_random_broadcast_case, exact=True,
    doc="""Check ``broadcast_shape(a, b)``: the shape of an element-wise operation between two compatible shapes.""")
