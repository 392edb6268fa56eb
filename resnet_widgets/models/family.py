"""The ResNet family as data: one table of stage depths, read by one builder.

    variant       blocks per stage   block
    ResNet18      2-2-2-2            basic (two 3x3 convolutions), v1
    ResNet34      3-4-6-3            basic, v1
    ResNet50      3-4-6-3            v1 bottleneck (post-activation)
    ResNet101     3-4-23-3           v1 bottleneck
    ResNet152     3-8-36-3           v1 bottleneck
    ResNet50V2    3-4-6-3            v2 pre-activation
    ResNet101V2   3-4-23-3           v2 pre-activation
    ResNet152V2   3-8-36-3           v2 pre-activation

Every variant shares the stem (7x7/2 convolution, 3x3/2 max pool), four stages conv2..conv5 with
widths 64, 128, 256, 512 (the bottleneck's 3x3 width, or both 3x3 convolutions of a basic block), and the head
(global average pooling + one dense layer). ResNet18 and ResNet34 are the paper's Table 1 networks; their
stages downsample in the first block with an option B projection shortcut (He et al. 2015, section 3.3), as
torchvision and fb.resnet.torch build them. (The paper's own Table 2 ResNet-18/34 used option A.)

keras.applications has no ResNet18 or ResNet34, so there are no official Keras weights for them:
`weights="imagenet"` is refused for them with a message that says so. `KERAS_VARIANTS` names the six
variants that keras.applications has, with the same layer names and weights.
"""

from dataclasses import dataclass

from keras import layers

from .blocks import _bn, basic_block, conv_block, identity_block, preact_block

STAGE_NAMES = ("conv2", "conv3", "conv4", "conv5")
STAGE_FILTERS = (64, 128, 256, 512)


BLOCKS = ("bottleneck", "basic")


@dataclass(frozen=True)
class Variant:
    """One member of the family: its keras name, blocks per stage, whether it pre-activates (v2), its block.

    `block` is "bottleneck" (1x1-3x3-1x1, 4x expansion) or "basic" (two 3x3 convolutions). `keras_applications`
    says whether keras.applications has the same model, with official ImageNet weights.
    """

    name: str
    depths: tuple
    preact: bool
    block: str = "bottleneck"
    keras_applications: bool = True

    @property
    def weights_name(self):
        """The stem of the official weight file names, e.g. "resnet50v2"."""
        return self.name

    @property
    def convs_per_block(self):
        """Convolutions on a block's residual branch: 3 in a bottleneck, 2 in a basic block."""
        return 3 if self.block == "bottleneck" else 2

    @property
    def depth(self):
        """Weighted layers on the main path, the number in the name: conv1, every block's convolutions, the dense layer."""
        return 1 + self.convs_per_block * sum(self.depths) + 1

    @property
    def output_channels(self):
        """Channels of the last stage's output: 4 x 512 after bottlenecks, 512 after basic blocks."""
        return STAGE_FILTERS[-1] * (4 if self.block == "bottleneck" else 1)


FAMILY = {
    "ResNet18": Variant("resnet18", (2, 2, 2, 2), preact=False, block="basic", keras_applications=False),
    "ResNet34": Variant("resnet34", (3, 4, 6, 3), preact=False, block="basic", keras_applications=False),
    "ResNet50": Variant("resnet50", (3, 4, 6, 3), preact=False),
    "ResNet101": Variant("resnet101", (3, 4, 23, 3), preact=False),
    "ResNet152": Variant("resnet152", (3, 8, 36, 3), preact=False),
    "ResNet50V2": Variant("resnet50v2", (3, 4, 6, 3), preact=True),
    "ResNet101V2": Variant("resnet101v2", (3, 4, 23, 3), preact=True),
    "ResNet152V2": Variant("resnet152v2", (3, 8, 36, 3), preact=True),
}
# The six that keras.applications has (same arguments, layer names and official ImageNet weights).
KERAS_VARIANTS = tuple(name for name, variant in FAMILY.items() if variant.keras_applications)


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
