"""Forward time of our six variants against keras.applications, measured in the same run.

Batch 8 at 224 px, inference, after warm-up. The two models of a pair run alternately, round after
round, so machine noise hits both alike; the figures are the ratios of their median and of their fastest
times (target: at most 1.02; the fastest round is the least disturbed by other work on a shared machine). Also prints the parameter counts and the largest output difference after weight transfer.

    python benchmarks/bench_models.py [--variants ResNet50 ResNet50V2] [--rounds 15] [--batch 8]
"""

import argparse
import os
import platform
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from resnet_widgets import models  # noqa: E402


def timed(fn, x):
    start = time.perf_counter()
    out = fn(x)
    keras.ops.convert_to_numpy(out)  # wait for asynchronous backends
    return time.perf_counter() - start


def compare(variant, batch, rounds, size=224):
    reference = getattr(keras.applications, variant)(weights=None)
    ours = getattr(models, variant)(weights=None)
    for layer in reference.layers:
        if layer.weights:
            ours.get_layer(layer.name).set_weights(layer.get_weights())
    x = np.random.default_rng(0).uniform(0, 255, (batch, size, size, 3)).astype("float32")
    difference = float(np.max(np.abs(ours.predict_on_batch(x) - reference.predict_on_batch(x))))
    for _ in range(3):  # warm-up: tracing, compilation, allocator
        timed(ours.predict_on_batch, x), timed(reference.predict_on_batch, x)
    ours_times, reference_times = [], []
    for i in range(rounds):
        pair = [(ours_times, ours), (reference_times, reference)]
        for times, model in pair if i % 2 == 0 else pair[::-1]:
            times.append(timed(model.predict_on_batch, x))
    keras.backend.clear_session()
    return ours.count_params(), reference.count_params(), difference, ours_times, reference_times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="*", default=list(models.KERAS_VARIANTS))
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=8)
    args = parser.parse_args()
    print(f"backend={keras.backend.backend()} keras={keras.__version__} cpu_cores={os.cpu_count()} "
          f"machine={platform.machine()} batch={args.batch} rounds={args.rounds}")
    print(f"{'variant':12} {'params':>11} {'max |diff|':>10} {'ours ms':>9} {'keras ms':>9} "
          f"{'ratio (median)':>15} {'ratio (fastest)':>16}")
    for variant in args.variants:
        params, reference_params, difference, ours, reference = compare(variant, args.batch, args.rounds)
        assert params == reference_params, (variant, params, reference_params)
        median_ratio = statistics.median(ours) / statistics.median(reference)
        print(f"{variant:12} {params:>11,} {difference:>10.1e} {statistics.median(ours) * 1e3:>9.1f} "
              f"{statistics.median(reference) * 1e3:>9.1f} {median_ratio:>15.3f} {min(ours) / min(reference):>16.3f}",
              flush=True)


if __name__ == "__main__":
    main()
