"""Giving BatchNormalization the statistics of the data it will see: the fix for a short run from scratch.

A BN layer normalises with the batch's own statistics in training and with moving averages at inference. The
averages follow the batches slowly (Keras' momentum 0.99 keeps 99% of the old value at every step), so after a
short run from scratch they still sit near their start (mean 0, variance 1), far from what the layer really
sees, and a network that scores near 100% on its training batches scores near chance in inference mode.
Recomputing them once from the training images after training ("precise BN", Wu and Johnson 2021, section 3.1)
removes the effect without changing any learnt weight.
"""

from __future__ import annotations

import keras
import numpy as np

from .. import arguments


def batch_norm_layers(model):
    """Every BatchNormalization layer in `model`, nested models included."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found += batch_norm_layers(layer)
    return found


def recalibrate_batch_norm(model, images, batch_size=32):
    """Set every BN layer's moving mean and variance to its statistics over `images`, learnt weights untouched.

    Forward passes in training mode, `batch_size` images at a time: each pass leaves a BN layer's batch
    statistics in its moving averages (momentum 0 for the pass), and they are pooled over the batches into
    the mean and variance of all of `images` (the within-batch variances plus the spread of the batch means,
    Chan et al.'s parallel formula). A pass in training mode holds every activation of its batch at once, so one
    pass over all of a lab's 1,000 labelled images took 1.5 GiB on the course ResNet (Keras' functional call
    keeps every layer's output until the end). Batches of 32, about the labs' training batches (16 and 32),
    keep that near 50 MiB, and each layer then sees its inputs normalised with batch statistics about as noisy
    as in training. Frozen BN layers (trainable=False) run in inference mode in Keras 3 and are left as they are.

    Args:
        model: a Keras model.
        images: (N, ...) inputs, as the model takes them, N >= 1.
        batch_size: images per forward pass (a positive int); the statistics are those of all N either way.

    Returns:
        The number of BN layers recalibrated.
    """
    images = np.asarray(images)
    batch_size = arguments.positive_int("batch_size", batch_size)
    if images.ndim == 0 or len(images) == 0:
        raise ValueError(f"images must hold at least one image along its first axis, got shape {images.shape}")
    layers = [layer for layer in batch_norm_layers(model) if layer.trainable]
    saved = [layer.momentum for layer in layers]
    weights = [np.asarray(v) for v in model.trainable_weights]
    pooled = [_PooledMoments() for _ in layers]
    try:
        for layer in layers:
            layer.momentum = 0.0
        for start in range(0, len(images), batch_size):
            batch = images[start:start + batch_size]
            model(batch, training=True)
            for layer, moments in zip(layers, pooled):  # what the pass left: this batch's statistics
                moments.add(len(batch), np.asarray(layer.moving_mean), np.asarray(layer.moving_variance))
    finally:
        for layer, momentum in zip(layers, saved):
            layer.momentum = momentum
    for variable, value in zip(model.trainable_weights, weights):  # a training-mode call must not move them
        variable.assign(value)
    for layer, moments in zip(layers, pooled):
        layer.moving_mean.assign(moments.mean.astype(layer.moving_mean.dtype))
        layer.moving_variance.assign(moments.variance.astype(layer.moving_variance.dtype))
    return len(layers)


class _PooledMoments:
    """The count, mean and variance of everything seen so far, from per-batch counts, means and variances."""

    def __init__(self):
        self.count, self.mean, self.variance = 0, 0.0, 0.0

    def add(self, count, mean, variance):
        total = self.count + count
        delta = mean.astype("float64") - self.mean
        # Chan, Golub and LeVeque (1979): the pooled sum of squares is both sums plus the means' difference term.
        within = self.variance * self.count + variance.astype("float64") * count
        squares = within + delta**2 * self.count * count / total
        self.mean = self.mean + delta * count / total
        self.variance = squares / total
        self.count = total
