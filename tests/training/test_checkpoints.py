"""Checkpoint records that cannot be read stop fit with the file named, before anything is overwritten; a
monitor that fit cannot log is named, instead of best.keras silently never being written."""

import json
import warnings

import keras
import numpy as np
import pytest

from resnet_widgets.training import CheckpointRecordError, checkpoint_callbacks

pytestmark = pytest.mark.backend_neutral

X = np.random.default_rng(0).random((16, 3)).astype("float32")
Y = np.arange(16) % 2


def small_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def fit(folder, epochs=2, validation=True, **kwargs):
    model = small_model()
    model.fit(X, Y, epochs=epochs, batch_size=8, verbose=0, validation_data=(X, Y) if validation else None,
              callbacks=checkpoint_callbacks(folder, **kwargs))
    return model


def files(folder):
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


@pytest.mark.parametrize("damage", ["not json", "no epoch", "names a missing file"])
def test_a_backup_record_that_cannot_be_read_stops_fit_and_leaves_the_backup_alone(tmp_path, damage):
    fit(tmp_path)
    record = tmp_path / "backup" / "backup.json"
    saved = json.loads(record.read_text())
    record.write_text({"not json": "{\"epoch\": 2, \"weig",
                       "no epoch": json.dumps({"weights": saved["weights"]}),
                       "names a missing file": json.dumps({"epoch": 2, "weights": "epoch-0009.weights.h5"})}[damage])
    before = files(tmp_path)
    with pytest.raises(CheckpointRecordError, match=r"the backup record .*backup\.json") as caught:
        fit(tmp_path, epochs=4)
    assert saved["weights"] in str(caught.value)  # the message names the weights that hold the completed epochs
    assert files(tmp_path) == before  # nothing was started over or overwritten


def test_a_best_model_record_that_cannot_be_read_stops_fit_and_leaves_the_best_model_alone(tmp_path):
    fit(tmp_path)
    (tmp_path / "best.keras.json").write_text("{\"monitor\": \"val_accuracy\", \"be")
    before = files(tmp_path)
    with pytest.raises(CheckpointRecordError, match=r"the best-model record .*best\.keras\.json"):
        fit(tmp_path, epochs=4)
    assert files(tmp_path) == before


def test_a_run_resumes_from_a_readable_backup(tmp_path):
    fit(tmp_path, epochs=2)
    fit(tmp_path, epochs=3)
    assert json.loads((tmp_path / "backup" / "backup.json").read_text())["epoch"] == 3


def test_a_monitor_the_logs_show_cannot_exist_stops_fit_with_what_fit_logs(tmp_path):
    with pytest.raises(ValueError, match=r"monitor must be one of the values fit logs \(.*'val_accuracy'.*\); "
                                         r"received monitor='val_acc'"):
        fit(tmp_path, monitor="val_acc", mode="max")
    assert not (tmp_path / "best.keras").exists()


def test_a_validation_monitor_without_validation_data_warns_once_when_fit_ends(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(tmp_path, epochs=3, validation=False)
    ours = [str(w.message) for w in caught if "best.keras was not written" in str(w.message)]
    assert len(ours) == 1 and "'val_accuracy'" in ours[0] and "validation_data" in ours[0]
    assert not any("Can save best model only" in str(w.message) for w in caught)  # not Keras' warning each epoch


def test_the_best_model_is_written_when_the_monitor_is_logged(tmp_path):
    fit(tmp_path, monitor="val_loss", mode="min")
    record = json.loads((tmp_path / "best.keras.json").read_text())
    assert (tmp_path / "best.keras").is_file() and record["monitor"] == "val_loss"
