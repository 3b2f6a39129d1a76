"""The lookups of the site: the input's tables as records by key, the codebook's labels,
and what each page needs to find (a case's evidence, what cites a source, a cell's marks)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import cached_property, lru_cache
from typing import Any, cast

import pandas as pd
import pyarrow as pa

from ..citation import FORMATS, cite_fields
from ..codebook import MISSING
from ..palette import swatches
from ..rows import PROVENANCE
from .data import Comparison, SiteInput
from .search import PART_BYTES

FILTER_ROLES = ("policy_type", "locality")  # the matrix can be filtered on the variables with these roles
PAGE_ROWS = 100  # cases per page of the matrix: the home page holds the first page


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a table as plain records, without provenance, missing values as None."""
    df = df.drop(columns=[c for c in PROVENANCE if c in df.columns])
    return cast(list[dict[str, Any]], df.astype(object).where(df.notna(), None).to_dict("records"))


_BATCH = 20_000  # rows turned into records at a time


class _ByCase:
    """The rows of a table as records, case by case: only the cases asked for are turned
    into Python objects, so that a large dataset's rows never all are at once."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df  # the table itself (not a copy), looked up by position
        self.table = pa.Table.from_pandas(df, columns=[c for c in df.columns if c not in PROVENANCE], preserve_index=False)
        self.positions = df.groupby("case_id", sort=False).indices
        self.of = lru_cache(maxsize=16)(self._of)

    def _of(self, case_id: str) -> list[dict[str, Any]]:
        """The rows of a case, in table order (missing values as None)."""
        rows = self.positions.get(case_id)
        return [] if rows is None else self.table.take(rows).to_pylist()

    def each(self) -> Iterator[dict[str, Any]]:
        """Every row in table order, a batch at a time (never all as Python objects at once)."""
        for batch in self.table.to_batches(max_chunksize=_BATCH):
            yield from batch.to_pylist()


class Lookups:
    """What the pages are made from, looked up: computed once from the site's input."""

    def __init__(self, data: SiteInput, page_rows: int = PAGE_ROWS, search_part_bytes: int = PART_BYTES) -> None:
        self.data = data
        self.page_rows = page_rows
        self.search_part_bytes = search_part_bytes
        self.cb = data.codebook
        self.meta = data.meta
        t = data.tables
        self.cases = records(t.cases)
        self.case = {c["case_id"]: c for c in self.cases}
        self.sources = {s["source_id"]: s for s in records(t.sources)}
        self.comparison_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in records(t.comparisons):
            self.comparison_rows[row["comparison_id"]].append(row)
        self.comparisons = [Comparison(rows[0]["comparison_id"], (rows[0]["case_a"], rows[0]["case_b"]), rows[0]["reason"], rows[0]["summary"])
                            for rows in self.comparison_rows.values()]
        self.compared: dict[str, list[Comparison]] = defaultdict(list)
        for comparison in self.comparisons:
            for case_id in dict.fromkeys(comparison.cases):
                self.compared[case_id].append(comparison)
        self.codings = _ByCase(t.codings)
        self.case_evidence = _ByCase(t.evidence)
        self.events = records(t.timeline)
        self.event = {ev["event_id"]: ev for ev in self.events}
        self.case_events: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for ev in self.events:
            self.case_events[ev["case_id"]].append(ev)
        self.relations = records(t.relations)
        self.relation = {rel["relation_id"]: rel for rel in self.relations}
        self.case_relations: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rel in self.relations:
            for case_id in dict.fromkeys((rel["from_case"], rel["to_case"])):
                if case_id is not None:
                    self.case_relations[case_id].append(rel)
        self.swatches = {var.name: swatches(var, i) for i, var in enumerate(self.cb.coded)}
        self.title = self.cb.role("title").name
        self.adjudication = {(r["case_id"], r["dimension"]): r for r in records(t.adjudications)}
        fields = cite_fields(data.meta, self.cb.codebook_version)
        self.citation = {name: make(fields) for name, make in FORMATS.items()}
        self.filters = [self.cb.role(r).name for r in FILTER_ROLES] + [v.name for v in self.cb.coded]
        self.designs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in records(t.tax_design):
            self.designs[row["case_id"]].append(row)
        self.conflicts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in records(t.conflicts):
            self.conflicts[row["case_id"]].append(row)

    def label(self, var: str, code: str | None) -> str:
        """The codebook's label of a code (categories and missing codes)."""
        for cat in self.cb.variable(var).categories:
            if cat.code == code:
                return cat.label
        for missing in self.cb.missing_codes:
            if missing.code == code:
                return missing.label
        return str(code)

    @cached_property
    def confidence_labels(self) -> dict[int, str]:
        return {c.level: c.label for c in self.cb.confidence}

    def confidence(self, level: int) -> str:
        return f"{level} ({self.confidence_labels.get(level, '?')})"

    def attribution(self, code: str) -> str:
        return next((a.label for a in self.cb.attributions if a.code == code), code)

    def coder(self, coder_id: str) -> str:
        coder = self.data.coders.get(coder_id)
        return f"{coder_id} ({coder.role})" if coder is not None else coder_id

    def cite_source(self, source_id: str) -> str:
        s = self.sources[source_id]
        return f"{', '.join(s['authors'])}, {s['date'] or 'n.d.'}"

    def source_title(self, source_id: str) -> str:
        """The title of a source, or what it is where the copy read shows none."""
        s = self.sources[source_id]
        return s["title"] or f"[Untitled {s['genre']}, {s['venue']}]"

    def term(self, name: str, code: str) -> str:
        """The label of a code of one of the codebook's closed lists (source kinds, ...)."""
        return next((t.label for t in getattr(self.cb, name) if t.code == code), code)

    def value_text(self, var: str, value: str) -> str:
        """A value as a reader sees it: the label of a code, the text of a fact."""
        return self.label(var, value) if self.cb.variable(var).categories or value in MISSING else value

    def event_label(self, code: str) -> str:
        return next(t.label for t in self.cb.event_types if t.code == code)

    def relation_text(self, rel: dict[str, Any]) -> str:
        """A relation in words, e.g. "Part of: The Chongqing Model under Bo Xilai"."""
        label = next(t.label for t in self.cb.relation_types if t.code == rel["type"])
        target = self.case[rel["to_case"]][self.title] if rel["to_case"] else "the central party-state"
        return f"{label}: {target}" if rel["to_case"] else label

    def where(self, case: dict[str, Any]) -> str:
        """Where a case took place and what kind of policy it is, as the matrix shows it."""
        policy_type, locality = self.filters[:2]
        return f"{case[locality]} \u00b7 {self.label(policy_type, case[policy_type])}"

    def evidence(self, case_id: str, dim: str) -> list[dict[str, Any]]:
        """Evidence of the codes and facts of a case on one dimension."""
        return [r for r in self.case_evidence.of(case_id) if r["record_type"] in ("code", "fact") and r["dimension"] == dim]

    def record_evidence(self, case_id: str, record_id: str) -> list[dict[str, Any]]:
        """Evidence of an event or relation (relations' evidence is filed under their from_case)."""
        return [r for r in self.case_evidence.of(case_id) if r["record_id"] == record_id and r["coder"] is None]

    def events_of(self, case_id: str) -> list[dict[str, Any]]:
        return sorted(self.case_events.get(case_id, []), key=lambda ev: (ev["date_earliest"], ev["date_latest"], ev["type"]))

    def relations_of(self, case_id: str) -> list[dict[str, Any]]:
        return self.case_relations.get(case_id, [])

    def citations(self, source_id: str, kind: str = "quote") -> dict[Any, list[tuple[str, str]]]:
        """What cites the source, as (link from a source page, text), keyed by passage
        (quotes) or by locator (citations): codes and facts (grouped by case and dimension),
        then events, relations, tax-design rows and conflicts."""
        out: dict[Any, list[tuple[str, str]]] = defaultdict(list)
        ev = self.case_evidence.df
        ev = ev.iloc[self._source_rows.get((source_id, kind), [])]
        keys = list(zip(ev["start"].astype(int), ev["end"].astype(int))) if kind == "quote" else ev["locator"].tolist()
        ev = ev.assign(_key=pd.Series(keys, index=ev.index, dtype=object))
        is_code = ev["record_type"].isin(["code", "fact"])
        codes, records = ev[is_code], ev[~is_code & ev["coder"].isna()]  # final events, relations, designs, conflicts
        # codes in the order of each case and dimension's first quote in the whole table
        codes = codes.assign(_first=self._first_quote.loc[codes.index].to_numpy()).sort_values("_first", kind="stable")
        for case_id, dim, value, key in zip(*(codes[c].tolist() for c in ("case_id", "dimension", "value", "_key"))):
            text = f"{self.case[case_id][self.title]}: {self.cb.variable(dim).label} ({self.value_text(dim, value)})"
            out[key].append((f"../cases/{case_id}.html#{dim}", text))
        for record_type, record_id, case_id, dim, key in zip(*(records[c].tolist() for c in ("record_type", "record_id", "case_id", "dimension", "_key"))):
            name = self.case[case_id][self.title]
            if record_type == "event":
                event = self.event[record_id]
                out[key].append((f"../cases/{case_id}.html#timeline", f"{name}: {self.event_label(event['type'])}, {event['date']}"))
            elif record_type == "relation":
                out[key].append((f"../cases/{case_id}.html#relations", f"{name}: {self.relation_text(self.relation[record_id])}"))
            elif record_type == "tax_design":
                out[key].append((f"../cases/{case_id}.html#tax-design", f"{name}: tax design, {self.term('tax_parameters', dim)}"))
            else:
                out[key].append((f"../cases/{case_id}.html#conflicts", f"{name}: a conflict of sources on {dim}"))
        return out

    @cached_property
    def _source_rows(self) -> dict[Any, Any]:
        """The positions of the evidence rows of each source and kind (in table order)."""
        return dict(self.case_evidence.df.groupby(["source_id", "kind"], sort=False, observed=True).indices)

    @cached_property
    def _first_quote(self) -> pd.Series:
        """For each evidence row of a code or fact, the rank of its case and dimension by first quote."""
        ev = self.case_evidence.df
        keys = ev.loc[ev["record_type"].isin(["code", "fact"]), ["case_id", "dimension"]]  # two columns, not the quotes
        return keys.groupby(["case_id", "dimension"], sort=False).ngroup()

    @cached_property
    def marks(self) -> dict[tuple[str, str], tuple[int, list[str]]]:
        """Each matrix cell's marks: the lowest confidence of the coders who gave the final
        code, and the kinds of evidence they gave for it (in the codebook's order)."""
        t = self.data.tables
        coded = [v.name for v in self.cb.coded]
        final = t.cases[["case_id", *coded]].astype(object).melt(id_vars="case_id", var_name="dimension", value_name="final")
        codings = t.codings[["case_id", "dimension", "coder", "value", "confidence"]].astype(object)
        agreeing = codings.merge(final, on=["case_id", "dimension"])
        agreeing = agreeing[agreeing["value"] == agreeing["final"]]
        evidence = t.evidence.loc[t.evidence["record_type"] == "code", ["case_id", "dimension", "coder", "value", "kind"]]
        evidence = evidence.drop_duplicates().astype(object)  # a kind once per coder and code, not once per item
        kinds = evidence.merge(agreeing[["case_id", "dimension", "coder", "value"]]).groupby(["case_id", "dimension"])["kind"].agg(set)
        lowest = agreeing.groupby(["case_id", "dimension"])["confidence"].min()
        return {(case_id, dim): (int(level), [k.code for k in self.cb.evidence_kinds if k.code in kinds.get((case_id, dim), set())])
                for (case_id, dim), level in zip(lowest.index, lowest)}

    @property
    def pages(self) -> int:
        """How many pages the matrix takes."""
        return max(1, -(-len(self.cases) // self.page_rows))
