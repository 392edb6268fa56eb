"""Gradient explorer figures: time to recompute a depth-50 plain/residual pair, and the fast degradation run.

    python benchmarks/bench_gradients.py [--skip-degradation]

Target (the project design, section 5 "figures"): a depth-50 pair recomputed in at most 2 s on 2 CPU cores after warm-up.
Three cases, each the median of several runs:
  slider      another depth on the knobs already in use (the layers exist; new stacks, new gradients)
  new data    the same knobs on another batch
  new knobs   a knob the cache has not seen (here: another seed), so 50 conv and 100 BN layers are built
and the widget's own recomputation (GradientExplorer, depth 49 -> 50, plotly update included).
Results go into docs/BENCHMARKS.md by hand, with the machine named.
"""

import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np


def _median_seconds(fn, repeats):
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-degradation", action="store_true", help="leave out the ~1 minute training run")
    args = parser.parse_args()

    import keras

    from resnet_widgets.gradients import compare, degradation_experiment, synthetic_batch
    from resnet_widgets.gradients.explorer import GradientExplorer

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"Keras {keras.__version__} on {keras.backend.backend()}"
    )

    start = time.perf_counter()
    compare(50)
    warm_up = time.perf_counter() - start
    print(f"warm-up (first compare(50): imports, layer creation, first kernels run): {warm_up:.2f} s")

    rows = []
    depths = [49, 50]
    slider, runs = _median_seconds(lambda i: compare(depths[i % 2]), args.repeats)
    rows.append(("slider: depth 49 <-> 50, same knobs", slider, runs))
    batches = [synthetic_batch(32, seed=100 + i) for i in range(args.repeats)]
    new_data, runs = _median_seconds(lambda i: compare(50, data=batches[i]), args.repeats)
    rows.append(("new data: depth 50, another batch of 32", new_data, runs))
    new_knobs, runs = _median_seconds(lambda i: compare(50, seed=1 + i), args.repeats)
    rows.append(("new knobs: depth 50, unseen seed (layers built)", new_knobs, runs))

    class Immediate:  # the widget's debouncer, with time under our control
        def __call__(self, delay, fn):
            self.fn = fn
            return self

        def cancel(self):
            pass

    clock = Immediate()
    explorer = GradientExplorer(depth=49, scheduler=clock)

    def widget_step(i):
        explorer.controls["depth"].value = depths[(i + 1) % 2]
        clock.fn()

    widget, runs = _median_seconds(widget_step, args.repeats)
    rows.append(("widget: GradientExplorer depth 49 <-> 50", widget, runs))
    for depth in (10, 100):
        compare(depth)
        seconds, runs = _median_seconds(lambda i: compare(depth, data=batches[i % len(batches)]), 3)
        rows.append((f"context: depth {depth}, another batch", seconds, runs))

    print("\ndepth-50 plain/residual pair, batch 32, 28x28, width 16, BN, He normal (target <= 2 s):")
    for label, median, runs in rows:
        print(f"  {label:<50s} median {median:5.2f} s   runs {' '.join(f'{r:.2f}' for r in runs)}")

    if not args.skip_degradation:
        start = time.perf_counter()
        result = degradation_experiment("fast")
        total = time.perf_counter() - start
        print(f"\ndegradation experiment, fast mode: {total:.1f} s in all (data loading included)")
        print(result.summary())
    return 0


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    sys.exit(main())
