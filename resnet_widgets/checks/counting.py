"""The counting exercises of notebook 05: `check_stage_parameters`, a v1 stage's parameters by formula, and
`check_stage_multiply_adds`, its multiply-adds on a map of a given side and stride (the exercise the notebook
asks for: its walkthrough prints the parameter formulas, not a strided stage's multiply-adds).

The learner writes `my_stage_parameters(channels_in, filters, blocks)`: the parameters of one v1 stage (a
convolutional block whose input has `channels_in` channels, then `blocks - 1` identity blocks), with no
model built. The check compares it with `models.costs.bottleneck_cost`, which counts each block layer by
layer, on five stages of the family. When every answer matches a typical wrong count (biases left out,
BN's moving statistics forgotten, the projection forgotten, ...), the check names that mistake.
"""

import traceback

from .. import arguments
from ..models.blocks import EXPANSION
from ..models.costs import bottleneck_cost, halved
from .verdict import CheckResult, ExerciseNotWritten

# (where in the family, channels_in, filters, blocks)
STAGES = (
    ("conv2 of ResNet50", 64, 64, 3),
    ("conv3 of ResNet50", 256, 128, 4),
    ("conv4 of ResNet101", 512, 256, 23),
    ("conv3 of ResNet152", 256, 128, 8),
    ("conv5 of ResNet50", 1024, 512, 3),
)


def stage_parameters(channels_in, filters, blocks):
    """The reference: a v1 stage's parameters, block by block as `models.blocks` builds them."""
    first = bottleneck_cost(channels_in, filters, 8, projection=True).params
    return first + (blocks - 1) * bottleneck_cost(EXPANSION * filters, filters, 8).params


def _count(c, f, n, bias=True, bn=4, projection=True, projection_bn=True, first_in=None, expansion=EXPANSION,
           projected_blocks=1):
    """A stage counted with one typical mistake (the keyword that differs from the default)."""
    out = expansion * f

    def block(c_in, projected):
        total = c_in * f + 9 * f * f + f * out + (f + f + out if bias else 0)
        total += bn * (f + f + out)
        if projected:
            total += c_in * out + (out if bias else 0) + (bn * out if projection_bn else 0)
        return total

    first = block(first_in(c, f) if first_in else c, projection)
    later = [block(out, projected_blocks > 1) for _ in range(n - 1)]
    return first + sum(later)


# Typical wrong counts, each with what the learner most likely did; the first that fits every stage is named.
MISTAKES = (
    (lambda c, f, n: _count(c, f, n, bias=False),
     "Your counts leave out the convolutions' biases: keras.applications' v1 convolutions have one per output "
     "channel (f, f and 4f in the branch, 4f in the projection)."),
    (lambda c, f, n: _count(c, f, n, bn=2),
     "Your counts give each BatchNormalization 2 numbers per channel (gamma and beta); it holds 4: the moving "
     "mean and variance are parameters too (non-trainable, but in count_params() and in the weight files)."),
    (lambda c, f, n: _count(c, f, n, bn=0),
     "Your counts leave out BatchNormalization: 4 numbers per channel (gamma, beta, moving mean, moving "
     "variance) after every convolution."),
    (lambda c, f, n: _count(c, f, n, projection=False),
     "Your counts leave out the projection shortcut of the first block: a 1x1 convolution from c to 4f "
     "channels (4cf weights, 4f biases) and its BN (16f)."),
    (lambda c, f, n: _count(c, f, n, projection_bn=False),
     "Your counts leave out the BN after the projection (16f: 4 numbers for each of its 4f channels)."),
    (lambda c, f, n: _count(c, f, n, first_in=lambda c, f: EXPANSION * f),
     "Your first block reads 4f channels; its input has c = channels_in channels (64 from the stem in conv2, "
     "2f from the previous stage elsewhere), which changes its first 1x1 convolution and its projection."),
    (lambda c, f, n: _count(c, f, n, projection=False, first_in=lambda c, f: EXPANSION * f),
     "You counted every block as an identity block (17f² + 30f each): the first block of a stage has c input "
     "channels and a projection shortcut (13f² + 5cf + 50f)."),
    (lambda c, f, n: _count(c, f, n, projected_blocks=n),
     "You gave every block a projection; only the first block of a stage has one, where the shape changes."),
    (lambda c, f, n: _count(c, f, n, expansion=1),
     "Your last 1x1 convolution restores f channels; it restores 4f (the bottleneck's expansion), and the "
     "projection and the BN after it have 4f channels too."),
    (lambda c, f, n: _count(c, f, n - 1) if n > 1 else None,
     "Your counts are one block short: a stage of `blocks` blocks has 1 convolutional block and blocks - 1 "
     "identity blocks."),
    (lambda c, f, n: _count(c, f, n + 1),
     "Your counts are one block too many: a stage of `blocks` blocks has 1 convolutional block and blocks - 1 "
     "identity blocks."),
)


def _unwritten(error, name):
    frames = traceback.extract_tb(error.__traceback__)
    return ExerciseNotWritten(frames[-1].name if frames and frames[-1].name != "<module>" else name)


def _compare_counts(fn, exercise, stages, reference, mistakes, what, unit, advice):
    """Call `fn(*arguments)` for each stage, compare with `reference(*arguments)`, and name a typical mistake.

    Args:
        stages: (where, arguments) for each call.
        mistakes: (wrong count function or None-returning, message); the first that fits every answer is named.
        what: what a count is, for the messages ("a parameter count"); unit: what it counts ("parameters").
        advice: the note when no typical mistake fits.
    """
    result = CheckResult(exercise)
    name = getattr(fn, "__name__", "fn")
    answers, wrong = [], []
    for where, args in stages:
        shown = f"{name}({', '.join(map(str, args))})"
        try:
            answer = fn(*args)
        except NotImplementedError as error:
            raise _unwritten(error, name) from None
        except Exception as error:
            result.problems.append(f"{shown} raised {type(error).__name__}: {error}")
            result.incomplete = True
            return result
        try:
            answer = arguments.whole_number(shown, answer, minimum=0, meaning=what)
        except (TypeError, ValueError):
            result.problems.append(f"{shown} returned {answer!r}; {what} is a whole number (use // rather than /, "
                                   "and no rounding).")
            result.incomplete = True
            return result
        expected = reference(*args)
        answers.append(answer)
        label = f"{where} ({', '.join(map(str, args))})"
        if answer == expected:
            result.structure.append(f"{label}: {answer:,}   ✓")
        else:
            wrong.append(where)
            result.structure.append(f"{label}: {answer:,}   ✗ the layers hold {expected:,} ({answer - expected:+,})")
    if not wrong:
        result.facts.append(f"the same count as the layers themselves on all {len(stages)} stages, from "
                            f"{min(answers):,} to {max(answers):,} {unit}")
        return result
    mistake = next((text for count, text in mistakes
                    if all(count(*args) == answer for (_, args), answer in zip(stages, answers))), None)
    result.problems.append(f"Your count differs from the layers' on {len(wrong)} of the {len(stages)} stages "
                           f"({', '.join(wrong)}).")
    if mistake:
        result.problems.append(mistake)
    else:
        result.notes.append(advice)
    return result


def check_stage_parameters(fn):
    """Check a learner's closed-form parameter count of a v1 stage against a layer-by-layer count.

    The check calls `fn(channels_in, filters, blocks)` for five stages of the family (conv2, conv3 and conv5
    of ResNet50, conv4 of ResNet101, conv3 of ResNet152).

    Args:
        fn: the learner's function (channels_in, filters, blocks) -> int.

    Returns:
        CheckResult: `.passed`, `.problems` (the stages that differ, and the likely mistake), `.facts`.

    Raises:
        TypeError: if `fn` is not callable.
        ExerciseNotWritten: `fn` still raises NotImplementedError.
    """
    arguments.function("fn", fn, "your counting function, e.g. fn=my_stage_parameters")
    return _compare_counts(
        fn, "stage parameters", [(where, (c, f, n)) for where, c, f, n in STAGES], stage_parameters, MISTAKES,
        "a parameter count", "parameters",
        "Count one block layer by layer first (sections 2 and 3): each convolution has k²·c_in·c_out weights plus "
        "c_out biases, each BN 4 numbers per channel.")


# (where in the family, channels_in, filters, blocks, side of the stage's input map, stride of its first block).
# The last two are ResNet50 at 225x225 (section 5), where the sides are odd.
MAC_STAGES = (
    ("conv2 of ResNet50", 64, 64, 3, 56, 1),
    ("conv3 of ResNet50", 256, 128, 4, 56, 2),
    ("conv4 of ResNet101", 512, 256, 23, 28, 2),
    ("conv5 of ResNet152", 1024, 512, 3, 14, 2),
    ("conv3 of ResNet50 at 225x225", 256, 128, 4, 57, 2),
    ("conv4 of ResNet50 at 225x225", 512, 256, 6, 29, 2),
)


def _stages(stages):
    """[(where, (channels_in, filters, blocks, side, stride)), ...] from stages written as MAC_STAGES is."""
    if not isinstance(stages, (tuple, list)) or not stages:
        raise TypeError("stages must be a non-empty tuple of (where, channels_in, filters, blocks, side, stride); "
                        f"received {stages!r}")
    checked = []
    for index, stage in enumerate(stages):
        if not isinstance(stage, (tuple, list)) or len(stage) != 6 or not isinstance(stage[0], str):
            raise TypeError(f"stages[{index}] must be (where, channels_in, filters, blocks, side, stride); "
                            f"received {stage!r}")
        where, *numbers = stage
        numbers = [arguments.whole_number(f"stages[{index}][{k + 1}]", value, minimum=1)
                   for k, value in enumerate(numbers)]
        arguments.choice(f"stages[{index}][5]", numbers[-1], (1, 2), "the stage's stride")
        checked.append((where, tuple(numbers)))
    return checked


def stage_multiply_adds(channels_in, filters, blocks, side, stride):
    """The reference: a v1 stage's convolution multiply-adds, block by block as `models.blocks` builds them."""
    first = bottleneck_cost(channels_in, filters, side, stride=stride, projection=True).macs
    return first + (blocks - 1) * bottleneck_cost(EXPANSION * filters, filters, halved(side) if stride == 2 else side).macs


def _macs(c, f, n, side, stride, out_side=None, first_1x1_at_input=False, projection=True, biases=False,
          later_side=None, first_as_identity=False, blocks=None):
    """A stage's multiply-adds counted with one typical mistake (the keyword that differs from the default)."""
    s = out_side(side, stride) if out_side else (halved(side) if stride == 2 else side)
    out = EXPANSION * f

    def block(c_in, at, projected, reduce_at=None):
        reduce_at = at if reduce_at is None else reduce_at
        total = c_in * f * reduce_at ** 2 + (9 * f * f + f * out) * at ** 2
        if projected:
            total += c_in * out * at ** 2
        if biases:
            total += (f + f + out + (out if projected else 0)) * at ** 2
        return total

    first = (block(out, s, False) if first_as_identity
             else block(c, s, projection, reduce_at=side if first_1x1_at_input else None))
    later_at = later_side if later_side is not None else s
    return first + ((n if blocks is None else blocks) - 1) * block(out, later_at, False)


MAC_MISTAKES = (
    (lambda c, f, n, side, st: _macs(c, f, n, side, st, out_side=lambda side, st: side),
     "You counted every convolution at the stage's input side. With stride 2 the first block's first 1x1 "
     "convolution and its projection already output the halved map, so every convolution of the stage runs at "
     "the output side: a quarter of the positions."),
    (lambda c, f, n, side, st: _macs(c, f, n, side, st, out_side=lambda side, st: side // st),
     "Your counts are right on even sides and wrong on odd ones (ResNet50 at 225x225): a stride-2 1x1 "
     "convolution keeps rows 0, 2, 4, ..., so an odd side of 57 gives 29, not 57 // 2 = 28. The output side is "
     "(side + 1) // 2, the ceiling of side / 2."),
    (lambda c, f, n, side, st: _macs(c, f, n, side, st, first_1x1_at_input=True),
     "You counted the first 1x1 convolution at the input side: that is v1.5, with the stride on the 3x3 "
     "(notebook 03). In v1, which these stages are, the stride sits on the first 1x1 convolution, so it already "
     "runs at the output side."),
    (lambda c, f, n, side, st: _macs(c, f, n, side, st, projection=False),
     "Your counts leave out the projection shortcut of the first block: a 1x1 convolution from c to 4f channels "
     "at the output side, 4cf·s² multiply-adds."),
    (lambda c, f, n, side, st: _macs(c, f, n, side, st, first_as_identity=True),
     "You counted every block as an identity block (17f²·s² each): the first block of a stage reads c channels "
     "and has a projection shortcut, (13f² + 5cf)·s²."),
    (lambda c, f, n, side, st: _macs(c, f, n, side, st, biases=True),
     "You counted a multiply-add for each bias: a bias is one addition per output value, with no "
     "multiplication, and multiply-adds count the weights' products (k²·c_in·c_out per position)."),
    (lambda c, f, n, side, st: _macs(c, f, n, side, st, later_side=side),
     "Your later blocks run at the stage's input side; only the first block strides, and every block after it "
     "works on the halved map that it outputs."),
    (lambda c, f, n, side, st: _macs(c, f, n, side, st, blocks=n - 1) if n > 1 else None,
     "Your counts are one block short: a stage of `blocks` blocks has 1 convolutional block and blocks - 1 "
     "identity blocks."),
    (lambda c, f, n, side, st: _macs(c, f, n, side, st, blocks=n + 1),
     "Your counts are one block too many: a stage of `blocks` blocks has 1 convolutional block and blocks - 1 "
     "identity blocks."),
    (lambda c, f, n, side, st: stage_parameters(c, f, n),
     "Your function returns the stage's parameters; the exercise asks for its multiply-adds: each weight of a "
     "convolution is used once per output position, so multiply by s²."),
)


def check_stage_multiply_adds(fn, stages=MAC_STAGES):
    """Check a learner's count of a v1 stage's convolution multiply-adds against a layer-by-layer count.

    The check calls `fn(channels_in, filters, blocks, side, stride)` for six stages (`MAC_STAGES`): four of
    the family at 224x224, and conv3 and conv4 of ResNet50 at 225x225, whose odd sides (57, 29) find an output
    side rounded the wrong way. Multiply-adds are the convolutions' weight products, as `variant_cost(...).macs`
    counts them: BN, biases and the additions are not counted.

    Args:
        fn: the learner's function (channels_in, filters, blocks, side, stride) -> int.
        stages: the stages to call it with, as `MAC_STAGES` writes them: (where, channels_in, filters, blocks,
            side, stride); others in nbgrader's hidden tests.

    Returns:
        CheckResult: `.passed`, `.problems` (the stages that differ, and the likely mistake), `.facts`.

    Raises:
        TypeError: if `fn` is not callable, or `stages` is not a non-empty tuple of such entries.
        ValueError: a stage's number is out of range (stride other than 1 or 2, a count below 1).
        ExerciseNotWritten: `fn` still raises NotImplementedError.
    """
    arguments.function("fn", fn, "your counting function, e.g. fn=my_stage_multiply_adds")
    return _compare_counts(
        fn, "stage multiply-adds", _stages(stages), stage_multiply_adds,
        MAC_MISTAKES, "a multiply-add count", "multiply-adds",
        "Count one block layer by layer first (sections 2 and 3): a k x k convolution from c_in to c_out channels "
        "computes k²·c_in·c_out multiply-adds at each of the s² positions of its output.")
