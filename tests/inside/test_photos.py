"""scikit-image's sample photos load offline (the tests block the network) and come out ResNet-sized."""

import numpy as np
import pytest

from resnet_widgets.inside.photos import SAMPLE_PHOTOS, sample_photos, square

pytestmark = pytest.mark.backend_neutral


def test_every_listed_photo_ships_with_scikit_image_and_loads_offline():
    names, photos = sample_photos(size=64)
    assert names == list(SAMPLE_PHOTOS)
    assert photos.shape == (len(SAMPLE_PHOTOS), 64, 64, 3) and photos.dtype == np.uint8
    assert all(photo.std() > 10 for photo in photos)  # real pictures, not blanks


def test_square_keeps_the_centre_of_a_wide_image():
    wide = np.zeros((10, 30, 3), np.uint8)
    wide[:, 10:20] = 255  # the centre third is white
    assert square(wide, 10).min() > 200


def test_an_unknown_photo_lists_the_bundled_ones():
    with pytest.raises(ValueError, match="names must be one of 'chelsea', 'coffee', 'astronaut', 'rocket'"):
        sample_photos(names=("lena",))
