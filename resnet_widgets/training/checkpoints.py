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
from pathlib import Path

import keras

from .. import arguments, keras_internals

RECORD = "backup.json"


def _write_atomically(path, write):
    """Call write(temporary_path), then rename the result to `path`; on failure remove the temporary file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = "".join(path.suffixes) or ".tmp"  # Keras picks the format from the suffix: keep it
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial{suffix}")
    try:
        write(temporary)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        before_replace(temporary, path)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


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
        super().__init__(os.fspath(backup_dir), save_freq="epoch", delete_checkpoint=delete_checkpoint)
        self.backup_dir = os.fspath(backup_dir)

    @property
    def record_path(self):
        return Path(self.backup_dir) / RECORD

    def read_record(self):
        """The backup's record ({"epoch": epochs completed, "weights": file name}), or None without one."""
        try:
            return json.loads(self.record_path.read_text())
        except (OSError, ValueError):
            return None

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
        epoch = int(self._current_epoch)
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
        monitor: the metric compared ("val_accuracy", "val_loss", ...).
        mode: "auto", "min" or "max" (Keras' rules for "auto").

    Raises:
        ValueError: a filepath that does not end in ".keras".
    """

    def __init__(self, filepath, monitor="val_accuracy", mode="auto", verbose=0):
        filepath = os.fspath(filepath)
        if not filepath.endswith(".keras"):
            raise ValueError(f"filepath must end in '.keras' (the whole model, loadable with safe_mode=True); "
                             f"received filepath={filepath!r}")
        super().__init__(filepath, monitor=monitor, mode=mode, save_best_only=True, verbose=verbose)

    @property
    def record_path(self):
        return Path(self.filepath + ".json")

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        try:  # a resumed run competes with the best model already saved, not with +-inf
            record = json.loads(self.record_path.read_text())
            if record.get("monitor") == self.monitor and Path(self.filepath).is_file():
                self.best = float(record["best"])
        except (OSError, ValueError, KeyError, TypeError):
            pass

    def _save_model(self, epoch, batch, logs):
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, batch, logs, filepath):
            return
        _write_atomically(filepath, lambda path: self.model.save(path, overwrite=True))
        record = {"monitor": self.monitor, "best": float(self.best), "epoch": int(epoch) + 1}
        _write_atomically(self.record_path, lambda path: Path(path).write_text(json.dumps(record)))


def checkpoint_callbacks(folder, monitor="val_accuracy"):
    """[ResumableBackup(folder/"backup"), BestModelCheckpoint(folder/"best.keras")] for model.fit.

    The backup is kept after a normal end too (delete_checkpoint=False), so running the same fit again
    continues where it stopped instead of starting over; remove the folder to start afresh.
    """
    folder = arguments.path("folder", folder, "where the backup and best.keras go")
    return [ResumableBackup(folder / "backup", delete_checkpoint=False),
            BestModelCheckpoint(folder / "best.keras", monitor=monitor)]


def load_checkpoint(path):
    """Load a `.keras` model saved by BestModelCheckpoint (or model.save), with safe_mode=True.

    safe_mode refuses to deserialise Lambda layers' code, so loading a file cannot run code from it; the
    package's own layers (ImagePreprocessing, ChannelZeroPad) are registered and load as they are.

    Raises:
        FileNotFoundError: no file at `path`.
        ValueError: the file is not a loadable Keras model (Keras' reason, in one line).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    from . import preprocessing  # noqa: F401  (registers ImagePreprocessing)
    from ..models import blocks  # noqa: F401  (registers ChannelZeroPad)

    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValueError(f"the checkpoint {path} could not be loaded with safe_mode=True: {reason}") from None
