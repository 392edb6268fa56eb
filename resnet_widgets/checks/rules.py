"""Rules for comparing a learner's block with the reference, part by part.

`BlockComparison` reads two `BlockStructure`s (the learner's and the reference's) and collects every difference
that matters, in the learner's terms: the layer names as the learner wrote them (`{name}_1_conv`, since the
check passes its own `name`), the part of the block, and the likely mistake. It compares the wiring (the
addition, the shortcut, what follows the addition), then each branch convolution by convolution: kernel,
filters, stride, padding, bias, the BN and ReLU around it, and their order; then the layer names, which
weights are found by. Problems fail the check, notes are advice. When the wiring cannot be followed any
further, `incomplete` says so: more problems may follow.

The rules come in three parts, one module each: this one follows the wiring (the addition, the shortcut, each
branch), layer_rules.py checks one convolution and what surrounds it, and name_rules.py the names and the
findings reported once. `BlockKind` (block_kinds.py) holds what differs between block families, so one set of
rules serves the basic block, the v1 bottleneck and the v2 pre-activation block.
"""

from .layer_rules import LayerRules, groups_of
from .name_rules import NameRules
from .reading import describe

class BlockComparison(LayerRules, NameRules):
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
        leading, groups = groups_of(mine)
        ref_leading, ref_groups = groups_of(ref)
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
