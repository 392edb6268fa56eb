"""How the course ResNet's committed weights were made: the recipe, and the function that runs it.

`scripts/pretrain_course_resnet.py` calls `pretrain_course_resnet()` with the full recipe and writes the
weights and their record; `tests/training/test_course_resnet.py` runs the same recipe shortened and checks
that it still reproduces the statistics recorded for the shortened run.

The data is the Fashion-MNIST subset committed under datasets/ (not Debian's full copy), so the recipe
gives the same images on every machine, with or without the system package.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time

import keras
import numpy as np

from resnet_widgets.data import augmentation_layers, load_dataset
from resnet_widgets.models import resnet
from resnet_widgets.training.course_resnet import COURSE_RESNET_CLASSES, COURSE_RESNET_IMAGE_SIZE, course_resnet_architecture

from .environment import environment_variables

RECIPE = {
    "epochs": 30,
    "batch_size": 64,
    "optimizer": "SGD",
    "learning_rate": 0.05,  # peak; cosine decay to 0 over the run
    "momentum": 0.9,
    "weight_decay": 5e-4,
    "augmentation": {"flip": "horizontal", "translation": 0.1},
    "seed": 0,
    "classes": list(range(len(COURSE_RESNET_CLASSES))),
    "image_size": COURSE_RESNET_IMAGE_SIZE,
    "data": "committed-subset",
}
# The shortened run recorded beside the full run's figures. Its first steps' losses are what the reproduction
# test repeats: a two-epoch run's final loss drifts by several percent between CPUs (0.595 where it was recorded,
# 0.630 on an AVX-512 Xeon), as float32 rounding compounds over 80 steps, while the first steps leave rounding little room to compound
# and still move with any change to the recipe, the data or the architecture.
SHORT_RUN = {"epochs": 2, "first_steps": 8}


@contextlib.contextmanager
def _committed_subset_only():
    """Make load_dataset skip Debian's copy, the Keras cache and downloads (the locations' documented
    environment variables), so that it reads the subset committed under datasets/."""
    with tempfile.TemporaryDirectory(prefix="resnet-lab-subset-") as empty:
        subset_only = {"RESNET_LAB_FASHION_MNIST_DIR": os.path.join(empty, "no-debian-copy"), "RESNET_LAB_OFFLINE": "1"}
        with environment_variables(subset_only):
            yield empty


def pretraining_data():
    """The recipe's data: the committed subset's classes 0-4 at 32x32 RGB (uint8), as a data.Dataset.

    Raises:
        RuntimeError: load_dataset did not read the committed subset (its layout changed).
    """
    with _committed_subset_only() as empty:
        dataset = load_dataset("fashion_mnist", image_size=RECIPE["image_size"], classes=RECIPE["classes"],
                               cache_dir=empty)
    if dataset.source != "committed-subset":
        raise RuntimeError(f"the pretraining recipe needs the committed subset; load_dataset read {dataset.source}")
    return dataset


class _FirstLosses(keras.callbacks.Callback):
    """The running mean loss after each of the first batches; with `stop`, training stops after them."""

    def __init__(self, count, stop=False):
        super().__init__()
        self._wanted, self._stop, self.losses = count, stop, []

    def on_train_batch_end(self, batch, logs=None):
        if len(self.losses) < self._wanted:
            self.losses.append(round(float(logs["loss"]), 6))
        if self._stop and len(self.losses) >= self._wanted:
            self.model.stop_training = True


def pretrain_course_resnet(epochs=None, verbose=0, steps=None):
    """Train the course ResNet from scratch with RECIPE (optionally fewer epochs).

    Args:
        epochs: None for the recipe's, or fewer for a shortened run (the learning-rate schedule is
            stretched over the epochs actually run).
        verbose: passed to model.fit.
        steps: None, or train only this many batches of the first epoch (the schedule still spans `epochs`):
            the reproduction test's first steps.

    Returns:
        (model, statistics): the trained keras.Model (top included) and a dict of figures:
        epochs, final_loss (training), validation_loss, validation_accuracy, seconds, kernel_norm (the
        L2 norm of every conv kernel together), data (source and sizes), first_losses (the running mean loss
        after each of the first SHORT_RUN["first_steps"] batches). With `steps`, only first_losses.
    """
    epochs = RECIPE["epochs"] if epochs is None else int(epochs)
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int)):
        raise TypeError(f"steps must be None or an int, got {type(steps).__name__}")
    if steps is not None and steps < 1:
        raise ValueError(f"steps must be a positive number of batches, got {steps}")
    dataset = pretraining_data()
    keras.utils.set_random_seed(RECIPE["seed"])
    network = course_resnet_architecture(num_classes=len(COURSE_RESNET_CLASSES))
    augment = augmentation_layers(rotation=0.0, zoom=0.0, seed=RECIPE["seed"], **RECIPE["augmentation"])
    inputs = keras.Input(network.input_shape[1:])
    trainer = keras.Model(inputs, network(augment(inputs)))  # augmentation runs in training only
    total_steps = epochs * int(np.ceil(len(dataset.y_train) / RECIPE["batch_size"]))
    schedule = keras.optimizers.schedules.CosineDecay(RECIPE["learning_rate"], decay_steps=total_steps)
    trainer.compile(
        optimizer=keras.optimizers.SGD(schedule, momentum=RECIPE["momentum"], weight_decay=RECIPE["weight_decay"]),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    x_train = resnet.preprocess_input(dataset.x_train.astype("float32"))
    x_val = resnet.preprocess_input(dataset.x_val.astype("float32"))
    first = _FirstLosses(SHORT_RUN["first_steps"] if steps is None else steps, stop=steps is not None)
    if steps is not None:  # the full run's first batches, then a stop (the same order and schedule as the full run)
        trainer.fit(x_train, dataset.y_train, batch_size=RECIPE["batch_size"], epochs=epochs, shuffle=True,
                    verbose=verbose, callbacks=[first])
        return network, {"first_losses": first.losses}
    start = time.perf_counter()
    history = trainer.fit(x_train, dataset.y_train, batch_size=RECIPE["batch_size"], epochs=epochs,
                          shuffle=True, verbose=verbose, callbacks=[first])
    seconds = time.perf_counter() - start
    network.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    val_loss, val_accuracy = network.evaluate(x_val, dataset.y_val, batch_size=256, verbose=0)
    statistics = {
        "epochs": epochs,
        "final_loss": round(float(history.history["loss"][-1]), 4),
        "validation_loss": round(float(val_loss), 4),
        "validation_accuracy": round(float(val_accuracy), 4),
        "kernel_norm": round(kernel_norm(network), 3),
        "seconds": round(seconds, 1),
        "data": {"source": dataset.source, "train": int(len(dataset.y_train)), "validation": int(len(dataset.y_val))},
        "first_losses": first.losses,
    }
    return network, statistics


def kernel_norm(model):
    """The L2 norm of all convolution kernels of `model` together: one number that moves with training."""
    total = 0.0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            total += float(np.sum(np.square(np.asarray(layer.kernel, dtype=np.float64))))
    return float(np.sqrt(total))
