"""The degradation experiment's result: errors per epoch and per seed, the claims they back, a plot, a record.

He et al. 2015, Fig. 6: the deeper *plain* net ends with a higher training error than the shallower one (left),
while the deeper *residual* net ends lower (middle). Each half is a claim about the seeds' mean, and it holds
here only when every seed agrees and the gap between the means is wider than the spread between seeds: a
difference the seed alone could make is not an effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import arguments
from .options import KINDS
from .seeded_runs import SeedRuns

# What an error is measured on: the last epoch's running training error (training mode, as He et al.'s thin
# curves), the training images after training in inference mode, or the validation images.
MEASURES = {
    "train": "training error (running, last epoch)",
    "train_final": "training error (inference mode, after training)",
    "val": "validation error",
}
RECORD_VERSION = 1
# The shallow and the deep net's colour (a pair that stays apart under the common colour-vision deficiencies,
# tests/accessibility) and marker: depth is never told by colour alone. Training dashed, validation solid.
DEPTH_COLORS = ("#e66100", "#5d3a9b")
DEPTH_MARKERS = ("o", "s")


@dataclass(frozen=True)
class DepthClaim:
    """What depth did to one kind of net: the deep net's final error minus the shallow one's, per seed.

    `holds_worse` / `holds_better`: every seed has the sign, and the gap of the means is wider than the spread
    (max - min over seeds) of either depth.
    """

    kind: str
    measure: str
    shallow: int
    deep: int
    shallow_errors: np.ndarray
    deep_errors: np.ndarray

    @property
    def gaps(self):
        return self.deep_errors - self.shallow_errors

    @property
    def mean_gap(self):
        return float(np.mean(self.gaps))

    @property
    def spread(self):
        """The wider of the two depths' spreads between seeds (max - min)."""
        return float(max(np.ptp(self.shallow_errors), np.ptp(self.deep_errors)))

    @property
    def holds_worse(self):
        return bool(np.all(self.gaps > 0) and self.mean_gap > self.spread)

    @property
    def holds_better(self):
        return bool(np.all(self.gaps < 0) and -self.mean_gap > self.spread)

    def sentence(self):
        """E.g. 'plain: 20 layers ended 7.1 points above 8 layers (21.3% vs 14.2%, mean of 3 seeds; ...)'."""
        direction = "above" if self.mean_gap > 0 else "below"
        seeds = len(self.gaps)
        per_seed = ", ".join(f"{100 * g:+.1f}" for g in self.gaps)
        return (f"{self.kind}: {self.deep} layers ended {100 * abs(self.mean_gap):.1f} points {direction} "
                f"{self.shallow} layers in {MEASURES[self.measure]} ({np.mean(self.deep_errors):.1%} vs "
                f"{np.mean(self.shallow_errors):.1%}, mean of {seeds} seeds; per seed {per_seed} points; "
                f"spread between seeds up to {100 * self.spread:.1f} points)")


@dataclass
class Degradation:
    """Plain and residual nets at two depths, each trained from several seeds.

    Attributes:
        depths: (shallow, deep).
        runs: {(kind, depth): SeedRuns}.
        settings: every choice made (mode, data, sizes, schedule, seeds, backend, ...).
    """

    depths: tuple
    runs: dict
    settings: dict = field(default_factory=dict)

    @property
    def seeds(self):
        return next(iter(self.runs.values())).seeds

    def errors(self, which="train"):
        """{(kind, depth): final error per seed} for which in MEASURES."""
        which = arguments.choice("which", which, tuple(MEASURES))
        pick = {"train": lambda r: r.train_error[:, -1], "val": lambda r: r.val_error[:, -1],
                "train_final": lambda r: r.final_train_error}[which]
        return {key: np.asarray(pick(runs), dtype=float) for key, runs in self.runs.items()}

    def mean(self, which="train"):
        """{(kind, depth): mean over seeds of the final error}."""
        return {key: float(np.mean(values)) for key, values in self.errors(which).items()}

    def claim(self, kind, which="train"):
        """The DepthClaim of `kind` ("plain" or "residual") on measure `which`."""
        kind = arguments.choice("kind", kind, KINDS)
        errors = self.errors(which)
        shallow, deep = self.depths
        return DepthClaim(kind, which, shallow, deep, errors[(kind, shallow)], errors[(kind, deep)])

    def plain_degrades(self, which="train"):
        """Fig. 6, left: the deeper plain net ends with a higher error, beyond the seeds' spread."""
        return self.claim("plain", which).holds_worse

    def residual_improves(self, which="train"):
        """Fig. 6, middle: the deeper residual net ends with a lower error, beyond the seeds' spread."""
        return self.claim("residual", which).holds_better

    def shows_the_papers_effect(self, which="train"):
        """Both halves of Fig. 6 on measure `which`."""
        return self.plain_degrades(which) and self.residual_improves(which)

    def residual_gain(self, which="train"):
        """{depth: mean plain error - mean residual error}: how far the shortcuts put the residual net ahead."""
        mean = self.mean(which)
        return {depth: mean[("plain", depth)] - mean[("residual", depth)] for depth in self.depths}

    @property
    def steps(self):
        """Training steps each run took: epochs x batches per epoch."""
        s = self.settings
        return s["epochs"] * -(-s["train_size"] // s["batch_size"])

    def table(self):
        """One line per network: mean final errors over the seeds, with their range."""
        lines = [f"{'network':<12}{'training error':>26}{'training error, inference':>30}{'validation error':>26}"]
        for kind in KINDS:
            for depth in self.depths:
                cells = []
                for which in ("train", "train_final", "val"):
                    values = self.errors(which)[(kind, depth)]
                    cells.append(f"{np.mean(values):6.1%} ({np.min(values):.1%}-{np.max(values):.1%})")
                lines.append(f"{kind + '-' + str(depth):<12}{cells[0]:>26}{cells[1]:>30}{cells[2]:>26}")
        return "\n".join(lines)

    def summary(self, which="train"):
        """What was measured, in words and numbers; no claim that the numbers do not back."""
        s = self.settings
        lines = [
            f"{s['mode']} mode: the paper's CIFAR nets (basic blocks, option A shortcuts), {s['train_size']:,} training / "
            f"{s['val_size']:,} validation images of {s['data']} at {s['image_size']}x{s['image_size']}, "
            f"{s['epochs']} epochs of batch {s['batch_size']} ({self.steps:,} steps), width {s['width']}, "
            f"{s['optimizer']}, seeds {', '.join(map(str, self.seeds))}",
            "final errors, mean over the seeds (lowest-highest):",
            self.table(),
        ]
        for kind in KINDS:
            lines.append(self.claim(kind, which).sentence())
        gain = self.residual_gain(which)
        lines.append("shortcuts: the residual net ended " + ", ".join(
            f"at {d} layers {_points(gain[d])}" for d in self.depths) + f" its plain twin in {MEASURES[which]}")
        return "\n".join(lines)

    def __repr__(self):
        return f"Degradation(\n{self.summary()}\n)"

    def plot(self, axes=None, label="", yscale="linear"):
        """Like He et al.'s Fig. 6: plain (left), residual (right); dashed training, solid validation error.

        Lines are the mean over the seeds, shaded bands the range between them. `label` (e.g. "recorded")
        goes into the titles. `yscale` "log" spreads out errors of a percent and below, where a long run ends
        (the ticks stay plain percentages). Returns the two matplotlib Axes.
        """
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FormatStrFormatter

        from .plotting import integer_ticks

        yscale = arguments.choice("yscale", yscale, ("linear", "log"), meaning="the error axis")
        if axes is None:
            _, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True, layout="constrained")
        colors, markers = dict(zip(self.depths, DEPTH_COLORS)), dict(zip(self.depths, DEPTH_MARKERS))
        for ax, kind in zip(axes, KINDS):
            for depth in self.depths:
                runs = self.runs[(kind, depth)]
                epochs = np.arange(1, runs.train_error.shape[1] + 1)
                for errors, style, width, what in ((runs.train_error, "--", 1.2, "training"),
                                                   (runs.val_error, "-", 2.0, "validation")):
                    ax.plot(epochs, 100 * errors.mean(axis=0), style, color=colors[depth], linewidth=width,
                            marker=markers[depth], markersize=4, label=f"{kind}-{depth} {what}")
                    if len(errors) > 1:
                        ax.fill_between(epochs, 100 * errors.min(axis=0), 100 * errors.max(axis=0),
                                        color=colors[depth], alpha=0.15, linewidth=0)
            title = f"{kind} nets ({self.settings['mode']} mode, {len(self.seeds)} seeds)"
            ax.set_title(f"{label}: {title}" if label else title, fontsize=10)
            integer_ticks(ax)
            ax.set_xlabel("epoch")
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize=8)
        axes[0].set_ylabel("error (%)")
        if yscale == "log":
            for ax in axes:
                ax.set_yscale("log")
                ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        return axes

    # -- a record on disk -----------------------------------------------------------------------------------

    def to_record(self, provenance=None):
        """The result as JSON-ready data; `provenance` (script, command, commit, machine, date...) is kept beside."""
        return {
            "version": RECORD_VERSION,
            "depths": list(self.depths),
            "settings": _plain(self.settings),
            "provenance": _plain(provenance or {}),
            "runs": {
                f"{kind}-{depth}": {
                    "seeds": list(runs.seeds),
                    "train_error": runs.train_error.round(6).tolist(),
                    "val_error": runs.val_error.round(6).tolist(),
                    "final_train_error": runs.final_train_error.round(6).tolist(),
                    "first_losses": runs.first_losses.round(6).tolist(),
                    "seconds": runs.seconds.round(2).tolist(),
                }
                for (kind, depth), runs in self.runs.items()
            },
        }

    @classmethod
    def from_record(cls, record):
        """The Degradation a record holds (see to_record). Raises ValueError for another record version."""
        if record.get("version") != RECORD_VERSION:
            raise ValueError(f"record must be version {RECORD_VERSION}; received version {record.get('version')!r}")
        runs = {}
        for key, run in record["runs"].items():
            kind, depth = key.rsplit("-", 1)
            runs[(kind, int(depth))] = SeedRuns(
                seeds=tuple(run["seeds"]),
                train_error=np.array(run["train_error"]),
                val_error=np.array(run["val_error"]),
                final_train_error=np.array(run["final_train_error"]),
                first_losses=np.array(run["first_losses"]),
                seconds=np.array(run["seconds"]),
            )
        settings = dict(record["settings"])
        settings["depths"] = tuple(settings["depths"])
        return cls(tuple(record["depths"]), runs, settings)


def _plain(value):
    """Settings as JSON can hold them: tuples as lists, numpy numbers as Python numbers."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _points(difference):
    """'5.0 points below' for a residual net 0.05 ahead of its twin; 'level with' within 0.05 points."""
    if abs(difference) < 0.0005:
        return "level with"
    return f"{100 * abs(difference):.1f} points {'below' if difference > 0 else 'above'}"
