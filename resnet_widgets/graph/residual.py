"""Residual additions in a graph of nodes: where their branches fork, which nodes they span, which branch is the shortcut.

A residual block ends at an addition with two or more inputs. Its branches fork at the addition's immediate
dominator (the last node every path from the inputs to the addition passes through). `shortcut_branch` is the
one rule, shared by the diagram and the exercise checks, for which branch is the shortcut.
"""

from __future__ import annotations

from .layer_costs import WEIGHTED_TYPES
from .nodes import Node


def immediate_dominators(nodes: list[Node]) -> list[int]:
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


def is_residual_merge(node: Node) -> bool:
    return node.type == "Add" and len(node.parents) >= 2


def nodes_between(merge: Node, fork: int) -> set[int]:
    """Indices of the nodes on paths from the fork (excluded) to the merge (included)."""
    members, stack = {merge.index}, [merge]
    while stack:
        for parent in stack.pop().parents:
            if parent.index != fork and parent.index not in members:
                members.add(parent.index)
                stack.append(parent)
    return members


def chain_from_fork(start: Node, fork: int, members: set[int]) -> list[Node] | None:
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
