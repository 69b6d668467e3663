"""Running a graph: ``Session().run(fetches, feed_dict)``, and gradients of a run.

A run computes every node the fetches depend on, in topological order, and
keeps the values in a dictionary local to that run (nodes store no results,
only Variables hold state). Running a training step (the ``Update`` node an
optimizer's ``minimize`` returns) does the whole step here, in
``Session._run_readable``: the forward pass, the backward pass
(``dlmath.autodiff``) and the optimizer's update. A run repeated with the same
fetches takes a fast path with identical results (``dlmath.compiled``).
"""

import numpy as np

from .autodiff import backward
from .compiled import CompiledRun
from .errors import FeedError, GradientError, GraphError
from .graph import Node, Placeholder, Update, Variable, topological_order


def evaluate(fetches, values):
    """The forward pass: compute the nodes ``fetches`` depend on, in order,
    and return the run's value dict.

    ``values`` starts the run: fed placeholders (and, for gradient checks,
    any node whose value should be taken as given instead of computed).
    """
    for node in topological_order(fetches):
        if node not in values:
            values[node] = node.compute(values)
    return values


def prepare_feed(feed_dict, graph):
    """Check the feed and convert its values to float64 arrays.

    Keys may be placeholder nodes or their names; values any array-likes.
    """
    feed = {}
    for key, value in (feed_dict or {}).items():
        if isinstance(key, str):
            key = _placeholder_named(key, graph)
        if not isinstance(key, Placeholder):
            raise FeedError(
                f"feed_dict key {_describe(key)} is not a placeholder: only "
                "placeholders can be fed; create one with dlmath.placeholder() "
                "and use it in the graph where the value is needed")
        if key.graph is not graph:
            raise FeedError(
                f"feed_dict key {key.name!r} belongs to {key.graph.describe()}, "
                f"not to {graph.describe()} that is being run; feed the "
                "placeholders of the graph you run")
        feed[key] = key.check_feed(value)
    return feed


def _placeholder_named(name, graph):
    try:
        return graph.get_node(name)
    except KeyError:
        raise FeedError(f"feed_dict key {name!r}: there is no node with that "
                        "name in the graph; use the placeholder node itself as "
                        "the key") from None


def _describe(obj):
    if isinstance(obj, Node):
        return f"{obj.name!r} (a {type(obj).__name__})"
    return f"{type(obj).__name__} {obj!r}"[:80]


def as_fetch_list(fetches):
    """(list of nodes, whether a single node was given)."""
    single = isinstance(fetches, Node)
    nodes = [fetches] if single else fetches
    if not isinstance(nodes, (list, tuple)) or not nodes:
        raise GraphError(f"cannot fetch {_describe(fetches)}: fetch a node or a "
                         "non-empty list/tuple of nodes")
    for node in nodes:
        if not isinstance(node, Node):
            raise GraphError(
                f"cannot fetch {_describe(node)}: it is not a node of the graph; "
                "fetch the nodes returned by dlmath functions (placeholder, "
                "Variable, matmul, ...)")
    return list(nodes), single


def graph_of(nodes, graph=None):
    """The graph every node of ``nodes`` belongs to: ``graph`` if given, else
    the first node's; a :class:`GraphError` naming both graphs otherwise."""
    graph = graph or nodes[0].graph
    for node in nodes:
        if node.graph is not graph:
            raise GraphError(
                f"node {node.name!r} belongs to {node.graph.describe()}, but this "
                f"run is on {graph.describe()}; run each graph with its own "
                "Session(graph=...), or build the nodes inside the same "
                "`with graph.as_default():` block")
    return graph


# ---------------------------------------------------------------- gradients of a run

def gradients(loss, wrt, feed_dict=None):
    """d loss / d w for each node w in ``wrt`` (a node, or a list of nodes).

    Runs the graph with ``feed_dict``; returns an array shaped like each
    node's value (zeros if the loss does not depend on it): one array for a
    single node, a list for a list.
    """
    nodes, single = as_fetch_list(wrt)
    loss = single_loss(loss)
    graph = graph_of([loss, *nodes])
    values = evaluate([loss, *nodes], prepare_feed(feed_dict, graph))
    grads = backward(loss, values, nodes)
    result = [np.array(grads[n]) if n in grads else np.zeros(np.shape(values[n]))
              for n in nodes]
    return result[0] if single else result


def compute_gradients(loss, feed_dict=None):
    """A dict mapping every node the loss depends on to d loss / d node."""
    loss = single_loss(loss)
    values = evaluate([loss], prepare_feed(feed_dict, loss.graph))
    grads = backward(loss, values)
    return {node: np.array(grads[node]) if node in grads
            else np.zeros(np.shape(values[node]))
            for node in topological_order([loss])}


def single_loss(loss):
    """The one node of ``loss``; a :class:`GradientError` for a list."""
    nodes, single = as_fetch_list(loss)
    if not single:
        raise GradientError("the loss must be a single node, not a list; add "
                            "the losses together first")
    return nodes[0]


def variables_of(loss):
    """The Variables ``loss`` depends on (inputs-first order)."""
    return [n for n in topological_order([loss]) if isinstance(n, Variable)]


# ---------------------------------------------------------------- Session

class Session:
    """Runs graphs. ``with Session() as sess:`` also works (closing is a no-op).

    ``Session(graph=g)`` runs nodes of ``g`` only and refuses others with a
    :class:`~dlmath.errors.GraphError` naming both graphs; ``Session()`` runs
    the graph of the nodes it is given.

    ``compiled=True`` (the default) lets a run of fetches it has run before
    take a fast path (``dlmath.compiled``) that gives identical results;
    ``compiled=False`` runs every step through the readable passes below.
    """

    def __init__(self, graph=None, compiled=True):
        self.graph = graph
        self.compiled = compiled
        self._compiled_runs = {}   # tuple of fetches -> CompiledRun (only a cache)

    def run(self, fetches, feed_dict=None):
        """Compute ``fetches`` (a node, or a list/tuple of nodes).

        ``feed_dict`` maps placeholders (or their names) to values. Returns
        the value of a single node, or a list of values in fetch order.
        Running an optimizer's update node trains one step; its value is None.
        Fetched Variables and constants are copies of their current value.
        """
        nodes, single = as_fetch_list(fetches)
        graph = graph_of(nodes, self.graph)
        feed = prepare_feed(feed_dict, graph)
        done = self._run_compiled(nodes, graph, feed) if self.compiled else None
        values = done if done is not None else self._run_readable(nodes, feed)
        results = [values[node] for node in nodes]
        for i, node in enumerate(nodes):
            if node.kind in ("variable", "constant"):
                results[i] = results[i].copy()     # editing it must not change the node
        return results[0] if single else results

    @staticmethod
    def _run_readable(nodes, values):
        """A run in three steps: forward pass, then for each training step its
        backward pass and the optimizer's update. ``values`` holds the feed."""
        order = topological_order(nodes)
        for node in order:                                  # forward pass
            if node not in values and not isinstance(node, Update):
                values[node] = node.compute(values)
        for step in [n for n in order if isinstance(n, Update)]:  # training steps, last
            grads = backward(step.loss, values, step.variables)   # backward pass
            step.optimizer.apply_gradients(
                [(grads.get(v), v) for v in step.variables])      # update
            values[step] = None
        return values

    def _run_compiled(self, nodes, graph, feed):
        """The run's values by the fast path (with the update done), or None
        where the readable path must run (see ``dlmath.compiled``)."""
        key = tuple(nodes)
        compiled = self._compiled_runs.get(key)
        if compiled is None or compiled.graph_version != graph.version:
            compiled = self._compiled_runs[key] = CompiledRun(nodes, graph)
        done = compiled.run(dict(feed)) if compiled.usable else None
        if done is None:
            return None
        values, grads = done
        step = compiled.step
        if step is not None:
            step.optimizer.apply_gradients([(grads.get(v), v) for v in step.variables])
            values[step] = None
        return values

    def close(self):
        pass

    def __repr__(self):
        return "<dlmath.Session>"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
