"""Course mode: `fast` (the whole course on two CPU cores, as CI runs it) or `full` (the real GPU lab).

RESNET_COURSE_MODE = auto (default) | fast | full. `auto` means full when an accelerator is visible,
else fast. Each lab's `parameters` cell calls `course_mode()` and may override the answer.
"""

import os

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
        ValueError: if the requested mode (or the environment variable) is not one of MODES.
    """
    source = "mode"
    if requested is None:
        requested, source = os.environ.get("RESNET_COURSE_MODE", "auto"), "RESNET_COURSE_MODE"
    value = str(requested).strip().lower()
    if value not in MODES:
        raise ValueError(f"{source} must be one of {', '.join(MODES)}; received {requested!r}")
    if value == "auto":
        return "full" if gpu_available() else "fast"
    return value
