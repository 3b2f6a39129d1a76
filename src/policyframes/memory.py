"""Freed memory given back to the system.

glibc's allocator keeps the memory Python frees in its heaps for reuse. The rows that
worker processes send are held in such memory until they are framed into tables, which
Arrow's own allocator holds: unless the freed memory is given back, a process keeps
both. `give_back` asks glibc to return what is free; elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from typing import Any


@cache
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


def give_back() -> None:
    """Return the allocator's free memory to the system (glibc only)."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)
