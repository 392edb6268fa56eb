"""track(): gradient norms recorded along a short training run, for watching how they evolve."""

import math
from dataclasses import dataclass

import keras
import numpy as np

from .. import arguments
from ..gradient_dispatch import loss_and_gradients
from .batches import CLASSES, resolve_batch
from .compare import Comparison
from .networks import build_network, measured_convs
from .norms import norm, sparse_crossentropy
from .options import KINDS
from .settings import as_settings

OPTIMIZERS = ("sgd", "adam")


@dataclass(frozen=True)
class Tracking:
    """Per-layer gradient norms of a plain and a residual network, recorded every few training steps.

    Attributes:
        steps: int array of the recorded steps (0 = at initialisation).
        plain, residual: float64 arrays (recorded steps, conv layers); row i is the gradient of the training
            step `steps[i]`, i.e. after `steps[i]` updates. nan after a run diverged.
        loss: {"plain": array, "residual": array}, the batch loss at each recorded step.
        settings: a dict of the NetworkSettings used, plus data, batch_size, learning_rate, optimizer, backend.
        diverged_at: {"plain": step or None, "residual": ...}: first step whose loss was not finite.
    """

    steps: np.ndarray
    plain: np.ndarray
    residual: np.ndarray
    loss: dict
    settings: dict
    diverged_at: dict

    def norms(self, kind):
        return {"plain": self.plain, "residual": self.residual}[kind]

    def __len__(self):
        return len(self.steps)

    def at(self, index):
        """The recorded step `index` as a Comparison (so it plots like one)."""
        return Comparison(
            plain=self.plain[index],
            residual=self.residual[index],
            loss={kind: float(self.loss[kind][index]) for kind in KINDS},
            settings=self.settings,
            step=int(self.steps[index]),
            layer_names=tuple(self.settings.get("layer_names", ())),
        )

    def plot(self, axes=None):
        """One panel per kind, one line per recorded step. Returns the Axes."""
        from .plotting import plot_tracking

        return plot_tracking(self, axes=axes)


def check_learning_rate(learning_rate):
    """Return the learning rate as a float when it is a finite number > 0 (TypeError / ValueError otherwise)."""
    return arguments.real_number("learning_rate", learning_rate, minimum=0, open_minimum=True, meaning="the step size")


def _optimizer(name, learning_rate):
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9)
    return keras.optimizers.Adam(learning_rate=learning_rate)


def track(settings, data=None, steps=20, every=5, batch_size=32, learning_rate=0.01, optimizer="sgd", on_step=None):
    """Train a matched plain/residual pair for a few steps and record the gradient norms every `every` steps.

    Both networks start from the same weights as compare() would measure, and see the same batches. Step 0
    is measured on compare()'s batch, so `track(settings).at(0)` equals `compare(settings)`.

    Args:
        settings: a settings.NetworkSettings (the seven knobs: depth, width, batch_norm, init, activation,
            seed, network), or a whole number as a shorthand for NetworkSettings(depth=that number); see
            compare().
        data, batch_size: as for compare(). With a pair of arrays as data, every step trains on the whole pair.
        steps: training steps (>= 1).
        every: record every `every` steps (>= 1); the last step is always recorded.
        learning_rate: step size (> 0).
        optimizer: "sgd" (momentum 0.9, as He et al. 2015) or "adam".
        on_step: optional callback(kind, step, steps) after each step, e.g. for a progress line.

    Returns:
        Tracking.

    Raises:
        ValueError, TypeError: bad settings or data (see compare), steps/every not >= 1, learning_rate not
            a positive number, unknown optimizer.
    """
    settings = as_settings(settings)
    steps = arguments.positive_int("steps", steps, "training steps")
    every = arguments.positive_int("every", every, "steps between recordings")
    batch_size = arguments.positive_int("batch_size", batch_size, "images per batch")
    optimizer = arguments.choice("optimizer", optimizer, OPTIMIZERS)
    learning_rate = check_learning_rate(learning_rate)

    if isinstance(data, (tuple, list)):  # the whole pair is every step's batch: convert it once, not steps + 1 times
        batches = [resolve_batch(data, batch_size, settings.seed)] * (steps + 1)
    else:
        batches = [resolve_batch(data, batch_size, settings.seed, draw) for draw in range(steps + 1)]
    recorded = [s for s in range(steps + 1) if s % every == 0 or s == steps]
    shape = batches[0][0].shape[1:]
    loss_fn = sparse_crossentropy(from_logits=True)

    profiles, losses, diverged = {}, {}, {}
    for kind in KINDS:
        model = build_network(kind, settings, input_shape=shape, classes=CLASSES)
        opt = _optimizer(optimizer, learning_rate)
        variables = model.trainable_variables
        convs = measured_convs(model)
        kernel_ids = {id(conv.kernel) for conv in convs}
        kernel_positions = [i for i, v in enumerate(variables) if id(v) in kernel_ids]
        rows = np.full((len(recorded), len(convs)), np.nan)
        row_losses = np.full(len(recorded), np.nan)
        diverged[kind] = None
        for step in range(steps + 1):
            x, y, _ = batches[step]
            loss, grads = loss_and_gradients(model, x, y, loss_fn, variables)
            if step in recorded:
                row = recorded.index(step)
                rows[row] = [norm(grads[i]) for i in kernel_positions]
                row_losses[row] = loss
            if not math.isfinite(loss):
                diverged[kind] = step  # every later step would be nan as well: stop here
                break
            if step < steps:
                opt.apply([keras.ops.convert_to_tensor(g) for g in grads], variables)
            if on_step is not None:
                on_step(kind, step, steps)
        profiles[kind], losses[kind] = rows, row_losses

    return Tracking(
        steps=np.array(recorded),
        plain=profiles["plain"],
        residual=profiles["residual"],
        loss=losses,
        settings={
            **settings.as_dict(),
            "data": batches[0][2],
            "batch_size": len(batches[0][0]),
            "learning_rate": learning_rate,
            "optimizer": optimizer,
            "steps": steps,
            "every": every,
            "backend": keras.backend.backend(),
            "layer_names": tuple(conv.name for conv in convs),
        },
        diverged_at=diverged,
    )
