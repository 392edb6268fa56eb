"""One checked choice of a network's knobs, so that every entry point refuses bad values in the same words.

compare(), track(), matched_pair() and build_network() take one NetworkSettings (or a plain depth, see
as_settings) instead of seven separate knobs; the widget and the degradation experiment build one too.
NetworkSettings checks its values when it is made (each check comes from resnet_widgets.arguments), so a
settings object that exists is a valid one.
"""

import numbers
from dataclasses import asdict, dataclass

import numpy as np

from .. import arguments
from .options import ACTIVATIONS, INITS, NETWORKS

# The paper's CIFAR-10 nets have 6n + 2 weighted layers: the stem, 2n convolutions in each of three stages,
# the dense layer. n = 1 is the smallest.
CIFAR_MIN_DEPTH = 8


@dataclass(frozen=True)
class NetworkSettings:
    """The seven knobs of a plain/residual pair, checked when made: NetworkSettings(depth=20, batch_norm=False).

    Args:
        depth: for network="cifar", the paper's 6n + 2 weighted layers (8, 14, 20, ..., 56, ..., 110: the stem,
            6n convolutions, the dense layer); for "one_conv", the number of 3x3 convolutions (>= 1), the stem
            included, the dense layer not. See check_depth.
        width: channels of the first stage (the CIFAR nets double them twice: 16, 32, 64 for width 16), or of
            every conv of the one-conv stack; >= 1.
        batch_norm: whether each conv is followed by BatchNormalization.
        init: one of options.INITS; "he_normal_zero_gamma" starts every residual branch's last BN at gamma = 0
            (the plain net, which has no branches, keeps gamma = 1).
        activation: one of options.ACTIVATIONS.
        seed: integer >= 0; every layer's weights are drawn from (seed, the layer's index), and the synthetic
            batch or the choice of real images from the seed.
        network: one of options.NETWORKS: "cifar" (He et al.'s CIFAR-10 nets, section 4.2) or "one_conv"
            (the simpler stack).

    Whole numbers (numpy integers included) are stored as Python ints. The object is frozen: use
    dataclasses.replace(settings, depth=56) for a variant, which checks the new values too.

    Raises:
        ValueError: a value out of range or not among the allowed names (the message names the argument and
            the allowed values); also init 'he_normal_zero_gamma' without batch norm (there is no gamma to set
            to zero).
        TypeError: depth, width or seed not a whole number, batch_norm not a bool.
    """

    depth: int
    width: int = 16
    batch_norm: bool = True
    init: str = "he_normal"
    activation: str = "relu"
    seed: int = 0
    network: str = "cifar"

    def __post_init__(self):
        network = arguments.choice("network", self.network, NETWORKS)
        checked = {
            "network": network,
            "depth": check_depth(network, self.depth),
            "width": arguments.whole_number("width", self.width, minimum=1,
                                            meaning="the channels of the first conv layers"),
            "seed": arguments.whole_number("seed", self.seed, minimum=0,
                                           meaning="the seed of the weights and the synthetic batch"),
            "batch_norm": arguments.boolean("batch_norm", self.batch_norm),
            "init": arguments.choice("init", self.init, INITS),
            "activation": arguments.choice("activation", self.activation, ACTIVATIONS),
        }
        if checked["init"] == "he_normal_zero_gamma" and not checked["batch_norm"]:
            raise ValueError(
                "init='he_normal_zero_gamma' sets each residual branch's last BatchNormalization gamma to zero, "
                "so it needs batch_norm=True; with batch_norm=False choose one of "
                + ", ".join(repr(i) for i in INITS if i != "he_normal_zero_gamma")
            )
        for name, value in checked.items():  # frozen: the normal forms go in through object.__setattr__
            object.__setattr__(self, name, value)

    @property
    def zero_gamma(self):
        return self.init == "he_normal_zero_gamma"

    @property
    def blocks_per_stage(self):
        """n of the CIFAR nets' 6n + 2 (None for the one-conv stack)."""
        return (self.depth - 2) // 6 if self.network == "cifar" else None

    def as_dict(self):
        return asdict(self)


def as_settings(settings):
    """Return `settings` as NetworkSettings: a NetworkSettings as it is, a plain number as NetworkSettings(depth=it).

    The number is a shorthand for learners: compare(20) is compare(NetworkSettings(depth=20)), every other knob
    at its default. It is checked as a depth, so compare(2.5) names depth in its TypeError.

    Raises:
        TypeError: `settings` is neither (a dict or a string, say); or a number that is not a whole number.
        ValueError: a number that is not a depth of the default network (see check_depth).
    """
    if isinstance(settings, NetworkSettings):
        return settings
    if isinstance(settings, (numbers.Real, np.number)):
        return NetworkSettings(depth=settings)
    hint = " (NetworkSettings(**knobs) makes one from a dict)" if isinstance(settings, dict) else ""
    raise TypeError(
        "settings must be a NetworkSettings, e.g. NetworkSettings(depth=20, batch_norm=False), or a whole number "
        f"as a shorthand for NetworkSettings(depth=that number){hint}; received settings={settings!r} "
        f"of type {type(settings).__name__}"
    )


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
