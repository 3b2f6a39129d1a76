"""Assemble the dataset's tables from validated records.

Every row keeps where it came from (`_file`, `_line`, `_field`), so that table-level
checks can point at the exact place in the annotations; export drops these columns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import layout
from .annotations import Annotations
from .codebook import MISSING
from .models import date_range
from .problems import Problem, field_path
from .records import line_of

PROVENANCE = ("_file", "_line", "_field", "_lines")


@dataclass
class Tables:
    cases: pd.DataFrame
    codings: pd.DataFrame
    evidence: pd.DataFrame
    sources: pd.DataFrame
    comparisons: pd.DataFrame

    def as_dict(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in ("cases", "codings", "evidence", "sources", "comparisons")}


class _Columns(defaultdict):
    """Column-wise row accumulator."""

    def __init__(self) -> None:
        super().__init__(list)

    def add(self, file: str, line: int, field: str, node: Any = None, **values: Any) -> None:
        """Add a row; `node` is the parsed YAML mapping it came from (for key lines)."""
        self["_file"].append(file)
        self["_line"].append(line)
        self["_field"].append(field)
        self["_lines"].append(getattr(node, "key_lines", {}))
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


def assemble(ann: Annotations) -> Tables:
    cb = ann.codebook
    cases, codings, evidence = _Columns(), _Columns(), _Columns()

    def add_evidence(file: str, data: Any, path: tuple, items: list, case_id: str, dim: str, coder: Any, value: str) -> None:
        if not items:
            return
        nodes = _node(data, path + ("evidence",))
        for k, ev in enumerate(items):
            evidence.add(file, nodes.item_lines[k], field_path(path + ("evidence", k)), nodes[k], case_id=case_id, dimension=dim, coder=coder,
                         value=value, source_id=ev.source, start=ev.start, end=ev.end, quote=ev.quote.strip(),
                         attribution=ev.attribution)

    for rec in ann.cases:
        case, data, file = rec.case, rec.data, rec.file
        row: dict[str, Any] = {}
        for var in cb.variables:
            if var.kind == "fact":
                fact = getattr(case, var.name)
                row[var.name] = fact.value
                add_evidence(file, data, (var.name,), fact.evidence, case.case_id, var.name, None, fact.value)
            elif var.kind in ("descriptive",):
                row[var.name] = getattr(case, var.name)
        start = row["start_date"]
        if start in MISSING:
            row.update(start_date_precision=start, start_date_earliest=None, start_date_latest=None)
        else:
            precision, first, last = date_range(start)
            row.update(start_date_precision=precision, start_date_earliest=first, start_date_latest=last)
        for var in cb.coded:
            coding = getattr(case.codes, var.name)
            path = ("codes", var.name)
            value = final_value(coding)
            row[var.name] = value
            codings.add(file, line_of(data, path), field_path(path), _node(data, path), case_id=case.case_id, dimension=var.name, coder=coding.coder,
                        value=coding.value, confidence=coding.confidence, rationale=coding.rationale.strip(),
                        n_evidence=len(coding.evidence))
            add_evidence(file, data, path, coding.evidence, case.case_id, var.name, coding.coder, coding.value)
            if coding.adjudication is not None:
                adj = coding.adjudication
                add_evidence(file, data, path + ("adjudication",), adj.evidence, case.case_id, var.name, adj.by, adj.value)
        row["framing_pfc"] = cb.pfc_of(row["framing"])
        cases.add(file, data.line, "", data, **row)

    final = {(c, d): v for c, d, v in _final_codes(cases, cb)}
    comparisons = _Columns()
    data = ann.comparisons_data
    for index, comp in enumerate(ann.comparisons):
        for dim, contrast in comp.dimensions.items():
            path = ("comparisons", index, "dimensions", dim)
            comparisons.add(layout.COMPARISONS, line_of(data, path), field_path(path), _node(data, path), comparison_id=comp.id, case_a=comp.cases[0],
                            case_b=comp.cases[1], dimension=dim, value_a=final.get((comp.cases[0], dim)),
                            value_b=final.get((comp.cases[1], dim)), contrast=contrast.contrast,
                            statement=contrast.statement.strip())

    sources = _Columns()
    for source_id, src in sorted(ann.sources.items()):
        m = src.meta
        sources.add(layout.SOURCES_META, 0, "", source_id=source_id, title=m.title, authors=list(m.authors),
                    venue=m.venue, date=m.date, genre=m.genre, url=m.url, licence=m.licence,
                    full_text_included=m.full_text_included, n_chars=len(src.text), sha256=m.sha256, notes=m.notes.strip())

    return Tables(
        cases=cases.frame([v.name for v in cb.variables]),
        codings=codings.described(ann, "codings"),
        evidence=evidence.described(ann, "evidence"),
        sources=sources.described(ann, "sources"),
        comparisons=comparisons.described(ann, "comparisons"),
    )


def _final_codes(cases: _Columns, cb: Any) -> list[tuple[str, str, str]]:
    return [(cid, var.name, cases[var.name][i]) for i, cid in enumerate(cases["case_id"]) for var in cb.coded]


def _node(data: Any, path: tuple) -> Any:
    """The parsed YAML node at a path."""
    for part in path:
        data = data[part]
    return data
