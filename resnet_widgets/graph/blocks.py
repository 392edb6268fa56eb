"""Which nodes of a model's graph form which residual block, and which blocks form which stage.

1. Every addition with two or more inputs (``layers.Add`` or ``x + y``) closes a residual block. The block
   holds every layer between the point where its branches fork (the merge's immediate dominator) and the
   merge. Of the merge's branches, the shortcut is the one with the fewest convolutions, then the fewest
   layers (``residual.shortcut_branch``, the rule the exercise checks use too); it is a *projection* when it
   holds a layer with weights (a 1x1 convolution), otherwise an *identity* (possibly subsampled by a pooling
   layer, like keras' ResNetV2 shortcuts, whose pooling layers carry generic names).
2. ResNet names win where present: a layer named ``convN_blockM_...`` belongs to block ``convN_blockM``, which
   also brings a V2 block's pre-activation layers (before the fork) into their block. An activation
   straight after the merge (v1's ReLU(F(x) + x)) belongs to the block whatever its name. Blocks are named
   ``convN_blockM`` and grouped into stages ``convN``. Elsewhere (a learner's own block with any names),
   a block takes its layers' common name prefix or its merge's name, and a new stage starts at each
   block with a projection shortcut.
3. Layers before the first block form the stem, layers after the last one the head. Layers between blocks
   stay as layers inside the stage of the block that follows them.
4. A model without residual additions (a plain chain) has no blocks.

The functions here work on the nodes (`nodes.read_nodes`) and their JSON records (`records`); they decide
membership only, and leave the records' shape to `records.model_graph`.
"""

from __future__ import annotations

import os

from ..arguments import RESNET_BLOCK_NAME as _RESNET_BLOCK
from .layer_costs import WEIGHTED_TYPES
from .nodes import Node
from .residual import chain_from_fork, immediate_dominators, is_residual_merge, nodes_between, shortcut_branch

_SEPARATORS = "_-./: "
_ACTIVATIONS = {"Activation", "ReLU", "LeakyReLU", "ELU", "PReLU", "Relu"}


def common_name(names: list[str]) -> str:
    """The names' common prefix, cut back to a separator ('' when there is none worth showing)."""
    prefix = os.path.commonprefix(names)
    if all(len(n) > len(prefix) and n[len(prefix)] in _SEPARATORS for n in names):
        return prefix.rstrip(_SEPARATORS)
    cut = max(prefix.rfind(s) for s in _SEPARATORS)
    return prefix[:cut].rstrip(_SEPARATORS) if cut > 1 else ""


def find_blocks(nodes: list[Node], records: list[dict]) -> tuple[list[dict], dict[int, int]]:
    """Residual blocks in the order their merges run, and which block each member node is in."""
    idom = immediate_dominators(nodes)
    blocks: list[dict] = []  # name, merge (a Node), shortcut (the serialised edge)
    block_of: dict[int, int] = {}
    used_names: set[str] = set()
    for merge in (n for n in nodes if is_residual_merge(n)):
        fork = idom[merge.index]
        members = nodes_between(merge, fork)
        branches = [chain_from_fork(p, fork, members) for p in merge.parents]
        shortcut = branches[shortcut_branch([None if b is None else [n.op for n in b] for b in branches])] or []
        resnet = _RESNET_BLOCK.match(merge.name)
        name = f"{resnet.group(1)}_block{resnet.group(2)}" if resnet else ""
        name = name or common_name([nodes[i].name for i in members]) or merge.name
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


def claim_by_resnet_names(nodes: list[Node], blocks: list[dict], block_of: dict[int, int]) -> None:
    """ResNet names win: `conv2_block1_preact_bn` sits before its block's fork but belongs to it."""
    block_by_name = {b["name"]: i for i, b in enumerate(blocks)}
    for node in nodes:
        resnet = _RESNET_BLOCK.match(node.name)
        if resnet and f"{resnet.group(1)}_block{resnet.group(2)}" in block_by_name:
            block_of[node.index] = block_by_name[f"{resnet.group(1)}_block{resnet.group(2)}"]


def sort_into_places(nodes, records, blocks, block_of):
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


def stages(blocks, members, loose_before, nodes, block_of, group):
    """(stage name, children) pairs: ResNet names where present, else a new stage at each projection.

    `group(name, kind, children, **extra)` writes a block's record (records.py owns the records' shape).
    """
    found: list[tuple[str, list[dict]]] = []
    for i, block in enumerate(blocks):
        resnet = _RESNET_BLOCK.match(block["name"])
        if resnet:
            name = resnet.group(1)
            new_stage = not found or found[-1][0] != name
        else:
            name = f"stage{len(found) + 1}"
            new_stage = not found or block["shortcut"]["kind"] == "projection"
        if new_stage:
            found.append((name, []))
        children = found[-1][1]
        children.extend(loose_before[i])
        extra = {"shortcut": block["shortcut"]}
        entry, out = block_input_shape(nodes, block_of, i), members[i][-1]["output_shape"]
        if entry and len(entry) == len(out) == 4 and entry[1] and out[1] and entry[1] > out[1]:
            extra["downsample"] = entry[1] // out[1]
        children.append(group(block["name"], "block", members[i], **extra))
    return found


def block_input_shape(nodes, block_of, index):
    """Output shape of the node that feeds block ``index`` from outside (None when there is none)."""
    first = next(node for node in nodes if block_of.get(node.index) == index)
    outside = [p for p in first.parents if block_of.get(p.index) != index]
    return list(outside[0].output_shape) if outside else None
