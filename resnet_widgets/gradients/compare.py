"""compare(): gradient norms of a plain and a residual network that differ only by their skips."""

import math
from dataclasses import dataclass, field

import keras
import numpy as np

from .. import arguments
from ..gradient_dispatch import loss_and_gradients
from .batches import CLASSES, resolve_batch
from .networks import matched_pair, measured_convs
from .norms import first_last_ratio, norm, sparse_crossentropy, spread
from .options import KINDS, NETWORK_LABELS
from .settings import as_settings


@dataclass(frozen=True)
class Comparison:
    """Per-layer gradient norms of a matched plain/residual pair on one batch.

    Attributes:
        plain, residual: float64 arrays, one norm per conv layer, input side first (depth - 1 of them for
            the CIFAR nets, whose depth counts the dense layer too; depth for the one-conv stack).
        loss: {"plain": float, "residual": float}, the loss on the batch.
        settings: a dict of the NetworkSettings used (depth, width, batch_norm, init, activation, seed, network),
            plus "data" (what the batch was), "batch_size" and "backend".
        step: training steps taken before the measurement (0: at initialisation).
        layer_names: the conv layers' names, in the order of the norms.
    """

    plain: np.ndarray
    residual: np.ndarray
    loss: dict
    settings: dict
    step: int = 0
    layer_names: tuple = field(default=())

    def norms(self, kind):
        """The profile of "plain" or "residual"."""
        return {"plain": self.plain, "residual": self.residual}[kind]

    @property
    def spreads(self):
        """{"plain": largest/smallest norm, "residual": ...}; nan where a norm is zero or not finite."""
        return {kind: spread(self.norms(kind)) for kind in KINDS}

    @property
    def first_last_ratios(self):
        """{"plain": first-layer norm / last-layer norm, "residual": ...}; nan as in spreads."""
        return {kind: first_last_ratio(self.norms(kind)) for kind in KINDS}

    @property
    def zero_layers(self):
        """{"plain": number of layers whose gradient is exactly zero, "residual": ...}."""
        return {kind: int(np.sum(self.norms(kind) == 0)) for kind in KINDS}

    def summary(self):
        """A few lines that say what was measured."""
        s = self.settings
        lines = [
            f"{NETWORK_LABELS[s.get('network', 'cifar')]}: depth {s['depth']}, width {s['width']}, batch norm "
            f"{'on' if s['batch_norm'] else 'off'}, init {s['init']}, activation {s['activation']}, step {self.step}; "
            f"{s['data']}"
        ]
        for kind in KINDS:
            values = self.norms(kind)
            finite = values[np.isfinite(values) & (values > 0)]
            line = f"{kind:>8}: loss {self.loss[kind]:.3g}, spread {describe_ratio(self.spreads[kind])}"
            if finite.size:
                line += f", norms from {finite.min():.2g} to {finite.max():.2g}"
            if self.zero_layers[kind]:
                line += f", {self.zero_layers[kind]} of {len(values)} layers with zero gradient"
            lines.append(line)
        return "\n".join(lines)

    def __repr__(self):
        return f"Comparison(\n{self.summary()}\n)"

    def plot(self, ax=None):
        """Static matplotlib version of the explorer's plot (for exported notebooks). Returns the Axes."""
        from .plotting import plot_gradient_norms

        return plot_gradient_norms(self, ax=ax)


def describe_ratio(value):
    """A spread or ratio for people: '2.5e+03x', or why there is none."""
    if math.isnan(value):
        return "undefined (a zero or non-finite norm)"
    return f"{value:.3g}x"


def measure_pair(plain, residual, x, y):
    """Loss and per-conv-layer kernel gradient norms of both networks on (x, y)."""
    loss_fn = sparse_crossentropy(from_logits=True)
    profiles, losses = {}, {}
    for kind, model in zip(KINDS, (plain, residual)):
        kernels = [conv.kernel for conv in measured_convs(model)]
        losses[kind], grads = loss_and_gradients(model, x, y, loss_fn, kernels)
        profiles[kind] = np.array([norm(g) for g in grads])
    return profiles, losses


def compare(settings, data=None, batch_size=32):
    """Gradient norms of a plain and a residual network, identical but for the skip connections.

    Both networks have the same depth, width, normalisation, initialisation and initial weights (see
    networks.py). The measure is the L2 norm of the loss gradient with respect to each conv kernel, on
    one batch, in training mode.

        compare(NetworkSettings(depth=56, batch_norm=False))      # the seven knobs travel together
        compare(20)                                                # shorthand: NetworkSettings(depth=20)

    Args:
        settings: a settings.NetworkSettings: network ("cifar", He et al.'s CIFAR-10 nets, section 4.2, or
            "one_conv", the simpler stack), depth (6n + 2 weighted layers for "cifar": 8, 14, 20, ..., 56, ...,
            110; the number of 3x3 convs for "one_conv"), width, batch_norm, init ("he_normal_zero_gamma" starts
            every residual branch's last BN at gamma = 0; the plain net keeps gamma = 1), activation, and seed,
            which seeds the weights and the synthetic batch or the choice of real images. A plain whole number
            is a shorthand for NetworkSettings(depth=that number), every other knob at its default.
        data: None / "synthetic" (seeded random images), "fashion_mnist", or a pair (images, labels).
        batch_size: images per batch for "synthetic" and "fashion_mnist".

    Returns:
        Comparison.

    Raises:
        TypeError: settings neither a NetworkSettings nor a number; a depth given as a number that is not a
            whole number.
        ValueError: a depth given as a number that the network cannot have, a bad batch_size, or data of the
            wrong shape. (NetworkSettings itself refuses bad knobs when it is made, naming the knob.)
    """
    settings = as_settings(settings)
    batch_size = arguments.positive_int("batch_size", batch_size, "images per batch")
    x, y, description = resolve_batch(data, batch_size, settings.seed)
    plain, residual = matched_pair(settings, input_shape=x.shape[1:], classes=CLASSES)
    profiles, losses = measure_pair(plain, residual, x, y)
    return Comparison(
        plain=profiles["plain"],
        residual=profiles["residual"],
        loss=losses,
        settings={**settings.as_dict(), "data": description, "batch_size": len(x), "backend": keras.backend.backend()},
        layer_names=tuple(conv.name for conv in measured_convs(plain)),
    )
