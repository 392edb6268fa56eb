"""The network exercise: `check_resnet50`, the learner's ResNet50 next to keras.applications.ResNet50.

Three readings, each of which can fail on its own:
1. Layers: stage depths, the head, the parameter count, and the weighted layers (names, order, weight
   shapes): what the official weight files need to load.
2. Shortcuts: every residual block of the learner's network, read by the diagram's `model_graph`, must
   have keras.applications' shortcut (a projection in each stage's first block, the identity elsewhere).
3. Outputs: both networks get the same fixed weights (by role and shape, as in the block checks) and the
   same fixed image; the first layer, in keras.applications' order, whose output shape or values differ is
   named, with what differs in its settings or its inputs. A network without shortcuts, a stride in the wrong
   place, a missing max pool or a padding="same" stem pass reading 1 and fail here.
"""

import functools
import traceback
from collections import Counter

import keras

from .. import arguments
from ..arguments import RESNET_BLOCK_NAME
from ..graph import model_graph
from ..memory import release_memory
from ..models.family import FAMILY, STAGE_NAMES
from .layer_outputs import compare_layer_outputs
from .running import set_fixed_weights
from .verdict import CheckResult, ExerciseNotWritten

RESNET50_PARAMETERS = 25_636_712
RESNET50_DEPTHS = dict(zip(STAGE_NAMES, FAMILY["ResNet50"].depths))  # {"conv2": 3, ..., "conv5": 3}
IMAGE_SHAPE = (224, 224, 3)

# Why a setting of a known layer is what it is: the likely mistake, said once.
_HINTS = {
    ("conv1_conv", "padding"): (
        "keras.applications pads 3 pixels on every side first (`conv1_pad`, ZeroPadding2D(3)) and then uses "
        "padding='valid'. padding='same' with stride 2 pads 2 pixels above and left and 3 below and right, so every "
        "filter sees the image shifted by a pixel."),
    ("conv1_conv", "strides"): "The stem's 7x7 convolution has stride 2: 224x224 becomes 112x112.",
    ("pool1_pool", "strides"): "The stem's 3x3 max pool has stride 2: 112x112 becomes 56x56.",
}


def _reference():
    """keras.applications.ResNet50 with the check's fixed weights, built for one check and let go after it: kept
    for the session, its 100 MB of weights and its graph (0.2 GB in all) would crowd a 2 GB Binder session.
    What the check reads from its structure is kept instead (_reference_structure)."""
    reference = keras.applications.ResNet50(weights=None)
    set_fixed_weights(reference)
    return reference


@functools.lru_cache(maxsize=1)
def _reference_structure():
    """(weighted layers, residual blocks) of keras.applications.ResNet50: plain tuples, kept for the session."""
    reference = _reference()
    structure = _weighted_layers(reference), tuple(_residual_blocks(reference).items())
    del reference
    release_memory()  # collected now, not whenever: the check builds another reference for its outputs next
    return structure


def _resnet50_weighted_layers():
    """keras.applications.ResNet50's weighted layers, in order: ((name, (shape, ...)), ...)."""
    return _reference_structure()[0]


def _weighted_layers(model):
    return tuple((layer.name, tuple(tuple(w.shape) for w in layer.weights)) for layer in model.layers if layer.weights)


def _learner_model(model):
    """The learner's model: `model` itself, or what the learner's function returns (called with no arguments).

    Returns:
        (keras.Model or None, problem or None).

    Raises:
        TypeError: `model` is neither a keras.Model nor a function.
        ExerciseNotWritten: the function (or one it calls) still raises NotImplementedError.
    """
    if isinstance(model, keras.Model):
        return model, None
    arguments.function("model", model, "your my_resnet50 function, or the keras.Model it returns")
    name = getattr(model, "__name__", "your function")
    try:
        built = model()
    except NotImplementedError as error:
        frames = traceback.extract_tb(error.__traceback__)
        innermost = frames[-1].name if frames else name
        raise ExerciseNotWritten(innermost if innermost != "<module>" else name) from None
    except Exception as error:
        message = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
        return None, (f"{name}() raised {type(error).__name__}: {message}. Run it on its own to see where (the "
                      "block checks of notebooks 02 and 03 help).")
    if not isinstance(built, keras.Model):
        return None, (f"{name}() returned {type(built).__name__}; it should return a keras.Model: "
                      "keras.Model(inputs, outputs).")
    return built, None


def check_resnet50(model):
    """Check that a learner's ResNet50 is keras.applications.ResNet50 layer for layer, and computes the same.

    The official .h5 files are read by `load_weights(path)` in order (the k-th weighted layer gets the k-th
    group, shapes must agree) and by `load_weights(path, by_name=True)` by name; the check demands both: the
    same weighted layers, in the same order, with the same names and weight shapes. It then reads every
    shortcut, and runs both networks on the same fixed weights and image to name the first layer whose
    output differs. A model passed in keeps its weights: the check restores them.

    Args:
        model: the learner's function that builds the model (`my_resnet50`, called with no arguments), or the
            keras.Model itself (224x224x3 images, 1000 classes).

    Returns:
        CheckResult.

    Raises:
        TypeError: `model` is neither a keras.Model nor a function.
        ExerciseNotWritten: the learner's function still raises NotImplementedError.
    """
    try:
        return _check(model)
    finally:
        release_memory()  # the networks this check built are gone: their memory goes back too (memory.py)


def check_resnet50_arguments(fn, input_shape=(64, 64, 3), classes=10):
    """Check that a learner's `my_resnet50(input_shape, classes)` follows its arguments (nbgrader's hidden test).

    `check_resnet50` calls the function with its defaults (224x224x3, 1000 classes); a network that ignores its
    arguments passes it. This check calls `fn(input_shape=input_shape, classes=classes)` and compares the model's
    input shape, output shape and parameter count with ResNet50's for those arguments (only the head's Dense
    layer depends on `classes`; no weights depend on the input side).

    Args:
        fn: the learner's function (input_shape=(224, 224, 3), classes=1000) -> keras.Model.
        input_shape: (side, side, channels), each side at least 32 (ResNet50 halves it five times).
        classes: the number of classes, at least 1.

    Returns:
        CheckResult.

    Raises:
        TypeError: `fn` is not callable; input_shape is not a tuple of 3 whole numbers; classes not a whole number.
        ValueError: a side below 32, channels below 1 or classes below 1.
        ExerciseNotWritten: the learner's function still raises NotImplementedError.
    """
    arguments.function("fn", fn, "your my_resnet50 function")
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise TypeError(f"input_shape must be a tuple (side, side, channels); received {input_shape!r}")
    input_shape = (arguments.whole_number("input_shape[0]", input_shape[0], minimum=32, meaning="the height"),
                   arguments.whole_number("input_shape[1]", input_shape[1], minimum=32, meaning="the width"),
                   arguments.whole_number("input_shape[2]", input_shape[2], minimum=1, meaning="the channels"))
    classes = arguments.whole_number("classes", classes, minimum=1, meaning="the number of classes")
    result = CheckResult("ResNet50")
    call = f"{getattr(fn, '__name__', 'fn')}(input_shape={input_shape}, classes={classes})"

    def built():
        return fn(input_shape=input_shape, classes=classes)

    built.__name__ = getattr(fn, "__name__", "fn")
    try:
        model, problem = _learner_model(built)
        if problem:
            result.problems.append(f"{call}: {problem}")
            return result
        if tuple(model.input_shape[1:]) != input_shape:
            result.problems.append(f"{call} takes inputs of shape {model.input_shape}: keras.Input should use the "
                                   "`input_shape` argument, not a fixed shape.")
        if model.output_shape[-1] != classes:
            result.problems.append(f"{call} outputs {model.output_shape[-1]} classes: the Dense head should use the "
                                   "`classes` argument, not a fixed 1000.")
        features = 2048  # conv5's channels, the head's inputs
        expected = RESNET50_PARAMETERS + (features + 1) * (classes - 1000)
        if not result.problems and model.count_params() != expected:
            result.problems.append(f"{call} has {model.count_params():,} parameters; ResNet50 with {classes} classes "
                                   f"has {expected:,}.")
        return result
    finally:
        release_memory()


def _check(model):
    result = CheckResult("ResNet50")
    model, problem = _learner_model(model)
    if problem:
        result.problems.append(problem)
        result.incomplete = True
        return result
    _check_layers(model, result)
    _check_shortcuts(model, result)
    if tuple(model.input_shape[1:]) != IMAGE_SHAPE:
        result.problems.append(f"The model takes inputs of shape {model.input_shape}; ResNet50 takes 224x224 RGB "
                               "images: keras.Input(shape=(224, 224, 3)).")
        result.incomplete = True
    else:
        _check_outputs(model, result)
    result.facts.append(f"output shape {model.output_shape}")
    return result


# ------------------------------------------------------------------------------------------------ 1. layers


def _check_layers(model, result):
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
    if blocks:
        result.structure = [f"{stage}: {blocks[stage]} blocks   " + ("✓" if blocks[stage] == depth else
                                                                     f"✗ (ResNet50: {depth})")
                            for stage, depth in RESNET50_DEPTHS.items()]


# ------------------------------------------------------------------------------------------------ 2. shortcuts


def _residual_blocks(model):
    """{block name: shortcut kind} for every residual block `model_graph` finds, in order."""
    graph = model_graph(model)
    return {block["name"]: block["shortcut"]["kind"] for stage in graph["children"] if stage["kind"] == "stage"
            for block in stage["children"] if block["kind"] == "block"}


def _reference_blocks():
    return _reference_structure()[1]


def _check_shortcuts(model, result):
    expected = dict(_reference_blocks())
    mine = _residual_blocks(model)
    names = {layer.name for layer in model.operations}
    without = [block for block in expected if block not in mine and any(n.startswith(f"{block}_") for n in names)]
    if without:
        listed = ", ".join(without[:6]) + (f" and {len(without) - 6} more" if len(without) > 6 else "")
        result.problems.append(
            f"{len(without)} block{'s have' if len(without) > 1 else ' has'} no shortcut: {listed}. Nothing adds x "
            "back, so each computes relu(F(x)) instead of relu(F(x) + x): a plain network, which the paper shows "
            "trains worse as it gets deeper (He et al. 2015, Fig. 4). End every block with "
            "Add()([shortcut, x]), then the ReLU.")
    wrong = [(block, kind) for block, kind in mine.items() if block in expected and expected[block] != kind]
    for block, kind in wrong:
        should = expected[block]
        why = ("the first block of each stage projects, because the shape changes there" if should == "projection"
               else "only the first block of each stage projects; the others keep the shape, so x is added as it is")
        article = {"projection": "a projection", "identity": "the identity"}
        result.problems.append(f"The shortcut of {block} is {article[kind]}; keras.applications' is "
                               f"{article[should]}: {why}.")
    if not without and not wrong and set(expected) <= set(mine):
        projections = sum(kind == "projection" for kind in expected.values())
        result.facts.append(f"{len(expected)} residual blocks, each with keras.applications' shortcut "
                            f"({projections} projections, {len(expected) - projections} identities)")


# ------------------------------------------------------------------------------------------------ 3. outputs


def _check_outputs(model, result):
    reference = _reference()
    try:
        compare_layer_outputs(model, reference, IMAGE_SHAPE, result, "keras.applications'", _hints)
    finally:
        reference = None  # the reference network goes with this check
        release_memory()  # and its memory goes back to the system, not only to Python (resnet_widgets/memory.py)


def _hints(name, key):
    if (name, key) in _HINTS:
        return _HINTS[(name, key)]
    block = RESNET_BLOCK_NAME.match(name)
    if block and key == "strides" and block.group(1) == "conv2" and block.group(2) == "1":
        return ("conv2 follows the max pool, which has already halved the size: its first block has stride 1 "
                "(conv3, conv4 and conv5 have stride 2).")
    if block and key == "strides" and block.group(2) == "1":
        return (f"{block.group(1)} halves the size in its first block: stride 2 in the projection and in the first "
                "1x1 convolution.")
    if block and key == "strides":
        return "Only the first block of a stage has a stride; the others keep the size (stride 1)."
    return ""
