"""gradient_dispatch.outputs_and_input_gradient: the one backend dispatch that Grad-CAM differentiates through."""

import keras
import numpy as np
import pytest
from keras import layers, ops

from resnet_widgets.gradient_dispatch import outputs_and_input_gradient

pytestmark = pytest.mark.backend_neutral


def two_input_model():
    image, extra = keras.Input((4, 4, 1)), keras.Input((4, 4, 2))
    x = layers.Conv2D(2, 3, padding="same", activation="tanh", name="conv")(image)
    x = layers.Add()([x, extra])
    x = layers.BatchNormalization(name="bn")(x)
    outputs = layers.Dense(3)(layers.Flatten()(x))
    keras.utils.set_random_seed(0)
    return keras.Model([image, extra], [x, outputs])


def score(outputs):
    return ops.sum(outputs[1] * ops.convert_to_tensor(np.array([1.0, -2.0, 0.5], "float32")))


def test_the_gradient_matches_finite_differences_and_leaves_the_model_unchanged():
    model = two_input_model()
    rng = np.random.default_rng(0)
    image = rng.normal(size=(2, 4, 4, 1)).astype("float32")
    extra = rng.normal(size=(2, 4, 4, 2)).astype("float32")
    moving_mean = np.asarray(model.get_layer("bn").moving_mean).copy()
    (features, scores), gradient = outputs_and_input_gradient(model, [image, extra], score, wrt=1)
    assert features.shape == (2, 4, 4, 2) and scores.shape == (2, 3) and gradient.shape == extra.shape

    def score_at(value):
        changed = extra.astype(np.float64).copy()
        changed[1, 2, 3, 0] = value
        _, out = model([image, changed.astype("float32")], training=False)
        return float(score([None, out]))

    eps = 1e-2
    estimate = (score_at(extra[1, 2, 3, 0] + eps) - score_at(extra[1, 2, 3, 0] - eps)) / (2 * eps)
    assert gradient[1, 2, 3, 0] == pytest.approx(estimate, rel=1e-2, abs=1e-4)
    np.testing.assert_array_equal(np.asarray(model.get_layer("bn").moving_mean), moving_mean)  # inference mode


def test_wrt_must_be_a_position_in_inputs():
    model = two_input_model()
    batch = [np.zeros((1, 4, 4, 1), "float32"), np.zeros((1, 4, 4, 2), "float32")]
    with pytest.raises(ValueError, match=r"wrt must be an integer from 0 to 1 \(a position in inputs\); received wrt=2"):
        outputs_and_input_gradient(model, batch, score, wrt=2)
