"""The overfitting experiment's regimes build what they say; the cost measurement reports what it measured."""

import keras
import numpy as np
import pytest

from resnet_widgets.inside.measured_cost import backbone_cost, measure_forward, peak_memory_supported
from resnet_widgets.inside.overfitting import REGIMES, Curves, Regime, small_resnet, train_regimes

pytestmark = pytest.mark.backend_neutral


def test_each_regime_adds_only_its_own_remedy():
    plain = small_resnet((28, 28, 1), 10, REGIMES["none"])
    everything = small_resnet((28, 28, 1), 10, REGIMES["all three"])
    def kinds(model):
        return {layer.name for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)}

    assert kinds(everything) - kinds(plain) == {"augmentation", "dropout"}
    assert plain.losses == []
    # One L2 penalty per convolution kernel (basic blocks included) and one for the dense layer.
    convolutions = [layer for layer in everything.layers if isinstance(layer, keras.layers.Conv2D)]
    assert len(everything.losses) == len(convolutions) + 1
    assert plain.count_params() == everything.count_params()


def test_the_same_seed_starts_every_regime_from_the_same_weights():
    a = small_resnet((28, 28, 1), 10, Regime(), seed=3)
    b = small_resnet((28, 28, 1), 10, REGIMES["all three"], seed=3)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def test_training_records_train_and_validation_accuracy_per_epoch():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 255, size=(16, 28, 28, 1)).astype("uint8")
    y = np.arange(16) % 2
    curves = train_regimes(x, y, x[:8], y[:8], regimes={"none": Regime()}, epochs=2, batch_size=8)["none"]
    assert len(curves.train) == len(curves.validation) == 2
    assert all(0.0 <= value <= 1.0 for value in curves.train + curves.validation)
    assert Curves([0.9, 1.0, 1.0], [0.5, 0.6, 0.7]).final(last=2) == pytest.approx((1.0, 0.65, 0.35))


def test_a_forward_pass_is_timed_and_its_memory_read_where_the_system_allows():
    model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(4, 3)])
    cost = measure_forward(model, np.zeros((2, 32, 32, 3), "float32"), repeats=2)
    assert cost.seconds > 0 and cost.batch_shape == (2, 32, 32, 3)
    assert (cost.peak_bytes is None) == (not peak_memory_supported())


def test_twice_the_side_costs_four_times_the_multiply_adds_and_the_same_parameters():
    small, large = backbone_cost("ResNet18", sizes=(64, 128), repeats=1)
    assert small.parameters == large.parameters
    assert large.macs / small.macs == pytest.approx(4, rel=0.05)
    assert large.activation_bytes / small.activation_bytes == pytest.approx(4, rel=0.05)


def test_networks_trained_side_by_side_learn_exactly_as_they_would_alone():
    from resnet_widgets.inside.overfitting import regimes_in_one_model

    rng = np.random.default_rng(1)
    x = rng.integers(0, 255, size=(8, 16, 16, 1)).astype("uint8")
    y = np.arange(8) % 3
    regimes = {"none": Regime(), "decay": Regime(weight_decay=1e-2)}
    together, keys = regimes_in_one_model(x.shape[1:], 3, regimes, seed=5)
    together.compile(keras.optimizers.Adam(1e-2), loss={k: "sparse_categorical_crossentropy" for k in keys})
    together.fit(x, {k: y for k in keys}, epochs=2, batch_size=4, shuffle=False, verbose=0)
    for key, regime in zip(keys, regimes.values()):
        alone = small_resnet(x.shape[1:], 3, regime, seed=5)
        alone.compile(keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
        alone.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
        for mine, reference in zip(together.get_layer(key).get_weights(), alone.get_weights()):
            np.testing.assert_allclose(mine, reference, rtol=1e-4, atol=1e-5)
