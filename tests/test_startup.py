"""Keras starts without TensorFlow's start-up notices, and nothing else written to stderr is lost."""

import os
import subprocess
import sys

import pytest

from resnet_widgets.startup import passed_on

NOTICES = (
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
    "I0000 00:00:1796162301.437439   11867 port.cc:153] oneDNN custom operations are on. You may see slightly "
    "different numerical results due to floating-point round-off errors from different computation orders. To turn "
    "them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.\n"
)


@pytest.mark.backend_neutral
def test_known_notices_are_dropped_and_every_other_line_kept():
    assert passed_on(NOTICES * 2) == ""
    assert passed_on(NOTICES + "E0000 something really failed\n" + NOTICES) == "E0000 something really failed\n"
    assert passed_on("a warning of our own\n") == "a warning of our own\n"


def test_a_fresh_process_imports_keras_without_the_notices():
    script = (
        "import os, sys\n"
        "from resnet_widgets.startup import import_keras_quietly\n"
        "keras = import_keras_quietly()\n"
        "assert import_keras_quietly() is keras\n"
        "os.write(2, b'stderr still works\\n')\n"
        "print(keras.backend.backend())\n"
    )
    # TensorFlow is the backend that prints the notices (JAX prints none, so the JAX pass does not run this test).
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")}
    env["KERAS_BACKEND"] = "tensorflow"
    plain = subprocess.run([sys.executable, "-c", "import keras"], env=env, capture_output=True, text=True, timeout=300)
    assert "oneDNN custom operations" in plain.stderr  # the control: a plain import shows them here
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "oneDNN custom operations" not in done.stderr and "absl::InitializeLog" not in done.stderr
    assert "stderr still works" in done.stderr
    assert done.stdout.strip() == "tensorflow"
