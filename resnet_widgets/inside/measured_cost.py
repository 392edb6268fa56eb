"""What a backbone costs on this machine: parameters, multiply-adds, latency and peak memory, measured.

Parameters and multiply-adds are properties of the network (counted, and by formula in models.costs).
Latency and memory belong to the network *on a machine*, so they are measured here, the way a learner's
laptop or a GPU server runs it: one compiled forward pass (`predict_on_batch`), after a warm-up call that
compiles it, the median of a few runs.

Peak memory is what the process's resident memory rose to during one forward pass, above what it held
just before. On Linux the kernel keeps that high-water mark (VmHWM in /proc/self/status) and resets it on
request (writing 5 to /proc/self/clear_refs), so the pass is measured alone, compile and weights
excluded. Elsewhere the figure is None: no reliable way to read it without a profiler.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import arguments
from ..memory import give_free_pages_back

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass(frozen=True)
class ForwardCost:
    """One forward pass of a model over one batch, measured.

    Attributes:
        seconds: median wall time of `repeats` passes (after one warm-up pass).
        peak_bytes: resident memory the pass added at its peak, or None where it cannot be read.
        batch_shape: the input's shape.
    """

    seconds: float
    peak_bytes: int | None
    batch_shape: tuple


def _status_bytes(key):
    for line in _STATUS.read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024  # the kernel reports kB
    raise KeyError(key)


def peak_memory_supported() -> bool:
    """True where the resident-memory high-water mark can be reset and read (Linux)."""
    try:
        _status_bytes("VmHWM")
        _CLEAR_REFS.write_text("5")
        return True
    except (OSError, KeyError):
        return False


def measure_forward(model, batch, repeats=3) -> ForwardCost:
    """Time one compiled forward pass of `model` on `batch` and measure the memory it adds at its peak.

    Args:
        model: a built Keras model.
        batch: a numpy array the model takes.
        repeats: timed passes after the warm-up (the median is reported).

    Returns:
        A ForwardCost.

    Raises:
        ValueError, TypeError: repeats below 1.
    """
    repeats = arguments.positive_int("repeats", repeats, "timed passes after the warm-up")
    model.predict_on_batch(batch)  # compiles; not timed, and its memory is not the pass's
    peak = None
    if peak_memory_supported():
        # The warm-up pass freed its buffers, but malloc keeps freed memory resident for reuse, so the next pass
        # would add nothing to the resident size: the free pages go back to the system first.
        give_free_pages_back()
        _CLEAR_REFS.write_text("5")
        before = _status_bytes("VmRSS")
        model.predict_on_batch(batch)
        peak = max(0, _status_bytes("VmHWM") - before)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict_on_batch(batch)
        times.append(time.perf_counter() - start)
    return ForwardCost(float(np.median(times)), peak, tuple(batch.shape))


@dataclass(frozen=True)
class BackboneCost:
    """A backbone at one input size.

    Attributes:
        input_size: side of the square input.
        parameters: weights of the backbone (all of them, as count_params()).
        macs: multiply-adds of its convolutions for one image (models.costs, the paper's count).
        activation_bytes: float32 bytes of every layer's output for one image (an upper bound for what
            inference must hold; training keeps most of it for the backward pass).
        measured: the ForwardCost of a batch.
    """

    input_size: int
    parameters: int
    macs: int
    activation_bytes: int
    measured: ForwardCost


def backbone_cost(variant, sizes=(224, 448), batch_size=1, repeats=3, seed=0) -> list:
    """Parameters, multiply-adds, latency and peak memory of a variant's backbone (C2..C5) at each size.

    Args:
        variant: a name of resnet_widgets.models.FAMILY.
        sizes: input sides in pixels (each at least 32).
        batch_size: images per measured batch.
        repeats: timed passes per size.
        seed: for the random input images.

    Returns:
        A list of BackboneCost, one per size, in the order given.

    Raises:
        ValueError, TypeError: an unknown variant, a size below 32, a batch size or repeats below 1.
    """
    from ..models.costs import cost_breakdown
    from .backbone import backbone
    from ..graph import unfold

    batch_size = arguments.positive_int("batch_size", batch_size, "images per measured batch")
    sizes = [arguments.image_size("sizes", size)[0] for size in sizes]
    rng = np.random.default_rng(seed)
    model = backbone(variant)  # any input size: built once, compiled once per size by predict_on_batch
    rows = []
    for size in sizes:
        macs = sum(cost.macs for part, cost in cost_breakdown(variant, input_size=size).items() if part != "head")
        shapes = unfold(model, input_shape=(size, size, 3)).shapes
        activations = sum(int(np.prod(shape[1:])) for shape in shapes.values())
        images = rng.uniform(-1, 1, size=(batch_size, size, size, 3)).astype("float32")
        rows.append(BackboneCost(size, model.count_params(), macs, 4 * activations, measure_forward(model, images, repeats)))
    return rows
