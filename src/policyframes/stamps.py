"""How a file was last seen (its stat and the SHA-256 of its content), the digest of the
package's code, and entries kept under the cache folder: sealed with a CRC-32 and
written atomically. What the cache of files (cache.py) and the kept verdict
(verdict.py) share; it imports nothing heavy."""

from __future__ import annotations

import hashlib
import os
import struct
import time
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

RACY_NS = 2_000_000_000  # a stat taken within this of the file's change is not trusted


@cache
def code_digest() -> bytes:
    """The package's version and the bytes of its modules: a changed reader is a new key
    (read once per process: the cache of files and the kept verdict both need it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        parts = [version("policyframes").encode()]
    except PackageNotFoundError:
        parts = [b"unknown"]
    here = Path(__file__).parent
    parts += [p.name.encode() + b"\0" + p.read_bytes() for p in sorted(here.glob("*.py"))]
    return b"\0".join(parts)


@dataclass(frozen=True)
class Seen:
    """A file as last read: its stat, the SHA-256 of its content, when that was taken, and
    the chunk entry that holds its rows ("" where none does)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    sha256: str
    taken_ns: int
    chunk: str = ""

    def same(self, info: os.stat_result) -> bool:
        """Whether a stat shows the file unchanged since it was hashed (and not racily so)."""
        return ((info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino) == (self.size, self.mtime_ns, self.ctime_ns, self.inode)
                and self.taken_ns - max(info.st_mtime_ns, info.st_ctime_ns) > RACY_NS)


def as_rows(seen: dict[str, Seen]) -> dict[str, list[Any]]:
    """Files as seen, by path in path order, each as the list of its fields (for JSON)."""
    return {rel: list(vars(s).values()) for rel, s in sorted(seen.items())}


def from_rows(rows: dict[str, list[Any]]) -> dict[str, Seen]:
    """The files as seen that as_rows gave."""
    return {rel: Seen(*fields) for rel, fields in rows.items()}


def seen_now(path: Path, info: os.stat_result) -> tuple[bytes, Seen]:
    """Read a file whose stat was just taken: its bytes, and how it was seen."""
    now = time.time_ns()
    raw = path.read_bytes()
    return raw, Seen(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, hashlib.sha256(raw).hexdigest(), now)


def sealed(payload: bytes) -> bytes:
    """The payload behind its CRC-32, which finds a corrupt entry (entries are not code, so
    a checksum against accidents is enough)."""
    return struct.pack(">I", zlib.crc32(payload)) + payload


def unsealed(raw: bytes) -> memoryview | None:
    """The payload of a sealed entry (without copying it), or None where it is corrupt."""
    payload = memoryview(raw)[4:]
    return payload if len(raw) >= 4 and struct.unpack_from(">I", raw)[0] == zlib.crc32(payload) else None


def write(path: Path, payload: bytes, seal: bool = True) -> None:
    """Write an entry atomically, sealed unless `seal` is false (one that seals its parts
    itself): a temporary file beside the target, then a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(sealed(payload) if seal else payload)
    os.replace(tmp, path)
