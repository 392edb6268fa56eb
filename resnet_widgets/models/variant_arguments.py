"""Argument checks for the six variants: the same inputs accepted and refused as keras.applications,
with messages that name the argument and the allowed values, plus the checks keras leaves out (an unknown
`pooling`, which keras silently ignores; an `include_top` that is not a bool).

The general checks (whole numbers, numpy integers included; choices; the 32-pixel minimum) are the
package's one set in resnet_widgets.arguments; this module holds only what is particular to the family.
"""

import os

from keras import KerasTensor, activations, backend

from .. import arguments
from ..arguments import MIN_IMAGE_SIZE

POOLINGS = (None, "avg", "max")
DEFAULT_SIZE = 224


WEIGHTS_SUFFIXES = (".h5", ".keras")  # the official .h5 files, Keras 3's .weights.h5, a whole .keras model


def check_weights(weights):
    """Returns `weights` as None, "imagenet" or a path string.

    Raises:
        TypeError: not None, a string or a path (a number, a dict of arrays).
        ValueError: a string other than "imagenet" that is no existing file, or a file whose name does not end
            in .h5 or .keras (Keras cannot read weights from it).
    """
    if weights is None or (isinstance(weights, str) and weights == "imagenet"):
        return weights
    message = (
        "weights must be None (random initialisation), 'imagenet' (the official ImageNet weights, "
        "downloaded once into the Keras cache) or the path to an existing weights file (.h5, .weights.h5 or "
        f".keras); received weights={weights!r}"
    )
    if not isinstance(weights, (str, os.PathLike)):
        raise TypeError(message)
    if not os.path.isfile(weights) or not os.fspath(weights).endswith(WEIGHTS_SUFFIXES):
        raise ValueError(message)
    return os.fspath(weights)


def check_variant(variant, family):
    """Returns `variant` when it is a key of `family`; raises ValueError listing the variants otherwise."""
    return arguments.choice("variant", variant, tuple(family))


def check_include_top(include_top):
    """Returns `include_top` as a bool; raises TypeError for anything but True or False (numpy bools too)."""
    return arguments.boolean("include_top", include_top, "keep the ImageNet head")


def check_classes(classes, include_top, weights):
    """Returns `classes` as an int (numpy integers accepted); checked only with the top, as keras does.

    Raises:
        TypeError: not a whole number.
        ValueError: below 1, or not 1000 with ImageNet weights and the top.
    """
    if not include_top:
        return classes
    classes = arguments.positive_int("classes", classes, "outputs of the dense head")
    if weights == "imagenet" and classes != 1000:
        raise ValueError(
            "classes must be 1000 with weights='imagenet' and include_top=True (the ImageNet classifier has 1000 "
            f"outputs); received classes={classes}. For your own classes, use include_top=False and add a new head."
        )
    return classes


def check_pooling(pooling):
    """Returns `pooling` when it is None, "avg" or "max"; raises ValueError otherwise (keras ignores it)."""
    return arguments.choice("pooling", pooling, POOLINGS, "the ending without the top")


def check_classifier_activation(classifier_activation, weights, include_top):
    """Pretrained heads were trained with softmax; only softmax or None (logits) fit them."""
    if not include_top or weights is None:
        return
    try:
        given = activations.get(classifier_activation)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"classifier_activation must be None, a Keras activation name or a callable; "
            f"received classifier_activation={classifier_activation!r}"
        ) from error
    if given not in (activations.get("softmax"), activations.get(None)):
        raise ValueError(
            "classifier_activation must be None (logits) or 'softmax' when loading pretrained weights with "
            f"include_top=True; received classifier_activation={classifier_activation!r}"
        )


def check_input_tensor(input_tensor):
    if input_tensor is not None and not isinstance(input_tensor, KerasTensor):
        raise TypeError(
            "input_tensor must be None or a Keras tensor such as keras.Input(shape=(224, 224, 3)) or another "
            f"layer's output; received an object of type {type(input_tensor).__name__}"
        )


def resolve_input_shape(input_shape, include_top, weights):
    """The input shape the model is built with, following keras' obtain_input_shape rules.

    Returns a 3-tuple in the active data format; spatial entries may be None without the top.
    Raises TypeError naming `input_shape` when it is not a sequence of integers (a float or a string in it),
    and ValueError when it is not three long, too small, or not 3 channels with ImageNet weights, or not the
    default size with the ImageNet classifier.
    """
    channels_first = backend.image_data_format() == "channels_first"
    if input_shape is not None:
        # The wrong kind (not a sequence, a float or a string inside) is a TypeError, as the package's rule says;
        # the wrong length or a size below 1 a ValueError (what keras.applications raises for those).
        shape_message = ("input_shape must be a tuple of three positive integers (or None for a variable size), "
                         f"(height, width, 3) for channels_last; received input_shape={input_shape!r}")
        if isinstance(input_shape, (str, bytes)) or not hasattr(input_shape, "__len__"):
            raise TypeError(shape_message)
        if len(input_shape) != 3:
            raise ValueError(shape_message)
        try:
            input_shape = tuple(None if v is None else arguments.positive_int("input_shape", v) for v in input_shape)
        except TypeError:
            raise TypeError(shape_message) from None
        except ValueError:
            raise ValueError(shape_message) from None
    default = (3, DEFAULT_SIZE, DEFAULT_SIZE) if channels_first else (DEFAULT_SIZE, DEFAULT_SIZE, 3)

    if weights == "imagenet" and include_top:
        if input_shape is not None and input_shape != default:
            raise ValueError(
                f"input_shape must be {default} when include_top=True and weights='imagenet' (the classifier "
                f"was trained at that size); received input_shape={input_shape}. Use include_top=False for other sizes."
            )
        return default

    if input_shape is None:
        if include_top:
            return default
        return (3, None, None) if channels_first else (None, None, 3)

    channels = input_shape[0] if channels_first else input_shape[-1]
    height, width = input_shape[1:] if channels_first else input_shape[:2]
    if weights == "imagenet" and channels != 3:
        raise ValueError(
            f"input_shape must have 3 channels with weights='imagenet' (RGB images); received input_shape={input_shape}"
        )
    if (height is not None and height < MIN_IMAGE_SIZE) or (width is not None and width < MIN_IMAGE_SIZE):
        raise ValueError(
            f"input_shape must be at least {MIN_IMAGE_SIZE}x{MIN_IMAGE_SIZE} pixels (five stride-2 steps leave 1x1 "
            f"at {MIN_IMAGE_SIZE} px); received input_shape={input_shape}"
        )
    if include_top and None in input_shape:
        raise ValueError(
            "input_shape must be fully known with include_top=True (the dense head needs a fixed size); "
            f"received input_shape={input_shape}"
        )
    return input_shape
