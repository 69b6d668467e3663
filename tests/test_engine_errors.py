"""Every mistake gives a DlmathError naming the node, the shapes and a fix."""

import numpy as np
import pytest

import dlmath as dm


@pytest.fixture(autouse=True)
def fresh_graph():
    with dm.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    return dm.Session().run(fetches, feed)


def test_all_errors_share_a_base_class():
    for cls in [dm.FeedError, dm.ShapeError, dm.NumericError, dm.GradientError,
                dm.GraphError, dm.OpError]:
        assert issubclass(cls, dm.DlmathError)
    assert dm.errors.DlmathError is dm.DlmathError


def test_unfed_placeholder_is_named_with_the_fix():
    x = dm.placeholder(name="x")
    with pytest.raises(dm.FeedError, match=r"placeholder 'x' has no value.*feed_dict=\{x: "):
        run(x * 2)


def test_matmul_shape_mismatch():
    a, b = dm.Variable(np.ones((3, 3))), dm.Variable(np.ones((2, 8)))
    with pytest.raises(dm.ShapeError) as info:
        run(dm.matmul(a, b))
    assert str(info.value).startswith(
        "MatMul_1: cannot multiply shapes (3, 3) @ (2, 8): inner dimensions 3 and 2 differ")


def test_matmul_of_a_scalar():
    with pytest.raises(dm.ShapeError, match=r"MatMul_1: cannot matrix-multiply a scalar"):
        run(dm.matmul(2.0, np.ones((2, 2))))


@pytest.mark.parametrize("build, symbol", [(dm.add, r"\+"), (dm.multiply, r"\*"),
                                           (dm.subtract, "-"), (dm.divide, "/")])
def test_broadcasting_failure_names_op_and_shapes(build, symbol):
    x = dm.placeholder(name="x")
    node = build(x, np.ones((4,)))
    with pytest.raises(dm.ShapeError,
                       match=rf"{node.name}: cannot broadcast shapes \(2, 3\) {symbol} \(4,\)"):
        run(node, {x: np.ones((2, 3))})


def test_non_scalar_loss_in_gradients():
    x = dm.placeholder()
    w = dm.Variable(np.ones((3, 2)))
    with pytest.raises(dm.GradientError,
                       match=r"'MatMul_1' has shape \(4, 2\).*reduce_mean\(\.\.\.\) or reduce_sum"):
        dm.gradients(x @ w, w, {x: np.ones((4, 3))})


def test_non_scalar_loss_in_optimizer():
    x = dm.placeholder()
    w = dm.Variable(np.ones((3, 2)))
    train = dm.train.GradientDescentOptimizer(0.1).minimize(x @ w)
    with pytest.raises(dm.GradientError, match=r"shape \(4, 2\).*reduce_mean"):
        run(train, {x: np.ones((4, 3))})


def test_non_numeric_feed_names_the_placeholder():
    x = dm.placeholder(name="images")
    with pytest.raises(dm.FeedError, match=r"placeholder 'images' needs numbers, got str"):
        run(x, {x: "cat.png"})
    with pytest.raises(dm.FeedError, match=r"placeholder 'images' needs numbers"):
        run(x, {x: [[1, 2], [3]]})                  # ragged


def test_declared_shape_violated():
    x = dm.placeholder(name="x", shape=(None, 784))
    assert run(x, {x: np.zeros((5, 784))}).shape == (5, 784)
    with pytest.raises(dm.FeedError,
                       match=r"'x' was declared with shape \(None, 784\) but was fed shape \(5, 28, 28\)"):
        run(x, {x: np.zeros((5, 28, 28))})


def test_op_without_gradient_names_class_and_register_gradient():
    class Cube(dm.Operation):
        def forward(self, x):
            return x ** 3
    w = dm.Variable([1.0, 2.0])
    loss = dm.reduce_sum(Cube(w))
    assert run(loss) == 9.0                          # forward works without a rule
    with pytest.raises(dm.GradientError, match=r"Cube \(Cube_1\) has no gradient rule.*register_gradient"):
        dm.gradients(loss, w)


def test_fetching_something_not_a_node():
    x = dm.placeholder()
    with pytest.raises(dm.GraphError, match=r"cannot fetch .*ndarray"):
        run([x, np.ones(2)], {x: 1})
    with pytest.raises(dm.GraphError, match=r"cannot fetch str"):
        run("x")


def test_feeding_a_key_that_is_not_a_placeholder():
    x = dm.placeholder()
    w = dm.Variable([1.0], name="w")
    with pytest.raises(dm.FeedError, match=r"key 'w' \(a Variable\) is not a placeholder"):
        run(x + w, {w: [2.0], x: [1.0]})
    with pytest.raises(dm.FeedError, match=r"key int 3 is not a placeholder"):
        run(x, {3: 1.0})
    with pytest.raises(dm.FeedError, match=r"no node with that name"):
        run(x, {"nope": 1.0})


def test_numpy_failure_inside_an_op_is_wrapped():
    class Broken(dm.Operation):
        def forward(self, x):
            return x.reshape(7)
    x = dm.placeholder()
    with pytest.raises(dm.OpError, match=r"Broken_1: Broken failed on input shapes \(2, 3\)"):
        run(Broken(x), {x: np.ones((2, 3))})


def test_overflow_warning_becomes_an_op_error():
    # pytest.ini turns RuntimeWarning into an error; the engine names the op
    with pytest.raises(dm.OpError, match=r"Exp_1: .*overflow"):
        run(dm.exp(dm.constant([1000.0])))


def test_integer_labels_out_of_range():
    logits, y = dm.placeholder(), dm.placeholder()
    loss = dm.softmax_cross_entropy(logits, y)
    with pytest.raises(dm.ShapeError, match=r"integer labels must be whole numbers in 0\.\.2"):
        run(loss, {logits: np.zeros((2, 3)), y: [0, 3]})
    with pytest.raises(dm.ShapeError, match=r"labels of shape \(2, 2\) do not fit logits of shape \(2, 3\)"):
        run(loss, {logits: np.zeros((2, 3)), y: np.zeros((2, 2))})


def test_loss_shapes_that_would_silently_broadcast():
    p, t = dm.placeholder(), dm.placeholder()
    with pytest.raises(dm.ShapeError, match=r"prediction of shape \(4, 1\) and target of shape \(4,\)"):
        run(dm.mse(p, t), {p: np.zeros((4, 1)), t: np.zeros(4)})
    with pytest.raises(dm.ShapeError, match=r"logits of shape \(4, 1\) and labels of shape \(4,\)"):
        run(dm.sigmoid_cross_entropy(p, t), {p: np.zeros((4, 1)), t: np.zeros(4)})


def test_mixing_graphs():
    a = dm.placeholder(name="a")
    with dm.Graph().as_default():
        b = dm.placeholder(name="b")
    with pytest.raises(dm.GraphError, match=r"another Graph"):
        a + b


def test_gradient_rule_returning_wrong_count():
    @dm.register_gradient(dm.ops.Multiply)
    def bad(op, grad, inputs, output):
        return (grad,)
    try:
        w = dm.Variable([1.0])
        with pytest.raises(dm.GradientError, match=r"Multiply_1: .*returned 1 gradients for 2 inputs"):
            dm.gradients(dm.reduce_sum(w * 2.0), w)
    finally:
        dm.reset_gradient(dm.ops.Multiply)


def test_gradient_rule_returning_wrong_shape():
    w = dm.Variable([1.0, 2.0, 3.0], name="w")
    with dm.gradient_override(dm.ops.Square, lambda op, g, i, o: np.ones(2)):
        with pytest.raises(dm.GradientError,
                           match=r"Square_1: .*shape \(2,\) for input 'w' of shape \(3,\)"):
            dm.gradients(dm.reduce_sum(dm.square(w)), w)


def test_register_gradient_used_without_a_class():
    with pytest.raises(dm.GradientError, match=r"needs an Operation class"):
        @dm.register_gradient
        def rule(op, grad, inputs, output):
            return grad
