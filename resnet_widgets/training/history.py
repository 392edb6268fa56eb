"""What a training run was heard to do: the record the live dashboard draws, kept in bounded memory.

A Keras callback only listens (on_train_batch_end, on_epoch_end) and keeps what it heard here; the widget,
the static picture and the text lines are views of this record, and tests read it directly.

Per-batch points are decimated as a run grows: when a series holds `max_points`, every second point is
dropped and from then on only every second batch is kept (then every fourth, ...). A series never holds
more than `max_points` points however long the run, its spacing stays even, and its latest point is
always the last one heard.
"""

from __future__ import annotations

import collections
import math
import time
from dataclasses import dataclass, field

DEFAULT_MAX_POINTS = 300
RATE_WINDOW = 20  # batches over which images/s is measured


@dataclass
class Series:
    """(x, y) points, at most `max_points`, thinned evenly as they come (see the module docstring)."""

    max_points: int = DEFAULT_MAX_POINTS
    x: list = field(default_factory=list)
    y: list = field(default_factory=list)
    stride: int = 1
    heard: int = 0
    latest: tuple | None = None

    def add(self, x, y):
        self.latest = (float(x), float(y))
        self.heard += 1
        if (self.heard - 1) % self.stride:
            return
        self.x.append(float(x))
        self.y.append(float(y))
        if len(self.x) > self.max_points:
            self.x, self.y = self.x[::2], self.y[::2]
            self.stride *= 2

    def points(self):
        """(xs, ys) to draw: the kept points, plus the latest one heard when thinning skipped it."""
        xs, ys = list(self.x), list(self.y)
        if self.latest is not None and (not xs or xs[-1] != self.latest[0]):
            xs.append(self.latest[0])
            ys.append(self.latest[1])
        return xs, ys


@dataclass
class Run:
    """One call of fit (or several, continued under the same name)."""

    name: str
    max_points: int = DEFAULT_MAX_POINTS
    batch: dict = field(default_factory=dict)  # metric -> Series (training, per batch: Keras' running epoch mean)
    epoch: dict = field(default_factory=dict)  # "loss", "val_loss", ... -> Series (per epoch)
    epochs: int = 0  # epochs this fit will run up to (Keras' `epochs`)
    steps: int | None = None  # batches per epoch
    batch_size: int | None = None
    epoch_offset: int = 0
    start_offset: int = 0  # epochs of the run it continues after (`after=`), e.g. feature extraction
    current_epoch: int = 0
    current_batch: int = 0
    epochs_done: int = 0
    learning_rate: float | None = None
    setup: str = ""
    started: float | None = None
    finished: float | None = None
    steps_done: int = 0
    _times: collections.deque = field(default_factory=lambda: collections.deque(maxlen=RATE_WINDOW + 1))
    _placed: bool = True  # False from a fit's start until its first epoch settles epoch_offset

    def series(self, table, name):
        if name not in table:
            table[name] = Series(self.max_points)
        return table[name]

    @property
    def own_epochs(self):
        """Epochs this run trained itself (not counting the run it continues after)."""
        return self.epochs_done - self.start_offset

    @property
    def running(self):
        return self.started is not None and self.finished is None


class TrainingHistory:
    """Every run a dashboard heard, in order. Pure bookkeeping: no widget, no backend.

    Args:
        max_points: per series (see Series).
        clock: seconds as a float (time.perf_counter by default; tests inject their own).
    """

    def __init__(self, max_points=DEFAULT_MAX_POINTS, clock=time.perf_counter):
        self.max_points = max_points
        self.clock = clock
        self.runs: dict[str, Run] = {}
        self.current: Run | None = None

    # --- what the callback reports ---------------------------------------------------------------------

    def start_run(self, name, epochs, steps=None, batch_size=None, setup="", initial_epoch=0, after=None):
        """Begin (or continue, when `name` is known) a run of fit up to `epochs` epochs.

        Args:
            after: the name of a run this new one continues from on the epoch axis (fine-tuning after
                feature extraction starts where feature extraction ended), or None to start at epoch 0.
        """
        run = self.runs.get(name)
        if run is None:
            run = self.runs[name] = Run(name, max_points=self.max_points)
            if after is not None and after in self.runs and after != name:
                run.start_offset = run.epochs_done = self.runs[after].epochs_done
        run.epochs, run.steps, run.batch_size, run.setup = int(epochs), steps, batch_size, setup
        self._place_fit(run, initial_epoch)
        run._placed = False  # the fit's first epoch number (fit's initial_epoch) settles it: epoch_begin
        run.started, run.finished, run.steps_done = self.clock(), None, 0
        run.current_epoch, run.current_batch = initial_epoch, 0
        run._times.clear()
        self.current = run
        return run

    @staticmethod
    def _place_fit(run, initial_epoch):
        # A run continued by a second fit that starts at epoch 0 goes on after the epochs it already has; a
        # fit that starts later (fit's initial_epoch, as a loop of one fit per epoch passes it, or a restore
        # by BackupAndRestore) numbers its epochs from the run's start.
        continues = initial_epoch < run.epochs_done - run.start_offset
        run.epoch_offset = run.epochs_done if continues else run.start_offset

    def epoch_begin(self, epoch):
        run = self.current
        if not run._placed:  # fit's callbacks learn its initial_epoch only here, from the first epoch's number
            self._place_fit(run, epoch)
            run._placed = True
        run.current_epoch, run.current_batch = epoch, 0
        run._times.clear()  # images/s measures training steps, not the validation pass in between
        run._times.append(self.clock())

    def record_batch(self, batch, logs, learning_rate=None):
        """A finished training batch: Keras' running means for the epoch so far (loss, accuracy, ...)."""
        run = self.current
        run.current_batch = batch + 1
        run.steps_done += 1
        run._times.append(self.clock())
        if learning_rate is not None:
            run.learning_rate = float(learning_rate)
        x = self._epoch_x(run, run.current_epoch) + (batch + 1) / run.steps if run.steps else None
        for name, value in (logs or {}).items():
            if x is not None and _finite(value) and not name.startswith("val_"):
                run.series(run.batch, name).add(x, value)

    def record_epoch(self, epoch, logs):
        """A finished epoch: training and validation metrics."""
        run = self.current
        run.epochs_done = max(run.epochs_done, self._epoch_x(run, epoch) + 1)
        for name, value in (logs or {}).items():
            if _finite(value) and name != "learning_rate":
                run.series(run.epoch, name).add(self._epoch_x(run, epoch) + 1, value)

    def end_run(self):
        if self.current is not None:
            self.current.finished = self.clock()

    @staticmethod
    def _epoch_x(run, epoch):
        return run.epoch_offset + epoch

    # --- what the views ask ----------------------------------------------------------------------------

    def images_per_second(self, run=None):
        """Images (or batches, without a batch size) per second over the last RATE_WINDOW batches, or None."""
        run = run or self.current
        if run is None or len(run._times) < 2:
            return None
        seconds = run._times[-1] - run._times[0]
        if seconds <= 0:
            return None
        batches_per_second = (len(run._times) - 1) / seconds
        return batches_per_second * (run.batch_size or 1)

    def progress(self, run=None):
        """(fraction done in [0, 1], seconds left or None) of the run's current fit."""
        run = run or self.current
        if run is None or not run.steps or not run.epochs:
            return 0.0, None
        done_steps = run.current_epoch * run.steps + run.current_batch
        total = run.steps * run.epochs
        fraction = min(1.0, done_steps / total) if total else 0.0
        if not run.running:
            return (1.0 if fraction > 0 else 0.0), 0.0
        if len(run._times) < 2:
            return fraction, None
        seconds_per_step = (run._times[-1] - run._times[0]) / (len(run._times) - 1)
        return fraction, max(0.0, (total - done_steps) * seconds_per_step)


def _finite(value):
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
