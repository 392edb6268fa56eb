"""The one-conv stack's measured claims, asserted on what compare() computes now (never hard-coded).

Setting of the claims: the one-conv stack (network="one_conv", the explorer's second choice), 16-channel 3x3
convs on 28x28 inputs, He-normal init, one batch of 32 random images. Spread = largest / smallest per-layer
gradient norm. The paper's CIFAR nets have claims of their own, in test_claims_cifar.py.
"""

import numpy as np
import pytest

from resnet_widgets.gradients import NetworkSettings, compare

pytestmark = pytest.mark.backend_neutral

DEPTHS = (10, 50, 100)


@pytest.fixture(scope="module")
def with_batch_norm():
    return {depth: compare(NetworkSettings(depth=depth, width=16, batch_norm=True, init="he_normal", network="one_conv"),
                           batch_size=32)
            for depth in DEPTHS}


@pytest.fixture(scope="module")
def without_batch_norm():
    return {depth: compare(NetworkSettings(depth=depth, width=16, batch_norm=False, init="he_normal", network="one_conv"),
                           batch_size=32)
            for depth in (10, 50)}


def test_the_claims_are_measured_on_the_stated_setting(with_batch_norm):
    result = with_batch_norm[50]
    assert result.settings["width"] == 16 and result.settings["init"] == "he_normal"
    assert result.settings["batch_size"] == 32 and "28x28" in result.settings["data"]
    assert len(result.plain) == len(result.residual) == 50


def test_with_batch_norm_at_depth_50_plain_spread_is_at_least_100x_and_residual_at_most_20x(with_batch_norm):
    spreads = with_batch_norm[50].spreads
    assert spreads["plain"] >= 100, spreads
    assert spreads["residual"] <= 20, spreads


def test_residual_spread_stays_at_most_20x_at_depths_10_50_100(with_batch_norm):
    for depth in DEPTHS:
        assert with_batch_norm[depth].spreads["residual"] <= 20, (depth, with_batch_norm[depth].spreads)


def test_plain_spread_grows_with_depth(with_batch_norm):
    plain = [with_batch_norm[depth].spreads["plain"] for depth in DEPTHS]
    assert plain[0] < plain[1] < plain[2], plain


def test_without_batch_norm_residual_gradient_norms_grow_with_depth(without_batch_norm):
    shallow, deep = without_batch_norm[10].residual, without_batch_norm[50].residual
    # Every statistic of the profile is larger at depth 50 than at depth 10, not just one outlier.
    assert deep.max() > shallow.max()
    assert deep.min() > shallow.min()
    assert np.median(deep) > np.median(shallow)


def test_each_spread_is_a_ratio_of_measured_norms_not_a_dead_layer(with_batch_norm, without_batch_norm):
    # A layer cut off from the loss would have a norm of 0 and an infinite spread, which a claim such as
    # "plain spread >= 100x" would pass without measuring anything.
    for result in [*with_batch_norm.values(), *without_batch_norm.values()]:
        for kind, profile in (("plain", result.plain), ("residual", result.residual)):
            assert len(profile) == len(result.layer_names)  # one per 3x3 convolution
            assert profile.min() > 0 and np.isfinite(result.spreads[kind]), (kind, result.settings)
            assert result.spreads[kind] == pytest.approx(profile.max() / profile.min())
