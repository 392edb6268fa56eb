"""Notebook 06b's recipe: a warm-up from a tenth of the peak, then half a cosine down to zero."""

import keras
import pytest

from resnet_widgets.training import steps_per_epoch, warmup_cosine_sgd

pytestmark = pytest.mark.backend_neutral


def rate(optimizer, step):
    """The optimizer's learning rate at `step`, from its schedule as the optimizer's config holds it."""
    schedule = keras.optimizers.schedules.deserialize(optimizer.get_config()["learning_rate"])
    return float(keras.ops.convert_to_numpy(schedule(step)))


def test_the_rate_warms_up_to_the_peak_then_decays_to_zero():
    optimizer = warmup_cosine_sgd(epochs=2, steps_per_epoch=100, peak_learning_rate=0.1)  # 200 steps, 20 of warm-up
    assert rate(optimizer, 0) == pytest.approx(0.01)
    assert rate(optimizer, 20) == pytest.approx(0.1)
    assert rate(optimizer, 110) == pytest.approx(0.05, rel=1e-3)  # halfway through the cosine
    assert rate(optimizer, 200) == pytest.approx(0.0, abs=1e-7)
    assert optimizer.nesterov and optimizer.momentum == 0.9 and optimizer.weight_decay == pytest.approx(5e-4)


def test_the_warm_up_is_a_tenth_of_the_run_at_most_200_steps():
    long = warmup_cosine_sgd(epochs=10, steps_per_epoch=469)
    assert rate(long, 200) == pytest.approx(0.1) and rate(long, 100) < 0.1


def test_steps_per_epoch_counts_the_last_partial_batch():
    assert steps_per_epoch(60_000, 128) == 469 and steps_per_epoch(256, 128) == 2


def test_bad_sizes_are_refused_by_name():
    with pytest.raises(ValueError, match="epochs"):
        warmup_cosine_sgd(0, 10)
    with pytest.raises(ValueError, match="warmup_steps"):
        warmup_cosine_sgd(1, 10, warmup_steps=10)
    with pytest.raises(ValueError, match="peak_learning_rate"):
        warmup_cosine_sgd(1, 10, peak_learning_rate=0)
