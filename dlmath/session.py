"""Running a graph: ``Session().run(fetches, feed_dict)``.

A run computes every node the fetches depend on, in topological order, and
keeps the values in a dictionary local to that run (nodes store no results,
only Variables hold state). The order is worked out once per set of fetches
and cached on the graph until the graph grows.
"""

from . import _allocator  # noqa: F401  (speed only: see its docstring)
from .errors import FeedError, GraphError
from .graph import Node, Placeholder, topological_order


def run_plan(fetches):
    """The nodes to compute for ``fetches``, in order, cached on their graph.

    Update nodes (training steps) go last, so every other value of the run is
    computed with the variables as they were before the step.
    """
    graph = fetches[0].graph
    key = ("forward", *fetches)
    plan = graph._cache.get(key)
    if plan is None:
        order = topological_order(fetches)
        plan = [n for n in order if n.kind != "update"] + \
               [n for n in order if n.kind == "update"]
        graph._cache[key] = plan
    return plan


def evaluate(fetches, values):
    """Compute the nodes ``fetches`` depend on; return the run's value dict.

    ``values`` starts the run: fed placeholders (and, for gradient checks,
    any node whose value should be taken as given instead of computed).
    """
    for node in run_plan(fetches):
        if node not in values:
            values[node] = node._evaluate(values)
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


class Session:
    """Runs graphs. ``with Session() as sess:`` also works (closing is a no-op)."""

    def __init__(self, graph=None):
        self.graph = graph

    def run(self, fetches, feed_dict=None):
        """Compute ``fetches`` (a node, or a list/tuple of nodes).

        ``feed_dict`` maps placeholders (or their names) to values. Returns
        the value of a single node, or a list of values in fetch order.
        Running an optimizer's update node trains one step; its value is None.
        Fetched Variables and constants are copies of their current value.
        """
        nodes, single = as_fetch_list(fetches)
        graph = self.graph or nodes[0].graph
        values = evaluate(nodes, prepare_feed(feed_dict, graph))
        results = [values[node] for node in nodes]
        for i, node in enumerate(nodes):
            if node.kind in ("variable", "constant"):
                results[i] = results[i].copy()     # editing it must not change the node
        return results[0] if single else results

    def close(self):
        pass

    def __repr__(self):
        return "<dlmath.Session>"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

