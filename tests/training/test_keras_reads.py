"""The private Keras attributes the training package reads, through keras_internals, still mean what it expects."""

import keras
import numpy as np
import pytest

from resnet_widgets import keras_internals

pytestmark = pytest.mark.backend_neutral


def test_the_callback_hooks_that_checkpoints_override_exist_in_keras():
    for name, hooks in keras_internals.TRAINING_CALLBACK_HOOKS.items():
        cls = getattr(keras.callbacks, name)
        missing = [hook for hook in hooks if not callable(getattr(cls, hook, None))]
        assert not missing, f"keras.callbacks.{name} lost {missing}: update resnet_widgets/training/checkpoints.py"


def test_a_call_keeps_its_training_keyword_and_compile_its_trainable_record():
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)], name="inner")
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2, name="head")(inner(inputs, training=False)))
    (node,) = keras_internals.inbound_nodes(inner)
    assert keras_internals.call_keyword(node, "training") is False
    assert keras_internals.call_keyword(node, "mask", "absent") in (None, "absent")
    assert keras_internals.compiled_trainable_state(model) is None
    model.compile("sgd", "mse")
    record = keras_internals.compiled_trainable_state(model)
    assert record[model.get_layer("head")] is True


def test_a_built_optimizer_lists_the_variables_it_updates_and_fit_starts_at_the_initial_epoch():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    model.fit(np.zeros((4, 3)), np.zeros((4, 2)), epochs=1, verbose=0)
    assert {id(v) for v in keras_internals.optimizer_trainable_variables(model.optimizer)} == \
        {id(v) for v in model.trainable_variables}
    keras_internals.set_initial_epoch(model, 2)
    assert keras_internals.initial_epoch(model) == 2
    history = model.fit(np.zeros((4, 3)), np.zeros((4, 2)), epochs=3, verbose=0)
    assert history.epoch == [2]  # fit ran only the third epoch


def test_a_renamed_attribute_raises_keras_internals_changed_instead_of_reading_as_absent():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    del model._compiled_trainable_state  # what a rename in Keras would look like
    with pytest.raises(keras_internals.KerasInternalsChanged, match="_compiled_trainable_state"):
        keras_internals.compiled_trainable_state(model)
    del model._initial_epoch
    with pytest.raises(keras_internals.KerasInternalsChanged, match="_initial_epoch"):
        keras_internals.initial_epoch(model)


def test_unfreezing_asks_for_compile_again_through_the_one_flag_keras_reads():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    assert keras_internals.require_compile_again(model) is False  # never compiled: nothing to undo
    model.compile("sgd", "mse")
    assert keras_internals.require_compile_again(model) is True
    with pytest.raises(ValueError, match="compile"):
        model.fit(np.zeros((4, 3)), np.zeros((4, 2)), epochs=1, verbose=0)


@pytest.mark.parametrize("name, hook", [("ModelCheckpoint", "_get_file_path"), ("BackupAndRestore", "_load_model")])
def test_a_checkpoint_callback_refuses_to_start_when_a_hook_it_overrides_is_gone(monkeypatch, tmp_path, name, hook):
    from resnet_widgets.training.checkpoints import BestModelCheckpoint, ResumableBackup

    # The subclass's own override would hide the loss, so the check reads Keras' class, as made here.
    monkeypatch.delattr(getattr(keras.callbacks, name), hook)
    with pytest.raises(keras_internals.KerasInternalsChanged, match=f"{name}.{hook}"):
        if name == "ModelCheckpoint":
            BestModelCheckpoint(tmp_path / "best.keras")
        else:
            ResumableBackup(tmp_path / "backup")
