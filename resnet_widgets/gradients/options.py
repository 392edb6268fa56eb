"""The knobs of a plain/residual conv stack, and the one place that says which values they take.

Every public entry point (compare, track, conv_stack, the widget) checks its arguments here, so a bad
value gets the same message everywhere: the argument's name, the allowed values, what was received.
"""

from dataclasses import asdict, dataclass

import numpy as np

# Initialisation schemes. The first four are Keras' variance-scaling schemes; the last is He normal
# plus a zero-initialised BN scale (gamma) at the end of every residual branch (Goyal et al. 2017).
INITS = ("he_normal", "he_uniform", "glorot_normal", "glorot_uniform", "he_normal_zero_gamma")
INIT_LABELS = {
    "he_normal": "He normal",
    "he_uniform": "He uniform",
    "glorot_normal": "Glorot normal",
    "glorot_uniform": "Glorot uniform",
    "he_normal_zero_gamma": "He normal + zero γ",
}
ACTIVATIONS = ("relu", "elu", "gelu", "tanh", "sigmoid")
KINDS = ("plain", "residual")


@dataclass(frozen=True)
class StackSettings:
    """One checked choice of knobs. `depth` counts 3x3 conv layers, the stem conv included."""

    depth: int
    width: int
    batch_norm: bool
    init: str
    activation: str
    seed: int

    @property
    def zero_gamma(self):
        return self.init == "he_normal_zero_gamma"

    def as_dict(self):
        return asdict(self)


def _whole_number(name, value, minimum, meaning):
    # bool is an int in Python, but depth=True is a mistake, not a depth of 1.
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer >= {minimum} ({meaning}); received {value!r}")
    if int(value) < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum} ({meaning}); received {value!r}")
    return int(value)


def check_choice(name, value, allowed):
    """Return `value` if it is one of `allowed`, else raise ValueError naming `name` and the choices."""
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {choices}; received {value!r}")
    return value


def check_positive_int(name, value, meaning, minimum=1):
    """Return `value` as int if it is a whole number >= minimum.

    Raises:
        TypeError: not a whole number (bools included).
        ValueError: smaller than `minimum`.
    """
    return _whole_number(name, value, minimum, meaning)


def check_settings(depth, width, batch_norm, init, activation, seed):
    """Check the knobs of a conv stack and return them as StackSettings.

    Args:
        depth: number of 3x3 conv layers (>= 1), the first one (the stem) included.
        width: channels of every conv layer (>= 1).
        batch_norm: whether each conv is followed by BatchNormalization.
        init: one of INITS.
        activation: one of ACTIVATIONS.
        seed: integer >= 0; layer i's weights are drawn from (seed, i).

    Raises:
        ValueError: a value out of range or not among the allowed names; also init
            'he_normal_zero_gamma' without batch norm (there is no gamma to set to zero).
        TypeError: depth, width or seed not a whole number, batch_norm not a bool.
    """
    depth = _whole_number("depth", depth, 1, "the number of 3x3 conv layers")
    width = _whole_number("width", width, 1, "the channels of each conv layer")
    seed = _whole_number("seed", seed, 0, "the seed of the weights and the synthetic batch")
    if not isinstance(batch_norm, (bool, np.bool_)):
        raise TypeError(f"batch_norm must be True or False; received {batch_norm!r}")
    init = check_choice("init", init, INITS)
    activation = check_choice("activation", activation, ACTIVATIONS)
    if init == "he_normal_zero_gamma" and not batch_norm:
        raise ValueError(
            "init='he_normal_zero_gamma' sets each residual branch's last BatchNormalization gamma to zero, "
            "so it needs batch_norm=True; with batch_norm=False choose one of "
            + ", ".join(repr(i) for i in INITS if i != "he_normal_zero_gamma")
        )
    return StackSettings(depth, width, bool(batch_norm), init, activation, seed)
