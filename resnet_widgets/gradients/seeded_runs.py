"""Train one network over several seeds, tracing its training step once.

A claim about training ("the deeper plain net ends with a higher training error") depends on the seed, so the
degradation experiment trains every network from several seeds. Building and compiling a network costs
seconds on a CPU (TensorFlow traces the step; JAX compiles it), as much as a short run itself. So each
network is built and compiled once; for every seed, `reseed` redraws its weights in place, the optimizer's
state goes back to zero, and the same compiled step trains it again. A run with seed s starts from the very
weights `build_network(kind, NetworkSettings(..., seed=s))` draws, and sees the images in an order drawn from s.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass

import keras
import numpy as np

from ..optimizer_state import reset_optimizer
from .networks import reseed


def epoch_orders(seed, size):
    """The order of the training images in each epoch of the run with `seed`: a new permutation per epoch.

    A generator, drawn from (seed, 271828) alone, so a run's order does not depend on what ran before it.
    (Keras' own shuffling follows the global seed, and a PyDataset fed through tf.data prefetches, which made
    the first batches depend on the runs before; plain arrays in a fixed order do not.)
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 271828]))
    while True:
        yield rng.permutation(size)


@dataclass
class SeedRuns:
    """What one network did from each seed. Arrays have one row per seed, in the order of `seeds`.

    Attributes:
        seeds: the seeds.
        train_error: (seeds, epochs) running training error of each epoch, in training mode (the batches'
            own BN statistics, weights changing along the epoch): He et al.'s thin curves.
        val_error: (seeds, epochs) validation error after each epoch, in inference mode.
        final_train_error: (seeds,) error on the training images after the last epoch, in inference mode:
            what the trained net fits, without the running average's memory of earlier weights.
        first_losses: (seeds, n) the running mean loss after each of the first n steps (what a test that
            re-runs the first steps compares).
        seconds: (seeds,) wall time of each run.
    """

    seeds: tuple
    train_error: np.ndarray
    val_error: np.ndarray
    final_train_error: np.ndarray
    first_losses: np.ndarray
    seconds: np.ndarray


class _FirstLosses(keras.callbacks.Callback):
    def __init__(self, count):
        super().__init__()
        self.count, self.losses = count, []

    def on_train_batch_end(self, batch, logs=None):
        if len(self.losses) < self.count:
            self.losses.append(float(logs["loss"]))


@contextlib.contextmanager
def _no_retracing_warnings():
    # TensorFlow warns once more than five tf.functions of the same name were traced recently. Every network
    # of an experiment traces its own step (that is expected, and each is traced once), so the warning would
    # only land in the notebook's output. Other warnings and errors still pass.
    logger = logging.getLogger("tensorflow")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(previous)


def train_over_seeds(model, optimizer, arrays, seeds, epochs, batch_size, *, jit_compile="auto", first_steps=8,
                     on_epoch=None):
    """Train `model` from each seed in turn and record its errors.

    Args:
        model: a network built by resnet_widgets.gradients (its kernels are seeded; see reseed), uncompiled.
        optimizer: a Keras optimizer (its learning rate may follow a schedule of the step count).
        arrays: (x_train, y_train, x_val, y_val, x_probe, y_probe); the probe is the training images on which
            the final training error is measured in inference mode.
        seeds: the seeds, each a whole number.
        epochs, batch_size: per run.
        jit_compile: passed to compile.
        first_steps: how many of the first steps' running losses to keep.
        on_epoch: optional callable(seed, epoch, logs) after every epoch of every run (progress).

    Returns:
        SeedRuns.
    """
    _compile(model, optimizer, jit_compile)
    with _no_retracing_warnings():
        rows = [_train_one_seed(model, optimizer, arrays, seed, epochs, batch_size, first_steps, on_epoch)
                for seed in seeds]
    return SeedRuns(
        seeds=tuple(seeds),
        train_error=np.array([row[0] for row in rows]),
        val_error=np.array([row[1] for row in rows]),
        final_train_error=np.array([row[2] for row in rows]),
        first_losses=np.array([row[3] for row in rows]),
        seconds=np.array([row[4] for row in rows]),
    )


def first_losses(model, optimizer, x_train, y_train, seed, batch_size, steps, *, jit_compile="auto"):
    """The running mean loss after each of the first `steps` steps of the run with `seed` (as train_over_seeds).

    The model is compiled as train_over_seeds compiles it, then reseeded and trained on the first `steps`
    batches of the seed's first epoch only.
    """
    _compile(model, optimizer, jit_compile)
    reseed(model, seed)
    reset_optimizer(optimizer)
    order = next(epoch_orders(seed, len(x_train)))
    recorder = _FirstLosses(steps)
    with _no_retracing_warnings():
        model.fit(x_train[order], y_train[order], batch_size=batch_size, epochs=1, steps_per_epoch=steps,
                  shuffle=False, verbose=0, callbacks=[recorder])
    return np.array(recorder.losses)


def _compile(model, optimizer, jit_compile):
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
        jit_compile=jit_compile,
    )


def _train_one_seed(model, optimizer, arrays, seed, epochs, batch_size, first_steps, on_epoch):
    """(training errors, validation errors, final training error, first losses, seconds) of one run."""
    x_train, y_train, x_val, y_val, x_probe, y_probe = arrays
    start = time.perf_counter()
    reseed(model, seed)
    reset_optimizer(optimizer)
    first = _FirstLosses(first_steps)
    orders = epoch_orders(seed, len(x_train))
    train, val = [], []
    for epoch in range(epochs):
        order = next(orders)
        # One fit per epoch over arrays in this epoch's order: the traced step is reused (fit caches it).
        history = model.fit(x_train[order], y_train[order], batch_size=batch_size, epochs=1, shuffle=False,
                            validation_data=(x_val, y_val), validation_batch_size=500, verbose=0, callbacks=[first])
        logs = {name: values[-1] for name, values in history.history.items()}
        train.append(1.0 - logs["accuracy"])
        val.append(1.0 - logs["val_accuracy"])
        if on_epoch is not None:
            on_epoch(seed, epoch, logs)
    _, probe_accuracy = model.evaluate(x_probe, y_probe, batch_size=500, verbose=0)
    return np.array(train), np.array(val), 1.0 - probe_accuracy, first.losses, time.perf_counter() - start
