"""The course's own small ResNet, pretrained by the course on five Fashion-MNIST classes.

Lab 07 transfers it to the other five classes; lab 08 fine-tunes it; lab 09 looks inside it (Grad-CAM).
It is built from the course's `basic_block` and named like keras.applications' ResNets (`conv1_conv`,
`conv2_block1_1_conv`, ..., every block's output `convN_blockM_out`), so everything that finds layers by
name (the diagram, `unfreeze`, `diagnose`, Grad-CAM) works on it as on ResNet50.

The weights were made by `scripts/pretrain_course_resnet.py` (the recipe is `resnet_lab.pretraining.RECIPE`) and ship
inside the package, next to a record of their sha256, the recipe and the accuracy they reached.
"""

from __future__ import annotations

import json
from pathlib import Path

import keras
from keras import layers

from .. import arguments
from ..io import file_digest
from ..models import basic_block

# Fashion-MNIST labels 0-4: the pretraining half. Lab 07 transfers to labels 5-9 (Sandal, Shirt, Sneaker,
# Bag, Ankle boot), which the network has never seen.
COURSE_RESNET_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat")
COURSE_RESNET_IMAGE_SIZE = 32
STAGE_NAMES = ("conv2", "conv3", "conv4", "conv5")
STAGE_WIDTHS = (16, 32, 64, 128)  # a quarter of ResNet18's 64-128-256-512
BLOCKS_PER_STAGE = (2, 2, 2, 2)  # ResNet18's layout (He et al. 2015, Table 1)

PRETRAINED_DIR = Path(__file__).with_name("pretrained")
WEIGHTS_FILE = PRETRAINED_DIR / "course_resnet_fashion5.weights.h5"
RECORD_FILE = PRETRAINED_DIR / "course_resnet_fashion5.json"


class PretrainedWeightsError(RuntimeError):
    """The committed weights file is missing or does not match its recorded sha256."""


def course_resnet_architecture(num_classes=5, include_top=True, name="course_resnet"):
    """The course ResNet with fresh (random) weights.

    Layout: a 3x3 stem of 16 filters at full resolution (the CIFAR stem of He et al. 2015, section 4.2: at
    32 px a 7x7/2 convolution and a max pool would leave too little to work on), then four stages of two
    basic blocks with 16, 32, 64, 128 filters on 32, 16, 8, 4 px maps (projection shortcuts, option B,
    where the shape changes), global average pooling and one dense layer.

    Args:
        num_classes: outputs of the dense head (with include_top).
        include_top: False ends at `conv5_block2_out`, a (4, 4, 128) feature map.
        name: the model's name.

    Returns:
        A functional keras.Model taking (32, 32, 3) images preprocessed in caffe mode.
    """
    num_classes = arguments.whole_number("num_classes", num_classes, minimum=2, meaning="outputs of the head")
    inputs = keras.Input((COURSE_RESNET_IMAGE_SIZE, COURSE_RESNET_IMAGE_SIZE, 3), name="course_resnet_input")
    x = layers.Conv2D(STAGE_WIDTHS[0], 3, padding="same", use_bias=False, kernel_initializer="he_normal",
                      name="conv1_conv")(inputs)
    x = layers.BatchNormalization(epsilon=1.001e-5, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    for stage, (stage_name, width, blocks) in enumerate(zip(STAGE_NAMES, STAGE_WIDTHS, BLOCKS_PER_STAGE)):
        for block in range(1, blocks + 1):
            stride = 2 if stage > 0 and block == 1 else 1
            x = basic_block(x, width, stride=stride, shortcut="projection", name=f"{stage_name}_block{block}")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, x, name=name)


def pretrained_record():
    """The record that came with the committed weights (sha256, recipe, data, measured accuracy), as a dict."""
    return json.loads(RECORD_FILE.read_text())


def verify_pretrained_weights(path=WEIGHTS_FILE, record=None):
    """Return `path` when the file's sha256 equals the recorded one.

    Raises:
        PretrainedWeightsError: the file is missing or its sha256 differs (a damaged or replaced file is
            never loaded).
    """
    record = record or pretrained_record()
    path = Path(path)
    if not path.is_file():
        raise PretrainedWeightsError(
            f"the course ResNet's weights are missing: {path} (they ship with the package; reinstall it, or "
            "remake them with scripts/pretrain_course_resnet.py)"
        )
    found = file_digest(path, "sha256")
    if found != record["sha256"]:
        raise PretrainedWeightsError(
            f"the course ResNet's weights {path} have sha256 {found}, but {RECORD_FILE.name} records "
            f"{record['sha256']}: the file is damaged or was replaced. Reinstall the package, or remake the "
            "weights and their record with scripts/pretrain_course_resnet.py"
        )
    return path


def course_resnet(pretrained=True, include_top=True):
    """The course's small ResNet, pretrained by the course on five Fashion-MNIST classes.

    - **Classes** (with the top): 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat
      (`COURSE_RESNET_CLASSES`, Fashion-MNIST's labels 0-4). Labels 5-9 were never seen: they are what
      lab 07 transfers to.
    - **Input**: 32x32 RGB, preprocessed in **caffe mode** exactly like ResNet50's:
      `resnet_widgets.models.resnet.preprocess_input(images)` on pixels in [0, 255] (RGB -> BGR, minus the
      ImageNet channel means). Fashion-MNIST's 28x28 gray images are resized to 32x32 and copied into three
      channels, as `load_dataset("fashion_mnist", image_size=32)` does. `build_transfer_model` puts this
      preprocessing inside the model for you.
    - **Layers**: stem `conv1_*`, stages `conv2` to `conv5` of two basic blocks each (16, 32, 64, 128
      filters on 32, 16, 8, 4 px), block outputs `conv2_block1_out` ... `conv5_block2_out`, then `avg_pool`
      and `predictions` (softmax). About 0.7 M parameters.
    - **Training** (`scripts/pretrain_course_resnet.py`, recipe `resnet_lab.pretraining.RECIPE`):
      the committed Fashion-MNIST subset's 2,500 training images of those five classes (500 each), with
      random horizontal flips and shifts, SGD with momentum 0.9, weight decay and a cosine learning-rate
      decay, seeded. The accuracy it reached on the subset's 500 validation images is in
      `pretrained_record()["validation_accuracy"]` (lab 07 prints it).

    Args:
        pretrained: True loads the committed weights (checked against their sha256 first); False gives
            the same network with random weights.
        include_top: False drops `avg_pool` and `predictions`: the model ends at `conv5_block2_out`
            (a 4x4x128 feature map), ready for a new head.

    Returns:
        A functional keras.Model named "course_resnet".

    Raises:
        TypeError: `pretrained` or `include_top` is not a bool.
        PretrainedWeightsError: the weights file is missing or fails its sha256 check.
    """
    pretrained = arguments.boolean("pretrained", pretrained)
    include_top = arguments.boolean("include_top", include_top)
    model = course_resnet_architecture(num_classes=len(COURSE_RESNET_CLASSES), include_top=True)
    if pretrained:
        model.load_weights(verify_pretrained_weights())
    if include_top:
        return model
    return keras.Model(model.input, model.get_layer("conv5_block2_out").output, name="course_resnet")
