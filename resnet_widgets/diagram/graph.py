"""``model_graph``: a Keras functional model as a JSON-ready hierarchy of stem, stages, blocks, layers, head.

How layers are grouped into residual blocks:

1. Every addition with two or more inputs (``layers.Add`` or ``x + y``) closes a residual block. The block
   holds every layer between the point where its branches fork (the merge's immediate dominator) and the
   merge. Of the merge's branches, the shortcut is the one with the fewest convolutions, then the fewest
   layers (``shortcut_branch``, the rule the exercise checks use too); it is a *projection* when it holds a
   layer with weights (a 1x1 convolution), otherwise an *identity* (possibly subsampled by a pooling layer,
   like keras' ResNetV2 shortcuts, whose pooling layers carry generic names).
2. ResNet names win where present: a layer named ``convN_blockM_...`` belongs to block ``convN_blockM``, which
   also brings a V2 block's pre-activation layers (before the fork) into their block. An activation
   straight after the merge (v1's ReLU(F(x) + x)) belongs to the block whatever its name. Blocks are named
   ``convN_blockM`` and grouped into stages ``convN``. Elsewhere (a learner's own block with any names),
   a block takes its layers' common name prefix or its merge's name, and a new stage starts at each
   block with a projection shortcut.
3. Layers before the first block form the stem, layers after the last one the head. Layers between blocks
   stay as layers inside the stage of the block that follows them.
4. A model without residual additions (a plain chain) gives a flat list of layers.

Every node carries ``output_shape`` (batch axis as None), ``params`` (= ``trainable`` + ``non_trainable``
parameter counts) and ``macs`` (multiply-adds for one example, see :mod:`.costs`; None when a spatial size
is unknown). Group nodes carry the sums over their layers; the root's ``params`` equals
``model.count_params()``.
"""

from __future__ import annotations

import heapq
import os

from .. import keras_internals
from ..arguments import RESNET_BLOCK_NAME as _RESNET_BLOCK
from .costs import WEIGHTED_TYPES, layer_macs, layer_params

GRAPH_FORMAT = "resnet_widgets.model_graph/1"

_SEPARATORS = "_-./: "
_ACTIVATIONS = {"Activation", "ReLU", "LeakyReLU", "ELU", "PReLU", "Relu"}


class _Node:
    """One call of one operation in the model's graph."""

    __slots__ = ("index", "name", "op", "type", "parents", "children", "output_shape", "input_shapes")

    def __init__(self, index, name, op, keras_node):
        self.index = index
        self.name = name
        self.op = op
        self.type = type(op).__name__
        self.parents: list[_Node] = []
        self.children: list[_Node] = []
        outputs = [tuple(t.shape) for t in keras_node.outputs]
        self.output_shape = outputs[0] if len(outputs) == 1 else outputs
        self.input_shapes = [tuple(t.shape) for t in keras_node.input_tensors]


# --------------------------------------------------------------------------- accepting a model


def _graph_model(model):
    """The functional graph behind ``model``; raises TypeError/ValueError naming what is accepted."""
    accepted = (
        "model_graph accepts a Keras functional model (keras.Model(inputs, outputs), e.g. "
        "resnet_widgets.models.ResNet50(weights=None) or keras.applications models) or a built "
        "keras.Sequential"
    )
    try:
        import keras
    except ImportError as error:  # pragma: no cover - keras is a dependency
        raise TypeError(f"{accepted}; Keras is not importable here: {error}") from None
    if not isinstance(model, keras.Model):
        raise TypeError(f"{accepted}; got model={type(model).__module__}.{type(model).__qualname__}")
    if isinstance(model, keras.Sequential):
        functional = keras_internals.sequential_graph(model)
        if functional is None:
            raise ValueError(
                f"{accepted}; the Sequential model {model.name!r} is not built, so it has no graph yet. "
                "Start it with keras.Input(shape=...) or call model.build(input_shape) first."
            )
        return functional
    if not keras_internals.is_functional(model):
        built = "built" if model.built else "unbuilt"
        raise TypeError(
            f"{accepted}; got the {built} subclassed model {type(model).__name__} ({model.name!r}), "
            "whose call() is Python code with no layer graph to read. Build it the functional way: "
            "inputs = keras.Input(shape); outputs = ...; keras.Model(inputs, outputs)."
        )
    return model


def _read_nodes(model) -> list[_Node]:
    """The model's graph nodes in a topological order that follows how the model was written."""
    keras_nodes = keras_internals.graph_nodes(model)
    op_order = {id(op): i for i, op in enumerate(model.operations)}
    for i, tensor in enumerate(model.inputs):  # inputs first, in the order the model lists them
        op_order[id(keras_internals.producer(tensor)[0])] = -len(model.inputs) + i

    key_of = {id(kn): (op_order.get(id(kn.operation), len(op_order)), keras_internals.call_index(kn))
              for kn in keras_nodes}
    parents = {id(kn): [p for p in kn.parent_nodes if id(p) in key_of] for kn in keras_nodes}
    children: dict[int, list] = {id(kn): [] for kn in keras_nodes}
    waiting = {}
    for kn in keras_nodes:
        waiting[id(kn)] = len(parents[id(kn)])
        for p in parents[id(kn)]:
            children[id(p)].append(kn)
    ready = [(key_of[id(kn)], id(kn), kn) for kn in keras_nodes if waiting[id(kn)] == 0]
    heapq.heapify(ready)
    ordered = []
    while ready:
        _, _, kn = heapq.heappop(ready)
        ordered.append(kn)
        for child in children[id(kn)]:
            waiting[id(child)] -= 1
            if waiting[id(child)] == 0:
                heapq.heappush(ready, (key_of[id(child)], id(child), child))

    seen_names: dict[str, int] = {}
    nodes, by_id = [], {}
    for index, kn in enumerate(ordered):
        name = kn.operation.name
        calls = seen_names.get(name, 0)
        seen_names[name] = calls + 1
        node = _Node(index, name if calls == 0 else f"{name}:{calls}", kn.operation, kn)
        by_id[id(kn)] = node
        nodes.append(node)
    for kn in ordered:
        node = by_id[id(kn)]
        node.parents = [by_id[id(p)] for p in parents[id(kn)]]
        for p in node.parents:
            p.children.append(node)
    return nodes


# --------------------------------------------------------------------------- finding residual blocks


def _immediate_dominators(nodes: list[_Node]) -> list[int]:
    """idom[i] = index of node i's immediate dominator (-1: the virtual root above all inputs)."""
    idom = [-1] * len(nodes)

    def intersect(a: int, b: int) -> int:
        while a != b:
            while a > b:
                a = idom[a]
            while b > a:
                b = idom[b]
        return a

    for node in nodes:  # topological order: in a DAG one pass is exact
        if not node.parents:
            idom[node.index] = -1
            continue
        dominator = node.parents[0].index
        for parent in node.parents[1:]:
            dominator = intersect(dominator, parent.index)
        idom[node.index] = dominator
    return idom


def _is_residual_merge(node: _Node) -> bool:
    return node.type == "Add" and len(node.parents) >= 2


def _between(merge: _Node, fork: int) -> set[int]:
    """Indices of the nodes on paths from the fork (excluded) to the merge (included)."""
    members, stack = {merge.index}, [merge]
    while stack:
        for parent in stack.pop().parents:
            if parent.index != fork and parent.index not in members:
                members.add(parent.index)
                stack.append(parent)
    return members


def _branch(start: _Node, fork: int, members: set[int]) -> list[_Node] | None:
    """The chain of nodes from the fork down to ``start`` (fork excluded); None if it is not a chain."""
    chain, node = [], start
    while node.index != fork:
        if node.index not in members or len(node.parents) != 1:
            return None
        chain.append(node)
        node = node.parents[0]
    return chain[::-1]


def shortcut_branch(branches: list) -> int:
    """Which input branch of a residual addition is the shortcut: the one rule for every reader of a ResNet graph.

    The shortcut is the branch with the fewest convolutions and dense layers (the layers that make depth:
    none for an identity, one for a projection), then the fewest layers; a branch that is not a simple chain
    of layers comes last. The diagram (``model_graph``) and the exercise checks (``resnet_widgets.checks``)
    both call it, so they always agree on which path is the shortcut.

    Args:
        branches: one entry per input of the addition: the Keras operations from the fork to the addition, in
            order, or None when that input is not a simple chain from the fork.

    Returns:
        The index of the shortcut in ``branches``.
    """

    def weight(branch):
        if branch is None:
            return (float("inf"), float("inf"))
        return (sum(type(op).__name__ in WEIGHTED_TYPES for op in branch), len(branch))

    return min(range(len(branches)), key=lambda i: weight(branches[i]))


def _common_name(names: list[str]) -> str:
    """The names' common prefix, cut back to a separator ('' when there is none worth showing)."""
    prefix = os.path.commonprefix(names)
    if all(len(n) > len(prefix) and n[len(prefix)] in _SEPARATORS for n in names):
        return prefix.rstrip(_SEPARATORS)
    cut = max(prefix.rfind(s) for s in _SEPARATORS)
    return prefix[:cut].rstrip(_SEPARATORS) if cut > 1 else ""


# --------------------------------------------------------------------------- serialising


def _shape(shape):
    if isinstance(shape, list):
        return [_shape(s) for s in shape]
    return [None if d is None else int(d) for d in shape]


def _label(node: _Node) -> str:
    """A short description a learner reads in a layer box: '3×3 conv, 64, /2', 'BN', 'ReLU', ..."""
    op, kind = node.op, node.type
    strides = getattr(op, "strides", None)
    stride = ""
    if strides and any(s != 1 for s in strides):
        stride = f", /{strides[0]}" if len(set(strides)) == 1 else f", /{'×'.join(map(str, strides))}"
    if kind in WEIGHTED_TYPES and hasattr(op, "kernel_size"):
        size = "×".join(map(str, op.kernel_size))
        family = {"DepthwiseConv2D": "depthwise", "SeparableConv2D": "sep conv"}.get(kind, "conv")
        width = getattr(op, "filters", None)
        return f"{size} {family}" + (f", {width}" if width else "") + stride
    if kind == "Dense":
        activation = getattr(getattr(op, "activation", None), "__name__", "linear")
        return f"dense {op.units}" + ("" if activation == "linear" else f", {activation}")
    if kind == "BatchNormalization":
        return "batch norm"
    if kind in ("Activation", "ReLU"):
        activation = getattr(getattr(op, "activation", None), "__name__", "relu")
        return activation.replace("relu", "ReLU")
    if kind.startswith("ZeroPadding"):
        pad = getattr(op, "padding", None)
        flat = sorted({p for pair in pad for p in pair}) if pad else []
        return "zero pad" + (f" {flat[0]}" if len(flat) == 1 else "")
    if kind.startswith(("MaxPooling", "AveragePooling")):
        size = "×".join(map(str, op.pool_size))
        return f"{size} {'max' if kind.startswith('Max') else 'avg'} pool" + stride
    if kind.startswith("GlobalAveragePooling"):
        return "global avg pool"
    if kind.startswith("GlobalMaxPooling"):
        return "global max pool"
    if kind == "InputLayer":
        return "input"
    if kind == "Add":
        return "add"
    return kind


def _layer_record(node: _Node, counted_ops: set[int]) -> dict:
    # A layer called twice (shared weights) counts its parameters at its first call only.
    trainable, frozen = layer_params(node.op) if id(node.op) not in counted_ops else (0, 0)
    counted_ops.add(id(node.op))
    return {
        "name": node.name,
        "kind": "layer",
        "type": node.type,
        "label": _label(node),
        "output_shape": _shape(node.output_shape),
        "params": trainable + frozen,
        "trainable": trainable,
        "non_trainable": frozen,
        "macs": layer_macs(node.op, node.input_shapes, node.output_shape),
        "inputs": [p.name for p in node.parents],
    }


def _group(name: str, kind: str, children: list[dict], **extra) -> dict:
    macs = [c["macs"] for c in children]
    record = {
        "name": name,
        "kind": kind,
        "output_shape": children[-1]["output_shape"] if children else None,
        "params": sum(c["params"] for c in children),
        "trainable": sum(c["trainable"] for c in children),
        "non_trainable": sum(c["non_trainable"] for c in children),
        "macs": None if any(m is None for m in macs) else sum(macs),
        **extra,
        "children": children,
    }
    return record


def _depth(nodes: list[_Node]) -> int:
    """Conv and dense layers on the longest input-to-output path (ResNet-50's '50')."""
    longest = [0] * len(nodes)
    for node in nodes:
        here = 1 if node.type in WEIGHTED_TYPES else 0
        longest[node.index] = here + max((longest[p.index] for p in node.parents), default=0)
    return max(longest, default=0)


def model_graph(model) -> dict:
    """Describe a Keras model as a hierarchy: stem, stages, residual blocks, layers, head.

    Args:
        model: a Keras functional model (``keras.Model(inputs, outputs)``, every ``resnet_widgets.models``
            and ``keras.applications`` ResNet) or a built ``keras.Sequential``.

    Returns:
        A JSON-serialisable dict (format ``resnet_widgets.model_graph/1``)::

            {"format", "name", "structure": "residual" | "chain",
             "input_shape", "output_shape", "params", "trainable", "non_trainable",
             "macs", "depth", "layer_count", "block_count", "children": [...]}

        For a residual network the children are ``{"kind": "stem"}``, ``{"kind": "stage"}`` nodes holding
        ``{"kind": "block"}`` nodes (with ``"shortcut": {"kind": "identity" | "projection", "layers",
        "from", "to"}`` and ``"downsample"``), and ``{"kind": "head"}``; for a chain, layers. Layers are
        ``{"kind": "layer", "type", "label", "inputs", ...}``. See the module docstring for the grouping.

    Raises:
        TypeError: ``model`` is not a Keras model, or is a subclassed model with no functional graph.
        ValueError: ``model`` is a Sequential model that is not built yet.
    """
    graph_model = _graph_model(model)
    nodes = _read_nodes(graph_model)
    counted: set[int] = set()
    records = [_layer_record(node, counted) for node in nodes]
    blocks, block_of = _find_blocks(nodes, records)
    if not blocks:
        return _root(graph_model, nodes, records, "chain", records, 0)
    _claim_by_resnet_names(nodes, blocks, block_of)

    stem, head, members, loose_before = _sort_into_places(nodes, records, blocks, block_of)
    taken = {n.name for n in nodes}
    top = []
    if stem:
        top.append(_group(_unique("stem", taken), "stem", stem))
    for name, children in _stages(blocks, members, loose_before, nodes, block_of):
        top.append(_group(_unique(name, taken), "stage", children))
    if head:
        top.append(_group(_unique("head", taken), "head", head))
    return _root(graph_model, nodes, records, "residual", top, len(blocks))


def _find_blocks(nodes: list[_Node], records: list[dict]) -> tuple[list[dict], dict[int, int]]:
    """Residual blocks in the order their merges run, and which block each member node is in."""
    idom = _immediate_dominators(nodes)
    blocks: list[dict] = []  # name, merge (a _Node), shortcut (the serialised edge)
    block_of: dict[int, int] = {}
    used_names: set[str] = set()
    for merge in (n for n in nodes if _is_residual_merge(n)):
        fork = idom[merge.index]
        members = _between(merge, fork)
        branches = [_branch(p, fork, members) for p in merge.parents]
        shortcut = branches[shortcut_branch([None if b is None else [n.op for n in b] for b in branches])] or []
        resnet = _RESNET_BLOCK.match(merge.name)
        name = f"{resnet.group(1)}_block{resnet.group(2)}" if resnet else ""
        name = name or _common_name([nodes[i].name for i in members]) or merge.name
        if name in used_names:
            name = merge.name
        used_names.add(name)
        projection = any(records[n.index]["params"] or n.type in WEIGHTED_TYPES for n in shortcut)
        blocks.append({
            "name": name,
            "merge": merge,
            "shortcut": {
                "kind": "projection" if projection else "identity",
                "layers": [n.name for n in shortcut],
                "from": nodes[fork].name if fork >= 0 else None,
                "to": merge.name,
            },
        })  # fmt: skip
        for i in members:
            block_of.setdefault(i, len(blocks) - 1)
        # The activation right after the addition (v1's ReLU(F(x) + x)) ends the block too.
        tail = merge
        while len(tail.children) == 1 and len(tail.children[0].parents) == 1:
            follower = tail.children[0]
            if follower.type not in _ACTIVATIONS or follower.index in block_of:
                break
            block_of[follower.index] = len(blocks) - 1
            tail = follower
    return blocks, block_of


def _claim_by_resnet_names(nodes: list[_Node], blocks: list[dict], block_of: dict[int, int]) -> None:
    """ResNet names win: `conv2_block1_preact_bn` sits before its block's fork but belongs to it."""
    block_by_name = {b["name"]: i for i, b in enumerate(blocks)}
    for node in nodes:
        resnet = _RESNET_BLOCK.match(node.name)
        if resnet and f"{resnet.group(1)}_block{resnet.group(2)}" in block_by_name:
            block_of[node.index] = block_by_name[f"{resnet.group(1)}_block{resnet.group(2)}"]


def _sort_into_places(nodes, records, blocks, block_of):
    """(stem layers, head layers, each block's layers, layers between blocks shown before block i)."""
    first_merge, last_merge = blocks[0]["merge"].index, blocks[-1]["merge"].index
    stem, head = [], []
    members: list[list[dict]] = [[] for _ in blocks]
    loose_before: list[list[dict]] = [[] for _ in blocks]
    next_block = 0
    for node in nodes:
        while next_block < len(blocks) and blocks[next_block]["merge"].index < node.index:
            next_block += 1
        if node.index in block_of:
            members[block_of[node.index]].append(records[node.index])
        elif node.index < first_merge:
            stem.append(records[node.index])
        elif node.index > last_merge:
            head.append(records[node.index])
        else:
            loose_before[min(next_block, len(blocks) - 1)].append(records[node.index])
    return stem, head, members, loose_before


def _stages(blocks, members, loose_before, nodes, block_of):
    """(stage name, children) pairs: ResNet names where present, else a new stage at each projection."""
    stages: list[tuple[str, list[dict]]] = []
    for i, block in enumerate(blocks):
        resnet = _RESNET_BLOCK.match(block["name"])
        if resnet:
            name = resnet.group(1)
            new_stage = not stages or stages[-1][0] != name
        else:
            name = f"stage{len(stages) + 1}"
            new_stage = not stages or block["shortcut"]["kind"] == "projection"
        if new_stage:
            stages.append((name, []))
        children = stages[-1][1]
        children.extend(loose_before[i])
        extra = {"shortcut": block["shortcut"]}
        entry, out = _block_input_shape(nodes, block_of, i), members[i][-1]["output_shape"]
        if entry and len(entry) == len(out) == 4 and entry[1] and out[1] and entry[1] > out[1]:
            extra["downsample"] = entry[1] // out[1]
        children.append(_group(block["name"], "block", members[i], **extra))
    return stages


def _block_input_shape(nodes, block_of, index):
    """Output shape of the node that feeds block ``index`` from outside (None when there is none)."""
    first = next(node for node in nodes if block_of.get(node.index) == index)
    outside = [p for p in first.parents if block_of.get(p.index) != index]
    return list(outside[0].output_shape) if outside else None


def nodes_by_name(graph: dict) -> dict:
    """Every node under a ``model_graph`` dict's root (groups and layers), by name."""
    found, stack = {}, list(graph.get("children", ()))
    while stack:
        node = stack.pop()
        found[node["name"]] = node
        stack.extend(node.get("children", ()))
    return found


def _unique(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _root(graph_model, nodes, records, structure, children, block_count) -> dict:
    root = _group(graph_model.name, "model", children)
    root.pop("children")
    input_shapes = [_shape(t.shape) for t in graph_model.inputs]
    output_shapes = [_shape(t.shape) for t in graph_model.outputs]
    return {
        "format": GRAPH_FORMAT,
        **root,
        "structure": structure,
        "input_shape": input_shapes[0] if len(input_shapes) == 1 else input_shapes,
        "output_shape": output_shapes[0] if len(output_shapes) == 1 else output_shapes,
        "depth": _depth(nodes),
        "layer_count": len(records),
        "block_count": block_count,
        "children": children,
    }
