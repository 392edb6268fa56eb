"""release_memory() gives freed heap pages back to the system: the resident memory of a process falls."""

import json
import subprocess
import sys

# Many blocks of 64 KiB, below glibc's mmap threshold: they live on the heap, and once freed glibc keeps them.
PROCESS = r"""
import json
from resnet_widgets.memory import malloc_trim, release_memory

def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096

blocks = [bytearray(64 * 1024) for _ in range(4000)]  # 250 MiB, touched (bytearray zeroes them)
held = resident()
del blocks[:-1]  # keep the last one, so the heap's top stays in use and a plain free() returns nothing
freed = resident()
shown = release_memory()
print(json.dumps({"held": held, "freed": freed, "after": resident(), "trimmed": malloc_trim() is not None,
                  "shown": shown}))
"""


def test_release_memory_returns_freed_heap_pages_to_the_system():
    run = subprocess.run([sys.executable, "-c", PROCESS], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    sizes = json.loads(run.stdout)
    assert sizes["shown"] is None  # a cell that ends with it shows nothing
    if not sys.platform.startswith("linux"):
        assert sizes["trimmed"] is False
        return
    assert sizes["trimmed"] is True
    assert sizes["freed"] > sizes["held"] - 100 * 2**20, "glibc returned the blocks by itself: the test shows nothing"
    assert sizes["after"] < sizes["freed"] - 200 * 2**20, sizes


def test_release_memory_starts_no_process(monkeypatch):
    """A fork of a kernel holding a gigabyte (ctypes.util.find_library runs ldconfig) would be counted twice by
    the memory benchmark and costs a fork each call."""
    from resnet_widgets import memory

    def refuse(*args, **kwargs):
        raise AssertionError("release_memory started a process")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    memory.malloc_trim.cache_clear()
    memory.release_memory()
    memory.release_memory()
