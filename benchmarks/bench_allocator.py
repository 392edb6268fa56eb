"""TensorFlow's own pool against the C library's allocator: speed of three workloads, and the process's peak memory.

    .venv/bin/python benchmarks/bench_allocator.py --allocator pool
    .venv/bin/python benchmarks/bench_allocator.py --allocator system
    MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072 \\
        .venv/bin/python benchmarks/bench_allocator.py --allocator system           # binder/start's malloc settings

One arm per process (TensorFlow reads TF_ONEDNN_USE_SYSTEM_ALLOCATOR once, when it starts; glibc its MALLOC_*
variables when the process starts). Run the arms one after another on a quiet machine and compare them with each
other: docs/BENCHMARKS.md, "TensorFlow's allocator". The workloads: a 2-epoch degradation run (01b's fast mode, one
seed), ResNet50 predicting 256 images at 128x128, and 8 training steps of ResNet50 at batch 32. The last line
prints the deep residual net's final training error, which must not differ between the arms.
"""

import argparse
import os
import resource
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allocator", choices=("pool", "system"), required=True)
    args = parser.parse_args()
    os.environ["TF_ONEDNN_USE_SYSTEM_ALLOCATOR"] = "1" if args.allocator == "system" else "0"

    from resnet_widgets.startup import import_keras_quietly

    keras = import_keras_quietly()
    import numpy as np

    from resnet_widgets.gradients import degradation_experiment

    start = time.perf_counter()
    run = degradation_experiment("fast", epochs=2, seeds=(0,))
    degradation = time.perf_counter() - start

    backbone = keras.applications.ResNet50(weights=None, include_top=False, pooling="avg", input_shape=(128, 128, 3))
    images = np.random.default_rng(0).random((256, 128, 128, 3), dtype=np.float32)
    labels = np.arange(256) % 10
    backbone.predict(images[:32], verbose=0)  # traced before the clock starts
    start = time.perf_counter()
    backbone.predict(images, batch_size=32, verbose=0)
    predict = time.perf_counter() - start

    classifier = keras.Sequential([keras.layers.Input((128, 128, 3)), backbone, keras.layers.Dense(10)])
    classifier.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    classifier.fit(images[:32], labels[:32], batch_size=32, epochs=1, verbose=0)  # traced before the clock starts
    start = time.perf_counter()
    classifier.fit(images, labels, batch_size=32, epochs=1, verbose=0)
    fit = time.perf_counter() - start

    malloc = {k: v for k, v in os.environ.items() if k.startswith("MALLOC_")}
    print(f"allocator {args.allocator}; malloc settings {malloc or 'glibc defaults'}")
    print(f"degradation run {degradation:.1f} s; ResNet50 predict {predict:.1f} s; ResNet50 fit {fit:.1f} s; "
          f"peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    deep = run.depths[1]
    print(f"residual-{deep}, training error after 2 epochs: {run.runs['residual', deep].train_error[0][-1]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
