"""The labs' input path: uint8 images from the data layer, served in batches to model.fit on any backend.

The images stay uint8 on the host (a quarter of the bytes of float32 on their way to the accelerator);
the model casts and preprocesses them itself (see transfer.py). Labels are checked against the number of
classes before any backend sees them: TensorFlow would fail deep inside a kernel, and JAX would train on
silently wrong targets.
"""

from __future__ import annotations

import math

import keras
import numpy as np

from .. import arguments


def take_per_class(labels, per_class, seed=0):
    """Indices of `per_class` examples of every class in `labels`, drawn with `seed`, in ascending order.

    Lab 07 trains with few labels (10, 50, 200 per class); the same seed always gives the same examples,
    and a larger draw with the same seed contains the smaller one.

    Raises:
        ValueError: `labels` is not 1-D, or a class has fewer than `per_class` examples (the message names it and
            its count).
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:  # one-hot (N, classes) labels would be read as class values 0 and 1, element by element
        raise ValueError(f"labels must be a 1-D array of class indices, one per example (one-hot labels: pass "
                         f"labels.argmax(axis=1)); received shape {labels.shape}")
    per_class = arguments.positive_int("per_class", per_class, "examples of each class")
    rng = np.random.default_rng(arguments.whole_number("seed", seed, minimum=0))
    chosen = []
    for label in np.unique(labels):
        positions = np.flatnonzero(labels == label)
        if len(positions) < per_class:
            raise ValueError(
                f"per_class must be at most {len(positions)} (the examples of class {int(label)}); "
                f"received per_class={per_class}"
            )
        chosen.append(rng.permutation(positions)[:per_class])
    return np.sort(np.concatenate(chosen))


class ImageBatches(keras.utils.PyDataset):
    """Batches of (images, labels) for model.fit, reshuffled every epoch.

    Args:
        images: (N, height, width, 3) array, uint8 pixels in [0, 255] (floats accepted).
        labels: (N,) class indices.
        num_classes: the classes of the model's head; every label must be in [0, num_classes).
        batch_size: images per batch (the last batch may be smaller).
        shuffle: reshuffle the order at the end of every epoch (with `seed`, so runs repeat).
        seed: int seed of the shuffling.

    Raises:
        ValueError, TypeError: images that are not an image batch, labels outside [0, num_classes) (the
            message names the range and the labels), a batch_size below 1, or counts that differ.
    """

    def __init__(self, images, labels, num_classes, batch_size=32, shuffle=True, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.images = arguments.image_batch("images", images, channels=(3,))
        num_classes = arguments.whole_number("num_classes", num_classes, minimum=2, meaning="classes of the model")
        self.labels = arguments.class_labels("labels", labels, num_classes)
        if len(self.labels) != len(self.images):
            raise ValueError(
                f"labels must have one entry per image; received {len(self.labels)} labels for {len(self.images)} images"
            )
        self.batch_size = arguments.positive_int("batch_size", batch_size, "images per batch")
        self.shuffle = arguments.boolean("shuffle", shuffle)
        self._rng = np.random.default_rng(arguments.whole_number("seed", seed, minimum=0))
        self._order = self._rng.permutation(len(self.images)) if self.shuffle else np.arange(len(self.images))

    def __len__(self):
        return math.ceil(len(self.images) / self.batch_size)

    def __getitem__(self, index):
        batch = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        return self.images[batch], self.labels[batch]

    def on_epoch_end(self):
        if self.shuffle:
            self._order = self._rng.permutation(len(self.images))
