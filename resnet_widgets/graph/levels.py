"""Which layers are a ResNet's stage outputs C2..C5: the features detection and segmentation heads use.

C_k is the output of stage conv_k, taken from its last residual block: the naming of the FPN paper
(Lin et al. 2017, arXiv 1612.03144, section 3), where C2..C5 of an ImageNet ResNet have strides 4, 8, 16
and 32 with respect to the input. keras-hub's `pyramid_outputs` use the keys P2..P5 for the same strides.

    variant        C2                 C3                 C4                  C5
    ResNet18       conv2_block2_out   conv3_block2_out   conv4_block2_out    conv5_block2_out
    ResNet34       conv2_block3_out   conv3_block4_out   conv4_block6_out    conv5_block3_out
    ResNet50       conv2_block3_out   conv3_block4_out   conv4_block6_out    conv5_block3_out
    ResNet101      conv2_block3_out   conv3_block4_out   conv4_block23_out   conv5_block3_out
    ResNet152      conv2_block3_out   conv3_block8_out   conv4_block36_out   conv5_block3_out
    ResNet50V2     conv2_block3_preact_relu   conv3_block4_preact_relu   conv4_block6_preact_relu    post_relu
    (V2 101/152: the same pattern, with the last block of each stage: conv3_block8, conv4_block23/36)

The V2 detail. keras.applications' V2 (like TF-slim's resnet_v2) downsamples in the *last* block of a
stage, so `conv2_block3_out` is already at stride 8. And a V2 block ends with its addition: its output is
not normalised or activated; the next block's `_preact_bn` / `_preact_relu` do that, and for the last
block `post_bn` / `post_relu`. So the activated stride-4 feature map of ResNet50V2 is
`conv2_block3_preact_relu`: the pre-activation (BN + ReLU) of `conv2_block2_out`, computed by the block
that is about to downsample. C5 is `post_relu`. (keras-hub's V2 puts the stride in the first block and
gives the raw sums as P2..P4; same strides and channels, not activated.)

The rule that gives all of the above, and also fits ResNet18/34 and the course's small ResNet: C_k is
the last of the candidate layers (the block outputs `convK_blockN_out`, the pre-activations
`convK_blockN_preact_relu`, and `post_relu` for the last stage) that stage K, or the pre-activation that
opens stage K+1, computes at the resolution of `convK_block1_out`. Resolutions are read from the shapes
at a probe input size, not from the names, so a stride moved to another block cannot fool it.

Strides 4, 8, 16, 32 hold for the ImageNet layout (7x7/2 stem and max pool). The course's own ResNet
(`resnet_widgets.training.course_resnet`) has the CIFAR stem of the paper's section 4.2, without either
downsampling: its C2..C5 sit at strides 1, 2, 4, 8 of its 32 px input.
"""

from __future__ import annotations

from ..arguments import RESNET_BLOCK_NAME

LEVELS = ("C2", "C3", "C4", "C5")
STRIDES = {"C2": 4, "C3": 8, "C4": 16, "C5": 32}
# keras_hub.models.ResNetBackbone(...).pyramid_outputs uses these keys for the same strides.
PYRAMID_KEYS = {"C2": "P2", "C3": "P3", "C4": "P4", "C5": "P5"}


def is_stage_candidate(name: str) -> bool:
    """True for the layers that can be a stage output: convK_blockN_out, convK_blockN_preact_relu, post_relu."""
    if name == "post_relu":
        return True
    match = RESNET_BLOCK_NAME.match(name)
    return bool(match) and match.group(3) in ("out", "preact_relu")


def find_levels(order, shapes) -> dict:
    """The stage outputs of a network, from its layer names (in computation order) and output shapes.

    Args:
        order: layer names in the order the network computes them (`Unfolded.order`).
        shapes: layer name -> output shape `(batch, height, width, channels)` with concrete height and
            width (unfold at a probe size).

    Returns:
        {"C2": layer name, "C3": ..., ...} for the stages conv2..conv5 that the network has, in that
        order. Empty when the network has no ResNet-named blocks.
    """
    candidates = [n for n in order if is_stage_candidate(n) and len(shapes.get(n, ())) == 4]
    stages = [level for level in LEVELS if f"conv{level[1]}_block1_out" in shapes]
    levels = {}
    for level in stages:
        k = int(level[1])
        side = shapes[f"conv{k}_block1_out"][1:3]

        def belongs(name):
            if name == "post_relu":
                return level == stages[-1]
            stage, rest = RESNET_BLOCK_NAME.match(name).group(1, 3)
            return stage == f"conv{k}" or (stage == f"conv{k + 1}" and rest == "preact_relu")

        at_side = [n for n in candidates if shapes[n][1:3] == side and belongs(n)]
        if at_side:
            levels[level] = at_side[-1]
    return levels


def last_stage_output(order, shapes) -> str | None:
    """The layer Grad-CAM uses by default: the deepest stage output (conv5_block3_out, or post_relu in V2).

    Falls back to the last layer with a 4-D output when the network has no ResNet names (any CNN), and
    returns None when it has none at all.
    """
    levels = find_levels(order, shapes)
    if levels:
        return levels[list(levels)[-1]]
    spatial = [n for n in order if len(shapes.get(n, ())) == 4]
    return spatial[-1] if spatial else None
