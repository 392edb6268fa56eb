"""The block exercises: `check_identity_block`, `check_conv_block`, `check_basic_block`, `check_preact_block`.

Each check builds the learner's block and the reference (`resnet_widgets.models`) on the same small input,
reads both graphs back (`reading`), compares them part by part (`rules`), then runs both on the same fixed
weights and input (`running`): a block passes when its layers, its wiring and its output agree. A check
that calls the block several ways (with stride 2, then 1; with and without a projection) makes the next
call only when the previous one passed, and says so when it stops early.

Each check takes the learner's function itself. If that function still raises NotImplementedError, the
check raises `ExerciseNotWritten`, which Jupyter shows as one friendly line.
"""

import keras
import numpy as np

from .. import arguments
from ..models.blocks import BN_EPSILON, EXPANSION, basic_block, conv_block, identity_block, preact_block
from .reading import describe, read_block, structure_lines
from .block_kinds import BASIC, BASIC_A, PREACT, bottleneck
from .rules import BlockComparison
from .running import BuildFailed, build, close, fixed_input, outputs_match
from .verdict import CheckResult

# The block the checks build: small enough to run in a blink, big enough that every channel count
# differs (input 8 vs bottleneck 4 vs output 16), so a wrong width can be named precisely.
CHECK_NAME = "checked_block"
CHECK_FILTERS = 4
CHECK_SIZE = 8
STRIDE_PLACEMENTS = ("1x1", "3x3")


def _width_and_size(filters, size, minimum_filters=1):
    """The width and input side a check calls the block with: the notebook's by default, others in nbgrader's
    hidden tests, so that a block fitted to the visible call does not pass.

    Raises:
        TypeError: filters or size is not a whole number.
        ValueError: filters below `minimum_filters`, or size below 2.
    """
    filters = arguments.whole_number("filters", filters, minimum=minimum_filters,
                                     meaning="the bottleneck width the check calls your block with")
    size = arguments.whole_number("size", size, minimum=2, meaning="the height and width of the check's input")
    return filters, size


def compare_block(fn, reference_fn, input_shape, kwargs, exercise, kind, projection):
    """Build the learner's block and ours on the same input and explain every difference.

    Args:
        fn, reference_fn: the learner's function and ours, both called as f(x, **kwargs).
        input_shape: the input's shape without the batch axis.
        exercise: what the verdict is about, e.g. "identity block".
        kind: the block family (`block_kinds.BlockKind`).
        projection: whether the reference's shortcut projects (for the hints of a failed addition).

    Returns:
        CheckResult.

    Raises:
        ExerciseNotWritten: the learner's function still raises NotImplementedError.
    """
    result = CheckResult(exercise)
    try:
        x, output, model = build(fn, input_shape, kwargs, projection, kind.expansion, zero_pad=kind.zero_pad)
    except BuildFailed as failure:
        result.problems.append(failure.problem)
        result.incomplete = True  # nothing could be read beyond the failure
        return result
    ref_x, ref_output, reference = build(reference_fn, input_shape, kwargs, projection, kind.expansion)

    mine, ref = read_block(x, output), read_block(ref_x, ref_output)
    result.structure = structure_lines(mine, ref)
    comparison = BlockComparison(kind, kwargs["filters"], kwargs.get("stride", 1), kwargs["name"])
    if tuple(model.output_shape) != tuple(reference.output_shape):
        comparison.problems.append(f"The output shape is {model.output_shape}; it should be {reference.output_shape}.")
    comparison.compare(mine, ref)
    if kind.zero_pad:
        option_a(x, mine, input_shape, kwargs, comparison, result)
    comparison.names()
    comparison.finish()
    result.problems, result.notes, result.incomplete = comparison.problems, comparison.notes, comparison.incomplete

    params, ref_params = model.count_params(), reference.count_params()
    same_shape = tuple(model.output_shape) == tuple(reference.output_shape)
    if params == ref_params and same_shape:
        result.facts.append(f"output shape {model.output_shape}; {params:,} parameters, as in the reference")
    elif params == ref_params:  # the shape is already a problem
        result.facts.append(f"{params:,} parameters, as in the reference")
    else:  # a fact carries a ✓: a count that differs goes with what the check saw, marked ✗
        if same_shape:
            result.facts.append(f"output shape {model.output_shape}, as in the reference")
        result.structure.append(f"parameters: {params:,}   ✗ the reference has {ref_params:,} "
                                f"({params - ref_params:+,})")
    if tuple(model.output_shape) == tuple(reference.output_shape):
        lenient = not kind.official_weights  # bias and epsilon are then free choices, noted, not failed
        same, difference = outputs_match(model, reference, input_shape, zero_biases=lenient,
                                         epsilon=BN_EPSILON if lenient else None)
        if same:
            result.facts.append("same output as the reference block on a fixed input with the same fixed weights")
        elif not result.problems:
            result.problems.append(
                f"The layers and wiring match the reference, but the output differs by up to {difference:.3g} with "
                "the same weights and input. Look for a layer option or an operation that the check does not read.")
    return result


OPTION_A = "x[:, ::stride, ::stride, :], then zero channels appended up to `filters` (option A)"


def option_a_problems(values, probe, filters, stride):
    """What an option A shortcut got wrong, read from its values; [] when it is right.

    Option A (He et al. 2015, sec. 3.3) keeps every stride-th row and column of x, starting with the first (the
    pixels a 1x1 convolution with that stride reads), and appends zero channels after x's own up to `filters`.

    Args:
        values: the learner's shortcut on `probe`, a (batch, height, width, channels) array.
        probe: the block's input, (batch, height, width, channels).
        filters, stride: what the block was called with.
    """
    channels = probe.shape[-1]
    extra = filters - channels

    def padded(kept, before=0):
        return np.pad(kept, [(0, 0), (0, 0), (0, 0), (before, extra - before)])

    kept = probe[:, ::stride, ::stride, :]
    expected = padded(kept)
    if values.shape == expected.shape and close(values, expected)[0]:
        return []
    if values.shape != expected.shape:
        return [f"The shortcut has shape {(None,) + values.shape[1:]}; option A's is {(None,) + expected.shape[1:]}: "
                f"{OPTION_A}."]
    for before in range(1, extra + 1):
        if close(values, padded(kept, before))[0]:
            where = "before x's channels" if before == extra else "on both sides of x's channels"
            return [f"Your shortcut puts the zero channels {where}. Append them after x's own channels (pad width "
                    f"(0, filters - x.shape[-1]) on the last axis), as the reference does: channel k of x is then "
                    "added to channel k of F(x), and the new channels get F(x) alone."]
    if stride > 1:
        if close(values, padded(probe[:, 1::stride, 1::stride, :]))[0]:
            return [f"Your shortcut keeps rows and columns 1, 1 + {stride}, ...; option A keeps 0, {stride}, ... "
                    f"(x[:, ::{stride}, ::{stride}, :]), the pixels that a 1x1 convolution with strides={stride} "
                    "reads."]
        height, width = kept.shape[1:3]
        pooled = np.zeros_like(kept)
        for i in range(stride):
            for j in range(stride):
                block = probe[:, i::stride, j::stride, :][:, :height, :width, :]
                pooled[:, :block.shape[1], :block.shape[2], :] += block / stride ** 2
        if close(values, padded(pooled))[0]:
            return [f"Your shortcut averages {stride}x{stride} windows; option A subsamples: it keeps every "
                    f"{stride}th row and column (x[:, ::{stride}, ::{stride}, :]) and changes no value."]
    if close(values[..., :channels], kept)[0]:
        return [f"The {extra} appended channels are not zeros. Option A pads with zeros (keras.ops.pad), so the "
                "new channels of the output carry F(x) alone and the shortcut stays parameter-free."]
    return [f"The shortcut's values differ from option A's, {OPTION_A}, by up to "
            f"{close(values, expected)[1]:.3g} on the check's input."]


def option_a(x, mine, input_shape, kwargs, comparison, result):
    """Check the learner's option A shortcut by its values and mark its line in `result.structure`."""
    steps = (mine.head or []) + (mine.shortcut or [])
    if mine.join is None or mine.shortcut is None or any(getattr(s.op, "weights", None) for s in steps):
        return  # no shortcut to read, or `rules` has named its weights already
    probe = fixed_input(input_shape)
    values = keras.ops.convert_to_numpy(keras.Model(x, steps[-1].tensor if steps else x)(probe, training=False))
    problems = option_a_problems(values, probe, kwargs["filters"], kwargs.get("stride", 1))
    comparison.problems += problems
    for i, line in enumerate(result.structure):
        if line.startswith("shortcut:"):
            if problems:
                tail = result.structure[i + 1:]
                tail = tail[1:] if tail and tail[0].lstrip().startswith("expected:") else tail
                result.structure[i:] = [f"shortcut: {describe(mine.shortcut)}   ✗", f"expected: {OPTION_A}"] + tail
            else:
                tail = result.structure[i + 1:]
                tail = tail[1:] if tail and tail[0].lstrip().startswith("expected:") else tail
                result.structure[i:] = [f"shortcut: {describe(mine.shortcut)}   ✓ {OPTION_A}"] + tail
            break


def merge(first, second, label):
    """Add the second run's findings to the first, marking those it alone found."""
    for problem in second.problems:
        if problem not in first.problems:
            first.problems.append(f"({label}) {problem}")
    # The same advice about other layers (a bias, an epsilon) differs only in the names it lists.
    seen = {note.split("; ", 1)[-1] for note in first.notes}
    first.notes += [note for note in second.notes if note.split("; ", 1)[-1] not in seen]
    if not second.passed:  # show the call that failed, not the one that passed
        first.structure = [f"{label}:"] + [f"  {line}" for line in second.structure] if second.structure else []
    first.incomplete = first.incomplete or second.incomplete
    return first


def run_calls(calls, exercise):
    """Run `compare_block` for each call in turn, merging the verdicts; stop at the first that fails.

    Args:
        calls: (label or None, keyword arguments of compare_block, fact to add when it passes) for each call.

    Returns:
        CheckResult; `incomplete` when a failing call left later ones unmade.
    """
    result = None
    for index, (label, call, fact) in enumerate(calls):
        verdict = compare_block(exercise=exercise, **call)
        result = verdict if result is None else merge(result, verdict, label)
        if not verdict.passed:
            result.incomplete = result.incomplete or index < len(calls) - 1
            return result
        if fact:
            result.facts.append(fact)
    return result


def check_identity_block(fn, filters=CHECK_FILTERS, size=CHECK_SIZE):
    """Check a learner's bottleneck identity block against `resnet_widgets.models.identity_block`.

    The check calls `fn(x, filters=4, name="checked_block")` with x of shape (None, 8, 8, 16).

    Args:
        fn: the learner's function (x, filters, name) -> tensor.
        filters, size: call it with this width instead, on x of shape (None, size, size, 4 * filters).

    Returns:
        CheckResult: `.passed`, `.problems` (each naming the layer and the likely mistake), `.notes`, `.facts`.

    Raises:
        TypeError: if `fn` is not callable, or filters or size is not a whole number.
        ValueError: filters below 1 or size below 2.
        ExerciseNotWritten: `fn` still raises NotImplementedError.
    """
    arguments.function("fn", fn, "your block function, e.g. fn=my_identity_block")
    filters, size = _width_and_size(filters, size)
    shape = (size, size, EXPANSION * filters)

    def reference(x, filters, name):
        return identity_block(x, filters, name=name)

    return compare_block(fn, reference, shape, {"filters": filters, "name": CHECK_NAME}, "identity block",
                         kind=bottleneck(), projection=False)


def check_conv_block(fn, stride_on="1x1", filters=CHECK_FILTERS, size=CHECK_SIZE):
    """Check a learner's convolutional (projection) block against `resnet_widgets.models.conv_block`.

    The check calls `fn(x, filters=4, stride=2, name="checked_block")` with x of shape (None, 8, 8, 8), then
    again with stride=1 (as in conv2, after the max pool), so a hard-coded stride is found too. With
    `stride_on="both"` (notebook 03's exercise) every call also passes `stride_on="1x1"`, and a third call
    `stride_on="3x3"` checks the v1.5 placement of the same function.

    Args:
        fn: the learner's function (x, filters, stride, name) -> tensor; with stride_on="both", it also takes
            stride_on ("1x1" or "3x3").
        stride_on: where the learner's block should put the stride: "1x1" (v1: keras.applications and the
            released Caffe model, the default), "3x3" (v1.5, torchvision), or "both" (fn takes the placement
            as its stride_on argument; both are checked).
        filters, size: call it with this width instead, on x of shape (None, size, size, 2 * filters).

    Returns:
        CheckResult: `.passed`, `.problems`, `.notes`, `.facts`.

    Raises:
        TypeError: if `fn` is not callable, or filters or size is not a whole number.
        ValueError: for a `stride_on` other than "1x1", "3x3" or "both"; filters below 1 or size below 2.
        ExerciseNotWritten: `fn` still raises NotImplementedError.
    """
    arguments.function("fn", fn, "your block function, e.g. fn=my_conv_block")
    arguments.choice("stride_on", stride_on, (*STRIDE_PLACEMENTS, "both"),
                     'the first 1x1 convolution (v1), the 3x3 (v1.5), or "both" (your function takes stride_on)')
    placements = STRIDE_PLACEMENTS if stride_on == "both" else (stride_on,)
    filters, size = _width_and_size(filters, size)

    def reference(x, filters, stride, name, stride_on=placements[0]):
        return conv_block(x, filters, stride=stride, stride_on=stride_on, name=name)

    shape = (size, size, 2 * filters)
    kwargs = {"filters": filters, "stride": 2, "name": CHECK_NAME}
    if stride_on == "both":
        kwargs["stride_on"] = "1x1"
    both = stride_on == "both"
    common = {"fn": fn, "reference_fn": reference, "input_shape": shape,
              "kind": bottleneck(placements[0], placement_argument=both), "projection": True}
    calls = [
        (None, dict(common, kwargs=kwargs), None),
        ("with stride=1", dict(common, kwargs=dict(kwargs, stride=1)),
         "with stride=1 too (as in conv2, after the max pool)"),
    ]
    if stride_on == "both":
        calls.append(("with stride_on='3x3'", dict(common, kind=bottleneck("3x3", True), kwargs=dict(kwargs, stride_on="3x3")),
                      "with stride_on='3x3' too: v1.5, the stride on the 3x3 convolution and the projection"))
    exercise = "convolutional block (v1 and v1.5)" if stride_on == "both" else f"convolutional block (stride on the {stride_on})"
    return run_calls(calls, exercise)


def check_basic_block(fn, shortcut="projection", filters=2 * CHECK_FILTERS, size=CHECK_SIZE):
    """Check a learner's basic block (two 3x3 convolutions) against `resnet_widgets.models.basic_block`.

    With the default `shortcut="projection"` the reference uses option B: a 1x1 projection with BN where the
    shape changes, the identity elsewhere (He et al. 2015, sec. 3.3). The check calls
    `fn(x, filters=8, stride=2, name="checked_block")` with x of shape (None, 8, 8, 4) (a projection with a
    stride), then `fn(x, filters=8, stride=1, ...)` with x of shape (None, 8, 8, 8) (the identity), then with x
    of shape (None, 8, 8, 4) (a projection for the channels alone).
    With `shortcut="both"` (notebook 01a's exercise) those calls also pass `shortcut="projection"`, and three
    more pass `shortcut="zero_pad"`, the paper's option A (x subsampled by the stride, zero channels appended
    after x's own, no weights): stride 2 on (None, 8, 8, 4), stride 1 on (None, 8, 8, 4), and stride 2 with
    filters=10 on (None, 9, 9, 6), so a stride or a padding fitted to the first call is found.
    The reference's convolutions have no bias and its BN uses epsilon=1.001e-5; since no official weights bind
    to a basic block, a bias, another epsilon or other layer names are notes, not problems.

    Args:
        fn: the learner's function (x, filters, stride=1, name="block") -> tensor; with shortcut="both" it also
            takes shortcut ("projection" or "zero_pad").
        shortcut: "projection" (option B only, the default) or "both" (fn takes the option as its `shortcut`
            argument; both are checked).
        filters, size: call it with this width (an even number) instead of 8, on inputs of side `size` instead of
            8 (the narrow inputs then have filters // 2 channels; option A's last call filters + 2 on side size + 1).

    Returns:
        CheckResult: `.passed`, `.problems`, `.notes`, `.facts`.

    Raises:
        TypeError: if `fn` is not callable, or filters or size is not a whole number.
        ValueError: for a `shortcut` other than "projection" or "both"; odd filters or filters below 2; size
            below 2.
        ExerciseNotWritten: `fn` still raises NotImplementedError.
    """
    arguments.function("fn", fn, "your block function, e.g. fn=my_basic_block")
    arguments.choice("shortcut", shortcut, ("projection", "both"),
                     'option B alone, or "both" (your function takes shortcut="projection" or "zero_pad")')
    filters, size = _width_and_size(filters, size, minimum_filters=2)
    if filters % 2:
        raise ValueError(f"filters must be an even number (the narrow input has filters // 2 channels); received "
                         f"{filters}")
    both = shortcut == "both"

    def reference(x, filters, stride, name, shortcut="projection"):
        return basic_block(x, filters, stride=stride, shortcut=shortcut, name=name)

    def call(input_shape, stride, projection, option="projection", width=filters, kind=BASIC):
        kwargs = {"filters": width, "stride": stride, "name": CHECK_NAME}
        if both:
            kwargs["shortcut"] = option
        return {"fn": fn, "reference_fn": reference, "kind": kind, "input_shape": input_shape,
                "projection": projection, "kwargs": kwargs}

    narrow = (size, size, filters // 2)
    calls = [
        (None, call(narrow, 2, True), None),
        ("with stride=1 and the same channels", call((size, size, filters), 1, False),
         "with stride=1 and the input's channels too: the shortcut is x itself"),
        ("with stride=1 and new channels", call(narrow, 1, True),
         "with stride=1 and new channels too: the projection follows the channels"),
    ]
    if both:
        calls += [
            ("with shortcut='zero_pad'", call(narrow, 2, False, "zero_pad", kind=BASIC_A),
             "with shortcut='zero_pad' too: option A subsamples x and appends zero channels, no weights"),
            ("with shortcut='zero_pad' and stride=1", call(narrow, 1, False, "zero_pad", kind=BASIC_A),
             "with shortcut='zero_pad' and stride=1 too: zero channels alone"),
            (f"with shortcut='zero_pad', filters={filters + 2} on {size + 1}x{size + 1}x{filters // 2 + 2}",
             call((size + 1, size + 1, filters // 2 + 2), 2, False, "zero_pad", width=filters + 2, kind=BASIC_A),
             f"with filters={filters + 2} on a {size + 1}x{size + 1}x{filters // 2 + 2} input too: stride and "
             "padding follow the arguments"),
        ]
    return run_calls(calls, "basic block (options B and A)" if both else "basic block")


def check_preact_block(fn, filters=CHECK_FILTERS, size=CHECK_SIZE):
    """Check a learner's v2 pre-activation block against `resnet_widgets.models.preact_block`.

    keras.applications' layout (He et al. 2016, Fig. 4e; TF-slim's downsampling): BN and ReLU before the
    convolutions, nothing after the addition, the projection (conv_shortcut=True) reading the pre-activated
    input, and a stage's last block subsampling its shortcut with a 1x1 max pool. The check calls, with
    filters=4 and name="checked_block": `fn(x, filters, stride=1, conv_shortcut=True, ...)` on x of shape
    (None, 8, 8, 8), then `fn(x, filters, stride=1, conv_shortcut=False, ...)` and
    `fn(x, filters, stride=2, conv_shortcut=False, ...)` on x of shape (None, 8, 8, 16).

    Args:
        fn: the learner's function (x, filters, stride=1, conv_shortcut=False, name="block") -> tensor.
        filters, size: call it with this width instead, on inputs of side `size` (2 * filters, then 4 * filters
            channels).

    Returns:
        CheckResult: `.passed`, `.problems`, `.notes`, `.facts`.

    Raises:
        TypeError: if `fn` is not callable, or filters or size is not a whole number.
        ValueError: filters below 1 or size below 2.
        ExerciseNotWritten: `fn` still raises NotImplementedError.
    """
    arguments.function("fn", fn, "your block function, e.g. fn=my_preact_block")
    filters, size = _width_and_size(filters, size)

    def reference(x, filters, stride, conv_shortcut, name):
        return preact_block(x, filters, stride=stride, conv_shortcut=conv_shortcut, name=name)

    def call(channels, stride, conv_shortcut):
        return {"fn": fn, "reference_fn": reference, "kind": PREACT, "projection": conv_shortcut,
                "input_shape": (size, size, channels),
                "kwargs": {"filters": filters, "stride": stride, "conv_shortcut": conv_shortcut,
                           "name": CHECK_NAME}}

    wide = EXPANSION * filters
    return run_calls([
        (None, call(2 * filters, 1, True), None),
        ("with conv_shortcut=False", call(wide, 1, False),
         "with conv_shortcut=False too: the shortcut is x itself"),
        ("with stride=2 and conv_shortcut=False", call(wide, 2, False),
         "with stride=2 too: the shortcut subsamples x with a 1x1 max pool, as a stage's last block does"),
    ], "pre-activation block")
