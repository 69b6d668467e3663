"""dlmath against HIPS autograd on random composite graphs.

Hypothesis writes a random little program (a sequence of ops whose operands
are picked from the values computed so far); we run it in dlmath and, with
the same maths, in autograd.numpy, then compare the loss and the gradients
with respect to every input.
"""

import autograd
import pytest
import autograd.numpy as anp
import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import dlmath as dm


def a_logsumexp(x, axis):
    m = anp.max(x, axis=axis, keepdims=True)
    return m + anp.log(anp.sum(anp.exp(x - m), axis=axis, keepdims=True))


# name -> (number of operands, dlmath version, autograd version); every value
# in the pool has shape (3, 4); "v" (4,), "c" (3, 1) and "M" (4, 4) are extra
# inputs used for broadcasting and matrix products.
OPS = {
    "add": (2, lambda a, b, e: a + b, lambda a, b, e: a + b),
    "sub": (2, lambda a, b, e: dm.subtract(a, b), lambda a, b, e: a - b),
    "mul": (2, lambda a, b, e: a * b, lambda a, b, e: a * b),
    "div": (2, lambda a, b, e: a / (1 + dm.square(b)), lambda a, b, e: a / (1 + b ** 2)),
    "matmul": (1, lambda a, e: a @ e["M"], lambda a, e: anp.dot(a, e["M"])),
    "abba": (2, lambda a, b, e: 0.1 * (a @ dm.transpose(b)) @ a,
             lambda a, b, e: 0.1 * anp.dot(anp.dot(a, b.T), a)),
    "add_row": (1, lambda a, e: a + e["v"], lambda a, e: a + e["v"]),
    "mul_col": (1, lambda a, e: e["c"] * a, lambda a, e: e["c"] * a),
    "neg": (1, lambda a, e: -a, lambda a, e: -a),
    "square": (1, lambda a, e: dm.square(a), lambda a, e: a * a),
    "tanh": (1, lambda a, e: dm.tanh(a), lambda a, e: anp.tanh(a)),
    "sigmoid": (1, lambda a, e: dm.sigmoid(a), lambda a, e: 1 / (1 + anp.exp(-a))),
    "relu": (1, lambda a, e: dm.relu(a), lambda a, e: anp.where(a > 0, a, 0.0)),  # grad 0 at 0, as dlmath
    "exp_tanh": (1, lambda a, e: dm.exp(dm.tanh(a)), lambda a, e: anp.exp(anp.tanh(a))),
    "log1p_sq": (1, lambda a, e: dm.log(1 + dm.square(a)), lambda a, e: anp.log(1 + a * a)),
    "softmax0": (1, lambda a, e: dm.softmax(a, axis=0),
                 lambda a, e: anp.exp(a - a_logsumexp(a, 0))),
    "log_softmax": (1, lambda a, e: dm.log_softmax(a),
                    lambda a, e: a - a_logsumexp(a, -1)),
    "center": (1, lambda a, e: a - dm.reduce_mean(a, axis=0, keepdims=True),
               lambda a, e: a - anp.mean(a, axis=0, keepdims=True)),
    "rowsum": (1, lambda a, e: a * dm.reduce_sum(a, axis=1, keepdims=True) * 0.1,
               lambda a, e: a * anp.sum(a, axis=1, keepdims=True) * 0.1),
}
INPUT_SHAPES = {"A": (3, 4), "B": (3, 4), "v": (4,), "c": (3, 1), "M": (4, 4)}

program = st.lists(st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 99),
                             st.integers(0, 99)), min_size=1, max_size=8)
inputs = st.fixed_dictionaries({
    name: hnp.arrays(np.float64, shape, elements=st.floats(-1, 1))
    for name, shape in INPUT_SHAPES.items()})


def run_program(steps, env, pool, ops_index):
    for name, i, j in steps:
        arity, *versions = OPS[name]
        f = versions[ops_index]
        a, b = pool[i % len(pool)], pool[j % len(pool)]
        pool.append(f(a, b, env) if arity == 2 else f(a, env))
    return pool[-1]


@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@settings(max_examples=40, deadline=None)
@given(steps=program, feed=inputs)
def test_random_graphs_match_autograd(steps, feed):
    names = sorted(INPUT_SHAPES)
    weights = np.random.default_rng(1).standard_normal((3, 4))

    def autograd_loss(*arrays):
        env = dict(zip(names, arrays))
        out = run_program(steps, env, [env["A"], env["B"]], 1)
        return anp.sum(out * weights)

    expected_loss = autograd_loss(*(feed[n] for n in names))
    expected_grads = [autograd.grad(autograd_loss, k)(*(feed[n] for n in names))
                      for k in range(len(names))]

    with dm.Graph().as_default():
        env = {n: dm.placeholder(name=n) for n in names}
        out = run_program(steps, env, [env["A"], env["B"]], 0)
        loss = dm.reduce_sum(out * weights)
        fd = {env[n]: feed[n] for n in names}
        got_loss = dm.Session().run(loss, fd)
        got_grads = dm.gradients(loss, [env[n] for n in names], fd)

    program_text = " -> ".join(s[0] for s in steps)
    np.testing.assert_allclose(got_loss, expected_loss, rtol=1e-9, atol=1e-12,
                               err_msg=f"loss differs for program {program_text}")
    for name, got, want in zip(names, got_grads, expected_grads):
        np.testing.assert_allclose(
            got, want, rtol=1e-7, atol=1e-10,
            err_msg=f"d loss / d {name} differs from autograd for {program_text}")
