"""Comparison rules: a learner's block next to the reference, convolution by convolution.

`Comparison` collects, for one block, every difference that matters and says it in the learner's terms:
kernel, filters, stride, padding, bias, the BN and ReLU after each convolution, their order, and the layer
names (weights are found by them). Problems fail the check; notes are advice.
"""

from collections import Counter

from keras import layers

from ..models.blocks import BN_EPSILON
from .reading import describe

KIND_NAMES = {"conv": "Conv2D", "bn": "BatchNormalization", "relu": "ReLU", "add": "Add"}

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


class Comparison:
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
                f"The shortcut of an identity block is x itself, unchanged; yours goes through {describe(mine)}. "
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
                f"The {where} starts with {describe(leading)} before its first convolution. That is the v2 "
                "pre-activation order (notebook 06); the v1 block starts with the 1x1 convolution.")
        if len(groups) != len(ref_groups):
            expected = describe(ref)
            self.problems.append(
                f"The {where} has {len(groups)} convolution{'s' * (len(groups) != 1)}; it should have "
                f"{len(ref_groups)}: {expected}. Yours: {describe(mine)}.")
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


