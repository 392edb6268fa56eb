"""Course mode: `fast` (the whole course on two CPU cores, as CI runs it) or `full` (the real GPU lab).

RESNET_COURSE_MODE = auto (default) | fast | full. `auto` means full when an accelerator is visible,
else fast. Each lab's `parameters` cell calls `course_mode()` and may override the answer.
"""

import os

from . import arguments

MODES = ("auto", "fast", "full")


def gpu_available():
    """True when the active Keras backend sees a GPU. Never imports a backend Keras isn't using."""
    import keras

    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            return bool(tf.config.list_physical_devices("GPU"))
        if backend == "jax":
            import jax

            return any(d.platform == "gpu" for d in jax.devices())
        if backend == "torch":
            import torch

            return torch.cuda.is_available()
    except Exception:  # a broken driver means: no usable GPU
        return False
    return False


def course_mode(requested=None):
    """Resolve the course mode to "fast" or "full".

    Args:
        requested: "auto", "fast", "full" or None (None reads RESNET_COURSE_MODE, default "auto").

    Returns:
        "fast" or "full".

    Raises:
        ValueError: the requested mode (or the environment variable) is not one of MODES; the message
            names `requested` or RESNET_COURSE_MODE, and the modes.
    """
    name = "requested"
    if requested is None:
        requested, name = os.environ.get("RESNET_COURSE_MODE", "auto"), "RESNET_COURSE_MODE"
    # Case and spaces are forgiven ("FULL " from a shell); anything else is a mistake to point at.
    value = requested.strip().lower() if isinstance(requested, str) else requested
    arguments.choice(name, value, MODES, meaning="the course mode")
    if value == "auto":
        return "full" if gpu_available() else "fast"
    return value
