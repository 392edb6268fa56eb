"""Inside a ResNet: where it looks (Grad-CAM), what each stage sees (feature maps), and its stages as a backbone.

    from resnet_widgets.inside import grad_cam, overlay, feature_maps, backbone, GradCamExplorer

    cam = grad_cam(model, images)                  # heatmaps (N, h, w), class_index, scores, layer
    overlay(images_shown[0], cam.heatmaps[0])      # matplotlib: the heatmap over the image
    feature_maps(model, images)                    # {"conv1": ..., "conv2": ..., ..., "conv5": ...}
    backbone("ResNet50")                           # a model returning {"C2", "C3", "C4", "C5"}
    GradCamExplorer(model, images, class_names)    # pick an image and a class, see the heatmap

Everything runs on TensorFlow and JAX, for the six variants, ResNets with fewer stages, and models that
wrap a ResNet (transfer models): `resnet_widgets.graph.unfold` steps into nested models, and Grad-CAM takes its
activations and gradients from `resnet_widgets.layer_gradients`; both sit below the feature packages, so this
package imports no other one.
"""

from ..graph.levels import LEVELS, PYRAMID_KEYS, STRIDES
from .backbone import backbone, level_layers
from .features import STAGES, feature_maps, plot_feature_maps, stage_layers
from .grad_cam import GradCam, LayerGradients, activations_and_gradients, grad_cam, weight_feature_maps
from .overlay import overlay, upsample

__all__ = [
    "LEVELS", "PYRAMID_KEYS", "STAGES", "STRIDES", "GradCam", "GradCamExplorer", "LayerGradients",
    "activations_and_gradients", "backbone", "feature_maps", "grad_cam", "level_layers", "overlay", "plot_feature_maps", "stage_layers", "upsample",
    "weight_feature_maps",
]


def __getattr__(name):
    # The widget pulls in ipywidgets and matplotlib; import it only when asked for.
    if name == "GradCamExplorer":
        from .explorer import GradCamExplorer

        return GradCamExplorer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
