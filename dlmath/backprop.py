"""Reverse-mode differentiation (backpropagation).

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
from .graph import Operation, Variable, topological_order
from .session import as_fetch_list, evaluate, prepare_feed


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


def gradient_rule(op_class):
    """The gradient function used for ``op_class``: the one registered for
    exactly this class if any, else the class's own ``backward`` method."""
    return _custom_rules.get(op_class) or op_class.backward


# ---------------------------------------------------------------- backprop

def _backward_plan(loss, wrt):
    """Operations to visit, last to first, each with the mask of inputs
    needing a gradient. Only nodes on a path from ``wrt`` (all nodes if None)
    to the loss are visited. Cached on the graph."""
    graph = loss.graph
    key = ("backward", loss, wrt)
    plan = graph._cache.get(key)
    if plan is None:
        order = topological_order([loss])
        targets = set(order) if wrt is None else set(wrt)
        needed = set()
        for node in order:                      # inputs come before consumers
            if node in targets or any(i in needed for i in node.inputs):
                needed.add(node)
        # (op, which inputs need a gradient, keep op's own gradient?)
        plan = [(op, tuple(i in needed for i in op.inputs),
                 wrt is None or op in targets)
                for op in reversed(order)
                if isinstance(op, Operation) and op in needed]
        graph._cache[key] = plan
    return plan


def backprop(loss, values, wrt=None):
    """d loss / d node for the nodes on the paths from ``wrt`` to ``loss``.

    ``values`` is a run's value dict (see ``session.evaluate``). Returns a dict
    node -> gradient array; fresh arrays on every call.
    """
    seed = values[loss]
    if np.size(seed) != 1:
        raise GradientError(
            f"the loss {loss.name!r} has shape {np.shape(seed)}, but gradients "
            "need a scalar loss (one number); wrap it in reduce_mean(...) or "
            "reduce_sum(...)")
    grads = {loss: np.ones_like(seed)}        # d loss / d loss = 1
    for op, needs, keep in _backward_plan(loss, wrt):
        # an intermediate gradient is dropped once used, to free memory early
        grad = grads.get(op) if keep else grads.pop(op, None)
        if grad is None:                      # op does not reach the loss
            continue
        inputs = tuple([values[node] for node in op.inputs])
        op.needs_input_grad = needs
        try:
            rule = gradient_rule(type(op))    # looked up each time: always current
            input_grads = rule(op, grad, inputs, values[op])
        except DlmathError:
            raise
        except Exception as exc:
            shapes = ", ".join(str(np.shape(v)) for v in inputs)
            raise OpError(f"{op.name}: gradient rule of {type(op).__name__} "
                          f"failed on input shapes {shapes}: "
                          f"{type(exc).__name__}: {exc}") from exc
        finally:
            op.needs_input_grad = ()           # a later direct backward() computes all
        if type(input_grads) is not tuple:
            input_grads = tuple(input_grads) if isinstance(input_grads, list) \
                else (input_grads,)
        if len(input_grads) != len(inputs):
            raise GradientError(
                f"{op.name}: the gradient rule of {type(op).__name__} returned "
                f"{len(input_grads)} gradients for {len(inputs)} inputs; return "
                "one per input (None for an input with no gradient)")
        for node, need, value, g in zip(op.inputs, needs, inputs, input_grads):
            if need and g is not None:
                if type(g) is not np.ndarray or g.shape != value.shape:
                    g = _unbroadcast_for(op, node, g, value.shape)
                total = grads.get(node)
                grads[node] = g if total is None else total + g  # chain rule sum
    return grads


def _unbroadcast_for(op, node, grad, shape):
    """unbroadcast, with an error naming the rule that returned a bad shape."""
    try:
        return unbroadcast(grad, shape)
    except (ValueError, TypeError):
        raise GradientError(
            f"{op.name}: the gradient rule of {type(op).__name__} returned a "
            f"gradient of shape {np.shape(grad)} for input {node.name!r} of shape "
            f"{shape}; a gradient must have the input's shape (or the "
            "broadcast shape)") from None


def gradients(loss, wrt, feed_dict=None):
    """d loss / d w for each node w in ``wrt`` (a node, or a list of nodes).

    Runs the graph with ``feed_dict``; returns an array shaped like each
    node's value (zeros if the loss does not depend on it): one array for a
    single node, a list for a list.
    """
    nodes, single = as_fetch_list(wrt)
    loss = _check_loss(loss)
    values = evaluate([loss, *nodes], prepare_feed(feed_dict, loss.graph))
    grads = backprop(loss, values, tuple(nodes))
    result = [np.array(grads[n]) if n in grads else np.zeros(np.shape(values[n]))
              for n in nodes]
    return result[0] if single else result


def compute_gradients(loss, feed_dict=None):
    """A dict mapping every node the loss depends on to d loss / d node."""
    loss = _check_loss(loss)
    values = evaluate([loss], prepare_feed(feed_dict, loss.graph))
    grads = backprop(loss, values)
    return {node: np.array(grads[node]) if node in grads
            else np.zeros(np.shape(values[node]))
            for node in topological_order([loss])}


def _check_loss(loss):
    nodes, single = as_fetch_list(loss)
    if not single:
        raise GradientError("the loss must be a single node, not a list; add "
                            "the losses together first")
    return nodes[0]


def variables_of(loss):
    """The Variables ``loss`` depends on (inputs-first order)."""
    return [n for n in topological_order([loss]) if isinstance(n, Variable)]

