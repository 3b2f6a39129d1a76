"""A cache of what reading the case and coding files gave: their records and rows.

It lives in layout.CACHE (git-ignored) at the repository root, in one folder per *key*: the
hash of everything a file's reading depends on besides the file itself (the codebook,
the template, the source records and texts, the coders, the unit matches, the package's
version and code). Files are read in chunks (annotations.py); a chunk's entry holds its
tables (Arrow IPC, one section each) and the records of each of its files that had no
problem; a table's section is read only when its rows are wanted. A file is
recognised by its stat (size, modification and change times, inode), and where that
changed, by the SHA-256 of its content. A chunk whose files are all unchanged is taken
whole; in a chunk where some changed, only those are read again, and the rows of the
others are taken from the chunk's last entry and framed again with the new ones, so that
the tables are exactly those of reading every file. A file that had a problem is read
again every time, so its problems are always those of the file as it is now.

Nothing in the cache is trusted without a check. The index, each entry's header and each
of its sections carry the CRC-32 of their content; an entry that is missing, corrupt, of
another format or unreadable is a miss, and its files are read again (a section found
corrupt when its rows are wanted too: annotations.py). Entries are written to a temporary
file and renamed, so a run that is killed leaves no half-written entry. A stat taken too
soon after the file changed (within RACY_NS) is not trusted, as git does. Entries are JSON
and Arrow IPC, never code: a cache folder from elsewhere cannot run anything.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import stat
import struct
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from . import layout
from .stamps import Seen, as_rows, from_rows, sealed, seen_now, unsealed, write
from .yamlsafe import MAX_BYTES

FORMAT = "3"  # raised whenever the entries' layout changes
INDEX = "index.json"
MAX_HEADER = 1 << 30  # a longer header is a corrupt length


def key(parts: list[bytes]) -> str:
    """The cache key of what every file's reading depends on, besides the file."""
    digest = hashlib.sha256(FORMAT.encode())
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:32]


@dataclass
class Chunk:
    """A chunk entry to store: the chunk's tables, and the records and SHA-256 of each file
    that had no problem (only those files' rows are ever taken from it)."""

    tables: dict[str, pa.Table]
    records: dict[str, list[dict[str, Any]]]
    sha256: dict[str, str]


class Stored:
    """A chunk entry as found in the cache: the records and SHA-256 of its clean files and
    each table's row count at once, from its header; a table's rows only when asked for."""

    def __init__(self, path: Path, header: dict[str, Any], start: int) -> None:
        self.path = path
        self.records: dict[str, list[dict[str, Any]]] = header["records"]
        self.sha256: dict[str, str] = header["sha256"]
        self.sections: dict[str, tuple[int, int, int, int]] = {}  # table -> offset, length, CRC-32, rows
        self.schemas: dict[str, pa.Schema] = {}
        for table, length, crc, rows, schema in header["tables"]:
            self.sections[table] = start, length, crc, rows
            self.schemas[table] = pa.ipc.read_schema(pa.py_buffer(base64.b64decode(schema)))
            start += length
        self.size = start

    def num_rows(self, table: str) -> int:
        return self.sections[table][3]

    def table(self, name: str) -> pa.Table | None:
        """A table's rows, or None where its section is unreadable or corrupt."""
        offset, length, crc, rows = self.sections[name]
        try:
            with open(self.path, "rb") as f:
                f.seek(offset)
                raw = f.read(length)
            if len(raw) != length or zlib.crc32(raw) != crc:
                return None
            table = pa.ipc.open_stream(pa.py_buffer(raw)).read_all()
        except (OSError, pa.ArrowException):
            return None
        return table if table.num_rows == rows and table.schema.equals(self.schemas[name], check_metadata=True) else None

    def tables(self) -> dict[str, pa.Table] | None:
        """Every table, or None where one cannot be read."""
        found = {name: self.table(name) for name in self.sections}
        return None if any(t is None for t in found.values()) else found  # type: ignore[return-value]


def columns_by_file(tables: dict[str, pa.Table], files: set[str]) -> dict[str, dict[str, dict[str, list[Any]]]]:
    """Each of these files' rows in a chunk's tables, table by table and column by column
    (as Rows.since gives them)."""
    out: dict[str, dict[str, dict[str, list[Any]]]] = {rel: {} for rel in files}
    for name, table in tables.items():
        columns = table.to_pydict()
        names = columns["_file"]
        start = 0
        for end in range(1, len(names) + 1):
            if end == len(names) or names[end] != names[start]:
                if names[start] in out:
                    out[names[start]][name] = {c: values[start:end] for c, values in columns.items()}
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

    def get_chunk(self, name: str) -> Stored | None:
        """A chunk entry (its header read, its sections not), or None where it is missing or
        not to be trusted."""
        path = self.folder / name
        try:
            with open(path, "rb") as f:
                (size,) = struct.unpack(">Q", f.read(8))
                payload = unsealed(f.read(size)) if size <= MAX_HEADER else None
                length = os.fstat(f.fileno()).st_size
            if payload is None:
                return None
            entry = Stored(path, json.loads(bytes(payload)), 8 + size)
            return entry if entry.size == length else None
        except (OSError, ValueError, TypeError, KeyError, struct.error, pa.ArrowException):
            return None

    def put_chunk(self, name: str, entry: Chunk) -> None:
        """Store a chunk entry (best effort: a cache that cannot be written is no cache)."""
        streams = [(table, t, _ipc(t)) for table, t in entry.tables.items()]
        header = json.dumps({"tables": [(table, len(b), zlib.crc32(b), t.num_rows, base64.b64encode(t.schema.serialize().to_pybytes()).decode())
                                        for table, t, b in streams],
                             "records": entry.records, "sha256": entry.sha256}, ensure_ascii=False).encode()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write(self.folder / name, b"".join([struct.pack(">Q", len(header) + 4), sealed(header), *(b for *_, b in streams)]), seal=False)
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
