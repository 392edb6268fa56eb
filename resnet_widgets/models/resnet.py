"""ResNet50, ResNet101 and ResNet152 (v1), with keras.applications' signature, names and weights.

Reference: He et al. 2015, "Deep Residual Learning for Image Recognition", arXiv 1512.03385.
Inputs: `preprocess_input` here (caffe mode: RGB -> BGR, minus the ImageNet channel means, no scaling).
"""

from keras.applications import imagenet_utils

from .builder import build_resnet
from .weights import decode_imagenet_predictions


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="resnet50"):
    """ResNet50: stages of 3-4-6-3 v1 bottleneck blocks, 25,636,712 parameters with the top.

    Same arguments and defaults as keras.applications.ResNet50; see `build_resnet` for each one.
    """
    return build_resnet("ResNet50", include_top, weights, input_tensor, input_shape, pooling, classes,
                        classifier_activation, name)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", name="resnet101"):
    """ResNet101: stages of 3-4-23-3 v1 bottleneck blocks, 44,707,176 parameters with the top."""
    return build_resnet("ResNet101", include_top, weights, input_tensor, input_shape, pooling, classes,
                        classifier_activation, name)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", name="resnet152"):
    """ResNet152: stages of 3-8-36-3 v1 bottleneck blocks, 60,419,944 parameters with the top."""
    return build_resnet("ResNet152", include_top, weights, input_tensor, input_shape, pooling, classes,
                        classifier_activation, name)


def preprocess_input(x, data_format=None):
    """ImageNet preprocessing for v1 ResNets (caffe mode), identical to keras.applications.resnet's.

    RGB images in [0, 255] become BGR with the ImageNet mean of each channel subtracted; no scaling.
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction as (class id, name, score), as keras' own."""
    return decode_imagenet_predictions(preds, top)
