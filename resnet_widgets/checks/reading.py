"""Reading a learner's block back from its functional graph: what comes after the addition, the addition,
and its two branches.

The shortcut is told from the residual branch by the diagram's rule (`diagram.graph.shortcut_branch`: the
branch with fewer convolutions, then fewer layers), so a check and the picture of the same block always agree.
Keras' symbolic tensors know the operation that made them (`_keras_history`) and its inputs
(`_inbound_nodes`); these two private attributes are read here and nowhere else in the checks.
"""

from dataclasses import dataclass, field

from keras import layers

from ..diagram.graph import shortcut_branch


@dataclass
class Step:
    """One operation on a path through the block, with the tensor it produced."""

    op: object
    tensor: object

    @property
    def kind(self):
        return kind_of(self.op)

    @property
    def name(self):
        return self.op.name

    def describe(self):
        if self.kind == "conv":
            k, s = self.op.kernel_size, self.op.strides
            stride = f", stride {s[0]}" if s != (1, 1) else ""
            return f"{k[0]}x{k[1]} conv ({self.op.filters}{stride})"
        return {"bn": "BN", "relu": "ReLU", "add": "add"}.get(self.kind, type(self.op).__name__)


def kind_of(op):
    """What part an operation plays in a block: "conv", "bn", "relu", "add", "activation" or "other"."""
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


def producer(tensor):
    """(operation, its input tensors) for a symbolic tensor."""
    history = tensor._keras_history
    node = history.operation._inbound_nodes[history.node_index]
    return history.operation, list(node.input_tensors)


def walk_back(tensor, start):
    """Steps from `start` (exclusive) to `tensor`, following single-input operations backwards.

    Returns (steps in forward order, the tensor where the walk stopped): `start`, a graph input, or the
    output of an operation with several inputs (an addition).
    """
    steps = []
    while tensor is not start:
        op, inputs = producer(tensor)
        if isinstance(op, layers.InputLayer) or len(inputs) != 1:
            break
        steps.append(Step(op, tensor))
        tensor = inputs[0]
    return steps[::-1], tensor


@dataclass
class BlockStructure:
    """A residual block read back from its graph: out = tail(join(shortcut, residual))."""

    tail: list  # steps after the join (expected: one ReLU)
    join: object = None  # the Step that merges the branches, or None if there is none
    shortcut: list = None
    residual: list = None
    problems: list = field(default_factory=list)  # wiring problems found while reading


def read_block(block_input, output):
    """Read the block from `block_input` to `output` (symbolic tensors) into a `BlockStructure`."""
    tail, stop = walk_back(output, block_input)
    if stop is block_input:
        return BlockStructure(tail=tail, residual=tail)
    op, inputs = producer(stop)
    structure = BlockStructure(tail=tail, join=Step(op, stop))
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
        steps, stop = walk_back(tensor, block_input)
        if stop is not block_input:
            structure.problems.append(
                f"One input of the addition (`{tensor._keras_history.operation.name}`) does not come from the "
                "block's input through a simple chain of layers; both branches start at x."
            )
            return structure
        branches.append(steps)
    index = shortcut_branch([[s.op for s in steps] for steps in branches])
    structure.shortcut, structure.residual = branches[index], branches[1 - index]
    shared = [s for s in structure.shortcut if any(s.op is r.op for r in structure.residual)]
    if shared:
        structure.problems.append(
            f"The shortcut is taken from inside the residual branch, after `{shared[-1].name}`, instead of from the "
            "block's input. Save `shortcut = x` before the first convolution."
        )
    return structure


def describe(steps):
    """A branch in one line: "1x1 conv (4) → BN → ReLU", or "x (identity)" for an empty one."""
    return " → ".join(s.describe() for s in steps) if steps else "x (identity)"


def structure_lines(structure):
    """The learner's block as the check read it, one line per part."""
    if structure.join is None:
        return [f"output: {describe(structure.residual)} (no addition)"]
    lines = []
    if structure.residual is not None:
        lines.append(f"residual branch F(x): {describe(structure.residual)}")
        lines.append(f"shortcut: {describe(structure.shortcut)}")
    lines.append(f"then: {structure.join.describe()} → {describe(structure.tail) if structure.tail else 'output'}")
    return lines
