"""Land the view on the exercise where Run All stopped.

In a student copy, Run All stops at the first check whose exercise is not written yet (`ExerciseNotWritten`).
JupyterLab has by then scrolled to the notebook's last cell, where Run All started to move the active cell, and
it stays there (jupyterlab/jupyterlab#8714): the learner sees the Summary, not the message. So, inside a Jupyter
kernel, `install()` adds IPython's custom-exception hook for `ExerciseNotWritten`: beside the usual one-line
message it displays a `ViewLanding`, an empty widget whose script scrolls its own cell into view.

The hook changes nothing else: the cell still ends in the same error (so Run All still stops there, nbval and
nbgrader still see it), and any other exception is shown as IPython always shows it. Outside a Jupyter kernel
(a script, a terminal IPython) there is no view to move and `install()` does nothing.
"""

from __future__ import annotations

from pathlib import Path

import anywidget

from .verdict import ExerciseNotWritten

_STATIC = Path(__file__).resolve().parents[1] / "static"


class ViewLanding(anywidget.AnyWidget):
    """An empty widget that scrolls the notebook cell it is shown in to the middle of the view, once."""

    _esm = _STATIC / "view_landing.js"

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)  # AnyWidget's: (data, metadata)
        if bundle is None:
            return None
        # Where the widget cannot be shown (a saved notebook without widget state, nbgrader's feedback), show
        # nothing rather than "ViewLanding(...)".
        data, metadata = bundle
        return {**data, "text/plain": ""}, metadata


def show_and_land(shell, etype, value, tb, tb_offset=None):
    """IPython's custom exception handler: the landing widget, then the exception as IPython shows it."""
    from IPython.display import display

    display(ViewLanding())
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    return None


def install(shell=None):
    """Add the hook to `shell` (default: the running IPython), if it is a Jupyter kernel's; return whether it did.

    A shell that already has another custom exception handler keeps it: there is one hook, and it is not ours.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return False
    if shell.custom_exceptions and shell.custom_exceptions != (ExerciseNotWritten,):
        return False
    shell.set_custom_exc((ExerciseNotWritten,), show_and_land)
    return True
