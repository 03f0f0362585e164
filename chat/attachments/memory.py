"""Hand back what checking one large file took, before the next one comes."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable


def _find_malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return getattr(libc, "malloc_trim", None)  # glibc only; elsewhere gc alone


_MALLOC_TRIM = _find_malloc_trim()


def release_memory() -> None:
    """Collect cycles, then return freed heap memory to the system.

    pypdf's objects refer to each other, so only the cycle collector frees them, and it counts
    objects, not bytes. glibc keeps freed blocks in each thread's arena (and, once a large
    block was freed, serves later ones from the heap instead of mmap): every thread that
    received, checked or stored a file would keep its high-water mark. ``malloc_trim`` gives
    that back (in about a millisecond).
    """
    gc.collect()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
