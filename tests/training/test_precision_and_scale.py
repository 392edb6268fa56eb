"""training_setup: float32 on a CPU, mixed precision on a GPU, data parallel over several devices (JAX
DataParallel and TensorFlow's MirroredStrategy, each tested on two CPU devices), and the dashboard says what is in
effect."""

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from resnet_widgets.training.dashboard import LiveDashboard
from resnet_widgets.training.precision import training_setup

WORKER = Path(__file__).with_name("parallel_worker.py")
REPO = Path(__file__).resolve().parents[2]


def run_worker(**env):
    result = subprocess.run([sys.executable, str(WORKER)], capture_output=True, text=True, timeout=240,
                            env={**os.environ, "PYTHONPATH": str(REPO), **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def machine_gpus():
    """(name, compute capability (major, minor) or None) of each GPU the backend sees, asked of the backend
    itself, not through the code under test."""
    if keras.backend.backend() == "jax":
        import jax

        gpus = [d for d in jax.devices() if d.platform == "gpu"]
        capability = lambda d: getattr(d, "compute_capability", None)  # noqa: E731
        return [(d.device_kind, tuple(int(p) for p in str(capability(d)).split(".")[:2]) if capability(d) else None)
                for d in gpus]
    import tensorflow as tf

    details = [tf.config.experimental.get_device_details(g) for g in tf.config.list_physical_devices("GPU")]
    return [(d.get("device_name", "GPU"), d.get("compute_capability")) for d in details]


@pytest.mark.backend_neutral
def test_training_runs_in_the_precision_and_on_the_devices_this_machine_has():
    # gpu_check.sh runs this on the GPU machine, make test on CPUs: the expectation comes from the machine.
    setup = training_setup()
    gpus = machine_gpus()
    if not gpus:
        assert setup.device == "cpu" and setup.precision == "float32" and setup.parallel == "none"
        assert setup.jit_compile is (keras.backend.backend() == "jax")  # JAX compiles every step anyway
        assert setup.describe().startswith("float32 · XLA")
        return
    name, capability = gpus[0]
    precision = "mixed_bfloat16" if capability and capability[0] >= 8 else "mixed_float16"
    parallel = "none" if len(gpus) == 1 else {"jax": "DataParallel", "tensorflow": "MirroredStrategy"}[
        keras.backend.backend()]
    assert setup.device == f"gpu: {name}" and setup.devices == len(gpus)
    assert setup.precision == precision and setup.jit_compile is True and setup.parallel == parallel
    assert setup.describe().startswith(f"{precision} · XLA on · {len(gpus)} gpu device")


@pytest.mark.backend_neutral
def test_requested_settings_are_checked_by_name():
    with pytest.raises(ValueError, match="precision must be one of 'auto', 'float32', 'mixed_bfloat16'"):
        training_setup(precision="fp8")
    with pytest.raises(ValueError, match="parallel must be one of"):
        training_setup(parallel="model")
    assert training_setup(precision="mixed_bfloat16", jit_compile=False).describe().startswith("mixed_bfloat16 · XLA off")


def test_two_cpu_devices_train_data_parallel_on_jax_and_match_one_device():
    two = run_worker(KERAS_BACKEND="jax", XLA_FLAGS="--xla_force_host_platform_device_count=2")
    assert two["devices"] == 2 and two["parallel"] == "DataParallel" and two["distribution"] == "DataParallel"
    assert two["kernel_on_devices"] == 2  # the variables are replicated on both devices
    assert "2 cpu devices · DataParallel" in two["describe"]
    one = run_worker(KERAS_BACKEND="jax", XLA_FLAGS="")
    assert one["devices"] == 1 and one["parallel"] == "none" and one["kernel_on_devices"] == 1
    # Data parallelism splits each batch and averages the gradients: the same steps, the same weights.
    for a, b in zip(two["weights"], one["weights"]):
        np.testing.assert_allclose(np.array(a), np.array(b), rtol=1e-4, atol=1e-5)
    assert two["loss"] == pytest.approx(one["loss"], rel=1e-4)


@pytest.mark.backend_neutral
def test_the_dashboard_shows_the_setup_in_effect():
    setup = training_setup()
    dashboard = LiveDashboard(setup=setup, text=False)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.fit(np.zeros((8, 3)), np.zeros(8), epochs=1, verbose=0, callbacks=[dashboard])
    assert setup.describe() in dashboard.status.value


def test_two_cpu_devices_train_data_parallel_on_tensorflow_and_match_one_device():
    two = run_worker(KERAS_BACKEND="tensorflow", LOGICAL_CPUS="2")
    assert two["devices"] == 2 and two["parallel"] == "MirroredStrategy"
    assert "2 cpu devices · MirroredStrategy" in two["describe"]
    # Each replica of a step ran on its own device.
    assert [device.rsplit("/", 1)[-1] for device in two["replica_devices"]] == ["device:CPU:0", "device:CPU:1"]
    one = run_worker(KERAS_BACKEND="tensorflow", LOGICAL_CPUS="1")
    assert one["devices"] == 1 and one["parallel"] == "none" and one["replica_devices"] is None
    # Each replica takes half of every batch and the gradients are summed: the same steps, the same weights.
    for a, b in zip(two["weights"], one["weights"]):
        np.testing.assert_allclose(np.array(a), np.array(b), rtol=1e-4, atol=1e-5)
    assert two["loss"] == pytest.approx(one["loss"], rel=1e-4)
