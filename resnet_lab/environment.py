"""The environment check of 00_start_here: versions, accelerator, network, and where weights come from.

Everything here is a plain function returning data, so the notebook shows it and tests can call it, except
`environment_variables`, the one way the course's code and scripts set environment variables for a block.
"""

import contextlib
import importlib.metadata
import os
import platform
import sys

from resnet_widgets import arguments
from resnet_widgets.io import OFFLINE_VARIABLE, can_connect, offline

PACKAGES = ("keras", "tensorflow", "tensorflow-cpu", "jax", "jupyterlab", "ipywidgets", "anywidget", "plotly",
            "matplotlib", "nbval")
# The host the official ImageNet weights come from; reaching it is what "online" means for this course.
WEIGHTS_HOST = ("storage.googleapis.com", 443)


def package_versions(names=PACKAGES):
    """{distribution name: version} for the installed ones among `names`."""
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def is_online(host=WEIGHTS_HOST, timeout=2.0):
    """True when a TCP connection to `host` (a (name, port) pair) opens within `timeout` seconds.

    The same probe the downloads use (resnet_widgets.io.can_connect): name resolution included, it never
    waits longer than `timeout`.

    Raises:
        TypeError / ValueError: `host` not a (name, port) pair, or `timeout` not a number > 0.
    """
    if isinstance(host, (str, bytes)) or not hasattr(host, "__len__") or len(host) != 2 \
            or not isinstance(host[0], str):
        raise TypeError(
            f"host must be a (name, port) pair such as ('storage.googleapis.com', 443); received host={host!r}"
        )
    port = arguments.whole_number("host[1]", host[1], minimum=1, maximum=65535, meaning="the port")
    timeout = arguments.real_number("timeout", timeout, minimum=0, open_minimum=True, meaning="seconds")
    return can_connect(host[0], port, timeout)[0]


def environment_report(check_network=True):
    """A dict describing this machine as the course sees it.

    Args:
        check_network: probe the weights' host (at most 2 s). Never done when RESNET_LAB_OFFLINE is set.

    Keys: python, platform, keras_backend, packages, gpu, course_mode, online (True, False, or None when not
    checked), offline (RESNET_LAB_OFFLINE is set), keras_cache (where the ImageNet weights are kept).

    Raises:
        TypeError: check_network not True or False.
    """
    check_network = arguments.boolean("check_network", check_network)
    import keras

    from resnet_widgets.devices import gpu_available
    from resnet_widgets.models.weights import cache_path

    from .mode import course_mode

    return {
        "python": sys.version.split()[0],
        "platform": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores",
        "keras_backend": keras.backend.backend(),
        "packages": package_versions(),
        "gpu": gpu_available(),
        "course_mode": course_mode(),
        "online": is_online() if check_network and not offline() else None,
        "offline": offline(),
        "keras_cache": os.path.dirname(cache_path("x")),
    }


def format_report(report):
    """The report as aligned text lines, for a notebook cell's output."""
    online = {True: "yes (ImageNet weights and tf_flowers can be downloaded)",
              False: "no (everything offline still works: weights=None, Fashion-MNIST)",
              None: "not checked"}[report["online"]]
    if report.get("offline"):
        online = f"not checked: downloads are turned off ({OFFLINE_VARIABLE} is set)"
    lines = [
        f"Python         {report['python']}  ({report['platform']})",
        f"Keras backend  {report['keras_backend']}",
        f"GPU            {'yes' if report['gpu'] else 'no'}",
        f"Course mode    {report['course_mode']}  (RESNET_COURSE_MODE=auto|fast|full)",
        f"Online         {online}",
        f"Weights cache  {report['keras_cache']}",
        "Packages       " + ", ".join(f"{k} {v}" for k, v in report["packages"].items()),
    ]
    return "\n".join(lines)


@contextlib.contextmanager
def environment_variables(values):
    """Set the environment variables in `values` (name -> str) inside the block, then put back what was there
    (a variable that was unset is unset again), even when the block raises."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
