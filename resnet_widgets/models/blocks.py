"""Residual blocks, each a plain function from tensor to tensor.

Read them next to the papers:
- v1 bottleneck blocks: He et al. 2015, "Deep Residual Learning for Image Recognition" (arXiv 1512.03385), Fig. 5 right.
- v2 pre-activation block: He et al. 2016, "Identity Mappings in Deep Residual Networks" (arXiv 1603.05027), Fig. 1b.

Layer names follow keras.applications (`conv2_block1_1_conv`, ...), so official weight files load by name:
`_0_` is the shortcut branch, `_1_`, `_2_`, `_3_` are the three convolutions of the residual branch.
"""

import numbers

from keras import backend, layers

# keras.applications uses this epsilon; the official weights were trained with it.
BN_EPSILON = 1.001e-5
EXPANSION = 4  # a bottleneck block outputs 4x the channels of its 3x3 convolution


def _channel_axis():
    return 3 if backend.image_data_format() == "channels_last" else 1


def _bn(x, name):
    return layers.BatchNormalization(axis=_channel_axis(), epsilon=BN_EPSILON, name=name)(x)


def check_stride_on(stride_on):
    """Raise ValueError unless `stride_on` is "1x1" (v1) or "3x3" (v1.5); see conv_block."""
    if stride_on not in ("1x1", "3x3"):
        raise ValueError(f"stride_on must be '1x1' (v1) or '3x3' (v1.5); received {stride_on!r}")


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
        ValueError: when `x` does not have `4 * filters` channels, since x and F(x) could not be added.
    """
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
        ValueError: for a `stride_on` other than "1x1" or "3x3", or a stride below 1.
    """
    check_stride_on(stride_on)
    if isinstance(stride, bool) or not isinstance(stride, numbers.Integral) or stride < 1:
        raise ValueError(f"stride must be a positive integer (1 or 2 in ResNets); received {stride!r}")
    stride = int(stride)
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
    """
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
