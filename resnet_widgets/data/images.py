"""Decoding one image file into an RGB uint8 array, whatever its mode, with numpy and PIL only."""

import numpy as np

from .. import arguments

# Files with these extensions are images we try to decode; a failure is reported, never raised.
# Anything else in a class folder (LICENSE.txt, .csv, Thumbs.db) is not an image and is ignored.
DECODED_EXTENSIONS = frozenset({".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"})
OTHER_IMAGE_EXTENSIONS = frozenset(
    {".avif", ".heic", ".heif", ".svg", ".psd", ".ico", ".jp2", ".jxl", ".ppm", ".pgm", ".pbm", ".pnm",
     ".dng", ".cr2", ".nef", ".arw", ".raw"}
)
IMAGE_EXTENSIONS = DECODED_EXTENSIONS | OTHER_IMAGE_EXTENSIONS

_WHITE = (255, 255, 255)


class UnreadableImage(Exception):
    """A file that looks like an image but cannot be decoded. `reason` says why, in a few words."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def decode_image(path, size=None):
    """Decode an image file to RGB.

    Grayscale, CMYK, palette and 16-bit images are converted to RGB; transparent ones are composited on
    white (so transparent pixels don't turn into black noise); EXIF rotation is applied. JPEGs are
    decoded at a reduced scale when that is enough for `size` (the DCT scaling PIL calls draft mode).

    Args:
        path: the file.
        size: None (keep the image's size) or (height, width) to resize to, stretching like Keras'
            image_dataset_from_directory does by default.

    Returns:
        np.ndarray uint8 of shape (height, width, 3).

    Raises:
        UnreadableImage: empty, truncated, corrupt, not an image, or a format PIL cannot read.
        TypeError / ValueError: a `size` that is not None, a positive int or a (height, width) pair.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    size = None if size is None else arguments.image_size("size", size, minimum=1)
    try:
        with open(path, "rb") as handle:
            if not handle.read(1):
                raise UnreadableImage("empty file (0 bytes)")
            handle.seek(0)
            with Image.open(handle) as image:
                if size is not None and image.format == "JPEG":
                    image.draft("RGB", (size[1], size[0]))
                image.load()
                rgb = to_rgb(ImageOps.exif_transpose(image) or image)
                if size is not None and rgb.size != (size[1], size[0]):
                    rgb = rgb.resize((size[1], size[0]), Image.Resampling.BILINEAR)
                return np.array(rgb, dtype=np.uint8)  # a copy, made before the file is closed
    except UnreadableImage:
        raise
    except UnidentifiedImageError:
        suffix = str(path).rsplit(".", 1)[-1].lower() if "." in str(path) else ""
        if f".{suffix}" in OTHER_IMAGE_EXTENSIONS:
            raise UnreadableImage(f"unsupported image format (.{suffix})") from None
        raise UnreadableImage("not a readable image (corrupt, or not an image despite its name)") from None
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as error:  # any decoder failure means this one file is unreadable
        raise UnreadableImage(f"truncated or corrupt ({type(error).__name__}: {error})") from None


def to_rgb(image):
    """An RGB PIL image from any mode: alpha composited on white, 16-bit and float scaled to 0..255."""
    from PIL import Image

    if image.mode == "RGB":
        return image
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("PA", "LA", "La", "RGBA", "RGBa"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, _WHITE + (255,))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode.startswith("I") or image.mode == "F":
        values = np.asarray(image, dtype=np.float64)
        if values.max(initial=0) <= 1.0 and image.mode == "F":
            values = values * 255.0
        elif values.max(initial=0) > 255:
            values = values / 257.0  # 16-bit range onto 8 bits
        gray = np.clip(np.rint(values), 0, 255).astype(np.uint8)
        return Image.fromarray(gray).convert("RGB")
    return image.convert("RGB")  # L, 1, CMYK, YCbCr, LAB, HSV


def resize_gray_batch(images, size):
    """Resize (N, H, W) uint8 grayscale images to (N, h, w, 3) RGB (channels repeated).

    Args:
        images: uint8 array (N, H, W).
        size: (height, width).

    Returns:
        uint8 array (N, height, width, 3).
    """
    from PIL import Image

    height, width = size
    out = np.empty((len(images), height, width, 3), dtype=np.uint8)
    for i, image in enumerate(images):
        out[i] = np.asarray(Image.fromarray(image, "L").resize((width, height), Image.Resampling.BILINEAR))[..., None]
    return out
