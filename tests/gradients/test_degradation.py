"""The degradation experiment, at a size that runs in seconds: its bookkeeping, seeding and report."""

import numpy as np
import pytest

from resnet_widgets.gradients import DEGRADATION_CONFIGS, degradation_experiment

pytestmark = pytest.mark.backend_neutral

TINY = {"depths": (2, 4), "width": 4, "epochs": 2, "train_size": 128, "val_size": 64, "batch_size": 32}


@pytest.fixture(scope="module")
def tiny():
    return degradation_experiment("fast", **TINY, seed=0)


def test_errors_are_recorded_per_epoch_for_both_kinds_at_both_depths(tiny):
    assert tiny.depths == (2, 4)
    assert set(tiny.train_error) == set(tiny.val_error) == {(k, d) for k in ("plain", "residual") for d in (2, 4)}
    for errors in [*tiny.train_error.values(), *tiny.val_error.values()]:
        assert errors.shape == (2,)
        assert np.all((errors >= 0) & (errors <= 1))
    assert tiny.settings["train_size"] == 128 and tiny.settings["val_size"] == 64
    assert tiny.settings["data"].startswith("Fashion-MNIST")


def test_the_summary_reports_what_the_numbers_say(tiny):
    text = tiny.summary()
    final = tiny.final("train")
    for kind in ("plain", "residual"):
        word = "higher" if final[(kind, 4)] > final[(kind, 2)] else "lower or equal"
        assert f"{kind}: the 4-layer net ended with {word} training error" in text
        assert tiny.deeper_is_worse(kind) == (final[(kind, 4)] > final[(kind, 2)])


def test_the_same_seed_gives_the_same_curves(tiny):
    again = degradation_experiment("fast", **{**TINY, "depths": (2, 3)}, seed=0)
    # Its depth-2 runs repeat those of `tiny`.
    np.testing.assert_allclose(again.train_error[("plain", 2)], tiny.train_error[("plain", 2)], atol=1e-6)
    np.testing.assert_allclose(again.val_error[("residual", 2)], tiny.val_error[("residual", 2)], atol=1e-6)


def test_the_result_plots_itself(tiny):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    axes = tiny.plot()
    assert len(axes) == 2
    assert len(axes[0].lines) == 4  # two depths x (training, validation)
    plt.close("all")


def test_fast_mode_is_8_vs_32_layers_and_full_mode_20_vs_56():
    assert DEGRADATION_CONFIGS["fast"]["depths"] == (8, 32)
    assert DEGRADATION_CONFIGS["full"]["depths"] == (20, 56)
    assert DEGRADATION_CONFIGS["full"]["train_size"] is None  # all 60,000 images
