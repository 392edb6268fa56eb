"""ResNet Lab's package: the ResNet family as Keras models, and the widgets the course is built on.

Three layers; each imports only from the layers below it (tests/test_layering.py checks this):

Feature packages, one subject each, none importing another:
    diagram    the architecture diagram (ArchitectureDiagram, to_svg, to_png, explore)
    gradients  plain-vs-residual gradient experiments, the degradation experiment and the GradientExplorer widget
    checks     feedback on the learner's exercise code
    training   transfer learning, diagnose, checkpoints and the live training dashboard
    inside     Grad-CAM, feature maps, ResNet as a backbone, a backbone's measured cost

Shared machinery below them:
    graph              the model-graph walk: model_graph, the shortcut rule, unfold (nested models as one graph),
                       the stage outputs C2..C5 (levels)
    gradient_dispatch  the one backend-specific piece: losses and gradients on TensorFlow or JAX
    layer_gradients    a layer's activations and the gradient of a class score for them (Grad-CAM's first half)
    devices            whether the active backend sees a GPU

Foundations:
    models     identity/conv/pre-activation blocks and the six keras.applications-compatible variants
    data       dataset catalog, verified downloads, safe extraction, image folders
    io         the one download, cache and atomic-write layer
    arguments  the one place that checks arguments; keras_internals, every private Keras read

The course's own support (course mode, the labs' inputs, the course ResNet's pretraining, the sample photos, 00's
environment report) is not part of this package: it is `resnet_lab`, which imports this one and is never imported
by it.
"""

__version__ = "0.1.0"
