"""Weight loading: from a path, and through the 'imagenet' code path with test-made files placed where
the loader looks (a loopback server stands in for the download host). Nothing leaves the machine."""

import shutil

import keras
import pytest

from resnet_widgets import models
from resnet_widgets.io import file_digest
from resnet_widgets.models import weights as weights_module

from ..official_layout import save_weights_in_official_layout
from .conftest import max_abs_difference, random_images


def save_official_layout(model, path):
    """Write `model`'s weights the way the official files are laid out (legacy Keras 2 HDF5)."""
    return save_weights_in_official_layout(model, path)


@pytest.fixture(scope="module")
def reference_notop(tmp_path_factory):
    """keras.applications ResNet50 without the top, random weights, saved in the official layout."""
    model = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(64, 64, 3))
    folder = tmp_path_factory.mktemp("weights")
    path = save_official_layout(model, folder / "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5")
    return model, path


def file_md5(path):
    return file_digest(path, "md5")


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """A private cache root (RESNET_LAB_CACHE_DIR), and an empty Keras cache (KERAS_HOME) beside it, so tests
    never see or touch the user's ~/.keras. Downloads are allowed; the tests serve them from loopback."""
    home = tmp_path / "cache_root"
    home.mkdir()
    monkeypatch.setenv("RESNET_LAB_CACHE_DIR", str(home))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_own_cache"))
    monkeypatch.delenv("RESNET_LAB_OFFLINE", raising=False)
    monkeypatch.delenv("RESNET_LAB_NETWORK_TIMEOUT", raising=False)
    return home


@pytest.fixture
def official_source(reference_notop, http_server, monkeypatch):
    """Serve the test-made file under the official file name, with its md5 in the table."""
    _, path = reference_notop
    served, base_url = http_server
    shutil.copy(path, served / path.name)
    monkeypatch.setattr(weights_module, "BASE_URL", base_url)
    monkeypatch.setitem(weights_module.MD5, "resnet50", ("0" * 32, file_md5(path)))
    return path


def test_official_layout_file_loads_from_a_path(reference_notop):
    reference, path = reference_notop
    ours = models.ResNet50(weights=str(path), include_top=False, input_shape=(64, 64, 3))
    assert max_abs_difference(ours, reference, random_images((2, 64, 64, 3))) == 0.0


def test_official_layout_file_loads_into_v2_despite_its_named_shortcut_pools(tmp_path):
    reference = keras.applications.ResNet50V2(weights=None, include_top=False, input_shape=(64, 64, 3))
    path = save_official_layout(reference, tmp_path / "resnet50v2_notop.h5")
    ours = models.ResNet50V2(weights=path, include_top=False, input_shape=(64, 64, 3))
    assert max_abs_difference(ours, reference, random_images((2, 64, 64, 3))) == 0.0


def test_official_layout_file_loads_by_name_into_a_model(reference_notop):
    reference, path = reference_notop
    ours = models.ResNet50(weights=None, include_top=False, input_shape=(64, 64, 3))
    ours.load_weights(str(path))
    assert max_abs_difference(ours, reference, random_images((1, 64, 64, 3))) == 0.0


def test_imagenet_weights_are_downloaded_verified_and_loaded(official_source, reference_notop, keras_home):
    reference, _ = reference_notop
    ours = models.ResNet50(weights="imagenet", include_top=False, input_shape=(64, 64, 3))
    cached = keras_home / "models" / official_source.name
    assert cached.exists()
    assert file_md5(cached) == file_md5(official_source)
    assert max_abs_difference(ours, reference, random_images((2, 64, 64, 3))) == 0.0


def test_cached_imagenet_weights_load_without_network(reference_notop, keras_home, closed_url, monkeypatch):
    reference, path = reference_notop
    (keras_home / "models").mkdir()
    shutil.copy(path, keras_home / "models" / path.name)
    monkeypatch.setattr(weights_module, "BASE_URL", closed_url)
    monkeypatch.setitem(weights_module.MD5, "resnet50", ("0" * 32, file_md5(path)))
    ours = models.ResNet50(weights="imagenet", include_top=False, input_shape=(64, 64, 3))
    assert max_abs_difference(ours, reference, random_images((1, 64, 64, 3))) == 0.0


def test_corrupted_cached_weights_are_fetched_again(official_source, reference_notop, keras_home):
    reference, _ = reference_notop
    cached = keras_home / "models" / official_source.name
    cached.parent.mkdir()
    cached.write_bytes(official_source.read_bytes()[: 1 << 20])  # a download that died after 1 MiB
    ours = models.ResNet50(weights="imagenet", include_top=False, input_shape=(64, 64, 3))
    assert file_md5(cached) == file_md5(official_source)
    assert max_abs_difference(ours, reference, random_images((1, 64, 64, 3))) == 0.0


def test_offline_imagenet_error_names_url_cache_path_and_offline_alternative(keras_home, closed_url, monkeypatch):
    monkeypatch.setattr(weights_module, "BASE_URL", closed_url)
    with pytest.raises(models.WeightsUnavailableError) as caught:
        models.ResNet101V2(weights="imagenet", include_top=False)
    message = str(caught.value)
    file_name = "resnet101v2_weights_tf_dim_ordering_tf_kernels_notop.h5"
    assert closed_url + file_name in message
    assert str(keras_home / "models" / file_name) in message
    assert "weights=None" in message
    assert weights_module.MD5["resnet101v2"][1] in message


def test_real_official_url_is_what_users_get_and_fails_cleanly_offline(keras_home):
    """The unpatched code path: the keras-applications URL. Sockets beyond loopback are blocked in tests."""
    with pytest.raises(models.WeightsUnavailableError) as caught:
        models.ResNet50(weights="imagenet")
    assert "https://storage.googleapis.com/tensorflow/keras-applications/resnet/" \
           "resnet50_weights_tf_dim_ordering_tf_kernels.h5" in str(caught.value)
    assert not (keras_home / "models" / "resnet50_weights_tf_dim_ordering_tf_kernels.h5").exists()


def test_corrupted_cache_is_removed_not_loaded_when_refetch_fails(official_source, keras_home, closed_url, monkeypatch):
    cached = keras_home / "models" / official_source.name
    cached.parent.mkdir()
    cached.write_bytes(b"not an hdf5 file")
    monkeypatch.setattr(weights_module, "BASE_URL", closed_url)
    with pytest.raises(models.WeightsUnavailableError):
        models.ResNet50(weights="imagenet", include_top=False, input_shape=(64, 64, 3))
    assert not cached.exists()


def test_download_that_fails_its_md5_is_refused_and_removed(official_source, keras_home, monkeypatch):
    monkeypatch.setitem(weights_module.MD5, "resnet50", ("0" * 32, "f" * 32))
    with pytest.raises(models.WeightsUnavailableError, match="md5"):
        models.ResNet50(weights="imagenet", include_top=False, input_shape=(64, 64, 3))
    assert not (keras_home / "models" / official_source.name).exists()


def test_weights_file_of_another_variant_gives_a_clear_error(reference_notop):
    _, path = reference_notop
    with pytest.raises(ValueError, match=r"weights: the file .* does not fit ResNet101\(include_top=False\)"):
        models.ResNet101(weights=str(path), include_top=False)


def test_official_file_names_and_hashes_match_keras_applications():
    from keras.src.applications import resnet as keras_resnet

    for name, (top, notop) in weights_module.MD5.items():
        assert keras_resnet.WEIGHTS_HASHES[name] == (top, notop)
        assert weights_module.imagenet_weights_file(name, True)[1] == (
            keras_resnet.BASE_WEIGHTS_PATH + f"{name}_weights_tf_dim_ordering_tf_kernels.h5")
    assert set(weights_module.MD5) == {models.FAMILY[name].weights_name for name in models.KERAS_VARIANTS}


def test_weights_in_keras_own_cache_are_found_when_the_cache_root_is_moved(reference_notop, keras_home, closed_url,
                                                                         tmp_path, monkeypatch):
    """A file keras.applications downloaded (into $KERAS_HOME/models) is used as it is: no download, no copy."""
    reference, path = reference_notop
    keras_own = tmp_path / "keras_own_cache" / "models"
    keras_own.mkdir(parents=True)
    shutil.copy(path, keras_own / path.name)
    monkeypatch.setattr(weights_module, "BASE_URL", closed_url)  # a download would fail
    monkeypatch.setitem(weights_module.MD5, "resnet50", ("0" * 32, file_md5(path)))

    ours = models.ResNet50(weights="imagenet", include_top=False, input_shape=(64, 64, 3))

    assert max_abs_difference(ours, reference, random_images((1, 64, 64, 3))) == 0.0
    assert not (keras_home / "models" / path.name).exists()


def test_a_damaged_file_in_keras_own_cache_is_passed_over_and_left_alone(official_source, keras_home, tmp_path):
    keras_own = tmp_path / "keras_own_cache" / "models"
    keras_own.mkdir(parents=True)
    (keras_own / official_source.name).write_bytes(b"not the weights")

    models.ResNet50(weights="imagenet", include_top=False, input_shape=(64, 64, 3))

    assert file_md5(keras_home / "models" / official_source.name) == file_md5(official_source)  # downloaded
    assert (keras_own / official_source.name).read_bytes() == b"not the weights"  # Keras' file is not ours


def test_an_unwritable_cache_root_falls_back_to_the_temporary_folder(official_source, reference_notop, keras_home,
                                                                    tmp_path, monkeypatch):
    """A cache root that cannot be created (here: below a regular file; a read-only home likewise) sends
    downloads to <tmp>/.keras, as keras.utils.get_file does, and the weights load from there."""
    import tempfile

    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RESNET_LAB_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    fallback = tmp_path / "tmp" / ".keras" / "models" / official_source.name

    assert weights_module.cache_path(official_source.name) == str(fallback)
    reference, _ = reference_notop
    ours = models.ResNet50(weights="imagenet", include_top=False, input_shape=(64, 64, 3))
    assert file_md5(fallback) == file_md5(official_source)
    assert max_abs_difference(ours, reference, random_images((1, 64, 64, 3))) == 0.0


def test_a_weights_file_that_cannot_be_read_is_reported_as_unreadable_not_as_a_misfit(tmp_path):
    damaged = tmp_path / "resnet18.weights.h5"
    damaged.write_bytes(b"not an hdf5 file")
    with pytest.raises(OSError, match=r"weights: the file .*resnet18\.weights\.h5 could not be read") as caught:
        models.build_resnet("ResNet18", weights=str(damaged), include_top=False, input_shape=(32, 32, 3))
    assert "does not fit" not in str(caught.value)


def test_memory_error_while_loading_weights_is_not_turned_into_a_misfit(tmp_path, monkeypatch):
    path = tmp_path / "resnet18.weights.h5"
    path.write_bytes(b"")

    def out_of_memory(self, filepath, *args, **kwargs):
        raise MemoryError("Unable to allocate 98.0 MiB")

    monkeypatch.setattr(keras.Model, "load_weights", out_of_memory)
    with pytest.raises(MemoryError, match="Unable to allocate"):
        models.build_resnet("ResNet18", weights=str(path), include_top=False, input_shape=(32, 32, 3))
