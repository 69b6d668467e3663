"""The operations: each class keeps its forward rule and its gradient rule together.

``forward(self, *inputs)`` computes the output from the input values.
``backward(self, grad, inputs, output)`` is the chain rule: given
``grad = d loss / d output`` it returns ``d loss / d input`` for each input
(a vector-Jacobian product). Elementwise ops may return gradients of the
broadcast shape; the engine sums them back to each input's shape in one place,
``dlmath.autodiff.unbroadcast``. The NumPy formulas themselves (stable sigmoid,
softmax, logsumexp) are written once in ``dlmath.functions``.

Lowercase functions (``add``, ``matmul``, ``sigmoid``...) build the nodes;
array-likes are accepted wherever a node is expected.
"""

import inspect

import numpy as np

from . import functions as F
from .errors import NumericError, ShapeError
from .graph import OPERATORS, Operation


# ---------------------------------------------------------------- elementwise

class _Binary(Operation):
    """An op on two arrays: when it fails, the shapes of the two say why, if they can."""

    def explain_failure(self, values, exc):
        a, b = (np.shape(v) for v in values)
        problem = self.shape_problem(a, b)
        if problem:
            return ShapeError(f"{self.name}: {problem}")
        return super().explain_failure(values, exc)

    def shape_problem(self, a, b):
        """What is wrong with the input shapes ``a`` and ``b`` for this op, or None."""
        return None


class _Elementwise(_Binary):
    """Binary elementwise op with NumPy broadcasting."""

    def shape_problem(self, a, b):
        try:
            np.broadcast_shapes(a, b)
        except ValueError:
            return (f"cannot broadcast shapes {a} {self.label} {b}: "
                    "elementwise ops need each trailing dimension to be equal or 1; "
                    "reshape one input (e.g. x[:, None] in NumPy) or transpose it")
        return None


class Add(_Elementwise):
    """a + b. Local derivatives: d(a+b)/da = 1, d(a+b)/db = 1."""

    label = "+"

    def forward(self, a, b):
        return a + b

    def backward(self, grad, inputs, output):
        return grad, grad                      # addition passes the gradient on


class Subtract(_Elementwise):
    """a - b. d(a-b)/da = 1, d(a-b)/db = -1."""

    label = "-"

    def forward(self, a, b):
        return a - b

    def backward(self, grad, inputs, output):
        return grad, -grad                     # d(a-b)/db = -1


class Multiply(_Elementwise):
    """a * b, elementwise. d(ab)/da = b, d(ab)/db = a."""

    label = "*"

    def forward(self, a, b):
        return a * b

    def backward(self, grad, inputs, output):
        a, b = inputs
        return grad * b, grad * a              # d(ab)/da = b, d(ab)/db = a


class Divide(_Elementwise):
    """a / b, elementwise. d(a/b)/da = 1/b, d(a/b)/db = -a/b^2."""

    label = "/"

    def forward(self, a, b):
        return a / b

    def backward(self, grad, inputs, output):
        a, b = inputs
        return grad / b, -grad * output / b    # -a/b^2 = -(a/b)/b


class Negative(Operation):
    """-x. d(-x)/dx = -1."""

    label = "neg"

    def forward(self, x):
        return -x

    def backward(self, grad, inputs, output):
        return -grad                           # d(-x)/dx = -1


class Square(Operation):
    """x^2. d/dx x^2 = 2x."""

    label = "square"

    def forward(self, x):
        return x * x

    def backward(self, grad, inputs, output):
        (x,) = inputs
        return grad * 2 * x                    # d/dx x^2 = 2x


class Exp(Operation):
    """e^x. d/dx e^x = e^x, which is the output itself."""

    label = "exp"

    def forward(self, x):
        return np.exp(x)

    def backward(self, grad, inputs, output):
        return grad * output                   # d/dx e^x = e^x


class Log(Operation):
    """Natural log, ln x, defined for x > 0. d/dx ln x = 1/x.

    A zero or negative input raises :class:`~dlmath.errors.NumericError`
    instead of silently giving -inf or nan. For log-probabilities use
    ``log_softmax`` or the fused losses, which never take the log of 0.
    """

    label = "log"

    def forward(self, x):
        if not (x > 0).all():
            bad = np.min(x)
            raise NumericError(
                f"{self.name}: log of a non-positive number (smallest input "
                f"{bad:.3g}, shape {np.shape(x)}) would give -inf or nan; keep "
                "the input positive (e.g. log(x + 1e-12)), or use log_softmax / "
                "softmax_cross_entropy / sigmoid_cross_entropy, which are stable")
        return np.log(x)

    def backward(self, grad, inputs, output):
        (x,) = inputs
        return grad / x                        # d/dx ln x = 1/x


class Sigmoid(Operation):
    """s(x) = 1 / (1 + e^-x), stable form in ``functions.sigmoid``. d/dx s = s (1 - s)."""

    label = "sigmoid"

    def forward(self, x):
        return F.sigmoid(x)

    def backward(self, grad, inputs, output):
        return grad * output * (1 - output)    # d/dx sigmoid = s (1 - s)


class Tanh(Operation):
    """tanh x. d/dx tanh x = 1 - tanh^2 x."""

    label = "tanh"

    def forward(self, x):
        return np.tanh(x)

    def backward(self, grad, inputs, output):
        return grad * (1 - output * output)    # d/dx tanh = 1 - tanh^2


class Relu(Operation):
    """max(x, 0). d/dx relu = 1 where x > 0, else 0 (we pick 0 at the kink)."""

    label = "relu"

    def forward(self, x):
        return F.relu(x)

    def backward(self, grad, inputs, output):
        return grad * (output > 0)             # 1 where x > 0, else 0


# ---------------------------------------------------------------- softmax

class _AlongAxis(Operation):
    """A one-input op that works along ``axis`` (the last one by default)."""

    def __init__(self, x, axis=-1, name=None):
        self.axis = axis
        super().__init__(x, name=name)


class Softmax(_AlongAxis):
    """softmax(x)_i = e^(x_i) / sum_j e^(x_j) along ``axis``.

    Stable form: subtract the max first (softmax is unchanged by a shift).
    Gradient: with s = softmax(x), dL/dx = s * (g - sum_j g_j s_j).
    """

    label = "softmax"

    def forward(self, x):
        return F.softmax(x, self.axis)

    def backward(self, grad, inputs, output):
        s = output                             # ds_i/dx_j = s_i (delta_ij - s_j)
        return s * (grad - (grad * s).sum(axis=self.axis, keepdims=True))


class LogSoftmax(_AlongAxis):
    """log softmax(x) = x - logsumexp(x) along ``axis``, never log(0).

    Gradient: dL/dx = g - softmax(x) * sum_j g_j, and softmax(x) = e^output.
    """

    label = "log_softmax"

    def forward(self, x):
        return F.log_softmax(x, self.axis)

    def backward(self, grad, inputs, output):
        # d(log s_i)/dx_j = delta_ij - s_j
        return grad - np.exp(output) * grad.sum(axis=self.axis, keepdims=True)


# ---------------------------------------------------------------- matrices

class MatMul(_Binary):
    """Matrix product a @ b: (m, n) @ (n, p) -> (m, p).

    d(a@b)/da: grad @ b^T,  d(a@b)/db: a^T @ grad. Vectors are treated as a
    row (for a) or a column (for b), and stacks of matrices broadcast as in
    NumPy.
    """

    label = "@"

    def forward(self, a, b):
        return a @ b

    def backward(self, grad, inputs, output):
        return self.backward_some(grad, inputs, output, (True, True))

    def backward_some(self, grad, inputs, output, needs):
        a, b = inputs
        if a.ndim == 2 and b.ndim == 2:        # the common case
            # dL/da = grad b^T,  dL/db = a^T grad (each only if needed)
            return (grad @ b.T if needs[0] else None,
                    a.T @ grad if needs[1] else None)
        a2 = a[None, :] if a.ndim == 1 else a  # row vector
        b2 = b[:, None] if b.ndim == 1 else b  # column vector
        out_shape = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + \
            (a2.shape[-2], b2.shape[-1])
        g = np.reshape(grad, out_shape)
        da = g @ np.swapaxes(b2, -1, -2)
        db = np.swapaxes(a2, -1, -2) @ g
        # drop the axis added for vectors; unbroadcast sums any stacked axes
        return (da[..., 0, :] if a.ndim == 1 else da,
                db[..., 0] if b.ndim == 1 else db)

    def shape_problem(self, a, b):
        if len(a) == 0 or len(b) == 0:
            return (f"cannot matrix-multiply a scalar, shapes {a} @ {b}; "
                    "use multiply (*) to scale by a number")
        inner_a, inner_b = a[-1], b[-2] if len(b) > 1 else b[0]
        if inner_a != inner_b:
            return (f"cannot multiply shapes {a} @ {b}: inner "
                    f"dimensions {inner_a} and {inner_b} differ (columns of the "
                    "left must equal rows of the right); check the order of the "
                    "operands, or transpose one of them")
        return None


class Transpose(Operation):
    """Permute axes (reverse them by default). Gradient: the inverse permutation."""

    label = "T"

    def __init__(self, x, axes=None, name=None):
        self.axes = None if axes is None else tuple(axes)
        super().__init__(x, name=name)

    def forward(self, x):
        return np.transpose(x, self.axes)

    def backward(self, grad, inputs, output):
        if self.axes is None:                  # reversing twice is the identity
            return np.transpose(grad)
        return np.transpose(grad, np.argsort(self.axes))


# ---------------------------------------------------------------- reductions

class ReduceSum(Operation):
    """Sum over ``axis`` (all axes if None). Each input element contributes
    once to its sum, so the gradient is the upstream gradient copied
    (broadcast) back along the summed axes."""

    label = "sum"

    def __init__(self, x, axis=None, keepdims=False, name=None):
        self.axis, self.keepdims = axis, keepdims
        super().__init__(x, name=name)

    def forward(self, x):
        return x.sum(axis=self.axis, keepdims=self.keepdims)

    def backward(self, grad, inputs, output):
        (x,) = inputs
        return _spread(grad, x, self.axis, self.keepdims)  # d sum/dx_i = 1


class ReduceMean(ReduceSum):
    """Mean over ``axis``: sum / N, so the gradient is grad / N, spread back."""

    label = "mean"

    def forward(self, x):
        return x.mean(axis=self.axis, keepdims=self.keepdims)

    def backward(self, grad, inputs, output):
        (x,) = inputs
        count = x.size // max(np.size(output), 1)
        return _spread(grad, x, self.axis, self.keepdims) / count  # d mean/dx_i = 1/N


def _spread(grad, x, axis, keepdims):
    """Broadcast ``grad`` back to the shape of ``x`` along the reduced axes."""
    if axis is not None and not keepdims:
        axes = np.atleast_1d(axis) % np.ndim(x)
        grad = np.expand_dims(grad, tuple(int(a) for a in axes))
    return np.broadcast_to(grad, x.shape)


# ---------------------------------------------------------------- builders

def _builder(name, op, doc):
    """The TF1-style function ``name`` that builds one ``op`` node: ``dm.add(a, b, name=None)``.

    Its parameters are those of the op's constructor (``x, axis=-1, name=None``); an op that
    takes only its inputs has the inputs of its ``forward`` (``a, b``), then ``name=None``.
    """
    if op.__init__ is not Operation.__init__:
        parameters = list(inspect.signature(op.__init__).parameters.values())[1:]  # without self
    else:
        parameters = list(inspect.signature(op.forward).parameters.values())[1:]
        parameters.append(inspect.Parameter("name", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None))
    signature = inspect.Signature(parameters)
    required = [p.name for p in parameters if p.default is inspect.Parameter.empty]
    optional = {p.name for p in parameters} - set(required)

    def build(*args, **kwargs):
        if len(args) == len(required) and kwargs.keys() <= optional:
            return op(*args, **kwargs)         # the usual call: dm.add(a, b), dm.softmax(x, axis=0)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(f"{name}() {error}") from None
        bound.apply_defaults()
        options = dict(bound.arguments)
        inputs = [options.pop(n) for n in required]
        return op(*inputs, **options)

    build.__name__ = build.__qualname__ = name
    build.__doc__, build.__signature__ = doc, signature
    return build


add = _builder("add", Add, "a + b (broadcasting).")
subtract = _builder("subtract", Subtract, "a - b (broadcasting).")
multiply = _builder("multiply", Multiply, "a * b elementwise (broadcasting).")
divide = _builder("divide", Divide, "a / b elementwise (broadcasting).")
matmul = _builder("matmul", MatMul, "Matrix product a @ b.")
negative = _builder("negative", Negative, "-x.")
square = _builder("square", Square, "x^2 elementwise.")
exp = _builder("exp", Exp, "e^x elementwise.")
log = _builder("log", Log, "Natural log elementwise; raises NumericError on inputs <= 0.")
sigmoid = _builder("sigmoid", Sigmoid, "1 / (1 + e^-x), stable for any x.")
tanh = _builder("tanh", Tanh, "Hyperbolic tangent.")
relu = _builder("relu", Relu, "max(x, 0).")
softmax = _builder("softmax", Softmax, "e^x / sum e^x along ``axis`` (max-shifted, stable).")
log_softmax = _builder("log_softmax", LogSoftmax, "x - logsumexp(x) along ``axis`` (stable).")
reduce_sum = _builder("reduce_sum", ReduceSum, "Sum over ``axis`` (an int, a tuple, or None for all).")
reduce_mean = _builder("reduce_mean", ReduceMean, "Mean over ``axis`` (an int, a tuple, or None for all).")
transpose = _builder("transpose", Transpose, "Reverse (or permute) the axes of x.")


OPERATORS.update(add=add, subtract=subtract, multiply=multiply, divide=divide,
                 matmul=matmul, negative=negative, square=square, transpose=transpose)


# ---------------------------------------------------------------- batch normalisation

class BatchNorm(Operation):
    """Batch normalisation (training mode): Y = gamma * Xhat + beta over the batch axis 0.

    Forward, per feature (every index of ``x.shape[1:]``), over the N examples:
    mu = mean(X), sigma^2 = mean((X - mu)^2) (the biased variance),
    sigma = sqrt(sigma^2 + eps), Xhat = (X - mu) / sigma, Y = gamma * Xhat + beta.
    ``gamma`` and ``beta`` have the shape of one example, ``x.shape[1:]``.

    Backward, with dY = d loss / d Y (mu and sigma depend on every example, so
    each dX_i collects three paths: through Xhat_i, through sigma, through mu):

        dX     = (gamma / sigma) / N * (N dY - sum_n dY - Xhat * sum_n (dY * Xhat))
        dgamma = sum_n dY * Xhat,        dbeta = sum_n dY

    (sums over the batch axis). Only the statistics of the batch are used: the
    running averages a framework keeps for inference are not part of this op.
    """

    label = "batch_norm"

    def __init__(self, x, gamma, beta, eps=1e-5, name=None):
        if isinstance(eps, (bool, str)) or not np.isscalar(eps) or not eps >= 0:
            raise NumericError(f"batch_norm: eps must be a number >= 0 (it keeps sigma away from "
                               f"0 for a constant feature), got {eps!r}")
        self.eps = float(eps)
        super().__init__(x, gamma, beta, name=name)

    def _normalise(self, x):
        """(Xhat, sigma) of the batch ``x``: the statistics both rules need."""
        mu = x.mean(axis=0)
        sigma = np.sqrt(((x - mu) ** 2).mean(axis=0) + self.eps)
        return (x - mu) / sigma, sigma

    def forward(self, x, gamma, beta):
        x = np.asarray(x, dtype=np.float64)
        if x.ndim < 1 or x.shape[0] < 2:
            raise ShapeError(
                f"{self.name} (batch_norm): the input has shape {np.shape(x)}, but batch "
                "normalisation needs a batch of at least 2 examples along axis 0 (with one "
                "example every feature normalises to 0 and the gradient vanishes)")
        for what, value in (("gamma", gamma), ("beta", beta)):
            if np.shape(value) != x.shape[1:]:
                raise ShapeError(
                    f"{self.name} (batch_norm): {what} has shape {np.shape(value)}, but it must "
                    f"have the shape of one example, x.shape[1:] = {x.shape[1:]} (one {what} "
                    f"per feature); for x of shape {x.shape} use e.g. np.ones({x.shape[1:]})")
        x_hat, _ = self._normalise(x)
        return gamma * x_hat + beta                      # Y = gamma Xhat + beta

    def backward(self, grad, inputs, output):
        x, gamma, _ = inputs
        x_hat, sigma = self._normalise(np.asarray(x, dtype=np.float64))
        n = x.shape[0]
        sum_grad = grad.sum(axis=0)                      # dbeta = sum_n dY
        sum_grad_x_hat = (grad * x_hat).sum(axis=0)      # dgamma = sum_n dY Xhat
        dx = (gamma / sigma) / n * (n * grad - sum_grad - x_hat * sum_grad_x_hat)
        return dx, sum_grad_x_hat, sum_grad


batch_norm = _builder("batch_norm", BatchNorm,
                      "(x - mean) / sqrt(var + eps) * gamma + beta, statistics over the batch axis 0.")
