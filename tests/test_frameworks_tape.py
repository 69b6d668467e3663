"""The tape's functional API, per-example gradients, saved-tensor versions, memory,
checkpointing and tracing (dlmath.course.frameworks), against dlmath and by hand."""

import numpy as np
import pytest

import dlmath as dm
from dlmath.course import frameworks as fw


@pytest.fixture(autouse=True)
def empty_tape():
    fw.TAPE.clear()
    yield
    fw.TAPE.clear()


def _problem(seed=0, n=7, d=3, hidden=4):
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=(d, hidden)), rng.normal(size=hidden), rng.normal(size=(hidden, 2)),
              rng.normal(size=2)]
    return params, rng.normal(size=(n, d)), rng.integers(0, 2, size=n)


def _engine_gradients(params, X, y):
    with dm.Graph().as_default():
        variables = [dm.Variable(p) for p in params]
        W1, b1, W2, b2 = variables
        loss = dm.softmax_cross_entropy(dm.tanh(dm.constant(X) @ W1 + b1) @ W2 + b2, dm.constant(y))
        return dm.gradients(loss, variables)


def test_gradients_returns_without_touching_grad():
    params, X, y = _problem()
    tensors = [fw.Tensor(p) for p in params]
    result = fw.gradients(fw.tape_loss(tensors, X, y), tensors)
    assert all(t.grad is None for t in tensors)
    assert fw.TAPE == []
    for g, e in zip(result, _engine_gradients(params, X, y)):
        assert np.allclose(g, e, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_vmap_of_grad_gives_per_example_gradients(seed):
    params, X, y = _problem(seed)

    def one(params, x, label):
        return fw.tape_loss(params, x[None], np.array([label]))

    rows = fw.vmap(fw.grad(one), in_axes=(None, 0, 0))(params, X, y)
    assert [r.shape for r in rows] == [(len(y),) + np.shape(p) for p in params]
    for i in range(len(y)):
        for r, e in zip(rows, _engine_gradients(params, X[i:i + 1], y[i:i + 1])):
            assert np.allclose(r[i], e, rtol=1e-10, atol=1e-12)
    for r, e in zip(rows, _engine_gradients(params, X, y)):   # the mean of the rows: the batch gradient
        assert np.allclose(r.mean(axis=0), e, rtol=1e-10, atol=1e-12)


def test_vmap_refuses_mapped_axes_of_different_sizes():
    with pytest.raises(ValueError, match="one common size"):
        fw.vmap(lambda a, b: a, in_axes=(0, 0))(np.zeros(3), np.zeros(4))


def test_linear_per_example_gradients_against_central_differences():
    rng = np.random.default_rng(3)
    X, y, w, b = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=3), 0.3
    rows = fw.linear_per_example_gradients(X, y, w, b)
    h = 1e-6
    for i in range(5):
        loss = lambda w: 0.5 * (X[i] @ w + b - y[i]) ** 2
        numeric = [(loss(w + h * e) - loss(w - h * e)) / (2 * h) for e in np.eye(3)]
        assert np.allclose(rows[i], numeric, rtol=1e-6, atol=1e-8)


def test_in_place_change_of_a_saved_tensor_is_refused_and_clears_the_tape():
    params, X, y = _problem()
    W1, b1, W2, b2 = (fw.Tensor(p.copy(), name=n) for p, n in zip(params, ["W1", "b1", "W2", "b2"]))
    loss = fw.tape_loss([W1, b1, W2, b2], X, y)
    W2.add_(np.ones_like(W2.value))
    assert W2.version == 1
    with pytest.raises(fw.InPlaceError, match=r"'@'.*W2.*version 1; expected version 0"):
        fw.backward(loss)
    assert fw.TAPE == []


def test_in_place_change_of_a_saved_output_is_refused():
    h = fw.tanh(fw.Tensor(np.array([[0.5, -1.0]])))
    loss = fw.softmax_cross_entropy(h + fw.Tensor(np.zeros(2)), np.array([1]))   # + saves nothing
    h.mul_(2.0)
    with pytest.raises(fw.InPlaceError, match="'tanh'"):
        fw.backward(loss)


def test_in_place_change_of_an_unsaved_tensor_is_allowed():
    """Addition saves no array, so changing its bias input in place breaks nothing."""
    x, b = fw.Tensor(np.ones((2, 3))), fw.Tensor(np.zeros(3))
    out = x + b
    b.add_(1.0)
    fw.backward(fw.softmax_cross_entropy(out, np.array([0, 2])))
    assert b.grad.shape == (3,)


def test_saved_bytes_counts_each_activation_once_and_no_leaf():
    params, X, y = _problem(n=10, hidden=4)
    fw.tape_loss([fw.Tensor(p) for p in params], X, y)
    counted = dict((label, b) for label, b in fw.saved_bytes() if b)
    assert counted == {"tanh": 10 * 4 * 8, "softmax_xent": 2 * 10 * 2 * 8}


def _deep(X, y, weights, segment=None, on_recompute=None):
    def block(h, *Ws):
        for W in Ws:
            h = fw.tanh(h @ W)
        return h

    h = fw.Tensor(X)
    step = segment or 1
    for i in range(0, len(weights), step):
        Ws = weights[i:i + step]
        h = fw.checkpoint(block, h, *Ws, on_recompute=on_recompute) if segment else block(h, *Ws)
    return fw.softmax_cross_entropy(h, y)


@pytest.mark.parametrize("segment", [1, 2, 3])
def test_checkpointing_keeps_the_gradients_and_saves_memory(segment):
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(8, 5)), rng.integers(0, 5, size=8)
    weights = [fw.Tensor(rng.normal(size=(5, 5)) / 2) for _ in range(6)]
    plain_loss = _deep(X, y, weights)
    plain_bytes = sum(b for _, b in fw.saved_bytes())
    plain = fw.gradients(plain_loss, weights)
    recomputed = []
    loss = _deep(X, y, weights, segment, on_recompute=lambda tape: recomputed.append(len(tape)))
    assert np.isclose(loss.value, plain_loss.value, rtol=0, atol=1e-15)
    checkpointed_bytes = sum(b for _, b in fw.saved_bytes())
    grads = fw.gradients(loss, weights)
    for g, p in zip(grads, plain):
        assert np.allclose(g, p, rtol=1e-12, atol=1e-14)
    assert recomputed == [2 * segment] * (6 // segment)        # each segment runs again once
    activation = 8 * 5 * 8
    assert plain_bytes == 6 * activation + 2 * 8 * 5 * 8
    assert checkpointed_bytes == (6 // segment - 1) * activation + 2 * 8 * 5 * 8


def test_function_traces_once_per_signature_and_matches_eager():
    params, X, y = _problem()

    def logits(X, W1, b1, W2, b2):
        return fw.tanh(X @ W1 + b1) @ W2 + b2

    compiled = fw.function(logits)
    eager = logits(fw.Tensor(X), *map(fw.Tensor, params)).value
    fw.TAPE.clear()
    assert np.allclose(compiled(X, *params), eager, rtol=1e-12, atol=1e-14)
    compiled(X + 1, *params)
    assert compiled.traces == 1
    compiled(X[:3], *params)
    assert compiled.traces == 2


def test_function_retraces_for_each_python_number():
    compiled = fw.function(lambda x, k: x + x if k > 1 else x)
    assert np.allclose(compiled(np.ones(2), 2), 2)
    assert np.allclose(compiled(np.ones(2), 0), 1)
    assert compiled.traces == 2


def test_traced_graph_gives_dlmath_gradients():
    params, X, y = _problem()
    compiled = fw.function(lambda X, y, W1, b1, W2, b2: fw.softmax_cross_entropy(
        fw.tanh(X @ W1 + b1) @ W2 + b2, y))
    placeholders, loss = compiled.graph(X, y, *params)
    feed = dict(zip(placeholders, [X, y, *params]))
    for g, e in zip(dm.gradients(loss, placeholders[2:], feed), _engine_gradients(params, X, y)):
        assert np.allclose(g, e, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("body, message", [
    (lambda x: x if x > 0 else x, "Python control flow"),
    (lambda x: x[x > 0], "data-dependent shape"),
    (lambda x: print(x.value), "no number yet"),
    (lambda x: np.asarray(x), "no number yet"),
])
def test_tracing_explains_what_breaks_a_graph(body, message):
    with pytest.raises(fw.TracingError, match=message):
        fw.function(body)(np.ones(3))


@pytest.mark.parametrize("segment", [None, 1, 2, 3, 6])
def test_measured_peak_is_checkpoint_peak_activations(segment):
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(8, 5)), rng.integers(0, 5, size=8)
    weights = [fw.Tensor(rng.normal(size=(5, 5)) / 2) for _ in range(6)]
    loss = _deep(X, y, weights, segment)
    records = list(fw.TAPE)
    fw.gradients(loss, weights)
    activation = 8 * 5 * 8
    peak = max(fw.memory_timeline(records))
    loss_arrays = 2 * 8 * 5 * 8                 # softmax probabilities and one-hot labels
    expected = fw.checkpoint_peak_activations(6, segment) * activation
    assert expected <= peak <= expected + loss_arrays


def test_checkpoint_peak_activations_refuses_uneven_segments():
    with pytest.raises(ValueError, match="do not divide"):
        fw.checkpoint_peak_activations(10, 4)
