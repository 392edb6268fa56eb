"""Checkpoints that survive a killed run, and are never half-written.

    callbacks = checkpoint_callbacks("runs/lab08")     # [ResumableBackup, BestModelCheckpoint]
    model.fit(..., epochs=10, callbacks=callbacks + [dashboard])   # killed at epoch 6? run the same line again
    best = load_checkpoint("runs/lab08/best.keras")    # safe_mode=True: no code is unpickled

- `ResumableBackup` is keras.callbacks.BackupAndRestore (fit starts again at the first epoch not completed,
  with the weights and optimizer state of the last completed one), with one change: Keras writes its backup
  in place, so a kill during the write can leave a damaged file under the name it will load. Here each
  epoch's weights go to a new file (written under a temporary name, then renamed), and only then does the
  small record that names it change (also written and renamed). Killed at any moment, the folder holds a
  complete, consistent backup of the last completed epoch.
- `BestModelCheckpoint` is keras.callbacks.ModelCheckpoint(save_best_only=True) writing the whole model as
  `.keras` under a temporary name and renaming it into place; the best value so far is recorded beside it, so
  a resumed run does not overwrite a better model with a worse one.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import keras

from .. import arguments, keras_internals
from ..io import replace_atomically

RECORD = "backup.json"
MODES = ("auto", "min", "max")


class CheckpointRecordError(ValueError):
    """A checkpoint's record file exists but cannot be read, or does not say what it must.

    Raised, not warned about: a run that went on would start over at epoch 1 (or compare with +-inf), and its
    first save would replace the record and the files it names, so the learner's completed epochs (or best
    model) would be gone before anyone read a warning. Stopping first leaves every file as it was, and the
    message says how to recover.
    """


def _read_json_record(path, what, recover):
    """The dict in the JSON file `path`, or None when there is no such file.

    Raises:
        CheckpointRecordError: the file exists but cannot be read or is not a JSON object; the message names
            the file, what it is (`what`) and how to go on (`recover`).
    """
    path = Path(path)
    try:
        record = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        reason = f"{type(error).__name__}: {error}"
    else:
        if isinstance(record, dict):
            return record
        reason = f"it holds {type(record).__name__}, not a JSON object"
    raise CheckpointRecordError(f"the {what} {path} cannot be read ({reason}). {recover}")


def _write_atomically(path, write):
    """Call write(temporary_path), then rename the result to `path` (io.replace_atomically); the temporary ends
    in `.partial` and `path`'s own suffixes, from which Keras picks the format."""
    path = Path(path)
    # before_replace is looked up at each call, so that a test can replace the module's function.
    replace_atomically(path, write, suffix="partial" + "".join(path.suffixes),
                       before_replace=lambda temporary, final: before_replace(temporary, final))


def before_replace(temporary, final):
    """Called after a checkpoint is complete under its temporary name and before it is renamed. Does
    nothing; the kill-and-resume test replaces it to kill the process at the worst moment."""


class ResumableBackup(keras.callbacks.BackupAndRestore):
    """BackupAndRestore whose backups are complete or absent, never half-written (see the module docstring).

    Args:
        backup_dir: the folder of the backup (created when needed).
        delete_checkpoint: remove the backup when fit ends normally (Keras' default, True).
    """

    def __init__(self, backup_dir, delete_checkpoint=True):
        keras_internals.require_callback_hooks("BackupAndRestore")
        super().__init__(os.fspath(backup_dir), save_freq="epoch", delete_checkpoint=delete_checkpoint)
        self.backup_dir = os.fspath(backup_dir)

    @property
    def record_path(self):
        return Path(self.backup_dir) / RECORD

    def read_record(self):
        """The backup's record ({"epoch": epochs completed, "weights": file name}), or None without one.

        Raises:
            CheckpointRecordError: a record that cannot be read, or names no epoch and weights file, or names a
                weights file that is not there (see CheckpointRecordError for why this stops the run).
        """
        saved = sorted(path.name for path in Path(self.backup_dir).glob("epoch-*.weights.h5"))
        recover = (
            "fit stops here instead of starting over, which would replace the backup of the completed epochs. "
            + (f"The weights saved beside it ({', '.join(saved)}) hold them: write the record again as "
               '{"epoch": N, "weights": "epoch-000N.weights.h5"} for the last of them, ' if saved else "")
            + f"or remove the folder {self.backup_dir} to start afresh."
        )
        record = _read_json_record(self.record_path, "backup record", recover)
        if record is None:
            return None
        epoch, weights = record.get("epoch"), record.get("weights")
        if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0 or not isinstance(weights, str) \
                or not weights:
            raise CheckpointRecordError(
                f"the backup record {self.record_path} must hold an epoch (an integer >= 0) and a weights file "
                f"name; it holds {record!r}. {recover}")
        if not (Path(self.backup_dir) / weights).is_file():
            raise CheckpointRecordError(
                f"the backup record {self.record_path} names {weights}, which is not in {self.backup_dir}. {recover}")
        return {"epoch": epoch, "weights": weights}

    def on_train_begin(self, logs=None):
        self._remove_partial_files()
        self._load_model()

    def _load_model(self):
        record = self.read_record()
        if record is None:
            return
        if not self.model.built:
            raise ValueError("ResumableBackup needs a built model: call it on a batch of data before fit")
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        self.model.load_weights(Path(self.backup_dir) / record["weights"])
        keras_internals.set_initial_epoch(self.model, record["epoch"])

    def _save_model(self):
        folder = Path(self.backup_dir)
        epoch = keras_internals.backup_epoch(self)
        weights = f"epoch-{epoch:04d}.weights.h5"
        _write_atomically(folder / weights, lambda path: self.model.save_weights(path, overwrite=True))
        previous = self.read_record()
        _write_atomically(self.record_path, lambda path: Path(path).write_text(
            json.dumps({"epoch": epoch, "weights": weights})))
        if previous and previous.get("weights") != weights:  # the record no longer names it
            (folder / previous["weights"]).unlink(missing_ok=True)

    def _remove_partial_files(self):
        folder = Path(self.backup_dir)
        if folder.is_dir():
            for leftover in folder.glob(".*.partial*"):
                leftover.unlink(missing_ok=True)


class BestModelCheckpoint(keras.callbacks.ModelCheckpoint):
    """ModelCheckpoint(save_best_only=True) for a whole `.keras` model, written atomically, resumable.

    Args:
        filepath: where the best model goes; must end in ".keras".
        monitor: the metric compared ("val_accuracy", "val_loss", ...): a name that fit logs.
        mode: "auto", "min" or "max" (Keras' rules for "auto").

    Raises:
        ValueError: a filepath that does not end in ".keras", or a mode not in MODES.
        TypeError: a monitor that is not a non-empty string.

    In fit, a monitor that the logs show cannot exist (the epoch logged other validation values, or the
    monitor is a training value and fit logged none of that name) stops fit with a ValueError listing what
    fit logs; Keras would warn each epoch and never write the file. A "val_" monitor in a fit without
    validation data cannot be told from a validation_freq that skips this epoch, so it gives one
    RuntimeWarning when fit ends, if no best model was written.
    """

    def __init__(self, filepath, monitor="val_accuracy", mode="auto", verbose=0):
        filepath = os.fspath(filepath)
        if not filepath.endswith(".keras"):
            raise ValueError(f"filepath must end in '.keras' (the whole model, loadable with safe_mode=True); "
                             f"received filepath={filepath!r}")
        monitor = check_monitor(monitor)
        mode = arguments.choice("mode", mode, MODES, meaning="whether a lower or a higher monitor is better")
        keras_internals.require_callback_hooks("ModelCheckpoint")
        super().__init__(filepath, monitor=monitor, mode=mode, save_best_only=True, verbose=verbose)

    @property
    def record_path(self):
        return Path(self.filepath + ".json")

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self._monitor_seen = False
        recover = (f"fit stops here rather than compare with no best value, which could replace {self.filepath} "
                   "with a worse model; write the record again as "
                   f'{{"monitor": "{self.monitor}", "best": VALUE, "epoch": N}}, or remove it (and the model) to '
                   "start afresh.")
        record = _read_json_record(self.record_path, "best-model record", recover)
        # a resumed run competes with the best model already saved, not with +-inf
        if record is None or record.get("monitor") != self.monitor or not Path(self.filepath).is_file():
            return
        try:
            self.best = float(record["best"])
        except (KeyError, TypeError, ValueError):
            raise CheckpointRecordError(
                f"the best-model record {self.record_path} has no number under 'best': {record!r}. {recover}"
            ) from None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor in logs:
            self._monitor_seen = True
        else:
            validated = any(name.startswith("val_") for name in logs)
            if validated or not self.monitor.startswith("val_"):  # the logs show the name is wrong
                logged = ", ".join(repr(name) for name in logs) or "nothing"
                raise ValueError(
                    f"monitor must be one of the values fit logs ({logged}); received monitor={self.monitor!r}, "
                    f"so {Path(self.filepath).name} would never be written. Pass one of those names to "
                    "checkpoint_callbacks(monitor=...)."
                )
            return  # no validation this epoch: nothing to compare, and Keras' warning would repeat every epoch
        super().on_epoch_end(epoch, logs)

    def on_train_end(self, logs=None):
        super().on_train_end(logs)
        if not self._monitor_seen:
            warnings.warn(
                f"{Path(self.filepath).name} was not written: fit logged no {self.monitor!r} in any epoch. Pass "
                "validation data to fit (validation_data=(x, y) or validation_split=0.1), or monitor a training "
                "value such as 'loss'.",
                RuntimeWarning,
                stacklevel=2,
            )

    def _save_model(self, epoch, batch, logs):
        filepath = keras_internals.checkpoint_file_path(self, epoch, batch, logs)
        if not keras_internals.checkpoint_should_save(self, epoch, batch, logs, filepath):
            return
        _write_atomically(filepath, lambda path: self.model.save(path, overwrite=True))
        record = {"monitor": self.monitor, "best": float(self.best), "epoch": int(epoch) + 1}
        _write_atomically(self.record_path, lambda path: Path(path).write_text(json.dumps(record)))


def check_monitor(monitor):
    """Return `monitor` when it is a non-empty string (whether fit logs it is known only in fit).

    Raises:
        TypeError: anything else.
    """
    if not isinstance(monitor, str) or not monitor:
        raise TypeError("monitor must be the name of a value fit logs, a string such as 'val_accuracy' or "
                        f"'val_loss'; received monitor={monitor!r}")
    return monitor


def checkpoint_callbacks(folder, monitor="val_accuracy", mode="auto"):
    """[ResumableBackup(folder/"backup"), BestModelCheckpoint(folder/"best.keras")] for model.fit.

    The backup is kept after a normal end too (delete_checkpoint=False), so running the same fit again
    continues where it stopped instead of starting over; remove the folder to start afresh.

    Args:
        folder: where the backup and best.keras go.
        monitor: the value that picks the best model: a name fit logs ("val_accuracy", "val_loss", ...).
        mode: "auto", "min" or "max": whether a lower or a higher monitor is better ("auto": Keras' rules).

    Raises:
        TypeError: `folder` is not a path, `monitor` not a string.
        ValueError: `mode` is not one of MODES. Which names fit logs depends on the compiled metrics and on
            the validation data, known only in fit: a monitor fit cannot log stops fit at the first epoch that
            shows it (see BestModelCheckpoint).
    """
    folder = arguments.path("folder", folder, "where the backup and best.keras go")
    monitor = check_monitor(monitor)
    mode = arguments.choice("mode", mode, MODES, meaning="whether a lower or a higher monitor is better")
    return [ResumableBackup(folder / "backup", delete_checkpoint=False),
            BestModelCheckpoint(folder / "best.keras", monitor=monitor, mode=mode)]


def load_checkpoint(path):
    """Load a `.keras` model saved by BestModelCheckpoint (or model.save), with safe_mode=True.

    safe_mode refuses to deserialise Lambda layers' code, so loading a file cannot run code from it; the
    package's own layers (ImagePreprocessing, ChannelZeroPad) are registered and load as they are.

    Raises:
        TypeError: `path` is not a str or pathlib.Path.
        FileNotFoundError: no file at `path`.
        ValueError: the file is not a loadable Keras model (Keras' reason, in one line).
    """
    path = arguments.path("path", path, "a .keras file saved by BestModelCheckpoint or model.save")
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    from . import preprocessing  # noqa: F401  (registers ImagePreprocessing)
    from ..models import blocks  # noqa: F401  (registers ChannelZeroPad)

    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValueError(f"the checkpoint {path} could not be loaded with safe_mode=True: {reason}") from None
