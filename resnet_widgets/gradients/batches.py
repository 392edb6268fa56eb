"""The batch a measurement runs on: seeded random images, real Fashion-MNIST images, or the caller's arrays."""

import functools

import numpy as np

from .. import arguments

DATA_CHOICES = ("synthetic", "fashion_mnist")
IMAGE_SHAPE = (28, 28, 1)
CLASSES = 10


def synthetic_batch(batch_size=32, seed=0, draw=0, shape=IMAGE_SHAPE, classes=CLASSES):
    """`batch_size` images of uniform random pixels in [0, 1) and uniform random labels.

    (seed, draw) fixes the batch: draw 0 is what compare() measures on, draws 1, 2, ... the batches
    of the following training steps in track().
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7919, draw]))  # apart from the weights' streams
    x = rng.random((batch_size, *shape), dtype=np.float32)
    y = rng.integers(0, classes, size=batch_size).astype(np.int32)
    return x, y


@functools.lru_cache(maxsize=2)
def _fashion_mnist(limit):
    # The data layer finds the files (Debian package, Keras cache, download, committed subset).
    from resnet_widgets.data import load_dataset

    return load_dataset("fashion_mnist", limit=limit)


def fashion_mnist_batch(batch_size=32, seed=0, draw=0, limit=2048):
    """`batch_size` training images of Fashion-MNIST chosen with (seed, draw), scaled to [0, 1].

    Loads at most `limit` images through resnet_widgets.data (cached between calls).

    Returns:
        (x float32 (batch_size, 28, 28, 1), y int32 (batch_size,), source) where source says where the
        data came from.
    """
    dataset = _fashion_mnist(limit)
    x, y = as_images_and_labels(dataset.x_train, dataset.y_train, "data")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 104729, draw]))
    chosen = rng.choice(len(x), size=min(batch_size, len(x)), replace=False)
    return x[chosen], y[chosen], getattr(dataset, "source", "resnet_widgets.data")


def as_images_and_labels(x, y, argument, classes=CLASSES):
    """Check and convert a batch of images and integer labels.

    Args:
        x: images (N, H, W) or (N, H, W, C); uint8 pixels are scaled to [0, 1].
        y: labels (N,) or (N, 1), integers in [0, classes).
        argument: the caller's argument name, for the messages.

    Returns:
        (x float32 (N, H, W, C), y int32 (N,)).

    Raises:
        TypeError: images that are not real numbers, labels that are not integers (the wrong kind).
        ValueError: wrong rank or sizes, labels out of range.
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or min(x.shape) < 1:
        raise ValueError(
            f"{argument}: images must have shape (N, height, width) or (N, height, width, channels) with every "
            f"size >= 1; received shape {x.shape}"
        )
    if not (np.issubdtype(x.dtype, np.number) and not np.issubdtype(x.dtype, np.complexfloating)):
        raise TypeError(f"{argument}: images must be real numbers; received dtype {x.dtype}")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError(f"{argument}: labels must have shape ({len(x)},), one per image; received shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{argument}: labels must be integers in [0, {classes}); received dtype {y.dtype}")
    y = arguments.class_labels(f"{argument}: labels", y, classes)
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    return x, y.astype(np.int32)


def resolve_batch(data, batch_size, seed, draw=0):
    """The batch for compare() and track(): (x, y, description).

    Args:
        data: None or "synthetic" (seeded random images), "fashion_mnist" (real images through
            resnet_widgets.data), or a pair (x, y) of arrays.
        batch_size: images to draw (ignored for a pair, which is used whole).
        seed, draw: which batch (draw 0 for compare(), 1, 2, ... for later training steps).

    Raises:
        ValueError: anything else, or arrays of the wrong shape (see as_images_and_labels).
    """
    if isinstance(data, str):
        arguments.choice("data", data, DATA_CHOICES, meaning="or None, or a pair (images, labels) of arrays")
    if data is None or data == "synthetic":
        x, y = synthetic_batch(batch_size, seed, draw)
        return x, y, f"synthetic: {batch_size} uniform random 28x28 images, seed {seed}"
    if data == "fashion_mnist":
        x, y, source = fashion_mnist_batch(batch_size, seed, draw)
        return x, y, f"Fashion-MNIST: {len(x)} training images ({source}), seed {seed}"
    if isinstance(data, (tuple, list)) and len(data) == 2:
        x, y = as_images_and_labels(data[0], data[1], "data")
        return x, y, f"given arrays: {len(x)} images of shape {x.shape[1:]} (the whole set is the batch)"
    raise ValueError(
        "data must be None, 'synthetic', 'fashion_mnist' or a pair (images, labels) of arrays; "
        f"received {type(data).__name__} {data!r:.80}"
    )
