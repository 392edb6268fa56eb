"""Course mode: `fast` (the whole course on two CPU cores, as CI runs it) or `full` (the real GPU lab).

RESNET_COURSE_MODE = auto (default) | fast | full. `auto` means full when an accelerator is visible
(resnet_widgets.devices.gpu_available), else fast. Each lab's `parameters` cell calls `course_mode()` and may
override the answer. A broken CUDA install gives a RuntimeWarning and fast mode under `auto`; set
RESNET_COURSE_MODE=fast to choose the CPU on purpose.
"""

import os
import warnings

from resnet_widgets import arguments
from resnet_widgets.devices import gpu_available

MODES = ("auto", "fast", "full")


def course_mode(requested=None):
    """Resolve the course mode to "fast" or "full".

    Args:
        requested: "auto", "fast", "full" or None (None reads RESNET_COURSE_MODE, default "auto").

    Returns:
        "fast" or "full".

    Raises:
        ValueError: the requested mode (or the environment variable) is not one of MODES; the message
            names `requested` or RESNET_COURSE_MODE, and the modes.
    """
    name = "requested"
    if requested is None:
        requested, name = os.environ.get("RESNET_COURSE_MODE", "auto"), "RESNET_COURSE_MODE"
    # Case and spaces are forgiven ("FULL " from a shell); anything else is a mistake to point at.
    value = requested.strip().lower() if isinstance(requested, str) else requested
    arguments.choice(name, value, MODES, meaning="the course mode")
    if value == "auto":
        return "full" if _gpu_for_the_course() else "fast"
    return value


def _gpu_for_the_course():
    """gpu_available(), with the course's remedy added to its warning about a GPU that failed to start."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = gpu_available()
    for warning in caught:  # every warning is passed on; the devices' RuntimeWarning gains one sentence
        message = str(warning.message)
        if issubclass(warning.category, RuntimeWarning) and "failed when asked for its GPUs" in message:
            message += (" RESNET_COURSE_MODE=auto therefore gives fast mode; set RESNET_COURSE_MODE=fast to "
                        "choose the CPU on purpose.")
        warnings.warn(message, warning.category, stacklevel=3)
    return found
