"""The dashboard's runs are told apart by colour and marker, and its numbers are in a table and a summary."""

import pytest

from resnet_widgets.training.dashboard_view import (COLORS, SYMBOLS, dashboard_summary, epoch_table, run_style,
                                                    static_figure)
from resnet_widgets.training.history import TrainingHistory



def history_of_two_runs():
    history = TrainingHistory(clock=iter(range(1000)).__next__)
    for name, losses in (("frozen", (1.0, 0.5)), ("fine-tuned", (0.4, 0.3))):
        history.start_run(name, epochs=2, steps=1)
        for epoch, loss in enumerate(losses):
            history.epoch_begin(epoch)
            history.record_batch(0, {"loss": loss, "accuracy": 1 - loss})
            history.record_epoch(epoch, {"loss": loss, "accuracy": 1 - loss, "val_loss": loss + 0.1,
                                         "val_accuracy": 0.9 - loss})
        history.end_run()
    return history


def test_each_of_eight_runs_has_its_own_colour_and_marker_pair():
    pairs = [run_style(i) for i in range(8)]
    assert len(set(pairs)) == 8
    assert len({symbol for _, symbol in pairs[: len(COLORS)]}) == len(COLORS)
    assert set(SYMBOLS) >= {symbol for _, symbol in pairs}


def test_the_static_figure_marks_each_run_with_its_shape():
    import matplotlib.pyplot as plt

    figure = static_figure(history_of_two_runs())
    markers = {line.get_marker() for ax in figure.axes for line in ax.get_lines() if len(line.get_xdata())}
    plt.close(figure)
    assert {"o", "s"} <= markers


def test_the_epoch_table_has_a_row_per_run_and_epoch_with_its_numbers():
    table = epoch_table(history_of_two_runs())
    assert table["columns"][:2] == ["run", "epoch"]
    assert [row[0] for row in table["rows"]] == ["frozen", "frozen", "fine-tuned", "fine-tuned"]
    frozen_second = table["rows"][1]
    assert [float(v) for v in frozen_second[2:]] == pytest.approx([0.5, 0.6, 0.5, 0.4])


def test_the_summary_names_each_run_its_marker_and_last_validation_figures():
    text = dashboard_summary(history_of_two_runs())
    assert "frozen (circle markers): 2 epochs, validation loss 0.6, validation accuracy 0.4." in text
    assert "fine-tuned (square markers)" in text
    assert "no training has run yet" in dashboard_summary(TrainingHistory())
