"""Course mode: `fast` (the whole course on two CPU cores, as CI runs it) or `full` (the real GPU lab).

RESNET_COURSE_MODE = auto (default) | fast | full. `auto` means full when an accelerator is visible,
else fast. Each lab's `parameters` cell calls `course_mode()` and may override the answer.
"""

import os
import warnings

from . import arguments

MODES = ("auto", "fast", "full")


def gpu_available():
    """True when the active Keras backend sees a GPU. Never imports a backend Keras isn't using.

    A machine without a GPU answers False quietly. A backend that fails when asked for its devices (a broken
    CUDA install or driver, a JAX_PLATFORMS naming a platform that cannot start) also gives False, so the
    course still runs, but with a RuntimeWarning that says what failed: a GPU lab that silently ran in fast
    mode on the CPU would look like a slow GPU, not like a broken install.
    """
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
    # The backends fail in their own ways here (JAX: RuntimeError "Unable to initialize backend 'cuda'", or a
    # bare AssertionError when JAX_PLATFORMS names no available platform), so every Exception is caught, and
    # reported: KeyboardInterrupt and SystemExit still pass.
    except Exception as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "no message"
        warnings.warn(
            f"the {backend} backend failed when asked for its GPUs ({type(error).__name__}: {reason}): a broken "
            "CUDA install or driver, or a JAX_PLATFORMS / CUDA_VISIBLE_DEVICES setting that names no usable "
            "device. Running as if there were no GPU (RESNET_COURSE_MODE=auto gives fast mode). Fix the install "
            "to use the GPU, or set RESNET_COURSE_MODE=fast to choose the CPU on purpose.",
            RuntimeWarning,
            stacklevel=2,
        )
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
