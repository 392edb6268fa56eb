"""The environment check of 00_start_here: versions, accelerator, network, and where weights come from.

Everything here is a plain function returning data, so the notebook shows it and tests can call it.
"""

import importlib.metadata
import os
import platform
import socket
import sys
import threading

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
    """True when a TCP connection to `host` opens within `timeout` seconds.

    Name resolution can hang far longer than a connect timeout on a closed network, so the whole
    attempt runs in a daemon thread that is abandoned after `timeout`.
    """
    result = []

    def attempt():
        try:
            with socket.create_connection(host, timeout=timeout):
                result.append(True)
        except (OSError, RuntimeError):  # RuntimeError: pytest-socket's block in tests
            result.append(False)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def environment_report(check_network=True):
    """A dict describing this machine as the course sees it.

    Keys: python, platform, keras_backend, packages, gpu, course_mode, online, keras_cache.
    """
    import keras

    from .mode import course_mode, gpu_available
    from .models.weights import cache_path

    return {
        "python": sys.version.split()[0],
        "platform": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores",
        "keras_backend": keras.backend.backend(),
        "packages": package_versions(),
        "gpu": gpu_available(),
        "course_mode": course_mode(),
        "online": is_online() if check_network else None,
        "keras_cache": os.path.dirname(cache_path("x")),
    }


def format_report(report):
    """The report as aligned text lines, for a notebook cell's output."""
    online = {True: "yes (ImageNet weights and tf_flowers can be downloaded)",
              False: "no (everything offline still works: weights=None, Fashion-MNIST)",
              None: "not checked"}[report["online"]]
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
