"""The value load_dataset returns: train/validation arrays plus where they came from."""

from dataclasses import dataclass, field, replace

import numpy as np

from .selection import filter_classes, resolve_classes


@dataclass(frozen=True, eq=False)
class Dataset:
    """Images and labels for training and validation.

    Attributes:
        name: catalog name ("fashion_mnist", "tf_flowers", "folder").
        x_train, x_val: uint8 arrays (N, H, W, C).
        y_train, y_val: int64 arrays (N,), values 0..len(class_names)-1.
        class_names: list of str; label i is class_names[i].
        source: where the data came from: "debian", "keras-cache", "download", "committed-subset", "folder".
        source_path: the folder, file or URL it was read from.
        from_cache: True when the arrays were read from the decoded-image cache instead of decoded now.
        cache_path: the decoded-image cache file, or "" when none is used.
        skipped: (relative path, reason) for every image file that could not be read.
        notes: sources looked at before this one, and why each was passed over.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    class_names: list
    source: str
    source_path: str
    from_cache: bool = False
    cache_path: str = ""
    skipped: tuple = field(default_factory=tuple)
    notes: tuple = field(default_factory=tuple)

    def summary(self):
        """A few lines for a notebook: sizes, classes, and where the data came from."""
        shape = "x".join(str(d) for d in self.x_train.shape[1:])
        lines = [
            f"{self.name}: {len(self.y_train)} train / {len(self.y_val)} validation images of {shape}, "
            f"{len(self.class_names)} classes",
            f"source: {self.source} ({self.source_path})" + (", decoded images from cache" if self.from_cache else ""),
        ]
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)} unreadable files (see .skipped)")
        return "\n".join(lines)

    def __repr__(self):
        return f"<Dataset {self.summary().splitlines()[0]}; source={self.source!r}>"


def select_classes(dataset, classes):
    """A copy of `dataset` with only some classes, labels re-indexed 0..k-1 in the order given.

    The offline transfer lesson uses it to pretrain on five Fashion-MNIST classes and transfer to the
    other five: select_classes(ds, range(5)) and select_classes(ds, range(5, 10)).
    load_dataset(..., classes=...) does the same before decoding.

    Args:
        dataset: a Dataset.
        classes: class names and/or indices into dataset.class_names.

    Returns:
        Dataset with the same source fields; class_names lists the kept classes in the order given.

    Raises:
        ValueError, TypeError: as resolve_classes.
    """
    indices = resolve_classes(classes, list(dataset.class_names))
    train_positions, y_train = filter_classes(dataset.y_train, indices)
    val_positions, y_val = filter_classes(dataset.y_val, indices)
    return replace(
        dataset,
        x_train=dataset.x_train[train_positions],
        y_train=y_train,
        x_val=dataset.x_val[val_positions],
        y_val=y_val,
        class_names=[dataset.class_names[i] for i in indices],
    )
