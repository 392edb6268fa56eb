"""``model_graph``: a Keras functional model as a JSON-ready hierarchy of stem, stages, blocks, layers, head.

The walk has three steps, one module each: `nodes` reads the model's calls in order, `residual` and `blocks`
find the residual blocks and stages (the grouping rules are in `blocks`' docstring), and this module writes
the records a diagram, a check or a JSON file reads.

Every node carries ``output_shape`` (batch axis as None), ``params`` (= ``trainable`` + ``non_trainable``
parameter counts) and ``macs`` (multiply-adds for one example, see :mod:`.layer_costs`; None when a spatial
size is unknown). Group nodes carry the sums over their layers; the root's ``params`` equals
``model.count_params()``.
"""

from __future__ import annotations

from .blocks import claim_by_resnet_names, find_blocks, sort_into_places, stages
from .layer_costs import WEIGHTED_TYPES, layer_macs, layer_params
from .nodes import Node, functional_graph, read_nodes

GRAPH_FORMAT = "resnet_widgets.model_graph/1"


def _shape(shape):
    if isinstance(shape, list):
        return [_shape(s) for s in shape]
    return [None if d is None else int(d) for d in shape]


def _label(node: Node) -> str:
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


def _layer_record(node: Node, counted_ops: set[int]) -> dict:
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


def _depth(nodes: list[Node]) -> int:
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
    graph_model = functional_graph(model)
    nodes = read_nodes(graph_model)
    counted: set[int] = set()
    records = [_layer_record(node, counted) for node in nodes]
    blocks, block_of = find_blocks(nodes, records)
    if not blocks:
        return _root(graph_model, nodes, records, "chain", records, 0)
    claim_by_resnet_names(nodes, blocks, block_of)

    stem, head, members, loose_before = sort_into_places(nodes, records, blocks, block_of)
    taken = {n.name for n in nodes}
    top = []
    if stem:
        top.append(_group(_unique("stem", taken), "stem", stem))
    for name, children in stages(blocks, members, loose_before, nodes, block_of, _group):
        top.append(_group(_unique(name, taken), "stage", children))
    if head:
        top.append(_group(_unique("head", taken), "head", head))
    return _root(graph_model, nodes, records, "residual", top, len(blocks))


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
