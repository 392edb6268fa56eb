"""Residual blocks, each a plain function from tensor to tensor.

Read them next to the papers:
- the basic block (two 3x3 convolutions): He et al. 2015, Fig. 5 left; ResNet18/34 (Table 1) and the CIFAR-10
  nets of section 4.2.
- v1 bottleneck blocks: He et al. 2015, "Deep Residual Learning for Image Recognition" (arXiv 1512.03385), Fig. 5 right.
- v2 pre-activation block: He et al. 2016, "Identity Mappings in Deep Residual Networks" (arXiv 1603.05027), Fig. 1b.

Layer names follow keras.applications (`conv2_block1_1_conv`, ...), so official weight files load by name:
`_0_` is the shortcut branch, `_1_`, `_2_`, `_3_` are the three convolutions of the residual branch.
"""

import keras
from keras import backend, layers, ops

from .. import arguments

# keras.applications' epsilon, just above cuDNN's minimum of 1e-5. The official weights were converted from the
# original models, not trained in Keras: matching this epsilon is what makes our outputs equal keras.applications'.
BN_EPSILON = 1.001e-5
EXPANSION = 4  # a bottleneck block outputs 4x the channels of its 3x3 convolution


def _channel_axis():
    return 3 if backend.image_data_format() == "channels_last" else 1


def _bn(x, name):
    return layers.BatchNormalization(axis=_channel_axis(), epsilon=BN_EPSILON, name=name)(x)


STRIDE_PLACEMENTS = ("1x1", "3x3")


def check_stride_on(stride_on):
    """Raise ValueError unless `stride_on` is "1x1" (v1) or "3x3" (v1.5); see conv_block."""
    return arguments.choice("stride_on", stride_on, STRIDE_PLACEMENTS, "v1 or v1.5")


def _check_bottleneck(filters, kernel_size, stride=1):
    """The numbers every bottleneck block takes, as ints (numpy integers accepted); TypeError / ValueError."""
    return (arguments.positive_int("filters", filters, "channels of the bottleneck; the block outputs 4x"),
            arguments.positive_int("kernel_size", kernel_size, "of the middle convolution, 3 in every ResNet"),
            arguments.positive_int("stride", stride, "1, or 2 where a stage downsamples"))


def _residual_branch_v1(x, filters, kernel_size, stride, stride_on, name):
    """1x1 reduce -> 3x3 -> 1x1 restore, each followed by BN; ReLU after the first two only."""
    stride_1x1, stride_3x3 = (stride, 1) if stride_on == "1x1" else (1, stride)
    x = layers.Conv2D(filters, 1, strides=stride_1x1, name=f"{name}_1_conv")(x)
    x = _bn(x, f"{name}_1_bn")
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)

    x = layers.Conv2D(filters, kernel_size, strides=stride_3x3, padding="same", name=f"{name}_2_conv")(x)
    x = _bn(x, f"{name}_2_bn")
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)

    x = layers.Conv2D(EXPANSION * filters, 1, name=f"{name}_3_conv")(x)
    # No ReLU here: the block's ReLU comes after the addition, F(x) + x.
    return _bn(x, f"{name}_3_bn")


def identity_block(x, filters, kernel_size=3, name="block"):
    """The v1 bottleneck block whose shortcut is the identity: out = relu(F(x) + x).

    Use it when the input already has the output shape, i.e. `EXPANSION * filters` channels and the
    same height and width.

    Args:
        x: input tensor with `4 * filters` channels.
        filters: channels of the bottleneck (the 1x1 reduce and the 3x3 convolution), e.g. 64 in conv2.
        kernel_size: kernel of the middle convolution (3 in every ResNet).
        name: prefix of the layer names, e.g. "conv2_block2".

    Returns:
        A tensor with the input's shape.

    Raises:
        TypeError / ValueError: `filters` or `kernel_size` not a positive integer (numpy integers are fine).
        ValueError: when `x` does not have `4 * filters` channels, since x and F(x) could not be added.
    """
    filters, kernel_size, _ = _check_bottleneck(filters, kernel_size)
    channels = x.shape[_channel_axis()]
    if channels is not None and channels != EXPANSION * filters:
        raise ValueError(
            f"identity_block: the input has {channels} channels but the block outputs "
            f"{EXPANSION * filters} (4 x filters={filters}), so the identity shortcut cannot be added. "
            "Use conv_block when the channels or the size change."
        )
    shortcut = x
    x = _residual_branch_v1(x, filters, kernel_size, stride=1, stride_on="1x1", name=name)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def conv_block(x, filters, kernel_size=3, stride=2, stride_on="1x1", name="block"):
    """The v1 bottleneck block with a projection shortcut: out = relu(F(x) + BN(W_s x)).

    The first block of every stage uses it, because the shape changes there: channels grow to
    `4 * filters` and, from conv3 on, height and width halve (stride 2). The 1x1 projection
    (He et al. 2015, eq. 2, option B) makes the shortcut match.

    Args:
        x: input tensor.
        filters: channels of the bottleneck; the block outputs `4 * filters`.
        kernel_size: kernel of the middle convolution.
        stride: 1 (conv2, after the max pool) or 2 (conv3..conv5).
        stride_on: "1x1" puts the stride in the first 1x1 convolution, as in the paper and in
            keras.applications (v1); "3x3" puts it in the 3x3 convolution ("v1.5", torchvision's choice,
            which sees every input pixel and is slightly more accurate). Weights are interchangeable.
        name: prefix of the layer names, e.g. "conv3_block1".

    Returns:
        A tensor with `4 * filters` channels, spatially downsampled by `stride`.

    Raises:
        TypeError / ValueError: `filters`, `kernel_size` or `stride` not a positive integer (numpy integers
            are fine), or a `stride_on` other than "1x1" or "3x3".
    """
    filters, kernel_size, stride = _check_bottleneck(filters, kernel_size, stride)
    check_stride_on(stride_on)
    shortcut = layers.Conv2D(EXPANSION * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
    shortcut = _bn(shortcut, f"{name}_0_bn")
    x = _residual_branch_v1(x, filters, kernel_size, stride=stride, stride_on=stride_on, name=name)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def preact_block(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name="block"):
    """The v2 pre-activation bottleneck block: out = x + F(relu(BN(x))).

    BN and ReLU move before the convolutions, so nothing touches the shortcut path after the
    addition: the signal from any block reaches any later block unchanged (He et al. 2016, eq. 4).
    The network applies one final BN + ReLU (`post_bn`, `post_relu`) after the last block.

    As in keras.applications, a v2 stage downsamples in its *last* block. The shortcut of that
    block is a 1x1 max pool with stride 2 (a subsampling identity), named `{name}_0_pool`.

    Args:
        x: input tensor.
        filters: channels of the bottleneck; the block outputs `4 * filters`.
        kernel_size: kernel of the middle convolution.
        stride: 1, or 2 in the last block of conv2..conv4.
        conv_shortcut: True in the first block of a stage, where the channels change: the shortcut is
            then a 1x1 convolution of the pre-activated input.
        name: prefix of the layer names, e.g. "conv4_block6".

    Returns:
        A tensor with `4 * filters` channels, spatially downsampled by `stride`.

    Raises:
        TypeError / ValueError: `filters`, `kernel_size` or `stride` not a positive integer (numpy integers
            are fine), or `conv_shortcut` not True or False.
    """
    filters, kernel_size, stride = _check_bottleneck(filters, kernel_size, stride)
    conv_shortcut = arguments.boolean("conv_shortcut", conv_shortcut, "a 1x1 projection shortcut")
    preact = _bn(x, f"{name}_preact_bn")
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)

    if conv_shortcut:
        shortcut = layers.Conv2D(EXPANSION * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    elif stride > 1:
        shortcut = layers.MaxPooling2D(1, strides=stride, name=f"{name}_0_pool")(x)
    else:
        shortcut = x

    x = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = _bn(x, f"{name}_1_bn")
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)

    # Explicit padding keeps the official weights' alignment when the stride is 2.
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = _bn(x, f"{name}_2_bn")
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)

    x = layers.Conv2D(EXPANSION * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


SHORTCUTS = ("projection", "zero_pad")


@keras.saving.register_keras_serializable(package="resnet_widgets")
class ChannelZeroPad(layers.Layer):
    """Appends zero channels: the paper's option A shortcut, "identity with extra zero entries padded for
    increasing dimensions" (He et al. 2015, section 3.3). It has no parameters. A named layer, not a
    Lambda, so models that use it save and load with `safe_mode=True`."""

    def __init__(self, extra_channels, **kwargs):
        super().__init__(**kwargs)
        self.extra_channels = arguments.whole_number("extra_channels", extra_channels, minimum=0)

    def call(self, x):
        axis = _channel_axis()
        pad = [[0, 0]] * 4
        pad[axis] = [0, self.extra_channels]
        return ops.pad(x, pad)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        axis = _channel_axis()
        if shape[axis] is not None:
            shape[axis] += self.extra_channels
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "extra_channels": self.extra_channels}


def basic_block(x, filters, stride=1, shortcut="projection", kernel_initializer="he_normal", name="block"):
    """The basic residual block: out = relu(F(x) + shortcut(x)), F = two 3x3 convolutions (He et al. 2015, Fig. 5 left).

    ResNet18 and ResNet34 (Table 1) and the paper's CIFAR-10 nets (section 4.2) are built from it. Each
    convolution is followed by BN (section 3.4); the ReLU after the second one comes after the addition.
    The convolutions have no bias, since the BN right after each one has its own shift (beta).

    When the input already has `filters` channels and `stride` is 1, the shortcut is the identity.
    Otherwise the shape changes, and `shortcut` says how the shortcut follows it (section 3.3):
        "projection"  option B: a 1x1 convolution with the block's stride, then BN (`{name}_0_conv`, `_0_bn`);
        "zero_pad"    option A: subsample by the stride (`{name}_0_pool`, a 1x1 max pool) and append zero
                      channels (`{name}_0_pad`); no parameters. The paper's CIFAR-10 nets use it.

    Args:
        x: input tensor.
        filters: channels of both 3x3 convolutions and of the output.
        stride: 1, or 2 where a stage halves the height and width (in its first block).
        shortcut: "projection" or "zero_pad", used only when the shape changes.
        kernel_initializer: of both convolutions (and the projection); He normal as in the paper.
        name: prefix of the layer names, e.g. "conv3_block1": `_1_conv`, `_1_bn`, `_1_relu`, `_2_conv`, `_2_bn`,
            `_add`, `_out`, and the shortcut's `_0_*`.

    Returns:
        A tensor with `filters` channels, spatially downsampled by `stride`.

    Raises:
        TypeError / ValueError: `filters` or `stride` not a positive integer, an unknown `shortcut`, or a
            "zero_pad" shortcut that would have to drop channels.
    """
    filters = arguments.positive_int("filters", filters, "channels of the block's convolutions")
    stride = arguments.positive_int("stride", stride, "1, or 2 where a stage downsamples")
    arguments.choice("shortcut", shortcut, SHORTCUTS)
    channels = x.shape[_channel_axis()]

    residual = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False,
                             kernel_initializer=kernel_initializer, name=f"{name}_1_conv")(x)
    residual = _bn(residual, f"{name}_1_bn")
    residual = layers.Activation("relu", name=f"{name}_1_relu")(residual)
    residual = layers.Conv2D(filters, 3, padding="same", use_bias=False,
                             kernel_initializer=kernel_initializer, name=f"{name}_2_conv")(residual)
    # No ReLU here: it comes after the addition, relu(F(x) + x).
    residual = _bn(residual, f"{name}_2_bn")

    if stride == 1 and channels == filters:
        skip = x
    elif shortcut == "projection":
        skip = layers.Conv2D(filters, 1, strides=stride, use_bias=False,
                             kernel_initializer=kernel_initializer, name=f"{name}_0_conv")(x)
        skip = _bn(skip, f"{name}_0_bn")
    else:
        if channels is None or channels > filters:
            raise ValueError(
                f"shortcut='zero_pad' can only add channels, but the input has {channels} channels and the block "
                f"outputs filters={filters}; use shortcut='projection'"
            )
        skip = layers.MaxPooling2D(1, strides=stride, name=f"{name}_0_pool")(x) if stride > 1 else x
        skip = ChannelZeroPad(filters - channels, name=f"{name}_0_pad")(skip)

    out = layers.Add(name=f"{name}_add")([skip, residual])
    return layers.Activation("relu", name=f"{name}_out")(out)


def plain_block(x, filters, stride=1, kernel_initializer="he_normal", name="block"):
    """The basic block without its shortcut: relu(F(x)), the plain twin of `basic_block` (He et al. 2015, Fig. 3).

    Same layers and names as basic_block's residual branch (`{name}_1_conv`, `_1_bn`, `_1_relu`, `_2_conv`,
    `_2_bn`) and its final ReLU (`{name}_out`); no shortcut, no addition. A plain network built from it has
    exactly the parameters of its residual twin wherever the twin's shortcut is the identity; where the shape
    changes, the twin's option B projection adds a 1x1 convolution and a BN that the plain block lacks.

    Args, returns and errors: as basic_block (without `shortcut`).
    """
    filters = arguments.positive_int("filters", filters, "channels of the block's convolutions")
    stride = arguments.positive_int("stride", stride, "1, or 2 where a stage downsamples")
    x = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False,
                      kernel_initializer=kernel_initializer, name=f"{name}_1_conv")(x)
    x = _bn(x, f"{name}_1_bn")
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False, kernel_initializer=kernel_initializer,
                      name=f"{name}_2_conv")(x)
    x = _bn(x, f"{name}_2_bn")
    return layers.Activation("relu", name=f"{name}_out")(x)
