"""The table checks of the last validation, kept by file, so that a validation after an
edit frames and checks again only the rows of case and coding files whose result could
have changed.

Every row of a case or coding file names the case of its file. The table rules
(checks.py) look at a row, at what the reading of every file depends on (the codebook,
the sources, the coders, the code: the key of cache.py), at the other rows of the same
case (its codings by every coder, its adjudications, the sources its case file lists),
and across cases only at the cases' ids, files and parent cases and at the names of the
case files (the *context*). So the problems that the table rules found in each file are
kept in the cache folder of that key, with the file's SHA-256 and its case, beside the
digest of the context. A later validation under the same key and context takes a file's
kept problems where every file of its case (then and now) is as it was and had no problem
of its own, and frames and checks the rows of the cases of every other file, always with
all cases as the context. The problems are those of checking every row (the tests compare
them); a kept record that is missing, corrupt or of another layout keeps nothing, and
every row is checked.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from . import layout
from .problems import Problem
from .stamps import unsealed, write

FORMAT = "2"  # raised whenever the kept record's layout changes


@dataclass
class Kept:
    """A file's table checks: its SHA-256, the case its rows name ("" for none), their problems."""

    sha256: str
    case: str
    problems: list[Problem]


def context(cases: list[pa.Table], parent: str, case_files: list[str]) -> str:
    """The digest of what the checks of a case's rows read of other cases: every case's
    id, file and parent case (from the chunks of the cases table), and the case files."""
    columns = [[v for chunk in cases for v in chunk[c].to_pylist()] for c in ("case_id", "_file", parent)]
    return hashlib.sha256(json.dumps([case_files, columns]).encode()).hexdigest()


class TableChecks:
    """The kept table checks of one cache key, and the context they were made in."""

    def __init__(self, path: Path, files: dict[str, Kept], digest: str) -> None:
        self.path = path
        self.files = files
        self.digest = digest

    @classmethod
    def open(cls, root: Path, cache_key: str) -> TableChecks:
        """The kept checks of this key (none where they are missing or not to be trusted)."""
        path = root / layout.CACHE / cache_key / layout.TABLE_CHECKS
        try:
            payload = unsealed(path.read_bytes())
            kept = json.loads(bytes(payload)) if payload is not None else {}
            if kept.get("format") != FORMAT:
                return cls(path, {}, "")
            files = {rel: Kept(sha, case, [Problem(*p) for p in problems]) for rel, (sha, case, problems) in kept["files"].items()}
            return cls(path, files, kept["context"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return cls(path, {}, "")

    def holding(self, hashes: dict[str, str], cases: dict[str, str], troubled: set[str], digest: str) -> set[str]:
        """The files whose kept checks hold now: in the same context (`digest`), every file
        that names their case now (`cases`: file -> case) or named it then has the same
        content (`hashes`) and case as then, and no problem of its own (`troubled`)."""
        if digest != self.digest:
            return set()
        steady = {rel for rel, sha in hashes.items() if (kept := self.files.get(rel)) is not None
                  and kept.sha256 == sha and kept.case == cases.get(rel, "") and rel not in troubled}
        unsteady = {cases.get(rel, "") for rel in hashes.keys() - steady} | {kept.case for rel, kept in self.files.items() if rel not in steady}
        return {rel for rel in steady if cases.get(rel, "") not in unsteady - {""}}

    def problems(self, files: set[str]) -> list[Problem]:
        """The kept problems of these files."""
        return [p for rel in sorted(files) for p in self.files[rel].problems]

    def keep(self, hashes: dict[str, str], holding: set[str], cases: dict[str, str], found: list[Problem], digest: str) -> None:
        """Keep the checks of every file in `hashes`: those holding as they were, the others
        with the problems just found in their rows (best effort)."""
        checked = set(hashes) - holding
        if not checked and self.files.keys() == hashes.keys() and digest == self.digest:
            return
        problems: dict[str, list[Problem]] = {rel: [] for rel in checked}
        for p in found:
            if p.file in problems:
                problems[p.file].append(p)
        files = {rel: self.files[rel] if rel in holding else Kept(sha, cases.get(rel, ""), problems[rel]) for rel, sha in sorted(hashes.items())}
        payload = {"format": FORMAT, "context": digest,
                   "files": {rel: [k.sha256, k.case, [list(vars(p).values()) for p in k.problems]] for rel, k in files.items()}}
        try:
            write(self.path, json.dumps(payload, ensure_ascii=False).encode())
        except OSError:
            pass


def rows_of_files(chunks: list[pa.Table], files: set[str]) -> list[pa.Table]:
    """The rows of these files in each chunk of a table (a chunk whose rows are all theirs
    is kept as it is). A chunk's `_file` column is dictionary-encoded, so its few values
    are looked up instead of its every row."""
    wanted = pa.array(sorted(files), type=pa.string())
    kept = []
    for chunk in chunks:
        column = chunk["_file"].combine_chunks()
        values, indices = (column.dictionary, column.indices) if pa.types.is_dictionary(column.type) else (column, None)
        inside = pc.is_in(values, value_set=wanted)
        if pc.all(inside).as_py():
            kept.append(chunk)
        elif not pc.any(inside).as_py():
            kept.append(chunk.slice(0, 0))
        else:
            kept.append(chunk.take(pc.indices_nonzero(inside if indices is None else pc.take(inside, indices))))
    return kept
