"""Grad-CAM: where in the image did the network look for a class? On any backend, for any ResNet.

Selvaraju et al. 2017 (arXiv 1610.02391, section 3): take a convolutional layer's activations A (k
channels of h x w), and the gradient of the class score y^c *before the softmax* with respect to them.
Average the gradient over the map to get one weight per channel,

    alpha_k = mean over (i, j) of  d y^c / d A_k[i, j]                      (eq. 1)

and keep the positive part of the weighted sum of the channels:

    L^c = ReLU( sum_k alpha_k A_k )                                        (eq. 2)

The map has the layer's resolution (7x7 for conv5 at 224 px); `overlay` stretches it over the image.

The activations and their gradients come from `resnet_widgets.layer_gradients` (shared with the Grad-CAM
exercise check); this module weights them into heatmaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..layer_gradients import LayerGradients, activations_and_gradients

_EPSILON = 1e-12


@dataclass(frozen=True)
class GradCam:
    """Grad-CAM heatmaps for a batch of images.

    Attributes:
        heatmaps: (N, h, w) float32 in [0, 1], one per image at the layer's resolution; each is divided by
            its own maximum (all zeros where no location speaks for the class).
        class_index: (N,) int, the class each heatmap explains.
        scores: (N, classes) float32, the model's scores before its softmax (its outputs when it has none).
        layer: the layer whose activations were weighted.
        raw: (N, h, w) float32, eq. 2 before the division (for comparing strengths across images).
    """

    heatmaps: np.ndarray
    class_index: np.ndarray
    scores: np.ndarray
    layer: str
    raw: np.ndarray

    @property
    def predicted(self) -> np.ndarray:
        """(N,) the class with the highest score for each image."""
        return np.argmax(self.scores, axis=-1)


def grad_cam(model, images, class_index=None, layer="auto", batch_size=None) -> GradCam:
    """Grad-CAM heatmaps of `model` for `images`.

    Args:
        model: a Keras classifier (Functional or Sequential) whose output is (batch, classes): one of our
            ResNets, or a model that wraps one (a transfer model), or any CNN.
        images: (N, height, width, channels) numbers, prepared as the model expects them (e.g. after the
            variant's `preprocess_input`); a single image needs a batch axis (`image[None]`).
        class_index: None (each image's top class), an int (the same class for every image), or one int
            per image.
        layer: "auto" (the last stage output: conv5_block3_out, post_relu for V2; in a model without
            ResNet names, the last layer with a 4-D output), or the name of any layer with a 4-D output,
            also inside a nested model.
        batch_size: images per forward and backward pass; None takes them all at once. The backward pass keeps
            every layer's activations of its batch (about 0.2 GB per 224x224 image in ResNet50), so a few photos
            at a time keep a 2 GB Binder session safe; the heatmaps are the same either way.

    Returns:
        A `GradCam` (heatmaps, class_index, scores, layer, raw).

    Raises:
        TypeError: `images` is not an array of numbers, `class_index` not whole numbers, `layer` not a str,
            `batch_size` not a whole number.
        ValueError: images of the wrong shape for the model; a class index outside 0..classes-1 (the
            message names the range); an unknown layer name (the message lists the valid ones), or a layer
            without a 4-D output; a model whose output is not (batch, classes); a batch_size below 1.
    """
    measured = activations_and_gradients(model, images, class_index, layer, batch_size)
    raw = weight_feature_maps(measured.activations, measured.gradients)
    peak = raw.max(axis=(1, 2), keepdims=True)
    heatmaps = np.where(peak > _EPSILON, raw / np.maximum(peak, _EPSILON), 0.0)
    return GradCam(
        heatmaps=heatmaps.astype(np.float32),
        class_index=measured.class_index,
        scores=measured.scores,
        layer=measured.layer,
        raw=raw.astype(np.float32),
    )


def weight_feature_maps(activations, gradients):
    """Eq. 1 and 2 for a batch: ReLU(sum_k alpha_k A_k), alpha_k the spatial mean of the gradient of channel k.

    Args:
        activations, gradients: (N, h, w, k) arrays.

    Returns:
        (N, h, w) float32, not yet divided by its maximum.
    """
    weights = np.asarray(gradients, dtype=np.float32).mean(axis=(1, 2))                  # eq. 1: (N, k)
    return np.maximum(np.einsum("nhwk,nk->nhw", np.asarray(activations, np.float32), weights), 0.0)  # eq. 2


__all__ = ["GradCam", "LayerGradients", "activations_and_gradients", "grad_cam", "weight_feature_maps"]
