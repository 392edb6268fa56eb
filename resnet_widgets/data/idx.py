"""Read and write the idx format (MNIST, Fashion-MNIST) with numpy, gzipped or not."""

import gzip
import struct

import numpy as np

_UBYTE = 0x08  # the only element type the (Fashion-)MNIST files use


def parse_idx(raw, source="idx data"):
    """Decode idx bytes (gzipped or plain) into a uint8 array.

    Args:
        raw: the file's bytes.
        source: a name for error messages (usually the path).

    Returns:
        np.ndarray of uint8 with the shape the header declares.

    Raises:
        ValueError: if the bytes are not a complete unsigned-byte idx file (names `source` and what is wrong).
    """
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:  # truncated or corrupt gzip stream
            raise ValueError(f"{source}: damaged gzip data ({error})") from None
    if len(raw) < 4 or raw[0:2] != b"\x00\x00":
        raise ValueError(f"{source}: not an idx file (bad magic number)")
    dtype_code, ndim = raw[2], raw[3]
    if dtype_code != _UBYTE or not 1 <= ndim <= 4:
        raise ValueError(f"{source}: unsupported idx header (type 0x{dtype_code:02x}, {ndim} dimensions)")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{source}: truncated idx header")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    expected = int(np.prod(shape))
    if len(raw) - header != expected:
        raise ValueError(f"{source}: expected {expected} data bytes for shape {shape}, found {len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def read_idx(path):
    """parse_idx of a file on disk."""
    with open(path, "rb") as handle:
        return parse_idx(handle.read(), source=str(path))


def idx_bytes(array):
    """The idx encoding (not gzipped) of a uint8 array."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, _UBYTE, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


def write_idx_gz(path, array):
    """Write a gzipped idx file reproducibly: no file name and mtime 0 in the gzip header."""
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as out:
        out.write(idx_bytes(array))
