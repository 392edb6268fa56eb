"""LiveDashboard: a Keras callback that is also a widget, drawing training live.

    dashboard = LiveDashboard(title="lab 08")
    dashboard                                                      # shows it (in a notebook)
    model.fit(train, validation_data=val, epochs=5, callbacks=[dashboard.run("frozen", batch_size=32)])
    model.fit(..., callbacks=[dashboard.run("fine-tuned", batch_size=32)])   # a second curve, same chart
    for epoch in range(5):                                         # one fit per epoch: still one curve,
        model.fit(..., epochs=epoch + 1, initial_epoch=epoch, callbacks=[dashboard])   # "fine-tuned"

The callback only listens and keeps what it hears in a TrainingHistory; the views are thin:
- in a notebook, a plotly FigureWidget (loss and accuracy, every run overlaid) updated inside
  `batch_update` at most `redraws_per_second` times a second, a progress bar, and a status line (epoch,
  batch, ETA, images/s, learning rate, precision / XLA / devices, GPU memory);
- a static picture (PNG, through resnet_widgets.display.StaticPicture) that exported notebooks, GitHub and
  nbval show; `refresh_static()` replaces it at the end of every fit, and nothing else in the cell's output
  is touched (no clear_output);
- outside a notebook, plain progress lines (one per epoch, and one every `print_every` seconds).

Memory stays bounded however long the run: per-batch curves are thinned evenly (history.Series).
Displaying the dashboard again after training shows the final state.
"""

from __future__ import annotations

import html
import time

import ipywidgets as widgets
import keras
import numpy as np
import plotly.graph_objects as go

from .. import arguments, keras_internals
from ..display import StaticPicture, figure_png
from ..devices import gpu_available
from ..plot_caption import PlotCaption
from .dashboard_view import (KINDS, PANELS, dashboard_summary, epoch_line, epoch_table, progress_parts, run_style,
                             static_figure, trace_specs)
from .history import DEFAULT_MAX_POINTS, TrainingHistory
from .precision import accelerator_memory


def in_notebook():
    """True inside a Jupyter kernel (JupyterLab, nbval, nbconvert), False in a terminal or a script."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


class LiveDashboard(StaticPicture, widgets.VBox, keras.callbacks.Callback):
    """Live loss and accuracy for train and validation, with progress, for one or several runs of fit.

    Args:
        title: shown above the chart.
        redraws_per_second: at most this many redraws of the chart per second during an epoch (every epoch
            end redraws too). One a second by default: each redraw is drawn again by the learner's browser, on
            the same cores as the training (Binder: two). In JupyterLab in Chromium, lab 08 ran all its cells
            in 131 s at 1 a second against 177 s at 4, the browser taking 46 s of CPU against 80
            (docs/BENCHMARKS.md, "The live dashboard's redraw rate").
        max_points: per curve; older batch points are thinned beyond it.
        setup: a TrainingSetup (training_setup()) whose describe() line the status shows, or None.
        text: None (plain lines only outside a notebook), True (always print them), or False (never).
        print_every: seconds between plain progress lines within an epoch.
        clock: seconds as a float (tests inject their own).

    Raises:
        TypeError, ValueError: an argument of the wrong kind or out of range (the message names it).
    """

    def __init__(self, title="training", redraws_per_second=1, max_points=DEFAULT_MAX_POINTS, setup=None,
                 text=None, print_every=10.0, clock=time.perf_counter):
        self.title = str(title)
        self.min_interval = 1.0 / arguments.real_number("redraws_per_second", redraws_per_second, minimum=0.0,
                                                        open_minimum=True, maximum=60)
        max_points = arguments.whole_number("max_points", max_points, minimum=10)
        self.print_every = arguments.real_number("print_every", print_every, minimum=0.0)
        self.setup = setup
        self._gpu = setup.device.startswith("gpu") if setup is not None else gpu_available()
        self.text = in_notebook() is False if text is None else arguments.boolean("text", text)
        self.history = TrainingHistory(max_points=max_points, clock=clock)
        self.redraws = 0
        self._clock, self._last_draw, self._last_print = clock, None, None
        self._first_step_pending = False
        self._next_name, self._next_batch_size, self._next_after, self._traces = None, None, None, {}

        self.figure = go.FigureWidget(layout=go.Layout(
            height=340,
            autosize=True,
            margin={"l": 60, "r": 20, "t": 40, "b": 45},
            xaxis={"domain": [0, 0.46], "title": {"text": "epoch"}},
            xaxis2={"domain": [0.54, 1], "title": {"text": "epoch"}, "anchor": "y2"},
            yaxis={"title": {"text": "loss"}, "type": "log"},  # a diverging run would flatten the others
            yaxis2={"title": {"text": "accuracy"}, "anchor": "x2", "range": [0, 1]},
            legend={"orientation": "h", "x": 0, "y": -0.22},
            template="plotly_white",
        ))
        self.header = widgets.HTML(self._header_html())
        self.progress = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, layout={"width": "100%"})
        self.status = widgets.HTML(self._status_html())
        # The chart's accessible name, summary and per-epoch table (updated at each epoch's end, not per batch).
        self.caption = PlotCaption(scope="resnet-live-dashboard", name=f"{self.title}: loss and accuracy per epoch",
                                   summary=dashboard_summary(self.history))
        self.progress.description = "progress"  # the bar's accessible name
        widgets.VBox.__init__(self, [self.header, self.progress, self.figure, self.caption, self.status])
        keras.callbacks.Callback.__init__(self)
        self.add_class("resnet-live-dashboard")

    # --- naming runs -----------------------------------------------------------------------------------

    def run(self, name, batch_size=None, after=None):
        """Name the run of the fits that follow (a known name continues that run); returns the dashboard itself.

        The name holds until the next call: a loop that calls fit once per epoch draws one curve, not one
        per fit. A fit before any call is its own run, "run N".

        Args:
            name: the run's name in the legend ("frozen", "fine-tuned", ...).
            batch_size: images per batch, for images/s (without it the status shows batches/s).
            after: the name of an earlier run this one continues on the epoch axis (fine-tuning drawn after
                the feature extraction it starts from), or None to start at epoch 0.

        Raises:
            TypeError: a name that is not a non-empty string.
            ValueError: `after` names no earlier run (the message lists them).
        """
        if not isinstance(name, str) or not name.strip():
            raise TypeError(f"name must be a non-empty string (the run's name in the legend); received {name!r}")
        if after is not None:
            arguments.choice("after", after, tuple(self.history.runs), "an earlier run of this dashboard")
        self._next_after = after
        self._next_name = name.strip()
        self._next_batch_size = None if batch_size is None else arguments.positive_int("batch_size", batch_size)
        return self

    # --- Keras callback --------------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        params = self.params or {}
        name = self._next_name or f"run {len(self.history.runs) + 1}"
        initial_epoch = keras_internals.initial_epoch(self.model) if self.model is not None else 0
        setup = self.setup.describe() if self.setup is not None else self._precision_in_effect()
        self.history.start_run(name, epochs=params.get("epochs", 1), steps=params.get("steps"),
                               batch_size=self._next_batch_size, setup=setup, initial_epoch=initial_epoch,
                               after=self._next_after)
        self._next_after = None  # the name stays: the next fit, without a new run(), continues this run
        self._ensure_traces()
        self._draw(force=True)
        self._first_step_pending = True  # the status says "preparing the first step" until it is done

    def on_epoch_begin(self, epoch, logs=None):
        self.history.epoch_begin(epoch)

    def on_train_batch_end(self, batch, logs=None):
        now = self._clock()
        # The first batch of a fit is drawn at once, whatever the rate: the status stops saying "preparing".
        due = self._first_step_pending or self._last_draw is None or now - self._last_draw >= self.min_interval
        self._first_step_pending = False
        learning_rate = self._learning_rate() if due else None
        self.history.record_batch(batch, _floats(logs), learning_rate)
        if due:
            self._draw()
        if self.text and self.print_every and (self._last_print is None or now - self._last_print >= self.print_every):
            self._last_print = now
            print(" · ".join(progress_parts(self.history)), flush=True)

    def on_epoch_end(self, epoch, logs=None):
        self.history.record_epoch(epoch, _floats(logs))
        self._draw(force=True)
        if self.text:
            self._last_print = self._clock()
            print(epoch_line(self.history), flush=True)

    def on_train_end(self, logs=None):
        self.history.end_run()
        self._draw(force=True)
        self.refresh_static()

    # --- views ------------------------------------------------------------------------------------------

    def _ensure_traces(self):
        """One plotly trace per (run, panel, kind); a new run gets its traces before any batch_update."""
        run = self.history.current
        if run is None or (run.name, PANELS[0], KINDS[0]) in self._traces:
            return
        color, symbol = run_style(list(self.history.runs).index(run.name))
        new = []
        for panel in PANELS:
            for kind in KINDS:
                self._traces[(run.name, panel, kind)] = len(self.figure.data) + len(new)
                axis = "" if panel == PANELS[0] else "2"
                name = f"{run.name} · {'train' if kind == 'train' else 'validation'}"
                new.append(go.Scatter(
                    name=name, x=[], y=[], xaxis=f"x{axis}", yaxis=f"y{axis}",
                    mode="lines+markers",  # the run's marker shape, a few times along a training curve
                    line={"color": color, "dash": "solid" if kind == "train" else "dot", "width": 1.6},
                    marker={"size": 7, "symbol": symbol, "maxdisplayed": 0 if kind == "validation" else 12},
                    legendgroup=run.name, showlegend=panel == PANELS[0],
                    hovertemplate="epoch %{x:.2f}: %{y:.4g}<extra>" + html.escape(name) + "</extra>",
                ))
        self.figure.add_traces(new)

    def _draw(self, force=False):
        """Redraw the chart, progress and status; `force` (a fit's start, an epoch's end) the caption too.

        The rate is kept by the one caller that draws unforced, on_train_batch_end, which decides when a draw is due.
        """
        self._last_draw = self._clock()
        self.redraws += 1
        current = self.history.current.name if self.history.current else None
        specs = trace_specs(self.history, only=current)
        self._ensure_traces()
        with self.figure.batch_update():
            for spec in specs:
                trace = self.figure.data[self._traces[(spec["run"], spec["panel"], spec["kind"])]]
                trace.x, trace.y = spec["x"], spec["y"]
        fraction, _ = self.history.progress()
        self.progress.value = float(fraction)
        self.status.value = self._status_html()
        if force:
            self.caption.show(dashboard_summary(self.history), epoch_table(self.history))

    def _header_html(self):
        return f"<b class='resnet-dashboard-title'>{html.escape(self.title)}</b>"

    def _status_html(self):
        parts = progress_parts(self.history, accelerator_memory(self._gpu))
        return f"<span class='resnet-dashboard-status'>{html.escape(' · '.join(parts))}</span>"

    def _learning_rate(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            return None
        try:
            return float(np.asarray(keras.ops.convert_to_numpy(optimizer.learning_rate)))
        except Exception:  # a schedule the backend cannot evaluate here: leave the figure out
            return None

    @staticmethod
    def _precision_in_effect():
        policy = keras.mixed_precision.global_policy().name
        return f"{policy} · {keras.backend.backend()}"

    # --- static picture (StaticPicture) ------------------------------------------------------------------

    def static_png(self):
        if not self.history.runs:
            return None
        return figure_png(static_figure(self.history, self.title))

    def static_text(self):
        runs = ", ".join(f"{run.name} ({run.own_epochs} epoch{'' if run.own_epochs == 1 else 's'})"
                         for run in self.history.runs.values())
        return f"LiveDashboard({self.title!r}: {runs or 'no runs yet'})"

    def state_bytes(self):
        """Bytes of JSON the dashboard's figure and widgets hold (what a saved widget state would carry,
        apart from plotly's own JavaScript library)."""
        import json

        import plotly.io

        figure = len(plotly.io.to_json(self.figure))
        others = sum(len(json.dumps(w.get_state(), default=str)) for w in (self.header, self.progress, self.status))
        return figure + others


def _floats(logs):
    out = {}
    for name, value in (logs or {}).items():
        try:
            out[name] = float(np.asarray(value))
        except (TypeError, ValueError):
            continue
    return out
