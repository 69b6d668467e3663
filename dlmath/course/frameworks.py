"""A tape-based (define-by-run) autodiff in forty lines, what frameworks build on a tape,
and one network trained three ways.

The reference maths of the chapter *From dlmath to real frameworks* (used by the
chapter, the lesson, ``dlmath.widgets.frameworks`` and
``dlmath.exercises.frameworks``):

* ``Tensor``, ``tanh``, ``softmax_cross_entropy``: operations that compute at once
  and append a record ``(output, inputs, vjp)`` to ``TAPE``; ``backward(loss)``
  reads the tape backwards; ``grad(f)`` in the style of JAX. Broadcast gradients
  are summed back with the engine's ``unbroadcast``.
* ``gradients(loss, inputs)`` (``torch.autograd.grad``: returns, sets no
  ``.grad``), ``grad(f)`` and ``vmap(f, in_axes)`` (``torch.func`` and JAX:
  functions of functions; ``vmap(grad(f))`` gives per-example gradients), and
  ``linear_per_example_gradients``, their closed form for a linear model.
* Tape pitfalls: ``Tensor.version`` and ``InPlaceError`` (an array saved for
  backward changed in place), ``saved_bytes`` (the activations a tape keeps
  alive, per record), ``checkpoint`` (recompute a segment in backward),
  ``memory_timeline`` (bytes held through forward and backward).
* ``function(f)``: tracing define-by-run code into a dlmath graph, as
  ``tf.function``, ``torch.compile`` and ``jax.jit`` do; ``Traced`` values raise
  ``TracingError`` on Python control flow on values and data-dependent shapes.
* ``init_params``, ``numpy_loss_and_grads``, ``tape_loss`` and ``mlp_three_ways``:
  the same 2-hidden-2 network trained by dlmath, by the tape and by NumPy by hand.
"""

from __future__ import annotations

import contextlib

import numpy as np

import dlmath as dm
from dlmath import data
from dlmath.autodiff import unbroadcast
from dlmath.course.multilayer_perceptrons import init_params
from dlmath.course.training_criterion import softmax_cross_entropy_gradient
from dlmath.functions import softmax


TAPE = []  # records (output, inputs, vjp) in the order the operations ran
_RECORDING = [TAPE]  # where operations write their records; None: run without recording
OPERATIONS_RUN = 0  # operations computed so far, recorded or not (recomputation counts again)
OUTPUT = "output"  # in ``saved``, stands for the operation's own result


class InPlaceError(RuntimeError):
    """An array the tape saved for the backward pass was changed in place after it was saved."""


class Tensor:
    """A NumPy value that remembers how it was computed.

    ``version`` counts the in-place changes of the value (PyTorch's version
    counter): an operation that saves a tensor for its backward pass notes its
    version, and the backward pass refuses to use it if the version has moved.
    """

    def __init__(self, value, name=None):
        self.value = np.asarray(value, dtype=float)
        self.grad = None
        self.name = name
        self.version = 0
        self.saved = ()          # the arrays this tensor's operation keeps for backward

    def __add__(self, other):    # saves no array: only the shapes, to sum a broadcast bias back
        a_shape, b_shape = self.value.shape, other.value.shape
        return _record(self.value + other.value, (self, other),
                       lambda g: (unbroadcast(g, a_shape), unbroadcast(g, b_shape)), "+")

    def __matmul__(self, other):  # d(AB) = dA B + A dB: the backward pass needs both factors
        a, b = self.value, other.value
        return _record(a @ b, (self, other), lambda g: (g @ b.T, a.T @ g), "@", saved=(self, other))

    def add_(self, other):
        """``value += other`` in place, outside the tape (like an update under ``torch.no_grad()``)."""
        self.value += other.value if isinstance(other, Tensor) else np.asarray(other, dtype=float)
        self.version += 1
        return self

    def mul_(self, factor):
        """``value *= factor`` in place, outside the tape."""
        self.value *= factor
        self.version += 1
        return self

    def __repr__(self):
        return f"Tensor(shape {self.value.shape}{', ' + self.name if self.name else ''})"


def _record(value, inputs, vjp, label, saved=(), computes=True):
    """Make the output Tensor and append ``(output, inputs, vjp)`` to the tape being recorded.

    ``saved`` lists what ``vjp`` reads in the backward pass: Tensors (``OUTPUT``
    for the result itself), whose versions are checked before ``vjp`` runs,
    and plain arrays (internal values such as softmax probabilities).
    ``computes=False`` for a record that wraps operations counted already.
    """
    global OPERATIONS_RUN
    OPERATIONS_RUN += computes
    out = Tensor(value, name=label)
    saved = tuple(out if s is OUTPUT else s for s in saved)
    out.saved = tuple(s.value if isinstance(s, Tensor) else s for s in saved)
    versions = [(s, s.version) for s in saved if isinstance(s, Tensor)]

    def checked_vjp(g):
        for tensor, version in versions:
            if tensor.version != version:
                raise InPlaceError(
                    f"one of the arrays needed by the backward pass of {label!r} was modified by an "
                    f"in-place operation: {tensor!r} is at version {tensor.version}; expected version "
                    f"{version}. Change a copy instead, or finish backward before changing it.")
        return vjp(g)

    tape = _RECORDING[-1]
    if tape is not None:
        tape.append((out, inputs, checked_vjp))
    return out


@contextlib.contextmanager
def recording(tape):
    """Within this block, operations append their records to ``tape`` (None: record nothing)."""
    _RECORDING.append(tape)
    try:
        yield tape
    finally:
        _RECORDING.pop()


def tanh(x):
    """tanh of a Tensor (computed now and recorded), or of a Traced value (a graph node)."""
    if isinstance(x, Traced):
        return Traced(dm.tanh(x.node), x.shape)
    t = np.tanh(x.value)                              # tanh' = 1 - tanh^2: save the output
    return _record(t, (x,), lambda g: (g * (1 - t**2),), "tanh", saved=(OUTPUT,))


def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy of integer ``labels`` (a NumPy array, not differentiated).

    With Traced logits (while ``function`` traces), a dlmath node instead.
    """
    if isinstance(logits, Traced):
        return Traced(dm.softmax_cross_entropy(logits.node, labels.node), ())
    p = softmax(logits.value, axis=1)
    n = len(labels)
    loss = -np.log(p[np.arange(n), labels]).mean()
    one_hot = np.eye(p.shape[1])[labels]
    return _record(loss, (logits,), lambda g: (g * (p - one_hot) / n,), "softmax_xent",
                   saved=(p, one_hot))


def tape_gradients(tape, loss, seed=None):
    """d loss / d x for everything ``x`` on ``tape`` that leads to ``loss``: the reverse walk.

    ``tape`` lists records ``(output, inputs, vjp)`` in the order the operations
    ran (outputs and inputs are Tensors, or any names); ``vjp(g)`` turns
    d loss / d output into one gradient per input. Walking the tape backwards,
    each output's gradient is complete before it is used, and an input used
    several times adds up its gradients (the multivariable chain rule).
    ``seed`` is d loss / d loss, 1 for a scalar loss; for a non-scalar output
    it is the upstream gradient (a vector-Jacobian product of the whole tape).
    """
    grads = {loss: np.array(1.0) if seed is None else seed}
    for output, inputs, vjp in reversed(tape):
        if output not in grads:
            continue                                   # does not lead to the loss
        for x, g in zip(inputs, vjp(grads[output])):
            grads[x] = grads[x] + g if x in grads else g
    return grads


def backward(loss):
    """Fill ``.grad`` of every tensor on the tape that leads to ``loss``; then clear the tape.

    Unlike PyTorch's ``loss.backward()``, which adds into ``.grad``, this sets it.
    """
    try:
        for tensor, g in tape_gradients(TAPE, loss).items():
            tensor.grad = g
    finally:
        TAPE.clear()


def gradients(loss, inputs):
    """``torch.autograd.grad(loss, inputs)``: the list of d loss / d x, leaving every ``.grad`` alone."""
    try:
        grads = tape_gradients(TAPE, loss)
    finally:
        TAPE.clear()
    return [grads[x] if x in grads else np.zeros_like(x.value) for x in inputs]


def grad(f):
    """JAX style: ``grad(f)(params, *args)`` is the list of d f / d p for the arrays in ``params``."""
    def gradient(params, *args):
        tensors = [Tensor(p) for p in params]
        return gradients(f(tensors, *args), tensors)
    return gradient


def vmap(f, in_axes=0):
    """JAX's ``vmap`` by its definition: ``f`` on every slice along the mapped axes, results stacked.

    ``in_axes`` gives, per argument, the axis to map over, or None for an
    argument passed whole to every call (e.g. the parameters). A function that
    returns a list of arrays (as ``grad(f)`` does) gives a list of stacked arrays.
    JAX gets the same result without the Python loop, by rewriting every
    operation for a batch; here the loop is the specification.
    """
    def mapped(*args):
        axes = tuple(in_axes) if isinstance(in_axes, (tuple, list)) else (in_axes,) * len(args)
        if len(axes) != len(args):
            raise ValueError(f"vmap: in_axes has {len(axes)} entries for {len(args)} arguments")
        sizes = {np.shape(a)[axis] for a, axis in zip(args, axes) if axis is not None}
        if len(sizes) != 1:
            raise ValueError(f"vmap: the mapped axes must have one common size, not {sorted(sizes)}")
        results = [f(*(a if axis is None else np.take(a, i, axis=axis) for a, axis in zip(args, axes)))
                   for i in range(sizes.pop())]
        if isinstance(results[0], (list, tuple)):
            return [np.stack(parts) for parts in zip(*results)]
        return np.stack(results)
    return mapped


def linear_per_example_gradients(X, y, w, b):
    """Row i: d l_i / d w for l_i = (x_i . w + b - y_i)^2 / 2, i.e. r_i x_i with r = Xw + b - y.

    Their mean over the rows is the gradient of the mean loss, X^T r / N.
    """
    r = X @ w + b - y                 # one residual per example
    return r[:, None] * X             # (N, d): scale each example's row by its residual


# --- the memory a tape holds, and checkpointing ---------------------------------------


def saved_bytes(tape=None):
    """[(label, bytes)] per record: the activations each record keeps alive for backward.

    An array counts once, at the first record that saves it (tanh saves its
    output and the next product saves it again as its input); the values of
    leaves (inputs and parameters, which exist anyway) do not count.
    """
    tape = TAPE if tape is None else tape
    outputs = {id(out) for out, _, _ in tape}
    leaves = {id(x.value) for _, inputs, _ in tape for x in inputs
              if isinstance(x, Tensor) and id(x) not in outputs}
    seen, result = set(leaves), []
    for out, _, _ in tape:
        fresh = [a for a in out.saved if id(a) not in seen]
        seen.update(id(a) for a in fresh)
        result.append((out.name, int(sum(a.nbytes for a in fresh))))
    return result


def checkpoint(f, *inputs, on_recompute=None):
    """``f(*inputs)`` with gradient checkpointing (Chen et al. 2016): one record instead of many.

    The forward pass runs ``f`` without recording, so none of its inner
    activations is kept; the record saves only the ``inputs``. Its vjp runs
    ``f`` again on the saved inputs, recording on a fresh local tape, and walks
    that tape backwards with the upstream gradient as seed: memory traded for
    a second forward pass of ``f``. ``on_recompute(tape)``, if given, sees the
    local tape (to measure it).
    """
    with recording(None):
        value = f(*inputs).value
    record = {}

    def vjp(g):
        copies = [Tensor(x.value) for x in inputs]
        local = []
        with recording(local):
            out = f(*copies)
        record["output"].recomputed = sum(b for _, b in saved_bytes(local))
        if on_recompute is not None:
            on_recompute(local)
        grads = tape_gradients(local, out, seed=g)
        return tuple(grads.get(c, np.zeros_like(c.value)) for c in copies)

    record["output"] = _record(value, tuple(inputs), vjp, "checkpoint", saved=tuple(inputs),
                                computes=False)
    return record["output"]


def memory_timeline(records):
    """Bytes held for backward after each forward record, then after each backward step.

    ``records`` is a copy of the tape (taken before backward clears it). The
    backward pass frees a record's saved arrays once its vjp has run, as
    PyTorch does; a checkpointed record holds its recomputed segment
    (``.recomputed`` bytes, measured during backward) while its vjp runs.
    """
    sizes = [b for _, b in saved_bytes(records)]
    held = [int(v) for v in np.cumsum([0] + sizes)]
    total = held[-1]
    for (out, _, _), size in zip(reversed(records), reversed(sizes)):
        if getattr(out, "recomputed", 0):
            held.append(total + out.recomputed)
        total -= size
        held.append(total)
    return held


def checkpoint_peak_activations(depth, segment):
    """Peak activations held in backward for ``depth`` tanh layers in segments of ``segment`` layers.

    Counted as ``saved_bytes`` counts (the input X and the weights not at all,
    the loss's small arrays left out): ``depth / segment - 1`` checkpoints
    (the first segment's input is X) and one recomputed segment of
    ``segment`` activations; without checkpointing (``segment`` None) ``depth``.
    """
    if segment is None:
        return depth
    if depth % segment:
        raise ValueError(f"segments of {segment} layers do not divide {depth} layers")
    return depth // segment - 1 + segment


# --- tracing a define-by-run function into a graph (tf.function, torch.compile, jax.jit) ---


class TracingError(TypeError):
    """A traced function asked for something that only exists once numbers flow."""


class Traced:
    """What a function sees while it is traced: a dlmath node and a shape, but no value yet."""

    def __init__(self, node, shape):
        self.node, self.shape = node, tuple(shape)

    def __add__(self, other):
        return Traced(self.node + other.node, np.broadcast_shapes(self.shape, other.shape))

    def __matmul__(self, other):
        if self.shape[-1] != other.shape[0]:
            raise ValueError(f"traced matmul: shapes {self.shape} and {other.shape} do not fit")
        return Traced(self.node @ other.node, self.shape[:-1] + other.shape[1:])

    def __gt__(self, other):   # a comparison is fine: a boolean tensor, known when the graph runs
        return Traced(None, np.broadcast_shapes(self.shape, np.shape(other)))

    def __bool__(self):
        raise TracingError(
            "Python control flow on a traced value: `if`, `while` and `and`/`or` need True or False "
            "now, but the value exists only when the graph runs. Write the choice as a graph "
            "operation (tf.cond, jax.lax.cond, torch.where), or keep this part outside the traced "
            "function.")

    def __getitem__(self, index):
        if isinstance(index, Traced):
            raise TracingError(
                "data-dependent shape: how many entries x[mask] keeps depends on the values, so the "
                "traced graph cannot know the shape of the result. Keep the shape fixed (multiply by "
                "the mask) or move this step outside the traced function.")
        raise TracingError("indexing is not among the traced operations of this course")

    @property
    def value(self):
        raise TracingError(
            "a traced value has no number yet: reading .value (to print it, store it or convert "
            "it to NumPy) is a side effect that would run once, at tracing time.")

    def __array__(self, *args, **kwargs):
        return self.value

    def __repr__(self):
        return f"Traced(shape {self.shape})"


def _signature(arg):
    """What a trace is specialised on: an array's shape, a Python number's value."""
    if isinstance(arg, (bool, int, float, str)) or arg is None:
        return ("python", arg)
    return ("array", np.shape(arg))


def function(f):
    """``tf.function`` / ``torch.compile`` / ``jax.jit`` on the course's machinery.

    The first call with a given signature (array shapes, Python values) runs
    ``f`` once on ``Traced`` stand-ins: every operation builds a dlmath node
    instead of computing, so the Python code is turned into a graph (a trace).
    Later calls with the same signature run the stored graph with a Session,
    without running ``f``'s Python code; a new signature traces again
    (``compiled.traces`` counts the traces). ``compiled.graph(*args)`` gives
    ``(placeholders, output node)`` of the trace, for ``dm.gradients``.
    """
    cache = {}

    def trace(args):
        key = tuple(_signature(a) for a in args)
        if key not in cache:
            with dm.Graph().as_default():
                placeholders, traced_args = [], []
                for i, a in enumerate(args):
                    if _signature(a)[0] == "python":
                        traced_args.append(a)          # baked into the graph as a constant
                    else:
                        p = dm.placeholder(name=f"arg{i}", shape=np.shape(a))
                        placeholders.append((i, p))
                        traced_args.append(Traced(p, np.shape(a)))
                out = f(*traced_args)
            cache[key] = (placeholders, out.node)
            compiled.traces += 1
        return cache[key]

    def compiled(*args):
        placeholders, node = trace(args)
        return dm.Session().run(node, {p: args[i] for i, p in placeholders})

    compiled.traces = 0
    compiled.graph = lambda *args: ([p for _, p in trace(args)[0]], trace(args)[1])
    return compiled


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
