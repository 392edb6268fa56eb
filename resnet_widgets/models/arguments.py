"""Argument checks for the six variants: the same inputs accepted and refused as keras.applications,
with messages that name the argument and the allowed values, plus one check keras leaves out
(an unknown `pooling`, which keras silently ignores)."""

import os

from keras import KerasTensor, activations, backend

POOLINGS = (None, "avg", "max")
MIN_SIZE = 32
DEFAULT_SIZE = 224


def check_weights(weights):
    """Returns `weights` as None, "imagenet" or a path string; raises ValueError otherwise."""
    if weights is None or weights == "imagenet":
        return weights
    if isinstance(weights, (str, os.PathLike)) and os.path.exists(weights):
        return os.fspath(weights)
    raise ValueError(
        "weights must be None (random initialisation), 'imagenet' (the official ImageNet weights, "
        f"downloaded once into the Keras cache) or the path to an existing weights file; received weights={weights!r}"
    )


def check_classes(classes, include_top, weights):
    if not include_top:
        return
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 1:
        raise ValueError(f"classes must be a positive integer; received classes={classes!r}")
    if weights == "imagenet" and classes != 1000:
        raise ValueError(
            "classes must be 1000 with weights='imagenet' and include_top=True (the ImageNet classifier has 1000 "
            f"outputs); received classes={classes}. For your own classes, use include_top=False and add a new head."
        )


def check_pooling(pooling):
    if pooling not in POOLINGS:
        raise ValueError(f"pooling must be one of None, 'avg' or 'max'; received pooling={pooling!r}")


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
    Raises ValueError naming `input_shape` when it is not three integers, too small, or not 3 channels
    with ImageNet weights, or not the default size with the ImageNet classifier.
    """
    channels_first = backend.image_data_format() == "channels_first"
    if input_shape is not None:
        if isinstance(input_shape, (str, bytes)) or not hasattr(input_shape, "__len__") or len(input_shape) != 3:
            raise ValueError(
                "input_shape must be a tuple of three integers, (height, width, 3) for channels_last; "
                f"received input_shape={input_shape!r}"
            )
        input_shape = tuple(input_shape)
        bad = [v for v in input_shape if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1)]
        if bad:
            raise ValueError(
                f"input_shape must be a tuple of three positive integers (or None for a variable size); "
                f"received input_shape={input_shape!r}"
            )
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
    if (height is not None and height < MIN_SIZE) or (width is not None and width < MIN_SIZE):
        raise ValueError(
            f"input_shape must be at least {MIN_SIZE}x{MIN_SIZE} pixels (five stride-2 steps leave 1x1 at 32 px); "
            f"received input_shape={input_shape}"
        )
    if include_top and None in input_shape:
        raise ValueError(
            "input_shape must be fully known with include_top=True (the dense head needs a fixed size); "
            f"received input_shape={input_shape}"
        )
    return input_shape
