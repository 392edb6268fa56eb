"""The counting exercise of notebook 05: `check_stage_parameters`, a v1 stage's parameters by formula.

The learner writes `my_stage_parameters(channels_in, filters, blocks)`: the parameters of one v1 stage (a
convolutional block whose input has `channels_in` channels, then `blocks - 1` identity blocks), with no
model built. The check compares it with `models.costs.bottleneck_cost`, which counts each block layer by
layer, on five stages of the family. When every answer matches a typical wrong count (biases left out,
BN's moving statistics forgotten, the projection forgotten, ...), the check names that mistake.
"""

import traceback

from .. import arguments
from ..models.blocks import EXPANSION
from ..models.costs import bottleneck_cost
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
    result = CheckResult("stage parameters")
    name = getattr(fn, "__name__", "fn")
    answers, wrong = [], []
    for where, c, f, n in STAGES:
        try:
            answer = fn(c, f, n)
        except NotImplementedError as error:
            frames = traceback.extract_tb(error.__traceback__)
            raise ExerciseNotWritten(frames[-1].name if frames and frames[-1].name != "<module>" else name) from None
        except Exception as error:
            result.problems.append(f"{name}({c}, {f}, {n}) raised {type(error).__name__}: {error}")
            result.incomplete = True
            return result
        try:
            answer = arguments.whole_number(f"{name}({c}, {f}, {n})", answer, minimum=0,
                                            meaning="a parameter count")
        except (TypeError, ValueError):
            result.problems.append(f"{name}({c}, {f}, {n}) returned {answer!r}; a parameter count is a whole "
                                   "number (use // rather than /, and no rounding).")
            result.incomplete = True
            return result
        expected = stage_parameters(c, f, n)
        answers.append(answer)
        if answer == expected:
            result.structure.append(f"{where} ({c}, {f}, {n}): {answer:,}   ✓")
        else:
            wrong.append(where)
            result.structure.append(f"{where} ({c}, {f}, {n}): {answer:,}   ✗ the layers hold {expected:,} "
                                    f"({answer - expected:+,})")
    if not wrong:
        result.facts.append(f"the same count as the layers themselves on all {len(STAGES)} stages, from "
                            f"{min(answers):,} to {max(answers):,} parameters")
        return result
    mistake = next((text for count, text in MISTAKES
                    if all(count(c, f, n) == answer for (_, c, f, n), answer in zip(STAGES, answers))), None)
    result.problems.append(f"Your count differs from the layers' on {len(wrong)} of the {len(STAGES)} stages "
                           f"({', '.join(wrong)}).")
    if mistake:
        result.problems.append(mistake)
    else:
        result.notes.append("Count one block layer by layer first (sections 2 and 3): each convolution has "
                            "k²·c_in·c_out weights plus c_out biases, each BN 4 numbers per channel.")
    return result
