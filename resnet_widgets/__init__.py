"""ResNet Lab's package: the ResNet family as Keras models, and the widgets the course is built on.

Three layers; each imports only from the layers below it (tests/test_layering.py checks this):

Feature packages, one subject each, none importing another:
    diagram    the architecture diagram (ArchitectureDiagram, to_svg, to_png, explore)
    gradients  plain-vs-residual gradient experiments, the degradation experiment and the GradientExplorer widget
    checks     feedback on the learner's exercise code
    training   transfer learning, diagnose, checkpoints and the live training dashboard
    inside     Grad-CAM, feature maps, ResNet as a backbone, a backbone's measured cost

Shared machinery below them:
    graph              the model-graph walk: model_graph, the shortcut rule, unfold (nested models as one graph)
    gradient_dispatch  the one backend-specific piece: losses and gradients on TensorFlow or JAX

Foundations:
    models     identity/conv/pre-activation blocks and the six keras.applications-compatible variants
    data       dataset catalog, verified downloads, safe extraction, image folders
    io         the one download, cache and atomic-write layer
    arguments  the one place that checks arguments; keras_internals, every private Keras read
"""

__version__ = "0.1.0"
