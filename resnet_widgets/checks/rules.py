"""Rules for comparing a learner's block with the reference, part by part.

`BlockComparison` reads two `BlockStructure`s (the learner's and the reference's) and collects every difference
that matters, in the learner's terms: the layer names as the learner wrote them (`{name}_1_conv`, since the
check passes its own `name`), the part of the block, and the likely mistake. It compares the wiring (the
addition, the shortcut, what follows the addition), then each branch convolution by convolution: kernel,
filters, stride, padding, bias, the BN and ReLU around it, and their order; then the layer names, which
weights are found by. Problems fail the check, notes are advice. When the wiring cannot be followed any
further, `incomplete` says so: more problems may follow.

`BlockKind` holds what differs between block families (the names of their convolutions, the expansion,
whether official weight files bind to them), so one set of rules serves the basic block, the v1 bottleneck
and the v2 pre-activation block.
"""

import dataclasses
from collections import Counter
from dataclasses import dataclass

from keras import layers

from ..models.blocks import BN_EPSILON, EXPANSION
from .reading import describe

KIND_NAMES = {"conv": "Conv2D", "bn": "BatchNormalization", "relu": "ReLU", "add": "Add", "pad": "ZeroPadding2D",
              "pool": "MaxPooling2D"}

# Why keras.applications' epsilon, in one sentence. Sources: the released Caffe models set no eps, so Caffe's
# default 1e-5 applies (caffe.proto); cuDNN required at least 1e-5 (CUDNN_BN_MIN_EPSILON), which float32(1e-5)
# misses by a hair, so TensorFlow's fused_batch_norm raises it to 1.001e-5 (nn_impl.py; tensorflow issue 8090).
EPSILON_WHY = ("the released Caffe models use Caffe's default 1e-5; Keras writes a hair more because cuDNN "
               "required at least 1e-5, which 1e-5 in float32 misses")


@dataclass(frozen=True)
class BlockKind:
    """What a family of residual blocks looks like, for the rules and messages that differ between families.

    Attributes:
        roles: how the course names the residual branch's convolutions, in order.
        expansion: output channels per `filters`.
        reference: whose layers the learner reproduces, as a message says it.
        official_weights: official weight files bind to the names, the biases and the BN settings, so every
            difference there is a problem; otherwise it is a note.
        stride_on: for the v1 bottleneck, where the stride sits ("1x1" or "3x3"), so v1.5 can be named.
        preact: v2 pre-activation: BN and ReLU before each convolution, nothing after the addition.
        projection_where: where a projection shortcut belongs, for a learner who put one elsewhere.
        projection_how: what the projection is, for a learner who left it out.
        placement_argument: the learner's function takes the stride's placement as its `stride_on` argument
            (notebook 03's exercise), so a stride in the wrong place means that argument was not followed.
        zero_pad: the shortcut is the paper's option A (He et al. 2015, sec. 3.3): x subsampled and padded with
            zero channels, no weights. Its values are checked by `blocks.option_a_problems`; the rules only name
            a shortcut that has weights.
    """

    roles: tuple
    expansion: int
    reference: str
    official_weights: bool
    stride_on: str = None
    preact: bool = False
    projection_where: str = ""
    projection_how: str = ""
    placement_argument: bool = False
    zero_pad: bool = False


def bottleneck(stride_on="1x1", placement_argument=False):
    return BlockKind(placement_argument=placement_argument,
        roles=("the first 1x1 convolution", "the 3x3 convolution", "the last 1x1 convolution"),
        expansion=EXPANSION, reference="keras.applications", official_weights=True, stride_on=stride_on,
        projection_where="A projection belongs in the convolutional block (notebook 03), where the shape changes.",
        projection_how="a 1x1 convolution with 4 * filters channels and the block's stride, then BN")


BASIC = BlockKind(
    roles=("the first 3x3 convolution", "the second 3x3 convolution"), expansion=1, reference="`basic_block`",
    official_weights=False,
    projection_where="Option B projects only where the shape changes (a stride of 2, or new channels); elsewhere "
                     "the shortcut is x itself (He et al. 2015, sec. 3.3).",
    projection_how="a 1x1 convolution with `filters` channels and the block's stride, then BN (option B)")

# The basic block called with shortcut="zero_pad" (notebook 01a's exercise): option A where the shape changes.
BASIC_A = dataclasses.replace(
    BASIC, zero_pad=True,
    projection_where="With shortcut='zero_pad' the shortcut is option A: it has no weights (He et al. 2015, sec. 3.3).")

PREACT = BlockKind(
    roles=("the first 1x1 convolution", "the 3x3 convolution", "the last 1x1 convolution"),
    expansion=EXPANSION, reference="keras.applications", official_weights=True, preact=True,
    projection_where="Only the first block of a stage (conv_shortcut=True) projects; elsewhere the shortcut is x, "
                     "subsampled by a 1x1 max pool when stride=2.",
    projection_how="a 1x1 convolution with 4 * filters channels and the block's stride, reading the pre-activated "
                   "input (no BN after it)")


def _possessive(owner):
    return f"{owner}'" if owner.rstrip("`").endswith("s") else f"{owner}'s"


def _ordinal(i):
    return ("first", "second", "third", "fourth", "fifth")[i] if i < 5 else f"#{i + 1}"


def _groups(steps):
    """Split a branch into its leading steps and one group per convolution.

    Returns (leading steps, groups); each group is {"pre": zero paddings just before the convolution,
    "conv": the convolution, "post": the steps after it, up to the next padding or convolution}.
    """
    leading, groups, pending = [], [], []
    for step in steps:
        if step.kind == "pad":
            pending.append(step)
        elif step.kind == "conv":
            groups.append({"pre": pending, "conv": step, "post": []})
            pending = []
        else:
            (groups[-1]["post"] if groups else leading).extend(pending + [step])
            pending = []
    (groups[-1]["post"] if groups else leading).extend(pending)
    return leading, groups


def _padding(group):
    """A convolution's padding as (explicit zero padding before it, its own padding option)."""
    explicit = tuple(tuple(map(tuple, step.op.padding)) for step in group["pre"])
    return explicit, group["conv"].op.padding


class BlockComparison:
    """Collects problems, notes and name pairs while a learner's block is compared with the reference.

    Args:
        kind: the block family (`BlockKind`).
        filters, stride: what the check called both blocks with.
        block_name: the `name` the check passed; names that start with it are shown as `{name}...`.
    """

    def __init__(self, kind, filters, stride, block_name):
        self.kind = kind
        self.filters = filters
        self.stride = stride
        self.block_name = block_name
        self.problems, self.notes = [], []
        self.incomplete = False
        self.pairs = []  # (learner step, reference step), for the name check
        self.missing_bias, self.extra_bias, self.wrong_epsilon = [], [], []  # reported once for all layers

    # ------------------------------------------------------------------ how names are shown

    def shown(self, name):
        """A layer name as the learner wrote it: `{name}_1_conv` for what f"{name}_1_conv" gave."""
        if name.startswith(self.block_name):
            return "{name}" + name[len(self.block_name):]
        return name

    def code(self, step_or_name):
        name = step_or_name if isinstance(step_or_name, str) else step_or_name.name
        return f"`{self.shown(name)}`"

    def written(self, step_or_name):
        """How the learner names a layer in code: name=f"{name}_add"."""
        name = step_or_name if isinstance(step_or_name, str) else step_or_name.name
        shown = self.shown(name)
        return f'name=f"{shown}"' if shown != name else f"name='{name}'"

    # ------------------------------------------------------------------ the whole block

    def compare(self, mine, ref):
        """Compare two `BlockStructure`s; the findings go to `problems`, `notes` and `incomplete`."""
        if mine.join is None:
            end = "then the ReLU" if ref.tail else "and nothing after it"
            self.problems.append(
                "There is no addition: the shortcut is never added, so this is a plain stack of convolutions, not a "
                f"residual block. Keep `shortcut = x` at the start and end with Add()([shortcut, x]), {end}.")
            residual = mine.residual
            if ref.tail and residual and residual[-1].kind == "relu":
                residual = residual[:-1]
            self.branch(residual, ref.head + ref.residual, shortcut=False)
            return
        if mine.join.kind != "add":
            self.problems.append(
                f"The two branches meet in a {type(mine.join.op).__name__} ({self.code(mine.join)}); a residual "
                "block adds them: F(x) + x (He et al. 2015, eq. 1). Use layers.Add.")
        else:
            self.pairs.append((mine.join, ref.join))
        if mine.join_inputs != 2:
            self.problems.append(f"The addition {self.code(mine.join)} has {mine.join_inputs} inputs; it adds exactly "
                                 "two: the shortcut and the residual branch F(x).")
            self.incomplete = True
            return
        if mine.unreadable:
            self.problems.append(
                f"One input of the addition ({self.code(mine.unreadable)}) does not come from the block's input "
                "through a simple chain of layers; both branches start at x.")
            self.incomplete = True
            return
        self.after_addition(mine, ref)
        if mine.lost_shortcut:
            self.problems.append(
                f"The addition {self.code(mine.join)} adds one tensor to itself, so the shortcut is lost. Keep the "
                "block's input in its own variable (`shortcut = x`) before `x` is overwritten by the convolutions, "
                "and add that.")
            self.branch(mine.residual, ref.head + ref.residual, shortcut=False)
            return
        residual, ref_residual = mine.residual, ref.residual
        if mine.head and not ref.head:
            self.problems.append(
                f"The shortcut is taken from inside the residual branch, after {self.code(mine.head[-1])}, instead of "
                "from the block's input. Save `shortcut = x` before the first layer, and add that.")
            residual = mine.head + mine.residual
        elif ref.head and not mine.head:
            self.problems.append(
                f"The projection reads x itself; in v2 it reads the pre-activated input relu(BN(x)) "
                f"({self.code(ref.head[-1])}), as the residual branch does: BN and ReLU act before both paths "
                "split (keras.applications' ResNet50V2).")
            ref_residual = ref.head + ref.residual
        elif mine.head:
            self.sequence(mine.head, ref.head, "before the branches split")
        self.branch(mine.shortcut, ref.shortcut, shortcut=True)
        self.branch(residual, ref_residual, shortcut=False)

    def after_addition(self, mine, ref):
        kinds, ref_kinds = [s.kind for s in mine.tail], [s.kind for s in ref.tail]
        if kinds == ref_kinds:
            self.pairs += list(zip(mine.tail, ref.tail))
        elif not ref_kinds:
            self.problems.append(
                f"After the addition comes {describe(mine.tail)}; in v2 nothing follows it: the block returns "
                "x + F(x), so the identity path stays clean from block to block (He et al. 2016, eq. 4).")
        elif not kinds:
            self.problems.append(
                "There is no ReLU after the addition: the block must end with relu(F(x) + x) (He et al. 2015, "
                f"Fig. 2). Add `layers.Activation('relu', {self.written(ref.tail[0])})` after the Add.")
        else:
            self.problems.append(f"After the addition comes {describe(mine.tail)}; only a ReLU belongs there.")
            if kinds[-1] == "relu":
                self.pairs.append((mine.tail[-1], ref.tail[-1]))

    def sequence(self, mine, ref, where):
        """Compare a run of BN/ReLU steps outside any convolution's group (v2's pre-activation)."""
        kinds, ref_kinds = [s.kind for s in mine], [s.kind for s in ref]
        if kinds != ref_kinds:
            self.problems.append(f"{where[:1].upper() + where[1:]} your block applies {describe(mine, 'nothing')}; "
                                 f"the reference applies {describe(ref, 'nothing')}.")
        self._pair_by_kind(mine, ref)

    # ------------------------------------------------------------------ one branch

    def branch(self, mine, ref, shortcut):
        """Compare one branch (a list of steps) with the reference's, convolution by convolution."""
        where = "shortcut" if shortcut else "residual branch"
        ref_convs = [s for s in ref if s.kind == "conv"]
        my_convs = [s for s in mine if s.kind == "conv"]
        if shortcut and self.kind.zero_pad:
            self._option_a_shortcut(mine)
            return
        if shortcut and not ref_convs:
            self._plain_shortcut(mine, ref)
            return
        if shortcut and not my_convs:
            self.problems.append(
                f"The projection shortcut is missing: the shortcut is {describe(mine)}. When the shape changes, x "
                f"must be projected by {self.kind.projection_how} "
                f"({', '.join(self.code(s) for s in ref)}), He et al. 2015, eq. 2.")
            return
        leading, groups = _groups(mine)
        ref_leading, ref_groups = _groups(ref)
        if [s.kind for s in leading] != [s.kind for s in ref_leading]:
            if not ref_leading:
                self.problems.append(
                    f"The {where} starts with {describe(leading)} before its first convolution. That is the v2 "
                    "pre-activation order (notebook 06); this block starts with its first convolution.")
            elif not shortcut:
                self.problems.append(
                    f"The {where} must start with {describe(ref_leading)} (the pre-activation, "
                    f"{', '.join(self.code(s) for s in ref_leading)}) before its first convolution; yours starts "
                    f"with {describe(leading, 'the convolution')}. In v2, BN and ReLU come before each convolution "
                    "(He et al. 2016, Fig. 4e).")
        self._pair_by_kind(leading, ref_leading)
        if len(groups) != len(ref_groups):
            self.problems.append(
                f"The {where} has {len(groups)} convolution{'s' * (len(groups) != 1)}; it should have "
                f"{len(ref_groups)}: {describe(ref)}. Yours: {describe(mine)}.")
            self.incomplete = True
            return
        if not shortcut:
            self._stride_placement([g["conv"] for g in groups], [g["conv"] for g in ref_groups])
        for i, (group, ref_group) in enumerate(zip(groups, ref_groups)):
            role = self._role(group["conv"], i, len(ref_groups), shortcut)
            last = i == len(groups) - 1 and not shortcut
            self.conv(group, ref_group, role, last, shortcut)
            self._after_conv(group["post"], ref_group["post"], role, last, shortcut,
                             fused=getattr(group["conv"].op.activation, "__name__", "linear") != "linear")

    def _plain_shortcut(self, mine, ref):
        """The reference's shortcut holds no convolution: x itself, or x subsampled by a 1x1 max pool (v2)."""
        if [s.kind for s in mine] == [s.kind for s in ref]:
            for a, b in zip(mine, ref):
                if a.kind == "pool" and (a.op.pool_size, a.op.strides) != (b.op.pool_size, b.op.strides):
                    self.problems.append(
                        f"The shortcut's pooling {self.code(a)} has pool_size={a.op.pool_size}, "
                        f"strides={a.op.strides}; it should be {b.describe()}: it keeps every other row and column, "
                        "like the residual branch's stride.")
                self.pairs.append((a, b))
        elif not ref:
            self.problems.append(
                f"The shortcut of this block is x itself, unchanged; yours goes through {describe(mine)}. "
                f"{self.kind.projection_where}")
        elif not mine:
            self.problems.append(
                f"The shortcut must subsample x as the residual branch does: {describe(ref)} "
                f"({', '.join(self.code(s) for s in ref)}), a parameter-free shortcut for a block whose channels "
                "stay the same (keras.applications' ResNet50V2).")
        else:
            self.problems.append(f"The shortcut is {describe(mine)}; it should be {describe(ref)} "
                                 f"({', '.join(self.code(s) for s in ref)}).")

    def _option_a_shortcut(self, mine):
        """Option A's shortcut has no weights; what it computes is checked from its values (`option_a_problems`)."""
        weighted = [s for s in mine if getattr(s.op, "weights", None)]
        if not weighted:
            return
        if any(s.kind == "conv" for s in weighted):
            what = f"projects x ({describe(mine)}): that is option B"
        else:
            what = f"goes through {describe(mine)}, which has weights"
        self.problems.append(
            f"With shortcut='zero_pad' your shortcut {what} ({', '.join(self.code(s) for s in weighted)}). Option A "
            "adds no parameter: keep every stride-th row and column of x (x[:, ::stride, ::stride, :]) and append "
            "zero channels up to `filters` (keras.ops.pad on the last axis). Read the shortcut argument to choose "
            "between the two (He et al. 2015, sec. 3.3).")

    def _role(self, conv, index, count, shortcut):
        """How the course names a convolution by its place in the block: "the 3x3 convolution (`{name}_2_conv`)"."""
        if shortcut:
            what = "the projection"
        elif count == len(self.kind.roles):
            what = self.kind.roles[index]
        else:
            what = f"the {_ordinal(index)} convolution"
        return f"{what} ({self.code(conv)})"

    # ------------------------------------------------------------------ one convolution

    def conv(self, group, ref_group, role, last, shortcut=False):
        mine, ref = group["conv"], ref_group["conv"]
        a, b = mine.op, ref.op
        if a.kernel_size != b.kernel_size:
            self.problems.append(f"{role} has a {a.kernel_size[0]}x{a.kernel_size[1]} kernel; "
                                 f"it should be {b.kernel_size[0]}x{b.kernel_size[1]}.")
        if a.filters != b.filters:
            if last and self.kind.expansion > 1 and a.filters == self.filters:
                self.problems.append(
                    f"{role} has {a.filters} filters: the 4x expansion is missing. The last 1x1 convolution "
                    f"restores 4 * filters = {b.filters} channels, so F(x) has the shape of the block's output.")
            else:
                self.problems.append(f"{role} has {a.filters} filters; it should have {b.filters}.")
        self._padding(group, ref_group, role)
        for option in ("dilation_rate", "groups"):
            if getattr(a, option, None) != getattr(b, option, None):
                self.problems.append(f"{role} has {option}={getattr(a, option)}; ResNet uses the default "
                                     f"{getattr(b, option)}.")
        if shortcut and a.strides != b.strides:
            self._stride_problem(mine, b.strides)
        if a.use_bias and not b.use_bias:
            self.extra_bias.append(mine)
        elif b.use_bias and not a.use_bias:
            self.missing_bias.append(mine)
        activation = getattr(a.activation, "__name__", "linear")
        if activation != "linear":
            self.problems.append(
                f"{role} has activation='{activation}' built in, so it acts before BatchNormalization. Keep the "
                "convolution linear (the default) and apply the ReLU after BN: conv → BN → ReLU.")
        self.pairs.append((mine, ref))
        self.pairs += list(zip(group["pre"], ref_group["pre"]))

    def _padding(self, group, ref_group, role):
        mine, ref = _padding(group), _padding(ref_group)
        if mine == ref or group["conv"].op.kernel_size == (1, 1):
            return
        stride = group["conv"].op.strides
        explicit_same = ((((1, 1), (1, 1)),), "valid")
        if {mine, ref} == {explicit_same, ((), "same")} and stride == (1, 1):
            return  # a 3x3 at stride 1: one pixel on every side either way
        if ref == ((), "same"):
            self.problems.append(f"{role} uses padding='{mine[1]}'; use padding='same' so that the 3x3 convolution "
                                 "keeps the height and width.")
        elif ref == explicit_same:
            pad = next((self.code(s) for s in ref_group["pre"]), "")
            self.problems.append(
                f"{role} uses padding='{mine[1]}'"
                f"{' after its own zero padding' if mine[0] else ''}; the reference pads explicitly, "
                f"ZeroPadding2D(padding=((1, 1), (1, 1))) ({pad}), then uses padding='valid'. With a stride of 2, "
                "padding='same' pads only below and to the right, so every window sits one pixel off and the "
                "official weights see shifted inputs.")
        else:
            self.problems.append(f"{role} is padded {mine}; the reference: {ref}.")

    def bn(self, mine, ref):
        a = mine.op
        if abs(a.epsilon - BN_EPSILON) > 1e-9:
            self.wrong_epsilon.append((mine, a.epsilon))
        if a.axis not in (-1, 3, [3], [-1]):
            self.problems.append(f"{self.code(mine)} normalises over axis {a.axis}; BN in a CNN normalises each "
                                 "channel (axis=3, the last axis, with channels_last).")
        if not (a.center and a.scale):
            self.problems.append(f"{self.code(mine)} has center={a.center}, scale={a.scale}; ResNet's BN learns both "
                                 "beta and gamma.")
        self.pairs.append((mine, ref))

    def _stride_placement(self, convs, ref_convs):
        mine = [c.op.strides for c in convs]
        ref = [c.op.strides for c in ref_convs]
        if mine == ref:
            return
        strided = [i for i, s in enumerate(mine) if s != (1, 1)]
        ref_strided = [i for i, s in enumerate(ref) if s != (1, 1)]
        if (self.kind.stride_on and len(strided) == 1 and len(ref_strided) == 1
                and mine[strided[0]] == ref[ref_strided[0]]):
            at = convs[strided[0]]
            placement = "3x3" if at.op.kernel_size == (3, 3) else "1x1"
            where = {"1x1": "first 1x1", "3x3": "3x3"}
            variant = {"1x1": "v1, as in keras.applications and the released Caffe model",
                       "3x3": "v1.5, torchvision's choice"}
            if self.kind.placement_argument:
                expected = convs[ref_strided[0]]
                self.problems.append(
                    f"With stride_on='{self.kind.stride_on}' the stride belongs in the {where[self.kind.stride_on]} "
                    f"convolution ({self.code(expected)}): {variant[self.kind.stride_on]}. Your block put it in the "
                    f"{where[placement]} convolution ({self.code(at)}). Read the stride_on argument to choose which "
                    "convolution of the residual branch gets strides=stride; the projection keeps its stride either "
                    "way.")
                return
            self.problems.append(
                f"The stride sits in the {where[placement]} convolution ({self.code(at)}): that is "
                f"{variant[placement]}. This check expects it in the {where[self.kind.stride_on]} convolution "
                f"({variant[self.kind.stride_on]}). The weights fit either way, but the outputs differ. If you meant "
                f"the {where[placement]}, run check_conv_block(fn, stride_on='{placement}').")
        else:
            for conv, r in zip(convs, ref):
                if conv.op.strides != r:
                    self._stride_problem(conv, r)

    def _stride_problem(self, conv, expected):
        strides = conv.op.strides
        if expected == (1, 1) and self.stride == 1:
            self.problems.append(f"{self.code(conv)} has strides={strides}, but the block was called with stride=1: "
                                 "use strides=stride, not a fixed number.")
        elif expected == (1, 1):
            self.problems.append(f"{self.code(conv)} has strides={strides}; it should have strides=(1, 1). Each "
                                 "branch downsamples once: the residual branch in one convolution, the shortcut in "
                                 "its projection.")
        else:
            self.problems.append(f"{self.code(conv)} has strides={strides}; it should have strides={expected}, the "
                                 f"block's stride (strides=stride).")

    def _after_conv(self, mine, ref, role, last, shortcut, fused):
        kinds, ref_kinds = [s.kind for s in mine], [s.kind for s in ref]
        if kinds == ref_kinds:
            self._pair_by_kind(mine, ref)
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
                self.problems.append(f"BatchNormalization is missing after {role} ({self.kind.reference} calls it "
                                     f"{self.code(ref_step)}). Every convolution is followed by BN (He et al. 2015, "
                                     "sec. 3.4).")
            elif kind == "relu" and not fused:
                self.problems.append(f"The ReLU after {role} and its BN is missing ({self.kind.reference} calls it "
                                     f"{self.code(ref_step)}). Without it, two stacked convolutions are one linear "
                                     "map.")
            elif kind != "relu":
                self.problems.append(f"{KIND_NAMES.get(kind, kind)} is missing after {role}.")
        for kind in extra:
            step = next(s for s in mine if s.kind == kind)
            if kind == "relu" and last:
                self.problems.append(
                    f"There is a ReLU ({self.code(step)}) on the residual branch before the addition. F(x) must be "
                    "free to be negative, or the block can only ever add to x: the ReLU comes after F(x) + x in v1 "
                    "(He et al. 2015, Fig. 2), and not at all in v2. Remove it from the branch.")
            elif kind == "bn" and last and self.kind.preact:
                self.problems.append(
                    f"Unexpected BatchNormalization ({self.code(step)}) after {role}: in v2 the residual branch ends "
                    "with its last convolution, and the next block's pre-activation BN normalises the sum "
                    "(He et al. 2016, Fig. 4e).")
            else:
                where = "on the shortcut" if shortcut else f"after {role}"
                self.problems.append(f"Unexpected {KIND_NAMES.get(kind, type(step.op).__name__)} ({self.code(step)}) "
                                     f"{where}; the reference has {describe(ref, 'nothing')} there.")
        self._pair_by_kind(mine, ref)

    def _pair_by_kind(self, mine, ref):
        """Pair what can be paired by kind, so that BN settings and names are still checked."""
        remaining = list(mine)
        for b in ref:
            a = next((s for s in remaining if s.kind == b.kind), None)
            if a is not None:
                remaining.remove(a)
                if a.kind == "bn":
                    self.bn(a, b)
                else:
                    self.pairs.append((a, b))

    # ------------------------------------------------------------------ names, and findings about many layers

    def names(self):
        """Layer names: weighted layers must match where official weights bind to them; others get a note."""
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
        block = self.block_name
        if wrong_weighted:
            suffixes = [(m, r) for m, r in wrong_weighted if m.endswith(r[len(block):])]
            if len(suffixes) == len(wrong_weighted):
                prefix = wrong_weighted[0][0][: -len(wrong_weighted[0][1][len(block):])]
                self.problems.append(
                    f"Your layer names start with '{prefix}' instead of the `name` argument: build every name from "
                    "it, e.g. f\"{name}_1_conv\", so that each block in a network gets its own names.")
            else:
                listing = ", ".join(f"`{self.shown(m)}` → `{self.shown(r)}`" for m, r in wrong_weighted)
                if self.kind.official_weights:
                    self.problems.append(
                        f"Layer names differ from keras.applications' ({listing}). Official weights are found by "
                        "these names (load_weights(..., by_name=True), get_layer), so use f\"{name}_1_conv\" and so "
                        "on.")
                else:
                    self.notes.append(f"Layer names differ from {_possessive(self.kind.reference)} ({listing}). "
                                      "Nothing loads weights by them here, but the same names make summaries and "
                                      "diagrams comparable.")
        if wrong_other:
            listing = ", ".join(f"`{self.shown(m)}` → `{self.shown(r)}`" for m, r in wrong_other)
            self.notes.append(f"Names of layers without weights differ from {_possessive(self.kind.reference)} "
                              f"({listing}). Weights still load, but the same names make summaries and diagrams "
                              "comparable.")
        for mine, ref in unnamed_ops:
            layer = "layers.Add(" if mine.kind == "add" else "layers.Activation('relu', "
            self.notes.append(
                f"Your {KIND_NAMES[mine.kind]} is an operation (`{mine.name}`), not a named layer. It computes the "
                f"same, but {layer}{self.written(ref)}) shows up in model.summary() and in the diagram under "
                f"{_possessive(self.kind.reference)} name.")

    def finish(self):
        """Findings that concern several layers, reported once; every problem starts with a capital."""
        def listing(steps):
            return ", ".join(self.code(s) for s in steps), "has" if len(steps) == 1 else "have"

        if self.missing_bias:
            names, verb = listing(self.missing_bias)
            self.problems.append(
                f"{names} {verb} use_bias=False; keras.applications' convolutions there have a bias, and the official "
                "weight files hold one for each. (BN right after a convolution makes its bias redundant, but the "
                "weights must fit.)")
        if self.extra_bias:
            names, verb = listing(self.extra_bias)
            if self.kind.official_weights:
                self.problems.append(
                    f"{names} {verb} a bias; keras.applications' has none there (use_bias=False): the BN right after "
                    "each convolution would cancel its bias, and the official weight files hold none.")
            else:
                self.notes.append(
                    f"{names} {verb} a bias (use_bias=True, Keras' default); the BN right after each convolution "
                    f"cancels its bias, so {self.kind.reference} has none. It costs parameters and changes nothing "
                    "(the check ran your block with zero biases).")
        if self.wrong_epsilon:
            steps = [s for s, _ in self.wrong_epsilon]
            names, _ = listing(steps)
            verb = "uses" if len(steps) == 1 else "use"
            value = self.wrong_epsilon[0][1]
            if self.kind.official_weights:
                self.problems.append(
                    f"{names} {verb} epsilon={value:g}; keras.applications uses epsilon={BN_EPSILON:g} "
                    f"({EPSILON_WHY}), and the official weights expect it: pass epsilon=1.001e-5 to "
                    "BatchNormalization.")
            else:
                self.notes.append(
                    f"{names} {verb} epsilon={value:g}; the course's blocks use {BN_EPSILON:g}, keras.applications' "
                    "value. For a block you train yourself either works (the check ran yours with "
                    f"{BN_EPSILON:g}).")
        self.problems = [p[:1].upper() + p[1:] for p in self.problems]
