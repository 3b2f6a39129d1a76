"""Assemble the dataset's tables from validated records.

Every row keeps where it came from (`_file`, `_line`, `_field`, and `_lines`, the lines
of the keys of its YAML mapping), so that table-level checks can point at the exact
place in the annotations; export drops these columns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

from . import layout
from .annotations import Annotations
from .codebook import MISSING, Codebook
from .models import date_range
from .problems import Problem, field_path
from .records import line_of

PROVENANCE = ("_file", "_line", "_field", "_lines")


@dataclass
class Tables:
    cases: pd.DataFrame
    codings: pd.DataFrame
    adjudications: pd.DataFrame
    evidence: pd.DataFrame
    sources: pd.DataFrame
    comparisons: pd.DataFrame
    relations: pd.DataFrame
    timeline: pd.DataFrame

    def as_dict(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class _Columns(defaultdict):
    """Column-wise row accumulator."""

    def __init__(self) -> None:
        super().__init__(list)

    def add(self, file: str, data: Any, path: tuple, **values: Any) -> None:
        """Add a row from the YAML mapping at `path` of the parsed file `data`."""
        node = _node(data, path)
        self["_file"].append(file)
        self["_line"].append(line_of(data, path))
        self["_field"].append(field_path(path))
        self["_lines"].append(node.key_lines)
        for key, value in values.items():
            self[key].append(value)

    def frame(self, columns: list[str]) -> pd.DataFrame:
        n = len(self["_file"])
        return pd.DataFrame({c: self.get(c, [None] * n) for c in [*columns, *PROVENANCE]})

    def described(self, ann: Annotations, table: str) -> pd.DataFrame:
        """The table with the columns the codebook describes; a mismatch between the
        codebook and the columns built is a problem of the codebook."""
        described = [c.name for c in ann.codebook.tables[table].columns]
        built = [c for c in self if c not in PROVENANCE]
        unbuilt = [c for c in described if built and c not in built]
        undescribed = [c for c in built if c not in described]
        line = line_of(ann.codebook_data, ("tables", table, "columns"))
        if unbuilt:
            ann.problems.append(Problem(layout.CODEBOOK, line, f"tables.{table}.columns", f"no such column in the {table} table: {', '.join(unbuilt)}"))
        if undescribed:
            ann.problems.append(Problem(layout.CODEBOOK, line, f"tables.{table}.columns", f"columns of the {table} table not described: {', '.join(undescribed)}"))
        return self.frame(described + undescribed)


def final_value(coding: Any) -> str:
    """The value that enters the cases table: the adjudicated one where there is one."""
    return coding.adjudication.value if coding.adjudication is not None else coding.value


def _node(data: Any, path: tuple) -> Any:
    """The parsed YAML node at a path."""
    for part in path:
        data = data[part]
    return data


def _dates(value: str | None) -> tuple[str | None, Any, Any]:
    """Precision, earliest and latest day of a date value (missing codes pass through)."""
    if value is None or value in MISSING:
        return value, None, None
    return date_range(value)


class _Assembler:
    def __init__(self, cb: Codebook) -> None:
        self.cb = cb
        self.rows = {name: _Columns() for name in cb.tables}

    def evidence(self, file: str, data: Any, path: tuple, items: list, case_id: str, record_type: str,
                 record_id: str | None, dimension: str, coder: str | None, value: str | None) -> None:
        """Add one evidence row per quote listed at `path`.evidence."""
        if not items:
            return
        for k, ev in enumerate(items):
            self.rows["evidence"].add(
                file, data, path + ("evidence", k), case_id=case_id, record_type=record_type,
                record_id=record_id, dimension=dimension, coder=coder, value=value, source_id=ev.source,
                start=ev.start, end=ev.end, quote=ev.quote.strip(), attribution=ev.attribution,
            )

    def case(self, file: str, data: Any, case: Any) -> None:
        cb = self.cb
        row: dict[str, Any] = {}
        for var in cb.variables:
            if var.kind == "fact":
                fact = getattr(case, var.name)
                row[var.name] = fact.value
                self.evidence(file, data, (var.name,), fact.evidence, case.case_id, "fact", None, var.name, None, fact.value)
            elif var.kind == "descriptive":
                row[var.name] = getattr(case, var.name)
        row["start_date_precision"], row["start_date_earliest"], row["start_date_latest"] = _dates(row["start_date"])
        for var in cb.coded:
            coding = getattr(case.codes, var.name)
            path = ("codes", var.name)
            row[var.name] = final_value(coding)
            self.rows["codings"].add(
                file, data, path, case_id=case.case_id, dimension=var.name, coder=coding.coder,
                value=coding.value, confidence=coding.confidence, rationale=coding.rationale.strip(),
                n_evidence=len(coding.evidence),
            )
            self.evidence(file, data, path, coding.evidence, case.case_id, "code", None, var.name, coding.coder, coding.value)
            if coding.adjudication is not None:
                adj = coding.adjudication
                self.evidence(file, data, path + ("adjudication",), adj.evidence, case.case_id, "code", None, var.name, adj.by, adj.value)
        row["framing_pfc"] = cb.pfc_of(row["framing"])
        self.rows["cases"].add(file, data, (), **row)
        for k, event in enumerate(case.events):
            path = ("events", k)
            event_id = f"{case.case_id}/{event.type}/{event.date}"
            precision, first, last = _dates(event.date)
            self.rows["timeline"].add(
                file, data, path, event_id=event_id, case_id=case.case_id, type=event.type,
                date=event.date, date_precision=precision, date_earliest=first, date_latest=last,
                description=event.description.strip(), n_evidence=len(event.evidence),
            )
            self.evidence(file, data, path, event.evidence, case.case_id, "event", event_id, event.type, None, event.date)

    def other_coding(self, file: str, data: Any, record: Any) -> None:
        """A further coder's coding of one case (annotations/codings/<coder>/...)."""
        for var in self.cb.coded:
            coding = getattr(record.codes, var.name)
            path = ("codes", var.name)
            self.rows["codings"].add(
                file, data, path, case_id=record.case_id, dimension=var.name,
                coder=record.coder, value=coding.value, confidence=coding.confidence,
                rationale=coding.rationale.strip(), n_evidence=len(coding.evidence),
            )
            self.evidence(file, data, path, coding.evidence, record.case_id, "code", None, var.name, record.coder, coding.value)

    def adjudications(self, cases: list[Any]) -> None:
        """One row per adjudicated case and dimension, with every coder's value."""
        codings = self.rows["codings"]
        values: dict[tuple[str, str], list[str]] = defaultdict(list)
        for case_id, dim, coder, value in zip(codings["case_id"], codings["dimension"], codings["coder"], codings["value"]):
            values[(case_id, dim)].append(f"{coder}={value}")
        for rec in cases:
            for var in self.cb.coded:
                adj = getattr(rec.case.codes, var.name).adjudication
                if adj is None:
                    continue
                path = ("codes", var.name, "adjudication")
                self.rows["adjudications"].add(
                    rec.file, rec.data, path, case_id=rec.case.case_id, dimension=var.name,
                    value=adj.value, adjudicator=adj.by, rationale=adj.rationale.strip(),
                    coder_values="; ".join(sorted(values[(rec.case.case_id, var.name)])),
                )

    def relation(self, data: Any, index: int, rel: Any) -> None:
        path = ("relations", index)
        relation_id = f"{rel.from_case}/{rel.type}/{rel.to_case or 'centre'}"
        self.rows["relations"].add(
            layout.RELATIONS, data, path, relation_id=relation_id, from_case=rel.from_case,
            type=rel.type, to_case=rel.to_case, date=rel.date, rationale=rel.rationale.strip(),
            n_evidence=len(rel.evidence),
        )
        self.evidence(layout.RELATIONS, data, path, rel.evidence, rel.from_case, "relation", relation_id, rel.type,
                      None, rel.to_case or "centre")


def assemble(ann: Annotations) -> Tables:
    cb = ann.codebook
    asm = _Assembler(cb)
    for rec in ann.cases:
        asm.case(rec.file, rec.data, rec.case)
    for rec in ann.other_codings:
        asm.other_coding(rec.file, rec.data, rec.case)
    asm.adjudications(ann.cases)
    for index, rel in enumerate(ann.relations):
        asm.relation(ann.relations_data, index, rel)

    cases = asm.rows["cases"]
    final = {(cid, var.name): cases[var.name][i] for i, cid in enumerate(cases["case_id"]) for var in cb.coded}
    data = ann.comparisons_data
    for index, comp in enumerate(ann.comparisons):
        for dim, contrast in comp.dimensions.items():
            path = ("comparisons", index, "dimensions", dim)
            asm.rows["comparisons"].add(
                layout.COMPARISONS, data, path, comparison_id=comp.id, case_a=comp.cases[0],
                case_b=comp.cases[1], dimension=dim, value_a=final.get((comp.cases[0], dim)),
                value_b=final.get((comp.cases[1], dim)), contrast=contrast.contrast,
                statement=contrast.statement.strip(),
            )

    meta_data = ann.sources_data
    for source_id, src in sorted(ann.sources.items()):
        m = src.meta
        asm.rows["sources"].add(
            layout.SOURCES_META, meta_data, ("sources", src.index),
            source_id=source_id, title=m.title, authors=list(m.authors), venue=m.venue, date=m.date, genre=m.genre,
            url=m.url, licence=m.licence, full_text_included=m.full_text_included, n_chars=len(src.text),
            sha256=m.sha256, notes=m.notes.strip(),
        )

    frames = {name: asm.rows[name].described(ann, name) for name in cb.tables if name != "cases"}
    return Tables(cases=asm.rows["cases"].frame([v.name for v in cb.variables]), **frames)

