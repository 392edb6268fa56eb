"""Bad input at every public entry point: each row calls one function with one bad argument and asserts the
error type (TypeError for the wrong kind, ValueError for the wrong value) and that the message names the
argument. One table across the package, so a new entry point without checks shows up as a missing row.

Rows cover the functions as they are on main; the lead adds rows for new ones. A row's call gets a small
context (a Keras input tensor, a temporary folder); nothing here builds a whole model or touches the network:
every check must fire before the work starts.
"""

import re
from dataclasses import dataclass
from typing import Callable

import keras
import numpy as np
import pytest

from resnet_lab import environment
from resnet_lab.mode import course_mode
from resnet_widgets import checks, data, gradients, io, models
from resnet_widgets.data import recorded
from resnet_widgets.models import blocks, costs
from resnet_widgets.models import weights as weights_module
from resnet_widgets.startup import import_keras_quietly


def _block(*args, **kwargs):  # a learner's function that the rows below never reach: their arguments fail first
    raise AssertionError("the check called the function before refusing its own bad argument")


@dataclass(frozen=True)
class Context:
    """What a row's call may need: a Keras tensor with 16 channels, a temporary folder, a tiny model."""

    x: object
    tmp_path: object
    tiny_model: object

    def image_folder(self):
        from tests.data.datafiles import make_image_folder

        return make_image_folder(self.tmp_path / "photos", {"cats": 2, "dogs": 2}, size=(8, 8))

    def image_file(self):
        from tests.data.datafiles import jpeg_bytes

        path = self.tmp_path / "one.jpg"
        path.write_bytes(jpeg_bytes(8, 8))
        return path


@dataclass(frozen=True)
class Row:
    function: str
    call: Callable
    error: type
    argument: str

    @property
    def id(self):
        return f"{self.function}-{self.argument}-{self.error.__name__}"


def load(**kwargs):
    return data.load_dataset(**{"name": "fashion_mnist", **kwargs})


def record(**changes):
    return {"name": "x.bin", "url": "http://127.0.0.1:9/x.bin", "sha256": "0" * 64, **changes}


ROWS = [
    # models: the six variants and their builder
    Row("ResNet50", lambda c: models.ResNet50(weights=None, classes=0), ValueError, "classes"),
    Row("ResNet50", lambda c: models.ResNet50(weights=None, classes="10"), TypeError, "classes"),
    Row("ResNet50", lambda c: models.ResNet50(weights=None, classes=2.5), TypeError, "classes"),
    Row("ResNet50", lambda c: models.ResNet50(weights="imagenet", classes=10), ValueError, "classes"),
    Row("ResNet50", lambda c: models.ResNet50(weights="imagenet", classifier_activation="sigmoid"), ValueError,
        "classifier_activation"),
    Row("ResNet101", lambda c: models.ResNet101(weights=None, include_top=False, pooling="mean"), ValueError,
        "pooling"),
    Row("ResNet152", lambda c: models.ResNet152(weights=42), TypeError, "weights"),  # a wrong kind (issue 19)
    Row("ResNet152", lambda c: models.ResNet152(weights="resnet152.weights.h5"), ValueError, "weights"),
    Row("ResNet50V2", lambda c: models.ResNet50V2(weights=None, include_top="yes"), TypeError, "include_top"),
    Row("ResNet101V2", lambda c: models.ResNet101V2(weights=None, include_top=False, input_shape=(31, 64, 3)),
        ValueError, "input_shape"),
    Row("ResNet152V2", lambda c: models.ResNet152V2(weights=None, input_tensor=np.zeros((1, 32, 32, 3))), TypeError,
        "input_tensor"),
    Row("build_resnet", lambda c: models.build_resnet("ResNet51", weights=None), ValueError, "variant"),
    Row("imagenet_weights_file", lambda c: weights_module.imagenet_weights_file("resnet51", True), ValueError,
        "weights_name"),
    Row("imagenet_weights_file", lambda c: weights_module.imagenet_weights_file("resnet50", "no"), TypeError,
        "include_top"),
    Row("decode_predictions", lambda c: models.resnet.decode_predictions(np.zeros(1000)), ValueError, "preds"),
    Row("decode_predictions", lambda c: models.resnet_v2.decode_predictions(np.zeros((1, 1000)), top=0), ValueError,
        "top"),
    Row("variant_cost", lambda c: costs.variant_cost("ResNet51"), ValueError, "variant"),
    Row("variant_cost", lambda c: costs.variant_cost("ResNet50", input_size=16), ValueError, "input_size"),
    # models: the blocks
    Row("identity_block", lambda c: models.identity_block(c.x, "4"), TypeError, "filters"),
    Row("identity_block", lambda c: models.identity_block(c.x, 4.0), TypeError, "filters"),
    Row("identity_block", lambda c: models.identity_block(c.x, 0), ValueError, "filters"),
    Row("identity_block", lambda c: models.identity_block(c.x, 4, kernel_size=0), ValueError, "kernel_size"),
    Row("conv_block", lambda c: models.conv_block(c.x, -1), ValueError, "filters"),
    Row("conv_block", lambda c: models.conv_block(c.x, 4, stride=0), ValueError, "stride"),
    Row("conv_block", lambda c: models.conv_block(c.x, 4, stride=1.5), TypeError, "stride"),
    Row("conv_block", lambda c: models.conv_block(c.x, 4, stride_on="middle"), ValueError, "stride_on"),
    Row("preact_block", lambda c: models.preact_block(c.x, 4, stride=0), ValueError, "stride"),
    Row("preact_block", lambda c: models.preact_block(c.x, 4, stride="2"), TypeError, "stride"),
    Row("preact_block", lambda c: models.preact_block(c.x, "4"), TypeError, "filters"),
    Row("preact_block", lambda c: models.preact_block(c.x, 4, conv_shortcut="yes"), TypeError, "conv_shortcut"),
    Row("basic_block", lambda c: models.basic_block(c.x, 0), ValueError, "filters"),
    Row("basic_block", lambda c: models.basic_block(c.x, 4, shortcut="identity"), ValueError, "shortcut"),
    Row("check_stride_on", lambda c: blocks.check_stride_on("2x2"), ValueError, "stride_on"),
    # data
    Row("load_dataset", lambda c: load(name="imagenet"), ValueError, "name"),
    Row("load_dataset", lambda c: load(limit=0), ValueError, "limit"),
    Row("load_dataset", lambda c: load(limit=True), TypeError, "limit"),
    Row("load_dataset", lambda c: load(seed=1.5), TypeError, "seed"),
    Row("load_dataset", lambda c: load(seed=-1), ValueError, "seed"),
    Row("load_dataset", lambda c: load(image_size="224"), TypeError, "image_size"),
    Row("load_dataset", lambda c: load(image_size=(0, 32)), ValueError, "image_size"),
    Row("load_dataset", lambda c: load(split=0.2), ValueError, "split"),
    Row("load_dataset", lambda c: load(classes=[10]), ValueError, "classes"),
    Row("load_dataset", lambda c: load(classes=[1.0]), TypeError, "classes"),
    Row("load_dataset", lambda c: load(path="photos"), ValueError, "path"),
    Row("load_dataset", lambda c: data.load_dataset("folder", image_size=16), ValueError, "path"),
    Row("load_dataset", lambda c: data.load_dataset("folder", path=c.image_folder()), ValueError, "image_size"),
    Row("load_dataset", lambda c: data.load_dataset("folder", path=c.image_folder(), image_size=16, split=1.5),
        ValueError, "split"),
    Row("catalog_entry", lambda c: data.catalog_entry("imagenet"), ValueError, "name"),
    Row("augmentation_layers", lambda c: data.augmentation_layers(flip="diagonal"), ValueError, "flip"),
    Row("augmentation_layers", lambda c: data.augmentation_layers(rotation=1.5), ValueError, "rotation"),
    Row("augmentation_layers", lambda c: data.augmentation_layers(contrast=True), TypeError, "contrast"),
    Row("augmentation_layers", lambda c: data.augmentation_layers(seed="0"), TypeError, "seed"),
    Row("rescaling", lambda c: data.rescaling(scale="1/255"), TypeError, "scale"),
    Row("fetch_file", lambda c: data.fetch_file("x.bin"), TypeError, "record"),
    Row("fetch_file", lambda c: data.fetch_file(record(), attempts=0), ValueError, "attempts"),
    Row("decode_image", lambda c: data.decode_image(c.image_file(), size=(0, 8)), ValueError, "size"),
    Row("scan_image_folder", lambda c: data.scan_image_folder(c.tmp_path / "absent"), ValueError, "path"),
    # mode and environment
    Row("course_mode", lambda c: course_mode("turbo"), ValueError, "requested"),
    # Refused even when Keras is imported already (as here), where the flag could no longer act.
    Row("import_keras_quietly", lambda c: import_keras_quietly(give_memory_back="yes"), TypeError, "give_memory_back"),
    Row("environment_report", lambda c: environment.environment_report(check_network="yes"), TypeError,
        "check_network"),
    Row("is_online", lambda c: environment.is_online(timeout=0), ValueError, "timeout"),
    Row("is_online", lambda c: environment.is_online("storage.googleapis.com"), TypeError, "host"),
    # diagram
    Row("model_graph", lambda c: _diagram().model_graph(3), TypeError, "model"),
    Row("to_svg", lambda c: _diagram().to_svg("not a model"), TypeError, "model"),
    Row("ArchitectureDiagram", lambda c: _diagram().ArchitectureDiagram(3), TypeError, "model"),
    Row("diagram_scene", lambda c: _diagram().diagram_scene({}), ValueError, "graph"),
    Row("to_png", lambda c: _diagram().to_png("not a model"), TypeError, "model"),
    Row("to_svg", lambda c: _diagram().to_svg(c.tiny_model, expanded="conv2_block1"), TypeError, "expanded"),
    Row("ArchitectureDiagram", lambda c: _diagram().ArchitectureDiagram(c.tiny_model, expanded="head"), TypeError,
        "expanded"),
    Row("side_by_side", lambda c: _diagram().side_by_side("<svg/>"), ValueError, "pictures"),
    Row("explore", lambda c: _diagram().explore("ResNet51"), ValueError, "variant"),
    Row("explore", lambda c: _diagram().explore("ResNet50", 16), ValueError, "input_size"),
    # gradients
    Row("compare", lambda c: gradients.compare(0), ValueError, "depth"),
    Row("compare", lambda c: gradients.compare(2.5), TypeError, "depth"),
    Row("NetworkSettings", lambda c: gradients.NetworkSettings(8, width="4"), TypeError, "width"),
    Row("NetworkSettings", lambda c: gradients.NetworkSettings(8, batch_norm="yes"), TypeError, "batch_norm"),
    Row("NetworkSettings", lambda c: gradients.NetworkSettings(8, init="lecun"), ValueError, "init"),
    Row("NetworkSettings", lambda c: gradients.NetworkSettings(8, activation="swishy"), ValueError, "activation"),
    Row("compare", lambda c: gradients.compare("20"), TypeError, "settings"),  # a NetworkSettings or a depth
    Row("track", lambda c: gradients.track({"depth": 20}), TypeError, "settings"),
    Row("compare", lambda c: gradients.compare(8, batch_size=0), ValueError, "batch_size"),
    Row("compare", lambda c: gradients.compare(8, data="mnist"), ValueError, "data"),
    Row("track", lambda c: gradients.track(8, steps=0), ValueError, "steps"),
    Row("track", lambda c: gradients.track(8, every=0), ValueError, "every"),
    Row("track", lambda c: gradients.track(8, learning_rate=-1), ValueError, "learning_rate"),
    Row("track", lambda c: gradients.track(8, optimizer="rmsprop"), ValueError, "optimizer"),
    Row("degradation_experiment", lambda c: gradients.degradation_experiment("quick"), ValueError, "mode"),
    Row("degradation_experiment", lambda c: gradients.degradation_experiment("fast", depths=(8,)), ValueError,
        "depths"),
    Row("degradation_experiment", lambda c: gradients.degradation_experiment("fast", seeds=(0, 0)), ValueError,
        "seeds"),
    Row("degradation_experiment", lambda c: gradients.degradation_experiment("fast", schedule="linear"), ValueError,
        "schedule"),
    Row("reseed", lambda c: gradients.reseed(c.tiny_model, 1.5), TypeError, "seed"),
    Row("cifar_resnet", lambda c: models.cifar_resnet(21), ValueError, "depth"),
    Row("cifar_resnet", lambda c: models.cifar_resnet(20, block="bottleneck"), ValueError, "block"),
    Row("cifar_resnet", lambda c: models.cifar_resnet(20, block=3), TypeError, "block"),
    Row("plain_block", lambda c: models.plain_block(c.x, 0), ValueError, "filters"),
    Row("check_cifar_resnet", lambda c: checks.check_cifar_resnet("my_resnet"), TypeError, "fn"),
    Row("check_plain_block", lambda c: checks.check_plain_block(None), TypeError, "fn"),
    Row("recorded_run", lambda c: recorded.recorded_run("no-such-run"), ValueError, "name"),
    Row("build_network", lambda c: gradients.build_network("dense", gradients.NetworkSettings(3, network="one_conv")),
        ValueError, "kind"),
    Row("build_network", lambda c: gradients.build_network("plain", "deep"), TypeError, "settings"),
    Row("matched_pair", lambda c: gradients.matched_pair(0), ValueError, "depth"),
    Row("matched_pair", lambda c: gradients.matched_pair(None), TypeError, "settings"),
    Row("compare", lambda c: gradients.compare(10), ValueError, "depth"),  # the paper's CIFAR nets: 6n + 2
    Row("NetworkSettings", lambda c: gradients.NetworkSettings(8, network="resnet"), ValueError, "network"),
    Row("gradient_norms", lambda c: gradients.gradient_norms(c.tiny_model, np.zeros((2, 8, 8, 3)), np.array([0, 9])),
        ValueError, "y"),
    Row("gradient_norms", lambda c: gradients.gradient_norms(c.tiny_model, np.zeros((2, 8, 8, 1)), np.zeros(2, int)),
        ValueError, "x"),
    Row("gradient_norms", lambda c: gradients.gradient_norms(c.tiny_model, np.zeros((2, 8, 8, 3)), np.zeros(3, int)),
        ValueError, "y"),
    Row("gradient_norms", lambda c: gradients.gradient_norms(c.tiny_model, np.zeros((2, 8, 8, 3)), np.zeros(2, int),
                                                             group_by="stage"), ValueError, "group_by"),
    Row("GradientExplorer", lambda c: gradients.GradientExplorer(depth=0), ValueError, "depth"),
    # checks
    Row("check_identity_block", lambda c: checks.check_identity_block(3), TypeError, "fn"),
    Row("check_conv_block", lambda c: checks.check_conv_block(lambda x, filters: x, stride_on="2x2"), ValueError,
        "stride_on"),
    Row("check_resnet50", lambda c: checks.check_resnet50(3), TypeError, "model"),
    Row("check_basic_block", lambda c: checks.check_basic_block("my_basic_block"), TypeError, "fn"),
    Row("check_preact_block", lambda c: checks.check_preact_block(None), TypeError, "fn"),
    Row("check_stage_parameters", lambda c: checks.check_stage_parameters(25_636_712), TypeError, "fn"),
    # the hidden calls nbgrader makes: other widths, sizes, depths, stages, inputs; and the combined verdict
    Row("check_identity_block", lambda c: checks.check_identity_block(_block, filters=0), ValueError, "filters"),
    Row("check_identity_block", lambda c: checks.check_identity_block(_block, size=6.5), TypeError, "size"),
    Row("check_conv_block", lambda c: checks.check_conv_block(_block, filters="8"), TypeError, "filters"),
    Row("check_basic_block", lambda c: checks.check_basic_block(_block, filters=7), ValueError, "filters"),
    Row("check_preact_block", lambda c: checks.check_preact_block(_block, size=1), ValueError, "size"),
    Row("check_plain_block", lambda c: checks.check_plain_block(_block, filters=5), ValueError, "filters"),
    Row("check_cifar_resnet", lambda c: checks.check_cifar_resnet(_block, depths=(9,)), ValueError, "depths"),
    Row("check_cifar_resnet", lambda c: checks.check_cifar_resnet(_block, depths=8), TypeError, "depths"),
    Row("check_stage_multiply_adds", lambda c: checks.check_stage_multiply_adds(_block, stages=(("x", 1, 2, 3, 4, 3),)),
        ValueError, "stages[0][5]"),
    Row("check_stage_multiply_adds", lambda c: checks.check_stage_multiply_adds(_block, stages=()), TypeError,
        "stages"),
    Row("check_grad_cam_weighting", lambda c: checks.check_grad_cam_weighting(_block, seed=-1), ValueError, "seed"),
    Row("check_resnet50_arguments", lambda c: checks.check_resnet50_arguments(_block, classes=0), ValueError,
        "classes"),
    Row("check_resnet50_arguments", lambda c: checks.check_resnet50_arguments(_block, input_shape=(16, 16, 3)),
        ValueError, "input_shape[0]"),
    Row("CheckResult.including", lambda c: checks.CheckResult("block").including("passed"), TypeError, "hidden[0]"),
    # training: transfer models, unfreezing, the traps, the dashboard, checkpoints and evaluation
    Row("build_transfer_model", lambda c: _training().build_transfer_model("ResNet51", 5, weights=None), ValueError,
        "variant"),
    Row("build_transfer_model", lambda c: _training().build_transfer_model("ResNet50", 1, weights=None), ValueError,
        "num_classes"),
    Row("build_transfer_model", lambda c: _training().build_transfer_model("ResNet50", "5", weights=None), TypeError,
        "num_classes"),
    Row("build_transfer_model", lambda c: _training().build_transfer_model("ResNet50", 5, image_size=16,
                                                                           weights=None), ValueError, "image_size"),
    Row("build_transfer_model", lambda c: _training().build_transfer_model("ResNet50", 5, dropout=1.5, weights=None),
        ValueError, "dropout"),
    Row("build_transfer_model", lambda c: _training().build_transfer_model("ResNet50", 5, weights="cifar"),
        ValueError, "weights"),
    Row("unfreeze", lambda c: _training().unfreeze("model"), TypeError, "model"),
    Row("unfreeze", lambda c: _training().unfreeze(c.tiny_model), ValueError, "model"),
    Row("diagnose", lambda c: _training().diagnose(3), TypeError, "model"),
    Row("LiveDashboard", lambda c: _training().LiveDashboard(max_points=0), ValueError, "max_points"),
    Row("LiveDashboard.run", lambda c: _training().LiveDashboard().run(""), TypeError, "name"),
    Row("LiveDashboard.run", lambda c: _training().LiveDashboard().run("fine-tuned", after="frozen"), ValueError,
        "after"),
    Row("training_setup", lambda c: _training().training_setup(precision="fp8"), ValueError, "precision"),
    Row("training_setup", lambda c: _training().training_setup(parallel="pipeline"), ValueError, "parallel"),
    Row("take_per_class", lambda c: _training().take_per_class(np.array([0, 0, 1, 1]), 0), ValueError, "per_class"),
    Row("checkpoint_callbacks", lambda c: _training().checkpoint_callbacks(3), TypeError, "folder"),
    Row("course_resnet", lambda c: _training().course_resnet(pretrained="yes"), TypeError, "pretrained"),
    Row("confusion_matrix", lambda c: _evaluation().confusion_matrix([0, 5], [0, 1], 2), ValueError, "y_true"),
    Row("most_confident_mistakes", lambda c: _evaluation().most_confident_mistakes([0, 1], np.eye(2), count=0),
        ValueError, "count"),
    # inside: Grad-CAM, feature maps, backbones
    Row("grad_cam", lambda c: _inside().grad_cam(c.tiny_model, np.zeros((1, 8, 8, 3), "float32"), layer="nope"),
        ValueError, "layer"),
    Row("grad_cam", lambda c: _inside().grad_cam(c.tiny_model, np.zeros((1, 8, 8, 3), "float32"), class_index=7,
                                                 layer="features"), ValueError, "class_index"),
    Row("grad_cam", lambda c: _inside().grad_cam(c.tiny_model, np.zeros((8, 8), "float32")), ValueError, "images"),
    Row("backbone", lambda c: _inside().backbone("ResNet50", levels=("C7",)), ValueError, "levels"),
    Row("backbone", lambda c: _inside().backbone("ResNet51"), ValueError, "model_or_variant"),
    # the review's entry points (issue 19): each once gave an unclear error, or none
    Row("diagnose", lambda c: _training().diagnose(c.tiny_model, 5), TypeError, "data"),
    Row("diagnose", lambda c: _training().diagnose(c.tiny_model, (np.zeros((2, 8, 8, 1)), np.zeros(2, int))),
        ValueError, "data"),
    Row("checkpoint_callbacks", lambda c: _fit_with_checkpoints(c, monitor="val_acc", mode="max"), ValueError,
        "monitor"),
    Row("checkpoint_callbacks", lambda c: _training().checkpoint_callbacks(c.tmp_path / "runs", monitor=None),
        TypeError, "monitor"),
    Row("checkpoint_callbacks", lambda c: _training().checkpoint_callbacks(c.tmp_path / "runs", mode="maximum"),
        ValueError, "mode"),
    Row("load_checkpoint", lambda c: _training().load_checkpoint(3), TypeError, "path"),
    Row("sample_photos", lambda c: _photos().sample_photos(names="chelsea"), TypeError, "names"),
    Row("sample_photos", lambda c: _photos().sample_photos(size=(224, 300)), ValueError, "size"),
    Row("take_per_class", lambda c: _training().take_per_class(np.eye(2)[[0, 0, 1, 1]], 1), ValueError, "labels"),
    Row("fetch", lambda c: io.fetch("http://127.0.0.1:9/x.bin", "x.bin", subdir="datasets", file_hash=None),
        TypeError, "file_hash"),
    Row("fetch", lambda c: io.fetch("http://127.0.0.1:9/x.bin", "x.bin", subdir="datasets", file_hash="0" * 32),
        ValueError, "file_hash"),  # an md5's length for a sha256
    Row("GradientExplorer", lambda c: gradients.GradientExplorer(learning_rate=0), ValueError, "learning_rate"),
    Row("GradientExplorer", lambda c: gradients.GradientExplorer(learning_rate="0.01"), TypeError, "learning_rate"),
    Row("GradientExplorer", lambda c: gradients.GradientExplorer(draw_network="ArchitectureDiagram"), TypeError,
        "draw_network"),
    Row("ResNet50", lambda c: models.ResNet50(weights=None, include_top=False, input_shape=(64.0, 64, 3)), TypeError,
        "input_shape"),
    Row("ResNet50", lambda c: models.ResNet50(weights=None, include_top=False, input_shape=64), TypeError,
        "input_shape"),
    Row("compare", lambda c: gradients.compare(8, data=(np.zeros((4, 28, 28)), np.zeros(4))), TypeError, "data"),
    Row("compare", lambda c: gradients.compare(8, data=(np.full((4, 28, 28), "a"), np.zeros(4, int))), TypeError,
        "data"),
    Row("gradient_norms", lambda c: gradients.gradient_norms(c.tiny_model, np.zeros((2, 8, 8, 3)), np.zeros(2)),
        TypeError, "y"),
    Row("gradient_norms", lambda c: gradients.gradient_norms(c.tiny_model, np.full((2, 8, 8, 3), "a"),
                                                             np.zeros(2, int)), TypeError, "x"),
]


def _fit_with_checkpoints(c, **kwargs):
    """One epoch of a two-weight model with validation: the logs show whether fit can log the monitor."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = np.zeros((4, 3), "float32"), np.array([0, 1, 0, 1])
    model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y),
              callbacks=_training().checkpoint_callbacks(c.tmp_path / "monitor", **kwargs))


def _photos():
    from resnet_lab import photos

    return photos


def _training():
    from resnet_widgets import training  # the dashboard needs plotly and ipywidgets; imported only by these rows

    return training


def _evaluation():
    from resnet_widgets.training import evaluation

    return evaluation


def _inside():
    from resnet_widgets import inside

    return inside


def _diagram():
    from resnet_widgets import diagram  # the widget module needs anywidget; imported only by these rows

    return diagram


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    """One context for the whole table (every check fires before any layer is made, so rows share it)."""
    folder = tmp_path_factory.mktemp("bad_input")
    with pytest.MonkeyPatch.context() as patch:
        # Offline, and a private cache: a row that got past its check must not download or write anywhere real.
        patch.setenv("RESNET_LAB_OFFLINE", "1")
        patch.setenv("RESNET_LAB_CACHE_DIR", str(folder / "cache"))
        inputs = keras.Input((8, 8, 3))
        features = keras.layers.Conv2D(2, 3, name="features")(inputs)  # named: Keras numbers unnamed layers per process
        tiny = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Flatten()(features)))
        yield Context(x=keras.Input((8, 8, 16)), tmp_path=folder, tiny_model=tiny)
    keras.backend.clear_session()


def test_the_table_covers_every_part_of_the_package():
    covered = {row.function for row in ROWS}
    for function in ("ResNet50", "identity_block", "conv_block", "preact_block", "load_dataset", "course_mode",
                     "model_graph", "compare", "gradient_norms", "check_identity_block", "build_transfer_model",
                     "unfreeze", "diagnose", "LiveDashboard", "grad_cam", "backbone"):
        assert function in covered


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_bad_input_is_refused_with_the_argument_named(row, context):
    with pytest.raises((TypeError, ValueError)) as caught:
        row.call(context)
    error = caught.value
    other = ValueError if row.error is TypeError else TypeError
    assert isinstance(error, row.error) and not isinstance(error, other), (
        f"{row.function}: expected a {row.error.__name__}, got {type(error).__name__}: {error}"
    )
    assert re.search(rf"(?<![\w.]){re.escape(row.argument)}(?!\w)", str(error)), (
        f"{row.function}: the message does not name {row.argument!r}: {error}"
    )


def test_the_environment_variable_is_named_when_it_holds_a_bad_mode(monkeypatch):
    monkeypatch.setenv("RESNET_COURSE_MODE", "turbo")
    with pytest.raises(ValueError, match=r"^RESNET_COURSE_MODE must be one of 'auto', 'fast', 'full'"):
        course_mode()
