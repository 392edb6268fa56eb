"""Gradient explorer figures: time to recompute a depth-50 plain/residual pair, and the fast degradation run.

    python benchmarks/bench_gradients.py [--repeats 5] [--network cifar|one_conv|both]
                                         [--degradation fast|full|none] [--epochs N] [--skip-explorer]
    python benchmarks/bench_gradients.py --before-after [--repeats 3]   # eager (before) against traced (now)
    python benchmarks/bench_gradients.py --visits 8     # depth 44 <-> 50, each visit timed: eager, trace, traced

Target (the project design, section 5 "figures"): a depth-50 pair recomputed in at most 2 s on 2 CPU cores after
warm-up. For each network (He et al.'s CIFAR nets, the explorer's default, 6 x 8 + 2 = 50 layers; and the one-conv
stack, 50 convs, as the reference of the same run), the median of several runs of:
  slider        another depth on the knobs already in use (the layers exist; new models, new gradients)
  new data      the same knobs on another batch
  unseen seed   a seed the explorer has not seen: every weight is drawn again (in place, into the same layers)
  new layers    a knob that changes the architecture (another activation): every layer is built anew
and the widget's own recomputation (GradientExplorer, depth 44 <-> 50 or 49 <-> 50, plotly update included).
The two networks alternate call by call, so their ratio is measured under the same load; the machine's load
average is printed beside the figures, since the cores are shared.
Then the degradation experiment (fast mode by default; `--degradation full --epochs 20` is the GPU check's run of
the paper's 20 vs 56 layers on all 60,000 images): its time, its summary, and whether it shows Fig. 6's effect.
Results go into docs/BENCHMARKS.md by hand, with the machine named.
"""

import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np

# The depth next to 50 on each network's slider.
NEIGHBOUR = {"cifar": 44, "one_conv": 49}


def _trace_after():
    from resnet_widgets import gradient_dispatch

    return gradient_dispatch.TRACE_AFTER


def _load():
    return "load average " + "/".join(f"{v:.1f}" for v in os.getloadavg())


class Immediate:
    """The widget's debouncer clock, with time under our control: fire() runs the pending recomputation."""

    def __call__(self, delay, fn):
        self.fn = fn
        return self

    def cancel(self):
        pass

    def fire(self):
        self.fn()


def cases(network, repeats):
    """{label: fn(i)} for one network: each call is one recomputation of the kind the label names."""
    from resnet_widgets.gradients import NetworkSettings, compare, synthetic_batch
    from resnet_widgets.gradients.explorer import GradientExplorer

    depths = [NEIGHBOUR[network], 50]
    batches = [synthetic_batch(32, seed=100 + i) for i in range(repeats)]
    activations = ("elu", "gelu", "tanh", "sigmoid")  # more architectures than the two banks kept: layers built
    clock = Immediate()
    explorer = GradientExplorer(depth=depths[0], scheduler=clock, network=network)

    def widget_step(i):
        explorer.controls["depth"].value = depths[(i + 1) % 2]
        clock.fire()

    return {
        f"slider: depth {depths[0]} <-> 50, same knobs":
            lambda i: compare(NetworkSettings(depth=depths[i % 2], network=network)),
        "new data: depth 50, another batch of 32":
            lambda i: compare(NetworkSettings(depth=50, network=network), data=batches[i]),
        "unseen seed: depth 50, every weight drawn again":
            lambda i: compare(NetworkSettings(depth=50, seed=1000 + i, network=network)),
        "new layers: depth 50, another activation (layers built)":
            lambda i: compare(NetworkSettings(depth=50, activation=activations[i % 4], network=network)),
        f"widget: GradientExplorer depth {depths[0]} <-> 50": widget_step,
    }


def bench(networks, repeats):
    """{network: [(label, median seconds, runs)]}, the networks alternating call by call so both see the same load."""
    from resnet_widgets.gradients import NetworkSettings, compare

    plans = {}
    for network in networks:
        start = time.perf_counter()
        compare(NetworkSettings(depth=50, network=network))
        print(f"{network}: warm-up (first compare(50): layers built, first kernels run) "
              f"{time.perf_counter() - start:.2f} s ({_load()})")
        plans[network] = cases(network, repeats)
    results = {network: [] for network in networks}
    for index in range(len(plans[networks[0]])):
        runs = {network: [] for network in networks}
        for i in range(repeats):
            for network in networks:
                fn = list(plans[network].values())[index]
                start = time.perf_counter()
                fn(i)
                runs[network].append(time.perf_counter() - start)
        for network in networks:
            label = list(plans[network])[index]
            results[network].append((label, statistics.median(runs[network]), runs[network]))
        print(f"  case {index + 1} done ({_load()})")
    return results


def bench_before_after(repeats):
    """[(label, eager median, traced median, eager runs, traced runs)] for the CIFAR nets: the gradient step run
    eagerly (`gradient_dispatch.COMPILED = False`, how the explorer computed before issue 15) and traced once per model
    (now), alternating call by call so that both see the same load."""
    from resnet_widgets import gradient_dispatch as backend
    from resnet_widgets.gradients import compare

    plans = {}
    for compiled in (False, True):
        backend.COMPILED = compiled
        compare(50)
        compare(NEIGHBOUR["cifar"])
        plans[compiled] = cases("cifar", repeats)
    rows = []
    for index, label in enumerate(plans[True]):
        runs = {False: [], True: []}
        for i in range(repeats):
            for compiled in (False, True):
                backend.COMPILED = compiled
                start = time.perf_counter()
                list(plans[compiled].values())[index](i)
                runs[compiled].append(time.perf_counter() - start)
        rows.append((label, statistics.median(runs[False]), statistics.median(runs[True]), runs[False], runs[True]))
        print(f"  case {index + 1} done ({_load()})")
    backend.COMPILED = True
    return rows


def bench_visits(visits):
    """[(depth, seconds)] for `visits` alternating recomputations of the CIFAR pair at depths 44 and 50, after one
    warm-up each: what a learner dragging the slider back and forth waits, visit by visit. With the trace policy
    (gradient_dispatch.TRACE_AFTER) the first visits run eagerly, the next one traces, the later ones run traced."""
    from resnet_widgets.gradients import compare

    for depth in (50, NEIGHBOUR["cifar"]):
        start = time.perf_counter()
        compare(depth)
        print(f"  warm-up, depth {depth}: {time.perf_counter() - start:.2f} s ({_load()})")
    times = []
    for i in range(visits):
        depth = (NEIGHBOUR["cifar"], 50)[i % 2]
        start = time.perf_counter()
        compare(depth)
        times.append((depth, time.perf_counter() - start))
        print(f"  visit {i + 1}, depth {depth}: {times[-1][1]:.2f} s ({_load()})")
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--network", choices=("cifar", "one_conv", "both"), default="both")
    parser.add_argument("--degradation", choices=("fast", "full", "none"), default="fast",
                        help="which degradation run to time (default fast; full is for a GPU)")
    parser.add_argument("--epochs", type=int, help="epochs of the degradation run (default: the mode's)")
    parser.add_argument("--skip-degradation", action="store_true", help="the same as --degradation none")
    parser.add_argument("--skip-explorer", action="store_true", help="time the degradation run only")
    parser.add_argument("--visits", type=int, help="time this many alternating visits of depths 44 and 50, one by one")
    parser.add_argument("--before-after", action="store_true",
                        help="the CIFAR nets' recomputations with the gradient step eager (before) and traced (now)")
    args = parser.parse_args()
    if args.skip_degradation:
        args.degradation = "none"

    import keras

    from resnet_widgets.gradients import degradation_experiment

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"Keras {keras.__version__} on {keras.backend.backend()}; {_load()}"
    )
    if args.visits:
        print(f"\nCIFAR nets, depth 44 <-> 50, visit by visit (trace after {_trace_after()} eager calls per model):")
        bench_visits(args.visits)
        return 0
    if args.before_after:
        print("\nCIFAR nets, depth-50 pair: gradient step eager (before issue 15) against traced once per model (now):")
        for label, eager, traced, eager_runs, traced_runs in bench_before_after(args.repeats):
            print(f"  {label:<56s} eager {eager:5.2f} s, traced {traced:5.2f} s: {eager / traced:4.1f}x faster   "
                  f"(runs {' '.join(f'{r:.2f}' for r in eager_runs)} / {' '.join(f'{r:.2f}' for r in traced_runs)})")
        print(f"({_load()})")
        return 0
    networks = ("cifar", "one_conv") if args.network == "both" else (args.network,)
    results = {} if args.skip_explorer else bench(networks, args.repeats)

    if results:
        print("\ndepth-50 plain/residual pair, batch 32, 28x28, width 16, BN, He normal (target <= 2 s):")
    for network, rows in results.items():
        print(f" {network}:")
        for label, median, runs in rows:
            print(f"  {label:<56s} median {median:5.2f} s   runs {' '.join(f'{r:.2f}' for r in runs)}")
    if len(results) == 2:
        print(" ratio cifar / one_conv of the medians, same run (a reference for noisy machines):")
        for (label, cifar, _), (_, one_conv, _) in zip(results["cifar"], results["one_conv"]):
            print(f"  {label.split(':')[0]:<14s} {cifar / one_conv:5.2f}")
    print(f"({_load()})")

    if args.degradation != "none":
        start = time.perf_counter()
        result = degradation_experiment(args.degradation, **({"epochs": args.epochs} if args.epochs else {}))
        total = time.perf_counter() - start
        print(f"\ndegradation experiment, {args.degradation} mode: {total:.1f} s in all (data loading included); "
              f"{_load()}")
        print("seconds per network, over its seeds: " + ", ".join(
            f"{k}-{d} {runs.seconds.sum():.1f}" for (k, d), runs in result.runs.items()))
        print(result.summary())
        print("the paper's effect (deeper plain worse, deeper residual better, training error, every seed):",
              result.shows_the_papers_effect())
    return 0


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    sys.exit(main())
