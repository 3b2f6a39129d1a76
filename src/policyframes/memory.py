"""Memory that Python and Arrow have freed, given back to the system.

glibc's allocator keeps freed memory in its heaps for reuse, so a process that frees
the rows of one stage and allocates those of the next in another allocator (Arrow's)
holds both; `give_back` asks it to return what is free. Elsewhere it does nothing.
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
    """Return the allocator's free memory to the system (glibc only; a few milliseconds)."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)
