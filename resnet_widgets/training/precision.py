"""Precision, XLA and data parallelism for the machine at hand, decided once and shown on the dashboard.

    setup = training_setup()          # mixed_bfloat16 + XLA on an Ampere/Hopper GPU; float32 on a CPU
    setup.apply()                     # the global dtype policy, and the distribution on JAX
    with setup.scope():               # MirroredStrategy's scope on TensorFlow with several GPUs, else nothing
        model = build_transfer_model(...)
        model.compile(..., jit_compile=setup.jit_compile)

The engines are the ones users already run: Keras' mixed-precision policies, XLA through `jit_compile`,
`keras.distribution.DataParallel` on JAX and `tf.distribute.MirroredStrategy` on TensorFlow.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import keras

from .. import arguments
from ..devices import gpu_available

PRECISIONS = ("auto", "float32", "mixed_bfloat16", "mixed_float16")
PARALLEL = ("auto", "none", "data")
JIT = ("auto", True, False)


@dataclass(frozen=True)
class TrainingSetup:
    """What training will use. Built by training_setup(); `describe()` is the dashboard's line."""

    backend: str
    device: str  # "cpu" or "gpu: <name>"
    devices: int  # devices training runs on
    precision: str  # a Keras dtype policy name
    jit_compile: bool
    parallel: str  # "none", "DataParallel" (JAX) or "MirroredStrategy" (TensorFlow)
    notes: tuple = ()
    _strategy: object = field(default=None, repr=False, compare=False)

    def apply(self):
        """Set the global dtype policy and, on JAX with several devices, the data-parallel distribution."""
        keras.mixed_precision.set_global_policy(self.precision)
        if self.parallel == "DataParallel":
            keras.distribution.set_distribution(
                keras.distribution.DataParallel(devices=keras.distribution.list_devices()[: self.devices]))
        return self

    @property
    def strategy(self):
        """The tf.distribute.MirroredStrategy training runs under (TensorFlow, data parallel), else None."""
        return self._strategy

    def scope(self):
        """The context to build and compile the model in (MirroredStrategy's scope on TensorFlow)."""
        return self._strategy.scope() if self._strategy is not None else contextlib.nullcontext()

    def describe(self):
        """One line: precision, XLA, devices and parallelism, e.g. "float32 · XLA off · 1 cpu device"."""
        devices = f"{self.devices} {self.device.split(':')[0]} device{'s' if self.devices != 1 else ''}"
        parts = [self.precision, f"XLA {'on' if self.jit_compile else 'off'}", devices]
        if self.parallel != "none":
            parts.append(self.parallel)
        return " · ".join(parts)


def _devices():
    """(kind, name, count, compute capability as (major, minor) or None) of the backend's default devices."""
    backend = keras.backend.backend()
    if not gpu_available():
        if backend == "jax":
            count = len(keras.distribution.list_devices("cpu"))
        elif backend == "tensorflow":  # one, unless the CPU was split into logical devices before TF started
            import tensorflow as tf

            count = len(tf.config.list_logical_devices("CPU"))
        else:
            count = 1
        return "cpu", "cpu", count, None
    if backend == "jax":
        import jax

        gpus = [d for d in jax.devices() if d.platform == "gpu"]
        capability = getattr(gpus[0], "compute_capability", None)
        major_minor = tuple(int(p) for p in str(capability).split(".")[:2]) if capability else None
        return "gpu", gpus[0].device_kind, len(gpus), major_minor
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    details = tf.config.experimental.get_device_details(gpus[0])
    return "gpu", details.get("device_name", "GPU"), len(gpus), details.get("compute_capability")


def training_setup(precision="auto", jit_compile="auto", parallel="auto"):
    """Decide precision, XLA and parallelism.

    Args:
        precision: "auto" (mixed_bfloat16 on GPUs of compute capability 8.0 and up, i.e. Ampere and Hopper;
            mixed_float16 on older GPUs; float32 on a CPU), or a Keras policy name from PRECISIONS.
        jit_compile: "auto" (on with a GPU, and always on JAX, which compiles every step; off on a
            TensorFlow CPU, where Keras' own "auto" turns it off too), True or False.
        parallel: "auto" (data parallel when the backend sees more than one device of its kind), "none", or
            "data".

    Returns:
        TrainingSetup (nothing is changed until `apply()`).

    Raises:
        ValueError: a value outside PRECISIONS, JIT or PARALLEL (the message lists them).
    """
    arguments.choice("precision", precision, PRECISIONS)
    arguments.choice("jit_compile", jit_compile, JIT)
    arguments.choice("parallel", parallel, PARALLEL)
    backend = keras.backend.backend()
    kind, name, count, capability = _devices()
    notes = []
    if precision == "auto":
        if kind == "gpu":
            precision = "mixed_bfloat16" if capability and capability[0] >= 8 else "mixed_float16"
            notes.append(f"compute capability {capability}: {precision}")
        else:
            precision = "float32"  # CPUs gain little from bfloat16 in Keras and lose accuracy
    if jit_compile == "auto":
        jit_compile = kind == "gpu" or backend == "jax"
    strategy, mode = None, "none"
    if parallel == "data" or (parallel == "auto" and count > 1):
        if backend == "jax":
            mode = "DataParallel"
        elif backend == "tensorflow":
            import tensorflow as tf

            # MirroredStrategy() alone takes every GPU, or one CPU: several logical CPUs must be named.
            cpus = [d.name for d in tf.config.list_logical_devices("CPU")] if kind == "cpu" and count > 1 else None
            strategy, mode = tf.distribute.MirroredStrategy(devices=cpus), "MirroredStrategy"
        else:
            notes.append(f"data parallelism is not set up for the {backend} backend")
    else:
        count = 1
    device = "cpu" if kind == "cpu" else f"gpu: {name}"
    return TrainingSetup(backend, device, count, precision, bool(jit_compile), mode, tuple(notes), strategy)


def accelerator_memory(gpu=None):
    """Bytes in use on the first GPU, or None without one (or when the backend does not say).

    Args:
        gpu: whether a GPU is present, when the caller knows already (None asks the backend).
    """
    if not (gpu_available() if gpu is None else gpu):
        return None
    try:
        if keras.backend.backend() == "jax":
            import jax

            gpu = next(d for d in jax.devices() if d.platform == "gpu")
            return (gpu.memory_stats() or {}).get("bytes_in_use")
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            return tf.config.experimental.get_memory_info("GPU:0")["current"]
    except Exception:  # a figure on the dashboard, never a reason to stop training
        return None
    return None
