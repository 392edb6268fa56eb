"""Start Keras in a notebook without TensorFlow's start-up notices in the saved outputs.

TensorFlow's C++ libraries write notices straight to the process's stderr while they load: a oneDNN notice
and an absl warning, once per library, so twice. TF_CPP_MIN_LOG_LEVEL does not hide them (they come before
TensorFlow's logging starts), and a Jupyter kernel copies that stderr into the cell's output. Later INFO lines
are hidden by TF_CPP_MIN_LOG_LEVEL=1 (set unless the user set it), which keeps warnings and errors. The other way out,
TF_ENABLE_ONEDNN_OPTS=0, also switches off oneDNN's CPU kernels, which the gradient explorer needs to stay
fast on two cores. So `import_keras_quietly()` imports Keras with file descriptor 2 caught in a temporary file,
drops the notices listed in START_UP_NOTICES, and passes every other line on to stderr.

`import_keras_quietly(give_memory_back=True)` also lets TensorFlow give memory back, for a notebook that measures
many networks one after another (01b). With oneDNN on, TensorFlow allocates every tensor from a pool of its own that
keeps its largest size for the life of the process: after measuring gradients through 110 layers, 01b kept those
hundreds of MiB while it trained other networks. TF_ONEDNN_USE_SYSTEM_ALLOCATOR=1 allocates through the C library
instead, with two malloc arenas (memory.use_two_malloc_arenas), so the kernel's memory falls again between sections:
01b peaked at 1,420 MiB instead of the pool's 1,589. Same kernels, same sums, same results. It is not the default,
because notebooks that train in long loops fared worse with it (06b 1,528 MiB instead of 1,368, 08 1,536 instead
of 1,451: docs/BENCHMARKS.md, "Memory per notebook").
"""

import os
import re
import sys
import tempfile

from . import arguments
from .memory import use_two_malloc_arenas

# Lines that TensorFlow and its libraries print at import, whatever the code does (matched with re.search).
START_UP_NOTICES = (
    re.compile(r"^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$"),
    re.compile(r"\] oneDNN custom operations are on\."),
    re.compile(r"\] This TensorFlow binary is optimized to use available CPU instructions"),
    re.compile(r"To enable the following instructions: .* in other operations, rebuild TensorFlow"),
    re.compile(r"\] Unable to register cu(DNN|FFT|BLAS) factory"),
)


def passed_on(text):
    """The lines of `text` that are not start-up notices, joined again ("" when every line was one)."""
    kept = [line for line in text.splitlines() if line.strip() and not any(p.search(line) for p in START_UP_NOTICES)]
    return "".join(line + "\n" for line in kept)


def import_keras_quietly(give_memory_back=False):
    """Import Keras (and with it its backend) with the backend's start-up notices left out of stderr.

    Anything else written to stderr during the import is passed on, after it. Importing again is free.

    Args:
        give_memory_back: True has TensorFlow allocate through the C library, which gives memory back between
            sections (see the module's docstring), unless TF_ONEDNN_USE_SYSTEM_ALLOCATOR is set already. It takes
            effect only in the call that imports Keras: in a fresh kernel, the notebook's first cell.

    Returns:
        The keras module.

    Raises:
        TypeError: give_memory_back not True or False.
    """
    give_memory_back = arguments.boolean("give_memory_back", give_memory_back)
    if "keras" in sys.modules:
        return sys.modules["keras"]
    # TensorFlow's C++ INFO lines (level 0) reach the notebook while it runs, e.g. a tf.data generator's "Memory
    # patch applied"; level 1 keeps its warnings and errors. A value the user set is kept.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    if give_memory_back:
        # Both before the import: TensorFlow reads the variable once, when it makes its CPU allocator, and the
        # arenas setting reaches the threads started after it.
        os.environ.setdefault("TF_ONEDNN_USE_SYSTEM_ALLOCATOR", "1")
        use_two_malloc_arenas()
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            import keras

            keras.backend.backend()  # the backend is loaded by now
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            rest = passed_on(caught.read().decode("utf-8", errors="replace"))
            if rest:
                sys.stderr.write(rest)
                sys.stderr.flush()
    return keras
