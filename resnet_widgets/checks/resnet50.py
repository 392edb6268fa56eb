"""The network exercise: `check_resnet50`, the learner's ResNet50 next to keras.applications.ResNet50."""

import functools
from collections import Counter

import keras

from ..arguments import RESNET_BLOCK_NAME
from ..models.family import FAMILY, STAGE_NAMES
from .verdict import CheckResult

RESNET50_PARAMETERS = 25_636_712
RESNET50_DEPTHS = dict(zip(STAGE_NAMES, FAMILY["ResNet50"].depths))  # {"conv2": 3, ..., "conv5": 3}

@functools.lru_cache(maxsize=1)
def _resnet50_weighted_layers():
    """keras.applications.ResNet50's weighted layers, in order: ((name, (shape, ...)), ...). Built once."""
    reference = keras.applications.ResNet50(weights=None)
    listing = _weighted_layers(reference)
    del reference
    return listing


def _weighted_layers(model):
    return tuple((layer.name, tuple(tuple(w.shape) for w in layer.weights)) for layer in model.layers if layer.weights)


def check_resnet50(model):
    """Check that a learner's ResNet50 is layer for layer keras.applications.ResNet50, so it takes its weights.

    The official .h5 files are read by `load_weights(path)` in order (the k-th weighted layer gets the k-th
    group, shapes must agree) and by `load_weights(path, by_name=True)` by name; this check demands both:
    the same weighted layers, in the same order, with the same names and weight shapes.

    Args:
        model: the learner's keras.Model (with the top: 1000 classes).

    Returns:
        CheckResult.

    Raises:
        TypeError: if `model` is not a keras.Model.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model (e.g. keras.Model(inputs, outputs)); received "
                        f"{type(model).__name__}")
    result = CheckResult("ResNet50")
    expected = _resnet50_weighted_layers()
    mine = _weighted_layers(model)
    params = model.count_params()

    blocks = Counter()
    for layer in model.layers:
        match = RESNET_BLOCK_NAME.match(layer.name)
        if match:
            blocks[match.group(1)] = max(blocks[match.group(1)], int(match.group(2)))
    if blocks:
        for stage, depth in RESNET50_DEPTHS.items():
            if blocks[stage] != depth:
                result.problems.append(f"Stage {stage} has {blocks[stage]} blocks; ResNet50 has {depth} "
                                       f"(3-4-6-3: conv2 to conv5).")
    types = [type(layer).__name__ for layer in model.layers]
    if "Flatten" in types:
        result.problems.append("The head flattens the feature map. ResNet50's head is global average pooling "
                               "(7x7x2048 → 2048) then one Dense layer: far fewer parameters, and any input size.")
    elif "GlobalAveragePooling2D" not in types:
        result.problems.append("There is no GlobalAveragePooling2D: ResNet50's head averages each of the 2048 "
                               "final feature maps, then one Dense layer gives the 1000 class scores.")
    if model.output_shape[-1] != 1000:
        result.problems.append(f"The model outputs {model.output_shape[-1]} classes; ImageNet's head has 1000.")

    expected_names = [name for name, _ in expected]
    my_names = [name for name, _ in mine]
    mine_set, expected_set = set(my_names), set(expected_names)  # built once, not once per name
    missing = [n for n in expected_names if n not in mine_set]
    extra = [n for n in my_names if n not in expected_set]
    if missing:
        result.problems.append(f"{len(missing)} weighted layer(s) of keras.applications.ResNet50 are missing, "
                               f"e.g. {', '.join(f'`{n}`' for n in missing[:4])}.")
    if extra:
        result.problems.append(f"{len(extra)} weighted layer(s) have names keras.applications.ResNet50 does not "
                               f"use, e.g. {', '.join(f'`{n}`' for n in extra[:4])}.")
    shapes = dict(mine)
    wrong_shapes = [(n, shapes[n], s) for n, s in expected if n in shapes and shapes[n] != s]
    for name, got, want in wrong_shapes[:3]:
        result.problems.append(f"`{name}` holds weights of shapes {list(got)}; keras.applications' has {list(want)}.")
    if not (missing or extra or wrong_shapes) and mine != expected:
        first = next(i for i, (a, b) in enumerate(zip(mine, expected)) if a != b)
        result.problems.append(
            f"Same layers, different order: weighted layer #{first} is `{mine[first][0]}`, keras.applications' is "
            f"`{expected[first][0]}`. load_weights(path) reads an official file in order, so the order must match.")

    if params == RESNET50_PARAMETERS:
        result.facts.append(f"{params:,} parameters, as keras.applications.ResNet50")
    else:
        result.problems.append(f"The model has {params:,} parameters; keras.applications.ResNet50 has "
                               f"{RESNET50_PARAMETERS:,} (difference {params - RESNET50_PARAMETERS:+,}).")
    if mine == expected:
        result.facts.append(f"{len(mine)} weighted layers with keras.applications' names, order and weight shapes: "
                            "the official weight files load into it")
    result.facts.append(f"output shape {model.output_shape}")
    result.structure = [f"{stage}: {blocks[stage]} blocks" for stage in RESNET50_DEPTHS] if blocks else []
    return result
