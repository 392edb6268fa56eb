"""The block exercises: `check_identity_block` and `check_conv_block`.

Each check builds the learner's block and the reference (`resnet_widgets.models`) on the same small input,
reads both graphs back (`reading`), compares them part by part (`rules`), then runs both on the same fixed
weights and input (`running`): a block passes when its layers, its wiring and its output agree.
"""

from .. import arguments
from ..models.blocks import EXPANSION, conv_block, identity_block
from .reading import describe, read_block, structure_lines
from .rules import Comparison
from .running import BuildFailed, build, outputs_match
from .verdict import CheckResult

# The block the checks build: small enough to run in a blink, big enough that every channel count
# differs (input 8 vs bottleneck 4 vs output 16), so a wrong width can be named precisely.
CHECK_NAME = "checked_block"
CHECK_FILTERS = 4
CHECK_SIZE = 8
STRIDE_PLACEMENTS = ("1x1", "3x3")


def compare_block(fn, reference_fn, input_shape, kwargs, exercise, conv, stride_on=None):
    """Build the learner's block and ours on the same input and explain every difference."""
    result = CheckResult(exercise)
    try:
        x, output, model = build(fn, input_shape, kwargs, conv)
    except BuildFailed as failure:
        result.problems.append(failure.problem)
        return result
    ref_x, ref_output, reference = build(reference_fn, input_shape, kwargs, conv)

    mine, ref = read_block(x, output), read_block(ref_x, ref_output)
    result.structure = structure_lines(mine)
    comparison = Comparison(kwargs["filters"], kwargs.get("stride", 1), stride_on)
    comparison.problems += mine.problems

    if tuple(model.output_shape) != tuple(reference.output_shape):
        comparison.problems.append(f"The output shape is {model.output_shape}; it should be {reference.output_shape}.")
    if mine.join is None:
        comparison.problems.append(
            "There is no addition: the shortcut is never added, so this is a plain stack of convolutions, not a "
            "residual block. Keep `shortcut = x` at the start and end with Add()([shortcut, x]), then the ReLU.")
        residual = mine.residual[:-1] if mine.residual and mine.residual[-1].kind == "relu" else mine.residual
        comparison.branch(residual, ref.residual, shortcut=False)
    elif not mine.problems:
        comparison.pairs.append((mine.join, ref.join))
        kinds = [s.kind for s in mine.tail]
        if not kinds:
            comparison.problems.append(
                "There is no ReLU after the addition: the block must end with relu(F(x) + x) (He et al. 2015, "
                f"Fig. 2). Add `layers.Activation('relu', name='{ref.tail[0].name}')` after the Add.")
        elif kinds != ["relu"]:
            comparison.problems.append(f"After the addition comes {describe(mine.tail)}; only a ReLU belongs there.")
        if kinds and kinds[-1] == "relu":
            comparison.pairs.append((mine.tail[-1], ref.tail[0]))
        comparison.branch(mine.shortcut, ref.shortcut, shortcut=True)
        comparison.branch(mine.residual, ref.residual, shortcut=False)
    comparison.names(kwargs["name"])
    comparison.finish()
    result.problems, result.notes = comparison.problems, comparison.notes

    params, ref_params = model.count_params(), reference.count_params()
    if params == ref_params:
        result.facts.append(f"output shape {model.output_shape}; {params:,} parameters, as in the reference")
    else:
        result.facts.append(f"output shape {model.output_shape}; {params:,} parameters (the reference has "
                            f"{ref_params:,})")
    if tuple(model.output_shape) == tuple(reference.output_shape):
        same, difference = outputs_match(model, reference, input_shape)
        if same:
            result.facts.append("same output as the reference block on a fixed input with the same fixed weights")
        elif not result.problems:
            result.problems.append(
                f"The layers and wiring match the reference, but the output differs by up to {difference:.3g} with "
                "the same weights and input. Look for a layer option or an operation that the check does not read.")
    return result


def merge(first, second, label):
    """Add the second run's findings to the first, marking those it alone found."""
    for problem in second.problems:
        if problem not in first.problems:
            first.problems.append(f"({label}) {problem}")
    for note in second.notes:
        if note not in first.notes:
            first.notes.append(note)
    return first


def check_identity_block(fn):
    """Check a learner's bottleneck identity block against `resnet_widgets.models.identity_block`.

    The check calls `fn(x, filters=4, name="checked_block")` with x of shape (None, 8, 8, 16).

    Args:
        fn: the learner's function (x, filters, name) -> tensor.

    Returns:
        CheckResult: `.passed`, `.problems` (each naming the layer and the likely mistake), `.notes`, `.facts`.

    Raises:
        TypeError: if `fn` is not callable.
    """
    arguments.function("fn", fn, "your block function, e.g. fn=my_identity_block")
    shape = (CHECK_SIZE, CHECK_SIZE, EXPANSION * CHECK_FILTERS)

    def reference(x, filters, name):
        return identity_block(x, filters, name=name)

    return compare_block(fn, reference, shape, {"filters": CHECK_FILTERS, "name": CHECK_NAME},
                         "identity block", conv=False)


def check_conv_block(fn, stride_on="1x1"):
    """Check a learner's convolutional (projection) block against `resnet_widgets.models.conv_block`.

    The check calls `fn(x, filters=4, stride=2, name="checked_block")` with x of shape (None, 8, 8, 8), then
    again with stride=1 (as in conv2, after the max pool), so a hard-coded stride is found too.

    Args:
        fn: the learner's function (x, filters, stride, name) -> tensor.
        stride_on: where the learner's block should put the stride: "1x1" (v1, the paper and keras.applications,
            the default) or "3x3" (v1.5, torchvision).

    Returns:
        CheckResult: `.passed`, `.problems`, `.notes`, `.facts`.

    Raises:
        TypeError: if `fn` is not callable.
        ValueError: for a `stride_on` other than "1x1" or "3x3".
    """
    arguments.function("fn", fn, "your block function, e.g. fn=my_conv_block")
    arguments.choice("stride_on", stride_on, STRIDE_PLACEMENTS, "the first 1x1 convolution (v1) or the 3x3 (v1.5)")

    def reference(x, filters, stride, name):
        return conv_block(x, filters, stride=stride, stride_on=stride_on, name=name)

    shape = (CHECK_SIZE, CHECK_SIZE, 2 * CHECK_FILTERS)
    kwargs = {"filters": CHECK_FILTERS, "stride": 2, "name": CHECK_NAME}
    exercise = f"convolutional block (stride on the {stride_on})"
    result = compare_block(fn, reference, shape, kwargs, exercise, conv=True, stride_on=stride_on)
    if result.passed:  # a second call, only to catch a stride that ignores its argument
        again = compare_block(fn, reference, shape, dict(kwargs, stride=1), exercise, conv=True, stride_on=stride_on)
        result = merge(result, again, "with stride=1")
        if again.passed:
            result.facts.append("with stride=1 too (as in conv2, after the max pool)")
    return result
