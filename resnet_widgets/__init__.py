"""ResNet Lab's package: the ResNet family as Keras models, and the widgets the course is built on.

Subpackages, one subject each:
    models     identity/conv/pre-activation blocks and the six keras.applications-compatible variants
    diagram    the architecture diagram (model_graph, ArchitectureDiagram, to_svg)
    gradients  plain-vs-residual gradient experiments and the GradientExplorer widget
    data       dataset catalog, verified downloads, safe extraction, image folders
"""

__version__ = "0.1.0"
