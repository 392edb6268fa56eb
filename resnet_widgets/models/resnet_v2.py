"""ResNet50V2, ResNet101V2 and ResNet152V2 (pre-activation), with keras.applications' signature,
names and weights.

Reference: He et al. 2016, "Identity Mappings in Deep Residual Networks", arXiv 1603.05027.
Inputs: `preprocess_input` here (tf mode: pixels scaled to [-1, 1]).
"""

from keras.applications import imagenet_utils

from .builder import build_resnet
from .weights import decode_imagenet_predictions


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
               classes=1000, classifier_activation="softmax", name="resnet50v2"):
    """ResNet50V2: stages of 3-4-6-3 pre-activation blocks, 25,613,800 parameters with the top."""
    return build_resnet("ResNet50V2", include_top, weights, input_tensor, input_shape, pooling, classes,
                        classifier_activation, name)


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet101v2"):
    """ResNet101V2: stages of 3-4-23-3 pre-activation blocks, 44,675,560 parameters with the top."""
    return build_resnet("ResNet101V2", include_top, weights, input_tensor, input_shape, pooling, classes,
                        classifier_activation, name)


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet152v2"):
    """ResNet152V2: stages of 3-8-36-3 pre-activation blocks, 60,380,648 parameters with the top."""
    return build_resnet("ResNet152V2", include_top, weights, input_tensor, input_shape, pooling, classes,
                        classifier_activation, name)


def preprocess_input(x, data_format=None):
    """ImageNet preprocessing for v2 ResNets (tf mode), identical to keras.applications.resnet_v2's:
    pixels in [0, 255] become x / 127.5 - 1, in [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction as (class id, name, score), as keras' own."""
    return decode_imagenet_predictions(preds, top)
