"""unfreeze: the top stages trainable, every BatchNormalization frozen, and compile enforced."""

import keras
import numpy as np
import pytest

from resnet_widgets.training import unfreeze

from .helpers import images, labels, transfer_model

pytestmark = pytest.mark.backend_neutral


def _trainable(model):
    base = model.get_layer("course_resnet")
    return {layer.name for layer in base.layers if layer.trainable and layer.weights}


def test_unfreezing_conv5_makes_only_conv5_trainable_and_keeps_batchnorm_frozen():
    model = transfer_model()
    report = unfreeze(model, "conv5")
    trainable = _trainable(model)
    assert trainable and all(name.startswith("conv5") and not name.endswith("_bn") for name in trainable)
    base = model.get_layer("course_resnet")
    assert all(not layer.trainable for layer in base.layers if isinstance(layer, keras.layers.BatchNormalization))
    assert model.get_layer("predictions").trainable
    assert set(report.unfrozen_layers) == trainable and len(report.frozen_batch_norm) == 20
    assert "compile" in str(report)


def test_unfreezing_conv4_adds_conv4_to_conv5():
    model = transfer_model()
    unfreeze(model, "conv4")
    assert {name.split("_")[0] for name in _trainable(model)} == {"conv4", "conv5"}


def test_fit_refuses_until_compiled_again_then_trains_only_the_unfrozen_layers():
    model = transfer_model()
    unfreeze(model, "conv5")
    with pytest.raises(ValueError, match="compile"):
        model.fit(images(), labels(), epochs=1, verbose=0)
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    base = model.get_layer("course_resnet")
    watched = ["conv5_block2_2_conv", "conv4_block2_2_conv", "conv5_block2_2_bn"]
    before = {name: [np.array(w) for w in base.get_layer(name).weights] for name in watched}
    model.fit(images(), labels(), epochs=1, batch_size=8, verbose=0)
    changed = {name: any(not np.array_equal(a, np.array(b)) for a, b in zip(before[name], base.get_layer(name).weights))
               for name in watched}
    # conv5 learns; conv4 and conv5's BN (gamma, beta and moving statistics) stay exactly as pretrained.
    assert changed == {"conv5_block2_2_conv": True, "conv4_block2_2_conv": False, "conv5_block2_2_bn": False}


def test_an_unknown_stage_is_refused_with_the_stages_the_model_has():
    with pytest.raises(ValueError) as raised:
        unfreeze(transfer_model(), "conv6")
    message = str(raised.value)
    assert "from_stage must be one of" in message and "'conv1', 'conv2', 'conv3', 'conv4', 'conv5'" in message
    assert "conv6" in message


def test_a_model_without_resnet_layers_is_refused():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="ResNet stage names"):
        unfreeze(model)
    with pytest.raises(TypeError, match="keras.Model"):
        unfreeze("model")
