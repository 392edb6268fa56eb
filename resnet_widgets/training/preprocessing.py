"""Each variant's own ImageNet preprocessing, as a Keras layer that goes inside the model.

ResNet v1 (ResNet50/101/152, and the course ResNet) was trained on images in caffe mode: RGB turned to BGR,
minus the ImageNet mean of each channel, no scaling. ResNet v2 was trained in tf mode: pixels scaled to
[-1, 1]. Feed a v1 network tf-mode images, or [0, 1] floats, and it still runs, with no error, and gets
most images wrong (keras-team/keras issue 10279: a cat comes out as a "lampshade"). With the preprocessing
inside the model, raw pixels in [0, 255] (uint8 or float) go in, and nobody has to remember which mode.

The layer computes exactly what keras.applications.imagenet_utils.preprocess_input computes, with
keras.ops, so it runs on any backend and on the accelerator.
"""

from __future__ import annotations

import keras
from keras import ops

from .. import arguments
from ..models import FAMILY

MODES = ("caffe", "tf")
# keras.applications.imagenet_utils: the ImageNet channel means, in BGR order (caffe mode).
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
# What each mode turns pixels in [0, 255] into: the range the network saw in training.
EXPECTED_RANGE = {"caffe": (-123.68, 151.061), "tf": (-1.0, 1.0), "raw": (0.0, 255.0)}


def preprocessing_mode(variant):
    """"caffe" for the v1 variants, "tf" for the v2 variants (the mode their ImageNet weights expect).

    Raises:
        ValueError: `variant` is not a name in resnet_widgets.models.FAMILY.
    """
    arguments.choice("variant", variant, tuple(FAMILY))
    return "tf" if FAMILY[variant].preact else "caffe"


@keras.saving.register_keras_serializable(package="resnet_widgets")
class ImagePreprocessing(keras.layers.Layer):
    """Raw pixels in [0, 255] -> what a pretrained ResNet expects ("caffe" or "tf" mode).

    Args:
        mode: "caffe" (v1: RGB -> BGR, minus the ImageNet channel means) or "tf" (v2: x / 127.5 - 1).

    Raises:
        ValueError: an unknown mode (the message lists MODES).
    """

    def __init__(self, mode="caffe", **kwargs):
        super().__init__(**kwargs)
        self.mode = arguments.choice("mode", mode, MODES, "the variant's ImageNet preprocessing")

    def call(self, images):
        x = ops.cast(images, self.compute_dtype)
        if self.mode == "tf":
            return x / 127.5 - 1.0
        bgr = ops.flip(x, axis=-1)
        return bgr - ops.convert_to_tensor(CAFFE_MEAN_BGR, dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
