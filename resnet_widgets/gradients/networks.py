"""Plain and residual networks that differ only by their skip connections, as functional Keras models.

Two networks, chosen by the `network` field of NetworkSettings (settings.py), which holds all seven knobs:

"cifar", what He et al. 2015 trained on CIFAR-10 (section 4.2), with Fashion-MNIST's 28x28 images in place of
CIFAR's 32x32: a 3x3 stem conv of `width` filters, then three stages of n basic blocks (two 3x3 convs each) on
28x28, 14x14 and 7x7 maps with width, 2 width and 4 width filters (16, 32, 64 by default), the first conv of the
second and third stage with stride 2; global average pooling and one dense layer. 6n + 2 weighted layers. The
shortcuts are the paper's option A (section 3.3, the one it uses on CIFAR-10): the identity, subsampled and padded
with zero channels where a stage begins, so the residual net has exactly the parameters of its plain twin::

    plain block:     h = act(BN(conv(act(BN(conv(h))))))
    residual block:  h = act(BN(conv(act(BN(conv(h))))) + shortcut(h))      # F(h) + h, then act: ResNet v1

"one_conv", a simpler stack (kept as a second choice): `depth` 3x3 convs of `width` channels on the full
resolution, a skip around every conv after the stem, `h = act(h + BN(conv(h)))`. Section 3.1 of the paper says
that with such a one-layer F "we have not observed advantages".

Every layer draws its weights from (seed, its index), so a plain and a residual net built with the same knobs
start from the same weights. A LayerBank keeps the layers of one choice of architecture knobs and the models
built from them: a depth or data change reuses them, a seed or init change redraws the weights in place, so
the explorer's recomputations stay cheap. Measuring gradients changes no weight, so a bank's layers are never
trained; fresh layers (`reuse=False`, `build_network`) are for training.
"""

from collections import OrderedDict
from dataclasses import dataclass

import keras
from keras import layers

from .. import arguments
from ..models.blocks import ChannelZeroPad
from .initializers import SeededInitializer
from .options import KINDS
from .settings import as_settings

# Banks kept alive for reuse; two hold the current and the previous architecture of the explorer's knobs.
BANK_CACHE_SIZE = 2
STAGES = 3  # of the CIFAR nets: 16, 32 and 64 filters for width 16
HEAD_INDEX = 0  # the dense layer's seed index; convs count from 1


def _identity(x):
    return x


@dataclass
class BlockLayers:
    """The layers of one basic block (the CIFAR nets). `shortcut` is the identity, or option A's subsample + pad."""

    conv1: layers.Layer
    norm1: object
    act1: layers.Layer
    conv2: layers.Layer
    norm2: object
    add: layers.Layer
    shortcut: object
    out: layers.Layer


def matched_block(h, block, residual):
    """One block of the CIFAR nets: act(F(h) + shortcut(h)) with the skip, act(F(h)) in the plain twin.

    F is conv-BN-act-conv-BN (He et al. 2015, Fig. 2 and section 4.2). The activation after the addition is
    ResNet v1's: it sits on the identity path too.
    """
    f = block.act1(block.norm1(block.conv1(h)))
    f = block.norm2(block.conv2(f))
    if residual:
        f = block.add([block.shortcut(h), f])
    return block.out(f)


def one_conv_layer(h, conv, norm, act, add, residual):
    """One layer of the one-conv stack: act(h + BN(conv(h))) with the skip, act(BN(conv(h))) without."""
    branch = norm(conv(h))
    return act(add([h, branch])) if residual else act(branch)


class LayerBank:
    """Layers for one choice of architecture knobs, created on demand, and the models built from them.

    Conv layers, BatchNormalization layers, activations and the head are shared by the plain and the residual
    net: same weights by construction, and half the layers to create. The exception is init
    'he_normal_zero_gamma': residual branches end with gamma = 0 while the plain net (which has no branches)
    keeps gamma = 1, so those BatchNormalization layers are the residual net's own. (Shared BN layers also share
    their moving averages; a gradient measurement in training mode never reads them.)

    Each (kind, depth) model is built once: calling a layer on a new symbolic input leaves a node on it for
    good, so rebuilding models from the same layers would grow without end.
    """

    def __init__(self, settings, input_shape, classes, stem_stride=1, weight_decay=0.0):
        self.settings = settings
        # L2 on every kernel, in the loss (as the paper's SGD applies it, through the momentum): the penalty
        # (weight_decay / 2) * ||W||^2 has the gradient weight_decay * W.
        self.regularizer = keras.regularizers.L2(weight_decay / 2) if weight_decay else None
        self.input_shape = tuple(input_shape)
        self.classes = classes
        self.stem_stride = stem_stride
        self.weights = (settings.init, settings.seed)
        self._convs = {}  # seed index -> Conv2D
        self._layers = {}  # (role, ...) -> layer, for the layers without seeded weights
        self._models = {}
        self.head = layers.Dense(classes, kernel_initializer=self._initializer("glorot_uniform", HEAD_INDEX),
                                 kernel_regularizer=self.regularizer, name="logits")

    # -- weights -----------------------------------------------------------------------------------------

    def _initializer(self, scheme, index):
        return SeededInitializer(scheme, self.weights[1], index)

    def redraw(self, init, seed):
        """Give every layer the weights that (init, seed) draws, in place; later layers are drawn so too."""
        if (init, seed) == self.weights:
            return
        self.weights = (init, seed)
        for index, conv in self._convs.items():
            conv.kernel_initializer = self._initializer(init, index)
            if conv.built:
                conv.kernel.assign(conv.kernel_initializer(conv.kernel.shape))
        self.head.kernel_initializer = self._initializer("glorot_uniform", HEAD_INDEX)
        if self.head.built:
            self.head.kernel.assign(self.head.kernel_initializer(self.head.kernel.shape))

    # -- layers ------------------------------------------------------------------------------------------

    def _conv(self, index, filters, stride, name):
        if index not in self._convs:
            self._convs[index] = layers.Conv2D(
                filters, 3, strides=stride, padding="same",
                use_bias=not self.settings.batch_norm,  # BN's beta plays the bias's role
                kernel_initializer=self._initializer(self.weights[0], index), kernel_regularizer=self.regularizer,
                name=name,
            )
        return self._convs[index]

    def _shared(self, key, make):
        if key not in self._layers:
            self._layers[key] = make()
        return self._layers[key]

    def _norm(self, kind, name, branch_end):
        if not self.settings.batch_norm:
            return _identity
        # Goyal et al. 2017: the last BN of each residual branch starts at gamma = 0.
        zero = self.settings.zero_gamma and kind == "residual" and branch_end
        # momentum 0.9 (Keras' default is 0.99): the course's training runs last a few hundred steps, and
        # the moving averages that inference uses must catch up within them.
        return self._shared(
            ("norm", name, zero),
            lambda: layers.BatchNormalization(momentum=0.9, gamma_initializer="zeros" if zero else "ones", name=name),
        )

    def _act(self, name):
        return self._shared(("act", name), lambda: layers.Activation(self.settings.activation, name=name))

    # -- models ------------------------------------------------------------------------------------------

    def model(self, kind, depth):
        """The functional model of `kind` ("plain" or "residual") and `depth`, built on first use."""
        key = (kind, depth)
        if key not in self._models:
            inputs = keras.Input(self.input_shape, name="images")
            wire = self._cifar if self.settings.network == "cifar" else self._one_conv
            h = wire(inputs, kind, depth)
            h = self._shared(("pool",), lambda: layers.GlobalAveragePooling2D(name="avg_pool"))(h)
            name = f"{kind}_{depth}" + ("" if self.settings.network == "cifar" else "_one_conv")
            self._models[key] = keras.Model(inputs, self.head(h), name=name)
        return self._models[key]

    def _one_conv(self, inputs, kind, depth):
        width, residual = self.settings.width, kind == "residual"
        # The stem changes 1 channel into `width`, so it has no skip.
        h = self._act("act1")(self._norm(kind, "bn1", False)(self._conv(1, width, self.stem_stride, "conv1")(inputs)))
        for i in range(2, depth + 1):
            conv = self._conv(i, width, 1, f"conv{i}")
            add = self._shared(("add", i), lambda i=i: layers.Add(name=f"add{i}")) if residual else None
            h = one_conv_layer(h, conv, self._norm(kind, f"bn{i}", True), self._act(f"act{i}"), add, residual)
        return h

    def _cifar(self, inputs, kind, depth):
        s = self.settings
        act = s.activation
        h = self._conv(1, s.width, 1, "conv1_conv")(inputs)
        h = self._act(f"conv1_{act}")(self._norm(kind, "conv1_bn", False)(h))
        channels, blocks_per_stage = s.width, (depth - 2) // 6
        for stage in range(1, STAGES + 1):
            filters = s.width * 2 ** (stage - 1)
            for block in range(1, blocks_per_stage + 1):
                stride = 2 if stage > 1 and block == 1 else 1
                h = matched_block(h, self._block(kind, stage, block, channels, filters, stride), kind == "residual")
                channels = filters
        return h

    def _block(self, kind, stage, block, channels, filters, stride):
        name, act = f"conv{stage + 1}_block{block}", self.settings.activation
        index = 10_000 * stage + 10 * block  # + 1 or 2 for the two convs: unique, and the same at every depth
        shortcut = _identity
        if stride > 1 or channels != filters:  # option A: subsample, then pad with zero channels
            pool = self._shared((name, "pool"), lambda: layers.MaxPooling2D(1, strides=stride, name=f"{name}_0_pool"))
            pad = self._shared((name, "pad"), lambda: ChannelZeroPad(filters - channels, name=f"{name}_0_pad"))

            def shortcut(x):
                return pad(pool(x) if stride > 1 else x)

        return BlockLayers(
            conv1=self._conv(index + 1, filters, stride, f"{name}_1_conv"),
            norm1=self._norm(kind, f"{name}_1_bn", False),
            act1=self._act(f"{name}_1_{act}"),
            conv2=self._conv(index + 2, filters, 1, f"{name}_2_conv"),
            norm2=self._norm(kind, f"{name}_2_bn", True),
            add=self._shared((name, "add"), lambda: layers.Add(name=f"{name}_add")),
            shortcut=shortcut,
            out=self._act(f"{name}_out"),
        )


_banks = OrderedDict()


def _architecture(settings):
    # Every knob but depth, init and seed: one bank serves all depths, and redraws its weights for another
    # seed or init. Zero gamma changes which BN layers exist, so it is part of the architecture.
    return (settings.network, settings.width, settings.batch_norm, settings.activation, settings.zero_gamma)


def _bank(settings, input_shape, classes, stem_stride, reuse, weight_decay=0.0):
    if not reuse:
        return LayerBank(settings, input_shape, classes, stem_stride, weight_decay)
    key = (_architecture(settings), tuple(input_shape), classes, stem_stride)
    bank = _banks.pop(key, None) or LayerBank(settings, input_shape, classes, stem_stride)
    _banks[key] = bank  # most recently used last
    while len(_banks) > BANK_CACHE_SIZE:
        _banks.popitem(last=False)
    bank.redraw(settings.init, settings.seed)
    return bank


def clear_bank_cache():
    """Forget the layers and models kept for reuse (compare() builds them again when asked)."""
    _banks.clear()


def measured_convs(model):
    """The conv layers whose kernel gradients the course plots, input side first (every Conv2D of these nets)."""
    return [layer for layer in model.layers if isinstance(layer, layers.Conv2D)]


def _checked(input_shape, classes, stem_stride, network):
    message = f"input_shape must be (height, width, channels) of positive integers; received {input_shape!r}"
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(message)
    try:
        shape = tuple(arguments.positive_int("input_shape", d) for d in input_shape)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    classes = arguments.positive_int("classes", classes, "the number of logits")
    stem_stride = arguments.positive_int("stem_stride", stem_stride, "the stride of the first conv")
    if network == "cifar" and stem_stride != 1:
        raise ValueError(
            "stem_stride must be 1 for network='cifar' (the paper's stem keeps the resolution; average the "
            f"images down instead); received stem_stride={stem_stride!r}"
        )
    return shape, classes, stem_stride


def matched_pair(settings, input_shape=(28, 28, 1), classes=10, stem_stride=1, reuse=True):
    """A plain and a residual network with the same knobs and the same initial weights.

    Args:
        settings: the seven knobs as one settings.NetworkSettings (network, depth, width, batch_norm, init,
            activation, seed), e.g. NetworkSettings(depth=20); a plain whole number is a shorthand for
            NetworkSettings(depth=that number).
        input_shape: (height, width, channels) of the images.
        classes: number of logits.
        stem_stride: stride of the one-conv stack's first conv (2 halves the resolution); 1 for "cifar".
        reuse: True shares layers with earlier calls that had the same architecture (fine for measuring
            gradients, which changes no weight); False builds fresh layers. Even then the two nets share their
            conv layers, so train them only through copies: use build_network() for each instead.

    Returns:
        (plain, residual): two functional keras.Model objects.

    Raises:
        TypeError: settings neither a NetworkSettings nor a whole number.
        ValueError, TypeError: a bad depth given as a number (see settings.check_depth); bad input_shape,
            classes or stem_stride.
    """
    settings = as_settings(settings)
    shape, classes, stem_stride = _checked(input_shape, classes, stem_stride, settings.network)
    bank = _bank(settings, shape, classes, stem_stride, reuse)
    return bank.model("plain", settings.depth), bank.model("residual", settings.depth)


def build_network(kind, settings, input_shape=(28, 28, 1), classes=10, stem_stride=1, weight_decay=0.0):
    """One freshly built plain or residual network with layers of its own (ready to train).

    Two calls with the same settings give networks with the same initial weights. The one-conv stack is
    build_network(kind, NetworkSettings(depth, network="one_conv")): `depth` 3x3 convs, a skip around each but
    the stem.

    Args:
        kind: "plain" or "residual".
        settings: a settings.NetworkSettings, or a whole number as a shorthand for NetworkSettings(depth=it);
            see matched_pair.
        weight_decay: L2 coefficient on every kernel, as He et al.'s "weight decay of 0.0001" (section 4.2):
            the loss gains (weight_decay / 2) * ||W||^2 per kernel. 0 adds nothing.
        input_shape, classes, stem_stride: as for matched_pair.

    Returns:
        A functional keras.Model.

    Raises:
        ValueError, TypeError: see matched_pair; unknown kind.
    """
    kind = arguments.choice("kind", kind, KINDS)
    settings = as_settings(settings)
    shape, classes, stem_stride = _checked(input_shape, classes, stem_stride, settings.network)
    weight_decay = arguments.real_number("weight_decay", weight_decay, minimum=0, meaning="the L2 coefficient")
    return _bank(settings, shape, classes, stem_stride, reuse=False, weight_decay=weight_decay).model(
        kind, settings.depth)


def reseed(model, seed):
    """Give a network built here the initial weights that `seed` draws, in place, as if built with that seed.

    Kernels are drawn again by their SeededInitializer with the new seed; biases go to zero; every
    BatchNormalization layer goes back to its initial gamma, zero beta and fresh moving statistics (mean 0,
    variance 1). A compiled model stays compiled, so one traced training step serves several seeds.

    Raises:
        TypeError: `seed` is not a whole number, or a kernel was not drawn by a SeededInitializer (the network
            was not built by this module, so its seeds mean nothing here).
    """
    seed = arguments.whole_number("seed", seed, minimum=0, meaning="the seed of the weights")
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            for variable, initializer in ((layer.gamma, layer.gamma_initializer), (layer.beta, layer.beta_initializer),
                                          (layer.moving_mean, layer.moving_mean_initializer),
                                          (layer.moving_variance, layer.moving_variance_initializer)):
                if variable is not None:
                    variable.assign(initializer(variable.shape, variable.dtype))
        elif isinstance(layer, (layers.Conv2D, layers.Dense)):
            drawn = layer.kernel_initializer
            if not isinstance(drawn, SeededInitializer):
                raise TypeError(f"model must be built by resnet_widgets.gradients (seeded kernels); layer "
                                f"{layer.name!r} has a {type(drawn).__name__}")
            layer.kernel.assign(SeededInitializer(drawn.scheme, seed, drawn.layer_index)(layer.kernel.shape))
            if layer.bias is not None:
                layer.bias.assign(keras.ops.zeros(layer.bias.shape, layer.bias.dtype))

