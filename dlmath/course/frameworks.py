"""A tape-based (define-by-run) autodiff in forty lines, and one network trained three ways.

The reference maths of the chapter *From dlmath to real frameworks* (used by the
chapter, the lesson, ``dlmath.widgets.frameworks`` and
``dlmath.exercises.frameworks``):

* ``Tensor``, ``tanh``, ``softmax_cross_entropy``: operations that compute at once
  and append a record ``(output, inputs, vjp)`` to ``TAPE``; ``backward(loss)``
  reads the tape backwards; ``grad(f)`` in the style of JAX. Broadcast gradients
  are summed back with the engine's ``unbroadcast``.
* ``init_params``, ``numpy_loss_and_grads``, ``tape_loss`` and ``mlp_three_ways``:
  the same 2-hidden-2 network trained by dlmath, by the tape and by NumPy by hand.
"""

from __future__ import annotations

import numpy as np

import dlmath as dm
from dlmath import data
from dlmath.autodiff import unbroadcast
from dlmath.course.multilayer_perceptrons import init_params
from dlmath.course.training_criterion import softmax_cross_entropy_gradient
from dlmath.functions import softmax


TAPE = []  # records (output, inputs, vjp) in the order the operations ran


class Tensor:
    """A NumPy value that remembers how it was computed."""

    def __init__(self, value, name=None):
        self.value = np.asarray(value, dtype=float)
        self.grad = None
        self.name = name

    def __add__(self, other):
        return _record(self.value + other.value, (self, other),
                       lambda g: (unbroadcast(g, self.value.shape), unbroadcast(g, other.value.shape)), "+")

    def __matmul__(self, other):
        return _record(self.value @ other.value, (self, other),
                       lambda g: (g @ other.value.T, self.value.T @ g), "@")

    def __repr__(self):
        return f"Tensor(shape {self.value.shape}{', ' + self.name if self.name else ''})"


def _record(value, inputs, vjp, label):
    out = Tensor(value, name=label)
    TAPE.append((out, inputs, vjp))
    return out


def tanh(x):
    t = np.tanh(x.value)
    return _record(t, (x,), lambda g: (g * (1 - t**2),), "tanh")


def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy of integer ``labels`` (a NumPy array, not differentiated)."""
    p = softmax(logits.value, axis=1)
    n = len(labels)
    loss = -np.log(p[np.arange(n), labels]).mean()
    one_hot = np.eye(p.shape[1])[labels]
    return _record(loss, (logits,), lambda g: (g * (p - one_hot) / n,), "softmax_xent")


def tape_gradients(tape, loss):
    """d loss / d x for everything ``x`` on ``tape`` that leads to ``loss``: the reverse walk.

    ``tape`` lists records ``(output, inputs, vjp)`` in the order the operations
    ran (outputs and inputs are Tensors, or any names); ``vjp(g)`` turns
    d loss / d output into one gradient per input. Walking the tape backwards,
    each output's gradient is complete before it is used, and an input used
    several times adds up its gradients (the multivariable chain rule).
    """
    grads = {loss: np.array(1.0)}                      # d loss / d loss = 1
    for output, inputs, vjp in reversed(tape):
        if output not in grads:
            continue                                   # does not lead to the loss
        for x, g in zip(inputs, vjp(grads[output])):
            grads[x] = grads[x] + g if x in grads else g
    return grads


def backward(loss):
    """Fill ``.grad`` of every tensor on the tape that leads to ``loss``; then clear the tape."""
    for tensor, g in tape_gradients(TAPE, loss).items():
        tensor.grad = g
    TAPE.clear()


def grad(f):
    """JAX style: ``grad(f)(params)`` is the list of d f / d p for the arrays in ``params``."""
    def gradient(params, *args):
        tensors = [Tensor(p) for p in params]
        backward(f(tensors, *args))
        return [t.grad if t.grad is not None else np.zeros_like(t.value) for t in tensors]
    return gradient


def numpy_loss_and_grads(params, X, y):
    """Forward and backward pass written out by hand in NumPy."""
    W1, b1, W2, b2 = params
    H = np.tanh(X @ W1 + b1)
    Z = H @ W2 + b2
    P = softmax(Z, axis=1)
    n = len(y)
    loss = -np.log(P[np.arange(n), y]).mean()
    dZ = softmax_cross_entropy_gradient(Z, np.eye(2)[y])   # (P - onehot) / n
    dH = dZ @ W2.T
    dA = dH * (1 - H**2)
    return loss, [X.T @ dA, dA.sum(axis=0), H.T @ dZ, dZ.sum(axis=0)]


def tape_loss(params, X, y):
    """The same network with the tape (``params`` are Tensors)."""
    W1, b1, W2, b2 = params
    H = tanh(Tensor(X) @ W1 + b1)
    return softmax_cross_entropy(H @ W2 + b2, y)


def mlp_three_ways(steps=200, learning_rate=0.5, hidden=8, seed=0):
    """Train the same network three ways; returns ``{style: losses}`` (``steps + 1`` values each)."""
    X, y = data.moons(200, noise=0.1, seed=seed)
    curves = {}

    # 1. define-then-run: dlmath builds the graph once, then runs it
    start = init_params(hidden, seed)
    graph = dm.Graph()
    with graph.as_default():
        Xp, yp = dm.placeholder(name="X"), dm.placeholder(name="y")
        W1, b1, W2, b2 = (dm.Variable(p, name=n) for p, n in zip(start, ["W1", "b1", "W2", "b2"]))
        loss = dm.softmax_cross_entropy(dm.tanh(Xp @ W1 + b1) @ W2 + b2, yp)
        train_op = dm.train.GradientDescentOptimizer(learning_rate).minimize(loss)
        session = dm.Session()
        losses = [session.run([train_op, loss], {Xp: X, yp: y})[1] for _ in range(steps)]
        losses.append(session.run(loss, {Xp: X, yp: y}))
    curves["dlmath (define-then-run)"] = np.array(losses)

    # 2. define-by-run: the tape is recorded anew at every step
    params = [Tensor(p) for p in init_params(hidden, seed)]
    losses = []
    for _ in range(steps):
        loss = tape_loss(params, X, y)
        losses.append(float(loss.value))
        backward(loss)
        for p in params:
            p.value = p.value - learning_rate * p.grad
    losses.append(float(tape_loss(params, X, y).value))
    TAPE.clear()
    curves["tape (define-by-run)"] = np.array(losses)

    # 3. NumPy with the gradients written by hand
    params = init_params(hidden, seed)
    losses = []
    for _ in range(steps):
        value, grads = numpy_loss_and_grads(params, X, y)
        losses.append(value)
        params = [p - learning_rate * g for p, g in zip(params, grads)]
    losses.append(numpy_loss_and_grads(params, X, y)[0])
    curves["NumPy by hand"] = np.array(losses)
    return curves
