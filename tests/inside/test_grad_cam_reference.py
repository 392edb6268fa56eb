"""Our Grad-CAM equals the textbook TensorFlow formulation (keras.io's example) where that one applies."""

import keras
import numpy as np
import pytest

from resnet_widgets.inside import grad_cam
from resnet_widgets.models import ResNet50

SIZE = 96


def keras_io_grad_cam(model, image, layer_name, class_index):
    """keras.io's "Grad-CAM class activation visualization", for one image, on a model that outputs logits."""
    import tensorflow as tf

    grad_model = keras.Model(model.input, [model.get_layer(layer_name).output, model.output])
    with tf.GradientTape() as tape:
        activations, predictions = grad_model(image[None])
        score = predictions[:, class_index]
    grads = tape.gradient(score, activations)
    pooled = tf.reduce_mean(grads, axis=(0, 1, 2))
    heatmap = tf.squeeze(activations[0] @ pooled[..., tf.newaxis])
    heatmap = tf.maximum(heatmap, 0) / tf.math.reduce_max(heatmap)
    return heatmap.numpy()


@pytest.mark.parametrize("layer", ["conv5_block3_out", "conv4_block6_out", "conv5_block2_2_relu"])
def test_grad_cam_equals_the_keras_io_example_on_tensorflow(layer):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("the reference formulation uses tf.GradientTape")
    keras.utils.set_random_seed(5)
    # The reference needs logits as the output; ours reads the softmax model's scores before the softmax.
    logits = ResNet50(weights=None, input_shape=(SIZE, SIZE, 3), classes=4, classifier_activation=None)
    softmax = ResNet50(weights=None, input_shape=(SIZE, SIZE, 3), classes=4)
    softmax.set_weights(logits.get_weights())
    images = np.random.default_rng(3).uniform(-1, 1, size=(2, SIZE, SIZE, 3)).astype("float32")
    ours = grad_cam(softmax, images, class_index=[1, 3], layer=layer)
    for i, class_index in enumerate((1, 3)):
        reference = keras_io_grad_cam(logits, images[i], layer, class_index)
        np.testing.assert_allclose(ours.heatmaps[i], reference, atol=1e-5)
