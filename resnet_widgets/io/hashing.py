"""File checksums: the one hasher for downloads (sha256 for the catalog, md5 for Keras' weight files)."""

import hashlib

BLOCK = 1 << 20  # read 1 MiB at a time: weight files are 100 MB and more


def file_digest(path, algorithm="sha256"):
    """Hex digest of the file at `path` with a hashlib algorithm ("sha256", "md5", ...).

    Raises:
        ValueError: an algorithm hashlib does not know.
        OSError: the file cannot be read.
    """
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()
