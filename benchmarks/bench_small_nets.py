"""Training speed of the course's small nets on this machine, in images/s and as a share of its measured peak.

    .venv/bin/python benchmarks/bench_small_nets.py [--repeats 3]

A live run on two CPU cores can show only as much as the nets train in its minutes, so this is the figure
that sizes the course's experiments. For each net the script trains a few hundred steps on random images
(after a warm-up that pays for tracing) and prints images/s, the training FLOPs per image (3x the forward
multiply-adds x 2, the usual estimate) and the share of the machine's peak, measured in the same run as the
rate of a large float32 matrix product (numpy's BLAS on all cores): the best these cores do on dense
arithmetic, a ceiling no convolution net reaches.

"before" and "after" rows are the same net trained the way the course trained it before issue 15 and the way
it does now, alternated round by round so that both see the same load; their ratio is the speed-up:
- a whole short degradation run (plain-20 at 14x14, three seeds): before, batch 64 and a new network per run, fit
  and evaluate once per epoch; now batch 128 and one network traced once and reseeded (gradients/seeded_runs.py);
- the labs' course ResNet (32x32 RGB, every layer trained, batch 32): before, TensorFlow's oneDNN kernels switched
  off (the labs set TF_ENABLE_ONEDNN_OPTS=0 to keep a start-up notice out of the notebook); now on
  (startup.import_keras_quietly keeps the notice out instead). oneDNN is chosen at import, so each round runs in
  a fresh process with the variable set or not.
"""

import argparse
import os
import platform
import sys
import time

import numpy as np


def sgemm_gflops(size=2048, repeats=5):
    """GFLOP/s of a size x size float32 matrix product, best of `repeats` (numpy's BLAS, all cores)."""
    a = np.random.default_rng(0).random((size, size), dtype=np.float32)
    b = np.random.default_rng(1).random((size, size), dtype=np.float32)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def forward_macs(model):
    """Multiply-adds of one forward pass of one image, over the Conv2D and Dense layers."""
    import keras

    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            h, w, c_out = layer.output.shape[1:]
            c_in = layer.input.shape[-1]
            total += h * w * c_out * c_in * int(np.prod(layer.kernel_size))
        elif isinstance(layer, keras.layers.Dense):
            total += int(np.prod(layer.kernel.shape))
    return total


def images_per_second(model, batch_size, shape, steps, jit_compile=False, learning_rate=0.05):
    """Steady-state training images/s of `model` (compiled here), after a warm-up fit that pays for tracing."""
    import keras

    model.compile(keras.optimizers.SGD(learning_rate, momentum=0.9),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True), jit_compile=jit_compile)
    rng = np.random.default_rng(0)
    x = rng.random((batch_size * steps, *shape), dtype=np.float32)
    y = rng.integers(0, 10, len(x))
    model.fit(x[:batch_size * 2], y[:batch_size * 2], batch_size=batch_size, verbose=0)
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, shuffle=False, verbose=0)
    return len(x) / (time.perf_counter() - start)


def experiment_rate(kind):
    """Images/s of a whole short degradation run, tracing included: the old way or the new one.

    "before": fast mode as it was: batch 64, a new network per run, fit + evaluate once per epoch.
    "after": batch 128, one network traced once and reseeded for each of 3 seeds (seeded_runs).
    Both train plain-20 at 14x14 on 1,024 random images for 3 epochs per seed, 3 seeds.
    """
    import keras

    from resnet_widgets.gradients import NetworkSettings, build_network
    from resnet_widgets.gradients.seeded_runs import train_over_seeds

    rng = np.random.default_rng(0)
    x = rng.random((1024, 14, 14, 1), dtype=np.float32)
    y = rng.integers(0, 10, 1024).astype("int32")
    seeds, epochs = (0, 1, 2), 3
    start = time.perf_counter()
    if kind == "before":
        for seed in seeds:
            model = build_network("plain", NetworkSettings(depth=20, seed=seed), input_shape=(14, 14, 1))
            model.compile(keras.optimizers.SGD(0.1, momentum=0.9),
                          keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"],
                          jit_compile=False)
            for _ in range(epochs):
                model.fit(x, y, batch_size=64, epochs=1, verbose=0)
                model.evaluate(x[:512], y[:512], batch_size=256, verbose=0)
    else:
        model = build_network("plain", NetworkSettings(depth=20), input_shape=(14, 14, 1))
        train_over_seeds(model, keras.optimizers.SGD(0.1, momentum=0.9), (x, y, x[:512], y[:512], x[:512], y[:512]),
                         seeds, epochs, 128, jit_compile=False)
    return len(seeds) * epochs * len(x) / (time.perf_counter() - start)


COURSE_RESNET_RATE = """
import time, numpy as np
from resnet_widgets.startup import import_keras_quietly
keras = import_keras_quietly()
from resnet_widgets.training import ImagePreprocessing, course_resnet
model = keras.Sequential([keras.Input((32, 32, 3)), ImagePreprocessing("caffe"), course_resnet(pretrained=False)])
model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
rng = np.random.default_rng(0)
x = rng.integers(0, 256, (32 * 60, 32, 32, 3)).astype("uint8"); y = rng.integers(0, 5, len(x))
model.fit(x[:64], y[:64], batch_size=32, verbose=0)
start = time.perf_counter(); model.fit(x, y, batch_size=32, verbose=0)
print(len(x) / (time.perf_counter() - start))
"""


def course_resnet_rate(onednn):
    """Training images/s of the course ResNet in a fresh process, with oneDNN on or off."""
    import subprocess

    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    env.pop("TF_ENABLE_ONEDNN_OPTS", None)
    if not onednn:
        env["TF_ENABLE_ONEDNN_OPTS"] = "0"
    out = subprocess.run([sys.executable, "-c", COURSE_RESNET_RATE], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from resnet_widgets.startup import import_keras_quietly

    keras = import_keras_quietly()
    from resnet_widgets.gradients import NetworkSettings, build_network

    peak = sgemm_gflops()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; Keras {keras.__version__} on "
          f"{keras.backend.backend()}; load {os.getloadavg()[0]:.1f}")
    print(f"peak reference: float32 matrix product 2048x2048, {peak:.0f} GFLOP/s\n")

    rows = {"before": [], "after": []}
    for _ in range(args.repeats):
        for kind in rows:  # alternated, so both see the same load
            rows[kind].append(experiment_rate(kind))
    before, after = np.median(rows["before"]), np.median(rows["after"])
    print("a whole short degradation run (plain-20, 14x14, 3 seeds x 3 epochs of 1,024 images, tracing included):")
    for kind, rates in rows.items():
        print(f"  {kind:<7} median {np.median(rates):7.0f} images/s   runs {' '.join(f'{r:.0f}' for r in rates)}")
    print(f"  after / before: {after / before:.2f}x\n")

    labs = {"before": [], "after": []}
    for _ in range(args.repeats):
        labs["before"].append(course_resnet_rate(onednn=False))
        labs["after"].append(course_resnet_rate(onednn=True))
    print("the labs' course ResNet, every layer trained, batch 32 (a fresh process per run):")
    for kind, rates in labs.items():
        print(f"  {kind:<7} ({'oneDNN off' if kind == 'before' else 'oneDNN on'}) median {np.median(rates):6.0f} images/s"
              f"   runs {' '.join(f'{r:.0f}' for r in rates)}")
    print(f"  after / before: {np.median(labs['after']) / np.median(labs['before']):.2f}x\n")

    nets = [("plain-20, 14x14, batch 64 (fast mode before)", "plain", 64),
            ("plain-20, 14x14, batch 128 (fast mode now)", "plain", 128),
            ("residual-20, 14x14, batch 128", "residual", 128)]
    print(f"{'steady state':<48}{'images/s':>10}{'GFLOP/img':>11}{'GFLOP/s':>9}{'of peak':>9}")
    for label, kind, batch in nets:
        model = build_network(kind, NetworkSettings(depth=20), input_shape=(14, 14, 1))
        rate = images_per_second(model, batch, (14, 14, 1), steps=max(20, 4096 // batch))
        flops = 6 * forward_macs(model) / 1e9  # forward + backward, 2 FLOPs per multiply-add
        print(f"{label:<48}{rate:>10.0f}{flops:>11.4f}{rate * flops:>9.1f}{rate * flops / peak:>9.1%}")
    from resnet_widgets.models import cifar_resnet

    for label, model in (("06b's ResNet-20, 28x28, pooled stem, batch 128", cifar_resnet(20)),
                         ("the same without the stem's pool (the paper's)", cifar_resnet(20, stem_pool=False))):
        rate = images_per_second(model, 128, (28, 28, 1), steps=24)
        flops = 6 * forward_macs(model) / 1e9
        print(f"{label:<48}{rate:>10.0f}{flops:>11.4f}{rate * flops:>9.1f}{rate * flops / peak:>9.1%}")
    print(f"\n(load {os.getloadavg()[0]:.1f} at the end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
