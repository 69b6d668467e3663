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


def stratified_folds(y, k, seed):
    rng = np.random.default_rng(seed)
    order = []
    for label in np.unique(y):
        order.extend(rng.permutation(np.where(y == label)[0]))
    order = np.array(order)
    return [order[fold::k] for fold in range(k)]


def stratified_folds_sklearn_style(y, k, seed):
    """Another right answer: deal class by class, each fold assigned by position, folds as lists."""
    rng = np.random.default_rng(seed)
    fold_of = np.empty(len(y), dtype=int)
    position = 0
    for label in sorted(set(y.tolist())):
        members = rng.permutation(np.where(y == label)[0])
        fold_of[members] = (position + np.arange(len(members))) % k
        position += len(members)
    return [list(np.where(fold_of == fold)[0]) for fold in range(k)]


def course_stratified_folds(y, k, seed):
    """The chapter's reference implementation must pass the lesson's checker too."""
    from dlmath.course.in_practice import stratified_folds as reference
    return reference(y, k, seed)


def folds_as_object_array(y, k, seed):
    folds = stratified_folds(y, k, seed)
    out = np.empty(k, dtype=object)
    out[:] = folds
    return out


def plain_folds(y, k, seed):
    return list(np.array_split(np.random.default_rng(seed).permutation(len(y)), k))


def folds_restart_each_class(y, k, seed):
    rng = np.random.default_rng(seed)
    folds = [[] for _ in range(k)]
    for label in np.unique(y):
        for i, index in enumerate(rng.permutation(np.where(y == label)[0])):
            folds[i % k].append(index)
    return [np.array(fold, dtype=int) for fold in folds]


def folds_unshuffled(y, k, seed):
    order = np.concatenate([np.where(y == label)[0] for label in np.unique(y)])
    return [order[fold::k] for fold in range(k)]


def folds_global_rng(y, k, seed):
    order = np.concatenate([np.random.permutation(np.where(y == label)[0]) for label in np.unique(y)])
    return [order[fold::k] for fold in range(k)]


def folds_of_labels(y, k, seed):
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(np.where(y == label)[0]) for label in np.unique(y)])
    return [y[order[fold::k]] * 1.5 for fold in range(k)]


def folds_drop_last(y, k, seed):
    folds = stratified_folds(y, k, seed)
    return folds[:-1] + [folds[-1][:-1]]


def folds_duplicated(y, k, seed):
    folds = stratified_folds(y, k, seed)
    return [np.concatenate([folds[0], folds[1][:1]])] + folds[1:]


def batch_norm_backward(dY, X, gamma, eps):
    n = X.shape[0]
    mu = X.sum(axis=0) / n
    var = ((X - mu) ** 2).sum(axis=0) / n
    x_hat = (X - mu) / np.sqrt(var + eps)
    # the long way: through x_hat, the variance and the mean
    dx_hat = dY * gamma
    dvar = (dx_hat * (X - mu)).sum(axis=0) * -0.5 * (var + eps) ** -1.5
    dmu = -(dx_hat / np.sqrt(var + eps)).sum(axis=0) + dvar * (-2 * (X - mu)).sum(axis=0) / n
    dX = dx_hat / np.sqrt(var + eps) + dvar * 2 * (X - mu) / n + dmu / n
    return dX, (dY * x_hat).sum(axis=0), dY.sum(axis=0)


def bn_constant_statistics(dY, X, gamma, eps):
    dX, dgamma, dbeta = batch_norm_backward(dY, X, gamma, eps)
    return gamma * dY / np.sqrt(X.var(axis=0) + eps), dgamma, dbeta


def bn_no_mean_path(dY, X, gamma, eps):
    n, sigma = len(X), np.sqrt(X.var(axis=0) + eps)
    x_hat = (X - X.mean(axis=0)) / sigma
    dX = gamma / (n * sigma) * (n * dY - x_hat * (dY * x_hat).sum(axis=0))
    return dX, (dY * x_hat).sum(axis=0), dY.sum(axis=0)


def bn_no_variance_path(dY, X, gamma, eps):
    n, sigma = len(X), np.sqrt(X.var(axis=0) + eps)
    x_hat = (X - X.mean(axis=0)) / sigma
    dX = gamma / (n * sigma) * (n * dY - dY.sum(axis=0))
    return dX, (dY * x_hat).sum(axis=0), dY.sum(axis=0)


def bn_unbiased(dY, X, gamma, eps):
    n, sigma = len(X), np.sqrt(X.var(axis=0, ddof=1) + eps)
    x_hat = (X - X.mean(axis=0)) / sigma
    dX = gamma / (n * sigma) * (n * dY - dY.sum(axis=0) - x_hat * (dY * x_hat).sum(axis=0))
    return dX, (dY * x_hat).sum(axis=0), dY.sum(axis=0)


def bn_no_eps(dY, X, gamma, eps):
    return batch_norm_backward(dY, X, gamma, 0.0)


def bn_swapped(dY, X, gamma, eps):
    dX, dgamma, dbeta = batch_norm_backward(dY, X, gamma, eps)
    return dX, dbeta, dgamma


def bn_without_gamma(dY, X, gamma, eps):
    dX, dgamma, dbeta = batch_norm_backward(dY, X, gamma, eps)
    return dX / gamma, dgamma, dbeta


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
    "check_stratified_folds": {
        "solution": stratified_folds,
        "also_correct": [stratified_folds_sklearn_style, course_stratified_folds, folds_as_object_array],
        "wrong": [
            (plain_folds, "Stratify"),
            (folds_restart_each_class, "Continue dealing where the previous class stopped"),
            (folds_unshuffled, "nothing was shuffled"),
            (folds_global_rng, "reproducible"),
            (folds_of_labels, "not a 1-D array of integer indices"),
            (folds_drop_last, "exactly one fold"),
            (folds_duplicated, "two folds"),
            (lambda y, k, seed: stratified_folds(y, k, seed)[:-1], "one index array per fold"),
            (lambda y, k: stratified_folds(y, k, 0), "callable as stratified_folds"),
        ],
    },
    "check_batch_norm_backward": {
        "solution": batch_norm_backward,
        "wrong": [
            (bn_constant_statistics, "as constants"),
            (bn_no_mean_path, "through the mean"),
            (bn_no_variance_path, "through the variance"),
            (bn_unbiased, "not by N - 1"),
            (bn_no_eps, "sigma includes eps"),
            (bn_swapped, "swapped"),
            (bn_without_gamma, "gamma / sigma"),
        ],
    },
}
