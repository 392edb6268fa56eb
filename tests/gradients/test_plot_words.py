"""The gradient plot is never read by colour alone: line styles, a summary in words and the numbers as a table."""

import math

import numpy as np
import pytest

from resnet_widgets.gradients import NetworkSettings, compare
from resnet_widgets.gradients.figure_data import figure_data, figure_table, plot_summary
from resnet_widgets.gradients.plotting import plot_gradient_norms


@pytest.fixture(scope="module")
def result():
    return compare(NetworkSettings(depth=8, width=4), batch_size=8)


def test_plain_and_residual_differ_in_dash_and_marker_not_only_colour(result):
    traces = figure_data(result)["traces"]
    plain, residual = traces["plain"], traces["residual"]
    assert plain["color"] != residual["color"]
    assert plain["dash"] != residual["dash"] and plain["symbol"] != residual["symbol"]
    assert plain["linestyle"] != residual["linestyle"] and plain["marker"] != residual["marker"]


def test_the_matplotlib_figure_draws_those_styles(result):
    import matplotlib.pyplot as plt

    ax = plot_gradient_norms(result)
    styles = {(line.get_linestyle(), line.get_marker()) for line in ax.get_lines()}
    plt.close(ax.figure)
    assert len(styles) == 2, styles


def test_the_table_holds_every_layers_norms_as_plotted(result):
    data = figure_data(result)
    table = figure_table(data)
    assert table["columns"] == ["conv layer", "plain", "residual"]
    assert len(table["rows"]) == len(result.plain)
    for row, plain, residual in zip(table["rows"], result.norms("plain"), result.norms("residual")):
        assert float(row[1]) == pytest.approx(plain, rel=5e-3) and float(row[2]) == pytest.approx(residual, rel=5e-3)


def test_a_norm_off_the_log_axis_is_written_not_drawn(result):
    data = figure_data(result)
    data["traces"]["plain"]["y"][0] = None
    assert figure_table(data)["rows"][0][1] == "not drawn"


def test_the_summary_gives_each_networks_first_and_last_norm_and_ratio(result):
    text = plot_summary(result)
    for kind in ("plain", "residual"):
        norms = np.asarray(result.norms(kind))
        assert f"from {norms[0]:.3g} at layer 1 to {norms[-1]:.3g}" in text
        ratio = result.first_last_ratios[kind]
        assert (f"×{ratio:.3g}" if not math.isnan(ratio) else "undefined") in text
    assert "Plain (dashed, circles)" in text and "Residual (solid, squares)" in text
