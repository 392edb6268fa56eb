"""The ResNet family as Keras models, layer for layer compatible with keras.applications.

    from resnet_widgets.models import ResNet50, basic_block, identity_block, conv_block, preact_block

The six variants take keras.applications' arguments and give every layer keras' name, so the
official ImageNet weights load as they are. `resnet.preprocess_input` (v1, caffe mode) and
`resnet_v2.preprocess_input` (v2, tf mode) prepare images for them.
"""

from . import resnet, resnet_v2
from .blocks import basic_block, conv_block, identity_block, preact_block
from .builder import build_resnet
from .family import FAMILY, STAGE_FILTERS, STAGE_NAMES, Variant
from .resnet import ResNet50, ResNet101, ResNet152
from .resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from .weights import WeightsUnavailableError

__all__ = [
    "FAMILY", "STAGE_FILTERS", "STAGE_NAMES", "Variant", "WeightsUnavailableError",
    "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2",
    "basic_block", "build_resnet", "conv_block", "identity_block", "preact_block", "resnet", "resnet_v2",
]
