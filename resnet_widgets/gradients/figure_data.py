"""What the gradient plot shows, as plain data: shared by the plotly widget and the matplotlib figure.

Norms go on a log axis, so a zero or non-finite norm has no place there: it becomes None (a gap in the
line) and is counted in the notes instead of being drawn at a made-up height.
"""

import math

import numpy as np

from .options import INIT_LABELS, KINDS

SHORT_NETWORK_NAMES = {"cifar": "CIFAR net", "one_conv": "one-conv stack"}

COLORS = {"plain": "#d62728", "residual": "#1f77b4"}
# Plain and residual are never told apart by colour alone (WCAG 1.4.1): plain is dashed with circles, residual
# solid with squares. Plotly's names first, then matplotlib's.
LINES = {
    "plain": {"dash": "dash", "symbol": "circle", "linestyle": "--", "marker": "o"},
    "residual": {"dash": "solid", "symbol": "square", "linestyle": "-", "marker": "s"},
}


def _plottable(values):
    return [float(v) if math.isfinite(v) and v > 0 else None for v in np.asarray(values, dtype=np.float64)]


def ratio_text(value):
    """First/last ratio for a legend: '×2.5e+03', or 'undefined' when a norm is zero or not finite."""
    return "undefined" if math.isnan(value) else f"×{value:.3g}"


def figure_data(result):
    """The plot of a Comparison as a dict: {"x", "traces": {kind: {"y", "name", "color", **LINES[kind]}}, "title",
    "notes", "summary"}.

    x holds conv layer numbers 1, 2, ... (input side first); each trace's name carries its first-layer /
    last-layer ratio; notes say what could not be drawn and why; summary says in one or two sentences what the plot
    shows (the plot's text alternative).
    """
    s = result.settings
    depth = len(result.plain)  # conv layers measured
    traces, notes = {}, []
    for kind in KINDS:
        values = result.norms(kind)
        ratio = result.first_last_ratios[kind]
        traces[kind] = {
            "y": _plottable(values),
            "name": f"{kind} (first/last {ratio_text(ratio)})",
            "color": COLORS[kind],
            **LINES[kind],
        }
        zeros = int(np.sum(values == 0))
        bad = int(np.sum(~np.isfinite(values)))
        if zeros:
            note = f"{kind}: {zeros} of {depth} conv layers have exactly zero gradient, not drawn on the log axis"
            if kind == "residual" and s.get("init") == "he_normal_zero_gamma":
                note += " (zero-initialised γ: each residual branch starts as zero, so its kernel gets no gradient)"
            notes.append(note)
        if bad:
            notes.append(f"{kind}: {bad} of {depth} norms are not finite (overflow, or the run diverged), not drawn")
    title = (
        f"{SHORT_NETWORK_NAMES[s.get('network', 'cifar')]}, depth {s['depth']}, width {s['width']}, BN {'on' if s['batch_norm'] else 'off'}, "
        f"{INIT_LABELS.get(s['init'], s['init'])}, {s['activation']}"
        + (f", after {result.step} training steps" if result.step else ", at initialisation")
    )
    return {"x": list(range(1, depth + 1)), "traces": traces, "title": title, "notes": notes,
            "summary": plot_summary(result)}


def figure_table(data) -> dict:
    """The numbers behind the plot of ``figure_data(result)``: one row per conv layer, the norm of each network.

    Returns:
        ``{"caption", "columns": ["conv layer", "plain", "residual"], "rows": [[str, str, str], ...]}``; a norm
        that the log axis cannot show (zero, not finite) is written "not drawn".
    """
    columns = ["conv layer", *KINDS]
    rows = []
    for index, layer in enumerate(data["x"]):
        values = [data["traces"][kind]["y"][index] for kind in KINDS]
        rows.append([str(layer), *("not drawn" if v is None else f"{v:.3g}" for v in values)])
    return {"caption": "‖∂loss/∂kernel‖ per conv layer: " + data["title"], "columns": columns, "rows": rows}


def _norm_range(values) -> str:
    finite = [float(v) for v in np.asarray(values, dtype=np.float64) if math.isfinite(v) and v > 0]
    if not finite:
        return "no drawable norm"
    return f"from {finite[0]:.3g} at layer 1 to {finite[-1]:.3g} at the last layer"


def plot_summary(result) -> str:
    """What the gradient plot shows, in words: per network, its norms at the first and last layer and the ratio.

    For the plot's accessible description and the text under it; the numbers are the plot's own.
    """
    depth = len(result.plain)
    parts = [f"Gradient norm per conv layer, {depth} layers, log scale."]
    for kind in KINDS:
        ratio = ratio_text(result.first_last_ratios[kind])
        parts.append(f"{kind.capitalize()} ({'dashed, circles' if kind == 'plain' else 'solid, squares'}): "
                     f"{_norm_range(result.norms(kind))}; first/last {ratio}.")
    return " ".join(parts)
