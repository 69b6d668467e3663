"""Optimizers: turn gradients into steps on the Variables.

``optimizer.minimize(loss)`` returns an update node; each
``session.run(train_op, feed_dict)`` computes the loss, backpropagates to
the Variables the loss depends on and hands the gradients to the optimizer's
``apply_gradients``, which moves each Variable one step with ``update``.
"""

import numpy as np

from .errors import GradientError
from .graph import Update, Variable, as_node
from .session import variables_of


# ---------------------------------------------------------------- the steps, on arrays

def gradient_step(w, grad, learning_rate):
    """One step of gradient descent: w <- w - learning_rate * dL/dw."""
    return w - learning_rate * grad


def momentum_step(w, v, grad, learning_rate, momentum):
    """One step with momentum, returning (w, v):
    v <- momentum * v + dL/dw;  w <- w - learning_rate * v."""
    v = momentum * v + grad
    return w - learning_rate * v, v


# ---------------------------------------------------------------- optimizers

class Optimizer:
    """Base class. Subclasses define ``update(variable, grad)``."""

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate

    def minimize(self, loss, var_list=None, name=None):
        """An update node training ``var_list`` (default: every Variable the
        loss depends on) to decrease ``loss``."""
        loss = as_node(loss)
        variables = variables_of(loss) if var_list is None else list(var_list)
        for v in variables:
            if not isinstance(v, Variable):
                raise GradientError(f"minimize can only train Variables, got {v!r}")
        if not variables:
            raise GradientError(
                f"the loss {loss.name!r} depends on no Variable, so there is "
                "nothing to train; build it from dlmath.Variable(...) parameters")
        return Update(loss, self, variables, name=name)

    def apply_gradients(self, grads_and_vars):
        """One step for each ``(gradient, Variable)`` pair (a None gradient: no step)."""
        for grad, var in grads_and_vars:
            if grad is not None:
                self.update(var, grad)

    def update(self, var, grad):
        """Move ``var.value`` one step using ``grad`` = dL/dvar."""
        raise NotImplementedError(
            f"{type(self).__name__} must define update(self, var, grad)")

    def __repr__(self):
        settings = ", ".join(f"{k}={v!r}" for k, v in vars(self).items()
                             if not isinstance(v, dict))
        return f"{type(self).__name__}({settings})"


class GradientDescentOptimizer(Optimizer):
    """w <- w - learning_rate * dL/dw."""

    def update(self, var, grad):
        var.value = gradient_step(var.value, grad, self.learning_rate)


class MomentumOptimizer(Optimizer):
    """Gradient descent with a velocity that remembers past steps:

    v <- momentum * v + dL/dw;   w <- w - learning_rate * v
    """

    def __init__(self, learning_rate, momentum=0.9):
        super().__init__(learning_rate)
        self.momentum = momentum
        self.velocity = {}                   # Variable -> v

    def update(self, var, grad):
        var.value, self.velocity[var] = momentum_step(
            var.value, self.velocity.get(var, 0.0), grad, self.learning_rate, self.momentum)


class AdamOptimizer(Optimizer):
    """Adam (Kingma & Ba, 2015): steps scaled by running gradient statistics.

    m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2      (g = dL/dw)
    m_hat = m / (1 - b1^t);   v_hat = v / (1 - b2^t)        (bias correction)
    w <- w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8):
        super().__init__(learning_rate)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.state = {}                      # Variable -> (t, m, v)

    def update(self, var, grad):
        t, m, v = self.state.get(var, (0, 0.0, 0.0))
        t += 1
        m = self.beta1 * m + (1 - self.beta1) * grad
        v = self.beta2 * v + (1 - self.beta2) * grad * grad
        self.state[var] = (t, m, v)
        m_hat = m / (1 - self.beta1 ** t)
        v_hat = v / (1 - self.beta2 ** t)
        var.value = var.value - self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)
