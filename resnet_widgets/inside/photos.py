"""Real photographs that work offline: scikit-image's sample photos, which ship inside its wheel.

Only photos bundled in the wheel are used (skimage.data loads them from its own folder, no download), and
only those with no copyright restriction, as scikit-image's docstrings state them.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from .. import arguments

# name in skimage.data: (what it shows, its licence as skimage.data documents it).
SAMPLE_PHOTOS = {
    "chelsea": ("Chelsea the cat", "CC0, by the photographer Stefan van der Walt"),
    "coffee": ("a cup of coffee", "CC0, by the photographer Rachel Michetti (Pikolo Espresso Bar)"),
    "astronaut": ("the astronaut Eileen Collins", "public domain (NASA Great Images)"),
    "rocket": ("a Falcon 9 launch", "public domain (SpaceX)"),
}


def square(image, size):
    """The largest centred square of `image`, resized to size x size (bicubic), as uint8 RGB."""
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    crop = Image.fromarray(np.ascontiguousarray(image[top : top + side, left : left + side]))
    return np.asarray(crop.convert("RGB").resize((size, size), Image.BICUBIC), dtype=np.uint8)


def sample_photos(size=224, names=tuple(SAMPLE_PHOTOS)):
    """scikit-image's sample photos, centre-cropped and resized for a ResNet.

    Args:
        size: side of the square output, in pixels (224 for the ImageNet ResNets).
        names: which of SAMPLE_PHOTOS.

    Returns:
        (names, images): the names as a list, and a (N, size, size, 3) uint8 array.

    Raises:
        ValueError: an unknown name (the message lists them) or a size below 32.
        ModuleNotFoundError: scikit-image is not installed (it is a dependency of resnet-widgets).
    """
    size = arguments.image_size("size", size)[0]
    names = [arguments.choice("names", name, tuple(SAMPLE_PHOTOS), meaning="a bundled sample photo") for name in names]
    import skimage.data

    return names, np.stack([square(getattr(skimage.data, name)(), size) for name in names])
