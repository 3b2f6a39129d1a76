"""The evidence checks of the last validation, kept by file, so that a validation after an
edit frames and checks again only the evidence rows whose result could have changed.

The evidence table is by far the largest, and its rules (checks.py) look at a row, at what
the reading of every file depends on (the codebook, the sources, the coders, the code: the
key of cache.py) and, across files, only at whether the row's case is a case of the
dataset and which sources that case lists. So the problems of each case and coding file's
evidence rows are kept in the cache folder of that key, with the file's SHA-256, the
cases its evidence rows name, and the sources each of those cases listed (or that it was
no case). A later validation under the same key takes a file's kept problems where its
content and its cases' sources are as they were and the file had no problem of its own,
and frames and checks the evidence rows of every other file. The problems are those of
checking every row (the tests compare them); a kept record that is missing, corrupt or of
another layout keeps nothing, and every row is checked.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import layout
from .problems import Problem
from .stamps import unsealed, write

FORMAT = "1"  # raised whenever the kept record's layout changes
PREFIX = "evidence."  # the codes of the evidence table's rules


@dataclass
class Kept:
    """A file's evidence checks: its SHA-256, the cases its evidence rows name, their problems."""

    sha256: str
    cases: list[str]
    problems: list[Problem]


def listed_sources(cases: list[pa.Table], column: str) -> dict[str, list[str]]:
    """Each case of the dataset and the sources it lists, from the chunks of the cases table."""
    listed: dict[str, set[str]] = defaultdict(set)
    for chunk in cases:
        for case_id, sources in zip(chunk["case_id"].to_pylist(), chunk[column].to_pylist()):
            listed[case_id].update(sources or ())
    return {case_id: sorted(sources) for case_id, sources in listed.items()}


class EvidenceChecks:
    """The kept evidence checks of one cache key, and the sources each case named listed then."""

    def __init__(self, path: Path, files: dict[str, Kept], listed: dict[str, list[str]]) -> None:
        self.path = path
        self.files = files
        self.listed = listed

    @classmethod
    def open(cls, root: Path, cache_key: str) -> EvidenceChecks:
        """The kept checks of this key (none where they are missing or not to be trusted)."""
        path = root / layout.CACHE / cache_key / layout.EVIDENCE_CHECKS
        try:
            payload = unsealed(path.read_bytes())
            kept = json.loads(bytes(payload)) if payload is not None else {}
            if kept.get("format") != FORMAT:
                return cls(path, {}, {})
            files = {rel: Kept(sha, cases, [Problem(*p) for p in problems]) for rel, (sha, cases, problems) in kept["files"].items()}
            return cls(path, files, kept["listed"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return cls(path, {}, {})

    def holding(self, hashes: dict[str, str], listed: dict[str, list[str]], troubled: set[str]) -> set[str]:
        """The files whose kept checks hold now: the same content (`hashes`), no problem of
        their own (`troubled`), and each case they name listing the same sources as then
        (or still no case)."""
        return {rel for rel, sha in hashes.items()
                if (kept := self.files.get(rel)) is not None and kept.sha256 == sha and rel not in troubled
                and all(listed.get(c) == self.listed.get(c) for c in kept.cases)}

    def problems(self, files: set[str]) -> list[Problem]:
        """The kept problems of these files."""
        return [p for rel in sorted(files) for p in self.files[rel].problems]

    def keep(self, hashes: dict[str, str], holding: set[str], evidence: pd.DataFrame, found: list[Problem],
             listed: dict[str, list[str]]) -> None:
        """Keep the checks of every file in `hashes`: those holding as they were, the others
        from the evidence rows just checked and the problems found (best effort)."""
        checked = set(hashes) - holding
        if not checked and self.files.keys() == hashes.keys():
            return
        named: dict[str, set[str]] = defaultdict(set)
        pairs = evidence.loc[evidence["_file"].isin(checked), ["_file", "case_id"]].dropna().drop_duplicates()
        for rel, case_id in zip(pairs["_file"].tolist(), pairs["case_id"].tolist()):
            named[rel].add(case_id)
        problems: dict[str, list[Problem]] = defaultdict(list)
        for p in found:
            if p.code.startswith(PREFIX) and p.file in checked:
                problems[p.file].append(p)
        files = {rel: self.files[rel] if rel in holding else Kept(sha, sorted(named[rel]), problems[rel]) for rel, sha in sorted(hashes.items())}
        cases = {c for kept in files.values() for c in kept.cases}
        payload = {"format": FORMAT, "files": {rel: [k.sha256, k.cases, [list(vars(p).values()) for p in k.problems]] for rel, k in files.items()},
                   "listed": {c: listed[c] for c in sorted(cases) if c in listed}}
        try:
            write(self.path, json.dumps(payload, ensure_ascii=False).encode())
        except OSError:
            pass


def leaving_out(chunks: list[pa.Table], files: set[str]) -> tuple[list[pa.Table], int]:
    """The chunks of evidence rows without those of these files, and how many rows were left out."""
    if not files:
        return chunks, 0
    out = pa.array(sorted(files), type=pa.string())
    kept = [chunk.filter(pc.invert(pc.is_in(chunk["_file"], value_set=out))) for chunk in chunks]
    return kept, sum(c.num_rows for c in chunks) - sum(c.num_rows for c in kept)
