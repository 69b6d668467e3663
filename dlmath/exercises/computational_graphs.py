"""Checkers for the computational-graphs lesson.

* ``check_topological_sort(topological_sort)``: ``topological_sort(graph)``
  receives a graph as a dict ``{node name: [names of its inputs]}`` (every
  node is a key; leaves map to ``[]``) and returns a list of all the names in
  an order where every node comes after all of its inputs. Any valid order is
  accepted: a graph usually has several.
* ``check_neuron_forward(neuron_forward)``: ``neuron_forward(x1, x2, w1, w2, b)``
  evaluates ``z = sigmoid(w1 * x1 + w2 * x2 + b)`` with NumPy, as the graph of
  the lesson does; inputs may be numbers or arrays of the same shape.
* ``check_nodes_computed(value)``: how many nodes ``Session.run`` computes
  (reading a leaf counts as computing it) when the lesson's neuron graph is
  asked for ``s1 = m1 + m2`` only.
"""

import copy

import numpy as np

from dlmath.functions import sigmoid as _sigmoid

from .checking import (RANDOM_CASES, Case, checker, function_checker, function_exercise, grade_value,
                       not_attempted, random_generator, returns_nothing, run_learner, timeout_feedback)
from .feedback import CORRECT, INCORRECT, Feedback, clean_text

# --- topological sort ------------------------------------------------------------

# The graphs to sort. The dict order is deliberately not a valid order, so that
# returning list(graph) is caught; "shared" nodes have several consumers.
_SORT_CASES = [
    ("the neuron z = sigmoid(w1*x1 + w2*x2 + b)", {
        "z": ["s"], "s": ["s1", "b"], "s1": ["m1", "m2"], "m2": ["w2", "x2"],
        "m1": ["w1", "x1"], "b": [], "x2": [], "w2": [], "x1": [], "w1": [],
    }),
    ("e = (a + b) * (b + 1), where b feeds two operations", {
        "e": ["c", "d"], "d": ["b", "one"], "c": ["a", "b"], "one": [], "b": [], "a": [],
    }),
    ("a chain y3 = y2 * y2, y2 = y1 * y1, y1 = x * x (each node used twice by the next)", {
        "y3": ["y2", "y2"], "y2": ["y1", "y1"], "y1": ["x", "x"], "x": [],
    }),
    ("a loss with two paths from w: L = (w*x - t)^2 + w*w", {
        "L": ["sq", "reg"], "reg": ["w", "w"], "sq": ["err"], "err": ["wx", "t"],
        "wx": ["w", "x"], "t": [], "x": [], "w": [],
    }),
]

_SORT_TITLE = "topological sort"
_SORT_SIGNATURE = "topological_sort(graph)"


def _order_problem(order, graph):
    """None if ``order`` is a valid topological order of ``graph``, else (message, hint)."""
    names = set(graph)
    if isinstance(order, (str, bytes, dict)):
        return (f"your function returned {clean_text(repr(order), 60)} (a {type(order).__name__}), "
                "not a list of node names",
                "Return a list of the node names, e.g. ['x', 'w', 'm', ...].")
    if not isinstance(order, (list, tuple)):
        try:
            order = list(order)
        except TypeError:
            return (f"your function returned {clean_text(repr(order), 60)} "
                    f"(a {type(order).__name__}), not a list of node names",
                    "Return a list of the node names, e.g. ['x', 'w', 'm', ...].")
    items = []
    for item in order:
        if not isinstance(item, str):
            return (f"the list holds {clean_text(repr(item), 40)} (a {type(item).__name__}), "
                    "not a node name",
                    "Put the names themselves (the dict's keys, strings) in the list.")
        items.append(item)
    unknown = [n for n in items if n not in names]
    if unknown:
        return (f"{unknown[0]!r} is not a node of this graph",
                "Use only the names that are keys of the graph dict.")
    seen = set()
    duplicates = [n for n in items if n in seen or seen.add(n)]
    if duplicates:
        return (f"{duplicates[0]!r} appears {items.count(duplicates[0])} times",
                "A node used by several others must still be computed once: keep a set of the "
                "nodes already placed (visited) and skip them.")
    missing = [n for n in graph if n not in seen]
    if missing:
        leaves = [n for n in missing if not graph[n]]
        hint = ("The leaves (nodes with no inputs, such as placeholders and Variables) belong in "
                "the order too: they come first." if leaves else
                "Every node must appear once: visit every key of the dict, not only those reachable "
                "from the first one.")
        return (f"{len(missing)} node(s) are missing, e.g. {missing[0]!r}", hint)
    position = {n: i for i, n in enumerate(items)}
    late = [(n, i) for n in items for i in graph[n] if position[i] > position[n]]
    if late:
        node, child = late[0]
        if items == list(graph):
            hint = ("You returned the nodes in the order of the dict's keys, which is arbitrary: "
                    "a node may only be placed once all its inputs are.")
        elif all(position[i] > position[n] for n in items for i in graph[n] if i != n):
            hint = ("Your order is reversed: every node comes before its inputs. That is the order "
                    "of the backward pass; the forward pass needs the inputs first (append a node "
                    "after visiting its inputs, i.e. post-order, or reverse your list).")
        else:
            hint = ("Place a node only after all of its inputs: with depth-first search, visit the "
                    "inputs first and append the node at the end (post-order).")
        return (f"{node!r} comes before its input {child!r}", hint)
    return None


def _call_on(fn, graph):
    """Call the learner's function on ``graph`` itself (to notice if it is changed), with a time limit."""
    return run_learner(fn, (graph,), copy_args=False)


def _random_graph(rng):
    """A random DAG: node k takes its inputs among nodes 0..k-1, named in a shuffled order."""
    n = int(rng.integers(1, 12))
    names = [f"n{i}" for i in rng.permutation(n)]
    graph = {}
    for k in range(n):
        count = int(rng.integers(0, min(k, 3) + 1))
        graph[names[k]] = [names[int(i)] for i in rng.integers(0, k, size=count)] if k else []
    keys = list(graph)
    rng.shuffle(keys)
    return f"a random graph of {n} node(s)", {key: graph[key] for key in keys}


@function_checker(_SORT_TITLE, _SORT_SIGNATURE)
def check_topological_sort(topological_sort=...):
    """Check ``topological_sort(graph)``: every node after all of its inputs.

    ``graph`` maps each node name to the list of its input names (leaves map to
    ``[]``). Return a list of all the names; any valid order is accepted.
    """
    rng = random_generator(_SORT_TITLE)
    cases = _SORT_CASES + [(f"random case {i + 1}: {label}", graph)
                           for i, (label, graph) in enumerate(_random_graph(rng) for _ in range(RANDOM_CASES))]
    for number, (label, graph) in enumerate(cases, start=1):
        where = f"Case {number} of {len(cases)} ({label})"
        given = copy.deepcopy(graph)
        outcome = _call_on(topological_sort, given)
        order, error = outcome.value, outcome.error
        if outcome.stub or order is Ellipsis:
            return not_attempted(_SORT_TITLE)
        if outcome.timed_out:
            return timeout_feedback(_SORT_TITLE, where)
        if order is None and error is None:
            return returns_nothing(_SORT_TITLE, outcome.printed)
        if error is not None:
            hint = None
            if isinstance(error, RecursionError):
                hint = ("Infinite recursion: mark a node as visited before (or right after) "
                        "visiting its inputs, and never visit a visited node again.")
            elif isinstance(error, KeyError):
                hint = "Look up inputs with graph[name]; every node, leaves included, is a key."
            elif isinstance(error, TypeError) and "argument" in str(error):
                hint = f"Your function should be callable as {_SORT_SIGNATURE}."
            return Feedback(INCORRECT, _SORT_TITLE,
                            f"{where}: your function raised {type(error).__name__}: {clean_text(error)}",
                            hint=hint)
        if given != graph:
            return Feedback(INCORRECT, _SORT_TITLE,
                            f"{where}: your function changed the graph it was given.",
                            hint="Work on your own lists and sets; leave the input dict as it is.")
        problem = _order_problem(order, graph)
        if problem is not None:
            message, hint = problem
            return Feedback(INCORRECT, _SORT_TITLE, f"{where}: {message}.",
                            details=[("graph", clean_text(repr(graph), 200)),
                                     ("received", clean_text(repr(order), 200))],
                            hint=hint)
    return Feedback(CORRECT, _SORT_TITLE,
                    f"All {len(cases)} graphs are sorted correctly (each node after its inputs, "
                    "each once). Well done!")


# --- the neuron's forward pass in NumPy ---------------------------------------------


def _neuron(x1, x2, w1, w2, b):
    return _sigmoid(w1 * x1 + w2 * x2 + b)


_NEURON_CASES = [
    Case("x1 = 1, x2 = 0.8, w1 = 0.5, w2 = -1, b = 0.2", 1.0, 0.8, 0.5, -1.0, 0.2),
    Case("x1 = -2, x2 = 3, w1 = 1.5, w2 = 0.25, b = -0.5", -2.0, 3.0, 1.5, 0.25, -0.5),
    Case("arrays: three pairs (x1, x2) at once", np.array([0.0, 1.0, -1.0]),
         np.array([2.0, -0.5, 0.5]), 0.7, -0.3, 0.1),
    Case("all zeros: s = 0, so z = 0.5", 0.0, 0.0, 0.0, 0.0, 0.0),
]


def _random_neuron_case(rng):
    n = int(rng.integers(1, 6))
    x1, x2 = (np.round(rng.normal(scale=2, size=n), 2) for _ in range(2))
    w1, w2, b = (float(v) for v in np.round(rng.normal(size=3), 2))
    return Case(f"{n} pair(s) (x1, x2), w1 = {w1:g}, w2 = {w2:g}, b = {b:g}", x1, x2, w1, w2, b)

_NEURON_MISTAKES = [
    (lambda x1, x2, w1, w2, b: w1 * x1 + w2 * x2 + b,
     "You returned s = w1*x1 + w2*x2 + b: the last node, the sigmoid, is missing."),
    (lambda x1, x2, w1, w2, b: _sigmoid(w1 * x1 + w2 * x2),
     "The bias b is missing: s = w1*x1 + w2*x2 + b before the sigmoid."),
    (lambda x1, x2, w1, w2, b: 1 / (1 + np.exp(w1 * x1 + w2 * x2 + b)),
     "Sign error in the sigmoid: it is 1 / (1 + exp(-s)), with a minus sign."),
    (lambda x1, x2, w1, w2, b: _sigmoid(w1 * x2 + w2 * x1 + b),
     "The weights are crossed: w1 multiplies x1 and w2 multiplies x2."),
    (lambda x1, x2, w1, w2, b: np.tanh(w1 * x1 + w2 * x2 + b),
     "That is tanh; the graph uses the sigmoid 1 / (1 + exp(-s))."),
    (lambda x1, x2, w1, w2, b: _sigmoid(w1 * x1) + _sigmoid(w2 * x2) + b,
     "The sigmoid applies once, to the whole sum s = w1*x1 + w2*x2 + b."),
]


check_neuron_forward = function_exercise(
    "neuron_forward(x1, x2, w1, w2, b)", _neuron, _NEURON_CASES, title="neuron forward pass",
    mistakes=_NEURON_MISTAKES, random_cases=_random_neuron_case,
    doc="""Check ``neuron_forward(x1, x2, w1, w2, b)``: sigmoid(w1*x1 + w2*x2 + b) in NumPy.""")


# --- what Session.run computes ------------------------------------------------------

# s1 = m1 + m2 with m1 = w1 * x1 and m2 = w2 * x2: s1, m1, m2, w1, x1, w2, x2.
_NEEDED = 7


@checker
def check_nodes_computed(value=...):
    """Check how many nodes Session.run computes for the fetch s1 in the neuron graph (a whole number)."""
    return grade_value(value, _NEEDED, title="nodes computed for s1", mistakes=[
        (10, "That is every node of the graph: Session.run computes only what the fetch depends "
             "on, and s1 does not depend on b, s or z."),
        (3, "Count the leaves too: reading a placeholder or a Variable is part of the run "
            "(dm.topological_order lists them)."),
        (4, "Count every node s1 depends on, the leaves w1, x1, w2, x2 included, and s1 itself."),
        (6, "Count s1 itself too: the fetched node is computed last."),
        (8, "b is not needed for s1: it enters only at s = s1 + b."),
        (9, "Only what s1 depends on is computed: neither b nor s nor z."),
    ], integer=True)
