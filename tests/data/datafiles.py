"""Test-made data for the data-layer tests: idx files, photos, JPEG bytes, a catalog copy and a loopback
HTTP server. Imported by conftest.py and the tests."""

import collections
import io
import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

from resnet_widgets.data.idx import write_idx_gz

REPO_DATASETS = Path(__file__).resolve().parents[2] / "datasets"
FASHION_NAMES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "validation_images": "t10k-images-idx3-ubyte.gz",
    "validation_labels": "t10k-labels-idx1-ubyte.gz",
}


def fashion_like(n_train, n_val, marker, seed=0):
    """Small Fashion-MNIST-shaped arrays: every class present, pixel [0, 0] set to `marker` to tell sources apart."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for split, n in (("train", n_train), ("validation", n_val)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        images[:, 0, 0] = marker
        arrays[f"{split}_images"] = images
        arrays[f"{split}_labels"] = (np.arange(n) % 10).astype(np.uint8)
    return arrays


def write_fashion_files(folder, marker, n_train=40, n_val=20):
    """Four idx .gz files named as Keras and Debian name them, in `folder`; returns their arrays."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = fashion_like(n_train, n_val, marker)
    for role, name in FASHION_NAMES.items():
        write_idx_gz(folder / name, arrays[role])
    return arrays


class CatalogCopy:
    """A copy of datasets/catalog under tmp, with the committed subset linked in; entries can be edited."""

    def __init__(self, root):
        self.root = root
        shutil.copytree(REPO_DATASETS / "catalog", root / "catalog")
        (root / "fashion_mnist_subset").symlink_to(REPO_DATASETS / "fashion_mnist_subset")

    def entry(self, name):
        return json.loads((self.root / "catalog" / f"{name}.json").read_text())

    def save(self, entry):
        (self.root / "catalog" / f"{entry['name']}.json").write_text(json.dumps(entry, indent=2))


class LoopbackServer:
    """Serves bytes from `routes` on 127.0.0.1. routes[name] is a list of responses served in turn
    (the last one repeats). A response is bytes, or (bytes, declared_length) to cut a download short."""

    def __init__(self):
        self.routes = {}
        self.hits = collections.Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                name = self.path.lstrip("/")
                server.hits[name] += 1
                responses = server.routes.get(name)
                if not responses:
                    self.send_error(404, "Not Found")
                    return
                body = responses[min(server.hits[name], len(responses)) - 1]
                body, declared = body if isinstance(body, tuple) else (body, len(body))
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(declared))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, name):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def photo(height, width, seed=0, mode="RGB"):
    """A smooth test picture (gradients plus a disc), so JPEG sizes and decode costs look like photos."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    cy, cx, r = rng.uniform(0.3, 0.7) * height, rng.uniform(0.3, 0.7) * width, min(height, width) / 4
    base = rng.uniform(0, 255, size=3)
    rgb = np.stack([(base[c] + 80 * np.sin(x / (7 + 5 * c)) + 60 * np.cos(y / (11 + 3 * c))) for c in range(3)], -1)
    rgb[(y - cy) ** 2 + (x - cx) ** 2 < r * r] = rng.uniform(0, 255, size=3)
    image = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
    return image.convert(mode) if mode != "RGB" else image


def jpeg_bytes(height=48, width=64, seed=0):
    buffer = io.BytesIO()
    photo(height, width, seed).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def make_image_folder(root, counts, size=(48, 64)):
    """A folder of test-made JPEGs, one subfolder per class: make_image_folder(root, {"cats": 5, "dogs": 3})."""
    root = Path(root)
    for c, (name, count) in enumerate(sorted(counts.items())):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(count):
            (folder / f"{name}_{i:03d}.jpg").write_bytes(jpeg_bytes(*size, seed=100 * c + i))
    return root
