"""Compare two builds case by case: cases added and removed, and every value that changed.

Final values come from the `cases` table (every column but the derived ones, which
follow from the others); each coder's own values come from the `codings` table and are
listed where they changed without changing the final code. Both builds are checked
against their checksum manifests first.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from .codebook import STATUS_SUFFIX
from .manifest import verify

FILES = ("metadata.json", "codebook.json", "cases.parquet", "codings.parquet")


@dataclass(frozen=True)
class Change:
    case_id: str
    variable: str
    old: Any
    new: Any
    coder: str | None = None  # None: the final value in the cases table

    def __str__(self) -> str:
        who = f" (coder {self.coder})" if self.coder else ""
        return f"{self.case_id}  {self.variable}{who}: {_show(self.old)} -> {_show(self.new)}"


@dataclass
class Build:
    folder: Path
    metadata: dict[str, Any]
    derived: set[str]
    cases: dict[str, dict[str, Any]]
    columns: list[str]
    codings: dict[tuple[str, str, str], str]

    @property
    def label(self) -> str:
        return f"{self.folder} (version {self.metadata['version']}, codebook {self.metadata['codebook_version']})"


@dataclass
class BuildDiff:
    old: Build
    new: Build
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    coder_changes: list[Change] = field(default_factory=list)

    def report(self) -> str:
        def section(title: str, items: list[Any]) -> list[str]:
            return [f"{title}: {len(items)}", *(f"  {item}" for item in items)]

        lines = [f"old: {self.old.label}", f"new: {self.new.label}"]
        lines += section("cases added", self.added) + section("cases removed", self.removed)
        if self.columns_added or self.columns_removed:
            lines += section("columns added", self.columns_added) + section("columns removed", self.columns_removed)
        lines += section("changed values (case, variable: old -> new)", self.changes)
        lines += section("changed coder values, final value unchanged", self.coder_changes)
        return "\n".join(lines) + "\n"


def read_build(folder: Path) -> Build:
    """The parts of a build that a comparison needs (raises FileNotFoundError, IntegrityError)."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    verify(folder, list(FILES))
    codebook = json.loads((folder / "codebook.json").read_text(encoding="utf-8"))
    cases = pq.read_table(folder / "cases.parquet")
    codings = pq.read_table(folder / "codings.parquet").to_pylist()
    rows = cases.to_pylist()
    for column in cases.column_names:  # an ordinal column is compared with its missing status filled in
        status = column + STATUS_SUFFIX
        if status in cases.column_names:
            for row in rows:
                row[column] = row[column] if row[column] is not None else row.pop(status)
                row.pop(status, None)
    return Build(
        folder=folder,
        metadata=json.loads((folder / "metadata.json").read_text(encoding="utf-8")),
        derived={v["name"] for v in codebook["variables"] if v["kind"] == "derived"},
        cases={row["case_id"]: row for row in rows},
        columns=[c for c in cases.column_names if c.removesuffix(STATUS_SUFFIX) == c or c.removesuffix(STATUS_SUFFIX) not in cases.column_names],
        codings={(r["case_id"], r["dimension"], r["coder"]): r["value"] for r in codings},
    )


def diff_builds(old_folder: Path, new_folder: Path) -> BuildDiff:
    old, new = read_build(old_folder), read_build(new_folder)
    result = BuildDiff(old, new)
    result.added = sorted(new.cases.keys() - old.cases.keys())
    result.removed = sorted(old.cases.keys() - new.cases.keys())
    result.columns_added = [c for c in new.columns if c not in old.columns]
    result.columns_removed = [c for c in old.columns if c not in new.columns]
    compared = [c for c in new.columns if c in old.columns and c not in new.derived | old.derived]
    common = sorted(old.cases.keys() & new.cases.keys())
    for case_id in common:
        for column in compared:
            before, after = old.cases[case_id][column], new.cases[case_id][column]
            if before != after:
                result.changes.append(Change(case_id, column, before, after))
    final = {(c.case_id, c.variable) for c in result.changes}
    keys = sorted((k for k in old.codings.keys() | new.codings.keys()
                   if k[0] in common and k[1] in compared and k[:2] not in final),
                  key=lambda k: (k[0], compared.index(k[1]), k[2]))
    for case_id, dimension, coder in keys:
        before, after = old.codings.get((case_id, dimension, coder)), new.codings.get((case_id, dimension, coder))
        if before != after:
            result.coder_changes.append(Change(case_id, dimension, before, after, coder))
    return result


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
