"""The fast path of ``Session.run``: a run's plan worked out once, then replayed.

Nothing here is needed to understand the engine: it does what
``session.evaluate`` (the forward pass) and ``autodiff.backward`` (the
backward pass) do, in the same order with the same arithmetic, so the values
and gradients are identical to the last bit (``tests/test_engine_compiled.py``
checks it on many graphs). What changes is when the bookkeeping is done. A
training loop runs the same fetches thousands of times, and the readable path
works out on every run which nodes to compute and in which order, which
operations need a gradient and for which inputs, which gradients to keep.
``compile_run`` does that once; ``CompiledRun.run`` then only looks up values
and calls the ops' ``forward`` and gradient rules. An op may also offer a
pair ``forward_saving(*inputs) -> (output, saved)`` and
``backward_saved(grad, inputs, output, saved, needs)`` so that its backward
pass reuses what its forward pass computed (the fused softmax cross-entropy
keeps its log-probabilities); the readable path never uses them, and they must
give the numbers of ``forward`` and ``backward_some``.

It checks nothing. If anything goes wrong (a placeholder not fed, shapes that
do not fit, a gradient rule that fails), ``CompiledRun.run`` returns None and
the Session runs the readable path, which raises the explained error. That is
safe because a run changes nothing before both passes have succeeded: the
optimizer's update comes after, and is not part of the compiled run.
``Session(compiled=False)`` takes the readable path always.
"""

import numpy as np

from .autodiff import backward_plan, custom_rule, unbroadcast
from .graph import Operation, Update, topological_order


class CompiledRun:
    """The forward and backward plan of one list of fetches of one graph.

    ``forward``: (node, its inputs, whether to call its ``forward`` directly)
    for every node to compute, inputs first; ``step``: the fetched training step (an
    ``Update`` node) or None; ``backward``: for each operation between the
    step's variables and its loss, consumers first, (op, whether its gradient
    is kept, its input nodes, the (position, node) of the inputs that need a
    gradient, their needs as a tuple of booleans).
    """

    def __init__(self, nodes, graph):
        self.graph_version = graph.version
        order = topological_order(nodes)
        steps = [n for n in order if isinstance(n, Update)]
        self.usable = len(steps) <= 1        # several steps: the readable path
        self.step = steps[0] if steps else None
        self.forward = [(n, n.inputs, _how_to_compute(n))
                        for n in order if not isinstance(n, Update)]
        self.backward = []
        if self.step is not None:
            wrt = set(self.step.variables)
            for op, needs in reversed(backward_plan(self.step.loss, self.step.variables)):
                wanted = tuple((i, node) for i, (node, need) in
                               enumerate(zip(op.inputs, needs)) if need)
                self.backward.append((op, op in wrt, op.inputs, wanted, needs))

    def run(self, values):
        """Fill ``values`` (the run's fed placeholders) with the forward pass, and
        return (values, the step's gradients or None); None if anything fails."""
        saved = {}     # op -> what its forward_saving kept for its backward_saved
        try:
            for node, ins, how in self.forward:
                if node in values:
                    continue
                if how is COMPUTE:
                    values[node] = node.compute(values)
                    continue
                if how is SAVING:
                    out, saved[node] = node.forward_saving(*[values[i] for i in ins])
                else:
                    out = node.forward(*[values[i] for i in ins])
                if not isinstance(out, (np.ndarray, np.generic)):
                    out = np.asarray(out, dtype=np.float64)
                values[node] = out
            return values, self.gradients(values, saved) if self.step is not None else None
        except Exception:
            return None

    def gradients(self, values, saved=None):
        """``autodiff.backward(step.loss, values, step.variables)``, replayed;
        ``saved`` holds what ops' ``forward_saving`` kept for the backward pass."""
        saved = saved or {}
        loss = values[self.step.loss]
        if loss.size != 1:
            raise ValueError("not a scalar loss")  # the readable path explains
        grads = {self.step.loss: np.ones(loss.shape, loss.dtype)}  # = np.ones_like(loss)
        for op, keep, ins, wanted, needs in self.backward:
            grad = grads.get(op) if keep else grads.pop(op, None)
            if grad is None:
                continue
            inputs = tuple([values[node] for node in ins])
            rule = custom_rule(op)
            if rule:
                out = rule(op, grad, inputs, values[op])
            elif op in saved:
                out = op.backward_saved(grad, inputs, values[op], saved[op], needs)
            else:
                out = op.backward_some(grad, inputs, values[op], needs)
            if type(out) is not tuple:
                out = tuple(out) if isinstance(out, list) else (out,)
            if len(out) != len(ins):
                raise ValueError("wrong number of gradients")
            for i, node in wanted:
                g = out[i]
                if g is not None:
                    if type(g) is not np.ndarray or g.shape != inputs[i].shape:
                        g = unbroadcast(g, inputs[i].shape)
                    grads[node] = grads[node] + g if node in grads else g
        return grads


COMPUTE, FORWARD, SAVING = "compute", "forward", "forward_saving"


def _how_to_compute(node):
    """How the fast path computes ``node``: ``node.compute(values)`` (leaves, and
    an Operation that overrides ``compute``), ``node.forward(*inputs)``, or
    ``node.forward_saving(*inputs)`` for an op that keeps part of its forward
    pass for its backward pass (it then also has ``backward_saved``)."""
    if not isinstance(node, Operation) or type(node).compute is not Operation.compute:
        return COMPUTE
    if hasattr(node, "forward_saving") and hasattr(node, "backward_saved"):
        return SAVING
    return FORWARD
