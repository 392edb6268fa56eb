"""Real photographs that work offline: four public-domain or CC0 photos committed in datasets/sample_photos/.

They are scikit-image's sample photos (a cat, a cup of coffee, an astronaut, a rocket launch), taken once from its
wheel as 224x224 centre squares by datasets/sample_photos/make_photos.py, so the package needs no image library
beyond Pillow for them. datasets/sample_photos/photos.json is the one record of each photo: what it shows, its
licence and credit, its source, its size and sha256, which are checked when a photo is loaded.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
from PIL import Image

from resnet_widgets import arguments
from resnet_widgets.data.locations import datasets_dir

FOLDER = "sample_photos"
COMMITTED_SIDE = 224  # the side the photos are committed at; other sizes are resized from it


def photo_records():
    """{name: record} from datasets/sample_photos/photos.json, in the file's order."""
    return json.loads((datasets_dir() / FOLDER / "photos.json").read_text(encoding="utf-8"))["photos"]


# name: (what it shows, its licence and credit), for captions.
SAMPLE_PHOTOS = {name: (record["shows"], f"{record['license']}, {record['credit']}")
                 for name, record in photo_records().items()}


def square(image, size):
    """The largest centred square of `image`, resized to size x size (bicubic), as uint8 RGB."""
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    crop = Image.fromarray(np.ascontiguousarray(image[top : top + side, left : left + side]))
    if side == size:
        return np.asarray(crop.convert("RGB"), dtype=np.uint8)
    return np.asarray(crop.convert("RGB").resize((size, size), Image.BICUBIC), dtype=np.uint8)


def load_photo(name):
    """One committed photo as a (224, 224, 3) uint8 array, after checking its sha256 against photos.json.

    Raises:
        ValueError: the file on disk is not the one recorded (its sha256 differs).
    """
    record = photo_records()[name]
    path = datasets_dir() / FOLDER / record["file"]
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != record["sha256"]:
        raise ValueError(f"{path} is not the committed photo: sha256 {digest}, photos.json records {record['sha256']}")
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.uint8)


def sample_photos(size=224, names=tuple(SAMPLE_PHOTOS)):
    """The committed sample photos, centre-cropped and resized for a ResNet.

    Args:
        size: side of the square output, in pixels (224 for the ImageNet ResNets; above 224 they are upsampled).
        names: which of SAMPLE_PHOTOS.

    Returns:
        (names, images): the names as a list, and a (N, size, size, 3) uint8 array.

    Raises:
        TypeError: `names` is not a list or tuple of strings (a single name is refused, not read letter by
            letter); `size` is not an int or a pair of ints.
        ValueError: an unknown name (the message lists them), a size below 32 or not square, or a photo file
            that is not the committed one.
    """
    height, width = arguments.image_size("size", size)
    if height != width:  # the photos are centre squares: one side, or a pair of equal sides
        raise ValueError(f"size must be one side (an int) or a square (side, side): the photos are centre squares; "
                         f"received size={size!r}")
    size = height
    names = arguments.names("names", names, "which of SAMPLE_PHOTOS: " + ", ".join(map(repr, SAMPLE_PHOTOS)))
    names = [arguments.choice("names", name, tuple(SAMPLE_PHOTOS), meaning="a bundled sample photo") for name in names]
    return names, np.stack([square(load_photo(name), size) for name in names])
