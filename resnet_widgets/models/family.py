"""The ResNet family as data: one table of stage depths, read by one builder (stages.py, builder.py).

This module needs no Keras: menus and argument checks read the variant names from FAMILY.

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

    def __post_init__(self):
        # A misspelt block would otherwise build a bottleneck network without a word (body() tests "basic").
        if self.block not in BLOCKS:
            raise ValueError(
                f"block must be one of {', '.join(map(repr, BLOCKS))}; received block={self.block!r}"
            )
        if self.block == "basic" and self.preact:
            raise ValueError("a pre-activation (v2) variant has bottleneck blocks; received block='basic', preact=True")

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
