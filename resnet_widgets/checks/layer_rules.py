"""The rules for one convolution and what surrounds it: kernel, filters, stride, padding, bias, and the BN and ReLU
after it, with their order. `LayerRules` is a part of `rules.BlockComparison`, which owns the state it reads
and writes (`kind`, `filters`, `stride`, `problems`, `pairs` and the lists reported once in `finish`)."""

from collections import Counter

from ..models.blocks import BN_EPSILON
from .reading import describe

KIND_NAMES = {"conv": "Conv2D", "bn": "BatchNormalization", "relu": "ReLU", "add": "Add", "pad": "ZeroPadding2D",
              "pool": "MaxPooling2D"}


def _ordinal(i):
    return ("first", "second", "third", "fourth", "fifth")[i] if i < 5 else f"#{i + 1}"


def groups_of(steps):
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


def padding_of(group):
    """A convolution's padding as (explicit zero padding before it, its own padding option)."""
    explicit = tuple(tuple(map(tuple, step.op.padding)) for step in group["pre"])
    return explicit, group["conv"].op.padding


class LayerRules:
    """Convolution by convolution: what `BlockComparison.branch` calls for each group of a branch."""

    def _role(self, conv, index, count, shortcut):
        """How the course names a convolution by its place in the block: "the 3x3 convolution (`{name}_2_conv`)"."""
        if shortcut:
            what = "the projection"
        elif count == len(self.kind.roles):
            what = self.kind.roles[index]
        else:
            what = f"the {_ordinal(index)} convolution"
        return f"{what} ({self.code(conv)})"


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
        mine, ref = padding_of(group), padding_of(ref_group)
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
