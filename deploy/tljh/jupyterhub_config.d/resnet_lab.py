"""ResNet Lab's settings for every learner's server on a TLJH machine (copied to /opt/tljh/config/jupyterhub_config.d/).

TLJH loads this after tljh-config's settings (https://tljh.jupyter.org/en/latest/topic/escape-hatch.html).
On Binder and in the Zero to JupyterHub image, binder/start sets the memory and thread settings before the server
starts; TLJH does not run it, so they are read from it here: one source for both.
"""

import os
import re
from pathlib import Path

c = get_config()  # noqa: F821 (TLJH's config loader provides it)

CHECKOUT = Path(os.environ.get("RESNET_LAB_CHECKOUT", "/opt/resnet-lab"))  # where deploy/tljh/install.sh cloned it
START = (CHECKOUT / "binder" / "start").read_text()

environment = dict(re.findall(r"^export (\w+)=(\S+)$", START, re.M))
# Every learner's kernels share the machine's GPU, if it has one. JAX takes 75 % of a GPU at its first operation
# and TensorFlow nearly all of it, so the first kernel would leave none to the others: allocate on demand instead.
# https://docs.jax.dev/en/latest/gpu_memory_allocation.html and https://www.tensorflow.org/guide/gpu
environment["XLA_PYTHON_CLIENT_PREALLOCATE"] = "false"
environment["TF_FORCE_GPU_ALLOW_GROWTH"] = "true"
c.Spawner.environment.update(environment)
