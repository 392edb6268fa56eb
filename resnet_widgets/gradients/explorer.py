"""GradientExplorer: turn the knobs of a plain/residual pair and watch the gradient norms change.

The widget only displays and syncs: compare() and track() compute, figure_data() says what to draw.
Control changes are debounced, so dragging the depth slider asks for one recomputation, not dozens.
"""

import html
import threading
import time

import ipywidgets as widgets
import plotly.graph_objects as go

from .batches import resolve_batch
from .compare import compare, describe_ratio
from .debounce import Debouncer
from .figure_data import figure_data
from .options import ACTIVATIONS, INIT_LABELS, INITS, KINDS, check_choice, check_positive_int, check_settings
from .track import Tracking, track

MODES = ("at init", "during training")
MIN_DEPTH, MAX_DEPTH = 2, 100
WIDTHS = (4, 8, 16, 32, 64)


class GradientExplorer(widgets.VBox):
    """Per-layer gradient norms of a plain and a residual stack, with controls.

    Controls: depth (2 to 100), width, batch norm, init scheme, activation, and "at init" (one batch at
    initialisation, compare()) or "during training" (a short run, track(), with a slider over the
    recorded steps). The plot is a plotly FigureWidget on a log axis; the legend gives each stack's
    first-layer / last-layer ratio; the status line says when a recomputation runs and what it found.

    Args:
        depth, width, batch_norm, init, activation, seed, data, batch_size: the starting knobs, as for
            compare() (depth between 2 and 100 here).
        mode: "at init" or "during training".
        steps, every, learning_rate: the training run of "during training" (see track()).
        wait: seconds of quiet after the last control change before recomputing.
        scheduler: injectable clock for the debouncer (see debounce.py); None uses the kernel's loop.

    Attributes:
        controls: {"depth", "width", "batch_norm", "init", "activation", "mode"} -> ipywidgets control.
        figure: the plotly FigureWidget; status: the status line (ipywidgets.HTML).
        result: the last Comparison or Tracking; recomputations: how many have finished;
        error: the last exception a recomputation raised (shown in the status line), else None.

    Raises:
        ValueError, TypeError: bad starting knobs, data, batch_size, steps or every (the message names the
            argument and the allowed values).
    """

    def __init__(
        self,
        depth=20,
        width=16,
        batch_norm=True,
        init="he_normal",
        activation="relu",
        mode="at init",
        seed=0,
        data=None,
        batch_size=32,
        steps=20,
        every=5,
        learning_rate=0.01,
        wait=0.3,
        scheduler=None,
    ):
        settings = check_settings(depth, width, batch_norm, init, activation, seed)
        if not MIN_DEPTH <= settings.depth <= MAX_DEPTH:
            raise ValueError(f"depth must be between {MIN_DEPTH} and {MAX_DEPTH} in the explorer; received {depth!r}")
        check_choice("mode", mode, MODES)
        batch_size = check_positive_int("batch_size", batch_size, "images per batch")
        steps = check_positive_int("steps", steps, "training steps")
        every = check_positive_int("every", every, "steps between recordings")
        resolve_batch(data, batch_size, settings.seed)  # refuse bad data now, not at the first redraw
        self.seed, self.data, self.batch_size = settings.seed, data, batch_size
        self.steps, self.every, self.learning_rate = steps, every, learning_rate
        self.result, self.error, self.recomputations = None, None, 0
        self._busy, self._again, self._lock = False, False, threading.Lock()

        style = {"description_width": "initial"}
        self.controls = {
            # continuous_update: the slider reports every value while dragged; the debouncer absorbs them.
            "depth": widgets.IntSlider(
                value=settings.depth, min=MIN_DEPTH, max=MAX_DEPTH, description="depth", continuous_update=True
            ),
            "width": widgets.Dropdown(
                options=sorted({*WIDTHS, settings.width}), value=settings.width, description="width",
                style=style, layout={"width": "140px"},
            ),
            "batch_norm": widgets.Checkbox(value=settings.batch_norm, description="batch norm", indent=False),
            "init": widgets.Dropdown(
                options=[(INIT_LABELS[i], i) for i in INITS], value=settings.init, description="init",
                style=style, layout={"width": "230px"},
            ),
            "activation": widgets.Dropdown(
                options=ACTIVATIONS, value=settings.activation, description="activation",
                style=style, layout={"width": "170px"},
            ),
            "mode": widgets.ToggleButtons(options=MODES, value=mode, style={"button_width": "120px"}),
        }
        self.step_slider = widgets.SelectionSlider(
            options=[0], value=0, description="training step", style=style, layout={"display": "none"}
        )
        trace_style = {"mode": "lines+markers", "marker": {"size": 4}, "hovertemplate": "layer %{x}: %{y:.3g}"}
        self.figure = go.FigureWidget(
            data=[go.Scatter(name=kind, connectgaps=False, **trace_style) for kind in KINDS],
            layout=go.Layout(
                height=440,
                margin={"l": 70, "r": 20, "t": 80, "b": 50},
                xaxis={"title": {"text": "conv layer (1 = input side)"}},
                yaxis={"title": {"text": "‖∂loss/∂kernel‖"}, "type": "log", "exponentformat": "power"},
                # Above the plot: inside it, the legend would cover the plain curve's input end.
                legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
            ),
        )
        self.status = widgets.HTML()
        self._debouncer = Debouncer(self._recompute_safely, wait=wait, scheduler=scheduler)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.step_slider.observe(lambda _: self._draw(), names="value")

        super().__init__(
            [
                widgets.HBox([self.controls["depth"], self.controls["width"], self.controls["batch_norm"]]),
                widgets.HBox([self.controls["init"], self.controls["activation"], self.controls["mode"]]),
                self.figure,
                self.step_slider,
                self.status,
            ]
        )
        self.add_class("resnet-gradient-explorer")
        self._recompute_safely()  # the first picture now, so the widget never shows an empty plot

    @property
    def knobs(self):
        """The current control values as compare()'s keyword arguments (plus "mode")."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, _change):
        self._set_status("changed; recomputing when the controls rest…")
        self._debouncer()

    def recompute_now(self):
        """Drop any pending debounced call and recompute at once (synchronously)."""
        self._debouncer.cancel()
        self._recompute_safely()

    def _recompute_safely(self):
        # Only one recomputation at a time; a request that arrives meanwhile runs once afterwards with the
        # controls as they are then (timer threads could otherwise overlap).
        with self._lock:
            if self._busy:
                self._again = True
                return
            self._busy = True
        try:
            while True:
                self._recompute()
                with self._lock:
                    if not self._again:
                        self._busy = False
                        return
                    self._again = False
        except BaseException:
            with self._lock:
                self._busy = False
            raise

    def _recompute(self):
        knobs = self.knobs
        mode = knobs.pop("mode")
        common = {**knobs, "seed": self.seed, "data": self.data, "batch_size": self.batch_size}
        self._set_status(f"<b>computing…</b> depth {knobs['depth']}, {mode}")
        start = time.perf_counter()
        try:
            if mode == "at init":
                result = compare(**common)
            else:
                total = 2 * (self.steps + 1)

                def progress(kind, step, steps):
                    done = step + 1 + (0 if kind == "plain" else steps + 1)
                    self._set_status(f"<b>training…</b> {kind} step {step}/{steps} ({done}/{total})")

                result = track(
                    **common, steps=self.steps, every=self.every, learning_rate=self.learning_rate, on_step=progress
                )
        except Exception as error:  # shown to the learner; the kernel and the widget stay usable
            self.error = error
            self._set_status(f"<b>error:</b> {html.escape(str(error))}")
            return
        self.error, self.result = None, result
        self.recomputations += 1
        self._sync_step_slider()
        self._draw()
        self._report(time.perf_counter() - start)

    def _sync_step_slider(self):
        if isinstance(self.result, Tracking):
            steps = [int(s) for s in self.result.steps]
            self.step_slider.options = steps  # resets the value to the first step
            self.step_slider.value = steps[-1]
            self.step_slider.layout.display = None
        else:
            self.step_slider.layout.display = "none"

    def shown(self):
        """The Comparison on screen: the result at init, or the selected training step."""
        if isinstance(self.result, Tracking):
            steps = list(self.result.steps)
            value = self.step_slider.value
            return self.result.at(steps.index(value) if value in steps else len(steps) - 1)
        return self.result

    def _draw(self):
        shown = self.shown()
        if shown is None:
            return
        data = figure_data(shown)
        with self.figure.batch_update():
            for trace, kind in zip(self.figure.data, KINDS):
                spec = data["traces"][kind]
                trace.x, trace.y, trace.name = data["x"], spec["y"], spec["name"]
                trace.line.color = trace.marker.color = spec["color"]
            self.figure.layout.title = {"text": data["title"], "font": {"size": 13}, "y": 0.97}
            self.figure.layout.xaxis.range = [0.5, len(data["x"]) + 0.5]

    def _report(self, seconds):
        shown = self.shown()
        spreads = shown.spreads
        parts = [
            f"done in {seconds:.1f} s",
            f"spread (largest/smallest) plain {describe_ratio(spreads['plain'])}",
            f"residual {describe_ratio(spreads['residual'])}",
        ]
        if isinstance(self.result, Tracking):
            diverged = [f"{k} diverged at step {s}" for k, s in self.result.diverged_at.items() if s is not None]
            parts += diverged
        notes = figure_data(shown)["notes"]
        lines = " · ".join(html.escape(p) for p in parts)
        self._set_status(lines + "".join(f"<br><small>{html.escape(n)}</small>" for n in notes))

    def _set_status(self, text):
        self.status.value = f"<span class='resnet-gradient-status'>{text}</span>"

    def close(self):
        debouncer = getattr(self, "_debouncer", None)  # absent when __init__ refused its arguments
        if debouncer is not None:
            debouncer.cancel()
        super().close()
