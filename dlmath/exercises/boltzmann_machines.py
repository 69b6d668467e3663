"""Checkers for the Boltzmann-machines lesson.

* ``check_energy(energy)``: ``energy(v, h, W, a, b)`` returns the energy
  ``E(v, h) = -v @ W @ h - a @ v - b @ h`` of a restricted Boltzmann machine
  for one visible vector ``v`` (m,) and one hidden vector ``h`` (n,), with
  ``W`` of shape (m, n).
* ``check_hidden_probabilities(hidden_probabilities)``:
  ``hidden_probabilities(v, W, b)`` returns ``p(h_j = 1 | v)`` for a batch ``v``
  of shape (k, m): an array of shape (k, n).
* ``check_cd1_gradient(cd1_gradient)``: ``cd1_gradient(v0, v1, W, b)`` returns
  the CD-1 estimate of the gradient of the average log-likelihood with
  respect to ``W``, from a batch of data ``v0`` and its reconstructions ``v1``
  (both (k, m)), using hidden probabilities for the statistics.
* ``check_conditional_probability(value)``: for the three-unit Boltzmann
  machine of the lesson, ``p(s_1 = 1 | s_2 = 1, s_3 = 1)``.
* ``check_initial_visible_biases(initial_visible_biases)``:
  ``initial_visible_biases(data)`` returns Hinton's starting visible biases
  ``log(p_i / (1 - p_i))``, p_i the on-rate of unit i in the rows of data.
* ``check_advance_particles(advance_particles)``:
  ``advance_particles(fantasy, W, a, b, u_hidden, u_visible)`` moves the
  fantasy particles of persistent CD by one block Gibbs step, driven by the
  given uniform numbers.
"""

import numpy as np

from dlmath.course.boltzmann_machines import bars_and_stripes as _bars_and_stripes
from dlmath.course.boltzmann_machines import cd1_weight_gradient as _cd1_weight_gradient
from dlmath.course.boltzmann_machines import gibbs_step_from_uniforms as _gibbs_step_from_uniforms
from dlmath.course.boltzmann_machines import hidden_probabilities as _hidden_probabilities
from dlmath.course.boltzmann_machines import initial_visible_biases as _initial_visible_biases
from dlmath.course.boltzmann_machines import rbm_energy as _energy
from dlmath.functions import sigmoid as _sigmoid, softmax as _softmax

from .checking import Case, checker, function_exercise, grade_value, one_slip_each, rounded_normal, sized_case


# --- the energy of an RBM -------------------------------------------------------


def _rbm_case(label, m, n, seed):
    rng = np.random.default_rng(seed)
    v = (rng.random(m) < 0.5).astype(float)
    h = (rng.random(n) < 0.5).astype(float)
    v[0], h[0] = 1.0, 1.0  # at least one unit on in each layer, so every term counts
    W, a, b = rounded_normal(rng, (m, n), m, n)
    return Case(label, v, h, W, a, b)


_ENERGY_CASES = [
    _rbm_case("3 visible and 3 hidden units", 3, 3, 2),
    _rbm_case("4 visible and 3 hidden units", 4, 3, 0),
    _rbm_case("6 visible and 2 hidden units", 6, 2, 1),
    Case("every unit off: the energy is 0", np.zeros(3), np.zeros(2), np.ones((3, 2)), np.ones(3), np.ones(2)),
    Case("1 visible and 1 hidden unit, both on", np.ones(1), np.ones(1), np.array([[-0.5]]),
         np.array([0.25]), np.array([1.5])),
]


def _random_rbm_case(rng):
    m, n = int(rng.integers(1, 8)), int(rng.integers(1, 6))
    return _rbm_case(f"{m} visible and {n} hidden units", m, n, int(rng.integers(2**31)))

_ENERGY_MISTAKES = [
    (lambda v, h, W, a, b: v @ W @ h + a @ v + b @ h,
     "Every sign is flipped: the energy is minus the agreement, E = -v W h - a v - b h, so that "
     "states the weights like get a LOW energy (and a high probability exp(-E))."),
    (lambda v, h, W, a, b: v @ W @ h - a @ v - b @ h,
     "The interaction term has the wrong sign: it is -v W h, so that a positive weight between "
     "two units that are both on lowers the energy."),
    (lambda v, h, W, a, b: -(v @ W @ h) - b @ h,
     "The visible bias term -a @ v is missing."),
    (lambda v, h, W, a, b: -(v @ W @ h) - a @ v,
     "The hidden bias term -b @ h is missing."),
    (lambda v, h, W, a, b: -(v @ W @ h),
     "Both bias terms are missing: add -a @ v - b @ h."),
    (lambda v, h, W, a, b: -0.5 * (v @ W @ h) - a @ v - b @ h,
     "No 1/2 here: in the fully connected machine the 1/2 makes up for s W s counting each pair "
     "twice, but in v W h each visible-hidden pair appears only once."),
    (lambda v, h, W, a, b: -(h @ W @ v) - a @ v - b @ h,
     "W has shape (m, n): one row per visible unit. Multiply v @ W @ h (or h @ W.T @ v), not h @ W @ v."),
    (lambda v, h, W, a, b: -(v @ W.T @ h) - a @ v - b @ h,
     "W has shape (m, n): one row per visible unit, so v @ W (no transpose) gives the hidden inputs."),
    (lambda v, h, W, a, b: -(v @ W @ h) - a @ h - b @ v,
     "The biases are swapped: a belongs to the visible units (a @ v), b to the hidden units (b @ h)."),
    (lambda v, h, W, a, b: -np.sum(np.outer(v, h) * W, axis=0) - a @ v - b @ h,
     "The energy is one number: sum v_i W_ij h_j over both i and j."),
]


check_energy = function_exercise(
    "energy(v, h, W, a, b)", _energy, _ENERGY_CASES, title="RBM energy", mistakes=_ENERGY_MISTAKES,
    random_cases=_random_rbm_case,
    doc="""Check ``energy(v, h, W, a, b)``: the energy -v W h - a v - b h of an RBM (a number).""")


# --- p(h | v) ---------------------------------------------------------------------


@sized_case("k m n", 1, 7, "a batch of {k}, {m} visible and {n} hidden units")
def _hidden_case(label, k, m, n, seed):
    rng = np.random.default_rng(seed)
    v = (rng.random((k, m)) < 0.5).astype(float)
    W, b = rounded_normal(rng, (m, n), n)
    return Case(label, v, W, b)


_HIDDEN_CASES = [
    _hidden_case("a batch of 3 visible vectors, 4 visible and 4 hidden units", 3, 4, 4, 3),
    _hidden_case("a batch of 5 visible vectors, 6 visible and 3 hidden units", 5, 6, 3, 4),
    _hidden_case("one visible vector (a batch of 1), 9 visible and 2 hidden units", 1, 9, 2, 5),
    Case("all units off and zero biases: every probability is 1/2", np.zeros((2, 3)),
         np.ones((3, 2)), np.zeros(2)),
]



_HIDDEN_MISTAKES = [
    (lambda v, W, b: _sigmoid(v @ W.T + b),
     "W has shape (m, n), one row per visible unit: the input of hidden unit j is "
     "b_j + sum_i v_i W_ij, that is v @ W + b, with no transpose."),
    (lambda v, W, b: _sigmoid(v @ W),
     "The hidden bias b is missing: the input of hidden unit j is b_j + v @ W[:, j]."),
    (lambda v, W, b: v @ W + b,
     "You returned the input of each hidden unit; a probability needs the sigmoid of it."),
    (lambda v, W, b: np.exp(v @ W + b),
     "exp(input) is not a probability (it can exceed 1): the sigmoid 1 / (1 + exp(-input)) is."),
    (lambda v, W, b: _sigmoid(-(v @ W + b)),
     "Sign error inside the sigmoid: p(h_j = 1 | v) = 1 / (1 + exp(-(b_j + v @ W[:, j]))); a "
     "positive input must give a probability above 1/2."),
    (lambda v, W, b: 1 / (1 + np.exp(v @ W + b)),
     "Sign error inside the sigmoid: it is 1 / (1 + exp(-x)); yours gives p(h_j = 0 | v)."),
    (lambda v, W, b: _softmax(v @ W + b),
     "The hidden units of an RBM are independent given v, each a sigmoid of its own input; a "
     "softmax would make them compete as if only one could be on."),
    (lambda v, W, b: (_sigmoid(v @ W + b) > 0.5).astype(float),
     "You returned 0/1 values (a thresholded or sampled state): return the probabilities themselves."),
]


check_hidden_probabilities = function_exercise(
    "hidden_probabilities(v, W, b)", _hidden_probabilities, _HIDDEN_CASES, title="hidden probabilities",
    mistakes=_HIDDEN_MISTAKES, random_cases=_hidden_case.random,
    doc="""Check ``hidden_probabilities(v, W, b)``: p(h_j = 1 | v) for a batch v of shape (k, m).""")


# --- the CD-1 weight gradient -------------------------------------------------------


@sized_case("k m n", 1, 7, "{k} example(s), {m} visible and {n} hidden units")
def _cd1_case(label, k, m, n, seed):
    rng = np.random.default_rng(seed)
    v0 = (rng.random((k, m)) < 0.5).astype(float)
    v1 = v0.copy()
    flips = rng.random((k, m)) < 0.3
    flips[0, 0] = True  # reconstructions differ from the data somewhere
    v1[flips] = 1 - v1[flips]
    W, b = rounded_normal(rng, (m, n), n)
    return Case(label, v0, v1, W, b, batch_size=k)


_CD1_CASES = [
    _cd1_case("4 examples, 5 visible and 3 hidden units", 4, 5, 3, 6),
    _cd1_case("6 examples, 4 visible and 4 hidden units", 6, 4, 4, 7),
    _cd1_case("1 example, 3 visible and 2 hidden units", 1, 3, 2, 8),
]


_CD1_MISTAKES = [
    (lambda v0, v1, W, b: (v1.T @ _sigmoid(v1 @ W + b) - v0.T @ _sigmoid(v0 @ W + b)) / len(v0),
     "The phases are swapped: data term (positive phase, v0) minus model term (negative phase, "
     "v1). We climb the log-likelihood, towards the data."),
    (lambda v0, v1, W, b: (v0.T @ _sigmoid(v0 @ W + b) - v1.T @ _sigmoid(v1 @ W + b)),
     "You summed over the batch: divide by the number of examples to get the average gradient."),
    (lambda v0, v1, W, b: (v0.T @ _sigmoid(v0 @ W + b) - v1.T @ _sigmoid(v0 @ W + b)) / len(v0),
     "The negative phase needs the hidden probabilities of the reconstruction, p(h | v1), not "
     "those of the data."),
    (lambda v0, v1, W, b: (v0.T @ _sigmoid(v0 @ W) - v1.T @ _sigmoid(v1 @ W)) / len(v0),
     "The hidden bias is missing inside the sigmoid: p(h | v) = sigmoid(v @ W + b)."),
    (lambda v0, v1, W, b: (v0.T @ (v0 @ W + b) - v1.T @ (v1 @ W + b)) / len(v0),
     "Use the hidden probabilities sigmoid(v @ W + b), not the raw inputs v @ W + b."),
    (lambda v0, v1, W, b: (v0 - v1).T @ _sigmoid(v0 @ W + b) / len(v0),
     "You used p(h | v0) in both phases: the negative phase pairs v1 with p(h | v1)."),
    (lambda v0, v1, W, b: v0.T @ _sigmoid(v0 @ W + b) / len(v0),
     "That is only the data term (positive phase): subtract the model term v1.T @ p(h | v1) / k."),
]


check_cd1_gradient = function_exercise(
    "cd1_gradient(v0, v1, W, b)", _cd1_weight_gradient, _CD1_CASES, title="CD-1 gradient",
    mistakes=_CD1_MISTAKES, random_cases=_cd1_case.random,
    doc="""Check ``cd1_gradient(v0, v1, W, b)``: the CD-1 estimate of d(average log-likelihood)/dW.""")


# --- a conditional probability of a small Boltzmann machine -------------------------

# The lesson's machine: E(s) = -s W s / 2 - c s with these values.
LESSON_W = np.array([[0.0, 2.0, -1.0], [2.0, 0.0, 1.0], [-1.0, 1.0, 0.0]])
LESSON_BIAS = np.array([0.5, -1.0, 0.0])


@checker
def check_conditional_probability(value=...):
    """Check p(s_1 = 1 | s_2 = 1, s_3 = 1) for the lesson's three-unit machine.

    Give a number to 3 significant digits (or more).
    """
    x = LESSON_W[0, 1] + LESSON_W[0, 2] + LESSON_BIAS[0]  # input of unit 1: 2 - 1 + 0.5
    return grade_value(value, _sigmoid(x), title="conditional probability", mistakes=[
        (_sigmoid(x / 2), "You halved the weights. The 1/2 in E = -s W s / 2 - c s goes away: "
                          "each pair (i, j) appears twice in s W s, as W_ij and W_ji."),
        (_sigmoid(x - LESSON_BIAS[0]), "The bias of unit 1 is missing from its input."),
        (_sigmoid(-x), "Sign error: p(s_1 = 1 | rest) = sigmoid(+input); turning unit 1 on lowers "
                       "the energy by its input."),
        (np.exp(x), "exp(input) is the ratio p(s_1 = 1 | rest) / p(s_1 = 0 | rest); turn it into "
                    "a probability: ratio / (1 + ratio)."),
        (np.exp(-x), "That is a ratio of probabilities, and upside down: p(on) / p(off) = exp(input)."),
        (x, "That is the input of unit 1 (the energy drop when it turns on); its probability is the "
            "sigmoid of it."),
        (_sigmoid(LESSON_W[0, 1] + LESSON_BIAS[0]), "Unit 3 is on too: add its weight W_13 to the input."),
    ], digits=3)


# --- Hinton's initial visible biases -------------------------------------------------


def _rates_case(label, k, m, seed, grey=False):
    """k rows of m units, every unit on in some rows and off in others (finite log-odds)."""
    rng = np.random.default_rng(seed)
    if grey:  # uniform grey levels: a column's mean is never exactly 0 or 1
        return Case(label, rng.random((k, m)))
    data = (rng.random((k, m)) < rng.uniform(0.1, 0.9, size=m)).astype(float)
    # A unit that is never on (or always on) has infinite log-odds: switch it in one random row.
    # (Drawing again until every unit varies took hundreds of draws for 2 rows of 7 units.)
    constant = np.flatnonzero(data.min(axis=0) == data.max(axis=0))
    data[rng.integers(k, size=constant.size), constant] = 1 - data[0, constant]
    return Case(label, data)


_BIAS_CASES = [
    _rates_case("6 rows of 4 binary units", 6, 4, 0),
    Case("bars and stripes (14 patterns of 9 pixels): every pixel is on in half of them",
         _bars_and_stripes(3)),
    Case("one unit on in 1 of 4 rows: log(1/3)", np.array([[1.0], [0.0], [0.0], [0.0]])),
    _rates_case("10 rows of 3 grey levels between 0 and 1 (their means are the on-rates)", 10, 3, 1,
                grey=True),
]


def _random_bias_case(rng):
    k, m = int(rng.integers(2, 12)), int(rng.integers(1, 8))
    return _rates_case(f"{k} rows of {m} units", k, m, int(rng.integers(2**31)))


def _logit_rates(data):
    return np.log(data.mean(axis=0) / (1 - data.mean(axis=0)))


_BIAS_MISTAKES = [
    (lambda data: data.mean(axis=0),
     "You returned the on-rates p_i themselves: the bias is their log-odds log(p / (1 - p)), so "
     "that sigmoid(a_i) = p_i."),
    (lambda data: data.mean(axis=0) / (1 - data.mean(axis=0)),
     "That is the odds p / (1 - p): take its logarithm."),
    (lambda data: np.log(data.mean(axis=0)),
     "log(p) alone is not enough: the bias is log(p / (1 - p)), the inverse of the sigmoid."),
    (lambda data: -_logit_rates(data),
     "The sign is flipped: log((1 - p) / p) gives sigmoid(a) = 1 - p. A unit that is on more often "
     "than not needs a positive bias."),
    (lambda data: np.log(data.mean(axis=1) / (1 - data.mean(axis=1))),
     "You averaged each row (axis=1): the on-rate of unit i averages column i over the examples, "
     "data.mean(axis=0)."),
    (lambda data: np.full(data.shape[1], np.log(data.mean() / (1 - data.mean()))),
     "One rate for all units: each unit i has its own on-rate, the mean of column i (axis=0)."),
    (lambda data: np.log(data.sum(axis=0) / (1 - data.sum(axis=0))),
     "p_i is a fraction of the rows (the mean of the column), not a count."),
    (lambda data: np.log(data.mean(axis=0)) / np.log(1 - data.mean(axis=0)),
     "log(p / (1 - p)) is log(p) MINUS log(1 - p), not their ratio."),
]


check_initial_visible_biases = function_exercise(
    "initial_visible_biases(data)", _initial_visible_biases, _BIAS_CASES, title="initial visible biases",
    mistakes=_BIAS_MISTAKES, random_cases=_random_bias_case, forbid_mutation=True,
    doc="""Check ``initial_visible_biases(data)``: a_i = log(p_i / (1 - p_i)), p_i the mean of column i.""")


# --- one step of the fantasy particles (persistent CD) --------------------------------


@sized_case("k m n", 1, 8, "{k} particle(s), {m} visible and {n} hidden units")
def _particles_case(label, k, m, n, seed):
    rng = np.random.default_rng(seed)
    fantasy = (rng.random((k, m)) < 0.5).astype(float)
    W = np.round(rng.normal(scale=1.5, size=(m, n)), 2)
    a, b = rounded_normal(rng, m, n)
    return Case(label, fantasy, W, a, b, rng.random((k, n)), rng.random((k, m)))


_PARTICLE_CASES = [
    _particles_case("5 particles, 4 visible and 3 hidden units", 5, 4, 3, 11),
    _particles_case("8 particles, 9 visible and 12 hidden units (the lesson's RBM's shape)", 8, 9, 12, 12),
    _particles_case("1 particle, 3 visible and 5 hidden units", 1, 3, 5, 13),
]



def _step_variant(*, above=False, above_h=False, above_v=False, mean_field_h=False, mean_field_v=False, no_a=False, no_b=False,
                  transpose_back=False):
    """A Gibbs step with one of the usual slips, for the hints."""
    def step(fantasy, W, a, b, u_hidden, u_visible):
        ph = _sigmoid(fantasy @ W + (0 if no_b else b))
        h = ph if mean_field_h else ((u_hidden > ph) if above or above_h else (u_hidden < ph)).astype(float)
        pv = _sigmoid((h @ W if transpose_back else h @ W.T) + (0 if no_a else a))
        if mean_field_v:
            return pv
        return ((u_visible > pv) if above or above_v else (u_visible < pv)).astype(float)
    return step


_PARTICLE_MISTAKES = one_slip_each(
    _step_variant,
    above="A unit is on when its uniform number falls BELOW its probability (u < p happens with probability "
          "p); u > p switches it on with probability 1 - p.",
    above_h="In the hidden layer, a unit is on when its uniform number falls BELOW its probability: h = "
            "(u_hidden < p(h = 1 | v)).",
    above_v="In the visible layer, a unit is on when its uniform number falls BELOW its probability: v' = "
            "(u_visible < p(v = 1 | h)).",
    mean_field_v="You returned the probabilities p(v = 1 | h): the particles are states of the chain, so "
                 "sample them, (u_visible < p).astype(float).",
    mean_field_h="The hidden layer must be sampled too, h = (u_hidden < p(h = 1 | v)); feeding its "
                 "probabilities to the visible layer is a mean-field step, not a Gibbs step.",
    transpose_back="W has shape (m, n): from the hidden layer back to the visible one multiply by W.T, h @ "
                   "W.T + a.",
    no_a="The visible bias a is missing: p(v = 1 | h) = sigmoid(h @ W.T + a).",
    no_b="The hidden bias b is missing: p(h = 1 | v) = sigmoid(v @ W + b).",
) + [
    (lambda fantasy, W, a, b, u_hidden, u_visible: (u_hidden < _sigmoid(fantasy @ W + b)).astype(float),
     "You returned the hidden states: go on to the visible layer, v' = (u_visible < sigmoid(h @ W.T + a))."),
    (lambda fantasy, W, a, b, u_hidden, u_visible: fantasy,
     "The particles did not move: one block Gibbs step samples h given the particles, then new "
     "visible states given h."),
]


check_advance_particles = function_exercise(
    "advance_particles(fantasy, W, a, b, u_hidden, u_visible)", _gibbs_step_from_uniforms, _PARTICLE_CASES,
    title="fantasy particles", forbid_mutation=True, mistakes=_PARTICLE_MISTAKES,
    random_cases=_particles_case.random,
    doc="""Check ``advance_particles(fantasy, W, a, b, u_hidden, u_visible)``: one block Gibbs step
    h = [u_hidden < sigmoid(fantasy W + b)], v' = [u_visible < sigmoid(h W^T + a)].""")
