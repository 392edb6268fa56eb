"""What differs between families of residual blocks, for the rules and messages of the exercise checks.

`BlockKind` holds the names of a family's convolutions, its expansion, whether official weight files bind to
it and where its projection belongs, so one set of rules (rules.py) serves the basic block, the v1 bottleneck
and the v2 pre-activation block.
"""

import dataclasses
from dataclasses import dataclass

from ..models.blocks import EXPANSION


@dataclass(frozen=True)
class BlockKind:
    """What a family of residual blocks looks like, for the rules and messages that differ between families.

    Attributes:
        roles: how the course names the residual branch's convolutions, in order.
        expansion: output channels per `filters`.
        reference: whose layers the learner reproduces, as a message says it.
        official_weights: official weight files bind to the names, the biases and the BN settings, so every
            difference there is a problem; otherwise it is a note.
        stride_on: for the v1 bottleneck, where the stride sits ("1x1" or "3x3"), so v1.5 can be named.
        preact: v2 pre-activation: BN and ReLU before each convolution, nothing after the addition.
        projection_where: where a projection shortcut belongs, for a learner who put one elsewhere.
        projection_how: what the projection is, for a learner who left it out.
        placement_argument: the learner's function takes the stride's placement as its `stride_on` argument
            (notebook 03's exercise), so a stride in the wrong place means that argument was not followed.
        zero_pad: the shortcut is the paper's option A (He et al. 2015, sec. 3.3): x subsampled and padded with
            zero channels, no weights. Its values are checked by `blocks.option_a_problems`; the rules only name
            a shortcut that has weights.
    """

    roles: tuple
    expansion: int
    reference: str
    official_weights: bool
    stride_on: str = None
    preact: bool = False
    projection_where: str = ""
    projection_how: str = ""
    placement_argument: bool = False
    zero_pad: bool = False


def bottleneck(stride_on="1x1", placement_argument=False):
    return BlockKind(placement_argument=placement_argument,
        roles=("the first 1x1 convolution", "the 3x3 convolution", "the last 1x1 convolution"),
        expansion=EXPANSION, reference="keras.applications", official_weights=True, stride_on=stride_on,
        projection_where="A projection belongs in the convolutional block (notebook 03), where the shape changes.",
        projection_how="a 1x1 convolution with 4 * filters channels and the block's stride, then BN")


BASIC = BlockKind(
    roles=("the first 3x3 convolution", "the second 3x3 convolution"), expansion=1, reference="`basic_block`",
    official_weights=False,
    projection_where="Option B projects only where the shape changes (a stride of 2, or new channels); elsewhere "
                     "the shortcut is x itself (He et al. 2015, sec. 3.3).",
    projection_how="a 1x1 convolution with `filters` channels and the block's stride, then BN (option B)")

# The basic block called with shortcut="zero_pad" (notebook 01a's exercise): option A where the shape changes.
BASIC_A = dataclasses.replace(
    BASIC, zero_pad=True,
    projection_where="With shortcut='zero_pad' the shortcut is option A: it has no weights (He et al. 2015, sec. 3.3).")

PREACT = BlockKind(
    roles=("the first 1x1 convolution", "the 3x3 convolution", "the last 1x1 convolution"),
    expansion=EXPANSION, reference="keras.applications", official_weights=True, preact=True,
    projection_where="Only the first block of a stage (conv_shortcut=True) projects; elsewhere the shortcut is x, "
                     "subsampled by a 1x1 max pool when stride=2.",
    projection_how="a 1x1 convolution with 4 * filters channels and the block's stride, reading the pre-activated "
                   "input (no BN after it)")
