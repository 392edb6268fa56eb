"""Reading a learner's block back from its functional graph.

A residual block, read backwards from its output: what comes after the addition (the tail), the addition
(the join), and the addition's two inputs, each followed back to the block's input. Steps that both inputs
share form the head (v2's pre-activation, which the projection and the residual branch both read); what is
left is the shortcut and the residual branch. Which one is the shortcut is the diagram's rule
(`graph.shortcut_branch`: fewer convolutions, then fewer layers), so a check and the picture of the
same block always agree.

Reading only reads: it records what it found (and where it could not follow the wiring); `rules` judges.
Keras' symbolic tensors know the operation that made them and its inputs; those private attributes are read
through resnet_widgets.keras_internals, the package's one reader of Keras internals.
"""

from dataclasses import dataclass, field

from keras import layers

from .. import keras_internals
from ..graph import shortcut_branch


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
        op = self.op
        if self.kind == "conv":
            k, s = op.kernel_size, op.strides
            stride = f", stride {s[0]}" if s != (1, 1) else ""
            return f"{k[0]}x{k[1]} conv ({op.filters}{stride})"
        if self.kind == "pool":
            size, s = op.pool_size, op.strides
            stride = f", stride {s[0]}" if s != (1, 1) else ""
            return f"{size[0]}x{size[1]} {'max' if 'Max' in type(op).__name__ else 'avg'} pool{stride}"
        if self.kind == "pad":
            return f"zero pad {op.padding[0][0]}" if len({p for pair in op.padding for p in pair}) == 1 else "zero pad"
        return {"bn": "BN", "relu": "ReLU", "add": "add"}.get(self.kind, type(op).__name__)


def kind_of(op):
    """What part an operation plays in a block: conv, bn, relu, add, pad, pool, activation or other."""
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
    if isinstance(op, layers.ZeroPadding2D):
        return "pad"
    if isinstance(op, (layers.MaxPooling2D, layers.AveragePooling2D)):
        return "pool"
    if name in ("Relu", "ReLU"):  # keras.ops.relu / keras.activations.relu on a symbolic tensor
        return "relu"
    if name == "Add":  # layers.Add, or `a + b` (keras.ops.add)
        return "add"
    return "other"


def producer(tensor):
    """(operation, its input tensors) for a symbolic tensor."""
    operation, node = keras_internals.producer(tensor)
    return operation, list(node.input_tensors)


def made_by(tensor):
    """The name of the operation that produced a symbolic tensor."""
    return keras_internals.producer(tensor)[0].name


def times_called(op):
    """How many times an operation is called in the graphs it belongs to (a shared layer: more than once)."""
    return len(keras_internals.inbound_nodes(op))


def input_names(op):
    """The names of the operations whose outputs feed `op` (at its first call)."""
    return [made_by(t) for t in keras_internals.inbound_nodes(op)[0].input_tensors]


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
    """A residual block read back from its graph: out = tail(join(shortcut(head(x)), residual(head(x)))).

    Attributes:
        tail: steps after the join (v1: one ReLU; v2: none).
        join: the Step that merges the branches, or None when the output is a plain chain from the input.
        join_inputs: how many inputs the join has.
        head: steps both branches share, from the block's input to the point where they split.
        shortcut: the shortcut's steps after the head ([] for the identity), or None when it is lost.
        residual: the residual branch's steps after the head (the whole chain when there is no join).
        lost_shortcut: the join adds one tensor to itself (`shortcut = x` saved too late).
        unreadable: the name of a join input that is not a simple chain from the block's input, or None.
    """

    tail: list
    join: object = None
    join_inputs: int = 0
    head: list = field(default_factory=list)
    shortcut: list = None
    residual: list = None
    lost_shortcut: bool = False
    unreadable: str = None


def read_block(block_input, output):
    """Read the block from `block_input` to `output` (symbolic tensors) into a `BlockStructure`."""
    tail, stop = walk_back(output, block_input)
    if stop is block_input:
        return BlockStructure(tail=[], residual=tail)
    op, inputs = producer(stop)
    structure = BlockStructure(tail=tail, join=Step(op, stop), join_inputs=len(inputs))
    if len(inputs) != 2:
        return structure
    if inputs[0] is inputs[1]:
        structure.lost_shortcut = True
        residual, where = walk_back(inputs[0], block_input)
        if where is block_input:
            structure.residual = residual
        else:
            structure.unreadable = made_by(inputs[0])
        return structure
    branches = []
    for tensor in inputs:
        steps, where = walk_back(tensor, block_input)
        if where is not block_input:
            structure.unreadable = made_by(tensor)
            return structure
        branches.append(steps)
    index = shortcut_branch([[s.op for s in steps] for steps in branches])
    shortcut, residual = branches[index], branches[1 - index]
    shared = 0
    while shared < min(len(shortcut), len(residual)) and shortcut[shared].op is residual[shared].op:
        shared += 1
    structure.head, structure.shortcut, structure.residual = shortcut[:shared], shortcut[shared:], residual[shared:]
    return structure


def describe(steps, empty="x (identity)"):
    """A chain of steps in one line: "1x1 conv (4) → BN → ReLU"; `empty` for none."""
    return " → ".join(s.describe() for s in steps) if steps else empty


def _line(label, mine, ref):
    mark = "✓" if mine == ref else "✗"
    line = f"{label}: {mine}   {mark}"
    return [line] if mine == ref else [line, f"{' ' * (len(label) - len('expected'))}expected: {ref}"]


def structure_lines(mine, ref):
    """The learner's block as the check read it, one line per part, marked against the reference's.

    A part that agrees ends with ✓; one that does not ends with ✗ and is followed by the reference's.
    """
    if mine.join is None:
        return [f"output: {describe(mine.residual)}, with no addition   ✗",
                f"expected: {describe(ref.head + ref.residual)}, added to the shortcut"]
    lines = []
    if mine.head or ref.head:
        lines += _line("before the branches split", describe(mine.head, "nothing"), describe(ref.head, "nothing"))
    if mine.residual is not None:
        # Where the learner's shortcut leaves from a different place, compare the whole chains to the addition.
        same_split = bool(mine.head) == bool(ref.head) and not mine.lost_shortcut
        lines += _line("residual branch F(x)", describe(mine.residual if same_split else mine.head + mine.residual),
                       describe(ref.residual if same_split else ref.head + ref.residual))
    if mine.lost_shortcut:
        lines += _line("shortcut", "lost: the addition adds the residual branch to itself", describe(ref.shortcut))
    elif mine.shortcut is not None:
        lines += _line("shortcut", describe(mine.shortcut), describe(ref.shortcut))
    join = mine.join.describe() if mine.join.kind == "add" else f"{mine.join.describe()} (not an addition)"
    lines += _line("the branches meet in", join, ref.join.describe())
    lines += _line("after the addition", describe(mine.tail, "nothing"), describe(ref.tail, "nothing"))
    return lines
