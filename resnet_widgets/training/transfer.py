"""A transfer model in one call: raw pixels in, the variant's preprocessing, a frozen base, a new head.

    model = build_transfer_model("ResNet50", num_classes=5, image_size=224)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])

The layers, in order: `images` (raw pixels, [0, 255]) -> `augmentation` (random flips, rotations, zooms;
active in training only) -> `preprocessing` (caffe for v1, tf for v2) -> the base, frozen and called with
`training=False` -> `avg_pool` -> `head_dropout` -> `predictions` (softmax, float32 even under mixed precision).

`training=False` matters for fine-tuning later: it keeps every BatchNormalization of the base in inference
mode (its ImageNet statistics) even when `unfreeze` makes the layers around it trainable again. Without it,
BN normalises each small batch by its own statistics in training and by the moving averages at validation,
and validation accuracy collapses (keras-team/keras issues 9214 and 8065, tensorflow 51790).
"""

from __future__ import annotations

import keras
from keras import layers

from .. import arguments
from ..data import augmentation_layers
from ..models import FAMILY, build_resnet
from .preprocessing import MODES, ImagePreprocessing, preprocessing_mode

DEFAULT_IMAGE_SIZE = 224
PREPROCESSING_CHOICES = ("auto", *MODES, None)


def base_preprocessing_mode(base):
    """The preprocessing a base model built from the course's blocks expects, read from its layer names.

    v2 (pre-activation) layers carry `_preact_bn` in their names and want "tf"; v1 ResNets (conv1_conv,
    convN_blockM_*) and the course ResNet want "caffe". Returns None when the names say neither.
    """
    names = [layer.name for layer in _all_layers(base)]
    if any(name.endswith("_preact_bn") for name in names):
        return "tf"
    if "conv1_conv" in names or any(arguments.RESNET_BLOCK_NAME.match(name) for name in names):
        return "caffe"
    return None


def _all_layers(model):
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)


def _base_model(variant, weights, image_size):
    if isinstance(variant, keras.Model):
        if variant.layers and variant.layers[-1].name == "predictions":  # a whole classifier: keep its features
            cut = variant.get_layer("avg_pool") if "avg_pool" in [l.name for l in variant.layers] else variant.layers[-2]
            return keras.Model(variant.input, cut.output, name=variant.name)
        return variant
    if isinstance(variant, str) or variant is None:
        arguments.choice("variant", variant, tuple(FAMILY), "a ResNet of resnet_widgets.models, or your own base model")
    else:
        raise TypeError(
            f"variant must be one of {', '.join(repr(v) for v in FAMILY)} or a keras.Model (your own base); "
            f"received an object of type {type(variant).__name__}"
        )
    return build_resnet(variant, include_top=False, weights=weights, input_shape=(*image_size, 3),
                        name=FAMILY[variant].name)


def _resolve_image_size(variant, image_size):
    if isinstance(variant, keras.Model):
        fixed = tuple(variant.input_shape[1:3])
        if image_size is None:
            if None in fixed:
                return (DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE)
            return arguments.image_size("image_size", fixed)
        size = arguments.image_size("image_size", image_size)
        if None not in fixed and size != fixed:
            raise ValueError(
                f"image_size must be {fixed} (the input size of the base model given as variant); "
                f"received image_size={image_size!r}"
            )
        return size
    return arguments.image_size("image_size", DEFAULT_IMAGE_SIZE if image_size is None else image_size)


def build_transfer_model(variant, num_classes, image_size=None, weights="imagenet", dropout=0.2, augment=True,
                         preprocessing="auto", seed=None, name=None):
    """A classifier for your own classes on top of a pretrained ResNet, ready to compile.

    Args:
        variant: a name in resnet_widgets.models.FAMILY ("ResNet50", ..., "ResNet152V2"), or a keras.Model
            to use as the base (one you built in notebooks 02 to 06, or `course_resnet(include_top=False)`);
            a base given this way keeps the weights it has, and `weights` is not used.
        num_classes: classes of the new head, at least 2.
        image_size: an int or (height, width), at least 32 px a side. None: the base model's own input size,
            else 224.
        weights: for a named variant: "imagenet" (the official weights, downloaded once), None (random), or
            the path to a weights file.
        dropout: rate of the dropout before the new head, in [0, 1); 0 leaves it out.
        augment: True (random flip, rotation and zoom, `resnet_widgets.data.augmentation_layers`), False,
            or your own Keras layer. Augmentation is active in training only.
        preprocessing: "auto" (the variant's own: "caffe" for v1 and the course ResNet, "tf" for v2), "caffe",
            "tf", or None when the base does its own.
        seed: int seed of the augmentation, or None.
        name: the model's name (default "transfer_<base name>").

    Returns:
        A functional keras.Model from raw pixels (N, height, width, 3) in [0, 255] to class probabilities.
        Its base is frozen (`trainable=False`) and is `model.get_layer(<base name>)`.

    Raises:
        ValueError: an unknown variant (the message lists FAMILY's names), num_classes < 2, an image size
            under 32 px, a dropout outside [0, 1), an unknown preprocessing, an image size that differs from
            a given base's, or preprocessing="auto" with a base whose layer names say nothing.
        TypeError: arguments of the wrong kind.
        WeightsUnavailableError: weights="imagenet" could not be found or downloaded.
    """
    num_classes = arguments.whole_number("num_classes", num_classes, minimum=2, meaning="classes of the new head")
    size = _resolve_image_size(variant, image_size)
    dropout = arguments.real_number("dropout", dropout, minimum=0.0, maximum=1.0, open_maximum=True)
    arguments.choice("preprocessing", preprocessing, PREPROCESSING_CHOICES)
    if seed is not None:
        seed = arguments.whole_number("seed", seed, minimum=0)
    if not (isinstance(augment, (bool, keras.layers.Layer))):
        raise TypeError(f"augment must be True, False or a Keras layer; received {augment!r}")

    base = _base_model(variant, weights, size)
    if preprocessing == "auto":
        if isinstance(variant, keras.Model):
            preprocessing = base_preprocessing_mode(base)
            if preprocessing is None:
                raise ValueError(
                    f"preprocessing must be one of 'caffe', 'tf' or None for the base {base.name!r}: its layer names "
                    "do not say which ResNet it is; received preprocessing='auto'"
                )
        else:
            preprocessing = preprocessing_mode(variant)
    base.trainable = False

    inputs = keras.Input((*size, 3), name="images")
    x = inputs
    if augment is True:
        x = augmentation_layers(seed=seed)(x)
    elif isinstance(augment, keras.layers.Layer):
        x = augment(x)
    if preprocessing is not None:
        x = ImagePreprocessing(preprocessing, name="preprocessing")(x)
    # training=False: the base's BatchNormalization stays in inference mode, also after unfreeze().
    x = base(x, training=False)
    if len(x.shape) == 4:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout:
        x = layers.Dropout(dropout, seed=seed, name="head_dropout")(x)
    # float32 under mixed precision too: a softmax in bfloat16 rounds small probabilities to 0.
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name or f"transfer_{base.name}")
