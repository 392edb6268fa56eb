"""A Keras functional model's graph as nodes: one per call of each operation, in a topological order.

The first step of every reading of a model's structure (the diagram's hierarchy, the exercise checks): accept
the model, with an error that names what is accepted, and list its calls with their parents and children.
"""

from __future__ import annotations

import heapq

from .. import keras_internals


class Node:
    """One call of one operation in the model's graph."""

    __slots__ = ("index", "name", "op", "type", "parents", "children", "output_shape", "input_shapes")

    def __init__(self, index, name, op, keras_node):
        self.index = index
        self.name = name
        self.op = op
        self.type = type(op).__name__
        self.parents: list[Node] = []
        self.children: list[Node] = []
        outputs = [tuple(t.shape) for t in keras_node.outputs]
        self.output_shape = outputs[0] if len(outputs) == 1 else outputs
        self.input_shapes = [tuple(t.shape) for t in keras_node.input_tensors]


def functional_graph(model):
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


def read_nodes(model) -> list[Node]:
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
        node = Node(index, name if calls == 0 else f"{name}:{calls}", kn.operation, kn)
        by_id[id(kn)] = node
        nodes.append(node)
    for kn in ordered:
        node = by_id[id(kn)]
        node.parents = [by_id[id(p)] for p in parents[id(kn)]]
        for p in node.parents:
            p.children.append(node)
    return nodes
