"""Allocator tuning for speed; not part of the engine's maths.

Imported by ``session`` for its side effect. Remove the import to run without it: results
are identical, only wide training steps get slower.
"""

import ctypes
import sys


def _keep_freed_memory():
    """Performance note (Linux/glibc only): ask malloc to keep freed memory.

    A training step allocates and frees the same few megabytes of arrays
    every time. By default glibc returns freed memory at the top of the heap
    to the system once it exceeds a few MB, and each later step then pays
    page faults to get it back, which can make a step of a wide layer 2-3x
    slower depending on the order of frees. Keeping up to 64 MB lets the
    arrays be reused.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6")
            libc.mallopt(-3, 32 * 2**20)   # M_MMAP_THRESHOLD: arrays < 32 MB from the heap
            libc.mallopt(-1, 64 * 2**20)   # M_TRIM_THRESHOLD: keep 64 MB of freed heap
        except (OSError, AttributeError):
            pass


_keep_freed_memory()


