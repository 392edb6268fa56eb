"""The dataset catalog: one JSON file per dataset under datasets/catalog/, the one source of truth for
URLs, sizes, sha256 checksums, licenses, citations and class names."""

import json

from .. import arguments
from .locations import datasets_dir

REQUIRED_KEYS = ("name", "kind", "description", "license", "citation", "class_names", "files")
KINDS = ("idx", "archive_folder", "folder")


def catalog():
    """Every catalog entry, by name.

    Returns:
        dict name -> entry (a plain dict, as read from datasets/catalog/<name>.json).

    Raises:
        FileNotFoundError: if the catalog folder is missing (check RESNET_LAB_DATASETS_DIR).
        ValueError: if an entry is malformed (names the file and the missing key).
    """
    folder = datasets_dir() / "catalog"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"dataset catalog not found at {folder}; set RESNET_LAB_DATASETS_DIR to the datasets/ folder "
            "of a ResNet Lab checkout"
        )
    entries = {}
    for path in sorted(folder.glob("*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        missing = [key for key in REQUIRED_KEYS if key not in entry]
        if missing:
            raise ValueError(f"catalog entry {path} lacks {', '.join(missing)}")
        if entry["kind"] not in KINDS:
            raise ValueError(f"catalog entry {path}: kind must be one of {', '.join(KINDS)}; got {entry['kind']!r}")
        if entry["name"] != path.stem:
            raise ValueError(f"catalog entry {path}: name {entry['name']!r} must match the file name")
        entries[entry["name"]] = entry
    return entries


def dataset_names():
    """Names load_dataset accepts, sorted."""
    return sorted(catalog())


def catalog_entry(name):
    """The catalog entry for `name`.

    Raises:
        ValueError: if `name` is not in the catalog (lists the names that are).
    """
    entries = catalog()
    return entries[arguments.choice("name", name, sorted(entries), "a dataset in the catalog")]


def catalog_file(entry, role):
    """The file record (name, url, size, sha256) with the given role in a catalog entry."""
    for record in entry["files"]:
        if record["role"] == role:
            return record
    raise KeyError(f"catalog entry {entry['name']!r} has no file with role {role!r}")
