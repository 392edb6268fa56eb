"""compare(): a matched plain/residual pair, one norm per conv layer, input side first."""

import math
from dataclasses import replace

import keras
import numpy as np
import pytest

from resnet_widgets.gradients import NetworkSettings, build_network, compare, matched_pair, measured_convs, spread

pytestmark = pytest.mark.backend_neutral


def test_one_norm_per_conv_layer_with_loss_and_settings():
    result = compare(NetworkSettings(depth=6, width=8, network="one_conv"), batch_size=8)
    assert result.plain.shape == result.residual.shape == (6,)
    assert result.layer_names == ("conv1", "conv2", "conv3", "conv4", "conv5", "conv6")
    assert set(result.loss) == {"plain", "residual"} and all(np.isfinite(v) for v in result.loss.values())
    assert result.settings["depth"] == 6 and result.settings["width"] == 8 and result.settings["seed"] == 0
    assert result.settings["backend"] in ("tensorflow", "jax")
    assert "Comparison" in repr(result) and "spread" in result.summary()


def test_the_cifar_nets_give_one_norm_per_conv_the_stem_first():
    result = compare(NetworkSettings(depth=8, width=4), batch_size=8)  # default network: 6n + 2 = 8 layers, 7 convs
    assert result.settings["network"] == "cifar"
    assert result.layer_names == (
        "conv1_conv", "conv2_block1_1_conv", "conv2_block1_2_conv", "conv3_block1_1_conv", "conv3_block1_2_conv",
        "conv4_block1_1_conv", "conv4_block1_2_conv",
    )
    assert result.plain.shape == result.residual.shape == (7,)
    assert "CIFAR-10 nets" in result.summary()


@pytest.mark.parametrize("network, depth", [("one_conv", 5), ("cifar", 14)])
def test_the_pair_differs_only_by_the_skip_connections(network, depth):
    plain, residual = matched_pair(NetworkSettings(depth=depth, width=4, network=network))
    for a, b in zip(measured_convs(plain), measured_convs(residual)):
        assert a.name == b.name and np.array_equal(np.asarray(a.kernel), np.asarray(b.kernel))
    skips = ("Add", "MaxPooling2D", "ChannelZeroPad")
    assert [type(layer).__name__ for layer in plain.layers] == [
        type(layer).__name__ for layer in residual.layers if type(layer).__name__ not in skips]
    assert not any(isinstance(layer, keras.layers.Add) for layer in plain.layers)
    assert sum(isinstance(layer, keras.layers.Add) for layer in residual.layers) == (depth - 1 if network == "one_conv"
                                                                                       else (depth - 2) // 2)
    assert plain.count_params() == residual.count_params()


def test_a_plain_number_is_the_depth_with_every_other_knob_at_its_default():
    from resnet_widgets.gradients import clear_bank_cache

    clear_bank_cache()
    assert matched_pair(8) == matched_pair(NetworkSettings(depth=8))  # the very same (cached) models
    shorthand, spelled_out = compare(8, batch_size=8), compare(NetworkSettings(depth=8), batch_size=8)
    assert shorthand.settings == spelled_out.settings
    assert shorthand.settings["width"] == 16 and shorthand.settings["network"] == "cifar"
    np.testing.assert_allclose(shorthand.plain, spelled_out.plain, rtol=1e-5)
    built = build_network("plain", np.int64(8))
    assert built.count_params() == build_network("plain", NetworkSettings(8)).count_params()


def test_at_depth_one_there_is_no_skip_so_both_measure_the_same():
    result = compare(NetworkSettings(depth=1, width=4, network="one_conv"), batch_size=8)
    assert result.plain == pytest.approx(result.residual, rel=1e-6)


def test_a_depth_d_stack_is_the_first_d_layers_of_a_deeper_one():
    shallow = build_network("plain", NetworkSettings(depth=3, width=4, network="one_conv"))
    deep = build_network("plain", NetworkSettings(depth=7, width=4, network="one_conv"))
    for a, b in zip(measured_convs(shallow), measured_convs(deep)):
        assert np.array_equal(np.asarray(a.kernel), np.asarray(b.kernel))


@pytest.mark.parametrize("network, depth", [("one_conv", 5), ("cifar", 8)])
def test_the_same_seed_gives_the_same_norms_and_another_seed_other_norms(network, depth):
    settings = NetworkSettings(depth=depth, width=4, network=network)
    first, again = compare(settings, batch_size=8), compare(settings, batch_size=8)
    other = compare(replace(settings, seed=1), batch_size=8)
    # The third measurement of a network runs its traced step (gradient_dispatch.TRACE_AFTER), which sums in another order:
    # the same to float32 rounding, where another seed differs in the first digit.
    np.testing.assert_allclose(again.plain, first.plain, rtol=1e-5)
    np.testing.assert_allclose(again.residual, first.residual, rtol=1e-5)
    assert not np.allclose(first.plain, other.plain, rtol=1e-2)


@pytest.mark.parametrize("network, deep, shallow", [("one_conv", 9, 4), ("cifar", 20, 8)])
def test_reused_layers_measure_the_same_as_freshly_built_ones(network, deep, shallow):
    # compare() reuses cached layers between calls; a fresh build must see the same gradients.
    from resnet_widgets.gradients import clear_bank_cache

    settings = NetworkSettings(depth=shallow, width=4, network=network)
    compare(replace(settings, depth=deep), batch_size=8)  # leaves a bank with the deeper net's layers
    compare(replace(settings, seed=3), batch_size=8)  # and redraws them for another seed
    cached = compare(settings, batch_size=8)
    clear_bank_cache()
    fresh = compare(settings, batch_size=8)
    assert cached.plain == pytest.approx(fresh.plain, rel=1e-5)
    assert cached.residual == pytest.approx(fresh.residual, rel=1e-5)


@pytest.mark.parametrize("network, depth", [("one_conv", 8), ("cifar", 14)])
def test_zero_gamma_makes_every_branch_kernel_get_exactly_zero_gradient_at_init(network, depth):
    result = compare(NetworkSettings(depth=depth, width=4, init="he_normal_zero_gamma", network=network), batch_size=8)
    convs = len(result.residual)
    assert result.residual[0] > 0  # the stem is not a branch
    assert np.all(result.residual[1:] == 0)
    assert result.zero_layers == {"plain": 0, "residual": convs - 1}
    # The plain stack has no branches, so it keeps gamma = 1 and its usual gradients.
    assert np.all(result.plain > 0)
    # A ratio with a zero in it is undefined, not infinite.
    assert math.isnan(result.spreads["residual"]) and math.isnan(result.first_last_ratios["residual"])


@pytest.mark.parametrize("network, depth", [("one_conv", 4), ("cifar", 8)])
@pytest.mark.parametrize("init", ["he_uniform", "glorot_normal", "glorot_uniform"])
def test_the_init_knob_draws_the_measured_kernels_from_its_scheme_and_the_norms_follow(init, network, depth):
    plain, _ = matched_pair(NetworkSettings(depth=depth, width=16, init=init, network=network))
    kernel = np.asarray(measured_convs(plain)[-1].kernel)  # a 3x3 convolution: thousands of draws
    fan_in, fan_out = np.prod(kernel.shape[:-1]), np.prod(kernel.shape[:-2]) * kernel.shape[-1]
    # Variance scaling (keras.initializers): 2 / fan_in for He, 2 / (fan_in + fan_out) for Glorot.
    variance = 2 / fan_in if init.startswith("he") else 2 / (fan_in + fan_out)
    assert kernel.var() == pytest.approx(variance, rel=0.1)
    # The bound tells the distributions apart: uniform on +-sqrt(3 var), a normal truncated at 2 of its unscaled
    # standard deviations (rescaled by 0.8796 to the target variance).
    bound = np.sqrt(3 * variance) if init.endswith("uniform") else 2 * np.sqrt(variance) / 0.87962566103423978
    assert 0.9 * bound < np.abs(kernel).max() <= bound * (1 + 1e-6)
    measured = compare(NetworkSettings(depth=depth, width=4, init=init, network=network), batch_size=8)
    he_normal = compare(NetworkSettings(depth=depth, width=4, network=network), batch_size=8)
    assert not np.allclose(measured.plain, he_normal.plain, rtol=1e-2)  # the measurement ran on those weights


def test_glorot_starts_with_smaller_weights_than_he():
    he = build_network("plain", NetworkSettings(depth=3, width=16, init="he_normal", network="one_conv"))
    glorot = build_network("plain", NetworkSettings(depth=3, width=16, init="glorot_normal", network="one_conv"))
    # 3x3 conv, 16 -> 16 channels: He variance 2/fan_in, Glorot 2/(fan_in + fan_out) = 1/fan_in.
    ratio = np.std(np.asarray(he.get_layer("conv2").kernel)) / np.std(np.asarray(glorot.get_layer("conv2").kernel))
    assert ratio == pytest.approx(np.sqrt(2), rel=0.1)


@pytest.mark.parametrize("network, depth", [("one_conv", 4), ("cifar", 8)])
@pytest.mark.parametrize("activation", ["elu", "gelu", "tanh", "sigmoid"])
def test_the_activation_knob_sets_every_nonlinearity_and_the_norms_follow(activation, network, depth):
    plain, residual = matched_pair(NetworkSettings(depth=depth, width=4, activation=activation, network=network))
    for model in (plain, residual):
        nonlinearities = [layer for layer in model.layers if isinstance(layer, keras.layers.Activation)]
        assert nonlinearities and {layer.activation.__name__ for layer in nonlinearities} == {activation}
    measured = compare(NetworkSettings(depth=depth, width=4, activation=activation, network=network), batch_size=8)
    relu = compare(NetworkSettings(depth=depth, width=4, network=network), batch_size=8)
    assert not np.allclose(measured.residual, relu.residual, rtol=1e-2)  # the measurement ran through them


@pytest.mark.parametrize("network, depth", [("one_conv", 3), ("cifar", 8)])
def test_given_arrays_are_the_batch_and_uint8_pixels_are_scaled(network, depth):
    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, size=(6, 12, 12), dtype=np.uint8)
    labels = rng.integers(0, 10, 6)
    settings = NetworkSettings(depth=depth, width=4, network=network)
    as_bytes = compare(settings, data=(images, labels))
    as_floats = compare(settings, data=(images[..., None] / 255.0, labels))
    assert as_bytes.settings["batch_size"] == 6
    assert as_bytes.plain == pytest.approx(as_floats.plain, rel=1e-5)


def test_real_fashion_mnist_images_can_be_the_batch():
    result = compare(NetworkSettings(depth=8, width=4), batch_size=16, data="fashion_mnist")
    assert result.settings["batch_size"] == 16
    assert result.settings["data"].startswith("Fashion-MNIST")
    assert np.all(result.plain > 0)


def test_spread_is_largest_over_smallest_and_undefined_with_a_zero():
    assert spread([2.0, 8.0, 4.0]) == 4.0
    assert math.isnan(spread([1.0, 0.0]))
    assert math.isnan(spread([1.0, float("inf")]))
    assert math.isnan(spread([]))
