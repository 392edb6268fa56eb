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
from ..diagram.graph import model_graph
from ..memory import release_memory
from ..models.family import FAMILY, STAGE_NAMES
from .reading import input_names, made_by, times_called
from .running import close, fixed_input, set_fixed_weights
from .verdict import CheckResult, ExerciseNotWritten

RESNET50_PARAMETERS = 25_636_712
RESNET50_DEPTHS = dict(zip(STAGE_NAMES, FAMILY["ResNet50"].depths))  # {"conv2": 3, ..., "conv5": 3}
IMAGE_SHAPE = (224, 224, 3)

# The settings that decide what a layer computes, by layer type, for naming what differs.
_SETTINGS = {
    "Conv2D": ("filters", "kernel_size", "strides", "padding", "dilation_rate", "use_bias", "activation"),
    "MaxPooling2D": ("pool_size", "strides", "padding"),
    "AveragePooling2D": ("pool_size", "strides", "padding"),
    "ZeroPadding2D": ("padding",),
    "BatchNormalization": ("axis", "epsilon", "center", "scale"),
    "Dense": ("units", "activation", "use_bias"),
    "Activation": ("activation",),
}

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


def _called_once(model):
    """The operations of `model` that have one output each, in order (layers called twice are left out)."""
    return [op for op in model.operations if not isinstance(op, keras.layers.InputLayer)
            and times_called(op) == 1]


def _outputs_by_name(model, image, names=None):
    """{operation name: its output for `image`} for the operations called once in `model` (those in `names`)."""
    operations = [op for op in _called_once(model) if names is None or op.name in names]
    probe = keras.Model(model.input, [op.output for op in operations])
    outputs = probe(image, training=False)
    return {op.name: keras.ops.convert_to_numpy(out) for op, out in zip(operations, outputs)}


# Layers compared per forward pass. Every layer's output of a 224x224 image is about 150 MB per network; an eighth
# at a time keeps the check inside a 2 GB Binder session (the forward passes cost a fraction of a second each).
LAYERS_PER_PASS = 25


def _settings(op):
    config = op.get_config() if hasattr(op, "get_config") else {}
    values = {}
    for key in _SETTINGS.get(type(op).__name__, ()):
        value = config.get(key)
        values[key] = tuple(value) if isinstance(value, list) else value
    return values


def _describe_layer(op):
    settings = _settings(op)
    shown = ", ".join(f"{k}={v!r}" for k, v in settings.items() if k in ("kernel_size", "pool_size", "strides",
                                                                           "padding", "filters"))
    return f"`{op.name}` ({type(op).__name__}{f': {shown}' if shown else ''})"


def _check_outputs(model, result):
    reference = _reference()
    mine_ops = {op.name: op for op in _called_once(model)}
    order = _called_once(reference)
    # Shapes first, from the graphs alone: a wrong stride is named without running anything.
    missing = []
    for op in order:
        if op.name not in mine_ops:
            missing.append(op)
            continue
        mine_shape, ref_shape = tuple(mine_ops[op.name].output.shape), tuple(op.output.shape)
        if mine_shape != ref_shape:
            result.problems.append(_explain(mine_ops[op.name], op, missing, f"it outputs {_shape(mine_shape)}, "
                                            f"keras.applications' {_shape(ref_shape)}"))
            return
        missing = []

    image = fixed_input(IMAGE_SHAPE, batch=1)
    found = sum(1 for op in order if op.name in mine_ops)  # a count: the reference's layers must not outlive the check
    saved = model.get_weights()  # the learner's own weights come back afterwards
    try:
        set_fixed_weights(model)
        if found < len(order) // 2:
            mine = _outputs_by_name(model, image, {_output_name(model)})[_output_name(model)]
            ours = _outputs_by_name(reference, image, {_output_name(reference)})[_output_name(reference)]
            same, difference = close(mine, ours)
            result.notes.append("Too few layers carry keras.applications' names to compare the two networks "
                                "layer by layer; only their final outputs were compared.")
            if not same:
                result.problems.append(f"With the same fixed weights and image, your network's output differs from "
                                       f"keras.applications' by up to {difference:.3g}.")
            return
        missing = []
        for start in range(0, len(order), LAYERS_PER_PASS):
            names = {op.name for op in order[start : start + LAYERS_PER_PASS]}
            mine, ours = _outputs_by_name(model, image, names), _outputs_by_name(reference, image, names)
            for op in order[start : start + LAYERS_PER_PASS]:
                if op.name not in mine:
                    missing.append(op)
                    continue
                same, difference = close(mine[op.name], ours[op.name])
                if not same:
                    result.problems.append(_explain(mine_ops[op.name], op, missing, f"same shape "
                                                    f"{_shape(mine[op.name].shape)}, but values that differ by up to "
                                                    f"{difference:.3g}"))
                    return
                missing = []
            del mine, ours
    finally:
        model.set_weights(saved)
        reference = order = mine = ours = None  # the reference network and its outputs go with this check
        release_memory()  # and their memory goes back to the system, not only to Python (resnet_widgets/memory.py)
    result.facts.append(f"every layer's output equals keras.applications' ({found} layers compared, with "
                        "the same fixed weights and one fixed image)")


def _output_name(model):
    return made_by(model.outputs[0])


def _shape(shape):
    return "x".join(str(d) for d in tuple(shape)[1:])


def _explain(mine, ref, missing_before, what):
    """The first layer whose output differs: what differs, and the likely cause."""
    lines = [f"The first layer whose output differs from keras.applications' is `{ref.name}`: {what}."]
    if type(mine).__name__ != type(ref).__name__:
        lines.append(f"Yours is a {type(mine).__name__}, keras.applications' a {type(ref).__name__}.")
    else:
        mine_settings, ref_settings = _settings(mine), _settings(ref)
        for key, value in ref_settings.items():
            if mine_settings.get(key) != value:
                lines.append(f"It has {key}={mine_settings.get(key)!r}; keras.applications' has {key}={value!r}.")
                hint = _hints(ref.name, key)
                if hint:
                    lines.append(hint)
    if missing_before:
        listed = ", ".join(_describe_layer(op) for op in missing_before)
        lines.append(f"Missing from your model just before it: {listed}.")
    my_inputs, ref_inputs = input_names(mine), input_names(ref)
    if my_inputs != ref_inputs:
        lines.append(f"It reads {', '.join(f'`{n}`' for n in my_inputs)}; keras.applications' reads "
                     f"{', '.join(f'`{n}`' for n in ref_inputs)}.")
    if len(lines) == 1:
        lines.append("Its settings and its inputs' names agree, so look at what comes before it in your code "
                     "(a layer added, an argument left out) or at an operation the check does not read.")
    return " ".join(lines)


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
