"""The degradation experiment: what it trains, how it reports, and that it is reproducible.

The training runs here are tiny (128 images, 2 epochs, width 4), so their curves prove bookkeeping, seeding and
reporting, not the paper's effect; notebook 01 and benchmarks/bench_gradients.py report the effect as measured.
"""

from types import SimpleNamespace

import numpy as np
import pytest

from resnet_widgets.gradients import degradation_experiment
from resnet_widgets.gradients.degradation import Degradation, learning_rate_at

pytestmark = pytest.mark.backend_neutral

TINY = {"depths": (8, 14), "width": 4, "epochs": 2, "train_size": 128, "val_size": 64, "batch_size": 32}


@pytest.fixture(scope="module")
def tiny():
    return degradation_experiment("fast", **TINY, seed=0)


def made_up(plain, residual, depths=(20, 56)):
    """A Degradation with the given final training errors {depth: error} (validation = training + 0.05)."""
    train = {(kind, d): np.array([0.9, errors[d]]) for kind, errors in (("plain", plain), ("residual", residual))
             for d in depths}
    return Degradation(
        depths=depths,
        train_error=train,
        val_error={key: values + 0.05 for key, values in train.items()},
        seconds={key: 1.0 for key in train},
        settings={"mode": "fast", "train_size": 100, "val_size": 50, "data": "test data", "image_size": 14,
                  "epochs": 2, "width": 4, "batch_size": 32, "optimizer": "SGD", "seed": 0},
    )


def test_errors_are_recorded_per_epoch_for_both_kinds_at_both_depths(tiny):
    assert tiny.depths == (8, 14)
    assert set(tiny.train_error) == set(tiny.val_error) == {(k, d) for k in ("plain", "residual") for d in (8, 14)}
    for errors in [*tiny.train_error.values(), *tiny.val_error.values()]:
        assert errors.shape == (2,)
        assert np.all((errors >= 0) & (errors <= 1))
    assert tiny.settings["train_size"] == 128 and tiny.settings["val_size"] == 64
    assert tiny.settings["data"].startswith("Fashion-MNIST")
    assert tiny.settings["image_size"] == 14  # fast mode averages 28x28 down to 14x14


def test_the_summary_states_each_comparison_as_the_numbers_have_it():
    papers = made_up(plain={20: 0.10, 56: 0.20}, residual={20: 0.10, 56: 0.05})
    text = papers.summary()
    assert "plain: the 56-layer net ended with higher training error than the 20-layer net (20.0% vs 10.0%)" in text
    assert "residual: the 56-layer net ended with lower or equal training error than the 20-layer net (5.0% vs 10.0%)" in text
    assert "plain: the 56-layer net ended with higher validation error than the 20-layer net (25.0% vs 15.0%)" in text
    assert papers.shows_the_papers_effect()

    reversed_ = made_up(plain={20: 0.20, 56: 0.10}, residual={20: 0.05, 56: 0.10})
    text = reversed_.summary()
    assert "plain: the 56-layer net ended with lower or equal training error than the 20-layer net (10.0% vs 20.0%)" in text
    assert "residual: the 56-layer net ended with higher training error" in text
    assert not reversed_.shows_the_papers_effect()
    # Both deeper nets worse: degradation in the plain nets, but not the residual nets' gain.
    assert not made_up(plain={20: 0.1, 56: 0.2}, residual={20: 0.1, 56: 0.15}).shows_the_papers_effect()


def test_the_shortcuts_gain_is_the_plain_error_minus_the_residual_error_at_each_depth():
    result = made_up(plain={20: 0.125, 56: 0.375}, residual={20: 0.25, 56: 0.125})
    assert result.residual_gain() == pytest.approx({20: -0.125, 56: 0.25})
    assert ("shortcuts: the residual net ended at 20 layers 12.5 points above, at 56 layers 25.0 points below its "
            "plain twin in training error") in result.summary()
    assert result.steps == 2 * 4  # 2 epochs of 100 images in batches of 32: 4 batches each
    level = made_up(plain={20: 0.25, 56: 0.375}, residual={20: 0.25, 56: 0.5})
    assert "the residual net ended at 20 layers level with, at 56 layers 12.5 points above its plain twin" in level.summary()


def test_final_errors_are_the_last_epoch_s():
    result = made_up(plain={20: 0.25, 56: 0.5}, residual={20: 0.125, 56: 0.0625})
    assert result.final("train") == {("plain", 20): 0.25, ("plain", 56): 0.5, ("residual", 20): 0.125,
                                     ("residual", 56): 0.0625}
    assert result.final("val")[("plain", 56)] == pytest.approx(0.55)
    with pytest.raises(ValueError, match="which must be one of 'train', 'val'"):
        result.final("test")


def test_the_same_seed_gives_the_same_curves_and_another_seed_others(tiny):
    again = degradation_experiment("fast", **{**TINY, "depths": (8, 20)}, seed=0)
    # Its depth-8 runs repeat those of `tiny`: weights, images and shuffling all follow the seed.
    np.testing.assert_allclose(again.train_error[("plain", 8)], tiny.train_error[("plain", 8)], atol=1e-6)
    np.testing.assert_allclose(again.val_error[("residual", 8)], tiny.val_error[("residual", 8)], atol=1e-6)
    other = degradation_experiment("fast", **{**TINY, "depths": (8, 14), "epochs": 1}, seed=1)
    assert not np.allclose(other.train_error[("plain", 8)], tiny.train_error[("plain", 8)][:1])


def test_a_dataset_given_whole_is_used_whole_at_full_resolution():
    rng = np.random.default_rng(0)
    data = SimpleNamespace(
        x_train=rng.integers(0, 256, (40, 28, 28), dtype=np.uint8), y_train=rng.integers(0, 10, 40),
        x_val=rng.integers(0, 256, (24, 28, 28), dtype=np.uint8), y_val=rng.integers(0, 10, 24),
    )
    # Full mode's own depths (the paper's 20 and 56) would take minutes here; its data handling does not.
    result = degradation_experiment("full", data=data, depths=(8, 14), epochs=1, width=2, batch_size=16)
    assert result.settings["train_size"] == 40 and result.settings["val_size"] == 24  # None: every image
    assert result.settings["image_size"] == 28 and result.settings["data"] == "the given dataset"
    assert "learning rate / 10 after 50% and 75%" in result.settings["optimizer"]


def test_the_learning_rate_drops_tenfold_after_each_given_fraction_of_the_run():
    config = {"epochs": 8, "learning_rate": 0.1, "lr_drops": (0.5, 0.75)}
    rates = [learning_rate_at(epoch, config) for epoch in range(8)]
    assert rates == pytest.approx([0.1] * 4 + [0.01] * 2 + [0.001] * 2)
    assert [learning_rate_at(epoch, {**config, "lr_drops": ()}) for epoch in range(8)] == [0.1] * 8


def test_the_result_plots_itself(tiny):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    axes = tiny.plot()
    assert len(axes) == 2
    assert len(axes[0].lines) == 4  # two depths x (training, validation)
    assert [line.get_label() for line in axes[1].lines] == [
        "residual-8 training", "residual-8 validation", "residual-14 training", "residual-14 validation"]
    plt.close("all")
