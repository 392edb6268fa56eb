"""Plain and residual conv stacks that differ only by their skip connections.

A stack is `depth` 3x3 convolutions of `width` channels on the full input resolution, each followed by
BatchNormalization (optional) and the activation, then global average pooling and one dense layer
giving logits. The residual stack adds the identity around every conv after the first (the stem, which
changes the channel count, has no skip)::

    plain:     h = act(BN(conv(h)))
    residual:  h = act(h + BN(conv(h)))          # F(h) + h, then the activation, as in ResNet v1

Layer i draws its weights from (seed, i). So a depth-d stack is exactly the first d layers of any deeper
stack with the same knobs, and a plain and a residual stack built with the same knobs start from the same
weights. A LayerBank exploits both: it builds layers once and hands the first d of them to as many
stacks as asked for. That keeps recomputation cheap when only the depth or the data change.
"""

from collections import OrderedDict

import keras
from keras import layers

from .initializers import SeededInitializer
from .options import KINDS, check_choice, check_positive_int, check_settings

# Banks kept alive for reuse; two hold the current and the previous setting of the explorer's knobs.
BANK_CACHE_SIZE = 2


class ConvStack(keras.Model):
    """A plain or residual stack of 3x3 convolutions (see the module docstring for the wiring).

    Build it with :func:`conv_stack` or :func:`matched_pair`; the constructor takes ready layers so that
    stacks can share them.

    Args:
        convs: list of Conv2D layers, input side first.
        norms: list of BatchNormalization layers (one per conv), or None for no normalisation.
        head: the Dense layer that gives the logits.
        activation: name of the activation after every conv.
        residual: True adds the identity skip around every conv after the first.
        name: model name (default "plain" or "residual").
    """

    def __init__(self, convs, norms, head, activation, residual, name=None):
        super().__init__(name=name or ("residual" if residual else "plain"))
        self.convs = list(convs)
        self.norms = list(norms) if norms is not None else None
        self.pool = layers.GlobalAveragePooling2D(name="pool")
        self.head = head
        self.residual = bool(residual)
        self.activation_name = activation
        self._act = keras.activations.get(activation)

    def build(self, input_shape):
        # Shapes are known layer by layer, so build without running data through the stack.
        shape = tuple(input_shape)
        for i, conv in enumerate(self.convs):
            if not conv.built:
                conv.build(shape)
            shape = tuple(conv.compute_output_shape(shape))
            if self.norms is not None and not self.norms[i].built:
                self.norms[i].build(shape)
        if not self.head.built:
            self.head.build((shape[0], shape[-1]))

    def _normalise(self, i, h, training):
        return h if self.norms is None else self.norms[i](h, training=training)

    def call(self, x, training=False):
        h = self._act(self._normalise(0, self.convs[0](x), training))
        for i in range(1, len(self.convs)):
            branch = self._normalise(i, self.convs[i](h), training)
            h = self._act(h + branch) if self.residual else self._act(branch)
        return self.head(self.pool(h))

    @property
    def conv_kernels(self):
        """The conv kernels, input side first: the variables whose gradient norms the course plots."""
        return [conv.kernel for conv in self.convs]


class LayerBank:
    """Layers for one choice of knobs (all but depth), created on demand and seeded per layer.

    Conv layers, BatchNormalization layers and the head are shared by the plain and residual stacks: same
    weights by construction, and half the layers to create. The one exception is init
    'he_normal_zero_gamma': the residual branches start with gamma = 0 while the plain stack (which has no
    branches) keeps gamma = 1, so there each kind gets its own BatchNormalization layers. (Shared BN
    layers also share their moving averages; a gradient measurement in training mode never reads them.)
    """

    def __init__(self, settings, in_channels, classes, stem_stride=1):
        self.settings = settings
        self.in_channels = in_channels
        self.classes = classes
        self.stem_stride = stem_stride
        self.convs = []
        plain_norms = []
        self.norms = {"plain": plain_norms, "residual": [] if settings.zero_gamma else plain_norms}
        self.head = layers.Dense(
            classes, kernel_initializer=SeededInitializer("glorot_uniform", settings.seed, 0), name="logits"
        )

    def _conv(self, index):
        s = self.settings
        return layers.Conv2D(
            s.width,
            3,
            strides=self.stem_stride if index == 1 else 1,
            padding="same",
            use_bias=not s.batch_norm,  # BN's beta plays the bias's role
            kernel_initializer=SeededInitializer(s.init, s.seed, index),
            name=f"conv{index}",
        )

    def _norm(self, kind, index):
        # Goyal et al. 2017: the last BN of each residual branch starts at gamma = 0. Layer 1 is the stem,
        # not a branch, so it keeps gamma = 1.
        zero = self.settings.zero_gamma and kind == "residual" and index > 1
        # momentum 0.9 (Keras' default is 0.99): the course's training runs last a few hundred steps, and
        # the moving averages that inference uses must catch up within them.
        return layers.BatchNormalization(
            momentum=0.9, gamma_initializer="zeros" if zero else "ones", name=f"bn{index}"
        )

    def stack(self, kind, depth, input_shape):
        """A built ConvStack of the first `depth` layers of this bank, of kind "plain" or "residual"."""
        while len(self.convs) < depth:
            self.convs.append(self._conv(len(self.convs) + 1))
        norms = None
        if self.settings.batch_norm:
            bank = self.norms[kind]
            while len(bank) < depth:
                bank.append(self._norm(kind, len(bank) + 1))
            norms = bank[:depth]
        model = ConvStack(self.convs[:depth], norms, self.head, self.settings.activation, kind == "residual")
        model.build((None, *input_shape))
        return model


_banks = OrderedDict()


def _bank(settings, input_shape, classes, stem_stride, reuse):
    if not reuse:
        return LayerBank(settings, input_shape[-1], classes, stem_stride)
    # Every knob but depth: one bank serves all depths.
    knobs = tuple((name, value) for name, value in settings.as_dict().items() if name != "depth")
    key = (knobs, input_shape[-1], classes, stem_stride)
    bank = _banks.pop(key, None) or LayerBank(settings, input_shape[-1], classes, stem_stride)
    _banks[key] = bank  # most recently used last
    while len(_banks) > BANK_CACHE_SIZE:
        _banks.popitem(last=False)
    return bank


def clear_bank_cache():
    """Forget the layers kept for reuse (compare() builds them again when asked)."""
    _banks.clear()


def _checked_shape(input_shape):
    shape = tuple(input_shape)
    if len(shape) != 3 or not all(isinstance(d, int) and d >= 1 for d in shape):
        raise ValueError(
            f"input_shape must be (height, width, channels) of positive integers; received {input_shape!r}"
        )
    return shape


def matched_pair(
    depth,
    width=16,
    batch_norm=True,
    init="he_normal",
    activation="relu",
    seed=0,
    input_shape=(28, 28, 1),
    classes=10,
    stem_stride=1,
    reuse=True,
):
    """A plain and a residual stack with the same knobs and the same initial weights.

    Args:
        depth, width, batch_norm, init, activation, seed: see options.check_settings.
        input_shape: (height, width, channels) of the images.
        classes: number of logits.
        stem_stride: stride of the first conv (2 halves the resolution, for cheaper training).
        reuse: True shares layers with earlier calls that had the same knobs (fine for measuring
            gradients, which changes no weight); False builds fresh layers, as training needs. Even
            then the two stacks share their conv layers, so train them only through copies: use
            conv_stack() for each instead.

    Returns:
        (plain, residual): two built ConvStack models.

    Raises:
        ValueError, TypeError: see options.check_settings; bad input_shape or classes.
    """
    settings = check_settings(depth, width, batch_norm, init, activation, seed)
    shape = _checked_shape(input_shape)
    classes = check_positive_int("classes", classes, "the number of logits")
    stem_stride = check_positive_int("stem_stride", stem_stride, "the stride of the first conv")
    bank = _bank(settings, shape, classes, stem_stride, reuse)
    return bank.stack("plain", settings.depth, shape), bank.stack("residual", settings.depth, shape)


def conv_stack(
    kind,
    depth,
    width=16,
    batch_norm=True,
    init="he_normal",
    activation="relu",
    seed=0,
    input_shape=(28, 28, 1),
    classes=10,
    stem_stride=1,
):
    """One freshly built plain or residual stack with layers of its own (ready to train).

    Two calls with the same knobs give stacks with the same initial weights.

    Args:
        kind: "plain" or "residual".
        Others: as for matched_pair.

    Returns:
        A built ConvStack.

    Raises:
        ValueError, TypeError: see matched_pair; unknown kind.
    """
    kind = check_choice("kind", kind, KINDS)
    settings = check_settings(depth, width, batch_norm, init, activation, seed)
    shape = _checked_shape(input_shape)
    classes = check_positive_int("classes", classes, "the number of logits")
    stem_stride = check_positive_int("stem_stride", stem_stride, "the stride of the first conv")
    return _bank(settings, shape, classes, stem_stride, reuse=False).stack(kind, settings.depth, shape)
