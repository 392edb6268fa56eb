"""A small ResNet for 28x28 grey images, built from basic blocks: the network notebook 06b's learners assemble.

The layout is the paper's CIFAR-10 network (He et al. 2015, section 4.2): a 3x3 stem of `width` filters,
three stages of n basic blocks with `width`, 2 `width` and 4 `width` filters, the first block of the second and
third stage halving the size, 6n + 2 weighted layers, global average pooling and one dense layer. Two changes,
each for a reason:
- a 2x2 max pool follows the stem by default (28x28 -> 14x14), as a max pool follows the ImageNet nets' stem: a
  training step costs a quarter, which is what lets two CPU cores train on all 60,000 Fashion-MNIST images
  within a notebook's minutes (docs/BENCHMARKS.md). The stem's convolution still sees every pixel;
- where the shape changes, the shortcut is option B (a 1x1 projection with BN), as in the learner's basic block
  of notebook 01a, rather than the paper's option A.

`block="plain"` builds the plain twin: the same layers without the shortcuts (and without the projections).
Layer names follow the family's scheme: `conv1_conv`, `pool1_pool`, `conv2_block1_1_conv`, ..., `avg_pool`, `logits`.
"""

import keras
from keras import layers

from .. import arguments
from .blocks import _bn, basic_block, plain_block

STAGES = 3  # of the CIFAR layout: conv2, conv3, conv4
BLOCKS = {"basic": basic_block, "plain": plain_block}


def cifar_resnet_depths(up_to=110):
    """The depths 6n + 2 the layout can have, from 8 up to `up_to`."""
    return tuple(range(8, up_to + 1, 6))


def cifar_resnet(depth=20, block="basic", width=16, stem_pool=True, input_shape=(28, 28, 1), classes=10, name=None):
    """The small ResNet (or its plain twin) for 28x28 images; outputs logits (no softmax).

    Args:
        depth: weighted layers, 6n + 2 (8, 14, 20, 26, 32, ...): n basic blocks per stage.
        block: "basic" (the residual network), "plain" (its twin without shortcuts), or a function
            block(x, filters, stride, name) -> tensor, e.g. your own basic block.
        width: filters of the stem and the first stage (the paper: 16).
        stem_pool: True (the default, see the module docstring) halves the image after the stem with a 2x2 max
            pool (`pool1_pool`); False keeps it, as the paper's CIFAR-10 stem does.
        input_shape: (height, width, channels) of the images, uint8 pixels in [0, 255]: the model scales them
            itself (a Rescaling layer first).
        classes: outputs of the dense layer.
        name: the model's name (default "resnet{depth}" or "plain{depth}").

    Returns:
        A functional keras.Model.

    Raises:
        TypeError: block is neither "basic", "plain" nor a function; a size of the wrong kind.
        ValueError: depth is not 6n + 2; a size below 1.
    """
    depth = arguments.whole_number("depth", depth, minimum=8, meaning="weighted layers, 6n + 2")
    if (depth - 2) % 6:
        raise ValueError(f"depth must be 6n + 2 (8, 14, 20, 26, ...): n basic blocks in each of the three stages, "
                         f"the stem and the dense layer; received {depth}")
    if isinstance(block, str):
        kind = arguments.choice("block", block, tuple(BLOCKS), meaning="or a function (x, filters, stride, name)")
        make_block = BLOCKS[kind]
    else:
        make_block = arguments.function("block", block, "'basic', 'plain' or your block function")
        kind = getattr(block, "__name__", "custom")
    width = arguments.positive_int("width", width, "filters of the stem and the first stage")
    stem_pool = arguments.boolean("stem_pool", stem_pool)
    classes = arguments.whole_number("classes", classes, minimum=2)

    inputs = keras.Input(tuple(input_shape), name="images")
    x = layers.Rescaling(1 / 255, name="rescaling")(inputs)
    x = layers.Conv2D(width, 3, padding="same", use_bias=False, kernel_initializer="he_normal", name="conv1_conv")(x)
    x = _bn(x, "conv1_bn")
    x = layers.Activation("relu", name="conv1_relu")(x)
    if stem_pool:
        x = layers.MaxPooling2D(2, name="pool1_pool")(x)
    blocks_per_stage = (depth - 2) // 6
    for stage in range(STAGES):
        filters = width * 2**stage
        for index in range(blocks_per_stage):
            stride = 2 if stage > 0 and index == 0 else 1
            x = make_block(x, filters, stride=stride, name=f"conv{stage + 2}_block{index + 1}")
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(classes, name="logits")(x)
    default = f"{'plain' if kind == 'plain' else 'resnet'}{depth}"
    return keras.Model(inputs, outputs, name=name or default)
