"""The dense layer and its gradients: the reference maths of the chapter *Linear algebra*.

Row convention, as in the whole course: a batch ``X`` of shape (n, d) holds one
example per row, a layer's weights ``W`` have shape (d, h) and its outputs are
``Z = X W + b``, shape (n, h). With ``G = dL/dZ`` (the upstream gradient, shape
(n, h)), the chain rule gives the two gradients the backward pass of a matrix
product sends back:

* ``weight_gradient(X, G)``: ``dL/dW = X^T G = sum_i x_i g_i^T``, shape (d, h);
* ``input_gradient(G, W)``: ``dL/dX = G W^T``, shape (n, d).

Used by the checkers of the lessons on calculus, linear algebra and
backpropagation (``dlmath.exercises``).
"""


def dense(X, W, b):
    """``X W + b``: a dense layer's outputs for a batch X of shape (n, d), W (d, h), b (h,)."""
    return X @ W + b


def weight_gradient(X, G):
    """``dL/dW = X^T G`` for ``Z = X W`` with ``G = dL/dZ``: one outer product x_i g_i^T per example, summed."""
    return X.T @ G


def input_gradient(G, W):
    """``dL/dX = G W^T`` for ``Z = X W`` with ``G = dL/dZ``."""
    return G @ W.T
