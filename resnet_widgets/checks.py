"""Feedback on the learner's exercise code: what is wrong, where, and why it matters.

    from resnet_widgets.checks import check_identity_block, check_conv_block, check_resnet50
    check_identity_block(my_identity_block)      # displays a verdict; .passed and .problems for code

How a block is checked (in the spirit of deeplearning.ai's checks, made specific):
1. The learner's function and our reference (resnet_widgets.models) each build a block on the same
   symbolic input. A build error is read for its cause (two branches of different shapes: which one?).
2. The learner's graph is read back from its output: the layers after the addition, the addition, and
   its two branches (shortcut and residual). Each is compared with the reference's, convolution by
   convolution: kernel, filters, stride, padding, bias, then the BN and ReLU that follow it, then names.
3. Both blocks get the same deterministic weights (a fixed value per weight role and shape, so layer
   names play no part) and run on one fixed input in inference mode; their outputs must agree.

Every check is a pure function of the learner's code, returns a `CheckResult`, and runs on any Keras
backend (TensorFlow, JAX).
"""

import functools
import html
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field

import keras
import numpy as np
from keras import layers

from . import keras_internals
from .models.blocks import BN_EPSILON, EXPANSION, check_stride_on, conv_block, identity_block
from .models.family import FAMILY, STAGE_NAMES

# The block the checks build: small enough to run in a blink, big enough that every channel count
# differs (input 8 vs bottleneck 4 vs output 16), so a wrong width can be named precisely.
CHECK_NAME = "checked_block"
CHECK_FILTERS = 4
CHECK_SIZE = 8
TOLERANCE = 1e-4  # float32 sums in a different order differ by ~1e-6; a real mistake differs by ~0.1

KIND_NAMES = {"conv": "Conv2D", "bn": "BatchNormalization", "relu": "ReLU", "add": "Add"}


# ----------------------------------------------------------------------------------------------------------
# The verdict
# ----------------------------------------------------------------------------------------------------------


@dataclass
class CheckResult:
    """The verdict on one exercise.

    Attributes:
        exercise: what was checked, e.g. "identity block".
        problems: what must change, one sentence each, naming the layer and the likely mistake.
        notes: advice that does not fail the check (e.g. names of layers that hold no weights).
        facts: what the check measured (shapes, parameter counts, output agreement).
        structure: the learner's block as the check read it, one line per part.
    """

    exercise: str
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    facts: list = field(default_factory=list)
    structure: list = field(default_factory=list)

    @property
    def passed(self):
        return not self.problems

    @property
    def headline(self):
        """One line: passed, or how many problems there are."""
        title = self.exercise[:1].upper() + self.exercise[1:]
        if self.passed:
            return f"{title}: passed. Well done!"
        count = len(self.problems)
        return f"{title}: {count} problem{'s' if count > 1 else ''} to fix."

    def __str__(self):
        lines = [self.headline]
        lines += [f"  ✓ {fact}" for fact in self.facts]
        if self.problems:
            lines.append("Problems:")
            lines += [f"  {i}. {problem}" for i, problem in enumerate(self.problems, 1)]
        if self.notes:
            lines.append("Notes:")
            lines += [f"  - {note}" for note in self.notes]
        if self.structure:
            lines.append("What the check saw:")
            lines += [f"  {line}" for line in self.structure]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        colour = "#1a7f37" if self.passed else "#cf222e"

        def text(s):  # `name` in a message becomes <code>name</code>
            return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(s))

        def section(title, items, tag="ul"):
            if not items:
                return ""
            entries = "".join(f"<li>{text(item)}</li>" for item in items)
            return f"<div><b>{title}</b><{tag} style='margin:2px 0'>{entries}</{tag}></div>"

        facts = "".join(f"<div>✓ {text(fact)}</div>" for fact in self.facts)
        seen = "".join(f"<div><code>{html.escape(line)}</code></div>" for line in self.structure)
        seen = f"<details><summary>What the check saw</summary>{seen}</details>" if seen else ""
        return (
            f"<div style='border-left:4px solid {colour};padding:4px 10px;margin:4px 0'>"
            f"<div style='color:{colour};font-weight:bold'>{html.escape(self.headline)}</div>"
            f"{facts}{section('Problems', self.problems, 'ol')}{section('Notes', self.notes)}{seen}</div>"
        )


# ----------------------------------------------------------------------------------------------------------
# Reading a functional graph back from its output
# ----------------------------------------------------------------------------------------------------------


@dataclass
class _Step:
    """One operation on a path through the block, with the tensor it produced."""

    op: object
    tensor: object

    @property
    def kind(self):
        return _kind(self.op)

    @property
    def name(self):
        return self.op.name

    def describe(self):
        if self.kind == "conv":
            k, s = self.op.kernel_size, self.op.strides
            stride = f", stride {s[0]}" if s != (1, 1) else ""
            return f"{k[0]}x{k[1]} conv ({self.op.filters}{stride})"
        return {"bn": "BN", "relu": "ReLU", "add": "add"}.get(self.kind, type(self.op).__name__)


def _kind(op):
    name = type(op).__name__
    if isinstance(op, layers.Conv2D) and type(op) is layers.Conv2D:
        return "conv"
    if isinstance(op, layers.BatchNormalization):
        return "bn"
    if isinstance(op, layers.Activation):
        return "relu" if getattr(op.activation, "__name__", "") == "relu" else "activation"
    if isinstance(op, layers.ReLU):
        plain = op.max_value is None and not op.negative_slope and not op.threshold
        return "relu" if plain else "activation"
    if name in ("Relu", "ReLU"):  # keras.ops.relu / keras.activations.relu on a symbolic tensor
        return "relu"
    if name == "Add":  # layers.Add, or `a + b` (keras.ops.add)
        return "add"
    return "other"


def _producer(tensor):
    """(operation, its input tensors) for a symbolic tensor."""
    operation, node = keras_internals.producer(tensor)
    return operation, list(node.input_tensors)


def _walk_back(tensor, start):
    """Steps from `start` (exclusive) to `tensor`, following single-input operations backwards.

    Returns (steps in forward order, the tensor where the walk stopped): `start`, a graph input, or the
    output of an operation with several inputs (an addition).
    """
    steps = []
    while tensor is not start:
        op, inputs = _producer(tensor)
        if isinstance(op, layers.InputLayer) or len(inputs) != 1:
            break
        steps.append(_Step(op, tensor))
        tensor = inputs[0]
    return steps[::-1], tensor


@dataclass
class _Structure:
    """A residual block read back from its graph: out = tail(join(shortcut, residual))."""

    tail: list  # steps after the join (expected: one ReLU)
    join: object = None  # the _Step that merges the branches, or None if there is none
    shortcut: list = None
    residual: list = None
    problems: list = field(default_factory=list)  # wiring problems found while reading


def _read_block(block_input, output):
    tail, stop = _walk_back(output, block_input)
    if stop is block_input:
        return _Structure(tail=tail, residual=tail)
    op, inputs = _producer(stop)
    structure = _Structure(tail=tail, join=_Step(op, stop))
    if structure.join.kind != "add":
        structure.problems.append(
            f"The two branches meet in a {type(op).__name__} (`{op.name}`); a residual block adds them: "
            "F(x) + x (He et al. 2015, eq. 1). Use layers.Add."
        )
    if len(inputs) != 2:
        structure.problems.append(f"The addition `{op.name}` has {len(inputs)} inputs; it adds exactly two: "
                                  "the shortcut and the residual branch F(x).")
        return structure
    if inputs[0] is inputs[1]:
        structure.problems.append(
            f"The addition `{op.name}` adds one tensor to itself, so the shortcut is lost. Keep the block's input "
            "in its own variable (`shortcut = x`) before `x` is overwritten by the convolutions, and add that."
        )
        return structure
    branches = []
    for tensor in inputs:
        steps, stop = _walk_back(tensor, block_input)
        if stop is not block_input:
            structure.problems.append(
                f"One input of the addition (`{keras_internals.producer(tensor)[0].name}`) does not come from the "
                "block's input through a simple chain of layers; both branches start at x."
            )
            return structure
        branches.append(steps)
    # The shortcut is the branch with fewer convolutions (identity: none; projection: one).
    branches.sort(key=lambda steps: (sum(s.kind == "conv" for s in steps), len(steps)))
    structure.shortcut, structure.residual = branches
    shared = [s for s in structure.shortcut if any(s.op is r.op for r in structure.residual)]
    if shared:
        structure.problems.append(
            f"The shortcut is taken from inside the residual branch, after `{shared[-1].name}`, instead of from the "
            "block's input. Save `shortcut = x` before the first convolution."
        )
    return structure


def _describe(steps):
    return " → ".join(s.describe() for s in steps) if steps else "x (identity)"


# ----------------------------------------------------------------------------------------------------------
# Comparing a learner's block with the reference
# ----------------------------------------------------------------------------------------------------------


def _ordinal(i):
    return ("first", "second", "third", "fourth", "fifth")[i] if i < 5 else f"#{i + 1}"


def _conv_role(mine, index, count, shortcut):
    """How the course names a convolution by its place in the block: "the 3x3 convolution (`b_2_conv`)"."""
    if shortcut:
        what = "the projection"
    elif count == len(_RESIDUAL_ROLES):
        what = _RESIDUAL_ROLES[index]
    else:
        what = f"the {_ordinal(index)} convolution"
    return f"{what} (`{mine.name}`)"


_RESIDUAL_ROLES = ("the first 1x1 convolution (reduce)", "the 3x3 convolution", "the last 1x1 convolution (restore)")


def _groups(steps):
    """Split a branch into the steps before the first convolution and one group per convolution."""
    leading, groups = [], []
    for step in steps:
        if step.kind == "conv":
            groups.append([step])
        elif groups:
            groups[-1].append(step)
        else:
            leading.append(step)
    return leading, groups


class _Comparison:
    """Collects problems, notes and name pairs while a learner's block is compared with ours."""

    def __init__(self, filters, stride=1, stride_on=None):
        self.filters = filters
        self.stride = stride
        self.stride_on = stride_on
        self.problems, self.notes = [], []
        self.pairs = []  # (learner step, reference step), for the name check
        self.without_bias, self.wrong_epsilon = [], []  # reported once for all layers concerned

    def conv(self, mine, ref, role, last, shortcut=False):
        a, b = mine.op, ref.op
        if a.kernel_size != b.kernel_size:
            self.problems.append(f"{role} has a {a.kernel_size[0]}x{a.kernel_size[1]} kernel; "
                                 f"it should be {b.kernel_size[0]}x{b.kernel_size[1]}.")
        if a.filters != b.filters:
            if last and a.filters == self.filters:
                self.problems.append(
                    f"{role} has {a.filters} filters: the 4x expansion is missing. The last 1x1 convolution "
                    f"restores 4 * filters = {b.filters} channels, so F(x) has the shape of the block's output.")
            else:
                self.problems.append(f"{role} has {a.filters} filters; it should have {b.filters}.")
        if a.kernel_size != (1, 1) and a.padding != b.padding:
            self.problems.append(f"{role} uses padding='{a.padding}'; use padding='{b.padding}' so that the 3x3 "
                                 "convolution keeps the height and width.")
        for option in ("dilation_rate", "groups"):
            if getattr(a, option, None) != getattr(b, option, None):
                self.problems.append(f"{role} has {option}={getattr(a, option)}; ResNet uses the default "
                                     f"{getattr(b, option)}.")
        if shortcut and a.strides != b.strides:
            self._stride_problem(mine, b.strides)
        if a.use_bias != b.use_bias:
            self.without_bias.append(a.name)
        activation = getattr(a.activation, "__name__", "linear")
        if activation != "linear":
            self.problems.append(
                f"{role} has activation='{activation}' built in, so it acts before BatchNormalization. Keep the "
                "convolution linear (the default) and apply the ReLU after BN: conv → BN → ReLU.")
        self.pairs.append((mine, ref))

    def bn(self, mine, ref):
        a = mine.op
        if abs(a.epsilon - BN_EPSILON) > 1e-9:
            self.wrong_epsilon.append((a.name, a.epsilon))
        if a.axis not in (-1, 3, [3], [-1]):
            self.problems.append(f"`{a.name}` normalises over axis {a.axis}; BN in a CNN normalises each channel "
                                 "(axis=3, the last axis, with channels_last).")
        if not (a.center and a.scale):
            self.problems.append(f"`{a.name}` has center={a.center}, scale={a.scale}; ResNet's BN learns both "
                                 "beta and gamma.")
        self.pairs.append((mine, ref))

    def branch(self, mine, ref, shortcut):
        """Compare one branch (a list of steps) with the reference's, convolution by convolution."""
        where = "shortcut" if shortcut else "residual branch"
        if shortcut and not ref and mine:
            self.problems.append(
                f"The shortcut of an identity block is x itself, unchanged; yours goes through {_describe(mine)}. "
                "A projection belongs in the convolutional block (notebook 03), where the shape changes.")
            return
        if shortcut and ref and not mine:
            self.problems.append(
                f"The projection shortcut is missing: the shortcut is x unchanged. When the shape changes, x must be "
                f"projected by a 1x1 convolution with 4 * filters channels and the block's stride, then BN "
                f"(`{ref[0].name}`, `{ref[1].name}`), He et al. 2015, eq. 2.")
            return
        leading, groups = _groups(mine)
        ref_leading, ref_groups = _groups(ref)
        if leading and not ref_leading:
            self.problems.append(
                f"The {where} starts with {_describe(leading)} before its first convolution. That is the v2 "
                "pre-activation order (notebook 06); the v1 block starts with the 1x1 convolution.")
        if len(groups) != len(ref_groups):
            expected = _describe(ref)
            self.problems.append(
                f"The {where} has {len(groups)} convolution{'s' * (len(groups) != 1)}; it should have "
                f"{len(ref_groups)}: {expected}. Yours: {_describe(mine)}.")
            return
        convs = [g[0] for g in groups]
        if not shortcut:
            self._stride_placement(convs, [g[0] for g in ref_groups])
        for i, (group, ref_group) in enumerate(zip(groups, ref_groups)):
            role = _conv_role(convs[i], i, len(ref_groups), shortcut)
            last = i == len(groups) - 1 and not shortcut
            self.conv(group[0], ref_group[0], role, last, shortcut)
            self._after_conv(group[1:], ref_group[1:], role, last, shortcut,
                             fused=getattr(group[0].op.activation, "__name__", "linear") != "linear")

    def _stride_placement(self, convs, ref_convs):
        mine = [c.op.strides for c in convs]
        ref = [c.op.strides for c in ref_convs]
        if mine == ref:
            return
        strided = [i for i, s in enumerate(mine) if s != (1, 1)]
        ref_strided = [i for i, s in enumerate(ref) if s != (1, 1)]
        if len(strided) == 1 and len(ref_strided) == 1 and mine[strided[0]] == ref[ref_strided[0]]:
            at = convs[strided[0]].op
            placement = "3x3" if at.kernel_size == (3, 3) else "1x1"
            where = {"1x1": "first 1x1", "3x3": "3x3"}
            variant = {"1x1": "v1, as in the paper and keras.applications", "3x3": "v1.5, torchvision's choice"}
            self.problems.append(
                f"The stride sits in the {where[placement]} convolution (`{at.name}`): that is {variant[placement]}. "
                f"This check expects it in the {where[self.stride_on]} convolution ({variant[self.stride_on]}). The "
                "weights fit either way, but the outputs differ. If you meant the "
                f"{where[placement]}, run check_conv_block(fn, stride_on='{placement}').")
        else:
            for conv, r in zip(convs, ref):
                if conv.op.strides != r:
                    self._stride_problem(conv, r)

    def _stride_problem(self, conv, expected):
        strides = conv.op.strides
        if expected == (1, 1) and self.stride == 1:
            self.problems.append(f"`{conv.name}` has strides={strides}, but the block was called with stride=1: "
                                 "use strides=stride, not a fixed number.")
        elif expected == (1, 1):
            self.problems.append(f"`{conv.name}` has strides={strides}; it should have strides=(1, 1). Each branch "
                                 "downsamples once: the residual branch in one convolution, the shortcut in its "
                                 "projection.")
        else:
            self.problems.append(f"`{conv.name}` has strides={strides}; it should have strides={expected}, the "
                                 f"block's stride (strides=stride).")

    def finish(self):
        """Problems that concern several layers, reported once."""
        if self.without_bias:
            names = ", ".join(f"`{n}`" for n in self.without_bias)
            self.problems.append(
                f"{names} {'has' if len(self.without_bias) == 1 else 'have'} use_bias=False; keras.applications' v1 "
                "convolutions have a bias, and the official weight files hold one for each. (BN right after a "
                "convolution makes its bias redundant, but the weights must fit.)")
        if self.wrong_epsilon:
            names = ", ".join(f"`{n}`" for n, _ in self.wrong_epsilon)
            self.problems.append(
                f"{names} {'uses' if len(self.wrong_epsilon) == 1 else 'use'} epsilon={self.wrong_epsilon[0][1]:g}"
                f"; keras.applications uses epsilon={BN_EPSILON:g}, the value the official weights were trained "
                "with (pass epsilon=1.001e-5 to BatchNormalization).")
        self.problems = [p[:1].upper() + p[1:] for p in self.problems]

    def _after_conv(self, mine, ref, role, last, shortcut, fused):
        kinds, ref_kinds = [s.kind for s in mine], [s.kind for s in ref]
        if kinds == ref_kinds:
            for a, b in zip(mine, ref):
                self._pair(a, b)
            return
        missing = Counter(ref_kinds) - Counter(kinds)
        extra = Counter(kinds) - Counter(ref_kinds)
        if not missing and not extra:
            self.problems.append(
                f"After {role} you apply {' → '.join(KIND_NAMES.get(k, k) for k in kinds)}; the order is "
                f"{' → '.join(KIND_NAMES.get(k, k) for k in ref_kinds)}: BN normalises the convolution's output, "
                "then the ReLU acts on it.")
        for kind in missing:
            ref_step = next(s for s in ref if s.kind == kind)
            if kind == "bn":
                self.problems.append(f"BatchNormalization is missing after {role} (keras.applications: "
                                     f"`{ref_step.name}`). Every convolution is followed by BN (He et al. 2015, "
                                     "sec. 3.4).")
            elif kind == "relu" and not fused:
                self.problems.append(f"The ReLU after {role} and its BN is missing (keras.applications: "
                                     f"`{ref_step.name}`). Without it, two stacked convolutions are one linear map.")
            elif kind != "relu":
                self.problems.append(f"{KIND_NAMES.get(kind, kind)} is missing after {role}.")
        for kind in extra:
            step = next(s for s in mine if s.kind == kind)
            if kind == "relu" and last:
                self.problems.append(
                    f"There is a ReLU (`{step.name}`) on the residual branch before the addition. In the paper the "
                    "ReLU comes after F(x) + x (Fig. 2): F(x) must be able to be negative, or the block can only "
                    "ever add to x. Apply the ReLU after the Add.")
            else:
                where = "on the shortcut" if shortcut else f"after {role}"
                self.problems.append(f"Unexpected {KIND_NAMES.get(kind, type(step.op).__name__)} (`{step.name}`) "
                                     f"{where}; the bottleneck has conv → BN → ReLU, with no ReLU before the add.")
        # Pair what can be paired by kind, so that BN settings and names are still checked.
        remaining = list(mine)
        for b in ref:
            a = next((s for s in remaining if s.kind == b.kind), None)
            if a is not None:
                remaining.remove(a)
                self._pair(a, b)

    def _pair(self, mine, ref):
        """Record a learner step that plays a reference step's part (BN settings are checked on the way)."""
        if mine.kind == "bn":
            self.bn(mine, ref)
        else:
            self.pairs.append((mine, ref))

    def names(self, block_name):
        """Layer names: weighted layers must match (weights bind to them); others get a note."""
        wrong_weighted, wrong_other, unnamed_ops = [], [], []
        for mine, ref in self.pairs:
            if mine.name == ref.name:
                continue
            if not isinstance(mine.op, layers.Layer):
                unnamed_ops.append((mine, ref))
            elif mine.op.weights:
                wrong_weighted.append((mine.name, ref.name))
            else:
                wrong_other.append((mine.name, ref.name))
        if wrong_weighted:
            suffixes = [(m, r) for m, r in wrong_weighted if m.endswith(r[len(block_name):])]
            if len(suffixes) == len(wrong_weighted):
                prefix = wrong_weighted[0][0][: -len(wrong_weighted[0][1][len(block_name):])]
                self.problems.append(
                    f"Your layer names start with '{prefix}' instead of the `name` argument ('{block_name}'): build "
                    "every name from it, e.g. f\"{name}_1_conv\", so that each block in a network gets its own names.")
            else:
                listing = ", ".join(f"`{m}` → `{r}`" for m, r in wrong_weighted)
                self.problems.append(
                    f"Layer names differ from keras.applications' ({listing}). Official weights are found by these "
                    "names (load_weights(..., by_name=True), get_layer), so use f\"{name}_1_conv\" and so on.")
        if wrong_other:
            listing = ", ".join(f"`{m}` → `{r}`" for m, r in wrong_other)
            self.notes.append(f"Names of layers without weights differ from keras.applications' ({listing}). Weights "
                              "still load, but the same names make summaries and diagrams comparable.")
        for mine, ref in unnamed_ops:
            layer = "layers.Add(" if mine.kind == "add" else "layers.Activation('relu', "
            self.notes.append(
                f"Your {KIND_NAMES[mine.kind]} is an operation (`{mine.name}`), not a named layer. It computes the "
                f"same, but {layer}name='{ref.name}') shows up in model.summary() and in the diagram under "
                "keras.applications' name.")


# ----------------------------------------------------------------------------------------------------------
# Building, running and diagnosing
# ----------------------------------------------------------------------------------------------------------


class _BuildFailed(Exception):
    def __init__(self, problem):
        super().__init__(problem)
        self.problem = problem


_SHAPES = re.compile(r"[\(\[]((?:None, )?\d+, \d+, \d+)[\)\]]")


def _add_error_problem(message, in_channels, filters, stride, conv):
    """Explain a failed addition from the two shapes in Keras' message."""
    shapes = [tuple(int(v) for v in s.replace("None, ", "").split(", ")) for s in _SHAPES.findall(message)][:2]
    head = f"Keras could not add the shortcut and the residual branch ({message.strip().splitlines()[0]})."
    if len(shapes) != 2:
        return f"{head} The two branches must have the same shape."
    (h1, w1, c1), (h2, w2, c2) = shapes
    out = EXPANSION * filters
    hints = []
    if c1 != c2:
        if filters in (c1, c2) and out in (c1, c2):
            hints.append(f"One side has {filters} channels (= filters): the last 1x1 convolution must restore "
                         f"4 * filters = {out} channels (the 4x expansion).")
        elif conv and in_channels in (c1, c2):
            hints.append(f"One side still has the input's {in_channels} channels: the projection shortcut is "
                         f"missing. Project x with a 1x1 convolution to 4 * filters = {out} channels, strides=stride, "
                         "then BN (He et al. 2015, eq. 2).")
        else:
            hints.append(f"The block outputs 4 * filters = {out} channels on both branches.")
    projection_missing = conv and c1 != c2 and in_channels in (c1, c2) and filters not in (c1, c2)
    if (h1, w1) != (h2, w2) and not projection_missing:  # the projection's own stride fixes the size too
        if conv:
            hints.append(f"The sizes differ ({h1}x{w1} vs {h2}x{w2}): with stride={stride}, both the shortcut's 1x1 "
                         "projection and one convolution of the residual branch take strides=stride, and the 3x3 "
                         "convolution uses padding='same'.")
        else:
            hints.append(f"The sizes differ ({h1}x{w1} vs {h2}x{w2}): an identity block keeps height and width, so "
                         "no stride, and padding='same' on the 3x3 convolution.")
    return " ".join([head] + hints)


def _build(fn, input_shape, kwargs, conv):
    """Call the learner's function on a fresh input and wrap it in a model; raise _BuildFailed to explain."""
    x = keras.Input(shape=input_shape, name="block_input")
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    call = f"fn(x, {args}) with x of shape {(None,) + tuple(input_shape)}"
    try:
        output = fn(x, **kwargs)
    except NotImplementedError:
        raise _BuildFailed("Not written yet: your function raises NotImplementedError. Replace that line with "
                           "your code, then run this check again.") from None
    except TypeError as error:
        raise _BuildFailed(f"The check calls {call}, and that raised TypeError: {error}. Keep the signature the "
                           "exercise gives.") from None
    except ValueError as error:
        message = str(error)
        if "incompatible shapes" in message or "broadcast" in message:
            raise _BuildFailed(_add_error_problem(message, input_shape[-1], kwargs["filters"],
                                                  kwargs.get("stride", 1), conv)) from None
        raise _BuildFailed(f"Your function raised ValueError when the check called {call}: "
                           f"{message.strip().splitlines()[0] if message.strip() else ''}") from None
    except Exception as error:
        raise _BuildFailed(f"Your function raised {type(error).__name__} when the check called {call}: "
                           f"{str(error).strip()[:300]}") from None
    if output is None:
        raise _BuildFailed("Your function returned None: end it with `return x` (the tensor after the final ReLU).")
    if not isinstance(output, keras.KerasTensor):
        raise _BuildFailed(f"Your function returned a {type(output).__name__}; it should return the block's output "
                           "tensor, the result of the last layer you called.")
    try:
        model = keras.Model(x, output)
    except ValueError as error:
        message = str(error)
        duplicate = re.search(r'The name "([^"]+)" is used (\d+) times', message)
        if duplicate:
            raise _BuildFailed(
                f"The name '{duplicate.group(1)}' is used by {duplicate.group(2)} layers; every layer in a model "
                "needs its own name. Derive each from `name`: f\"{name}_1_bn\", f\"{name}_2_bn\", ...") from None
        raise _BuildFailed("Your function's output does not come from the input x it was given (did you create a "
                           f"new keras.Input inside?): {message.strip().splitlines()[0]}") from None
    return x, output, model


def _fixed_value(layer_type, weight_name, shape):
    """The same value for every weight of one role and shape: a learner's layers get ours whatever their names."""
    rng = np.random.default_rng(zlib.crc32(f"{layer_type}/{weight_name}/{tuple(shape)}".encode()))
    if weight_name == "kernel":
        fan_in = int(np.prod(shape[:-1])) or 1
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)  # He init keeps activations near 1
    if weight_name == "moving_variance":
        return rng.uniform(0.5, 1.5, size=shape)
    if weight_name == "gamma":
        return rng.uniform(0.5, 1.5, size=shape)
    return rng.uniform(-0.5, 0.5, size=shape)  # bias, beta, moving_mean


def _set_fixed_weights(model):
    for layer in model.layers:
        for weight in layer.weights:
            weight.assign(_fixed_value(type(layer).__name__, weight.name, tuple(weight.shape)).astype(weight.dtype))


def _fixed_input(input_shape):
    return np.random.default_rng(0).normal(size=(2,) + tuple(input_shape)).astype("float32")


def _outputs_match(model, reference, input_shape):
    """(True/False, largest difference) after giving both the same fixed weights and input."""
    _set_fixed_weights(model)
    _set_fixed_weights(reference)
    x = _fixed_input(input_shape)
    mine = keras.ops.convert_to_numpy(model(x, training=False))
    ours = keras.ops.convert_to_numpy(reference(x, training=False))
    difference = float(np.max(np.abs(mine - ours)))
    return difference <= TOLERANCE * max(1.0, float(np.max(np.abs(ours)))), difference


def _compare_block(fn, reference_fn, input_shape, kwargs, exercise, conv, stride_on=None):
    """Build the learner's block and ours on the same input and explain every difference."""
    result = CheckResult(exercise)
    try:
        x, output, model = _build(fn, input_shape, kwargs, conv)
    except _BuildFailed as failure:
        result.problems.append(failure.problem)
        return result
    ref_x, ref_output, reference = _build(reference_fn, input_shape, kwargs, conv)

    mine, ref = _read_block(x, output), _read_block(ref_x, ref_output)
    result.structure = _structure_lines(mine)
    comparison = _Comparison(kwargs["filters"], kwargs.get("stride", 1), stride_on)
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
            comparison.problems.append(f"After the addition comes {_describe(mine.tail)}; only a ReLU belongs there.")
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
        same, difference = _outputs_match(model, reference, input_shape)
        if same:
            result.facts.append("same output as the reference block on a fixed input with the same fixed weights")
        elif not result.problems:
            result.problems.append(
                f"The layers and wiring match the reference, but the output differs by up to {difference:.3g} with "
                "the same weights and input. Look for a layer option or an operation that the check does not read.")
    return result


def _structure_lines(structure):
    if structure.join is None:
        return [f"output: {_describe(structure.residual)} (no addition)"]
    lines = []
    if structure.residual is not None:
        lines.append(f"residual branch F(x): {_describe(structure.residual)}")
        lines.append(f"shortcut: {_describe(structure.shortcut)}")
    lines.append(f"then: {structure.join.describe()} → {_describe(structure.tail) if structure.tail else 'output'}")
    return lines


def _check_callable(fn, argument):
    if not callable(fn):
        raise TypeError(f"{argument} must be your block function, e.g. {argument}=my_identity_block; "
                        f"received {type(fn).__name__}")


def _merge(first, second, label):
    """Add the second run's findings to the first, marking those it alone found."""
    for problem in second.problems:
        if problem not in first.problems:
            first.problems.append(f"({label}) {problem}")
    for note in second.notes:
        if note not in first.notes:
            first.notes.append(note)
    return first


# ----------------------------------------------------------------------------------------------------------
# The checks the notebooks call
# ----------------------------------------------------------------------------------------------------------


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
    _check_callable(fn, "fn")
    shape = (CHECK_SIZE, CHECK_SIZE, EXPANSION * CHECK_FILTERS)

    def reference(x, filters, name):
        return identity_block(x, filters, name=name)

    return _compare_block(fn, reference, shape, {"filters": CHECK_FILTERS, "name": CHECK_NAME},
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
    _check_callable(fn, "fn")
    check_stride_on(stride_on)

    def reference(x, filters, stride, name):
        return conv_block(x, filters, stride=stride, stride_on=stride_on, name=name)

    shape = (CHECK_SIZE, CHECK_SIZE, 2 * CHECK_FILTERS)
    kwargs = {"filters": CHECK_FILTERS, "stride": 2, "name": CHECK_NAME}
    exercise = f"convolutional block (stride on the {stride_on})"
    result = _compare_block(fn, reference, shape, kwargs, exercise, conv=True, stride_on=stride_on)
    if result.passed:  # a second call, only to catch a stride that ignores its argument
        again = _compare_block(fn, reference, shape, dict(kwargs, stride=1), exercise, conv=True, stride_on=stride_on)
        result = _merge(result, again, "with stride=1")
        if again.passed:
            result.facts.append("with stride=1 too (as in conv2, after the max pool)")
    return result


# ----------------------------------------------------------------------------------------------------------
# The whole network
# ----------------------------------------------------------------------------------------------------------

RESNET50_PARAMETERS = 25_636_712
RESNET50_DEPTHS = dict(zip(STAGE_NAMES, FAMILY["ResNet50"].depths))  # {"conv2": 3, ..., "conv5": 3}
_BLOCK_NAME = re.compile(r"^(conv[2-5])_block(\d+)_")


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
        match = _BLOCK_NAME.match(layer.name)
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
