"""What a ResNet costs, by formula: parameters and multiply-adds from the FAMILY table alone.

Every count follows the layers in blocks.py and family.py, one term per layer, so it agrees exactly with
`model.count_params()` and with `resnet_widgets.diagram.model_graph(model)["macs"]`. In closed form, for a
bottleneck of width f (output 4f channels), input channels c, and an output feature map of side s:

    v1 identity block        17 f² + 30 f parameters             17 f² s² multiply-adds
    v1 convolutional block   13 f² + 5 c f + 50 f                (13 f² + 5 c f) s²
    v2 block                 17 f² + 28 f                        17 f² s² (stride 1)
    v2 first block of stage  13 f² + 5 c f + 4 c + 16 f          (13 f² + 5 c f) s²
    basic block (identity)   18 f² + 8 f                         18 f² s²
    basic block, projection  9 c f + 9 f² + c f + 12 f           (9 c f + 9 f² + c f) s²

Conventions (those of the ResNet paper's "FLOPs" and of model_graph):
- parameters are all weights, trainable or not: BatchNormalization holds 4 per channel (gamma, beta and
  the two moving statistics), as `model.count_params()` counts them;
- `macs` are the multiply-adds of convolutions and dense layers for one image; `bn_macs` adds one per
  BatchNormalization output element (at inference a BN is one multiply-add per value), which model_graph
  includes in its total. Biases, ReLU, padding, pooling and additions count as zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import arguments
from ..arguments import MIN_IMAGE_SIZE as MIN_INPUT_SIZE  # keras.applications' ResNets refuse smaller images
from .blocks import EXPANSION
from .family import FAMILY, STAGE_FILTERS, STAGE_NAMES, Variant

STEM_FILTERS = 64


@dataclass(frozen=True)
class Cost:
    """What a layer, block, stage or network costs for one image.

    Attributes:
        params: weights, trainable and not (what `count_params()` counts).
        macs: multiply-adds of the convolutions and dense layers (the paper's "FLOPs").
        bn_macs: multiply-adds of BatchNormalization at inference, one per output element.
    """

    params: int = 0
    macs: int = 0
    bn_macs: int = 0

    @property
    def total_macs(self) -> int:
        """Convolutions, dense layers and BatchNormalization together: model_graph's `macs`."""
        return self.macs + self.bn_macs

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.params + other.params, self.macs + other.macs, self.bn_macs + other.bn_macs)


def conv(kernel, c_in, c_out, side_out, bias=True) -> Cost:
    """A square k x k convolution: k² c_in c_out weights (+ c_out biases), as many multiply-adds per position."""
    weights = kernel * kernel * c_in * c_out
    return Cost(params=weights + (c_out if bias else 0), macs=weights * side_out * side_out)


def batch_norm(channels, side) -> Cost:
    """BatchNormalization: gamma, beta, moving mean and moving variance per channel."""
    return Cost(params=4 * channels, bn_macs=channels * side * side)


def halved(side) -> int:
    """Side of a feature map after a stride-2 layer here (padded 7x7 or 3x3, or 1x1): ceil(side / 2)."""
    return (side + 1) // 2


def bottleneck_cost(channels_in, filters, side_in, stride=1, projection=False, preact=False) -> Cost:
    """One bottleneck block, as blocks.py builds it.

    Args:
        channels_in: channels of the block's input (c).
        filters: width of the bottleneck (f); the block outputs 4 f channels.
        side_in: height (= width) of the input feature map.
        stride: 1 or 2. v1 puts it on the first 1x1 convolution (and the projection), v2 on the 3x3
            convolution (and a weightless 1x1 max pool on the shortcut).
        projection: True for a 1x1 convolution on the shortcut (v1's convolutional block, v2's first block
            of a stage), False for an identity shortcut.
        preact: False for v1 (post-activation), True for v2 (pre-activation).

    Returns:
        A Cost.

    Raises:
        TypeError: a count that is not an integer.
        ValueError: a count below 1, or a stride other than 1 or 2.
    """
    for name, value in (("channels_in", channels_in), ("filters", filters), ("side_in", side_in)):
        arguments.positive_int(name, value)
    arguments.choice("stride", stride, (1, 2))
    side_out = halved(side_in) if stride == 2 else side_in
    c, f, out = channels_in, filters, EXPANSION * filters
    if not preact:  # every convolution at the output side: the stride sits in the first 1x1
        cost = conv(1, c, f, side_out) + batch_norm(f, side_out)
        cost += conv(3, f, f, side_out) + batch_norm(f, side_out)
        cost += conv(1, f, out, side_out) + batch_norm(out, side_out)
        if projection:
            cost += conv(1, c, out, side_out) + batch_norm(out, side_out)
        return cost
    cost = batch_norm(c, side_in)  # the pre-activation, shared by both paths
    cost += conv(1, c, f, side_in, bias=False) + batch_norm(f, side_in)
    cost += conv(3, f, f, side_out, bias=False) + batch_norm(f, side_out)
    cost += conv(1, f, out, side_out)  # no BN after the last convolution: the sum stays untouched
    if projection:
        cost += conv(1, c, out, side_out)
    return cost


def basic_block_cost(channels_in, filters, side_in, stride=1, projection=False) -> Cost:
    """One basic block (two 3x3 convolutions without bias, each followed by BN), as blocks.basic_block builds it.

    Args:
        channels_in: channels of the block's input (c).
        filters: channels of both convolutions and of the output (f).
        side_in: height (= width) of the input feature map.
        stride: 1 or 2, on the first 3x3 convolution (and the projection).
        projection: True for option B's 1x1 convolution + BN on the shortcut; False for an identity (or option
            A's zero-padded identity, which has no parameters).

    Returns:
        A Cost.

    Raises:
        TypeError: a count that is not an integer.
        ValueError: a count below 1, or a stride other than 1 or 2.
    """
    for name, value in (("channels_in", channels_in), ("filters", filters), ("side_in", side_in)):
        arguments.positive_int(name, value)
    arguments.choice("stride", stride, (1, 2))
    side_out = halved(side_in) if stride == 2 else side_in
    cost = conv(3, channels_in, filters, side_out, bias=False) + batch_norm(filters, side_out)
    cost += conv(3, filters, filters, side_out, bias=False) + batch_norm(filters, side_out)
    if projection:
        cost += conv(1, channels_in, filters, side_out, bias=False) + batch_norm(filters, side_out)
    return cost


def stem_cost(input_size=224, preact=False) -> Cost:
    """conv1 (7x7, 64, stride 2, with bias) + BN (v1 only) + the weightless 3x3 max pool."""
    _check_input_size(input_size)
    side = halved(input_size)
    cost = conv(7, 3, STEM_FILTERS, side)
    return cost if preact else cost + batch_norm(STEM_FILTERS, side)


def head_cost(side, classes=1000, preact=False, features=EXPANSION * STAGE_FILTERS[-1]) -> Cost:
    """What follows the last block: v2's post_bn (on a side x side map), global pooling, one dense layer.

    `features` is the channels the last stage outputs: 2048 after bottlenecks, 512 after basic blocks.
    """
    arguments.positive_int("side", side)
    arguments.positive_int("classes", classes)
    arguments.positive_int("features", features)
    dense = Cost(params=features * classes + classes, macs=features * classes)
    return dense + batch_norm(features, side) if preact else dense


def cost_breakdown(variant, input_size=224, classes=1000) -> dict:
    """Cost of each part of a variant with its top: {"stem", "conv2", ..., "conv5", "head"} -> Cost.

    Args:
        variant: a key of FAMILY ("ResNet18", ..., "ResNet152V2") or a Variant.
        input_size: side of the square input image in pixels (at least 32).
        classes: outputs of the dense layer.

    Returns:
        A dict of Costs in network order; their sum is `variant_cost(...)`.

    Raises:
        TypeError: input_size or classes not an integer.
        ValueError: an unknown variant, an input_size below 32, classes below 1.
    """
    spec = _variant(variant)
    _check_input_size(input_size)
    parts = {"stem": stem_cost(input_size, spec.preact)}
    side, channels = halved(halved(input_size)), STEM_FILTERS  # after conv1 and pool1
    for index, (name, filters, blocks) in enumerate(zip(STAGE_NAMES, STAGE_FILTERS, spec.depths)):
        stage = Cost()
        for block in range(1, blocks + 1):
            if spec.preact:  # downsampling in the last block of conv2..conv4 (keras.applications, TF-slim)
                stride = 2 if block == blocks and name != STAGE_NAMES[-1] else 1
            else:  # downsampling in the first block of conv3..conv5 (the paper)
                stride = 2 if block == 1 and index > 0 else 1
            if spec.block == "basic":  # a projection only where the shape changes (not in conv2, 64 -> 64)
                stage += basic_block_cost(channels, filters, side, stride, projection=channels != filters or stride > 1)
                channels = filters
            else:
                stage += bottleneck_cost(channels, filters, side, stride, projection=block == 1, preact=spec.preact)
                channels = EXPANSION * filters
            side = halved(side) if stride == 2 else side
        parts[name] = stage
    parts["head"] = head_cost(side, classes, spec.preact, features=spec.output_channels)
    return parts


def variant_cost(variant, input_size=224, classes=1000) -> Cost:
    """The whole network with its top; see cost_breakdown for the arguments and errors."""
    total = Cost()
    for part in cost_breakdown(variant, input_size, classes).values():
        total += part
    return total


def _variant(variant) -> Variant:
    if isinstance(variant, Variant):
        return variant
    if isinstance(variant, str) and variant in FAMILY:
        return FAMILY[variant]
    raise ValueError(f"variant must be one of {', '.join(FAMILY)} (or a Variant); received {variant!r}")


def _check_input_size(input_size):
    arguments.whole_number("input_size", input_size, minimum=MIN_INPUT_SIZE, meaning="pixels")
