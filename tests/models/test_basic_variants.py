"""ResNet18 and ResNet34 (He et al. 2015, Table 1): basic blocks in the family table, the family's names, no Keras weights."""

import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from resnet_widgets import models
from resnet_widgets.diagram import model_graph

from .conftest import random_images

# torchvision's published parameter counts (ResNet18_Weights / ResNet34_Weights "num_params"): weights and
# BN's gamma and beta. Our stem keeps keras.applications' conv1 bias (64 values), which torchvision's lacks.
TORCHVISION_PARAMS = {"ResNet18": 11_689_512, "ResNet34": 21_797_672}
CONV1_BIAS = 64


def trainable_count(model):
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


@pytest.mark.parametrize("variant, stages, depth", [("ResNet18", (2, 2, 2, 2), 18), ("ResNet34", (3, 4, 6, 3), 34)])
def test_the_family_table_gives_table_1s_stages_of_basic_blocks(variant, stages, depth):
    spec = models.FAMILY[variant]
    assert spec.depths == stages and spec.block == "basic" and not spec.preact
    assert spec.depth == depth  # conv1 + 2 convolutions per block + the dense layer: the number in the name
    assert models.FAMILY["ResNet50"].depth == 50 and models.FAMILY["ResNet152V2"].depth == 152


@pytest.mark.parametrize("variant", ["ResNet18", "ResNet34"])
def test_trainable_parameters_are_torchvisions_plus_the_conv1_bias(variant):
    model = getattr(models, variant)()
    assert trainable_count(model) == TORCHVISION_PARAMS[variant] + CONV1_BIAS


def test_layer_names_follow_the_family_scheme():
    model = models.ResNet18(input_shape=(64, 64, 3), classes=5)
    names = [layer.name for layer in model.layers]
    assert names[1:5] == ["conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu"]
    assert "conv2_block1_0_conv" not in names  # 64 -> 64 channels at stride 1: an identity shortcut
    for stage in ("conv3", "conv4", "conv5"):  # the first block of each later stage projects (option B)
        assert model.get_layer(f"{stage}_block1_0_conv").strides == (2, 2)
        assert model.get_layer(f"{stage}_block1_1_conv").strides == (2, 2)
    assert names[-3:] == ["conv5_block2_out", "avg_pool", "predictions"]
    assert model.output_shape == (None, 5)


def test_the_feature_extractor_ends_with_512_channels():
    model = models.ResNet34(include_top=False, input_shape=(64, 64, 3))
    assert model.output_shape == (None, 2, 2, 512)
    pooled = models.ResNet34(include_top=False, pooling="avg", input_shape=(64, 64, 3))
    assert pooled.output_shape == (None, 512)


@pytest.mark.parametrize("variant", ["ResNet18", "ResNet34"])
def test_imagenet_weights_are_refused_because_keras_has_none(variant):
    with pytest.raises(ValueError) as caught:
        getattr(models, variant)(weights="imagenet")
    message = str(caught.value)
    assert f"keras.applications has no {variant}" in message
    assert "weights=None" in message and "weights='imagenet'" in message


def test_a_weights_file_of_your_own_loads(tmp_path):
    trained = models.ResNet18(input_shape=(32, 32, 3), classes=3)
    path = tmp_path / "resnet18.weights.h5"
    trained.save_weights(path)
    loaded = models.ResNet18(weights=str(path), input_shape=(32, 32, 3), classes=3)
    x = random_images((2, 32, 32, 3))
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(trained(x, training=False)), keras.ops.convert_to_numpy(loaded(x, training=False))
    )


def test_model_graph_finds_every_basic_block_and_its_shortcut():
    graph = model_graph(models.ResNet18(input_shape=(64, 64, 3), classes=10))
    stages = [node for node in graph["children"] if node["kind"] == "stage"]
    assert [stage["name"] for stage in stages] == ["conv2", "conv3", "conv4", "conv5"]
    assert [len(stage["children"]) for stage in stages] == [2, 2, 2, 2]
    shortcuts = {block["name"]: block["shortcut"]["kind"] for stage in stages for block in stage["children"]}
    assert shortcuts.pop("conv3_block1") == shortcuts.pop("conv4_block1") == shortcuts.pop("conv5_block1") == "projection"
    assert set(shortcuts.values()) == {"identity"}
    assert graph["depth"] == 18 and graph["block_count"] == 8


def test_keras_variants_are_exactly_those_keras_applications_has():
    assert all(hasattr(keras.applications, name) for name in models.KERAS_VARIANTS)
    assert set(models.FAMILY) - set(models.KERAS_VARIANTS) == {"ResNet18", "ResNet34"}
    assert not hasattr(keras.applications, "ResNet18") and not hasattr(keras.applications, "ResNet34")


def test_the_family_table_loads_without_keras():
    # Menus and argument checks read the variant names from FAMILY, so the table must not need Keras: load the
    # module file on its own, in a process where importing keras fails.
    path = Path(models.__file__).with_name("family.py")
    code = (
        "import importlib.util, sys\n"
        "sys.modules['keras'] = None\n"
        f"spec = importlib.util.spec_from_file_location('family', {str(path)!r})\n"
        "family = importlib.util.module_from_spec(spec); spec.loader.exec_module(family)\n"
        "print(','.join(family.FAMILY))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().split(",") == list(models.FAMILY)


@pytest.mark.parametrize(
    "block, preact, fragment",
    [("bottlneck", False, "block must be one of 'bottleneck', 'basic'"), ("basic", True, "pre-activation")],
)
def test_a_variant_with_a_block_that_cannot_be_built_is_refused(block, preact, fragment):
    with pytest.raises(ValueError, match=fragment):
        models.Variant("mine", (2, 2, 2, 2), preact=preact, block=block)
