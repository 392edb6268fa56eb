"""What the live dashboard shows, as plain data: shared by the plotly widget, the static picture and the
text lines, and read by tests without a browser.

Two panels, loss and accuracy; in each, every run has a training curve (per batch, Keras' running mean of
the epoch so far) and a validation curve (one point per epoch). Runs are told apart by colour, training
and validation by the line (solid / dotted with markers).
"""

from __future__ import annotations

import math

import numpy as np

PANELS = ("loss", "accuracy")
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
KINDS = ("train", "validation")


def _compact(values):
    """float32, vectorised: half the bytes of float64 in the widget's messages, and precision enough to draw."""
    return np.asarray(values, dtype=np.float32)


def panel_metric(run, panel):
    """The metric name a run reports for a panel ("accuracy" may be "sparse_categorical_accuracy", ...)."""
    names = set(run.batch) | {name for name in run.epoch if not name.startswith("val_")}
    if panel in names:
        return panel
    if panel == "accuracy":
        for name in sorted(names):
            if name.endswith("accuracy") or name == "acc":
                return name
    return None


def trace_specs(history, only=None):
    """One dict per curve: run, panel, kind, name, color, dash, x, y (float32 arrays).

    Args:
        only: a run name, to describe that run's curves alone (what a redraw during training updates).
    """
    specs = []
    for index, run in enumerate(history.runs.values()):
        if only is not None and run.name != only:
            continue
        color = COLORS[index % len(COLORS)]
        for panel in PANELS:
            metric = panel_metric(run, panel)
            if metric is None:
                continue
            train = run.batch.get(metric) or run.epoch.get(metric)
            validation = run.epoch.get(f"val_{metric}")
            for kind, series in (("train", train), ("validation", validation)):
                xs, ys = series.points() if series is not None else ([], [])
                specs.append({
                    "run": run.name, "panel": panel, "kind": kind,
                    "name": f"{run.name} · {'train' if kind == 'train' else 'validation'}",
                    "color": color, "dash": "solid" if kind == "train" else "dot",
                    "x": _compact(xs), "y": _compact(ys),
                })
    return specs


def format_seconds(seconds):
    """0:42, 3:07, 1:02:03."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_bytes(count):
    return f"{count / 2**30:.1f} GiB" if count >= 2**30 else f"{count / 2**20:.0f} MiB"


def progress_parts(history, memory=None):
    """The status line's parts for the current run: run, epoch, batch, ETA, images/s, learning rate, setup, memory."""
    run = history.current
    if run is None:
        return ["waiting for fit"]
    if run.running and run.steps_done == 0:
        # Before the first batch, Keras builds and traces (or compiles) the training step: seconds in which
        # nothing trains. Say so, rather than show a bar stuck at 0 %.
        waiting = ["preparing the first step: Keras traces the training step before the first batch "
                   "(a few seconds, once per fit)"]
        return [run.name, *waiting, *([run.setup] if run.setup else [])]
    fraction, left = history.progress(run)
    parts = [f"{run.name}", f"epoch {min(run.current_epoch + 1, max(run.epochs, 1))}/{run.epochs}"]
    if run.steps:
        parts.append(f"batch {run.current_batch}/{run.steps}")
    parts.append(f"{fraction:.0%}")
    parts.append(("ETA " + format_seconds(left)) if run.running else "done")
    rate = history.images_per_second(run)
    if rate is not None:
        parts.append(f"{rate:,.0f} {'images' if run.batch_size else 'batches'}/s")
    if run.learning_rate is not None:
        parts.append(f"lr {run.learning_rate:.2g}")
    if run.setup:
        parts.append(run.setup)
    if memory:
        parts.append(f"GPU memory {format_bytes(memory)}")
    return parts


def epoch_line(history):
    """A plain progress line for the last finished epoch of the current run (terminals, logs)."""
    run = history.current
    values = []
    for name, series in run.epoch.items():
        if series.latest is not None:
            values.append(f"{name} {series.latest[1]:.4g}")
    rate = history.images_per_second(run)
    tail = [f"{rate:,.0f} {'images' if run.batch_size else 'batches'}/s"] if rate else []
    _, left = history.progress(run)
    if run.running and left is not None:
        tail.append(f"ETA {format_seconds(left)}")
    return " · ".join([f"{run.name}: epoch {run.epochs_done}/{run.epoch_offset + run.epochs}"] + values + tail)


def static_figure(history, title=""):
    """The dashboard as a matplotlib figure (the static picture for exports and nbval)."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    specs = trace_specs(history)
    for ax, panel in zip(axes, PANELS):
        for spec in (s for s in specs if s["panel"] == panel and len(s["x"])):
            style = {"color": spec["color"], "linewidth": 1.4}
            if spec["kind"] == "validation":
                style.update(linestyle=":", marker="o", markersize=4)
            ax.plot(spec["x"], spec["y"], label=spec["name"], **style)
        ax.set_title(panel + (" (log scale)" if panel == "loss" else ""), fontsize=10)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    if any(len(s["x"]) for s in specs if s["panel"] == "loss"):
        axes[0].set_yscale("log")  # a diverging run would flatten every other curve
    runs = list(dict.fromkeys((s["run"], s["color"]) for s in specs if len(s["x"])))
    if runs:  # below the panels, where it covers no curve: one entry per run, and one per line style
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], color=color, linewidth=2) for _, color in runs]
        handles += [Line2D([], [], color="0.3", linewidth=1.4),
                    Line2D([], [], color="0.3", linestyle=":", marker="o", markersize=4)]
        labels = [name for name, _ in runs] + ["train (per batch)", "validation (per epoch)"]
        figure.legend(handles, labels, fontsize=8, loc="outside lower center", ncols=min(5, len(handles)),
                      frameon=False)
    if title:
        figure.suptitle(title, fontsize=10)
    return figure
