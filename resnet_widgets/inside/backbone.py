"""A ResNet as a backbone: one model that returns the stage outputs C2..C5 that heads build on.

    from resnet_widgets.inside import backbone
    features = backbone("ResNet50", input_shape=(224, 224, 3))
    features(images)   # {"C2": (N, 56, 56, 256), "C3": (N, 28, 28, 512), "C4": (N, 14, 14, 1024), "C5": (N, 7, 7, 2048)}

Detection and segmentation heads (FPN, Mask R-CNN, U-Net decoders) read a classifier's feature maps at
several strides instead of its final class scores. Which layers those are, and the V2 detail, is in
levels.py. The same keys as keras-hub's ResNetBackbone are on `pyramid_outputs` (P2..P5), so a head
written for one reads the other:

    keras.Model(features.input, features.pyramid_outputs)   # as in keras-hub's FeaturePyramidBackbone docs
"""

from __future__ import annotations

import keras

from .. import arguments
from ..models import FAMILY, build_resnet
from ..graph import is_model, unfold
from ..graph.levels import LEVELS, PYRAMID_KEYS, find_levels

PROBE_SIZE = 224  # where a model takes any size, its levels are found at this size


def level_layers(model_or_variant) -> dict:
    """The layer behind each level of a ResNet: {"C2": "conv2_block3_out", ...}.

    Args:
        model_or_variant: a variant name of resnet_widgets.models.FAMILY ("ResNet50", ...), or a model
            (a ResNet, or a model that wraps one).

    Returns:
        An ordered dict from level ("C2".."C5"; fewer for a ResNet with fewer stages) to layer name.

    Raises:
        ValueError: an unknown variant, or a model without ResNet layer names.
        TypeError: neither a variant name nor a Keras Functional/Sequential model.
    """
    model = _model_of(model_or_variant, weights=None, input_shape=None)
    return _levels_of(model)


def backbone(model_or_variant, levels=LEVELS, *, weights=None, input_shape=None) -> keras.Model:
    """A multi-output model from the network's input to its stage outputs.

    Args:
        model_or_variant: a variant name ("ResNet50", "ResNet101", "ResNet152", "ResNet50V2",
            "ResNet101V2", "ResNet152V2", and any other of FAMILY), built without its head; or a model: one
            of ours, a keras.applications ResNet, or a transfer model that wraps one (its layers and weights
            are shared, not copied: training the backbone trains the model).
        levels: which of "C2", "C3", "C4", "C5" to return, in that order of the result.
        weights: for a variant name: None (random), "imagenet" or a file path, as `build_resnet` takes.
        input_shape: (height, width, channels) of the backbone's input; None keeps the model's own (a
            variant name then takes any size: (None, None, 3)).

    Returns:
        A keras.Model whose output is a dict {level: feature map (N, h, w, c)}, strides 4, 8, 16, 32 for
        C2..C5. Its attribute `pyramid_outputs` holds the same tensors under keras-hub's keys P2..P5, and
        `level_layers` the layer name behind each level.

    Raises:
        ValueError: an unknown variant or level (the message lists the valid ones), a model without ResNet
            layer names, a weights argument the builder refuses.
        TypeError: `levels` is not a sequence of level names; `model_or_variant` of the wrong kind.
    """
    model = _model_of(model_or_variant, weights=weights, input_shape=input_shape)
    available = _levels_of(model)
    wanted = _check_levels(levels, available, model)
    if input_shape is not None and not isinstance(model_or_variant, str):
        shape = tuple(input_shape)
    else:
        shape = None
    unfolded = unfold(model, input_shape=shape)
    outputs = {level: unfolded.tensors[available[level]] for level in wanted}
    result = keras.Model(unfolded.input, outputs, name=f"{model.name}_backbone")
    # Plain Python attributes: keras tracks layers and variables set on a model, and these are neither.
    object.__setattr__(result, "pyramid_outputs", {PYRAMID_KEYS[level]: tensor for level, tensor in outputs.items()})
    object.__setattr__(result, "level_layers", {level: available[level] for level in wanted})
    return result


def _model_of(model_or_variant, weights, input_shape):
    if isinstance(model_or_variant, str):
        arguments.choice("model_or_variant", model_or_variant, tuple(FAMILY), meaning="a ResNet variant or a model")
        return build_resnet(model_or_variant, include_top=False, weights=weights, input_shape=input_shape)
    if not is_model(model_or_variant):
        raise TypeError(
            "model_or_variant must be a variant name (one of " + ", ".join(FAMILY) + ") or a Keras Functional or "
            f"Sequential model; received {type(model_or_variant).__name__}"
        )
    return model_or_variant


def _levels_of(model) -> dict:
    source = tuple(model.inputs[0].shape[1:])
    probe = tuple(PROBE_SIZE if side is None else side for side in source[:2]) + tuple(source[2:])
    unfolded = unfold(model, input_shape=probe)
    levels = find_levels(unfolded.order, unfolded.shapes)
    if not levels:
        raise ValueError(
            f"backbone needs a ResNet: layers named like conv4_block6_out (v1) or conv4_block6_preact_relu and "
            f"post_relu (v2); {model.name} has none"
        )
    return levels


def _check_levels(levels, available, model):
    if isinstance(levels, str):
        levels = (levels,)
    if not isinstance(levels, (list, tuple)) or not levels:
        raise TypeError(f"levels must be a non-empty sequence of level names such as ('C4', 'C5'); received {levels!r}")
    wanted = []
    for level in levels:
        arguments.choice("levels", level, tuple(available), meaning=f"the stage outputs of {model.name}")
        if level not in wanted:
            wanted.append(level)
    return wanted
