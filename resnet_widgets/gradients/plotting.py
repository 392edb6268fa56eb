"""Static matplotlib figures, for notebooks read where widgets do not render (GitHub, exported HTML)."""

from .figure_data import figure_data
from .options import KINDS


def plot_gradient_norms(result, ax=None):
    """The explorer's plot for one Comparison: per-layer gradient norms on a log axis.

    Args:
        result: a Comparison (from compare(), or Tracking.at(i)).
        ax: matplotlib Axes to draw into (None: a new figure).

    Returns:
        The matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    data = figure_data(result)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    for kind in KINDS:
        trace = data["traces"][kind]
        y = [float("nan") if v is None else v for v in trace["y"]]
        ax.plot(data["x"], y, marker=trace["marker"], linestyle=trace["linestyle"], markersize=3.5,
                color=trace["color"], label=trace["name"])
    ax.set_yscale("log")
    integer_ticks(ax)
    ax.set_xlabel("conv layer (1 = input side)")
    ax.set_ylabel("‖∂loss/∂kernel‖")
    ax.set_title(data["title"], fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)
    if data["notes"]:
        ax.annotate("\n".join(data["notes"]), (0.01, 0.01), xycoords="axes fraction", fontsize=7, va="bottom")
    return ax


def plot_tracking(tracking, axes=None):
    """Norms along a training run: one panel per kind, one line per recorded step (light = early).

    Args:
        tracking: a Tracking from track().
        axes: two matplotlib Axes (None: a new figure).

    Returns:
        The two Axes.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True, layout="constrained")
    colormap = plt.get_cmap("viridis")
    frames = len(tracking.steps)
    for ax, kind in zip(axes, KINDS):
        for i, step in enumerate(tracking.steps):
            values = tracking.norms(kind)[i]
            y = [v if v > 0 else float("nan") for v in values]
            ax.plot(range(1, len(values) + 1), y, color=colormap(i / max(frames - 1, 1)), label=f"step {step}")
        ax.set_yscale("log")
        integer_ticks(ax)
        ax.set_title(f"{kind}", fontsize=10)
        ax.set_xlabel("conv layer (1 = input side)")
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("‖∂loss/∂kernel‖")
    axes[-1].legend(fontsize=7)
    return axes


def integer_ticks(ax):
    """Layer numbers and epochs are whole numbers: no ticks at 2.5."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
