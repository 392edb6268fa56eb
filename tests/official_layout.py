"""A test-only writer: weights in the layout of the official ImageNet .h5 files, so tests can make such files.

The official files are legacy Keras 2 HDF5 (a `layer_names` attribute, one group per layer), which
`load_weights(path)` and `weights=path` read. Keras 3 writes that layout only through a private function; the
package never needs to write it, so the reader of that private function lives here, with the tests. When a Keras
upgrade moves it, the ImportError below says where it was.
"""

WRITER = "keras.src.legacy.saving.legacy_h5_format.save_weights_to_hdf5_group"


def save_weights_in_official_layout(model, path):
    """Write `model`'s weights to `path` in the official files' layout; return `path`."""
    import h5py

    try:
        from keras.src.legacy.saving.legacy_h5_format import save_weights_to_hdf5_group
    except ImportError as error:
        raise ImportError(f"Keras no longer has {WRITER}, the writer of the legacy HDF5 weights layout: "
                          "update tests/official_layout.py") from error
    with h5py.File(path, "w") as handle:
        save_weights_to_hdf5_group(handle, model)
    return path
