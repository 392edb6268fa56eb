"""Overfitting on small data, measured: one small ResNet trained on a few hundred images under four regimes.

ResNets have millions of parameters; with a few hundred labelled images they can learn the training set by
heart. The usual remedies are data augmentation (random flips and shifts: new images every epoch), weight
decay (an L2 penalty that keeps the weights small) and dropout before the classifier (He et al. 2015 used
weight decay 1e-4 and augmentation for ImageNet, section 3.4, and no dropout). This module trains the same
network, from the same initial weights, with none, each, and all of them, and records the curves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import keras
import numpy as np
from keras import layers, regularizers

from .. import arguments
from ..data import augmentation_layers
from ..memory import release_memory
from ..models import basic_block


@dataclass(frozen=True)
class Regime:
    """What fights overfitting in one run: augmentation, weight decay (L2 factor), dropout rate."""

    augmentation: bool = False
    weight_decay: float = 0.0
    dropout: float = 0.0


BN_MOMENTUM = 0.9

REGIMES = {
    "none": Regime(),
    "augmentation": Regime(augmentation=True),
    "weight decay + dropout": Regime(weight_decay=5e-4, dropout=0.3),
    "all three": Regime(augmentation=True, weight_decay=5e-4, dropout=0.3),
}


def small_resnet(input_shape, classes, regime=Regime(), widths=(8, 16, 32), seed=0, name="small_resnet"):
    """A three-stage ResNet of basic blocks, small enough to train on a CPU in seconds.

    Args:
        input_shape: (height, width, channels) of uint8-range images; the model rescales them to [0, 1].
        classes: outputs of the head.
        regime: the Regime: augmentation layers (flip + shift, active only in training), L2 weight decay
            on every convolution and the dense layer, dropout before the dense layer.
        widths: filters of the three stages (stages 2 and 3 halve the map).
        seed: initial weights and augmentation (the same seed gives the same starting network).
        name: the model's name.

    Returns:
        A functional keras.Model (not compiled).
    """
    classes = arguments.whole_number("classes", classes, minimum=2, meaning="outputs of the head")
    seed = arguments.whole_number("seed", seed, minimum=0)
    decay = arguments.real_number("weight_decay", regime.weight_decay, minimum=0.0)
    dropout = arguments.real_number("dropout", regime.dropout, minimum=0.0, maximum=1.0, open_maximum=True)
    keras.utils.set_random_seed(seed)
    l2 = regularizers.L2(decay) if decay else None
    inputs = keras.Input(tuple(input_shape))
    x = layers.Rescaling(1 / 255, name="rescale")(inputs)
    if regime.augmentation:
        x = augmentation_layers(flip="horizontal", rotation=0, zoom=0, translation=0.1, seed=seed)(x)
    x = layers.Conv2D(widths[0], 3, padding="same", use_bias=False, kernel_regularizer=l2, name="conv1_conv")(x)
    x = layers.BatchNormalization(name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    for index, width in enumerate(widths):
        x = basic_block(x, width, stride=1 if index == 0 else 2, name=f"conv{index + 2}_block1")
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout:
        x = layers.Dropout(dropout, seed=seed, name="dropout")(x)
    outputs = layers.Dense(classes, activation="softmax", kernel_regularizer=l2, name="predictions")(x)
    model = keras.Model(inputs, outputs, name=name)
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            # A few hundred images make ten steps an epoch: the default momentum (0.99, an average over
            # ~100 steps) would leave the inference-mode statistics far behind the weights.
            layer.momentum = BN_MOMENTUM
        if l2 is not None and isinstance(layer, layers.Conv2D) and layer.kernel.regularizer is None:
            layer.kernel.regularizer = l2  # basic_block's convolutions: Keras adds each variable's penalty to the loss
    return model


@dataclass
class Curves:
    """Accuracy per epoch on the training images and on held-out ones."""

    train: list = field(default_factory=list)
    validation: list = field(default_factory=list)

    def final(self, last=3):
        """(train, validation, gap) accuracies, each the mean of the `last` epochs (one epoch is noisy)."""
        train, validation = float(np.mean(self.train[-last:])), float(np.mean(self.validation[-last:]))
        return train, validation, train - validation


def train_regimes(x_train, y_train, x_val, y_val, regimes=None, epochs=30, batch_size=None, learning_rate=3e-3, seed=0):
    """Train one small ResNet per regime, from the same initial weights, and record its accuracy curves.

    The networks train side by side, as the branches of one Keras model: one input, one output per regime,
    the sum of their losses. They share no weight, so each network's gradient is exactly the gradient of its
    own loss, and Adam treats every weight on its own: each network learns as it would alone, on the very
    same batches in the same order. (One model compiles once, where four would compile four times.)

    Training accuracy is measured on the training images in inference mode after each epoch (no
    augmentation, no dropout), so that it compares with the validation accuracy.

    Args:
        x_train, y_train, x_val, y_val: uint8 images (N, h, w, c) and integer labels.
        regimes: {name: Regime}; None uses REGIMES.
        epochs, batch_size, learning_rate: Adam training settings, the same for every regime. batch_size None
            picks an even divisor of the number of training images, the one nearest to 32: batches of equal
            size, since a smaller last batch would trace (compile) the training step a second time. (Even:
            TensorFlow 2.21's oneDNN kernels were seen to corrupt memory with odd batch sizes, e.g. 25, on
            CPU; the notebooks switch oneDNN off, tests and scripts may not.)
        seed: initial weights, shuffling and augmentation.

    Returns:
        {name: Curves}, in the order of `regimes`.
    """
    regimes = REGIMES if regimes is None else regimes
    epochs = arguments.positive_int("epochs", epochs)
    if batch_size is None:
        divisors = [d for d in range(2, len(x_train) + 1, 2) if len(x_train) % d == 0] or [len(x_train)]
        batch_size = min(divisors, key=lambda d: (abs(d - 32), -d))
    batch_size = arguments.positive_int("batch_size", batch_size)
    classes = int(max(np.max(y_train), np.max(y_val))) + 1
    model, keys = regimes_in_one_model(x_train.shape[1:], classes, regimes, seed)
    model.compile(keras.optimizers.Adam(learning_rate), loss={key: "sparse_categorical_crossentropy" for key in keys})
    recorder = _AccuracyRecorder(x_train, y_train, x_val, y_val, batch_size, keys)
    keras.utils.set_random_seed(seed)
    model.fit(x_train, {key: y_train for key in keys}, epochs=epochs, batch_size=batch_size, verbose=0,
              callbacks=[recorder])
    curves = {name: recorder.curves[key] for name, key in zip(regimes, keys)}
    # The networks are done with: give their memory back, not only to Python (a 2 GB Binder session; memory.py).
    del model, recorder
    release_memory()
    return curves


def regimes_in_one_model(input_shape, classes, regimes, seed=0):
    """One model holding one small ResNet per regime on a shared input: (model, output keys in regime order)."""
    inputs = keras.Input(tuple(input_shape), name="images")
    keys = [f"regime_{index}" for index in range(len(regimes))]
    outputs = {
        key: small_resnet(input_shape, classes, regime, seed=seed, name=key)(inputs)
        for key, regime in zip(keys, regimes.values())
    }
    return keras.Model(inputs, outputs, name="regimes_side_by_side"), keys


class _AccuracyRecorder(keras.callbacks.Callback):
    """After each epoch: every network's accuracy on the training and the validation images, in inference mode."""

    def __init__(self, x_train, y_train, x_val, y_val, batch_size, keys):
        super().__init__()
        # One predict call for both sets: a new input size would compile the predict function again.
        self.x = np.concatenate([x_train, x_val])
        self.y = np.concatenate([y_train, y_val])
        self.split = len(y_train)
        self.batch_size = batch_size
        self.curves = {key: Curves() for key in keys}

    def on_epoch_end(self, epoch, logs=None):
        # One batch: a last, smaller batch would trace the predict function a second time.
        scores = self.model.predict(self.x, batch_size=len(self.x), verbose=0)
        for key, curve in self.curves.items():
            right = np.argmax(scores[key], axis=-1) == self.y
            curve.train.append(float(np.mean(right[: self.split])))
            curve.validation.append(float(np.mean(right[self.split :])))
