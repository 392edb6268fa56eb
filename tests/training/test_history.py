"""The dashboard's record: bounded memory over long runs, even thinning, progress, ETA and images/s."""

import pytest

from resnet_widgets.training.history import Series, TrainingHistory


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_series_never_holds_more_than_max_points_and_keeps_even_spacing():
    series = Series(max_points=100)
    for i in range(100_000):
        series.add(i, -i)
    assert len(series.x) <= 100 and series.stride == 1024
    gaps = {b - a for a, b in zip(series.x, series.x[1:])}
    assert gaps == {1024.0}
    xs, ys = series.points()
    assert (xs[-1], ys[-1]) == (99_999.0, -99_999.0)  # the latest point is always drawn


def test_progress_eta_and_images_per_second_follow_the_clock():
    clock = Clock()
    history = TrainingHistory(clock=clock)
    history.start_run("frozen", epochs=2, steps=10, batch_size=32)
    history.epoch_begin(0)
    for batch in range(5):
        clock.now += 0.5
        history.record_batch(batch, {"loss": 1.0, "accuracy": 0.5})
    fraction, left = history.progress()
    assert fraction == pytest.approx(5 / 20)
    assert left == pytest.approx(15 * 0.5)
    assert history.images_per_second() == pytest.approx(32 / 0.5)


def test_a_second_fit_under_the_same_name_continues_the_curve():
    history = TrainingHistory(clock=Clock())
    for fit in range(2):
        history.start_run("fine-tuned", epochs=2, steps=4)
        for epoch in range(2):
            history.epoch_begin(epoch)
            for batch in range(4):
                history.record_batch(batch, {"loss": 1.0})
            history.record_epoch(epoch, {"loss": 1.0, "val_loss": 2.0})
        history.end_run()
    run = history.runs["fine-tuned"]
    assert run.epoch["val_loss"].x == [1.0, 2.0, 3.0, 4.0]
    assert run.batch["loss"].x[-1] == 4.0 and run.epochs_done == 4


def test_non_finite_values_are_left_out():
    history = TrainingHistory(clock=Clock())
    history.start_run("diverged", epochs=1, steps=2)
    history.epoch_begin(0)
    history.record_batch(0, {"loss": float("nan")})
    history.record_batch(1, {"loss": 3.0})
    assert history.runs["diverged"].batch["loss"].y == [3.0]


def test_a_run_started_after_another_continues_its_epoch_axis_and_a_resumed_fit_keeps_its_epochs():
    history = TrainingHistory(clock=Clock())

    def fit(name, epochs, initial_epoch=0, after=None):
        history.start_run(name, epochs=epochs, steps=2, initial_epoch=initial_epoch, after=after)
        for epoch in range(initial_epoch, epochs):
            history.epoch_begin(epoch)
            history.record_batch(0, {"loss": 1.0})
            history.record_epoch(epoch, {"val_loss": 1.0})
        history.end_run()

    fit("feature extraction", 2)
    fit("fine-tuned", 3, after="feature extraction")
    assert history.runs["fine-tuned"].epoch["val_loss"].x == [3.0, 4.0, 5.0]
    fit("resumed", 1, after="feature extraction")
    fit("resumed", 3, initial_epoch=1)  # BackupAndRestore: epoch 0 was done before the crash
    assert history.runs["resumed"].epoch["val_loss"].x == [3.0, 4.0, 5.0]
