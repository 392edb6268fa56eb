"""Bad input gets a ValueError (or TypeError) naming the argument and the allowed values, before any model is built."""

import numpy as np
import pytest

from resnet_widgets.gradients import INITS, compare, degradation_experiment, gradient_norms, track
from resnet_widgets.gradients.networks import conv_stack

pytestmark = pytest.mark.backend_neutral


@pytest.mark.parametrize("depth", [0, -3])
def test_depth_below_one_is_refused(depth):
    with pytest.raises(ValueError, match=r"depth must be an integer >= 1.*received"):
        compare(depth)


@pytest.mark.parametrize("width", [0, -1])
def test_width_below_one_is_refused(width):
    with pytest.raises(ValueError, match=r"width must be an integer >= 1"):
        compare(4, width=width)


def test_non_integer_depth_is_a_type_error():
    with pytest.raises(TypeError, match="depth"):
        compare(2.5)
    with pytest.raises(TypeError, match="depth"):
        compare(True)


def test_unknown_init_lists_the_schemes():
    with pytest.raises(ValueError) as info:
        compare(4, init="lecun")
    message = str(info.value)
    assert message.startswith("init must be one of")
    assert all(repr(name) in message for name in INITS)
    assert "'lecun'" in message


def test_unknown_activation_lists_the_activations():
    with pytest.raises(ValueError, match=r"activation must be one of 'relu', 'elu', 'gelu', 'tanh', 'sigmoid'"):
        compare(4, activation="swishy")


def test_zero_gamma_without_batch_norm_is_refused():
    with pytest.raises(ValueError, match=r"he_normal_zero_gamma.*batch_norm=True"):
        compare(4, batch_norm=False, init="he_normal_zero_gamma")


@pytest.mark.parametrize(
    "data, fragment",
    [
        ((np.zeros((4, 28)), np.zeros(4, int)), r"data: images must have shape \(N, height, width\)"),
        ((np.zeros((4, 28, 28, 1, 1)), np.zeros(4, int)), r"data: images must have shape"),
        ((np.zeros((4, 28, 28)), np.zeros(5, int)), r"data: labels must have shape \(4,\)"),
        ((np.zeros((4, 28, 28)), np.zeros(4)), r"data: labels must be integers"),
        ((np.zeros((4, 28, 28)), np.full(4, 10)), r"data: labels must be integers in \[0, 10\)"),
        ("mnist", r"data must be None, 'synthetic', 'fashion_mnist' or a pair"),
    ],
)
def test_data_of_the_wrong_shape_is_refused(data, fragment):
    with pytest.raises(ValueError, match=fragment):
        compare(3, data=data)


def test_gradient_norms_refuses_a_batch_that_does_not_fit_the_model():
    import keras

    inputs = keras.Input((8, 8, 3))
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Flatten()(keras.layers.Conv2D(2, 3)(inputs))))
    with pytest.raises(ValueError, match=r"x must have shape \(N, 8, 8, 3\)"):
        gradient_norms(model, np.zeros((2, 8, 8, 1)), np.zeros(2, int))
    with pytest.raises(ValueError, match=r"y must hold one integer label per image"):
        gradient_norms(model, np.zeros((2, 8, 8, 3)), np.zeros(3, int))
    with pytest.raises(ValueError, match="group_by must be one of 'auto', 'block', 'layer'"):
        gradient_norms(model, np.zeros((2, 8, 8, 3)), np.zeros(2, int), group_by="stage")


def test_track_refuses_bad_run_lengths_and_optimizers():
    with pytest.raises(ValueError, match="steps must be an integer >= 1"):
        track(3, steps=0)
    with pytest.raises(ValueError, match="every must be an integer >= 1"):
        track(3, every=0)
    with pytest.raises(ValueError, match="optimizer must be one of 'sgd', 'adam'"):
        track(3, optimizer="rmsprop")
    with pytest.raises(ValueError, match="learning_rate must be a number > 0"):
        track(3, learning_rate=0)


def test_degradation_refuses_unknown_modes_and_depth_pairs():
    with pytest.raises(ValueError, match="mode must be one of 'fast', 'full'"):
        degradation_experiment("quick")
    with pytest.raises(ValueError, match=r"depths must be two depths \(shallow, deep\)"):
        degradation_experiment("fast", depths=(8,))
    with pytest.raises(ValueError, match="depth must be an integer >= 1"):
        degradation_experiment("fast", depths=(0, 8))
    with pytest.raises(ValueError, match="shallow < deep"):
        degradation_experiment("fast", depths=(32, 8))
    with pytest.raises(ValueError, match="data must be 'fashion_mnist' or a dataset"):
        degradation_experiment("fast", data=[1, 2, 3])


def test_conv_stack_refuses_unknown_kinds():
    with pytest.raises(ValueError, match="kind must be one of 'plain', 'residual'"):
        conv_stack("dense", 3)
