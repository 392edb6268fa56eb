"""Training throughput: images/s of our ResNet50 in fine-tuning steps (forward, backward, SGD update).

    python benchmarks/bench_training_throughput.py [--steps 20] [--repeats 3] [--batch 256] [--size 224]
        [--precision mixed_bfloat16] [--warmup 5] [--classes 1000] [--variant ResNet50]

Random weights (weights=None), a fresh head of --classes, SGD with momentum, sparse categorical
cross-entropy, `model.fit` over one batch of random uint8 images that went through `preprocess_input` and
already sits on the device, served again for every step: so the figure is fit's training loop alone, without
decoding, augmentation or host-to-device copies. A first fit of --warmup steps (tracing, compilation,
autotuning, allocator) is left out; then --repeats fits of --steps steps each are timed, each ending when its
loss is on the host. The figure is batch x steps / the median fit's time, with the fastest beside it.

Defaults follow the machine: with a GPU visible to the active Keras backend (resnet_widgets.mode.gpu_available),
the real settings (batch 256 at 224 px, mixed_bfloat16, 3 x 20 steps after 5 warm-up steps; target, DESIGN.md
section 5: at least 3,000 images/s on one H100); without one, a tiny CPU run that only proves the path works
(batch 4 at 64 px, float32, 2 x 2 steps after 1 warm-up step). Any flag overrides its default.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from resnet_widgets import models  # noqa: E402
from resnet_widgets.mode import gpu_available  # noqa: E402

PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")
GPU_DEFAULTS = {"steps": 20, "repeats": 3, "warmup": 5, "batch": 256, "size": 224, "precision": "mixed_bfloat16"}
CPU_DEFAULTS = {"steps": 2, "repeats": 2, "warmup": 1, "batch": 4, "size": 64, "precision": "float32"}
TARGET_IMAGES_PER_SECOND = 3000  # one H100, ResNet50 at 224 px, mixed precision


def device_name():
    """The accelerator (or CPU) the active backend computes on, in words."""
    backend = keras.backend.backend()
    try:
        if backend == "jax":
            import jax

            device = jax.devices()[0]
            return f"{device.platform}: {device.device_kind} (x{jax.device_count()})"
        if backend == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            if gpus:
                details = tf.config.experimental.get_device_details(gpus[0])
                return f"gpu: {details.get('device_name', gpus[0].name)} (x{len(gpus)})"
        if backend == "torch":
            import torch

            if torch.cuda.is_available():
                return f"gpu: {torch.cuda.get_device_name(0)} (x{torch.cuda.device_count()})"
    except Exception as error:  # the figure still stands; say why the name is missing
        return f"unknown ({type(error).__name__}: {error})"
    return f"cpu: {platform.processor() or platform.machine()}, {os.cpu_count()} cores"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, help="steps in each timed fit (GPU 20, CPU 2)")
    parser.add_argument("--repeats", type=int, help="timed fits (GPU 3, CPU 2)")
    parser.add_argument("--warmup", type=int, help="untimed steps first, compilation included (GPU 5, CPU 1)")
    parser.add_argument("--batch", type=int, help="images per step (GPU 256, CPU 4)")
    parser.add_argument("--size", type=int, help="image height and width in pixels (GPU 224, CPU 64)")
    parser.add_argument("--precision", choices=PRECISIONS, help="Keras dtype policy (GPU mixed_bfloat16, CPU float32)")
    parser.add_argument("--classes", type=int, default=1000, help="size of the new head (default 1000)")
    parser.add_argument("--variant", default="ResNet50", choices=list(models.FAMILY))
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    gpu = gpu_available()
    defaults = GPU_DEFAULTS if gpu else CPU_DEFAULTS
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    for key in ("steps", "repeats", "batch", "size", "classes"):
        if getattr(args, key) < 1:
            parser.error(f"--{key} must be at least 1; received {getattr(args, key)}")
    if args.warmup < 1:
        parser.error(f"--warmup must be at least 1 (the first step compiles); received {args.warmup}")
    if args.size < 32:
        parser.error(f"--size must be at least 32 (the smallest input ResNets accept); received {args.size}")
    args.gpu = gpu
    return args


def build(args):
    """The model, compiled, and one batch already converted to backend tensors."""
    keras.mixed_precision.set_global_policy(args.precision)
    keras.utils.set_random_seed(args.seed)
    model = getattr(models, args.variant)(weights=None, classes=args.classes,
                                          input_shape=(args.size, args.size, 3))
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=args.learning_rate, momentum=0.9),
        loss=keras.losses.SparseCategoricalCrossentropy(),
    )
    rng = np.random.default_rng(args.seed)
    images = rng.integers(0, 256, size=(args.batch, args.size, args.size, 3), dtype=np.uint8)
    preprocess = models.resnet_v2.preprocess_input if args.variant.endswith("V2") else models.resnet.preprocess_input
    x = keras.ops.convert_to_tensor(preprocess(images.astype("float32")))
    y = keras.ops.convert_to_tensor(rng.integers(0, args.classes, size=(args.batch,)).astype("int32"))
    return model, x, y


class RepeatedBatch(keras.utils.PyDataset):
    """`steps` batches that are all the same device-resident tensors: fit's loop without an input pipeline."""

    def __init__(self, x, y, steps):
        super().__init__(workers=1, use_multiprocessing=False)
        self.x, self.y, self.steps = x, y, steps

    def __len__(self):
        return self.steps

    def __getitem__(self, index):
        return self.x, self.y


def run(args):
    """Warm-up fit, then `repeats` timed fits of `steps` steps. Returns (model, warm-up s, fit times in s, loss)."""
    model, x, y = build(args)
    start = time.perf_counter()
    model.fit(RepeatedBatch(x, y, args.warmup), epochs=1, verbose=0)  # the first step compiles
    first = time.perf_counter() - start
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        history = model.fit(RepeatedBatch(x, y, args.steps), epochs=1, verbose=0)  # ends when its loss is on the host
        times.append(time.perf_counter() - start)
    loss = history.history["loss"][-1]
    if not np.isfinite(loss):
        raise FloatingPointError(f"the training loss is {loss}: the steps diverged, their timing proves nothing")
    return model, first, times, float(loss)


def main(argv=None):
    args = parse_args(argv)
    print(
        f"backend={keras.backend.backend()} keras={keras.__version__} device={device_name()} "
        f"python={sys.version.split()[0]} machine={platform.machine()} cpu_cores={os.cpu_count()}"
    )
    print(
        f"settings: {args.variant}(weights=None, classes={args.classes}) at {args.size}x{args.size}, "
        f"batch {args.batch}, precision {args.precision}, SGD(lr={args.learning_rate}, momentum=0.9), "
        f"{args.warmup} warm-up + {args.repeats} x {args.steps} timed steps, model.fit on device-resident data"
        + ("" if args.gpu else "  [no GPU visible: CPU defaults for the flags not given]"),
        flush=True,
    )
    model, first, times, loss = run(args)
    images = args.batch * args.steps
    print(f"params {model.count_params():,}; warm-up fit (compilation included) {first:.1f} s; final loss {loss:.3f}")
    print(f"timed fits of {args.steps} steps: " + ", ".join(f"{t:.2f} s" for t in times)
          + f"; median step {statistics.median(times) / args.steps * 1e3:.1f} ms")
    images_per_second = images / statistics.median(times)
    print(f"training throughput: {images_per_second:,.0f} images/s (median fit; fastest fit "
          f"{images / min(times):,.0f} images/s)", flush=True)
    if args.gpu and args.variant == "ResNet50" and args.size == 224:
        verdict = "meets" if images_per_second >= TARGET_IMAGES_PER_SECOND else "MISSES"
        print(f"target (DESIGN.md section 5): at least {TARGET_IMAGES_PER_SECOND:,} images/s on one H100: "
              f"{verdict} it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
