"""The model-graph walk every feature package shares: read a Keras model's structure, never change it.

    from resnet_widgets.graph import model_graph, shortcut_branch, unfold

Modules, one step each:
    nodes        a functional model's calls as nodes in a topological order (the one place that accepts a model)
    residual     residual additions: where their branches fork, which branch is the shortcut (one rule for all)
    blocks       which nodes form which residual block and stage (ResNet names first, graph structure otherwise)
    records      model_graph(): the JSON-ready hierarchy of stem, stages, blocks, layers and head
    layer_costs  one layer's parameters and multiply-adds
    unfold       a model that holds other models re-run as one flat graph, every layer's output at hand
    levels       which layers are a ResNet's stage outputs C2..C5 (detection's and Grad-CAM's default layers)

It sits below the feature packages (diagram, gradients, checks, training, inside) and depends only on
`keras_internals` and `arguments`: the diagram draws these records, the checks read a learner's model with
them, and `inside` unfolds a transfer model to reach its backbone's layers.
"""

from .layer_costs import WEIGHTED_TYPES, layer_macs, layer_params
from .records import GRAPH_FORMAT, model_graph, nodes_by_name
from .residual import shortcut_branch
from .unfold import Unfolded, is_model, unfold

__all__ = [
    "GRAPH_FORMAT",
    "WEIGHTED_TYPES",
    "Unfolded",
    "is_model",
    "layer_macs",
    "layer_params",
    "model_graph",
    "nodes_by_name",
    "shortcut_branch",
    "unfold",
]
