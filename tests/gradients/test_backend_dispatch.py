"""The one backend dispatch: gradients that agree with finite differences, and with the other backend."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from resnet_widgets.gradients import NetworkSettings, build_network, compare, synthetic_batch
from resnet_widgets.gradient_dispatch import loss_and_gradients
from resnet_widgets.gradients.networks import measured_convs
from resnet_widgets.gradients.norms import sparse_crossentropy


@pytest.mark.backend_neutral
def test_gradients_match_finite_differences():
    settings = NetworkSettings(depth=3, width=2, batch_norm=False, network="one_conv")
    model = build_network("residual", settings, input_shape=(6, 6, 1))
    x, y = synthetic_batch(4, shape=(6, 6, 1))
    loss_fn = sparse_crossentropy(from_logits=True)
    kernel = model.get_layer("conv2").kernel
    loss, (grad,) = loss_and_gradients(model, x, y, loss_fn, [kernel], training=False)

    original = np.asarray(kernel).astype(np.float64)
    index = (1, 1, 0, 1)
    eps = 1e-2

    def loss_at(value):
        changed = original.copy()
        changed[index] = value
        kernel.assign(changed.astype(np.float32))
        return float(loss_fn(y, model(x, training=False)))

    estimate = (loss_at(original[index] + eps) - loss_at(original[index] - eps)) / (2 * eps)
    kernel.assign(original.astype(np.float32))
    assert grad[index] == pytest.approx(estimate, rel=2e-2, abs=1e-5)
    assert np.isfinite(loss)


@pytest.mark.backend_neutral
def test_training_mode_updates_batch_norm_moving_averages_on_every_backend():
    model = build_network("plain", NetworkSettings(depth=2, width=2, network="one_conv"))
    x, y = synthetic_batch(4)
    kernels = [conv.kernel for conv in measured_convs(model)]
    before = np.asarray(model.get_layer("bn2").moving_mean).copy()
    loss_and_gradients(model, x, y, sparse_crossentropy(True), kernels, training=True)
    assert not np.array_equal(before, np.asarray(model.get_layer("bn2").moving_mean))


@pytest.mark.backend_neutral
def test_a_frozen_variable_is_refused_with_a_reason():
    model = build_network("plain", NetworkSettings(depth=2, width=2, network="one_conv"))
    model.get_layer("conv1").trainable = False
    x, y = synthetic_batch(2)
    with pytest.raises(ValueError, match="trainable variables"):
        loss_and_gradients(model, x, y, sparse_crossentropy(True), [model.get_layer("conv1").kernel])


_OTHER_BACKEND_SCRIPT = """
import json
from resnet_widgets.gradients import NetworkSettings, compare
r = compare(NetworkSettings(depth=12, width=8, network="one_conv"), batch_size=8)
c = compare(NetworkSettings(depth=14, width=4), batch_size=8)
print(json.dumps({"plain": r.plain.tolist(), "residual": r.residual.tolist(),
                  "cifar_plain": c.plain.tolist(), "cifar_residual": c.residual.tolist()}))
"""


def test_tensorflow_and_jax_measure_the_same_norms():
    # Weights come from numpy, so both backends measure the very same network.
    other = "jax" if keras.backend.backend() == "tensorflow" else "tensorflow"
    env = {**os.environ, "KERAS_BACKEND": other, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-c", _OTHER_BACKEND_SCRIPT]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    ours = compare(NetworkSettings(depth=12, width=8, network="one_conv"), batch_size=8)
    assert ours.plain == pytest.approx(theirs["plain"], rel=1e-3)
    assert ours.residual == pytest.approx(theirs["residual"], rel=1e-3)
    cifar = compare(NetworkSettings(depth=14, width=4), batch_size=8)
    assert cifar.plain == pytest.approx(theirs["cifar_plain"], rel=1e-3)
    assert cifar.residual == pytest.approx(theirs["cifar_residual"], rel=1e-3)
