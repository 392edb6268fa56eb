"""Train a small model for a few SGD steps under training_setup() and print what happened, as JSON.

Run in a fresh process, with KERAS_BACKEND and XLA_FLAGS set by the caller (JAX reads XLA_FLAGS when it
starts, so a test cannot change the device count of its own process). On TensorFlow, LOGICAL_CPUS=n splits
the CPU into n logical devices before TensorFlow starts, the TensorFlow counterpart of XLA's device count.
"""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

if keras.backend.backend() == "tensorflow" and int(os.environ.get("LOGICAL_CPUS", "1")) > 1:
    import tensorflow as tf

    tf.config.set_logical_device_configuration(
        tf.config.list_physical_devices("CPU")[0],
        [tf.config.LogicalDeviceConfiguration() for _ in range(int(os.environ["LOGICAL_CPUS"]))])

from resnet_widgets.training.precision import training_setup  # noqa: E402

setup = training_setup().apply()
keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(64, 12)).astype("float32")
y = (x[:, 0] + x[:, 1] > 0).astype("int32")
with setup.scope():
    model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2)])
    model.compile(keras.optimizers.SGD(0.1), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  jit_compile=setup.jit_compile)
history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
kernel = model.weights[0]
devices_holding = None
if keras.backend.backend() == "jax":
    devices_holding = len(kernel.value.sharding.device_set)
replica_devices = None
if setup.strategy is not None:  # where each replica of a step really runs (TensorFlow)
    import tensorflow as tf

    ids = setup.strategy.run(lambda: tf.distribute.get_replica_context().replica_id_in_sync_group)
    replica_devices = sorted(t.device for t in setup.strategy.experimental_local_results(ids))
distribution = keras.distribution.distribution()
print(json.dumps({
    "describe": setup.describe(),
    "devices": setup.devices,
    "parallel": setup.parallel,
    "distribution": type(distribution).__name__ if distribution is not None else None,
    "kernel_on_devices": devices_holding,
    "replica_devices": replica_devices,
    "loss": [float(v) for v in history.history["loss"]],
    "weights": [np.asarray(w).tolist() for w in model.get_weights()],
}))
