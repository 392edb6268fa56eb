"""ResNet Lab's data layer: a dataset catalog, verified downloads, safe extraction, image folders,
offline Fashion-MNIST, a decoded-image cache, and augmentation as Keras layers.

    from resnet_widgets.data import load_dataset
    ds = load_dataset("fashion_mnist")            # (N, 28, 28, 1) uint8; ds.source says where it came from
    ds = load_dataset("tf_flowers", image_size=(224, 224))
    ds = load_dataset("folder", path="my_photos", image_size=(224, 224))

Importing this package loads numpy only: no TensorFlow ever, and Keras and PIL only when a function
needs them.
"""

from .archive import UnsafeArchiveError, extract_archive
from .augmentation import augmentation_layers, rescaling
from .catalog import catalog, catalog_entry, dataset_names
from .dataset import Dataset, select_classes
from .catalog_files import DownloadError, fetch_file
from .fashion_mnist import DataUnavailableError
from .image_folder import scan_image_folder
from .images import decode_image
from .loading import SkippedImagesWarning, load_dataset

__all__ = [
    "DataUnavailableError",
    "Dataset",
    "DownloadError",
    "SkippedImagesWarning",
    "UnsafeArchiveError",
    "augmentation_layers",
    "catalog",
    "catalog_entry",
    "dataset_names",
    "decode_image",
    "extract_archive",
    "fetch_file",
    "load_dataset",
    "rescaling",
    "scan_image_folder",
    "select_classes",
]
