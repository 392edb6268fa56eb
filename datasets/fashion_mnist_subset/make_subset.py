"""Make the committed Fashion-MNIST subset from Debian's full copy.

    apt-get install dataset-fashion-mnist
    .venv/bin/python datasets/fashion_mnist_subset/make_subset.py

Takes `per_class` train and validation (official test) images of every class, chosen with the
catalog's seed by the same stratified_take that load_dataset(limit=...) uses, keeps them in their
original order, writes them as reproducible idx .gz files beside this script, and records their sizes
and sha256 in datasets/catalog/fashion_mnist.json (the catalog stays the one source of truth).
"""

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CATALOG = HERE.parent / "catalog" / "fashion_mnist.json"
sys.path.insert(0, str(HERE.parents[1]))  # run from a clone without installing the package

from resnet_widgets.io import file_digest as sha256_of  # noqa: E402
from resnet_widgets.data.fashion_mnist import ROLES, _parse  # noqa: E402
from resnet_widgets.data.idx import write_idx_gz  # noqa: E402
from resnet_widgets.data.selection import stratified_take  # noqa: E402


def subset_positions(labels, per_class, seed):
    """Positions of `per_class` examples of every class (stratified_take over equal-sized classes)."""
    return stratified_take(labels, per_class * len(set(labels.tolist())), seed=seed)


def main():
    entry = json.loads(CATALOG.read_text(encoding="utf-8"))
    subset = entry["sources"]["committed_subset"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=entry["sources"]["debian"]["dir"], help="Debian's Fashion-MNIST folder")
    args = parser.parse_args()

    names = {record["role"]: record["name"] for record in entry["files"]}
    x_train, y_train, x_val, y_val = _parse({role: Path(args.source) / names[role] for role in ROLES})
    train = subset_positions(y_train, subset["per_class"]["train"], subset["seed"])
    val = subset_positions(y_val, subset["per_class"]["validation"], subset["seed"])
    arrays = {
        "train_images": x_train[train],
        "train_labels": y_train[train].astype("uint8"),
        "validation_images": x_val[val],
        "validation_labels": y_val[val].astype("uint8"),
    }
    records = []
    for role in ROLES:
        path = HERE / names[role]
        write_idx_gz(path, arrays[role])
        records.append({"role": role, "name": path.name, "size": path.stat().st_size, "sha256": sha256_of(path)})
        print(f"{path.name:28s} {arrays[role].shape} {path.stat().st_size:>9,} bytes  {records[-1]['sha256']}")
    subset["files"] = records
    CATALOG.write_text(json.dumps(entry, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"recorded in {CATALOG.relative_to(HERE.parents[1])}")


if __name__ == "__main__":
    main()
