"""The one place that checks arguments at the package's public entry points.

Every check returns the value in a normal form (a Python int, a float, a (height, width) tuple) or raises:

    TypeError   the value has the wrong kind (a string where a number goes, a float where a whole number goes);
    ValueError  the kind is right but the value is outside what is allowed.

Each message names the argument, what is allowed, and what was received, in the same words everywhere:

    "num_classes must be an integer >= 2 (the classes of the new head); received num_classes=1"

Numpy scalars count as the numbers they hold (`np.int64(10)` is a whole number); booleans never do
(`depth=True` is a mistake, not a depth of 1). Nothing here imports a backend, so every subpackage,
`models` included, can use it.
"""

from __future__ import annotations

import numbers
import os
import re
from pathlib import Path

import numpy as np

# Five stride-2 steps take a 32 px image to 1x1; below that a ResNet has no spatial extent left.
MIN_IMAGE_SIZE = 32

# Layer names of the ResNet family: conv1_*, conv2_block1_1_conv ... conv5_block3_out, post_bn, predictions.
# Group 1 is the stage ("conv4"), group 2 the block number ("6"), group 3 the rest of the name.
RESNET_BLOCK_NAME = re.compile(r"^(conv[2-5])_block(\d+)(?:_(.*))?$")


def _shown(name, value):
    return f"{name}={value!r}"


def _is_whole(value):
    return not isinstance(value, (bool, np.bool_)) and isinstance(value, (numbers.Integral, np.integer))


def _is_real(value):
    return not isinstance(value, (bool, np.bool_)) and isinstance(value, (numbers.Real, np.floating, np.integer))


def _meaning(meaning):
    return f" ({meaning})" if meaning else ""


def whole_number(name, value, *, minimum=1, maximum=None, meaning=""):
    """Return `value` as an int when it is a whole number in [minimum, maximum].

    Raises:
        TypeError: not a whole number (bools, floats and strings included).
        ValueError: outside the range.
    """
    bounds = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}"
    if not _is_whole(value):
        raise TypeError(f"{name} must be an integer {bounds}{_meaning(meaning)}; received {_shown(name, value)}")
    if int(value) < minimum or (maximum is not None and int(value) > maximum):
        raise ValueError(f"{name} must be an integer {bounds}{_meaning(meaning)}; received {_shown(name, value)}")
    return int(value)


def positive_int(name, value, meaning=""):
    """Return `value` as an int when it is a whole number >= 1 (see `whole_number`)."""
    return whole_number(name, value, minimum=1, meaning=meaning)


def real_number(name, value, *, minimum=None, maximum=None, open_minimum=False, open_maximum=False, meaning=""):
    """Return `value` as a float when it is a finite real number inside the given bounds.

    `open_minimum` / `open_maximum` exclude the bound itself (a learning rate must be > 0, a dropout rate < 1).

    Raises:
        TypeError: not a real number.
        ValueError: not finite, or outside the bounds.
    """
    parts = []
    if minimum is not None:
        parts.append(f"{'>' if open_minimum else '>='} {minimum}")
    if maximum is not None:
        parts.append(f"{'<' if open_maximum else '<='} {maximum}")
    allowed = f"a number {' and '.join(parts)}" if parts else "a finite number"
    message = f"{name} must be {allowed}{_meaning(meaning)}; received {_shown(name, value)}"
    if not _is_real(value):
        raise TypeError(message)
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(message)
    if minimum is not None and (number < minimum or (open_minimum and number == minimum)):
        raise ValueError(message)
    if maximum is not None and (number > maximum or (open_maximum and number == maximum)):
        raise ValueError(message)
    return number


def boolean(name, value, meaning=""):
    """Return `value` as a bool when it is True or False (numpy bools included); raise TypeError otherwise."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False{_meaning(meaning)}; received {_shown(name, value)}")
    return bool(value)


def choice(name, value, allowed, meaning=""):
    """Return `value` when it is one of `allowed` (compared with ==; strings must match exactly).

    Raises:
        ValueError: not among the allowed values; the message lists them.
    """
    allowed = tuple(allowed)
    def matches(option):
        if option is None or value is None:
            return option is value
        # "relu" matches "relu", not b"relu"; True does not stand for the choice 1.
        if isinstance(value, (bool, np.bool_)) != isinstance(option, bool):
            return False
        try:
            return isinstance(value, type(option)) and bool(value == option)
        except Exception:  # an array compared with a string, say
            return False

    ok = any(matches(option) for option in allowed)
    if not ok:
        options = ", ".join(repr(option) for option in allowed) or "nothing yet (there are no allowed values)"
        raise ValueError(f"{name} must be one of {options}{_meaning(meaning)}; received {_shown(name, value)}")
    return value


def path(name, value, meaning=""):
    """Return `value` as a pathlib.Path when it is a str or an os.PathLike.

    Raises:
        TypeError: anything else (a number, None, an open file).
    """
    if isinstance(value, (str, os.PathLike)) and str(value):
        return Path(value)
    raise TypeError(f"{name} must be a folder or file path (str or pathlib.Path){_meaning(meaning)}; "
                    f"received {_shown(name, value)}")


def function(name, value, meaning=""):
    """Return `value` when it can be called (a function, a class, any callable object).

    Raises:
        TypeError: not callable; the message says what kind of function is expected (`meaning`).
    """
    if not callable(value):
        raise TypeError(f"{name} must be a function{_meaning(meaning)}; received {_shown(name, value)}")
    return value


def names(name, value, meaning=""):
    """Return `value` as a list of str when it is a list, tuple or set of strings (a single string is refused:
    iterated, "conv2_block1" would be twelve one-letter names).

    Raises:
        TypeError: a string, not a collection, or a collection holding something that is not a string.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set, frozenset)) \
            or not all(isinstance(item, str) for item in value):
        raise TypeError(f"{name} must be a list of names (strings){_meaning(meaning)}; received {_shown(name, value)}")
    return list(value)


def image_size(name, value, *, minimum=MIN_IMAGE_SIZE):
    """Return `value` as (height, width): an int means a square, a pair means (height, width).

    Numpy integers count as ints. `minimum` defaults to the ResNets' 32 px; a resize that serves other
    models too (the data layer) passes its own.

    Raises:
        TypeError: not an int or a pair of ints.
        ValueError: a side smaller than `minimum` pixels.
    """
    pixels = f"{minimum} pixel{'' if minimum == 1 else 's'}"
    sides = (value, value) if _is_whole(value) else value
    if isinstance(sides, (str, bytes)) or not hasattr(sides, "__len__") or len(sides) != 2 \
            or not all(_is_whole(side) for side in sides):
        raise TypeError(
            f"{name} must be an integer or a (height, width) pair of integers, each >= {pixels}; "
            f"received {_shown(name, value)}"
        )
    if min(int(side) for side in sides) < minimum:
        why = f" (five stride-2 steps leave 1x1 at {MIN_IMAGE_SIZE} px)" if minimum == MIN_IMAGE_SIZE else ""
        raise ValueError(f"{name} must be at least {pixels} on each side{why}; received {_shown(name, value)}")
    return int(sides[0]), int(sides[1])


def class_labels(name, labels, num_classes):
    """Return `labels` as a 1-D int64 array when every label is a whole number in [0, num_classes).

    Backends differ on out-of-range labels (TensorFlow raises deep inside a kernel, JAX silently gives a
    zero loss), so this check runs before any of them sees the labels.

    Raises:
        TypeError: labels that are not whole numbers (floats with a fraction, strings).
        ValueError: not 1-D, or a label outside [0, num_classes); the message names the range and the
            offending values.
    """
    array = np.asarray(labels)
    if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
        array = array.astype(np.int64)
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must hold integer class indices from 0 to {num_classes - 1}; received an array of dtype "
            f"{array.dtype}"
        )
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array of class indices (one per example); received shape {array.shape}"
        )
    bad = array[(array < 0) | (array >= num_classes)]
    if bad.size:
        shown = ", ".join(str(v) for v in np.unique(bad)[:5])
        raise ValueError(
            f"{name} must be class indices from 0 to {num_classes - 1} (num_classes={num_classes}); "
            f"received {bad.size} label(s) outside that range: {shown}"
        )
    return array.astype(np.int64)


def image_batch(name, images, *, channels=(1, 3), min_size=None):
    """Return `images` as a numpy array when it is a batch (N, height, width, channels) of real numbers.

    Args:
        channels: the channel counts allowed in the last axis.
        min_size: when given, the smallest height and width allowed.

    Raises:
        TypeError: not an array of numbers.
        ValueError: the wrong number of axes, channel count, or a side under `min_size`.
    """
    array = np.asarray(images)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be an array of numbers (uint8 or float images); received dtype {array.dtype}")
    if array.ndim != 4:
        raise ValueError(
            f"{name} must be a batch of images shaped (N, height, width, channels); received shape {array.shape}"
            + (" (one image? add a batch axis: images[None])" if array.ndim == 3 else "")
        )
    if array.shape[-1] not in channels:
        allowed = " or ".join(str(c) for c in channels)
        raise ValueError(f"{name} must have {allowed} channels in the last axis; received shape {array.shape}")
    if min_size is not None and min(array.shape[1:3]) < min_size:
        raise ValueError(f"{name} must be at least {min_size}x{min_size} pixels; received shape {array.shape}")
    return array
