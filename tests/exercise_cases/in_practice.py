"""Reference answers and typical wrong answers for dlmath.exercises.in_practice.

Convention (see dlmath/exercises/__init__.py): CASES maps each check_* name to
its "solution" (must pass) and "wrong" answers paired with a substring of the
hint each must produce.
"""

import numpy as np


def split(n, val_fraction, test_fraction, seed):
    order = np.random.default_rng(seed).permutation(n)
    n_val, n_test = int(n * val_fraction), int(n * test_fraction)
    return order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test]


def split_overlapping(n, val_fraction, test_fraction, seed):
    rng = np.random.default_rng(seed)
    n_val, n_test = int(n * val_fraction), int(n * test_fraction)
    return (rng.choice(n, n - n_val - n_test, replace=False), rng.choice(n, n_val, replace=False),
            rng.choice(n, n_test, replace=False))


def split_unshuffled(n, val_fraction, test_fraction, seed):
    order = np.arange(n)
    n_val, n_test = int(n * val_fraction), int(n * test_fraction)
    return order[:n - n_val - n_test], order[n - n_val - n_test:n - n_test], order[n - n_test:]


def split_global_rng(n, val_fraction, test_fraction, seed):
    order = np.random.permutation(n)
    n_val, n_test = int(n * val_fraction), int(n * test_fraction)
    return order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test]


def split_fixed_seed(n, val_fraction, test_fraction, seed):
    return split(n, val_fraction, test_fraction, 0)


def split_rounded(n, val_fraction, test_fraction, seed):
    order = np.random.default_rng(seed).permutation(n)
    n_val, n_test = round(n * val_fraction), round(n * test_fraction)
    return order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test]


def split_wrong_order(n, val_fraction, test_fraction, seed):
    train, val, test = split(n, val_fraction, test_fraction, seed)
    return val, test, train


def split_drops_examples(n, val_fraction, test_fraction, seed):
    train, val, test = split(n, val_fraction, test_fraction, seed)
    return train[:-1], val, test


def split_with_repeats(n, val_fraction, test_fraction, seed):
    rng = np.random.default_rng(seed)
    order = rng.integers(0, n, size=n)
    n_val, n_test = int(n * val_fraction), int(n * test_fraction)
    return order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test]


def early_stopping_epoch(val_losses, patience):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, value in enumerate(val_losses):
        if value < best:
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return best_epoch


def stop_epoch(val_losses, patience):
    best, waited = float("inf"), 0
    for epoch, value in enumerate(val_losses):
        if value < best:
            best, waited = value, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch
    return len(val_losses) - 1


def late(val_losses, patience):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, value in enumerate(val_losses):
        if value < best:
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited > patience:
                break
    return best_epoch


def ties(val_losses, patience):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, value in enumerate(val_losses):
        if value <= best:
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return best_epoch


CASES = {
    "check_train_val_split": {
        "solution": split,
        "wrong": [
            (split_overlapping, "disjoint"),
            (split_unshuffled, "Shuffle before cutting"),
            (split_global_rng, "reproducible"),
            (split_fixed_seed, "Use the seed argument"),
            (split_rounded, "int(n * val_fraction)"),
            (split_wrong_order, "order of the returned sets"),
            (split_drops_examples, "exactly one set"),
            (split_with_repeats, "one permutation"),
            (lambda n, val_fraction, test_fraction: None, "callable as split"),
            (lambda n, v, t, seed: np.arange(n), "three index arrays"),
        ],
    },
    "check_weight_decay_gradient": {
        "solution": lambda grad_loss, W, weight_decay: grad_loss + 2 * weight_decay * W,
        "wrong": [
            (lambda g, W, lam: g + lam * W, "factor 2"),
            (lambda g, W, lam: g - 2 * lam * W, "Sign error"),
            (lambda g, W, lam: 2 * lam * W, "only the penalty"),
            (lambda g, W, lam: g + 2 * lam * np.sum(W ** 2), "entry by entry"),
            (lambda g, W, lam: (1 - 2 * lam) * W - g, "update step"),
            (lambda g, W, lam: g + 2 * lam ** 2 * W, "not squared"),
        ],
    },
    "check_early_stopping_epoch": {
        "solution": early_stopping_epoch,
        "wrong": [
            (lambda v, p: int(np.argmin(v)), "cannot see the future"),
            (stop_epoch, "at which training stops"),
            (late, "one epoch too late"),
            (ties, "strict"),
            (lambda v, p: int(np.argmax(v)), "highest"),
            (lambda v, p: early_stopping_epoch(v, p) + 1, "Off by one"),
        ],
    },
}
