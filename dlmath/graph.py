"""Computational graphs: nodes, and the graph that owns them.

A graph is built first and run later, as in TensorFlow 1::

    x = placeholder(name="x")          # a value fed in at run time
    W = Variable([[1.0], [2.0]])       # a value the optimizer changes
    y = x @ W                          # an operation: builds a node, computes nothing

There are four kinds of node:

* :class:`Placeholder`: an input, fed through ``Session.run(..., feed_dict=...)``;
* :class:`Variable`: holds its current value as state (``.value``);
* :class:`Constant`: a fixed value (any array-like used where a node is
  expected becomes one);
* :class:`Operation`: a function of its input nodes. Each subclass in
  ``dlmath.ops`` keeps its forward rule and its gradient rule side by side.

Attributes every node has (the drawing module relies on them):

``name``
    unique within its graph, automatic ones read ``MatMul_3``, ``placeholder_1``.
``inputs``
    tuple of input nodes, in argument order (empty for leaves).
``consumers``
    list of the nodes that use this node as an input, in creation order.
``graph``
    the :class:`Graph` the node belongs to.
``kind``
    ``"placeholder"``, ``"variable"``, ``"constant"``, ``"operation"``
    (or ``"update"`` for the training step built by an optimizer).
``label``
    a short symbol for pictures: ``"+"``, ``"@"``, ``"sigmoid"``, or the name
    for leaves.
"""

import numpy as np

from .errors import DlmathError, FeedError, GradientError, GraphError, OpError

_default_graph = None  # set at the bottom of this module


class Graph:
    """A container of nodes, listed in creation order in ``graph.nodes``.

    ``Graph().as_default()`` makes the graph the default one, where new nodes
    go. Used as a plain statement it switches for good (classic tutorial
    style); used as ``with Graph().as_default() as g:`` the previous default
    comes back at the end of the block.
    """

    def __init__(self, name=None):
        self.name = name         # optional, for messages: Graph(name="model")
        self.nodes = []          # every node, in creation order
        self._by_name = {}       # name -> node
        self._counts = {}        # name prefix -> how many names it has used
        self.version = 0         # grows with every node: caches elsewhere compare it

    def as_default(self):
        """Make this the default graph; also usable as a ``with`` block."""
        global _default_graph
        previous, _default_graph = _default_graph, self
        return _DefaultGraphContext(self, previous)

    def get_node(self, name):
        """The node called ``name`` (a ``KeyError`` naming it if there is none)."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"no node named {name!r} in this graph") from None

    @property
    def placeholders(self):
        return [n for n in self.nodes if isinstance(n, Placeholder)]

    @property
    def variables(self):
        return [n for n in self.nodes if isinstance(n, Variable)]

    @property
    def operations(self):
        return [n for n in self.nodes if isinstance(n, Operation)]

    def _add(self, node, name):
        """Give ``node`` a unique name and append it (called by Node.__init__)."""
        prefix = name or node.name_prefix
        count = self._counts.get(prefix, 0)
        if name is None or name in self._by_name:
            # automatic names count per prefix: MatMul_1, MatMul_2, ...
            while True:
                count += 1
                name = f"{prefix}_{count}"
                if name not in self._by_name:
                    break
            self._counts[prefix] = count
        node.name = name
        self._by_name[name] = node
        self.nodes.append(node)
        self.version += 1

    def describe(self):
        """How messages name this graph: its name, or its size (and whether it is the default)."""
        text = f"graph {self.name!r}" if self.name else \
            f"a graph of {len(self.nodes)} nodes (first {self.nodes[0].name!r})" \
            if self.nodes else "an empty graph"
        return text + (" (the default graph)" if self is _default_graph else "")

    def __repr__(self):
        return f"<dlmath.Graph with {len(self.nodes)} nodes>"


class _DefaultGraphContext:
    """Returned by ``Graph.as_default()``; restores the previous default on exit."""

    def __init__(self, graph, previous):
        self.graph, self.previous = graph, previous

    def __enter__(self):
        return self.graph

    def __exit__(self, *exc_info):
        global _default_graph
        _default_graph = self.previous

    def __repr__(self):                  # no memory address: notebook outputs stay stable
        return repr(self.graph)


def get_default_graph():
    """The graph new nodes are added to."""
    return _default_graph


def reset_default_graph():
    """Start a fresh default graph (handy when re-running notebook cells)."""
    global _default_graph
    _default_graph = Graph()
    return _default_graph


class Node:
    """Base class of every node. See the module docstring for its attributes."""

    kind = "node"
    name_prefix = "Node"
    # Make NumPy defer to us: with these, ``np_array @ node`` calls
    # ``node.__rmatmul__`` instead of trying to build an object array.
    __array_ufunc__ = None
    __array_priority__ = 1000

    def __init__(self, inputs=(), name=None, graph=None):
        inputs = tuple(inputs)
        if graph is None:
            graph = inputs[0].graph if inputs else get_default_graph()
        for node in inputs:
            if node.graph is not graph:
                raise GraphError(
                    f"cannot connect {node.name!r} to a node of another Graph: "
                    "build every node of a computation inside the same "
                    "`with graph.as_default():` block")
        self.inputs = inputs
        self.consumers = []
        self.graph = graph
        graph._add(self, name)
        for node in inputs:
            node.consumers.append(self)

    @property
    def label(self):
        return self.name

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}>"

    # Python's operators build nodes with the builders ``dlmath.ops`` lists in
    # ``OPERATORS`` (this module comes first and knows no operation).
    def __add__(self, other):      return _build("add", self, other)
    def __radd__(self, other):     return _build("add", other, self)
    def __sub__(self, other):      return _build("subtract", self, other)
    def __rsub__(self, other):     return _build("subtract", other, self)
    def __mul__(self, other):      return _build("multiply", self, other)
    def __rmul__(self, other):     return _build("multiply", other, self)
    def __truediv__(self, other):  return _build("divide", self, other)
    def __rtruediv__(self, other): return _build("divide", other, self)
    def __matmul__(self, other):   return _build("matmul", self, other)
    def __rmatmul__(self, other):  return _build("matmul", other, self)
    def __neg__(self):             return _build("negative", self)

    def __pow__(self, power):
        if isinstance(power, (int, float)) and power == 2:
            return _build("square", self)
        raise GraphError(f"{self.name} ** {power!r}: only ** 2 is built in "
                         "(it is square); write x * x * x, or a custom Operation")

    @property
    def T(self):
        return _build("transpose", self)


#: Builders behind Python's operators on nodes, filled in by ``dlmath.ops``
#: (``"add"`` -> ``ops.add``, ...), so that ``x + y`` builds an ``Add`` node.
OPERATORS = {}


def _build(name, *args):
    try:
        builder = OPERATORS[name]
    except KeyError:
        raise GraphError(f"operator {name!r} on nodes needs dlmath.ops; "
                         "import dlmath (not only dlmath.graph)") from None
    return builder(*args)


def to_float_array(value, what):
    """``value`` as a float64 array, or a :class:`FeedError` naming ``what``."""
    if type(value) is np.ndarray and value.dtype == np.float64:
        return value
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise FeedError(
            f"{what} needs numbers, got {type(value).__name__} {_short(value)} "
            f"({exc}); pass a number, a list of numbers or a NumPy array") from None


def _short(value):
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


class Placeholder(Node):
    """An input whose value is given at run time: ``feed_dict={x: value}``.

    ``shape`` (optional) is a tuple in which ``None`` means "any size", e.g.
    ``(None, 784)`` for a batch of images; a fed value of another shape is
    refused with a message naming the placeholder.
    """

    kind = "placeholder"
    name_prefix = "placeholder"

    def __init__(self, name=None, shape=None, graph=None):
        self.shape = None if shape is None else tuple(shape)
        super().__init__((), name, graph)

    def compute(self, values):
        # Fed values are put in `values` before the run starts, so getting
        # here means this placeholder was not fed.
        raise FeedError(
            f"placeholder {self.name!r} has no value: feed it, e.g. "
            f"session.run(fetches, feed_dict={{{self.name}: value}}) "
            "where the key is the placeholder node (or its name as a string)")

    def check_feed(self, value):
        """Convert a fed value to float64 and check it against the declared shape."""
        array = to_float_array(value, f"placeholder {self.name!r}")
        shape = self.shape
        if shape is not None and (
                array.ndim != len(shape)
                or any(d is not None and d != n for d, n in zip(shape, array.shape))):
            raise FeedError(
                f"placeholder {self.name!r} was declared with shape "
                f"{_shape_text(shape)} but was fed shape {array.shape}; "
                "reshape the value, or declare the placeholder with None for "
                "dimensions that may vary")
        return array


def _shape_text(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


class Variable(Node):
    """A value that persists between runs and that optimizers update.

    ``.value`` holds the current float64 array; an optimizer replaces it
    after each training step. Assign to ``.value`` to reset it.
    """

    kind = "variable"
    name_prefix = "Variable"

    def __init__(self, initial_value, name=None, graph=None):
        self.value = np.array(to_float_array(initial_value, "Variable"))  # own copy
        super().__init__((), name, graph)

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, new_value):
        # whatever is assigned (a float, a list) is stored as a float64 array
        self._value = to_float_array(new_value, f"Variable {getattr(self, 'name', '')}".strip())

    @property
    def shape(self):
        return self.value.shape

    def compute(self, values):
        return self._value


class Constant(Node):
    """A fixed value. Array-likes used where a node is expected become constants."""

    kind = "constant"
    name_prefix = "Const"

    def __init__(self, value, name=None, graph=None):
        self.value = to_float_array(value, "constant")
        super().__init__((), name, graph)

    @property
    def shape(self):
        return self.value.shape

    @property
    def label(self):
        return str(self.value) if self.value.size == 1 else self.name

    def compute(self, values):
        return self.value


def placeholder(name=None, shape=None):
    """A new :class:`Placeholder` in the default graph."""
    return Placeholder(name=name, shape=shape)


def constant(value, name=None):
    """A new :class:`Constant` in the default graph."""
    return Constant(value, name=name)


def as_node(value, graph=None):
    """``value`` itself if it is a node, else a new :class:`Constant` holding it."""
    if isinstance(value, Node):
        return value
    return Constant(value, graph=graph or get_default_graph())


class Operation(Node):
    """A node computing a function of its inputs. Subclass it to make a new op.

    A subclass defines

    * ``forward(self, *input_values) -> output value`` (NumPy arrays in and out);
    * ``backward(self, grad, inputs, output) -> one gradient per input``: the
      vector-Jacobian product. ``grad`` is d loss / d output, ``inputs`` the
      tuple of input values of this run, ``output`` the value ``forward``
      returned. Return ``d loss / d input`` for each input (``None`` for "no
      gradient"), or a single array if there is one input. Gradients may have
      the broadcast shape: the engine sums them back to each input's shape
      (see ``dlmath.autodiff.unbroadcast``).
    * optionally ``label``, a short symbol for drawings.

    Example::

        class Cube(Operation):
            label = "cube"
            def forward(self, x):
                return x ** 3
            def backward(self, grad, inputs, output):
                (x,) = inputs
                return grad * 3 * x ** 2       # d/dx x^3 = 3 x^2

        y = Cube(x)
    """

    kind = "operation"

    def __init__(self, *inputs, name=None):
        graph = next((x.graph for x in inputs if isinstance(x, Node)), None)
        super().__init__([as_node(x, graph) for x in inputs], name, graph)

    @property
    def name_prefix(self):
        return type(self).__name__

    @property
    def label(self):
        return type(self).__name__.lower()

    def forward(self, *values):
        raise NotImplementedError(
            f"{type(self).__name__} must define forward(self, *input_values)")

    def backward(self, grad, inputs, output):
        raise GradientError(
            f"{type(self).__name__} ({self.name}) has no gradient rule: define "
            "backward(self, grad, inputs, output) in the class, or register one "
            f"with @dlmath.register_gradient({type(self).__name__})")

    def backward_some(self, grad, inputs, output, needs):
        """``backward`` when only the inputs flagged True in ``needs`` (a tuple of
        booleans, one per input) need a gradient: the backward pass calls this.
        By default it is ``backward``; an op whose gradients cost real work
        overrides it to skip the ones nobody asked for (``MatMul`` does)."""
        return self.backward(grad, inputs, output)

    def compute(self, values):
        args = [values[node] for node in self.inputs]
        try:
            out = self.forward(*args)
        except DlmathError:
            raise                        # already explained by the op itself
        except Exception as exc:         # a bare NumPy error: say which node
            raise self.explain_failure(args, exc) from exc
        if not isinstance(out, (np.ndarray, np.generic)):   # e.g. a Python float
            out = np.asarray(out, dtype=np.float64)
        return out

    def explain_failure(self, values, exc):
        """A :class:`~dlmath.errors.DlmathError` explaining why NumPy failed."""
        shapes = ", ".join(str(np.shape(v)) for v in values)
        return OpError(f"{self.name}: {type(self).__name__} failed on input "
                       f"shapes {shapes}: {type(exc).__name__}: {exc}")


class Update(Node):
    """A training step: the node an optimizer's ``minimize`` returns.

    Its only input is the ``loss``; it names the ``variables`` to train and the
    ``optimizer`` that moves them (any object with a public
    ``apply_gradients(pairs)`` taking ``(gradient, variable)`` pairs). The node
    itself computes nothing: a ``Session`` running it does the forward pass,
    the backward pass to ``variables`` and then calls the optimizer. Sessions
    run updates after every other fetched node, so
    ``session.run([train_op, loss])`` returns the loss as it was before the step.
    """

    kind = "update"
    name_prefix = "minimize"

    def __init__(self, loss, optimizer, variables, name=None):
        self.optimizer, self.variables = optimizer, tuple(variables)
        super().__init__((loss,), name)

    @property
    def loss(self):
        return self.inputs[0]

    @property
    def label(self):
        return "minimize"

    def compute(self, values):
        raise GraphError(f"{self.name!r} is a training step: run it with "
                         "Session().run(train_op, feed_dict)")


def topological_order(fetches):
    """Every node the ``fetches`` depend on, each after all its inputs.

    An iterative depth-first search (no recursion limit): a node is appended
    once all its inputs are, so shared nodes appear once.
    """
    order, visited = [], set()
    for root in fetches:
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(root.inputs))]
        while stack:
            node, pending = stack[-1]
            for child in pending:
                if child not in visited:
                    visited.add(child)
                    stack.append((child, iter(child.inputs)))
                    break
            else:              # all inputs done: the node can be computed
                stack.pop()
                order.append(node)
    return order


_default_graph = Graph()
