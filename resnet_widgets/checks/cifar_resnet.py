"""Notebook 06b's exercises: the plain twin of the basic block, and the small ResNet assembled from blocks.

`check_plain_block(fn)` compares the learner's plain block with `resnet_widgets.models.plain_block`: the basic
block's layers without the shortcut. `check_cifar_resnet(fn)` calls the learner's `my_resnet(depth, block)` with
the package's own blocks (the learner's blocks were checked on their own), so that it checks the assembly
alone: the stem, the three stages, where the size halves, the head. Each network is compared with
`resnet_widgets.models.cifar_resnet` layer by layer on fixed weights (layer_outputs), and the first layer that
differs is named with what differs and the likely mistake.
"""

import functools
import traceback

import keras

from .. import arguments
from ..arguments import RESNET_BLOCK_NAME
from ..models.blocks import plain_block
from ..models.cifar_resnet import BLOCKS, STAGES, cifar_resnet
from .layer_outputs import compare_layer_outputs
from .running import set_fixed_weights
from .verdict import CheckResult, ExerciseNotWritten

IMAGE_SHAPE = (28, 28, 1)
STAGE_NAMES = tuple(f"conv{stage + 2}" for stage in range(STAGES))
# The calls the assembly check makes: (depth, block) with our blocks, the second depth unseen in the notebook.
CALLS = ((20, "basic"), (20, "plain"), (14, "basic"))


def _hints(name, key):
    if name == "conv1_conv" and key == "strides":
        return "The stem's 3x3 convolution keeps the size (stride 1); the 2x2 max pool after it halves it."
    if name == "pool1_pool":
        return "After the stem, a 2x2 max pool halves the image: 28x28 becomes 14x14, which makes every step 4x cheaper."
    if name == "logits" and key == "activation":
        return ("The dense layer outputs logits, with no activation: the loss takes them (from_logits=True), and "
                "Grad-CAM reads a class's score before the softmax.")
    block = RESNET_BLOCK_NAME.match(name)
    if block and key == "strides":
        if block.group(1) == "conv2":
            return "conv2 keeps the size: the max pool has already halved it (stride 1 in all of its blocks)."
        if block.group(2) == "1":
            return f"{block.group(1)} halves the size in its first block: stride 2 there."
        return "Only the first block of a stage has a stride; the others keep the size (stride 1)."
    if block and key == "filters":
        return "The stages have width, 2 x width and 4 x width filters: 16, 32, 64 for width 16."
    return ""


@functools.lru_cache(maxsize=8)
def _reference(depth, block):
    model = cifar_resnet(depth, block)
    set_fixed_weights(model)
    return model


def _build(fn, depth, block):
    """(model, problem): the learner's network for (depth, block), or why it could not be built."""
    name = getattr(fn, "__name__", "your function")
    try:
        built = fn(depth, BLOCKS[block])
    except NotImplementedError as error:
        frames = traceback.extract_tb(error.__traceback__)
        innermost = frames[-1].name if frames else name
        raise ExerciseNotWritten(innermost if innermost != "<module>" else name) from None
    except Exception as error:
        first = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
        return None, f"{name}({depth}, {BLOCKS[block].__name__}) raised {type(error).__name__}: {first}"
    if not isinstance(built, keras.Model):
        return None, (f"{name}() returned {type(built).__name__}; it should return a keras.Model: "
                      "keras.Model(inputs, outputs).")
    return built, None


def _blocks_per_stage(model):
    counts = dict.fromkeys(STAGE_NAMES, 0)
    for layer in model.layers:
        match = RESNET_BLOCK_NAME.match(layer.name)
        if match and match.group(1) in counts:
            counts[match.group(1)] = max(counts[match.group(1)], int(match.group(2)))
    return counts


def _compare(fn, depth, block):
    result = CheckResult(f"{depth}-layer {'plain net' if block == 'plain' else 'ResNet'}")
    model, problem = _build(fn, depth, block)
    if problem:
        result.problems.append(problem)
        result.incomplete = True
        return result
    reference = _reference(depth, block)
    expected = (depth - 2) // 6
    counts = _blocks_per_stage(model)
    result.structure = [f"{stage}: {count} blocks   " + ("✓" if count == expected else f"✗ ({expected} for depth "
                                                                                        f"{depth}: (depth - 2) / 6)")
                        for stage, count in counts.items()]
    if any(count and count != expected for count in counts.values()):
        result.problems.append(f"Each stage has (depth - 2) / 6 = {expected} blocks for depth {depth}; yours has "
                               + ", ".join(f"{s}: {c}" for s, c in counts.items()) + ".")
    types = [type(layer).__name__ for layer in model.layers]
    if "Flatten" in types:
        result.problems.append("The head flattens the feature map. The paper's head is global average pooling, "
                               "then one Dense layer.")
    if tuple(model.input_shape[1:]) != IMAGE_SHAPE:
        result.problems.append(f"The model takes inputs of shape {model.input_shape}; Fashion-MNIST images are "
                               f"{IMAGE_SHAPE}: keras.Input(shape={IMAGE_SHAPE}).")
        result.incomplete = True
        return result
    compare_layer_outputs(model, reference, IMAGE_SHAPE, result, "the reference's", _hints)
    params, ref_params = model.count_params(), reference.count_params()
    if params == ref_params:
        result.facts.append(f"output shape {model.output_shape}; {params:,} parameters, as in the reference")
    elif not result.problems:
        result.problems.append(f"The model has {params:,} parameters; the reference has {ref_params:,}.")
    return result


def check_cifar_resnet(fn, depths=None):
    """Check a learner's `my_resnet(depth, block)` against `resnet_widgets.models.cifar_resnet`.

    The check calls fn(20, basic_block), fn(20, plain_block) and fn(14, basic_block) with the package's blocks,
    so that only the assembly is checked, and compares each network with the reference layer by layer. It stops
    at the first call that fails.

    Args:
        fn: the learner's function (depth, block) -> keras.Model, taking 28x28x1 images.
        depths: None (the calls above), or other depths 6n + 2 to call it with, each with the basic block
            (nbgrader's hidden tests).

    Returns:
        CheckResult.

    Raises:
        TypeError: `fn` is not callable; depths is not a tuple or list of whole numbers.
        ValueError: depths is empty, or a depth is not 6n + 2 with n >= 1.
        ExerciseNotWritten: `fn` still raises NotImplementedError.
    """
    arguments.function("fn", fn, "your function, e.g. fn=my_resnet")
    calls = CALLS if depths is None else tuple((depth, "basic") for depth in _depths(depths))
    result = CheckResult("CIFAR-style ResNet")
    for index, (depth, block) in enumerate(calls):
        verdict = _compare(fn, depth, block)
        result.problems += [f"{verdict.exercise}: {p}" for p in verdict.problems]
        result.notes += verdict.notes
        result.facts += [f"{verdict.exercise}: {f}" for f in verdict.facts]
        if index == 0:
            result.structure = verdict.structure
        if not verdict.passed:
            result.incomplete = verdict.incomplete or index < len(calls) - 1
            return result
    return result


def _depths(depths):
    if not isinstance(depths, (tuple, list)):
        raise TypeError(f"depths must be a tuple of depths 6n + 2, e.g. (8, 26); received {type(depths).__name__}")
    if not depths:
        raise ValueError("depths must hold at least one depth 6n + 2, e.g. (8, 26); received an empty one")
    for depth in depths:
        arguments.whole_number("depths[...]", depth, minimum=8, meaning="a depth 6n + 2: 8, 14, 20, ...")
        if (depth - 2) % 6:
            raise ValueError(f"depths[...] must each be 6n + 2 (8, 14, 20, ...); received {depth}")
    return tuple(int(depth) for depth in depths)


def check_plain_block(fn, filters=8, size=8):
    """Check a learner's plain block (the basic block without its shortcut) against `models.plain_block`.

    The check calls fn(x, filters=8, stride=2, name="checked_block") on x of shape (None, 8, 8, 4), then with
    stride 1 on x of shape (None, 8, 8, 8), and compares layers and outputs on fixed weights.

    Args:
        fn: the learner's function (x, filters, stride=1, name="block") -> tensor.
        filters, size: call it with this (even) width instead, on inputs of side `size` with filters // 2, then
            filters channels (nbgrader's hidden tests).

    Returns:
        CheckResult.

    Raises:
        TypeError: `fn` is not callable; filters or size is not a whole number.
        ValueError: odd filters or filters below 2; size below 2.
        ExerciseNotWritten: `fn` still raises NotImplementedError.
    """
    arguments.function("fn", fn, "your block function, e.g. fn=my_plain_block")
    filters = arguments.whole_number("filters", filters, minimum=2, meaning="the width the check calls your block with")
    size = arguments.whole_number("size", size, minimum=2, meaning="the height and width of the check's input")
    if filters % 2:
        raise ValueError(f"filters must be an even number (the first input has filters // 2 channels); received "
                         f"{filters}")
    result = CheckResult("plain block")
    for shape, stride in (((size, size, filters // 2), 2), ((size, size, filters), 1)):
        inputs = keras.Input(shape)
        try:
            output = fn(inputs, filters, stride=stride, name="checked_block")
        except NotImplementedError as error:
            frames = traceback.extract_tb(error.__traceback__)
            raise ExerciseNotWritten(frames[-1].name if frames else getattr(fn, "__name__", "your function")) \
                from None
        except Exception as error:
            result.problems.append(f"Calling it with stride={stride} raised {type(error).__name__}: "
                                   f"{str(error).strip().splitlines()[0][:300] if str(error).strip() else ''}")
            result.incomplete = True
            return result
        mine = keras.Model(inputs, output)
        ref_in = keras.Input(shape)
        reference = keras.Model(ref_in, plain_block(ref_in, filters, stride=stride, name="checked_block"))
        set_fixed_weights(reference)
        adds = [layer.name for layer in mine.layers if isinstance(layer, keras.layers.Add)]
        if adds:
            result.problems.append(f"`{adds[0]}` adds a shortcut: the plain twin has none. Its output is "
                                   "relu(F(x)), the same layers without the addition.")
            return result
        before = len(result.problems)
        compare_layer_outputs(mine, reference, shape, result, "the reference's", _hints)
        if len(result.problems) > before:
            result.incomplete = stride == 2
            return result
        result.facts.append(f"with stride={stride}: output shape {mine.output_shape}, {mine.count_params():,} "
                            "parameters, as in the reference")
    return result
