"""feature_maps(): one array per stage, the stage outputs the backbone returns, and a grid plot of them."""

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from resnet_widgets.inside import backbone, feature_maps, overlay, plot_feature_maps, stage_layers, upsample  # noqa: E402

from .conftest import SIZE  # noqa: E402

pytestmark = pytest.mark.backend_neutral


def test_each_stage_halves_the_map_and_widens_the_channels(resnet50, images):
    maps = feature_maps(resnet50, images)
    assert list(maps) == ["conv1", "conv2", "conv3", "conv4", "conv5"]
    shapes = {stage: m.shape for stage, m in maps.items()}
    assert shapes == {
        "conv1": (2, SIZE // 2, SIZE // 2, 64),
        "conv2": (2, SIZE // 4, SIZE // 4, 256),
        "conv3": (2, SIZE // 8, SIZE // 8, 512),
        "conv4": (2, SIZE // 16, SIZE // 16, 1024),
        "conv5": (2, SIZE // 32, SIZE // 32, 2048),
    }


def test_maps_computed_in_batches_equal_the_maps_computed_at_once(resnet50, images):
    whole = feature_maps(resnet50, images, stages=("conv1", "conv4"))
    batched = feature_maps(resnet50, images, stages=("conv1", "conv4"), batch_size=1)
    for stage in whole:
        assert batched[stage].shape == whole[stage].shape
        np.testing.assert_allclose(batched[stage], whole[stage], atol=1e-5)


def test_pooled_maps_are_the_maps_averaged_over_their_locations(resnet50, images):
    maps = feature_maps(resnet50, images, stages=("conv2", "conv5"))
    pooled = feature_maps(resnet50, images, stages=("conv2", "conv5"), batch_size=1, pooled=True)
    for stage in maps:
        assert pooled[stage].shape == (len(images), maps[stage].shape[-1])
        np.testing.assert_allclose(pooled[stage], maps[stage].mean(axis=(1, 2)), atol=1e-5)


def test_stage_maps_are_the_backbone_levels(resnet50v2, images):
    maps = feature_maps(resnet50v2, images, stages=("conv2", "conv5"))
    levels = backbone(resnet50v2, levels=("C2", "C5"))(images)
    np.testing.assert_allclose(maps["conv2"], keras.ops.convert_to_numpy(levels["C2"]), atol=1e-5)
    np.testing.assert_allclose(maps["conv5"], keras.ops.convert_to_numpy(levels["C5"]), atol=1e-5)
    # v1 and v2 stems differ: v2 has no BN/ReLU after conv1.
    assert stage_layers(resnet50v2)["conv1"] == "conv1_conv"


def test_the_grid_has_a_row_per_stage_and_a_column_per_channel(resnet50, images):
    figure = plot_feature_maps(feature_maps(resnet50, images, stages=("conv2", "conv3")), image_index=1, channels=4)
    assert len(figure.axes) == 2 * 5
    assert figure.axes[0].texts[0].get_text() == "conv2\n16x16\n256 channels"


def test_upsample_stretches_a_heatmap_without_leaving_its_range():
    heatmap = np.array([[0.0, 1.0], [0.5, 0.25]], "float32")
    stretched = upsample(heatmap, (20, 30))
    assert stretched.shape == (20, 30)
    assert stretched.min() >= 0.0 and stretched.max() <= 1.0
    # Orientation kept: the top-right corner is the hottest, the top-left the coldest.
    assert stretched[0, -1] == pytest.approx(1.0) and stretched[0, 0] == pytest.approx(0.0)


def test_overlay_draws_the_image_and_the_stretched_heatmap():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    overlay(np.zeros((40, 40, 3), "uint8"), np.eye(2), ax=ax, title="cat")
    pictures = ax.get_images()
    assert [p.get_array().shape[:2] for p in pictures] == [(40, 40), (40, 40)]
    assert ax.get_title() == "cat"
    plt.close("all")
