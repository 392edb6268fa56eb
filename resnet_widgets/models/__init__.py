"""The ResNet family as Keras models, layer for layer compatible with keras.applications.

    from resnet_widgets.models import ResNet50, basic_block, identity_block, conv_block, preact_block

The six variants of keras.applications (KERAS_VARIANTS) take its arguments and give every layer keras'
name, so the official ImageNet weights load as they are. ResNet18 and ResNet34 (basic blocks, He et al. 2015,
Table 1) take the same arguments and follow the same naming scheme; keras.applications has no weights for
them, so weights="imagenet" is refused there. `cifar_resnet` is the paper's CIFAR-10 layout (6n + 2 layers of
basic blocks) for 28x28 images, and with block="plain" its twin without shortcuts (`plain_block`). `resnet.preprocess_input` (v1, caffe mode) and
`resnet_v2.preprocess_input` (v2, tf mode) prepare images for them.
"""

from . import resnet, resnet_basic, resnet_v2
from .blocks import basic_block, conv_block, identity_block, plain_block, preact_block
from .builder import build_resnet
from .cifar_resnet import cifar_resnet
from .family import FAMILY, KERAS_VARIANTS, STAGE_FILTERS, STAGE_NAMES, Variant
from .resnet import ResNet50, ResNet101, ResNet152
from .resnet_basic import ResNet18, ResNet34
from .resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from .weights import WeightsUnavailableError

__all__ = [
    "FAMILY", "KERAS_VARIANTS", "STAGE_FILTERS", "STAGE_NAMES", "Variant", "WeightsUnavailableError",
    "ResNet18", "ResNet34", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2",
    "basic_block", "build_resnet", "cifar_resnet", "conv_block", "identity_block", "plain_block", "preact_block",
    "resnet", "resnet_basic", "resnet_v2",
]
