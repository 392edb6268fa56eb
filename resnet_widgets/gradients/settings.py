"""One checked choice of a network's knobs, so that every entry point refuses bad values in the same words.

compare(), track(), the networks' builders, the degradation experiment and the widget all call
check_settings() (or check_depth() for a depth alone); each check comes from resnet_widgets.arguments.
"""

from dataclasses import asdict, dataclass

from .. import arguments
from .options import ACTIVATIONS, INITS, NETWORKS

# The paper's CIFAR-10 nets have 6n + 2 weighted layers: the stem, 2n convolutions in each of three stages,
# the dense layer. n = 1 is the smallest.
CIFAR_MIN_DEPTH = 8


@dataclass(frozen=True)
class NetworkSettings:
    """One checked choice of knobs.

    `depth` counts weighted layers for "cifar" (6n + 2: the stem, 6n convolutions, the dense layer) and 3x3
    convolutions for "one_conv" (the stem included, the dense layer not).
    """

    network: str
    depth: int
    width: int
    batch_norm: bool
    init: str
    activation: str
    seed: int

    @property
    def zero_gamma(self):
        return self.init == "he_normal_zero_gamma"

    @property
    def blocks_per_stage(self):
        """n of the CIFAR nets' 6n + 2 (None for the one-conv stack)."""
        return (self.depth - 2) // 6 if self.network == "cifar" else None

    def as_dict(self):
        return asdict(self)


def cifar_depths(up_to):
    """The depths 6n + 2 of the paper's CIFAR nets from 8 up to `up_to`: 8, 14, 20, 26, 32, ..."""
    return tuple(range(CIFAR_MIN_DEPTH, up_to + 1, 6))


def check_depth(network, depth, name="depth"):
    """Return `depth` as an int when it is a depth that `network` can have.

    Raises:
        TypeError: not a whole number.
        ValueError: "cifar" and not 6n + 2 with n >= 1 (8, 14, 20, ...), or "one_conv" and below 1.
    """
    if network == "one_conv":
        return arguments.whole_number(name, depth, minimum=1, meaning="the number of 3x3 conv layers")
    meaning = "weighted layers of the paper's CIFAR nets: 6n + 2, the stem, n basic blocks per stage, the dense layer"
    depth = arguments.whole_number(name, depth, minimum=CIFAR_MIN_DEPTH, meaning=meaning)
    if (depth - 2) % 6:
        below, above = depth - (depth - 2) % 6, depth - (depth - 2) % 6 + 6
        raise ValueError(
            f"{name} must be 6n + 2 for the paper's CIFAR nets ({', '.join(map(str, cifar_depths(56)))}, ..., 110); "
            f"received {name}={depth!r} (the nearest are {below} and {above})"
        )
    return depth


def check_settings(depth, width, batch_norm, init, activation, seed, network="cifar"):
    """Check the knobs of a plain/residual pair and return them as NetworkSettings.

    Args:
        depth: see check_depth.
        width: channels of the first stage (the CIFAR nets double them twice: 16, 32, 64 for width 16), or of
            every conv of the one-conv stack; >= 1.
        batch_norm: whether each conv is followed by BatchNormalization.
        init: one of INITS.
        activation: one of ACTIVATIONS.
        seed: integer >= 0; every layer's weights are drawn from (seed, the layer's index).
        network: one of NETWORKS.

    Raises:
        ValueError: a value out of range or not among the allowed names; also init
            'he_normal_zero_gamma' without batch norm (there is no gamma to set to zero).
        TypeError: depth, width or seed not a whole number, batch_norm not a bool.
    """
    network = arguments.choice("network", network, NETWORKS)
    depth = check_depth(network, depth)
    width = arguments.whole_number("width", width, minimum=1, meaning="the channels of the first conv layers")
    seed = arguments.whole_number("seed", seed, minimum=0, meaning="the seed of the weights and the synthetic batch")
    batch_norm = arguments.boolean("batch_norm", batch_norm)
    init = arguments.choice("init", init, INITS)
    activation = arguments.choice("activation", activation, ACTIVATIONS)
    if init == "he_normal_zero_gamma" and not batch_norm:
        raise ValueError(
            "init='he_normal_zero_gamma' sets each residual branch's last BatchNormalization gamma to zero, "
            "so it needs batch_norm=True; with batch_norm=False choose one of "
            + ", ".join(repr(i) for i in INITS if i != "he_normal_zero_gamma")
        )
    return NetworkSettings(network, depth, width, batch_norm, init, activation, seed)
