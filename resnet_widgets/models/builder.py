"""One builder for the whole family: it reads the table in family.py."""

from keras import Input, Model
from keras.utils import get_source_inputs

from . import variant_arguments
from .family import FAMILY, KERAS_VARIANTS
from .stages import body, head, stem
from .weights import fetch_imagenet_weights


def build_resnet(variant, include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                 pooling=None, classes=1000, classifier_activation="softmax", name=None):
    """Build one member of the family, keras.applications-compatible.

    Args:
        variant: a key of FAMILY: "ResNet18", "ResNet34", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2",
            "ResNet101V2", "ResNet152V2".
        include_top: keep the ImageNet head (global average pooling + dense `predictions`).
        weights: None (random init), "imagenet" (official weights, downloaded once and verified; only for the
            variants in KERAS_VARIANTS), or a path to a weights file (.h5 in the official layout, or a Keras 3
            .weights.h5).
        input_tensor: an optional Keras tensor to use as the model's input.
        input_shape: (height, width, 3); only free without the top or without ImageNet weights; at least 32x32.
        pooling: without the top: None (4-D feature map), "avg" or "max" (global pooling to a vector).
        classes: size of the head with include_top=True; 1000 with ImageNet weights.
        classifier_activation: activation of the head; None or "softmax" with pretrained weights.
        name: the model's name (defaults to keras' lower-case variant name).

    Returns:
        A functional keras.Model whose layer names equal keras.applications'.

    Raises:
        ValueError / TypeError: an argument outside what keras.applications accepts, an unknown pooling, or
            weights="imagenet" for ResNet18/34 (keras.applications publishes none); the message names the
            argument and the allowed values.
        WeightsUnavailableError: "imagenet" weights were not cached and could not be downloaded.
        OSError: the weights file could not be read (damaged, truncated, not HDF5); the message names it.
    """
    spec = FAMILY[variant_arguments.check_variant(variant, FAMILY)]
    include_top = variant_arguments.check_include_top(include_top)
    weights = variant_arguments.check_weights(weights)
    if weights == "imagenet" and not spec.keras_applications:
        raise ValueError(
            f"weights='imagenet' is not available for {variant}: keras.applications has no {variant}, so there "
            f"are no official Keras ImageNet weights for it (they exist for {', '.join(KERAS_VARIANTS)}). "
            "Use weights=None (random initialisation) or the path to a weights file of your own."
        )
    classes = variant_arguments.check_classes(classes, include_top, weights)
    variant_arguments.check_pooling(pooling)
    variant_arguments.check_classifier_activation(classifier_activation, weights, include_top)
    variant_arguments.check_input_tensor(input_tensor)
    input_shape = variant_arguments.resolve_input_shape(input_shape, include_top, weights)

    inputs = Input(shape=input_shape) if input_tensor is None else input_tensor
    x = stem(inputs, spec.preact)
    x = body(x, spec)
    outputs = head(x, include_top, pooling, classes, classifier_activation)
    # With an input_tensor, the model starts where that tensor's graph starts (as in keras).
    model_inputs = inputs if input_tensor is None else get_source_inputs(input_tensor)
    model = Model(model_inputs, outputs, name=name or spec.name)

    if weights == "imagenet":
        _load(model, fetch_imagenet_weights(spec.weights_name, include_top), variant, include_top)
    elif weights is not None:
        _load(model, weights, variant, include_top)
    return model


def _load(model, path, variant, include_top):
    # Keras raises ValueError when a readable file's layers or shapes differ from the model's: that, and only
    # that, is "does not fit". A file h5py cannot open (damaged, truncated, not HDF5) is an OSError and is
    # reported as one; MemoryError and the rest pass unchanged.
    try:
        model.load_weights(path)
    except ValueError as error:  # keras' own message is kept; its traceback is not for learners
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValueError(
            f"weights: the file {path} does not fit {variant}(include_top={include_top}): {reason}. "
            "A file made with the top needs include_top=True, a '_notop' file include_top=False, and both must "
            "come from the same variant."
        ) from None
    except OSError as error:
        raise OSError(
            f"weights: the file {path} could not be read ({error}): it is damaged, cut short, or not a weights "
            "file. Fetch or save it again."
        ) from error
