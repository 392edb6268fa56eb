"""Keras starts without TensorFlow's start-up notices, and nothing else written to stderr is lost."""

import json
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


# A process that makes two 256 MiB tensors, lets them go, and reports its resident memory (MiB) at each step.
TENSORS_LET_GO = r"""
import json, sys
from resnet_widgets.memory import release_memory
from resnet_widgets.startup import import_keras_quietly

def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20

keras = import_keras_quietly(give_memory_back=sys.argv[1] == "True")
keras.ops.ones((4, 4)) * 2.0  # TensorFlow's runtime starts here, not inside the measurement
before = resident()
a = keras.ops.ones((64, 1024, 1024))
b = a * 2.0
held = resident()
del a, b
release_memory()
print(json.dumps({"before": before, "held": held, "after": resident()}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
@pytest.mark.parametrize("give_memory_back, user_setting, given_back", [
    (True, None, True),
    (False, None, False),  # the default: TensorFlow's own pool keeps what it once held
    (True, "0", False),  # the user's choice is kept
])
def test_tensors_let_go_give_their_memory_back_when_asked(give_memory_back, user_setting, given_back):
    env = {k: v for k, v in os.environ.items() if k not in ("TF_ONEDNN_USE_SYSTEM_ALLOCATOR", "MALLOC_ARENA_MAX")}
    env["KERAS_BACKEND"] = "tensorflow"  # the backend whose oneDNN pool keeps what it once held
    if user_setting is not None:
        env["TF_ONEDNN_USE_SYSTEM_ALLOCATOR"] = user_setting
    run = subprocess.run([sys.executable, "-c", TENSORS_LET_GO, str(give_memory_back)], env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    sizes = json.loads(run.stdout)
    assert sizes["held"] > sizes["before"] + 400, sizes  # both tensors were really made
    if given_back:
        assert sizes["after"] < sizes["before"] + 100, sizes
    else:
        assert sizes["after"] > sizes["before"] + 400, sizes

