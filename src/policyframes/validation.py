"""Validate a repository: read every file, assemble the tables, run the table rules.
Nothing of publishing is imported here, so `policyframes validate` stays light."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import layout
from .annotations import Annotations, load_annotations, read_validated
from .checks import check_tables
from .meta import DatasetMeta
from .problems import Problem, ValidationFailed
from .rechecks import TableChecks, context, rows_of_files
from .tables import Tables, assemble


@dataclass
class Validated:
    """A repository whose annotations passed every check: what a build publishes."""

    ann: Annotations
    tables: Tables
    meta: DatasetMeta

    @property
    def certifying(self) -> frozenset[str]:
        """Coders who code only to be compared with the released codes."""
        return frozenset(c.id for c in self.ann.coders.values() if c.certification)

    @cached_property
    def primary(self) -> str:
        """The coder whose codings are the case files' (empty when no case is coded)."""
        codings = self.tables.codings
        rows = codings[codings["_file"].str.startswith(layout.CASES_DIR + "/")]
        return str(rows["coder"].mode().iloc[0]) if len(rows) else ""


def validate(root: Path, use_cache: bool = True) -> Validated:
    """Check everything; raise ValidationFailed with every problem found. Files unchanged
    since an earlier run come from the cache unless `use_cache` is false (the result is
    the same)."""
    ann = load_annotations(root, use_cache)
    _, meta = read_validated(root, layout.DATASET_META, DatasetMeta, ann.problems)
    tables = _assemble_all(ann)
    problems = ann.problems + check_tables(ann, tables)
    if problems:
        raise ValidationFailed(problems)
    assert meta is not None  # a dataset.yaml that does not validate is among the problems
    return Validated(ann, tables, meta)


def _assemble_all(ann: Annotations) -> Tables:
    """Every table, from rows that `ann` hands over (it keeps only the cases rows), so
    that assemble frees each table's rows once framed instead of holding them twice."""
    rows = {name: ann.chunks(name) for name in ann.rows}
    ann.rows = {"cases": ann.rows.get("cases", [])}
    return assemble(ann, rows)


@dataclass
class Checked:
    """What a validation found, as `policyframes validate` reports it: the problems, or the counts."""

    problems: list[Problem]  # sorted, each once
    ann: Annotations
    meta: DatasetMeta | None
    evidence: int  # rows of the evidence table


def check(root: Path, use_cache: bool = True) -> Checked:
    """The problems validate finds, without framing a table for a build: with the cache, the
    rows of files whose table checks were kept (rechecks.py) are neither framed nor checked
    again (the problems are the same)."""
    ann = load_annotations(root, use_cache)
    _, meta = read_validated(root, layout.DATASET_META, DatasetMeta, ann.problems)
    if not ann.cache_key:
        tables = _assemble_all(ann)
        return Checked(sorted(set(ann.problems + check_tables(ann, tables))), ann, meta, len(tables.evidence))
    kept = TableChecks.open(root, ann.cache_key)
    cases = {r.file: r.case_id for r in ann.cases + ann.other_codings}
    every_case = ann.chunks("cases")  # the context of the checks, and framed whole
    digest = context(every_case, ann.codebook.role("parent").name, ann.case_files)
    holding = kept.holding(ann.hashes, cases, {p.file for p in ann.problems}, digest)
    checked = set(ann.hashes) - holding
    framed = {name: rows_of_files(ann.chunks(name, checked), checked) for name in ann.rows if name != "cases"}
    left_out = ann.row_count("evidence") - sum(c.num_rows for c in framed.get("evidence", []))
    tables = assemble(ann, {**framed, "cases": every_case})
    found = check_tables(ann, tables, holding)
    kept.keep(ann.hashes, holding, cases, found, digest)
    return Checked(sorted(set(ann.problems + found + kept.problems(holding))), ann, meta, len(tables.evidence) + left_out)
