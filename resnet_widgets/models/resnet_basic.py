"""ResNet18 and ResNet34: the basic-block members of the family (He et al. 2015, Table 1).

They take keras.applications' arguments and follow its naming scheme (`conv3_block1_1_conv`, ...), but
keras.applications has no such models, so there are no official Keras ImageNet weights: `weights="imagenet"`
raises a ValueError that says so. Train them yourself, or load a weights file of your own with `weights=path`.
Without official weights there is no fixed preprocessing either: use whatever your own weights were trained with.
"""

from .builder import build_resnet


def ResNet18(include_top=True, weights=None, input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="resnet18"):
    """ResNet18: stages of 2-2-2-2 basic blocks (two 3x3 convolutions each), 11,699,176 parameters with the top.

    The same arguments as the other variants (see `build_resnet`), except that `weights` defaults to None:
    "imagenet" is refused, since keras.applications publishes no weights for it.
    """
    return build_resnet("ResNet18", include_top, weights, input_tensor, input_shape, pooling, classes,
                        classifier_activation, name)


def ResNet34(include_top=True, weights=None, input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="resnet34"):
    """ResNet34: stages of 3-4-6-3 basic blocks, 21,814,760 parameters with the top (see ResNet18)."""
    return build_resnet("ResNet34", include_top, weights, input_tensor, input_shape, pooling, classes,
                        classifier_activation, name)
