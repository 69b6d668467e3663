"""Reference answers and typical wrong answers for dlmath.exercises.computational_graphs.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""

import numpy as np


def topological_sort(graph):
    """Depth-first search; a node is appended once all its inputs are (post-order)."""
    order, visited = [], set()

    def visit(name):
        if name in visited:
            return
        visited.add(name)
        for child in graph[name]:
            visit(child)
        order.append(name)

    for name in graph:
        visit(name)
    return order


def no_visited_set(graph):
    order = []

    def visit(name):
        for child in graph[name]:
            visit(child)
        order.append(name)

    for name in graph:
        visit(name)
    return order


def pre_order(graph):
    order, visited = [], set()

    def visit(name):
        if name in visited:
            return
        visited.add(name)
        order.append(name)                      # appended before its inputs
        for child in graph[name]:
            visit(child)

    for name in graph:
        visit(name)
    return order


def forgets_leaves(graph):
    return [n for n in topological_sort(graph) if graph[n]]


def only_first_root(graph):
    order, visited = [], set()

    def visit(name):
        if name in visited:
            return
        visited.add(name)
        for child in graph[name]:
            visit(child)
        order.append(name)

    visit(next(reversed(list(graph))))          # a leaf: visits just itself
    return order


def never_marks(graph):
    def visit(name):
        for child in graph[name]:
            visit(child)
        visit(name)                             # infinite recursion
    for name in graph:
        visit(name)


def mutates(graph):
    order = topological_sort(graph)
    graph.clear()
    return order


sigmoid = lambda s: 1 / (1 + np.exp(-s))

CASES = {
    "check_topological_sort": {
        "solution": topological_sort,
        "wrong": [
            (lambda graph: list(graph), "order of the dict's keys"),
            (lambda graph: topological_sort(graph)[::-1], "reversed"),
            (pre_order, "post-order"),  # on the first graph (a tree) pre-order is the reverse
            (no_visited_set, "visited"),
            (forgets_leaves, "leaves"),
            (never_marks, "Infinite recursion"),
            (mutates, "changed the graph"),
            (lambda graph: ", ".join(topological_sort(graph)), "a str"),
            (lambda graph: [len(n) for n in graph], "not a node name"),
            (lambda graph: topological_sort(graph) + ["extra"], "not a node of this graph"),
            (lambda: [], "callable as topological_sort(graph)"),
        ],
    },
    "check_neuron_forward": {
        "solution": lambda x1, x2, w1, w2, b: sigmoid(w1 * x1 + w2 * x2 + b),
        "wrong": [
            (lambda x1, x2, w1, w2, b: w1 * x1 + w2 * x2 + b, "sigmoid, is missing"),
            (lambda x1, x2, w1, w2, b: sigmoid(w1 * x1 + w2 * x2), "bias b is missing"),
            (lambda x1, x2, w1, w2, b: 1 / (1 + np.exp(w1 * x1 + w2 * x2 + b)), "Sign error"),
            (lambda x1, x2, w1, w2, b: sigmoid(w1 * x2 + w2 * x1 + b), "crossed"),
            (lambda x1, x2, w1, w2, b: np.tanh(w1 * x1 + w2 * x2 + b), "tanh"),
            (lambda x1, x2, w1, w2, b: sigmoid(w1 * x1) + sigmoid(w2 * x2) + b, "applies once"),
            (lambda x1, x2, w1, w2: sigmoid(w1 * x1 + w2 * x2), "callable as"),
        ],
    },
    "check_nodes_computed": {
        "solution": 7,
        "wrong": [
            (10, "every node of the graph"),
            (3, "Count the leaves too"),
            (6, "s1 itself"),
            (8, "b is not needed"),
            (7.0004, "whole number"),
            (-7, "not the expected value"),
        ],
    },
}


CASES["check_nodes_computed"]["also_correct"] = [7.0, np.int64(7), [7], np.array([7])]
