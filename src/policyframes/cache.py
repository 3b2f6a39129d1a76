"""A cache of what reading the case and coding files gave: their records and rows.

It lives in layout.CACHE (git-ignored) at the repository root, in one folder per *key*: the
hash of everything a file's reading depends on besides the file itself (the codebook,
the template, the source records and texts, the coders, the unit matches, the package's
version and code). Files are read in chunks (annotations.py); a chunk's entry holds its
tables (Arrow IPC) and the records of each of its files that had no problem. A file is
recognised by its stat (size, modification and change times, inode), and where that
changed, by the SHA-256 of its content. A chunk whose files are all unchanged is taken
whole; in a chunk where some changed, only those are read again, and the rows of the
others are taken from the chunk's last entry and framed again with the new ones, so that
the tables are exactly those of reading every file. A file that had a problem is read
again every time, so its problems are always those of the file as it is now.

Nothing in the cache is trusted without a check. Each entry and the index carry the
CRC-32 of their content; an entry that is missing, corrupt, of another format or
unreadable is a miss, and its files are read again. Entries are written to a temporary
file and renamed, so a run that is killed leaves no half-written entry. A stat taken too
soon after the file changed (within RACY_NS) is not trusted, as git does. Entries are JSON
and Arrow IPC, never code: a cache folder from elsewhere cannot run anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import struct
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from . import layout
from .stamps import Seen, as_rows, from_rows, seen_now, unsealed, write
from .yamlsafe import MAX_BYTES

FORMAT = "2"  # raised whenever the entries' layout changes
INDEX = "index.json"


def key(parts: list[bytes]) -> str:
    """The cache key of what every file's reading depends on, besides the file."""
    digest = hashlib.sha256(FORMAT.encode())
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:32]


@dataclass
class Chunk:
    """A chunk entry: the chunk's tables, and the records and SHA-256 of each file that had
    no problem (only those files' rows are ever taken from it)."""

    tables: dict[str, pa.Table]
    records: dict[str, list[dict[str, Any]]]
    sha256: dict[str, str]

    def rows_of_files(self) -> dict[str, dict[str, dict[str, list[Any]]]]:
        """Each clean file's rows, table by table and column by column (as Rows.since gives them)."""
        out: dict[str, dict[str, dict[str, list[Any]]]] = {rel: {} for rel in self.records}
        for name, table in self.tables.items():
            columns = table.to_pydict()
            files = columns["_file"]
            start = 0
            for end in range(1, len(files) + 1):
                if end == len(files) or files[end] != files[start]:
                    if files[start] in out:
                        out[files[start]][name] = {c: values[start:end] for c, values in columns.items()}
                    start = end
        return out


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


class FileCache:
    """The cache of one key, as one process uses it: lookups, new entries, the files seen."""

    def __init__(self, root: Path, cache_key: str, index: dict[str, Seen]) -> None:
        self.root = root
        self.folder = root / layout.CACHE / cache_key
        self.index = index
        self.seen: dict[str, Seen] = {}  # files looked up in this process, as they are now

    @classmethod
    def open(cls, root: Path, cache_key: str) -> FileCache:
        """The cache of this key, with its index (empty when missing or not to be trusted)."""
        index: dict[str, Seen] = {}
        try:
            payload = unsealed((root / layout.CACHE / cache_key / INDEX).read_bytes())
            if payload is not None:
                index = from_rows(json.loads(bytes(payload)))
        except (OSError, ValueError, TypeError):
            index = {}
        return cls(root, cache_key, index)

    def for_files(self, files: list[str]) -> FileCache:
        """A cache with the index of these files only (what a worker process needs)."""
        return FileCache(self.root, self.folder.name, {rel: self.index[rel] for rel in files if rel in self.index})

    def content(self, rel: str, trust_index: bool = True) -> tuple[bytes | None, Seen | None]:
        """The file's bytes (None where the index vouches for them unread) and how it was
        seen; (None, None) for anything but a regular file within the size limit, which is
        read the usual way (and its problem reported)."""
        path = self.root / rel
        try:
            info = path.lstat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                return None, None
            known = self.index.get(rel)
            if trust_index and known is not None and known.same(info):
                self.seen[rel] = known
                return None, known
            raw, seen = seen_now(path, info)
        except OSError:
            return None, None
        self.seen[rel] = seen
        return raw, seen

    def unchanged(self, rel: str) -> Seen | None:
        """The index's record of a file whose stat shows it unchanged, without reading it."""
        known = self.index.get(rel)
        try:
            return known if known is not None and known.same(os.lstat(os.path.join(self.root, rel))) else None
        except OSError:
            return None

    @staticmethod
    def chunk_name(kind: str, files: list[tuple[str, str]]) -> str:
        """The name of the entry of a chunk of these files (path, SHA-256) of this kind."""
        return hashlib.sha256(json.dumps([kind, files]).encode()).hexdigest() + ".chunk"

    def get_chunk(self, name: str) -> Chunk | None:
        """A chunk entry, or None where it is missing or not to be trusted."""
        try:
            payload = unsealed((self.folder / name).read_bytes())
            if payload is None:
                return None
            buffer = pa.py_buffer(payload)
            (size,) = struct.unpack_from(">Q", payload)
            header = json.loads(bytes(payload[8:8 + size]))
            tables, at = {}, 8 + size
            for table, length in header["tables"]:
                tables[table] = pa.ipc.open_stream(buffer.slice(at, length)).read_all()
                at += length
            return Chunk(tables, header["records"], header["sha256"])
        except (OSError, ValueError, TypeError, KeyError, struct.error, pa.ArrowException):
            return None

    def put_chunk(self, name: str, entry: Chunk) -> None:
        """Store a chunk entry (best effort: a cache that cannot be written is no cache)."""
        streams = [(table, _ipc(t)) for table, t in entry.tables.items()]
        header = json.dumps({"tables": [(table, len(b)) for table, b in streams], "records": entry.records,
                             "sha256": entry.sha256}, ensure_ascii=False).encode()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write(self.folder / name, b"".join([struct.pack(">Q", len(header)), header, *(b for _, b in streams)]))
        except OSError:
            return
        for rel in entry.records:
            if rel in self.seen:
                self.seen[rel] = replace(self.seen[rel], chunk=name)

    def save(self, seen: dict[str, Seen]) -> None:
        """Write the index of the files seen in this run, and drop what it no longer needs:
        other keys' folders, entries of no file as it is now, leftovers of killed runs
        (the verdict of the last validation is verdict.py's, its table checks rechecks.py's)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write(self.folder / INDEX, json.dumps(as_rows(seen)).encode())
            for other in (self.root / layout.CACHE).iterdir():
                if other == self.folder or other.name == layout.VERDICT:
                    continue
                if other.is_dir():
                    shutil.rmtree(other, ignore_errors=True)
                else:
                    other.unlink()
            wanted = {s.chunk for s in seen.values()} | {INDEX, layout.TABLE_CHECKS}
            for entry in os.scandir(self.folder):
                if entry.name not in wanted:
                    os.unlink(entry.path)
        except OSError:
            pass
