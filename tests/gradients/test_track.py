"""track(): gradient norms recorded along a short training run."""

import numpy as np
import pytest

from resnet_widgets.gradients import NetworkSettings, compare, track

pytestmark = pytest.mark.backend_neutral


def test_norms_are_recorded_every_k_steps_and_at_the_last_step():
    result = track(NetworkSettings(depth=4, width=4, network="one_conv"), batch_size=8, steps=7, every=3)
    assert result.steps.tolist() == [0, 3, 6, 7]
    assert result.plain.shape == result.residual.shape == (4, 4)
    assert result.loss["plain"].shape == (4,)
    assert np.all(np.isfinite(result.plain)) and np.all(result.plain > 0)
    assert result.diverged_at == {"plain": None, "residual": None}


def test_step_zero_is_what_compare_measures_with_the_same_knobs():
    tracked = track(NetworkSettings(depth=5, width=4, network="one_conv"), batch_size=8, steps=2, every=1)
    measured = compare(NetworkSettings(depth=5, width=4, network="one_conv"), batch_size=8)
    assert tracked.at(0).plain == pytest.approx(measured.plain, rel=1e-5)
    assert tracked.at(0).residual == pytest.approx(measured.residual, rel=1e-5)
    assert tracked.at(2).step == 2


def test_training_changes_the_gradients():
    result = track(NetworkSettings(depth=4, width=4, network="one_conv"), batch_size=8, steps=4, every=4,
                   learning_rate=0.05)
    assert not np.allclose(result.plain[0], result.plain[-1])


def test_zero_gamma_branches_start_with_zero_gradient_and_wake_up_after_one_step():
    # The teaching point: at init each residual branch outputs zero, so its kernel gets no gradient;
    # the first step moves gamma off zero, and from then on the kernels learn.
    settings = NetworkSettings(depth=5, width=4, init="he_normal_zero_gamma", network="one_conv")
    result = track(settings, batch_size=8, steps=1, every=1)
    assert np.all(result.residual[0, 1:] == 0)
    assert np.all(result.residual[1, 1:] > 0)


def test_a_diverging_run_is_recorded_as_such():
    # Without BN, a deep residual stack's activations explode; a large step makes the loss overflow.
    settings = NetworkSettings(depth=30, width=4, batch_norm=False, network="one_conv")
    result = track(settings, batch_size=8, steps=4, every=1, learning_rate=1.0)
    assert result.diverged_at["residual"] is not None and result.diverged_at["residual"] < 4
    assert result.diverged_at["plain"] is None
    assert np.all(np.isnan(result.residual[result.diverged_at["residual"] + 1 :]))


def test_the_cifar_nets_are_tracked_like_compare_measures_them():
    tracked = track(NetworkSettings(depth=8, width=4), batch_size=8, steps=2, every=2)
    measured = compare(NetworkSettings(depth=8, width=4), batch_size=8)
    assert tracked.settings["network"] == "cifar" and tracked.plain.shape == (2, 7)
    assert tracked.at(0).plain == pytest.approx(measured.plain, rel=1e-5)
    assert tracked.at(0).layer_names == measured.layer_names
    assert not np.allclose(tracked.residual[0], tracked.residual[-1])


def test_zero_gamma_branches_of_the_cifar_nets_wake_up_after_one_step():
    result = track(NetworkSettings(depth=14, width=4, init="he_normal_zero_gamma"), batch_size=8, steps=1, every=1)
    assert np.all(result.residual[0, 1:] == 0)
    assert np.all(result.residual[1, 1:] > 0)
