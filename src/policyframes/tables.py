"""Assemble the dataset's tables from the rows of the validated records: a pure
function of the records, which adds the rows of the files read whole (sources,
relations, comparisons, units, tax design, conflicts) and frames every table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from . import layout
from .memory import give_back
from .problems import field_path
from .rows import Rows, table_columns

if TYPE_CHECKING:
    from .annotations import Annotations


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
    facts: pd.DataFrame
    coded_events: pd.DataFrame
    coded_relations: pd.DataFrame
    units: pd.DataFrame
    tax_design: pd.DataFrame
    conflicts: pd.DataFrame
    built: dict[str, set[str]] = field(default_factory=dict)  # table -> the columns its rows were built with

    def as_dict(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "built"}


def frame(chunks: list[pa.Table]) -> pd.DataFrame:
    """One table from its chunks of rows, in order, as pandas (list columns as lists).
    The list is emptied, and each column of the chunks is let go of once combined, so
    that a table is not held twice while it is framed."""
    joined = pa.concat_tables(chunks, promote_options="default")
    chunks.clear()
    schema, columns = joined.schema, joined.columns
    del joined
    combined = []
    while columns:  # one chunk per column: taking rows from many chunks costs a pass over all of them
        combined.append(columns.pop(0).combine_chunks())
    table = pa.Table.from_arrays(combined, schema=schema)
    give_back()  # the chunks' memory, freed as combined
    df = table.to_pandas()
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_list(column.type):
            df[name] = column.to_pylist()
    return df


def rows_of(df: pd.DataFrame, keys: set[tuple[str, str]]) -> pd.DataFrame:
    """The rows of df whose (case_id, dimension) is one of keys."""
    if not keys:
        return df.iloc[:0]
    return df[pd.MultiIndex.from_frame(df[["case_id", "dimension"]]).isin(list(keys))]


def _coder_values(adjudications: pd.DataFrame, codings: pd.DataFrame) -> list[str]:
    """Every coder's value of each adjudicated case and dimension, as coder=value pairs."""
    keys = list(zip(adjudications["case_id"].tolist(), adjudications["dimension"].tolist()))
    values: dict[tuple[str, str], list[str]] = defaultdict(list)
    coded = rows_of(codings[["case_id", "dimension", "coder", "value"]], set(keys))
    for case_id, dim, coder, value in zip(*(coded[c].tolist() for c in coded.columns)):
        values[(case_id, dim)].append(f"{coder}={value}")
    return ["; ".join(sorted(values[key])) for key in keys]


def built_columns(chunks: list[pa.Table]) -> set[str]:
    """The columns that the rows of a table were built with (recorded in each chunk)."""
    return {c for chunk in chunks for c in (chunk.schema.metadata or {}).get(b"built", b"").decode().split(",") if c}


def assemble(ann: Annotations, rows_of_files: dict[str, list[pa.Table]] | None = None) -> Tables:
    """The tables: the rows read from case and coding files, then those of the other
    files. A pure function of the records: it changes nothing in `ann`. `rows_of_files`,
    where given, are the chunks of rows of case and coding files to frame instead of
    `ann.rows`, table by table (a validation that kept the checks of some files gives only
    the others' rows, in every table but cases, which it gives whole); they are taken out
    of it as they are framed, so that each is freed once its table is made."""
    cb = ann.codebook
    rows = Rows(cb)
    for index, rel in enumerate(ann.relations):
        rows.relation(index, rel)
    for index, design in enumerate(ann.tax_design):
        rows.tax_design(index, design)
    for index, conflict in enumerate(ann.conflicts):
        rows.conflict(index, conflict)
    for source_id, src in sorted(ann.sources.items()):
        m = src.meta
        rows.rows["sources"].add(
            layout.SOURCES_META, field_path(("sources", src.index)),
            source_id=source_id, kind=m.kind, title=m.title, title_en=m.title_en, authors=list(m.authors), venue=m.venue,
            date=m.date, document_number=m.document_number, language=m.language, genre=m.genre, url=m.url,
            consulted_url=m.consulted_url, consulted=m.consulted, licence=m.licence, stored=m.stored,
            full_text_included=m.full_text_included, n_chars=None if src.text is None else len(src.text),
            sha256=m.sha256, full_text_sha256=m.full_text_sha256, notes=m.notes.strip(),
        )

    matched = {(m.coder, m.unit): m for m in ann.unit_matches}
    for rel, found in sorted(ann.units.items()):
        for k, unit in enumerate(found.units):
            match = matched.get((found.coder, unit.case_id))
            rows.rows["units"].add(
                rel, field_path(("units", k)), coder=found.coder, unit_id=unit.case_id,
                case_id=match.case if match is not None else None, name_en=unit.name_en, unit_type=unit.unit_type,
                parent_unit=unit.parent_case, policy_type=unit.policy_type, locality=unit.locality,
                boundaries=unit.boundaries.strip(), match_rationale=match.rationale.strip() if match is not None else None,
            )

    chunks = {name: ann.chunks(name) if rows_of_files is None else rows_of_files.pop(name, []) for name in cb.tables}
    empty = Rows(cb)
    columns = table_columns(cb)
    cases = frame(chunks["cases"] or [empty.rows["cases"].arrow(columns["cases"])])
    compared = {case_id for comp in ann.comparisons for case_id in comp.cases}
    final = {}
    for values in cases.loc[cases["case_id"].isin(compared), ["case_id", *(v.name for v in cb.coded)]].itertuples(index=False):
        final.update({(values[0], var.name): value for var, value in zip(cb.coded, values[1:])})
    for index, comp in enumerate(ann.comparisons):
        for dim, contrast in comp.dimensions.items():
            path = ("comparisons", index, "dimensions", dim)
            rows.rows["comparisons"].add(
                layout.COMPARISONS, field_path(path), comparison_id=comp.id, case_a=comp.cases[0],
                case_b=comp.cases[1], reason=" ".join(comp.reason.split()),
                summary=" ".join(comp.summary.split()), dimension=dim, value_a=final.get((comp.cases[0], dim)),
                value_b=final.get((comp.cases[1], dim)), contrast=contrast.contrast,
                statement=contrast.statement.strip(),
            )

    for name, table in rows.arrow().items():
        chunks[name].append(table)
    tables = {"cases": cases}
    built = {}
    for name in cb.tables:
        if name != "cases":
            built[name] = built_columns(chunks[name])
            tables[name] = frame(chunks.pop(name) or [empty.rows[name].arrow(columns[name])])  # chunks freed as framed
    adjudications = tables["adjudications"]
    adjudications["coder_values"] = _coder_values(adjudications, tables["codings"])
    return Tables(**tables, built=built)
