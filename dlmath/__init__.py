"""dlmath: a computational-graph engine small enough to read in one sitting.

Reading order, each module importing only the ones before it: ``errors``,
``functions`` (the elementwise formulas on NumPy arrays, written once),
``graph`` (nodes and graphs), ``ops`` (each operation's forward and gradient
rule), ``losses`` (fused, stable losses), ``autodiff`` (the backward pass),
``compiled`` (an optional fast path replaying a run's plan, same numbers),
``session`` (running a graph: forward, backward, update), ``train``
(optimizers), ``gradient_check`` (backprop against central differences).
Around the engine: ``data`` (small seeded datasets), ``draw`` (pictures of a
graph with its values and gradients), ``course`` (the course's reference
models, one module per topic), and for the lessons ``widgets`` (slider demos
over ``course``) and ``exercises`` (answer checkers comparing against
``course``, quizzes).

    import dlmath as dm
    x = dm.placeholder(name="x")
    W = dm.Variable([[0.5], [-0.5]], name="W")
    loss = dm.reduce_mean(dm.square(x @ W))
    train_op = dm.train.GradientDescentOptimizer(0.1).minimize(loss)
    dm.Session().run([train_op, loss], feed_dict={x: [[1, 2]]})
"""

from . import data, errors, ops, losses, train
from .errors import (DlmathError, FeedError, GradientError, GraphError,
                     NumericError, OpError, ShapeError)
from .graph import (Constant, Graph, Node, Operation, Placeholder, Update,
                    Variable, constant, get_default_graph, placeholder,
                    reset_default_graph, topological_order)
from .ops import (add, divide, exp, log, log_softmax, matmul, multiply,
                  negative, reduce_mean, reduce_sum, relu, sigmoid, softmax,
                  square, subtract, tanh, transpose)
from .ops import batch_norm
from .losses import mse, sigmoid_cross_entropy, softmax_cross_entropy
from .autodiff import (gradient_override, register_gradient, reset_gradient,
                       unbroadcast)
from .session import Session, compute_gradients, gradients
from .gradient_check import check_gradients
from .train import (AdamOptimizer, GradientDescentOptimizer, MomentumOptimizer)
from .draw import draw_graph
