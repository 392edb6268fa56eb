"""GradientExplorer: turn the knobs of a plain/residual pair and watch the gradient norms change.

The widget only displays and syncs: compare() and track() compute, figure_data() says what to draw.
Control changes are debounced, so dragging the depth slider asks for one recomputation, not dozens.
Where no widget renders (GitHub, nbviewer, an untrusted notebook) it leaves a static picture of its first
plot and one stable line of text (resnet_widgets.display.StaticPicture).
"""

import html
import threading
import time

import ipywidgets as widgets
import plotly.graph_objects as go

from .. import arguments, gradient_dispatch
from ..display import StaticPicture, figure_png
from ..plot_caption import PlotCaption
from .batches import resolve_batch
from .compare import compare, describe_ratio
from .debounce import Debouncer
from .figure_data import figure_data, figure_table
from .networks import matched_pair
from .options import ACTIVATIONS, INIT_LABELS, INITS, KINDS, NETWORK_LABELS, NETWORKS
from .settings import NetworkSettings
from .track import Tracking, check_learning_rate, track

MODES = ("at init", "during training")
# (min, max, step) of the depth slider for each network: the CIFAR nets have 6n + 2 layers, from n = 1 to the
# paper's 110 (n = 18); the one-conv stack any number of convs.
DEPTHS = {"cifar": (8, 110, 6), "one_conv": (2, 100, 1)}
WIDTHS = (4, 8, 16, 32, 64)


def nearest_depth(network, depth):
    """The depth of `network` closest to `depth` (ties go to the shallower one), within the slider's range."""
    low, high, step = DEPTHS[network]
    clipped = min(max(int(depth), low), high)
    return low + round((clipped - low) / step - 1e-9) * step


class GradientExplorer(StaticPicture, widgets.VBox):
    """Per-layer gradient norms of a plain and a residual network, with controls.

    Controls: the network (He et al.'s CIFAR-10 nets, the default, or the simpler one-conv stack), depth (8 to
    110 in steps of 6 for the CIFAR nets, 2 to 100 for the one-conv stack), width, batch norm, init scheme,
    activation, and "at init" (one batch at initialisation, compare()) or "during training" (a short run,
    track(), with a slider over the recorded steps). The plot is a plotly FigureWidget on a log axis; the
    legend gives each network's first-layer / last-layer ratio; the status line says when a recomputation
    runs and what it found. Given `draw_network`, a "show the network" toggle draws the residual network being
    measured (its plain twin is the same without the skips).

    Args:
        depth, width, batch_norm, init, activation, seed, network: the starting knobs, the fields of a
            NetworkSettings (depth within the slider's range here); each recomputation makes a NetworkSettings
            from the controls and passes it to compare() or track().
        data, batch_size: as for compare().
        mode: "at init" or "during training".
        steps, every, learning_rate: the training run of "during training" (see track()).
        wait: seconds of quiet after the last control change before recomputing.
        scheduler: injectable clock for the debouncer (see debounce.py); None uses the kernel's loop.
        draw_network: a function model -> widget that draws a Keras model, such as
            resnet_widgets.diagram.ArchitectureDiagram; given, the "show the network" toggle draws the residual
            network measured below the plot. None leaves the toggle out: drawing models is the diagram
            package's job, and the gradients package does not import it (feature packages depend downward).

    Attributes:
        controls: {"network", "depth", "width", "batch_norm", "init", "activation", "mode"} -> ipywidgets control.
        figure: the plotly FigureWidget; status: the status line (ipywidgets.HTML).
        caption: the plot's summary in words and its data table (PlotCaption), which also names the plot.
        show_network: the toggle that shows the measured network below the plot (in `network_view`); None
            without `draw_network`.
        result: the last Comparison or Tracking; recomputations: how many have finished;
        error: the last exception a recomputation raised (shown in the status line), else None.

    Raises:
        ValueError, TypeError: bad starting knobs, data, batch_size, steps, every or learning_rate (the message
            names the argument and the allowed values).
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
        network="cifar",
        draw_network=None,
    ):
        if draw_network is not None and not callable(draw_network):
            raise TypeError(
                "draw_network must be None or a function model -> widget, such as "
                f"resnet_widgets.diagram.ArchitectureDiagram; received {type(draw_network).__name__}"
            )
        settings = NetworkSettings(depth, width, batch_norm, init, activation, seed, network)
        low, high, _ = DEPTHS[settings.network]
        if not low <= settings.depth <= high:
            raise ValueError(
                f"depth must be between {low} and {high} in the explorer for network={settings.network!r}; "
                f"received depth={depth!r}"
            )
        arguments.choice("mode", mode, MODES)
        batch_size = arguments.positive_int("batch_size", batch_size, "images per batch")
        steps = arguments.positive_int("steps", steps, "training steps")
        every = arguments.positive_int("every", every, "steps between recordings")
        learning_rate = check_learning_rate(learning_rate)
        x, _, _ = resolve_batch(data, batch_size, settings.seed)  # refuse bad data now, not at the first redraw
        self._input_shape = x.shape[1:]
        self.seed, self.data, self.batch_size = settings.seed, data, batch_size
        self.steps, self.every, self.learning_rate = steps, every, learning_rate
        self.result, self.error, self.recomputations = None, None, 0
        self._busy, self._again, self._lock = False, False, threading.Lock()

        style = {"description_width": "initial"}
        self.controls = {
            "network": widgets.Dropdown(
                options=[(NETWORK_LABELS[n], n) for n in NETWORKS], value=settings.network, description="network",
                style=style, layout={"width": "400px"},
            ),
            # continuous_update: the slider reports every value while dragged; the debouncer absorbs them.
            "depth": widgets.IntSlider(
                value=settings.depth, min=low, max=high, step=DEPTHS[settings.network][2], description="depth",
                continuous_update=True,
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
        trace_style = {"mode": "lines+markers", "marker": {"size": 6}, "hovertemplate": "layer %{x}: %{y:.3g}"}
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
        # The plot's accessible name, its summary in words and its numbers as a table (WCAG 1.1.1).
        self.caption = PlotCaption(scope="resnet-gradient-explorer",
                                   name="Gradient norm per conv layer, plain against residual network")
        self.status = widgets.HTML()
        self._draw_model, self.show_network = draw_network, None
        if draw_network is not None:
            self.show_network = widgets.ToggleButton(
                value=False, description="show the network", icon="sitemap", layout={"width": "180px"}
            )
        self.network_view, self._network_shown = widgets.Output(), False
        self._debouncer = Debouncer(self._recompute_safely, wait=wait, scheduler=scheduler)
        self.controls["network"].observe(self._on_network, names="value")
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.step_slider.observe(lambda _: self._draw(), names="value")
        if self.show_network is not None:
            self.show_network.observe(lambda _: self._draw_network(), names="value")

        super().__init__(
            [
                widgets.HBox([self.controls["network"], *([self.show_network] if self.show_network is not None else [])]),
                widgets.HBox([self.controls["depth"], self.controls["width"], self.controls["batch_norm"]]),
                widgets.HBox([self.controls["init"], self.controls["activation"], self.controls["mode"]]),
                self.figure,
                self.caption,
                self.step_slider,
                self.status,
                self.network_view,
            ]
        )
        self.add_class("resnet-gradient-explorer")
        self._recompute_safely()  # the first picture now, so the widget never shows an empty plot

    @property
    def knobs(self):
        """The current control values: NetworkSettings' keyword arguments but the seed, plus "mode"."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, _change):
        self._set_status("changed; recomputing when the controls rest…")
        self._debouncer()

    def _on_network(self, change):
        # Each network has its own depths: move the slider's range and snap its value to the nearest depth.
        low, high, step = DEPTHS[change["new"]]
        slider = self.controls["depth"]
        value = nearest_depth(change["new"], slider.value)
        with slider.hold_trait_notifications():
            slider.min, slider.max = min(low, slider.min), max(high, slider.max)  # never clamp on the way
            slider.step, slider.value = step, value
            slider.min, slider.max = low, high

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
        common = {"data": self.data, "batch_size": self.batch_size}
        self._set_status(f"<b>computing…</b> depth {knobs['depth']}, {mode}")
        start = time.perf_counter()
        try:
            settings = NetworkSettings(**knobs, seed=self.seed)
            if mode == "at init":
                # The third look at one network compiles its gradient step (gradient_dispatch.TRACE_AFTER): seconds
                # once, then each look at it is several times faster. Say so, rather than leave a long "computing".
                pair = matched_pair(settings, input_shape=self._input_shape)  # cached: costs nothing
                if any(gradient_dispatch.traces_next(model) for model in pair):
                    self._set_status(f"<b>computing…</b> depth {knobs['depth']}, {mode}; compiling this network's "
                                     "gradient step, once: later looks at it run faster")
                result = compare(settings, **common)
            else:
                total = 2 * (self.steps + 1)

                def progress(kind, step, steps):
                    done = step + 1 + (0 if kind == "plain" else steps + 1)
                    self._set_status(f"<b>training…</b> {kind} step {step}/{steps} ({done}/{total})")

                result = track(
                    settings, **common, steps=self.steps, every=self.every, learning_rate=self.learning_rate,
                    on_step=progress,
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
        self._draw_network()

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
                trace.line.dash, trace.marker.symbol = spec["dash"], spec["symbol"]
            self.figure.layout.title = {"text": data["title"], "font": {"size": 13}, "y": 0.97}
            self.figure.layout.xaxis.range = [0.5, len(data["x"]) + 0.5]
        self.caption.show(data["summary"], figure_table(data))

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

    def networks(self):
        """The (plain, residual) functional models the last recomputation measured, at initialisation.

        compare() keeps them, so asking costs nothing; draw one with resnet_widgets.diagram (model_graph,
        ArchitectureDiagram, to_svg), or pass `draw_network` for the toggle that does it below the plot.
        """
        if self.result is None:
            return None
        s = self.result.settings
        knobs = {k: s[k] for k in ("depth", "width", "batch_norm", "init", "activation", "seed", "network")}
        return matched_pair(NetworkSettings(**knobs), input_shape=self._input_shape)

    def _draw_network(self):
        if self.show_network is None:
            return
        if not self.show_network.value:
            if self._network_shown:  # an Output widget is touched only when it holds something
                self.network_view.clear_output()
                self._network_shown = False
            return
        pair = self.networks()
        if pair is None:
            return
        self.network_view.clear_output(wait=True)
        self._network_shown = True
        with self.network_view:
            print("the residual network measured (its plain twin is the same without the additions):")
            from IPython.display import display

            display(self._draw_model(pair[1]))

    # -- what stays where no widget renders (resnet_widgets.display.StaticPicture) -------------------------

    def static_png(self):
        shown = self.shown()
        if shown is None:
            return None
        import matplotlib.pyplot as plt

        figure, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
        shown.plot(ax=ax)
        return figure_png(figure, dpi=80)  # small enough to keep in a saved notebook

    def static_text(self):
        knobs = self.knobs
        return (
            f"GradientExplorer({NETWORK_LABELS[knobs['network']]}, depth {knobs['depth']}, width {knobs['width']}, "
            f"batch norm {'on' if knobs['batch_norm'] else 'off'}, {INIT_LABELS[knobs['init']]}, {knobs['activation']}, "
            f"{knobs['mode']}; a live kernel shows the controls)"
        )

    def close(self):
        debouncer = getattr(self, "_debouncer", None)  # absent when __init__ refused its arguments
        if debouncer is not None:
            debouncer.cancel()
        super().close()
