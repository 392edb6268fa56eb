"""Augmentation and rescaling are Keras preprocessing layers: they run inside a model, on any backend."""

import numpy as np
import pytest

from resnet_widgets.data import augmentation_layers, rescaling

pytestmark = pytest.mark.backend_neutral


def batch():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(4, 32, 32, 3)).astype("float32")


def test_augmentation_is_identity_at_inference_and_random_in_training():
    import keras

    layers = augmentation_layers(seed=1)
    x = batch()
    assert isinstance(layers, keras.Sequential)
    assert [type(layer).__name__ for layer in layers.layers] == ["RandomFlip", "RandomRotation", "RandomZoom"]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layers(x, training=False)), x)
    augmented = keras.ops.convert_to_numpy(layers(x, training=True))
    assert augmented.shape == x.shape and not np.allclose(augmented, x)


def test_rescaling_maps_uint8_pixels_to_the_model_range():
    import keras

    x = np.array([[0.0, 127.5, 255.0]], dtype="float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(rescaling()(x)), [[0.0, 0.5, 1.0]], atol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(rescaling(1 / 127.5, -1.0)(x)), [[-1.0, 0.0, 1.0]], atol=1e-6)


def test_inside_a_model_the_layers_augment_in_fit_and_not_in_evaluate():
    import keras

    inputs = keras.Input((32, 32, 3))
    x = augmentation_layers(contrast=0.2, translation=0.1, seed=0)(inputs)
    x = rescaling()(x)
    x = keras.layers.Conv2D(4, 3, kernel_initializer=keras.initializers.GlorotUniform(seed=0))(x)
    # Flatten, not pooling: a pooled feature barely moves when an image is flipped or shifted, so the loss would
    # tell augmented images from the originals by chance (and the Dense layer's weights are seeded too).
    outputs = keras.layers.Dense(2, activation="softmax",
                                 kernel_initializer=keras.initializers.GlorotUniform(seed=1))(keras.layers.Flatten()(x))
    model = keras.Model(inputs, outputs)
    # A step size of 0: fit reports the loss of the images it was given, and changes no weight.
    model.compile(keras.optimizers.SGD(learning_rate=0.0), "sparse_categorical_crossentropy")
    images, labels = batch(), np.array([0, 1, 0, 1])
    seen_in_fit = model.fit(images, labels, batch_size=4, epochs=1, shuffle=False, verbose=0).history["loss"][0]
    seen_in_evaluate = model.evaluate(images, labels, batch_size=4, verbose=0)
    probabilities = keras.ops.convert_to_numpy(model(images, training=False))
    unaugmented = -np.mean(np.log(probabilities[np.arange(4), labels]))
    assert seen_in_evaluate == pytest.approx(unaugmented, rel=1e-5)  # evaluate: the images as they are
    assert abs(seen_in_fit - seen_in_evaluate) > 1e-2, (seen_in_fit, seen_in_evaluate)  # fit: augmented ones
    assert not model.layers[1].trainable_weights  # nothing in the augmentation for fit to train


def test_everything_off_is_an_identity_block():
    x = batch()
    layers = augmentation_layers(flip=None, rotation=0, zoom=0)
    import keras

    np.testing.assert_allclose(keras.ops.convert_to_numpy(layers(x, training=True)), x)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"flip": "diagonal"}, ValueError,
         r"^flip must be one of None, False, 'horizontal', 'vertical', 'horizontal_and_vertical'; received flip="),
        ({"rotation": 1.5}, ValueError, r"^rotation must be a number >= 0 and < 1 .*; received rotation=1.5$"),
        ({"zoom": -0.1}, ValueError, r"^zoom must be a number >= 0 and < 1"),
        ({"contrast": True}, TypeError, r"^contrast must be a number >= 0 and < 1"),
        ({"seed": 0.5}, TypeError, r"^seed must be an integer >= 0; received seed=0.5$"),
    ],
)
def test_bad_factors_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        augmentation_layers(**kwargs)
