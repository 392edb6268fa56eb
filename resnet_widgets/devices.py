"""Which accelerator the active Keras backend sees, asked without importing a backend Keras is not using."""

import warnings


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
            "device. Running as if there were no GPU. Fix the install to use the GPU.",
            RuntimeWarning,
            stacklevel=2,
        )
        return False
    return False
