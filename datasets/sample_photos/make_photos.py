"""Make the committed sample photos from scikit-image's own files (a maintainer's tool, run once).

    pip install scikit-image==0.26.0 && python datasets/sample_photos/make_photos.py

scikit-image ships these four photographs inside its wheel, each public domain or CC0 (its `skimage.data`
docstrings, quoted in photos.json). The course needs them at 224x224 only, so each is committed as the largest
centred square, resized to 224x224 with Pillow's bicubic filter: the very pixels `sample_photos(size=224)`
returned when it read scikit-image at run time. PNG, so nothing is lost again. The script rewrites photos.json
with each file's size and sha256, which `resnet_lab.photos` checks when it loads them.
"""

import hashlib
import json
from pathlib import Path

import numpy as np
import skimage
import skimage.data
from PIL import Image

HERE = Path(__file__).resolve().parent
SIDE = 224


def square(image, size):
    """The largest centred square of `image`, resized to size x size (bicubic), as uint8 RGB."""
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    crop = Image.fromarray(np.ascontiguousarray(image[top : top + side, left : left + side]))
    return crop.convert("RGB").resize((size, size), Image.BICUBIC)


def main():
    record = json.loads((HERE / "photos.json").read_text())
    for name, entry in record["photos"].items():
        original = getattr(skimage.data, name)()
        path = HERE / entry["file"]
        square(original, SIDE).save(path, optimize=True)
        data = path.read_bytes()
        entry.update(original_shape=list(original.shape), size=len(data), sha256=hashlib.sha256(data).hexdigest())
    record["made_with"] = f"scikit-image {skimage.__version__}, make_photos.py, {SIDE}x{SIDE} centre squares"
    (HERE / "photos.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
