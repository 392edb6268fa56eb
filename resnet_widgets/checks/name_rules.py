"""How a check shows layer names in the learner's terms, the rules for the names themselves, and the findings that
concern many layers at once (biases, BN epsilon), reported once. `NameRules` is a part of
`rules.BlockComparison`, which owns the state it reads (`block_name`, `kind`, `pairs`, `problems`, `notes`)."""

from keras import layers

from ..models.blocks import BN_EPSILON
from .layer_rules import KIND_NAMES

# Why keras.applications' epsilon, in one sentence. Sources: the released Caffe models set no eps, so Caffe's
# default 1e-5 applies (caffe.proto); cuDNN required at least 1e-5 (CUDNN_BN_MIN_EPSILON), which float32(1e-5)
# misses by a hair, so TensorFlow's fused_batch_norm raises it to 1.001e-5 (nn_impl.py; tensorflow issue 8090).
EPSILON_WHY = ("the released Caffe models use Caffe's default 1e-5; Keras writes a hair more because cuDNN "
               "required at least 1e-5, which 1e-5 in float32 misses")


def _possessive(owner):
    return f"{owner}'" if owner.rstrip("`").endswith("s") else f"{owner}'s"


class NameRules:
    """Names as the learner wrote them, and the findings `BlockComparison` reports once at the end."""

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
