"""Training throughput: images/s of our ResNet50 in training steps (forward, backward, SGD update), on
synthetic data and on real data through the labs' own input path, with the ratio of the two.

    python benchmarks/bench_training_throughput.py [--data both|synthetic|real] [--steps 20] [--repeats 3]
        [--batch 256] [--size 224] [--precision mixed_bfloat16] [--warmup 5] [--classes 1000] [--variant ResNet50]

The model: ResNet50 with random weights (weights=None) and a fresh head of --classes, behind the labs'
`ImagePreprocessing` layer, so raw uint8 pixels go in, as in every lab (the variant's preprocessing runs on the
device). SGD with momentum, sparse categorical cross-entropy, `model.fit`.

- synthetic: one batch of random uint8 images, already on the device, served again for every step: fit's
  training loop alone, without decoding, gathering or host-to-device copies.
- real: Fashion-MNIST images resized to --size (the data layer's decoded cache: decoded once, then read back from
  the cache) served by the labs' `ImageBatches` (a keras.utils.PyDataset: a shuffled gather of uint8 images on the
  host for every batch, copied to the device by fit). This is what a lab's fit does.

A first fit of --warmup steps (tracing, compilation, autotuning, allocator) is left out; then --repeats fits of
--steps steps each are timed for each kind, synthetic and real taking turns so that drift in the machine's load
hits both alike; each fit ends when its loss is on the host. A figure is batch x steps / the median fit's time,
with the fastest beside it; the ratio real / synthetic is of the medians (target on a GPU: at least 0.8).

Defaults follow the machine: with a GPU visible to the active Keras backend (resnet_widgets.devices.gpu_available),
the real settings (batch 256 at 224 px, mixed_bfloat16, 3 x 20 steps after 5 warm-up steps; target, DESIGN.md
section 5: at least 3,000 images/s on one H200, model FLOP utilisation printed beside it at about 24.6 GFLOP per
image); without one, a small CPU run (batch 8 at 64 px, float32, 5 x 4 steps after 2 warm-up steps). Any flag
overrides its default.
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
from resnet_widgets.data import load_dataset  # noqa: E402
from resnet_widgets.devices import gpu_available  # noqa: E402
from resnet_widgets.training import ImageBatches, ImagePreprocessing  # noqa: E402

PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")
DATA = ("both", "synthetic", "real")
GPU_DEFAULTS = {"steps": 20, "repeats": 3, "warmup": 5, "batch": 256, "size": 224, "precision": "mixed_bfloat16"}
CPU_DEFAULTS = {"steps": 4, "repeats": 5, "warmup": 2, "batch": 8, "size": 64, "precision": "float32"}
TARGET_IMAGES_PER_SECOND = 3000  # one H200, ResNet50 at 224 px, mixed precision (the goal is 4,000)
TARGET_REAL_RATIO = 0.8
# Training FLOPs per image at 224 px: 3 x the forward pass's 4.1 G multiply-adds (8.2 GFLOP), DESIGN.md section 5.
TRAINING_GFLOP_PER_IMAGE = 24.6
PEAK_BF16_TFLOPS = {"H200": 989.0, "H100": 989.0, "A100": 312.0}  # dense bf16 tensor-core peaks, vendor data sheets


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
    parser.add_argument("--data", choices=DATA, default="both", help="synthetic, real (the labs' input path), or both")
    parser.add_argument("--steps", type=int, help="steps in each timed fit (GPU 20, CPU 4)")
    parser.add_argument("--repeats", type=int, help="timed fits of each kind (GPU 3, CPU 5)")
    parser.add_argument("--warmup", type=int, help="untimed steps first, compilation included (GPU 5, CPU 2)")
    parser.add_argument("--batch", type=int, help="images per step (GPU 256, CPU 8)")
    parser.add_argument("--size", type=int, help="image height and width in pixels (GPU 224, CPU 64)")
    parser.add_argument("--precision", choices=PRECISIONS, help="Keras dtype policy (GPU mixed_bfloat16, CPU float32)")
    parser.add_argument("--classes", type=int, default=1000, help="size of the new head (default 1000)")
    parser.add_argument("--variant", default="ResNet50", choices=list(models.FAMILY))
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=4, help="ImageBatches worker threads for the real data")
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
    """The model (raw uint8 pixels in, the variant's preprocessing inside), compiled, and one synthetic batch
    already converted to backend tensors."""
    keras.mixed_precision.set_global_policy(args.precision)
    keras.utils.set_random_seed(args.seed)
    network = getattr(models, args.variant)(weights=None, classes=args.classes,
                                            input_shape=(args.size, args.size, 3))
    mode = "tf" if models.FAMILY[args.variant].preact else "caffe"
    inputs = keras.Input((args.size, args.size, 3), name="images")
    model = keras.Model(inputs, network(ImagePreprocessing(mode)(inputs)))
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=args.learning_rate, momentum=0.9),
        loss=keras.losses.SparseCategoricalCrossentropy(),
    )
    rng = np.random.default_rng(args.seed)
    images = rng.integers(0, 256, size=(args.batch, args.size, args.size, 3), dtype=np.uint8)
    x = keras.ops.convert_to_tensor(images)  # uint8, like the real batches
    y = keras.ops.convert_to_tensor(rng.integers(0, args.classes, size=(args.batch,)).astype("int32"))
    return model, x, y


def real_batches(args):
    """ImageBatches over Fashion-MNIST at --size, read from the decoded cache, labels spread over --classes.

    Returns (batches, description). A first load that had to decode fills the cache; the batches then come
    from a second load, which reads it.
    """
    needed = args.batch * max(args.steps, args.warmup)
    limit = min(needed, 60_000)
    dataset = load_dataset("fashion_mnist", image_size=args.size, limit=limit, seed=args.seed)
    if not dataset.from_cache:
        dataset = load_dataset("fashion_mnist", image_size=args.size, limit=limit, seed=args.seed)
    labels = dataset.y_train % args.classes
    batches = ImageBatches(dataset.x_train, labels, num_classes=max(args.classes, 2), batch_size=args.batch,
                           seed=args.seed, workers=args.workers, use_multiprocessing=False)
    described = (f"{len(labels):,} Fashion-MNIST images at {args.size}x{args.size} ({dataset.source}; "
                 f"{'from the decoded cache' if dataset.from_cache else 'decoded now'}), ImageBatches with "
                 f"{args.workers} worker thread(s)")
    return batches, described


class FirstSteps(keras.utils.PyDataset):
    """The first `steps` batches of another PyDataset: a timed fit of exactly `steps` real batches."""

    def __init__(self, source, steps):
        super().__init__(workers=source.workers, use_multiprocessing=False)
        self.source, self.steps = source, steps

    def __len__(self):
        return self.steps

    def __getitem__(self, index):
        return self.source[index % len(self.source)]

    def on_epoch_end(self):
        self.source.on_epoch_end()


class RepeatedBatch(keras.utils.PyDataset):
    """`steps` batches that are all the same device-resident tensors: fit's loop without an input pipeline."""

    def __init__(self, x, y, steps):
        super().__init__(workers=1, use_multiprocessing=False)
        self.x, self.y, self.steps = x, y, steps

    def __len__(self):
        return self.steps

    def __getitem__(self, index):
        return self.x, self.y


def run(args, real=None):
    """Warm-up fit, then `repeats` timed fits of `steps` steps of each kind asked for, taking turns.

    Returns (model, warm-up s, {"synthetic": [s, ...], "real": [s, ...]}, final loss).
    """
    model, x, y = build(args)
    kinds = {"both": ("synthetic", "real"), "synthetic": ("synthetic",), "real": ("real",)}[args.data]
    feeds = {"synthetic": lambda steps: RepeatedBatch(x, y, steps), "real": lambda steps: FirstSteps(real, steps)}
    start = time.perf_counter()
    for kind in kinds:  # the first step compiles; each kind warms up its own data path
        model.fit(feeds[kind](args.warmup), epochs=1, verbose=0)
    first = time.perf_counter() - start
    times = {kind: [] for kind in kinds}
    for _ in range(args.repeats):
        for kind in kinds:
            start = time.perf_counter()
            history = model.fit(feeds[kind](args.steps), epochs=1, verbose=0)  # ends when its loss is on the host
            times[kind].append(time.perf_counter() - start)
    loss = history.history["loss"][-1]
    if not np.isfinite(loss):
        raise FloatingPointError(f"the training loss is {loss}: the steps diverged, their timing proves nothing")
    return model, first, times, float(loss)


def peak_tflops():
    """The dense bf16 peak of the GPU in use, from PEAK_BF16_TFLOPS, or None when it is not listed."""
    name = device_name()
    return next((peak for key, peak in PEAK_BF16_TFLOPS.items() if key in name), None)


def main(argv=None):
    args = parse_args(argv)
    print(
        f"backend={keras.backend.backend()} keras={keras.__version__} device={device_name()} "
        f"python={sys.version.split()[0]} machine={platform.machine()} cpu_cores={os.cpu_count()}"
    )
    print(
        f"settings: {args.variant}(weights=None, classes={args.classes}) at {args.size}x{args.size}, "
        f"batch {args.batch}, precision {args.precision}, SGD(lr={args.learning_rate}, momentum=0.9), "
        f"{args.warmup} warm-up + {args.repeats} x {args.steps} timed steps of each kind, data: {args.data}"
        + ("" if args.gpu else "  [no GPU visible: CPU defaults for the flags not given]"),
        flush=True,
    )
    real = None
    if args.data != "synthetic":
        real, described = real_batches(args)
        print("real data:", described, flush=True)
    model, first, times, loss = run(args, real)
    images = args.batch * args.steps
    print(f"params {model.count_params():,}; warm-up fits (compilation included) {first:.1f} s; final loss {loss:.3f}")
    figures = {}
    for kind, seconds in times.items():
        figures[kind] = images / statistics.median(seconds)
        print(f"{kind:>9}: fits of {args.steps} steps " + ", ".join(f"{t:.2f}" for t in seconds)
              + f" s; median step {statistics.median(seconds) / args.steps * 1e3:.1f} ms; "
              f"{figures[kind]:,.0f} images/s (median fit; fastest fit {images / min(seconds):,.0f})", flush=True)
    if "synthetic" in figures and args.variant == "ResNet50" and args.size == 224:
        tflops = figures["synthetic"] * TRAINING_GFLOP_PER_IMAGE / 1e3
        peak = peak_tflops()
        mfu = f", model FLOP utilisation {tflops / peak:.1%} of the {peak:.0f} TFLOP/s bf16 peak" if peak else ""
        print(f"model FLOPs: {TRAINING_GFLOP_PER_IMAGE} GFLOP per image -> {tflops:.1f} TFLOP/s{mfu}")
        if args.gpu:
            verdict = "meets" if figures["synthetic"] >= TARGET_IMAGES_PER_SECOND else "MISSES"
            print(f"target (DESIGN.md section 5): at least {TARGET_IMAGES_PER_SECOND:,} images/s on one H200 "
                  f"(goal 4,000): {verdict} it")
    if len(figures) == 2:
        ratio = figures["real"] / figures["synthetic"]
        fastest = min(times["synthetic"]) / min(times["real"])
        verdict = ("meets" if ratio >= TARGET_REAL_RATIO else "MISSES") if args.gpu else "(the target is for a GPU)"
        print(f"real / synthetic images/s, same run: {ratio:.2f} (medians), {fastest:.2f} (fastest fits); "
              f"target at least {TARGET_REAL_RATIO} for the medians {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
