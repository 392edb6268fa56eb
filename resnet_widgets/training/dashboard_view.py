"""What the live dashboard shows, as plain data: shared by the plotly widget, the static picture and the
text lines, and read by tests without a browser.

Two panels, loss and accuracy; in each, every run has a training curve (per batch, Keras' running mean of
the epoch so far) and a validation curve (one point per epoch). Runs are told apart by colour and by marker
shape (never by colour alone: WCAG 1.4.1), training and validation by the line (solid / dotted).
"""

from __future__ import annotations

import math

import numpy as np

PANELS = ("loss", "accuracy")
# Four colours that stay apart under protanopia, deuteranopia and tritanopia (tests/accessibility/test_palettes.py:
# no palette of eight can), each 3:1 or more against the white plot; runs beyond four repeat a colour but never
# a (colour, marker) pair within eight.
COLORS = ("#0072B2", "#D55E00", "#000000", "#882255")
# Plotly's marker symbols, and matplotlib's for the same shapes.
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "triangle-down")
MPL_MARKERS = {"circle": "o", "square": "s", "diamond": "D", "triangle-up": "^", "x": "x", "star": "*",
               "cross": "P", "triangle-down": "v"}


def run_style(index):
    """(colour, marker symbol) of the run at ``index`` (0 = first run): the pair is unique within eight runs."""
    return COLORS[index % len(COLORS)], SYMBOLS[index % len(SYMBOLS)]
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
    """One dict per curve: run, panel, kind, name, color, symbol, dash, x, y (float32 arrays).

    Args:
        only: a run name, to describe that run's curves alone (what a redraw during training updates).
    """
    specs = []
    for index, run in enumerate(history.runs.values()):
        if only is not None and run.name != only:
            continue
        color, symbol = run_style(index)
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
                    "color": color, "symbol": symbol, "dash": "solid" if kind == "train" else "dot",
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
            marker = MPL_MARKERS[spec["symbol"]]
            style = {"color": spec["color"], "linewidth": 1.4, "marker": marker, "markersize": 4, "markevery": 0.1}
            if spec["kind"] == "validation":
                style.update(linestyle=":", markevery=None)
            ax.plot(spec["x"], spec["y"], label=spec["name"], **style)
        ax.set_title(panel + (" (log scale)" if panel == "loss" else ""), fontsize=10)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    if any(len(s["x"]) for s in specs if s["panel"] == "loss"):
        axes[0].set_yscale("log")  # a diverging run would flatten every other curve
    runs = list(dict.fromkeys((s["run"], s["color"], s["symbol"]) for s in specs if len(s["x"])))
    if runs:  # below the panels, where it covers no curve: one entry per run, and one per line style
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], color=color, linewidth=2, marker=MPL_MARKERS[symbol], markersize=5)
                   for _, color, symbol in runs]
        handles += [Line2D([], [], color="0.3", linewidth=1.4),
                    Line2D([], [], color="0.3", linestyle=":", marker="o", markersize=4)]
        labels = [name for name, _, _ in runs] + ["train (per batch)", "validation (per epoch)"]
        figure.legend(handles, labels, fontsize=8, loc="outside lower center", ncols=min(5, len(handles)),
                      frameon=False)
    if title:
        figure.suptitle(title, fontsize=10)
    return figure


def _latest(run, name):
    series = run.epoch.get(name)
    return None if series is None or series.latest is None else series.latest[1]


def epoch_table(history):
    """The numbers behind the dashboard: one row per run and finished epoch, its loss and accuracy.

    Returns:
        ``{"caption", "columns", "rows"}`` (strings), for PlotCaption; columns are run, epoch, then train and
        validation loss and accuracy (blank where the run did not report one).
    """
    columns = ["run", "epoch", "train loss", "validation loss", "train accuracy", "validation accuracy"]
    rows = []
    for run in history.runs.values():
        loss, accuracy = panel_metric(run, "loss"), panel_metric(run, "accuracy")
        names = [loss, f"val_{loss}" if loss else None, accuracy, f"val_{accuracy}" if accuracy else None]
        series = [run.epoch.get(name) if name else None for name in names]
        epochs = sorted({x for s in series if s is not None for x in s.points()[0]})
        for epoch in epochs:
            cells = []
            for s in series:
                points = dict(zip(*s.points())) if s is not None else {}
                cells.append(f"{points[epoch]:.4g}" if epoch in points else "")
            rows.append([run.name, f"{epoch:g}", *cells])
    return {"caption": "loss and accuracy at the end of each epoch", "columns": columns, "rows": rows}


def dashboard_summary(history):
    """What the dashboard shows, in a sentence per run: epochs done and the last validation figures."""
    if not history.runs:
        return "Loss and accuracy per epoch; no training has run yet."
    parts = ["Loss (log scale) and accuracy per epoch; solid lines train, dotted lines validation."]
    for index, run in enumerate(history.runs.values()):
        color, symbol = run_style(index)
        facts = [f"{run.own_epochs} epoch{'' if run.own_epochs == 1 else 's'}"]
        for panel in PANELS:
            metric = panel_metric(run, panel)
            value = _latest(run, f"val_{metric}") if metric else None
            if value is not None:
                facts.append(f"validation {panel} {value:.3g}")
        parts.append(f"{run.name} ({symbol} markers): " + ", ".join(facts) + ".")
    return " ".join(parts)
