"""Notebook 01's gradient claims about the paper's CIFAR nets, asserted on what compare() measures now.

Setting: network="cifar" (He et al. 2015, section 4.2: 6n + 2 layers, basic blocks, option A shortcuts), width 16,
He-normal init, one batch of 32 images, seed 0; uniform noise unless it says Fashion-MNIST. The step from 56 to 110
layers is measured on 16 images at both depths, as notebook 01b measures it (32 images at 110 layers would put the
notebook over Binder's memory).
Spread = largest / smallest per-conv gradient norm.

Measured on 2026-12-01 (TensorFlow, seeds 0, 1, 2), and the margin each bound leaves:
    BN on, noise     plain spread 20: 11-12x, 56: 4.0e3-6.7e3x                          bound >= 1000x at 56 (4x)
                     residual spread 20: 2.7-3.2x, 56: 9.4-12x                         bound <= 30x at 56 (2.5x)
      16 images      plain spread 56: 3.3e3-7.8e3x, 110: 1.7e7-8.1e7x (2026-12-07)       growth > 100x (21x)
                     residual spread 56: 11-12x, 110: 27-33x                           bound <= 100x at 110 (3x)
    BN off, noise    largest plain norm 20: 0.23-0.4, 56: 0.019-0.045                bound < 0.1 at 56 (2x)
                     smallest residual norm at 56: 3.3e3-1.5e4, largest at 20: 86-120 ratio > 1 (27x)
    BN on, images    plain spread 56: 2.2e3-3.1e3x; residual spread 56: 5.4-10x       >= 1000x (2x), <= 30x (3x)
"""

import numpy as np
import pytest

from resnet_widgets.gradients import NetworkSettings, compare

pytestmark = pytest.mark.backend_neutral


def on_noise(batch_norm, depths, batch_size):
    """{depth: compare()} on one batch of uniform noise, He-normal init, seed 0."""
    return {depth: compare(NetworkSettings(depth=depth, batch_norm=batch_norm, init="he_normal"), batch_size=batch_size)
            for depth in depths}


@pytest.fixture(scope="module")
def with_batch_norm():
    return on_noise(True, (20, 56), batch_size=32)


@pytest.fixture(scope="module")
def sixteen_images():
    return on_noise(True, (56, 110), batch_size=16)


@pytest.fixture(scope="module")
def without_batch_norm():
    return on_noise(False, (20, 56), batch_size=32)


@pytest.fixture(scope="module")
def on_fashion_mnist():
    return {depth: compare(NetworkSettings(depth=depth), data="fashion_mnist", batch_size=32) for depth in (20, 56)}


def test_the_claims_are_measured_on_the_paper_s_nets(with_batch_norm):
    result = with_batch_norm[56]
    assert result.settings["network"] == "cifar" and result.settings["width"] == 16
    assert result.settings["batch_size"] == 32 and "uniform random 28x28" in result.settings["data"]
    assert len(result.plain) == len(result.residual) == 55  # 56 layers: 55 convolutions and the dense layer


def test_with_batch_norm_at_depth_56_plain_spread_is_at_least_1000x_and_residual_at_most_30x(with_batch_norm):
    spreads = with_batch_norm[56].spreads
    assert spreads["plain"] >= 1000, spreads
    assert spreads["residual"] <= 30, spreads


def test_plain_spread_grows_with_depth_by_more_than_100x_from_56_to_110(with_batch_norm, sixteen_images):
    assert with_batch_norm[20].spreads["plain"] < with_batch_norm[56].spreads["plain"]
    plain = [sixteen_images[depth].spreads["plain"] for depth in (56, 110)]
    assert plain[0] < plain[1] / 100, plain


def test_residual_spread_grows_with_depth_but_stays_within_100x_at_110(with_batch_norm, sixteen_images):
    # Unlike the one-conv stack (test_claims.py: within 20x up to depth 100), the paper's v1 nets grow uneven
    # with depth, slowly.
    assert with_batch_norm[20].spreads["residual"] < with_batch_norm[56].spreads["residual"]
    residual = [sixteen_images[depth].spreads["residual"] for depth in (56, 110)]
    assert residual[0] < residual[1] <= 100, residual


def test_residual_nets_are_far_more_even_than_their_plain_twins(with_batch_norm, sixteen_images):
    for spreads in (with_batch_norm[56].spreads, sixteen_images[110].spreads):
        assert spreads["residual"] * 100 < spreads["plain"], spreads


def test_without_batch_norm_plain_gradients_are_small_and_shrink_with_depth(without_batch_norm):
    shallow, deep = without_batch_norm[20].plain, without_batch_norm[56].plain
    assert deep.max() < 0.1
    assert deep.max() < shallow.max() and np.median(deep) < np.median(shallow)


def test_without_batch_norm_residual_gradients_explode_with_depth(without_batch_norm):
    # Every norm at depth 56 is larger than every norm at depth 20, not just one outlier.
    assert without_batch_norm[56].residual.min() > without_batch_norm[20].residual.max()


def test_on_fashion_mnist_the_picture_is_the_same_and_the_numbers_differ(on_fashion_mnist, with_batch_norm):
    images = on_fashion_mnist[56].spreads
    assert on_fashion_mnist[56].settings["data"].startswith("Fashion-MNIST")
    assert images["plain"] >= 1000 and images["residual"] <= 30, images
    assert on_fashion_mnist[20].spreads["plain"] < images["plain"]
    noise = with_batch_norm[56].spreads
    assert images["plain"] != pytest.approx(noise["plain"], rel=0.05)  # the data matters to the numbers


def test_each_spread_is_a_ratio_of_measured_norms_not_a_dead_layer(with_batch_norm, without_batch_norm, on_fashion_mnist):
    # A layer cut off from the loss would have a norm of 0 and an infinite spread, which a claim such as
    # "plain spread >= 100x" would pass without measuring anything.
    for result in [*with_batch_norm.values(), *without_batch_norm.values(), *on_fashion_mnist.values()]:
        for kind, profile in (("plain", result.plain), ("residual", result.residual)):
            assert len(profile) == len(result.layer_names)  # one per convolution
            assert profile.min() > 0 and np.isfinite(result.spreads[kind]), (kind, result.settings)
            assert result.spreads[kind] == pytest.approx(profile.max() / profile.min())
