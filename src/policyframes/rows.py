"""A record's rows of the dataset's tables, with their provenance.

Every row keeps where it came from (`_file`, and `_field`, the path of its YAML mapping
in that file), so that table-level checks can point at the exact place in the
annotations; export drops these columns. Rows are gathered column by column into Arrow
tables as the files are read (in worker processes when there are many), so that memory
holds compact columns rather than parsed files.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyarrow as pa

from . import layout
from .codebook import MISSING, Codebook
from .models import date_range
from .problems import field_path

PROVENANCE = ("_file", "_field")
_LABEL = pa.dictionary(pa.int32(), pa.string())  # provenance: few distinct values, many rows


class _Columns(defaultdict):
    """Column-wise row accumulator."""

    def __init__(self) -> None:
        super().__init__(list)

    def add(self, file: str, field: str, **values: Any) -> None:
        """Add a row from the YAML mapping found at `field` of `file`."""
        self["_file"].append(file)
        self["_field"].append(field)
        for key, value in values.items():
            self[key].append(value)

    def arrow(self, columns: list[str]) -> pa.Table:
        """The rows as an Arrow table (column types inferred; a column never given is null)."""
        n = len(self["_file"])
        arrays = [_array(self[c]) if c in self else pa.nulls(n) for c in columns]
        arrays += [pa.array(self[c], _LABEL) for c in PROVENANCE]
        built = ",".join(c for c in self if c not in PROVENANCE)  # to compare with the codebook's columns
        return pa.Table.from_arrays(arrays, names=[*columns, *PROVENANCE]).replace_schema_metadata({"built": built})


def _array(values: list) -> pa.Array:
    """An Arrow array of the values (type inferred); text as large_string, as pandas keeps it."""
    array = pa.array(values)
    return array.cast(pa.large_string()) if pa.types.is_string(array.type) else array


def relation_key(from_case: str, rel: Any) -> str:
    """The id of a relation: from_case/type/to_case (or centre), and /date where it is dated."""
    return "/".join([from_case, rel.type, rel.to_case or "centre", *([rel.date] if rel.date else [])])


def final_value(coding: Any) -> str:
    """The value that enters the cases table: the adjudicated one where there is one."""
    return coding.adjudication.value if coding.adjudication is not None else coding.value


def _dates(value: str | None) -> tuple[str | None, Any, Any]:
    """Precision, earliest and latest day of a date value (missing codes pass through)."""
    if value is None or value in MISSING:
        return value, None, None
    return date_range(value)


def table_columns(cb: Codebook) -> dict[str, list[str]]:
    """The columns of every table, in order."""
    columns = {name: [c.name for c in table.columns] for name, table in cb.tables.items()}
    columns["cases"] = [v.name for v in cb.variables]
    return columns


class Rows:
    """Rows of the tables, gathered record by record."""

    def __init__(self, cb: Codebook) -> None:
        self.cb = cb
        self.rows = {name: _Columns() for name in cb.tables}

    def marks(self) -> dict[str, int]:
        """How many rows each table has so far."""
        return {name: len(rows.get("_file", ())) for name, rows in self.rows.items()}

    def since(self, marks: dict[str, int]) -> dict[str, dict[str, list[Any]]]:
        """The rows added since `marks`, table by table and column by column."""
        return {name: {c: values[marks[name]:] for c, values in rows.items()}
                for name, rows in self.rows.items() if len(rows.get("_file", ())) > marks[name]}

    def extend(self, columns: dict[str, dict[str, list[Any]]]) -> None:
        """Add rows given as since() gives them."""
        for name, given in columns.items():
            rows = self.rows[name]
            for c, values in given.items():
                rows[c].extend(values)

    def arrow(self) -> dict[str, pa.Table]:
        """The rows gathered so far, table by table (tables without rows left out)."""
        columns = table_columns(self.cb)
        return {name: rows.arrow(columns[name]) for name, rows in self.rows.items() if rows}

    def evidence(self, file: str, path: tuple, items: list, case_id: str, record_type: str,
                 record_id: str | None, dimension: str, coder: str | None, value: str | None) -> None:
        """Add one evidence row per quote or citation listed at `path`.evidence."""
        for k, ev in enumerate(items):
            quote = ev.quote is not None
            self.rows["evidence"].add(
                file, field_path(path + ("evidence", k)), case_id=case_id, record_type=record_type,
                record_id=record_id, dimension=dimension, coder=coder, value=value, source_id=ev.source,
                kind="quote" if quote else "citation", start=ev.start, end=ev.end,
                quote=ev.quote.strip() if quote else None, locator=None if quote else ev.locator.strip(),
                paraphrase=None if quote else ev.paraphrase.strip(), attribution=ev.attribution,
            )

    def case(self, file: str, case: Any) -> None:
        """A case file: its row of cases, its facts, codings (with their adjudications),
        events and evidence."""
        cb = self.cb
        row: dict[str, Any] = {}
        for var in cb.variables:
            if var.kind == "descriptive":
                row[var.name] = getattr(case, var.name)
        self.facts(file, case.case_id, case.facts, None, row)
        start = cb.role("start_date").name
        row["start_date_precision"], row["start_date_earliest"], row["start_date_latest"] = _dates(row[start])
        for var in cb.coded:
            coding = getattr(case.codes, var.name)
            path: tuple[str | int, ...] = ("codes", var.name)
            row[var.name] = final_value(coding)
            self.coding(file, path, case.case_id, var.name, coding.coder, coding)
            if coding.adjudication is not None:
                adj = coding.adjudication
                self.evidence(file, path + ("adjudication",), adj.evidence, case.case_id, "code", None, var.name, adj.by, adj.value)
                # coder_values is filled in when the tables are assembled, from every coder's values
                self.rows["adjudications"].add(
                    file, field_path(path + ("adjudication",)), case_id=case.case_id, dimension=var.name,
                    value=adj.value, adjudicator=adj.by, rationale=adj.rationale.strip(), coder_values=None,
                )
        row["framing_pfc"] = cb.pfc_of(row[cb.role("framing").name])
        self.rows["cases"].add(file, "", **row)
        for k, event in enumerate(case.events):
            path = ("events", k)
            event_id = f"{case.case_id}/{event.type}/{event.date}"
            precision, first, last = _dates(event.date)
            self.rows["timeline"].add(
                file, field_path(path), event_id=event_id, case_id=case.case_id, type=event.type,
                date=event.date, date_precision=precision, date_earliest=first, date_latest=last,
                description=event.description.strip(), confidence=event.confidence, n_evidence=len(event.evidence),
            )
            self.evidence(file, path, event.evidence, case.case_id, "event", event_id, event.type, None, event.date)

    def facts(self, file: str, case_id: str, facts: Any, coder: str | None, row: dict[str, Any] | None) -> None:
        """The facts of a case (into `row` of the cases table, when given) and their evidence."""
        for var in self.cb.facts:
            fact = getattr(facts, var.name)
            path = ("facts", var.name)
            if row is not None:
                row[var.name] = fact.value
            self.rows["facts"].add(file, field_path(path), case_id=case_id, fact=var.name, coder=coder, value=fact.value,
                                   confidence=fact.confidence, n_evidence=len(fact.evidence))
            self.evidence(file, path, fact.evidence, case_id, "fact", None, var.name, coder, fact.value)

    def coding(self, file: str, path: tuple, case_id: str, dimension: str, coder: str, coding: Any) -> None:
        """One coder's coding of one variable of a case, and its evidence."""
        self.rows["codings"].add(
            file, field_path(path), case_id=case_id, dimension=dimension, coder=coder, value=coding.value,
            other_specification=coding.other_specification, runner_up=coding.runner_up,
            confidence=coding.confidence, rationale=coding.rationale.strip(), n_evidence=len(coding.evidence),
        )
        self.evidence(file, path, coding.evidence, case_id, "code", None, dimension, coder, coding.value)

    def other_coding(self, file: str, record: Any, case_id: str) -> None:
        """A further coder's coding of one case (annotations/codings/<coder>/...): its
        codes, facts, events and relations, under the case's id in the dataset."""
        coder = record.coder
        for var in self.cb.coded:
            self.coding(file, ("codes", var.name), case_id, var.name, coder, getattr(record.codes, var.name))
        self.facts(file, case_id, record.facts, coder, None)
        for k, event in enumerate(record.events):
            path = ("events", k)
            event_id = f"{case_id}/{event.type}/{event.date}"
            self.rows["coded_events"].add(
                file, field_path(path), event_id=event_id, case_id=case_id, coder=coder, type=event.type, date=event.date,
                description=event.description.strip(), confidence=event.confidence, n_evidence=len(event.evidence),
            )
            self.evidence(file, path, event.evidence, case_id, "event", event_id, event.type, coder, event.date)
        for k, rel in enumerate(record.relations):
            path = ("relations", k)
            relation_id = relation_key(case_id, rel)
            self.rows["coded_relations"].add(
                file, field_path(path), relation_id=relation_id, from_case=case_id, coder=coder, type=rel.type,
                to_case=rel.to_case, date=rel.date, confidence=rel.confidence, rationale=rel.rationale.strip(),
                n_evidence=len(rel.evidence),
            )
            self.evidence(file, path, rel.evidence, case_id, "relation", relation_id, rel.type, coder, rel.to_case or "centre")

    def relation(self, index: int, rel: Any) -> None:
        path = ("relations", index)
        relation_id = relation_key(rel.from_case, rel)
        self.rows["relations"].add(
            layout.RELATIONS, field_path(path), relation_id=relation_id, from_case=rel.from_case,
            type=rel.type, to_case=rel.to_case, date=rel.date, confidence=rel.confidence,
            rationale=rel.rationale.strip(), n_evidence=len(rel.evidence),
        )
        self.evidence(layout.RELATIONS, path, rel.evidence, rel.from_case, "relation", relation_id, rel.type,
                      None, rel.to_case or "centre")



    def tax_design(self, index: int, row: Any) -> None:
        path = ("parameters", index)
        design_id = f"{row.case_id}/{row.parameter}/{row.item.strip()}"
        self.rows["tax_design"].add(
            layout.TAX_DESIGN, field_path(path), design_id=design_id, case_id=row.case_id, parameter=row.parameter,
            item=row.item.strip(), value=row.value.strip(), valid_from=row.valid_from, valid_to=row.valid_to,
            n_evidence=len(row.evidence),
        )
        self.evidence(layout.TAX_DESIGN, path, row.evidence, row.case_id, "tax_design", design_id, row.parameter, None, row.value.strip())

    def conflict(self, index: int, conflict: Any) -> None:
        path = ("conflicts", index)
        claims = " | ".join(f"{', '.join(dict.fromkeys(ev.source for ev in side.evidence))}: {' '.join(side.claim.split())}"
                            for side in conflict.positions)
        self.rows["conflicts"].add(
            layout.CONFLICTS, field_path(path), conflict_id=conflict.id, case_id=conflict.case_id, subject=conflict.subject.strip(),
            claims=claims, resolution=conflict.resolution.strip(), rationale=conflict.rationale.strip(),
            n_evidence=sum(len(side.evidence) for side in conflict.positions),
        )
        for k, side in enumerate(conflict.positions):
            self.evidence(layout.CONFLICTS, path + ("positions", k), side.evidence, conflict.case_id, "conflict", conflict.id,
                          conflict.subject.strip(), None, " ".join(side.claim.split()))
