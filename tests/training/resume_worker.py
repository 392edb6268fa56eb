"""A training process for the kill-and-resume tests: run as `python resume_worker.py FOLDER`.

It trains a small seeded model for EPOCHS epochs with ResumableBackup, and appends one JSON line to
FOLDER/log.jsonl per event: {"event": "begin", "initial_epoch", "weights"} when training starts (after any
restore) and {"event": "epoch", "epoch", "weights"} when an epoch is complete and backed up. "weights" is a
checksum of the model's weights. Environment variables make it die at the worst moments:

    KILL_AT_BATCH="E:B"   SIGKILL itself after batch B of epoch E (0-based), in the middle of that epoch
    KILL_IN_SAVE="E"      SIGKILL itself while the backup after epoch E is written (complete under its
                          temporary name, not yet renamed)
"""

import json
import os
import signal
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from resnet_widgets import keras_internals  # noqa: E402
from resnet_widgets.training import checkpoints  # noqa: E402

EPOCHS = 5
folder = sys.argv[1]
log_path = os.path.join(folder, "log.jsonl")


def checksum(model):
    return float(sum(np.sum(np.asarray(w, dtype=np.float64)) for w in model.get_weights()))


def log(**event):
    with open(log_path, "a") as handle:
        handle.write(json.dumps(event) + "\n")


class Events(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        log(event="begin", initial_epoch=keras_internals.initial_epoch(self.model), weights=checksum(self.model))

    def on_train_batch_end(self, batch, logs=None):
        kill = os.environ.get("KILL_AT_BATCH")
        if kill and tuple(map(int, kill.split(":"))) == (self._epoch, batch):
            os.kill(os.getpid(), signal.SIGKILL)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        log(event="epoch", epoch=epoch, weights=checksum(self.model), loss=float(logs["loss"]))


kill_in_save = os.environ.get("KILL_IN_SAVE")
if kill_in_save:
    def die_before_rename(temporary, final):
        if os.path.basename(final) == f"epoch-{int(kill_in_save) + 1:04d}.weights.h5":
            os.kill(os.getpid(), signal.SIGKILL)

    checkpoints.before_replace = die_before_rename

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(64, 8)).astype("float32")
y = (x[:, 0] > 0).astype("int64")
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2)])
model.compile(keras.optimizers.Adam(0.01), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
backup = checkpoints.ResumableBackup(os.path.join(folder, "backup"), delete_checkpoint=False)
# Events after the backup: an epoch is logged as complete only once its backup is on disk.
model.fit(x, y, batch_size=8, epochs=EPOCHS, shuffle=False, verbose=0, callbacks=[backup, Events()])
log(event="end")
