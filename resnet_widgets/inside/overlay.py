"""Drawing a Grad-CAM heatmap over its image with matplotlib."""

from __future__ import annotations

import numpy as np
from PIL import Image

from .. import arguments


def upsample(heatmap, size):
    """A heatmap stretched to an image's size, bilinearly (what an overlay shows).

    Args:
        heatmap: (h, w) array.
        size: (height, width) of the image, or an int for a square.

    Returns:
        (height, width) float32 array; values stay within the heatmap's own range.

    Raises:
        ValueError: `heatmap` is not 2-D.
    """
    heatmap = np.asarray(heatmap, dtype=np.float32)
    if heatmap.ndim != 2:
        raise ValueError(f"heatmap must be a 2-D array (height, width); received shape {heatmap.shape}")
    height, width = arguments.image_size("size", size, minimum=1)
    # PIL's bilinear filter samples pixel centres, so a 7x7 map covers a 224x224 image evenly.
    stretched = Image.fromarray(heatmap).resize((width, height), Image.BILINEAR)
    return np.clip(np.asarray(stretched, dtype=np.float32), heatmap.min(), heatmap.max())


def displayable(image):
    """An image as matplotlib shows it: (h, w) grey or (h, w, 3) RGB, floats in [0, 1] or uint8.

    Images as models take them (caffe-mode, [-1, 1], float 0..255) are rescaled from their own range.
    """
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[-1] not in (3, 4)):
        raise ValueError(f"image must be (height, width), (height, width, 1) or (height, width, 3); received {image.shape}")
    if image.dtype == np.uint8:
        return image
    image = image.astype(np.float32)
    low, high = float(image.min()), float(image.max())
    if 0.0 <= low and high <= 1.0:
        return image
    return (image - low) / (high - low) if high > low else np.zeros_like(image)


# Lightness rises steadily from no evidence to the most: the order reads the same with any colour vision (jet's
# does not; tests/accessibility/test_palettes.py).
HEATMAP_COLORMAP = "inferno"


def overlay(image, heatmap, ax=None, alpha=0.45, cmap=HEATMAP_COLORMAP, title=None):
    """Draw `image` with `heatmap` on top (stretched to the image) on a matplotlib Axes.

    Args:
        image: (height, width[, channels]) image, uint8 or float (any range; see `displayable`).
        heatmap: (h, w) heatmap, e.g. `grad_cam(...).heatmaps[i]`, values in [0, 1].
        ax: the Axes to draw on; None makes a new 3x3 inch figure.
        alpha: opacity of the heatmap, from 0 (invisible) to 1 (opaque).
        cmap: a matplotlib colormap name (default HEATMAP_COLORMAP, readable with every colour vision).
        title: optional title.

    Returns:
        The Axes.

    Raises:
        ValueError: bad shapes or an alpha outside [0, 1].
    """
    import matplotlib.pyplot as plt

    alpha = arguments.real_number("alpha", alpha, minimum=0.0, maximum=1.0, meaning="opacity of the heatmap")
    picture = displayable(image)
    stretched = upsample(heatmap, picture.shape[:2])
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3))
    ax.imshow(picture, cmap="gray" if picture.ndim == 2 else None)
    ax.imshow(stretched, cmap=cmap, alpha=alpha, vmin=0.0, vmax=1.0)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=9)
    return ax
