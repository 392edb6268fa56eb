"""The family's layers: the stem, the four stages of blocks, and the head, as family.py's table asks for them."""

from keras import layers

from .blocks import _bn, basic_block, conv_block, identity_block, preact_block
from .family import STAGE_FILTERS, STAGE_NAMES


def stage_v1(x, filters, blocks, stride, name):
    """A v1 stage: a conv_block (shape changes here), then identity blocks."""
    x = conv_block(x, filters, stride=stride, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = identity_block(x, filters, name=f"{name}_block{i}")
    return x


def stage_basic(x, filters, blocks, stride, name):
    """A stage of basic blocks (ResNet18/34): the first block downsamples through a projection (option B)."""
    x = basic_block(x, filters, stride=stride, shortcut="projection", name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = basic_block(x, filters, name=f"{name}_block{i}")
    return x


def stage_v2(x, filters, blocks, stride, name):
    """A v2 stage: projection in the first block, downsampling in the last (as keras.applications)."""
    x = preact_block(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = preact_block(x, filters, name=f"{name}_block{i}")
    return preact_block(x, filters, stride=stride, name=f"{name}_block{blocks}")


def stem(x, preact):
    """conv1 (7x7, 64, stride 2) and pool1 (3x3 max pool, stride 2): 224 px in, 56 px out."""
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(x)
    x = layers.Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    if not preact:  # v2 leaves BN + ReLU to the first block's pre-activation
        x = _bn(x, "conv1_bn")
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    return layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)


def body(x, variant):
    """The four stages. v1 downsamples at the start of conv3..conv5; v2 at the end of conv2..conv4."""
    for index, (name, filters, blocks) in enumerate(zip(STAGE_NAMES, STAGE_FILTERS, variant.depths)):
        if variant.preact:
            x = stage_v2(x, filters, blocks, stride=1 if name == "conv5" else 2, name=name)
        elif variant.block == "basic":
            x = stage_basic(x, filters, blocks, stride=1 if index == 0 else 2, name=name)
        else:
            x = stage_v1(x, filters, blocks, stride=1 if index == 0 else 2, name=name)
    if variant.preact:  # the one activation that v2 moves out of the blocks
        x = _bn(x, "post_bn")
        x = layers.Activation("relu", name="post_relu")(x)
    return x


def head(x, include_top, pooling, classes, classifier_activation):
    """Global average pooling + one dense layer, or the feature-extractor ending chosen by `pooling`."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x
