"""Giving memory back: what a notebook calls after letting a large model go, so a 2 GB Binder session has room.

Python frees a model's objects once no name refers to them (`del model`) and the garbage collector has run. The
C library under Python (glibc, on Linux) then keeps the freed pages for its own next allocations instead of
returning them to the system, so the kernel's resident memory stays at its highest mark, and on Binder that
mark is what counts against the 2 GB. `release_memory()` runs the collector and then asks glibc to return its
free pages (`malloc_trim`). Measured in a TensorFlow kernel: a ResNet50 built and run on four photos, then
deleted, left the resident memory where it was until malloc_trim returned 0.3 GB of it.
"""

import ctypes
import functools
import gc
import os
import sys

# glibc's mallopt() parameter for its number of arenas (malloc.h).
M_ARENA_MAX = -8


def release_memory() -> None:
    """Collect Python's garbage, then return the C library's free pages to the operating system.

    Where there is no glibc (macOS, Windows, musl) only the collector runs. Returns None, so that a notebook cell
    ending with it shows nothing.
    """
    gc.collect()
    give_free_pages_back()


def give_free_pages_back() -> None:
    """Return the C library's free pages to the operating system (glibc's malloc_trim); nothing without glibc.

    malloc keeps memory that Python or a library freed resident, for reuse: the process's resident size stays at
    its highest mark until this runs.
    """
    trim = malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def malloc_trim():
    """glibc's malloc_trim function, or None where the C library has none."""
    return glibc_function("malloc_trim")


def glibc_function(name):
    """glibc's function `name`, or None where there is no glibc or it has no such function.

    The library is opened by its soname: ctypes.util.find_library would run `ldconfig` in a subprocess, a fork of
    a kernel that may hold a gigabyte (and a memory benchmark would count that fork's pages a second time).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL("libc.so.6"), name)
    except (OSError, AttributeError):  # no glibc (musl), or one without the function
        return None


def use_two_malloc_arenas():
    """Have glibc share two arenas among all threads, as binder/start's MALLOC_ARENA_MAX=2 does.

    Each arena keeps the blocks freed in it for its own reuse, and glibc makes up to eight per core, one for each
    thread that finds the others busy. The environment variable works only when set before the process starts;
    mallopt() does the same from inside, for the threads started after it. Nothing is changed when
    MALLOC_ARENA_MAX is set (the user's or Binder's value holds) or where there is no glibc.

    Returns:
        True when the setting was made.
    """
    mallopt = glibc_function("mallopt")
    if mallopt is None or "MALLOC_ARENA_MAX" in os.environ:
        return False
    return mallopt(M_ARENA_MAX, 2) == 1  # mallopt returns 1 on success
