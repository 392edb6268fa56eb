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


def recalibrate_batch_norm(model, images, batch_size=None):
    """Set every BN layer's moving mean and variance to its statistics over `images`, learnt weights untouched.

    One forward pass in training mode, with every layer's momentum at 0 for that pass, so each BN layer keeps
    the statistics of the batch it saw: `images` as one batch (or, with `batch_size`, the statistics of the last
    batch only, so give one batch that fits in memory). Frozen BN layers (trainable=False) run in inference mode
    in Keras 3 and are left as they are.

    Args:
        model: a Keras model.
        images: (N, ...) inputs, as the model takes them.
        batch_size: None (all of `images` at once).

    Returns:
        The number of BN layers recalibrated.
    """
    images = np.asarray(images)
    if batch_size is not None:
        images = images[: arguments.positive_int("batch_size", batch_size)]
    layers = [layer for layer in batch_norm_layers(model) if layer.trainable]
    saved = [layer.momentum for layer in layers]
    weights = [np.asarray(v) for v in model.trainable_weights]
    try:
        for layer in layers:
            layer.momentum = 0.0
        model(images, training=True)
    finally:
        for layer, momentum in zip(layers, saved):
            layer.momentum = momentum
    for variable, value in zip(model.trainable_weights, weights):  # a training-mode call must not move them
        variable.assign(value)
    return len(layers)
