"""Which examples a load takes: class filters, stratified validation splits and per-split limits.

All pure functions of labels and a seed, so the same arguments always pick the same examples.
"""

import numpy as np

from .. import arguments


def resolve_classes(classes, class_names):
    """Turn a `classes=` argument into original label indices, in the order given.

    Args:
        classes: None, or an iterable of class names and/or integer indices (e.g. range(5)).
        class_names: the dataset's class names.

    Returns:
        None (all classes) or a list of distinct original indices.

    Raises:
        ValueError: for an unknown name, an out-of-range index, a repeat, or an empty selection.
        TypeError: for entries that are neither str nor int.
    """
    if classes is None:
        return None
    if isinstance(classes, (str, int, np.integer)):
        classes = [classes]
    if not hasattr(classes, "__iter__"):
        raise TypeError(f"classes must be None, or class names and/or indices such as range(5); "
                        f"received classes={classes!r}")
    indices = []
    for item in classes:
        if isinstance(item, str):
            index = class_names.index(arguments.choice("classes", item, class_names, "class names, or indices"))
        else:
            index = arguments.whole_number("classes", item, minimum=0, maximum=len(class_names) - 1,
                                           meaning="class indices, or class names")
        if index in indices:
            raise ValueError(f"classes: {class_names[index]!r} is given twice")
        indices.append(index)
    if not indices:
        raise ValueError("classes must name at least one class")
    return indices


def filter_classes(labels, class_indices):
    """Positions of examples whose label is in `class_indices`, and their labels re-indexed 0..k-1.

    Args:
        labels: 1-D int array of original labels.
        class_indices: original indices to keep; the i-th becomes label i.

    Returns:
        (positions, new_labels): int64 arrays.
    """
    labels = np.asarray(labels)
    remap = np.full(max(int(labels.max(initial=0)), max(class_indices)) + 1, -1, dtype=np.int64)
    remap[list(class_indices)] = np.arange(len(class_indices))
    positions = np.flatnonzero(remap[labels] >= 0)
    return positions, remap[labels[positions]]


def _per_class_counts(class_sizes, total):
    """Split `total` over classes in proportion to their sizes (largest remainder), never above a class's size."""
    class_sizes = np.asarray(class_sizes, dtype=np.int64)
    total = min(int(total), int(class_sizes.sum()))
    exact = class_sizes * total / max(int(class_sizes.sum()), 1)
    counts = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - counts), kind="stable")
    for index in order[: total - int(counts.sum())]:
        counts[index] += 1
    return np.minimum(counts, class_sizes)


def stratified_take(labels, limit, seed=0):
    """Positions of at most `limit` examples, classes in proportion, chosen at random but reproducibly.

    Args:
        labels: 1-D int array.
        limit: None (take all) or a positive int.
        seed: int seed.

    Returns:
        Sorted int64 positions into `labels` (sorted, so the original order of the data is kept).
    """
    labels = np.asarray(labels)
    if limit is None or limit >= len(labels):
        return np.arange(len(labels), dtype=np.int64)
    classes, sizes = np.unique(labels, return_counts=True)
    counts = _per_class_counts(sizes, limit)
    rng = np.random.default_rng(seed)
    chosen = []
    for label, count in zip(classes, counts):
        members = np.flatnonzero(labels == label)
        chosen.append(rng.permutation(members)[:count])
    return np.sort(np.concatenate(chosen)).astype(np.int64)


def stratified_split(labels, validation_fraction, seed=0):
    """Split positions into train and validation, each class in the given proportion.

    Each class keeps at least one training example; the validation share of a class is rounded.

    Args:
        labels: 1-D int array.
        validation_fraction: float in [0, 1).
        seed: int seed.

    Returns:
        (train_positions, validation_positions): int64 arrays, each shuffled (seeded) so that classes
        are mixed rather than in folder order.
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    train, validation = [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_validation = min(int(round(len(members) * validation_fraction)), len(members) - 1)
        validation.append(members[:n_validation])
        train.append(members[n_validation:])
    train = np.concatenate(train) if train else np.zeros(0, np.int64)
    validation = np.concatenate(validation) if validation else np.zeros(0, np.int64)
    return rng.permutation(train).astype(np.int64), rng.permutation(validation).astype(np.int64)
