"""Reverse-mode differentiation (backpropagation): ``backward`` and its helpers.

Walk the graph from the loss back to its inputs, in reverse topological
order. Each operation turns d loss / d output into d loss / d input with its
gradient rule; a node used several times adds up the gradients from all its
consumers (the multivariable chain rule).

Gradient rules are looked up in a registry, so a lesson can replace one::

    @dm.register_gradient(dm.ops.Sigmoid)
    def my_sigmoid_grad(op, grad, inputs, output):
        return grad * output * (1 - output)

    dm.reset_gradient(dm.ops.Sigmoid)      # back to the built-in rule

A gradient function receives ``(op, grad, inputs, output)``: the operation
node, the upstream gradient d loss / d output, the tuple of this run's input
values and the output value; it returns one gradient per input (``None`` for
"no gradient"), or a single array for a one-input op.
"""

from contextlib import contextmanager

import numpy as np

from .errors import DlmathError, GradientError, OpError
from .graph import Operation, topological_order


def unbroadcast(grad, shape):
    """Sum ``grad`` down to ``shape``, undoing NumPy broadcasting.

    If x of shape (3, 1) was broadcast to (2, 3, 4) in the forward pass, each
    x element was used 2 * 4 times, so its gradient is the sum over the new
    leading axis and over the stretched axis of size 1.
    """
    grad = np.asarray(grad)
    if grad.shape == shape:
        return grad
    while grad.ndim > len(shape):               # axes broadcasting added in front
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):         # axes of size 1 that were stretched
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    if grad.shape != shape:                     # e.g. a rule returned a scalar
        grad = np.broadcast_to(grad, shape)
    return grad


# ---------------------------------------------------------------- rule registry

_custom_rules = {}   # op class -> gradient function registered by the user


def register_gradient(op_class, fn=None):
    """Use ``fn(op, grad, inputs, output)`` as the gradient rule of ``op_class``.

    Works as a decorator (``@register_gradient(Sigmoid)``) or a call
    (``register_gradient(Sigmoid, fn)``). Undo with :func:`reset_gradient`.
    """
    if not (isinstance(op_class, type) and issubclass(op_class, Operation)):
        raise GradientError(
            f"register_gradient needs an Operation class, got {op_class!r}; "
            "write @register_gradient(dm.ops.Sigmoid) above the function")

    def register(fn):
        _custom_rules[op_class] = fn
        return fn
    return register if fn is None else register(fn)


def reset_gradient(op_class=None):
    """Restore the built-in rule of ``op_class`` (of every op class if None)."""
    if op_class is None:
        _custom_rules.clear()
    else:
        _custom_rules.pop(op_class, None)


@contextmanager
def gradient_override(op_class, fn):
    """``with gradient_override(Sigmoid, fn):`` uses ``fn`` inside the block only."""
    previous = _custom_rules.get(op_class)
    register_gradient(op_class, fn)
    try:
        yield fn
    finally:
        if previous is None:
            reset_gradient(op_class)
        else:
            register_gradient(op_class, previous)


def custom_rule(op):
    """The gradient function registered for the class of ``op``, or None."""
    return _custom_rules.get(type(op))


# ---------------------------------------------------------------- the backward pass

def backward(loss, values, wrt=None):
    """d loss / d node for every node between ``wrt`` (all nodes if None) and ``loss``.

    ``values`` holds a forward pass's value of every node (``Session`` and
    ``dlmath.session.evaluate`` make it). Returns a dict node -> gradient.
    (``dlmath.compiled`` replays this loop with the plan worked out once.)
    """
    grads = {loss: np.ones_like(check_scalar(loss, values[loss]))}  # dL/dL = 1
    for op, needs in reversed(backward_plan(loss, wrt)):  # consumers first
        # an intermediate gradient nobody asked for is dropped once used: frees memory early
        grad = grads.get(op) if wrt is None or op in wrt else grads.pop(op, None)
        if grad is None:
            continue                                    # op does not reach the loss
        inputs = tuple([values[node] for node in op.inputs])
        input_grads = apply_rule(op, grad, inputs, values[op], needs)  # chain rule
        for node, need, value, g in zip(op.inputs, needs, inputs, input_grads):
            if need and g is not None:
                if type(g) is not np.ndarray or g.shape != value.shape:
                    g = fit_shape(op, node, g, value.shape)     # undo broadcasting
                grads[node] = grads[node] + g if node in grads else g  # sum over uses
    return grads


def backward_plan(loss, wrt=None):
    """The operations on a path from a node of ``wrt`` (from any node if None)
    to ``loss``, inputs first, each with a tuple saying which of its inputs
    need a gradient (lie on such a path)."""
    order = topological_order([loss])
    needed = set(order if wrt is None else wrt)
    for node in order:                                  # inputs come before consumers
        if any(i in needed for i in node.inputs):
            needed.add(node)
    return [(op, tuple([i in needed for i in op.inputs])) for op in order
            if op in needed and isinstance(op, Operation)]


def check_scalar(loss, value):
    """``value`` if it has one element, else a :class:`GradientError`."""
    if np.size(value) != 1:
        raise GradientError(
            f"the loss {loss.name!r} has shape {np.shape(value)}, but gradients "
            "need a scalar loss (one number); wrap it in reduce_mean(...) or "
            "reduce_sum(...)")
    return value


def apply_rule(op, grad, inputs, output, needs):
    """The gradient rule of ``op`` (registered, else the op's own
    ``backward_some``, which may skip the inputs whose ``needs`` is False) as a
    tuple of one gradient per input, with an error naming the op if it fails."""
    custom = custom_rule(op)
    try:
        input_grads = custom(op, grad, inputs, output) if custom \
            else op.backward_some(grad, inputs, output, needs)
    except DlmathError:
        raise
    except Exception as exc:
        shapes = ", ".join(str(np.shape(v)) for v in inputs)
        raise OpError(f"{op.name}: gradient rule of {type(op).__name__} "
                      f"failed on input shapes {shapes}: "
                      f"{type(exc).__name__}: {exc}") from exc
    if type(input_grads) is not tuple:
        input_grads = tuple(input_grads) if isinstance(input_grads, list) \
            else (input_grads,)
    if len(input_grads) != len(inputs):
        raise GradientError(
            f"{op.name}: the gradient rule of {type(op).__name__} returned "
            f"{len(input_grads)} gradients for {len(inputs)} inputs; return "
            "one per input (None for an input with no gradient)")
    return input_grads


def fit_shape(op, node, grad, shape):
    """``unbroadcast(grad, shape)``, with an error naming the rule that returned
    a gradient of a shape that does not fit ``node``."""
    try:
        return unbroadcast(grad, shape)
    except (ValueError, TypeError):
        raise GradientError(
            f"{op.name}: the gradient rule of {type(op).__name__} returned a "
            f"gradient of shape {np.shape(grad)} for input {node.name!r} of shape "
            f"{shape}; a gradient must have the input's shape (or the "
            "broadcast shape)") from None

