"""Seeded weight initialisers drawn with numpy, so a seed gives the same weights on every backend.

Keras' own initialisers draw from the backend's random generator, and TensorFlow and JAX turn the same
seed into different numbers. Drawing with numpy makes a TensorFlow run and a JAX run measure the very
same network, and lets the course print numbers that do not depend on the backend.
The schemes follow keras.initializers.VarianceScaling exactly (truncated normal rescaled to the target
variance, or uniform), so "he_normal" here is the distribution keras.initializers.HeNormal draws from.
"""

import math

import keras
import numpy as np

from .. import arguments
from .options import INITS

# (scale, fan mode, distribution) for each scheme, as keras.initializers defines them.
SCHEMES = {
    "he_normal": (2.0, "fan_in", "truncated_normal"),
    "he_uniform": (2.0, "fan_in", "uniform"),
    "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
    "glorot_uniform": (1.0, "fan_avg", "uniform"),
    "he_normal_zero_gamma": (2.0, "fan_in", "truncated_normal"),
}
# Standard deviation of a unit normal truncated to [-2, 2]; dividing by it restores the target variance.
_TRUNCATED_STD = 0.87962566103423978


def _fans(shape):
    if len(shape) < 2:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _truncated_normal(rng, shape):
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2.0
    while outside.any():  # redraw the tails, as a truncated normal does
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return values


@keras.saving.register_keras_serializable(package="resnet_widgets")
class SeededInitializer(keras.initializers.Initializer):
    """Variance-scaling initialiser whose draws depend only on (scheme, seed, layer_index).

    Args:
        scheme: one of INITS (the zero-gamma variant draws its kernels like "he_normal").
        seed: integer seed of the whole network.
        layer_index: which layer this is; each layer gets its own stream from (seed, layer_index).

    Raises:
        ValueError: unknown scheme.
    """

    def __init__(self, scheme="he_normal", seed=0, layer_index=0):
        self.scheme = arguments.choice("init", scheme, INITS)
        self.seed = int(seed)
        self.layer_index = int(layer_index)

    def __call__(self, shape, dtype=None):
        scale, mode, distribution = SCHEMES[self.scheme]
        fan_in, fan_out = _fans(tuple(shape))
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        rng = np.random.default_rng(np.random.SeedSequence([self.seed, self.layer_index]))
        if distribution == "truncated_normal":
            values = _truncated_normal(rng, shape) * (math.sqrt(scale / n) / _TRUNCATED_STD)
        else:
            limit = math.sqrt(3.0 * scale / n)
            values = rng.uniform(-limit, limit, size=shape)
        return keras.ops.convert_to_tensor(values, dtype=dtype or "float32")

    def get_config(self):
        return {"scheme": self.scheme, "seed": self.seed, "layer_index": self.layer_index}
