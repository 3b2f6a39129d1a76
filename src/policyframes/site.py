"""The dataset as a static web site (build/site/): the coding matrix, a page per case,
per paired comparison and per source, and the codebook.

Plain files that open from disk or any static host, with no request outside the site.
Everything is derived from the codebook and the tables. From any cell of the matrix, two
clicks reach the highlighted source passage behind the code: the cell opens the case's
section for that dimension, whose quotes link to the source page at the passage.
"""

from __future__ import annotations

import json
import shutil
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Sequence
from functools import cached_property, lru_cache
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from . import figure, fonts, search
from .citation import FORMATS, cite_fields
from .codebook import MISSING, Variable
from .datapackage import licence_url
from .descriptives import STORED, crosstabs, distributions, evidence_by_kind
from .markdown import MAX_ROWS, scroller, to_html
from .meta import LANGUAGES
from .palette import swatches
from .passages import GAP, anchor, excerpt_blocks, mark_up, reflow
from .reliability import full_report
from .rows import PROVENANCE

if TYPE_CHECKING:
    from .validation import Validated

FILTER_ROLES = ("policy_type", "locality")  # the matrix can be filtered on the variables with these roles
DOWNLOADS = "downloads"  # the site's copy of the published files
CONTESTED = '<abbr class="contested" title="the coders disagreed; an adjudicator decided">*</abbr>'  # marks a contested cell
PAGE_ROWS = 100  # cases per page of the matrix: the home page holds the first page
CASES_LISTED = 50  # cases the codebook page lists under a category before it says how many more
KIND_MARKS = {"quote": "Q", "citation": "C"}  # the matrix's marks of the evidence kinds


def e(value: Any) -> str:
    """Text made safe for HTML content and quoted attributes."""
    return escape(str(value), quote=True)


def words(text: str) -> str:
    return " ".join(str(text).split())


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    rows = df.drop(columns=[c for c in PROVENANCE if c in df.columns]).to_dict("records")
    return [{str(k): None if _missing(v) else v for k, v in row.items()} for row in rows]


def _missing(value: Any) -> bool:
    return not isinstance(value, (list, tuple)) and bool(pd.isna(value))


def _link(url: str) -> str:
    return f'<a href="{e(url)}">{e(url)}</a>'


class _ByCase:
    """The rows of a table as records, case by case: only the cases asked for are turned
    into Python objects, so that a large dataset's rows never all are at once."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df.drop(columns=[c for c in PROVENANCE if c in df.columns]).reset_index(drop=True)
        self.table = pa.Table.from_pandas(self.df, preserve_index=False)
        self.positions = self.df.groupby("case_id", sort=False).indices
        self.of = lru_cache(maxsize=16)(self._of)

    def _of(self, case_id: str) -> list[dict[str, Any]]:
        """The rows of a case, in table order (missing values as None)."""
        rows = self.positions.get(case_id)
        return [] if rows is None else self.table.take(rows).to_pylist()


class Site:
    """The pages of the site, computed from a validated dataset."""

    def __init__(self, v: Validated, downloads: Sequence[tuple[str, str]] = (), documents: Sequence[tuple[str, str]] = (),
                 page_rows: int = PAGE_ROWS) -> None:
        self.page_rows = page_rows
        self.downloads = list(downloads)
        self.documents = list(documents)  # (file name, Markdown text): the datacard and the changelog
        self.v = v
        self.cb = v.ann.codebook
        self.meta = v.meta
        self.cases = _records(v.tables.cases)
        self.case = {c["case_id"]: c for c in self.cases}
        self.sources = {s["source_id"]: s for s in _records(v.tables.sources)}
        self.comparison_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in _records(v.tables.comparisons):
            self.comparison_rows[row["comparison_id"]].append(row)
        self.compared: dict[str, list[Any]] = defaultdict(list)
        for comparison in v.ann.comparisons:
            for case_id in dict.fromkeys(comparison.cases):
                self.compared[case_id].append(comparison)
        self.codings = _ByCase(v.tables.codings)
        self.case_evidence = _ByCase(v.tables.evidence)
        self.events = _records(v.tables.timeline)
        self.event = {ev["event_id"]: ev for ev in self.events}
        self.case_events: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for ev in self.events:
            self.case_events[ev["case_id"]].append(ev)
        self.relations = _records(v.tables.relations)
        self.relation = {rel["relation_id"]: rel for rel in self.relations}
        self.case_relations: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rel in self.relations:
            for case_id in dict.fromkeys((rel["from_case"], rel["to_case"])):
                if case_id is not None:
                    self.case_relations[case_id].append(rel)
        self.swatches = {var.name: swatches(var, i) for i, var in enumerate(self.cb.coded)}
        self.title = self.cb.role("title").name
        self.adjudication = {(r["case_id"], r["dimension"]): r for r in _records(v.tables.adjudications)}
        fields = cite_fields(v.meta, self.cb.codebook_version)
        self.citation = {name: make(fields) for name, make in FORMATS.items()}
        self.filters = [self.cb.role(r).name for r in FILTER_ROLES] + [v.name for v in self.cb.coded]
        self.designs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in _records(v.tables.tax_design):
            self.designs[row["case_id"]].append(row)
        self.conflicts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in _records(v.tables.conflicts):
            self.conflicts[row["case_id"]].append(row)

    # -- lookups ---------------------------------------------------------------------

    def label(self, var: str, code: str | None) -> str:
        """The codebook's label of a code (categories and missing codes)."""
        for cat in self.cb.variable(var).categories:
            if cat.code == code:
                return cat.label
        for missing in self.cb.missing_codes:
            if missing.code == code:
                return missing.label
        return str(code)

    def confidence(self, level: int) -> str:
        labels = {c.level: c.label for c in self.cb.confidence}
        return f"{level} ({labels.get(level, '?')})"

    def attribution(self, code: str) -> str:
        return next((a.label for a in self.cb.attributions if a.code == code), code)

    def coder(self, coder_id: str) -> str:
        coder = self.v.ann.coders.get(coder_id)
        return f"{coder_id} ({coder.role})" if coder is not None else coder_id

    def cite_source(self, source_id: str) -> str:
        s = self.sources[source_id]
        return f"{', '.join(s['authors'])}, {s['date'] or 'n.d.'}"

    def source_title(self, source_id: str) -> str:
        """The title of a source, or what it is where the copy read shows none."""
        s = self.sources[source_id]
        return s["title"] or f"[Untitled {s['genre']}, {s['venue']}]"

    def evidence(self, case_id: str, dim: str) -> list[dict[str, Any]]:
        """Evidence of the codes and facts of a case on one dimension."""
        return [r for r in self.case_evidence.of(case_id) if r["record_type"] in ("code", "fact") and r["dimension"] == dim]

    def record_evidence(self, case_id: str, record_id: str) -> list[dict[str, Any]]:
        """Evidence of an event or relation (relations' evidence is filed under their from_case)."""
        return [r for r in self.case_evidence.of(case_id) if r["record_id"] == record_id and r["coder"] is None]

    def citations(self, source_id: str, kind: str = "quote") -> dict[Any, list[tuple[str, str]]]:
        """What cites the source, as (link from a source page, text), keyed by passage
        (quotes) or by locator (citations): codes and facts (grouped by case and dimension),
        then events, relations, tax-design rows and conflicts."""
        out: dict[Any, list[tuple[str, str]]] = defaultdict(list)
        ev = self.case_evidence.df
        ev = ev[(ev["source_id"] == source_id) & (ev["kind"] == kind)]
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

    def term(self, name: str, code: str) -> str:
        """The label of a code of one of the codebook's closed lists (source kinds, ...)."""
        return next((t.label for t in getattr(self.cb, name) if t.code == code), code)

    @cached_property
    def _first_quote(self) -> pd.Series:
        """For each evidence row of a code or fact, the rank of its case and dimension by first quote."""
        ev = self.case_evidence.df
        keys = ev.loc[ev["record_type"].isin(["code", "fact"]), ["case_id", "dimension"]]  # two columns, not the quotes
        return keys.groupby(["case_id", "dimension"], sort=False).ngroup()

    def event_label(self, code: str) -> str:
        return next(t.label for t in self.cb.event_types if t.code == code)

    def relation_text(self, rel: dict[str, Any]) -> str:
        """A relation in words, e.g. "Part of: The Chongqing Model under Bo Xilai"."""
        label = next(t.label for t in self.cb.relation_types if t.code == rel["type"])
        target = self.case[rel["to_case"]][self.title] if rel["to_case"] else "the central party-state"
        return f"{label}: {target}" if rel["to_case"] else label

    def value_text(self, var: str, value: str) -> str:
        """A value as a reader sees it: the label of a code, the text of a fact."""
        return self.label(var, value) if self.cb.variable(var).categories or value in MISSING else value

    # -- fragments -------------------------------------------------------------------

    def badge(self, var: str, code: str, root: str) -> str:
        """A code, coloured, linking to its entry in the codebook."""
        css = f"code c-{var}--{code}" if var in self.swatches else "code"
        return f'<a class="{e(css)}" href="{root}codebook.html#{e(var)}--{e(code)}">{e(self.label(var, code))}</a>'

    def quotes(self, rows: list[dict[str, Any]], root: str) -> str:
        """Evidence items: a quote links to its passage in the source; a citation, shown as
        the coder's paraphrase (never as the source's words), to the source's record."""
        if not rows:
            return '<p class="none">No evidence (a missing code needs none).</p>'
        items = []
        for row in rows:
            source_id = row["source_id"]
            if row["kind"] == "citation":
                href = f"{root}sources/{source_id}.html#cited"
                items.append(
                    f'<li class="citation"><p><span class="kind">Citation, paraphrased:</span> {e(words(row["paraphrase"]))}</p>'
                    f'<p class="cite">{e(self.attribution(row["attribution"]))}; <a href="{e(href)}">{e(self.cite_source(source_id))}</a>, '
                    f"{e(words(row['locator']))}</p></li>"
                )
                continue
            start, end = int(row["start"]), int(row["end"])  # the column also holds citations' empty offsets
            href = f"{root}sources/{source_id}.html#{anchor(start, end)}"
            items.append(
                f'<li><blockquote><p><a class="quote" href="{e(href)}">\u201c{e(words(row["quote"]))}\u201d</a></p></blockquote>'
                f'<p class="cite">{e(self.attribution(row["attribution"]))}; {e(self.cite_source(source_id))}, '
                f"characters {start}\u2013{end}</p></li>"
            )
        return f'<ol class="quotes">{"".join(items)}</ol>'

    def coding_block(self, case_id: str, var: Variable, root: str, heading: str = "h3") -> str:
        """Every coder's value, confidence, rationale and quotes on one dimension of a case."""
        final = self.case[case_id][var.name]
        evidence = self.evidence(case_id, var.name)
        used: set[int] = set()
        parts = [f'<p class="final">Final code: {self.badge(var.name, final, root)}</p>']
        decided = self.adjudication.get((case_id, var.name))
        if decided is not None:
            parts.append(
                f'<div class="adjudication"><p><strong>The coders disagreed</strong> ({e(decided["coder_values"])}). '
                f'Adjudicated by {e(self.coder(decided["adjudicator"]))}, who coded neither side: '
                f'{e(words(decided["rationale"]))}</p></div>'
            )
        for coding in (c for c in self.codings.of(case_id) if c["dimension"] == var.name):
            mine = [i for i, ev in enumerate(evidence) if ev["coder"] == coding["coder"] and ev["value"] == coding["value"]]
            used.update(mine)
            parts.append(
                f'<div class="coding"><{heading}>Coder {e(self.coder(coding["coder"]))}</{heading}><dl>'
                f"<dt>Code</dt><dd>{self.badge(var.name, coding['value'], root)}</dd>"
                f"{self.specified(coding)}"
                f"<dt>Runner-up</dt><dd>{self.runner_up(var.name, coding['runner_up'], root)}</dd>"
                f"<dt>Confidence</dt><dd>{e(self.confidence(coding['confidence']))}</dd>"
                f"<dt>Rationale</dt><dd>{e(words(coding['rationale']))}</dd></dl>"
                f"{self.quotes([evidence[i] for i in mine], root)}</div>"
            )
        rest = [ev for i, ev in enumerate(evidence) if i not in used]
        groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for ev in rest:
            groups[ev["coder"], ev["value"]].append(ev)
        for (coder, value), rows in groups.items():
            parts.append(
                f'<div class="coding"><{heading}>Further evidence from {e(self.coder(coder))} for '
                f"{self.badge(var.name, value, root)}</{heading}>{self.quotes(rows, root)}</div>"
            )
        return "".join(parts)

    def specified(self, coding: dict[str, Any]) -> str:
        """The coder's words for a value of other, where there are some."""
        spec = coding.get("other_specification")
        return f"<dt>Specified as</dt><dd>{e(words(spec))}</dd>" if spec else ""

    def runner_up(self, var: str, code: str, root: str) -> str:
        return "none" if code == "none" else self.badge(var, code, root)

    def dataset_jsonld(self) -> str:
        """The schema.org Dataset description that dataset search engines read."""
        meta = self.meta
        data = {
            "@context": "https://schema.org", "@type": "Dataset", "name": meta.name, "alternateName": meta.title,
            "description": words(meta.description), "version": meta.version, "datePublished": meta.date_released,
            "license": licence_url(meta.licence), "keywords": list(meta.keywords), "inLanguage": LANGUAGES,
            "creator": [{"@type": "Organization", "name": a.name} for a in meta.authors],
            "citation": self.citation["apa"].strip(),
            "distribution": [{"@type": "DataDownload", "contentUrl": f"{DOWNLOADS}/{rel}", "encodingFormat": media}
                             for rel, media in self.downloads],
        }
        return json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")

    def page(self, title: str, body: str, root: str, here: str, head: str = "") -> str:
        nav = [("index.html", "Coding matrix"), ("index.html#comparisons", "Comparisons"), ("index.html#sources", "Sources"),
               ("codebook.html", "Codebook"), ("tables.html", "Distributions"), ("reliability.html", "Reliability"),
               ("search.html", "Search"), ("about.html", "About")]
        current = ' aria-current="page"'
        links = "".join(f'<li><a href="{root}{href}"{current if href == here else ""}>{e(text)}</a></li>' for href, text in nav)
        meta = self.meta
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(title)} \u00b7 {e(meta.name)}</title>\n"
            f'<link rel="icon" href="data:,">\n'
            f'<link rel="stylesheet" href="{root}style.css">\n'
            f'<script src="{root}site.js" defer></script>\n'
            f"{head}"
            "</head>\n<body>\n"
            '<a class="skip" href="#main">Skip to content</a>\n'
            f'<header><p class="site"><a href="{root}index.html">{e(meta.name)}</a> {e(meta.version)}</p>'
            f'<nav aria-label="Site"><ul>{links}</ul></nav></header>\n'
            f'<main id="main" tabindex="-1">\n{body}\n</main>\n'
            f"<footer><p>{e(meta.name)} {e(meta.version)}, codebook {e(self.cb.codebook_version)}. "
            f"Annotations and codebook: {e(meta.licence)}. Source texts keep their own terms; each source page says which.</p>"
            f'<details class="cite-this"><summary>Cite this dataset</summary><p>APA</p><pre>{e(self.citation["apa"])}</pre>'
            f'<p>BibTeX</p><pre>{e(self.citation["bibtex"])}</pre></details></footer>\n'
            "</body>\n</html>\n"
        )

    # -- pages -----------------------------------------------------------------------

    def home(self) -> str:
        first = self.cases[:self.page_rows]
        comparisons = "".join(
            f'<li><a href="comparisons/{e(c.id)}.html">{e(self.case[c.cases[0]][self.title])} vs. {e(self.case[c.cases[1]][self.title])}</a>'
            f"<p>{e(words(c.summary))}</p></li>"
            for c in self.v.ann.comparisons
        )
        sources = "".join(
            f'<li><a href="sources/{e(sid)}.html">{e(self.source_title(sid))}</a> ({e(self.cite_source(sid))}; {e(s["venue"])}). '
            f'{self.term("source_kinds", s["kind"])}. {STORED[s["stored"]]}.</li>'
            for sid, s in self.sources.items()
        )
        downloads = "".join(f'<li><a href="{DOWNLOADS}/{e(rel)}" download>{e(rel)}</a> ({e(media)})</li>' for rel, media in self.downloads)
        body = (
            f"<h1>{e(self.meta.title)}</h1>\n<p>{e(words(self.meta.description))}</p>\n"
            f"<p>Version {e(self.meta.version)} (codebook {e(self.cb.codebook_version)}), released {e(self.meta.date_released)}. "
            f'The matrix as a figure: <a href="matrix.svg">SVG</a>, <a href="matrix.png">PNG</a>.</p>\n'
            '<h2 id="matrix">Coding matrix</h2>\n'
            + self.matrix_section(first, "", 1)
            + "\n"
            f'<h2 id="comparisons">Paired comparisons</h2>\n<ul class="list">{comparisons}</ul>\n'
            f'<h2 id="sources">Sources</h2>\n<ul class="list">{sources}</ul>\n'
            f'<h2 id="downloads">Downloads</h2>\n<p>Every published file of release {e(self.meta.version)}, as in the '
            f'dataset\u2019s build/ folder, whose SHA256SUMS lists their checksums.</p>\n'
            f'<ul class="list">{downloads}</ul>'
        )
        head = f'<script type="application/ld+json">\n{self.dataset_jsonld()}\n</script>\n'
        return self.page("Coding matrix", body, "", "index.html", head)

    @property
    def pages(self) -> int:
        """How many pages the matrix takes."""
        return max(1, -(-len(self.cases) // self.page_rows))

    def matrix_page(self, number: int) -> str:
        """A further page of the matrix (the home page holds the first)."""
        first = (number - 1) * self.page_rows
        cases = self.cases[first:first + self.page_rows]
        body = (f'<h1 id="matrix">Coding matrix, cases {first + 1:,}\u2013{first + len(cases):,} of {len(self.cases):,}</h1>\n'
                + self.matrix_section(cases, "../", number))
        return self.page(f"Coding matrix, page {number}", body, "../", "")

    def matrix_section(self, cases: list[dict[str, Any]], root: str, number: int) -> str:
        """The filters, the table and the legend of one page of the matrix."""
        coded = self.cb.coded
        filters = []
        for name in self.filters:
            var = self.cb.variable(name)
            present = {c[name] for c in cases}
            values = [c for c in self.cb.allowed(name) if c in present] if var.categories else sorted(present)
            options = "".join(f'<option value="{e(v)}">{e(self.label(name, v))}</option>' for v in values)
            filters.append(
                f'<label>{e(var.label)} <select data-filter="{e(name)}"><option value="">All</option>{options}</select></label>'
            )
        keys = [("", "The dataset\u2019s order"), ("name", "Case name"), *((v.name, v.label) for v in coded)]
        filters.append('<label>Sort by <select data-sort>' + "".join(f'<option value="{e(k)}">{e(label)}</option>' for k, label in keys)
                       + "</select></label>")
        head = "".join(f'<th scope="col"><a href="{root}codebook.html#{e(v.name)}">{e(v.label)}</a></th>' for v in coded)
        rows = []
        for case in cases:
            cid = case["case_id"]
            data = "".join(f' data-{name}="{e(case[name])}"' for name in self.filters)
            cells = "".join(
                f'<td class="c-{e(v.name)}--{e(case[v.name])}"><a href="{root}cases/{e(cid)}.html#{e(v.name)}">'
                f'{e(self.label(v.name, case[v.name]))}{self.marks.get((cid, v.name), "")}'
                f'{CONTESTED if (cid, v.name) in self.adjudication else ""}</a></td>'
                for v in coded
            )
            rows.append(
                f'<tr data-case="{e(cid)}"{data}><th scope="row"><a href="{root}cases/{e(cid)}.html">{e(case[self.title])}</a>'
                f'<span class="where">{e(self.where(case))}</span></th>{cells}</tr>'
            )
        scope = (f" Filters and sorting apply to the {len(cases):,} cases of this page; the "
                 f'<a href="{root}search.html">search</a> covers all {len(self.cases):,}.') if self.pages > 1 else ""
        return (
            f'<form class="filters" hidden aria-label="Filter the cases">{"".join(filters)}'
            '<p class="status" role="status" aria-live="polite"></p></form>\n'
            + self.pager(number, root)
            + scroller('<table class="matrix">'
                       "<caption>Final code of each case on each coded variable. Each cell opens the coders\u2019 rationale and "
                       "evidence quotes; each quote opens its passage in the source. In each cell, the figure is the lowest "
                       "confidence (1 low to 3 high) of the coders who gave the final code, Q says that verbatim quotes of a "
                       "stored text support it and C that citations of a source the repository does not store do; * the coders "
                       f'disagreed and an adjudicator decided (<a href="{root}reliability.html">reliability</a>).{scope}</caption>'
                       f'<thead><tr><th scope="col">Case</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>', "Coding matrix")
            + '\n<p class="scroll-hint">The matrix scrolls sideways: more variables to the right.</p>\n'
            + self.legend()
        )

    def pager(self, number: int, root: str) -> str:
        """Links to the nearby, first and last pages of the matrix; nothing when it has one page."""
        if self.pages == 1:
            return ""

        def href(n: int) -> str:
            return f"{root}index.html#matrix" if n == 1 else f"{root}matrix/{n}.html"

        shown = sorted({1, self.pages, *range(max(1, number - 2), min(self.pages, number + 2) + 1)})
        items, last = [], 0
        if number > 1:
            items.append(f'<li><a rel="prev" href="{href(number - 1)}">Previous</a></li>')
        for n in shown:
            if n > last + 1:
                items.append("<li>\u2026</li>")
            first = (n - 1) * self.page_rows + 1
            span = f"{first:,}\u2013{min(n * self.page_rows, len(self.cases)):,}"
            items.append(f'<li><a aria-current="page" href="{href(n)}">{span}</a></li>' if n == number
                         else f'<li><a href="{href(n)}">{span}</a></li>')
            last = n
        if number < self.pages:
            items.append(f'<li><a rel="next" href="{href(number + 1)}">Next</a></li>')
        return f'<nav class="pager" aria-label="Pages of the matrix"><ul>{"".join(items)}</ul></nav>\n'

    @cached_property
    def marks(self) -> dict[tuple[str, str], str]:
        """Each matrix cell's marks: the lowest confidence of the coders who gave the final
        code, and the kinds of evidence they gave for it (Q quotes, C citations)."""
        t = self.v.tables
        coded = [v.name for v in self.cb.coded]
        final = t.cases[["case_id", *coded]].astype(object).melt(id_vars="case_id", var_name="dimension", value_name="final")
        codings = t.codings[["case_id", "dimension", "coder", "value", "confidence"]].astype(object)
        agreeing = codings.merge(final, on=["case_id", "dimension"])
        agreeing = agreeing[agreeing["value"] == agreeing["final"]]
        evidence = t.evidence.loc[t.evidence["record_type"] == "code", ["case_id", "dimension", "coder", "value", "kind"]].astype(object)
        kinds = evidence.merge(agreeing[["case_id", "dimension", "coder", "value"]]).groupby(["case_id", "dimension"])["kind"].agg(set)
        labels = {c.level: c.label for c in self.cb.confidence}
        marks: dict[tuple[str, str], str] = {}
        lowest = agreeing.groupby(["case_id", "dimension"])["confidence"].min()
        for (case_id, dim), level in zip(lowest.index, lowest):
            found = kinds.get((case_id, dim), set())
            letters = "".join(mark for kind, mark in KIND_MARKS.items() if kind in found)
            said = " and ".join(kind + "s" for kind in KIND_MARKS if kind in found) or "no evidence"
            title = f"confidence {labels[level].lower()}; {said}"  # short: the caption says what the marks mean
            marks[case_id, dim] = f' <abbr class="marks" title="{e(title)}">{level}{letters}</abbr>'
        return marks

    def where(self, case: dict[str, Any]) -> str:
        """Where a case took place and what kind of policy it is, as the matrix shows it."""
        policy_type, locality = self.filters[:2]
        return f"{case[locality]} \u00b7 {self.label(policy_type, case[policy_type])}"

    def legend(self) -> str:
        """What the colours of each column of the matrix mean: each variable has a scale of its own."""
        items = "".join(
            f"<li><strong>{e(v.label)}</strong>: " + " ".join(
                f'<span class="code c-{e(v.name)}--{e(code)}">{e(self.label(v.name, code))}</span>' for code in self.swatches[v.name]
            ) + "</li>"
            for v in self.cb.coded
        )
        return (f'<details class="legend"><summary>Legend: the colours of each column</summary><p>Each variable has colours '
                "of its own; an ordinal variable runs from light to dark blue in the order of its categories; the missing "
                "statuses are white or light grey.</p>"
                f'<ul class="legend">{items}</ul></details>')

    def case_page(self, case: dict[str, Any]) -> str:
        root = "../"
        cid = case["case_id"]
        described = []
        shown_above = {self.cb.role(r).name for r in ("id", "title", "title_zh")}
        for var in self.cb.variables:
            if var.kind != "descriptive" or var.name in shown_above:
                continue
            value = case[var.name]
            if "sources" in var.roles:
                shown = ", ".join(f'<a href="{root}sources/{e(s)}.html">{e(self.source_title(s))}</a>' for s in value)
            elif var.categories:
                shown = self.badge(var.name, value, root)
            elif "parent" in var.roles and value is not None:
                shown = f'<a href="{root}cases/{e(value)}.html">{e(self.case[value][self.title])}</a>'
            else:
                shown = e(value) if value is not None else "\u2014"
            described.append(f"<dt>{e(var.label)}</dt><dd>{shown}</dd>")
        contents = "".join(f'<li><a href="#{e(v.name)}">{e(v.label)}</a></li>' for v in [*self.cb.facts, *self.cb.coded])
        sections = []
        for var in self.cb.facts:
            value = case[var.name]
            sections.append(
                f'<section id="{e(var.name)}" tabindex="-1"><h2>{e(var.label)}</h2>'
                f'<p class="about">{e(words(var.description))} <a href="{root}codebook.html#{e(var.name)}">Codebook</a></p>'
                f'<p class="final">{e(self.value_text(var.name, value))}</p>'
                f"{self.quotes([r for r in self.evidence(cid, var.name) if r['coder'] is None], root)}</section>"
            )
        for var in self.cb.coded:
            sections.append(
                f'<section id="{e(var.name)}" tabindex="-1"><h2>{e(var.label)}</h2>'
                f'<p class="about">{e(words(var.description))} <a href="{root}codebook.html#{e(var.name)}">Codebook</a></p>'
                f"{self.coding_block(cid, var, root)}</section>"
            )
        sections += (self.timeline_section(cid, root) + self.relations_section(cid, root)
                     + self.tax_design_section(cid, root) + self.conflicts_section(cid, root))
        for anchor_id, label, present in (("timeline", "Timeline", self.events_of(cid)), ("relations", "Relations", self.relations_of(cid)),
                                          ("tax-design", "Tax design", self.designs.get(cid)), ("conflicts", "Conflicts of sources", self.conflicts.get(cid))):
            if present:
                contents += f'<li><a href="#{anchor_id}">{label}</a></li>'
        pairs = self.compared.get(cid, [])
        compared = ""
        if pairs:
            items = "".join(
                f'<li><a href="{root}comparisons/{e(c.id)}.html">{e(self.case[c.cases[0]][self.title])} vs. {e(self.case[c.cases[1]][self.title])}</a></li>'
                for c in pairs
            )
            compared = f'<section id="comparisons"><h2>Compared with</h2><ul>{items}</ul></section>'
        title_zh = self.cb.role("title_zh").name
        zh = f'<p class="zh" lang="zh">{e(case[title_zh])}</p>' if case.get(title_zh) else ""
        body = (
            f"<h1>{e(case[self.title])}</h1>{zh}\n{self.summary_box(case, root)}\n<dl class=\"facts\">{''.join(described)}</dl>\n"
            f'<nav aria-label="Dimensions"><ul class="contents">{contents}</ul></nav>\n'
            + "\n".join(sections)
            + compared
        )
        return self.page(case[self.title], body, root, "")

    def summary_box(self, case: dict[str, Any], root: str) -> str:
        """The final codes of a case at a glance, each linked to its coding block."""
        cid = case["case_id"]
        rows = "".join(
            f'<tr><th scope="row"><a href="#{e(v.name)}">{e(v.label)}</a></th><td>{self.badge(v.name, case[v.name], root)}'
            f'{CONTESTED if (cid, v.name) in self.adjudication else ""}</td></tr>'
            for v in self.cb.coded
        )
        table = (f'<table class="summary"><caption>Final codes (* the coders disagreed and an adjudicator decided)</caption>'
                 f'<thead><tr><th scope="col">Variable</th><th scope="col">Final code</th></tr></thead><tbody>{rows}</tbody></table>')
        return f'<aside class="summary-box" aria-label="Final codes">{scroller(table, "Final codes")}</aside>'

    def events_of(self, case_id: str) -> list[dict[str, Any]]:
        return sorted(self.case_events.get(case_id, []), key=lambda ev: (ev["date_earliest"], ev["date_latest"], ev["type"]))

    def relations_of(self, case_id: str) -> list[dict[str, Any]]:
        return self.case_relations.get(case_id, [])

    def timeline_section(self, case_id: str, root: str) -> list[str]:
        """The dated events of a case, each with its evidence."""
        events = self.events_of(case_id)
        if not events:
            return []
        items = "".join(
            f'<li><p><strong>{e(ev["date"])}</strong> · {e(self.event_label(ev["type"]))}: {e(words(ev["description"]))}</p>'
            f'{self.quotes(self.record_evidence(case_id, ev["event_id"]), root)}</li>'
            for ev in events
        )
        return [f'<section id="timeline" tabindex="-1"><h2>Timeline</h2><ol class="events">{items}</ol></section>']

    def relations_section(self, case_id: str, root: str) -> list[str]:
        """Relations from and to a case, each with its rationale and evidence."""
        relations = self.relations_of(case_id)
        if not relations:
            return []
        items = []
        for rel in relations:
            source = self.case[rel["from_case"]][self.title]
            link = f'<a href="{root}cases/{e(rel["from_case"])}.html">{e(source)}</a>'
            if rel["to_case"]:
                target = f'<a href="{root}cases/{e(rel["to_case"])}.html">{e(self.case[rel["to_case"]][self.title])}</a>'
                label = next(t.label for t in self.cb.relation_types if t.code == rel["type"]).lower()
                sentence = f"{link} — {e(label)} → {target}"
            else:
                sentence = f"{link} — {e(self.relation_text(rel).lower())}"
            date = f' ({e(rel["date"])})' if rel["date"] else ""
            items.append(f"<li><p>{sentence}{date}. {e(words(rel['rationale']))}</p>{self.quotes(self.record_evidence(rel['from_case'], rel['relation_id']), root)}</li>")
        return [f'<section id="relations" tabindex="-1"><h2>Relations</h2><ul class="relations">{"".join(items)}</ul></section>']

    def tax_design_section(self, case_id: str, root: str) -> list[str]:
        """The tax's design, parameter by parameter, each row with its evidence."""
        rows = self.designs.get(case_id, [])
        if not rows:
            return []
        items = "".join(
            f'<li><p><strong>{e(self.term("tax_parameters", r["parameter"]))}, {e(r["item"])}</strong>{self.validity(r)}: '
            f'{e(words(r["value"]))}</p>{self.quotes(self.record_evidence(case_id, r["design_id"]), root)}</li>' for r in rows)
        return [f'<section id="tax-design" tabindex="-1"><h2>Tax design</h2><p class="about">The design as the tax\'s own '
                f'documents state it (the <code>tax_design</code> table).</p><ul class="design">{items}</ul></section>']

    @staticmethod
    def validity(row: dict[str, Any]) -> str:
        since, until = row["valid_from"], row["valid_to"]
        if since and until:
            return f" ({e(since)} to {e(until)})"
        return f" (from {e(since)})" if since else f" (until {e(until)})" if until else ""

    def conflicts_section(self, case_id: str, root: str) -> list[str]:
        """Where the sources disagree about the case, each side with its evidence, and the resolution."""
        found = self.conflicts.get(case_id, [])
        if not found:
            return []
        evidence = self.record_evidence
        items = []
        for c in found:
            sides = defaultdict(list)
            for row in evidence(case_id, c["conflict_id"]):
                sides[row["value"]].append(row)
            shown = "".join(f'<li><p>{e(claim)}</p>{self.quotes(rows, root)}</li>' for claim, rows in sides.items())
            items.append(f'<li><h3>On {e(c["subject"])}</h3><ol class="sides">{shown}</ol>'
                         f'<p><strong>Resolution:</strong> {e(words(c["resolution"]))} {e(words(c["rationale"]))}</p></li>')
        return [f'<section id="conflicts" tabindex="-1"><h2>Conflicts of sources</h2><ul class="conflicts">{"".join(items)}</ul></section>']

    def designs_side_by_side(self, a: str, b: str) -> str:
        """The two taxes' designs in one table, parameter by parameter."""
        if not (self.designs.get(a) and self.designs.get(b)):
            return ""
        cells: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for cid in (a, b):
            for r in self.designs[cid]:
                cells[r["parameter"]][cid].append(f'<p><strong>{e(r["item"])}</strong>{self.validity(r)}: {e(words(r["value"]))}</p>')
        order = self.cb.terms("tax_parameters")
        rows = "".join(f'<tr><th scope="row">{e(self.term("tax_parameters", p))}</th>'
                       + "".join(f'<td>{"".join(cells[p][cid]) or "Not stated"}</td>' for cid in (a, b)) + "</tr>"
                       for p in order if p in cells)
        head = "".join(f'<th scope="col"><a href="../cases/{e(cid)}.html#tax-design">{e(self.case[cid][self.title])}</a></th>' for cid in (a, b))
        return ('<section id="tax-design" tabindex="-1"><h2>The two designs side by side</h2><p class="about">From the '
                '<code>tax_design</code> table; each row\'s evidence is on the case pages.</p>'
                + scroller('<table class="design"><caption>The designs of the two taxes, parameter by parameter</caption>'
                           f'<thead><tr><th scope="col">Parameter</th>{head}</tr></thead><tbody>{rows}</tbody></table>', "The two designs")
                + "</section>")

    def comparison_page(self, comparison: Any) -> str:
        root = "../"
        a, b = comparison.cases
        rows = self.comparison_rows.get(comparison.id, [])
        sections = []
        for row in rows:
            var = self.cb.variable(row["dimension"])
            sides = "".join(
                f'<div class="side"><h3><a href="{root}cases/{e(cid)}.html#{e(var.name)}">{e(self.case[cid][self.title])}</a></h3>'
                f'{self.coding_block(cid, var, root, "h4")}</div>'
                for cid in (a, b)
            )
            sections.append(
                f'<section id="{e(var.name)}" tabindex="-1"><h2>{e(var.label)}</h2>'
                f'<p class="contrast {e(row["contrast"])}"><strong>{e(row["contrast"].replace("_", " ").capitalize())}.</strong> {e(words(row["statement"]))}</p>'
                f'<div class="sides">{sides}</div></section>'
            )
        title = f"{self.case[a][self.title]} vs. {self.case[b][self.title]}"
        names = "".join(f'<th scope="col"><a href="{root}cases/{e(cid)}.html">{e(self.case[cid][self.title])}</a></th>' for cid in (a, b))
        verdicts = "".join(
            f'<tr><th scope="row"><a href="#{e(row["dimension"])}">{e(self.cb.variable(row["dimension"]).label)}</a></th>'
            + "".join(f"<td>{self.badge(row['dimension'], self.case[cid][row['dimension']], root)}</td>" for cid in (a, b))
            + f'<td class="contrast {e(row["contrast"])}">{e(row["contrast"].replace("_", " ").capitalize())}</td></tr>'
            for row in rows
        )
        verdict = scroller(f'<table class="verdicts"><caption>The pair at a glance: final codes and contrast</caption><thead><tr>'
                           f'<th scope="col">Variable</th>{names}<th scope="col">Contrast</th></tr></thead><tbody>{verdicts}</tbody></table>',
                           "The pair at a glance")
        body = (f"<h1>{e(title)}</h1>\n<p>{e(words(comparison.summary))}</p>\n<p>Why this pair: {e(words(comparison.reason))}</p>\n"
                f"{verdict}\n{self.designs_side_by_side(a, b)}" + "\n".join(sections))
        return self.page(title, body, root, "")

    def source_page(self, source_id: str) -> str:
        root = "../"
        s = self.sources[source_id]
        text = self.v.ann.sources[source_id].text
        cited = self.citations(source_id)
        spans = sorted(cited)
        licence = e(s["licence"])
        if s["licence"].lower() not in ("unknown", "prc-copyright-art5"):
            licence = f'<a href="https://spdx.org/licenses/{e(s["licence"])}.html">{licence}</a>'
        stored = {"full_text": f"the full text, {s['n_chars']} characters, SHA-256 <code>{e(s['sha256'])}</code>",
                  "excerpt": f"the cited sentences only, SHA-256 <code>{e(s['sha256'])}</code>; full text SHA-256 "
                             f"<code>{e(s['full_text_sha256'])}</code>",
                  "none": "no text: the evidence cites it by locator, in the coders' own words"}[s["stored"]]
        record = [
            ("Kind", e(self.term("source_kinds", s["kind"]))),
            ("Authors or issuer", e(", ".join(s["authors"]))),
            ("Venue", e(s["venue"])),
            ("Date", e(s["date"] or "not known")),
            *([("Document number", f'<span lang="zh">{e(s["document_number"])}</span>')] if s["document_number"] else []),
            *([("English title", e(s["title_en"]))] if s["title_en"] else []),
            ("Language", e(s["language"])),
            ("Genre", e(s["genre"])),
            ("Licence", licence),
            ("Address", _link(s["url"]) if s["url"] else "unknown"),
            *([("Copy consulted", _link(s["consulted_url"]) + (f", {e(s['consulted'])}" if s["consulted"] else ""))] if s["consulted_url"] else []),
            ("Stored", stored),
            ("Notes", e(words(s["notes"]))),
        ]
        title = f'<h1 lang="{e(s["language"] if s["title"] else "en")}">{e(self.source_title(source_id))}</h1>'
        parts = [title, '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in record) + "</dl>"]
        if text is None:
            located = self.citations(source_id, "citation")
            items = "".join(f"<li>{e(words(locator))}: " + "; ".join(f'<a href="{e(href)}">{e(what)}</a>' for href, what in located[locator])
                            + "</li>" for locator in sorted(located))
            parts.append('<p class="note">The repository does not store this text. Evidence from it is given as citations: '
                         "a locator and a paraphrase in the coders' own words, shown on the pages that cite it. Open the "
                         "source at the address above to check each one.</p>")
            parts.append(f'<h2 id="cited">Cited places</h2><ol class="cited">{items}</ol>')
            return self.page(self.source_title(source_id), "\n".join(parts), root, "")
        shown_text = reflow(text)  # for reading; offsets unchanged
        if s["full_text_included"]:
            parts.append(
                f'<p class="note">The full text follows, unmodified, by {e(", ".join(s["authors"]))}, reproduced under the licence '
                f"{licence}. Cited passages are highlighted.</p>"
            )
            parts.append(f'<h2>Text</h2><div class="text">{mark_up(shown_text, 0, len(text), spans)}</div>')
        else:
            parts.append(
                f'<p class="note">The dataset does not redistribute this text in full (licence: {licence}). Only the sentences '
                f"that hold cited passages are shown, with {GAP} where text is left out; cited passages are highlighted.</p>"
            )
            blocks = excerpt_blocks(text, spans)
            shown = ['<h2>Cited sentences</h2>']
            last = 0
            for lo, hi in blocks:
                if text[last:lo].strip():
                    shown.append(f'<p class="gap">{GAP}</p>')
                inside = spans[bisect_left(spans, (lo, lo)):bisect_left(spans, (hi, hi))]  # spans is sorted
                shown.append(f'<div class="text">{mark_up(shown_text, lo, hi, [sp for sp in inside if sp[1] <= hi])}</div>')
                last = hi
            if text[last:].strip():
                shown.append(f'<p class="gap">{GAP}</p>')
            parts.append("".join(shown))
        items = "".join(
            f'<li><a href="#{anchor(*span)}">Characters {span[0]}\u2013{span[1]}</a>: '
            + "; ".join(f'<a href="{e(href)}">{e(text)}</a>' for href, text in cited[span])
            + "</li>"
            for span in spans
        )
        parts.append(f'<h2 id="cited">Cited passages</h2><ol class="cited">{items}</ol>')
        return self.page(self.source_title(source_id), "\n".join(parts), root, "")

    def about_page(self) -> str:
        """What the dataset is, how it was coded, and where its documents are."""
        roles = "".join(f"<li>{e(c.id)}: {e(c.role)}</li>" for c in self.v.ann.coders.values())
        documents = "".join(f'<li><a href="{e(name)}">{e(name)}</a></li>' for name, _ in self.documents)
        body = (
            f"<h1>About {e(self.meta.name)}</h1>\n<p>{e(words(self.meta.description))}</p>\n"
            f"<p>Release {e(self.meta.version)} of {e(self.meta.date_released)}: {len(self.cases)} cases coded against codebook "
            f'{e(self.cb.codebook_version)} (<a href="codebook.html">the codebook</a>).</p>\n'
            "<h2>How it was coded</h2>\n<p>Every case was coded on every variable by more than one coder, each value with its "
            "rationale, confidence and evidence; where the codings disagreed, an adjudicator who had coded none of the cases "
            'decided, and the case page says who and why. The <a href="reliability.html#coders">reliability page</a> says '
            f"what kind of coder each one is and how far they agree.</p>\n<ul>{roles}</ul>\n"
            "<h2>Documents</h2>\n<p>The datacard (what the dataset covers, how the cases were chosen, what it can and cannot "
            "show) and the changelog (what changed in each release, and why), as Markdown:</p>\n"
            f'<ul>{documents}</ul>\n<p>The <a href="tables.html">distributions</a> of the codes, and every published file '
            'under <a href="index.html#downloads">downloads</a>. Each page ends with the citation of the dataset.</p>'
        )
        return self.page("About", body, "", "about.html")

    def reliability_page(self) -> str:
        """The figures of `policyframes reliability`, with what the coders are."""
        coders = "".join(f"<dt>{e(c.id)}: {e(c.role)}</dt><dd>{to_html(words(c.description))}</dd>" for c in self.v.ann.coders.values())
        report = full_report(self.cb, self.v.tables, max_rows=MAX_ROWS, certifying=self.v.certifying)
        body = (
            "<h1>Reliability</h1>\n"
            "<p>How far independent codings of the same cases agree, as <code>policyframes reliability</code> prints it. "
            "Missing statuses are missing data here, not categories. The datacard says what these figures can and cannot show.</p>\n"
            f'<h2 id="coders">The coders</h2><dl class="coders">{coders}</dl>\n'
            f'<h2 id="figures">Figures</h2>\n{to_html(report)}'
        )
        return self.page("Reliability", body, "", "reliability.html")

    def search_page(self) -> str:
        """A search over case names, rationales and evidence, in the browser (search.js)."""
        body = (
            "<h1>Search</h1>\n"
            "<p>Finds the cases by their English or Chinese names, and the coders\u2019 rationales, quotes and cited "
            "passages that contain every word you type. Each result links to the case, the coding or the passage.</p>\n"
            '<noscript><p>The search needs JavaScript; every page is also reachable from the <a href="index.html">coding matrix</a>.</p></noscript>\n'
            '<form class="search" role="search" hidden><label for="q">Search the dataset</label> '
            '<input type="search" id="q" name="q" autocomplete="off"></form>\n'
            '<p class="search-status" role="status" aria-live="polite"></p>\n<ol class="results"></ol>'
        )
        head = '<script src="search-index.js" defer></script>\n<script src="search.js" defer></script>\n'
        return self.page("Search", body, "", "search.html", head)

    def search_index(self) -> str:
        """The search page's index: the cases, every rationale and every evidence item of a code or fact."""
        title_zh = self.cb.role("title_zh").name

        def heading(case_id: str, dim: str) -> str:
            return f"{self.case[case_id][self.title]} \u00b7 {self.cb.variable(dim).label}"

        entries = search.case_entries(self.cases, self.title, title_zh, self.where)
        entries += search.rationale_entries(_records(self.v.tables.codings), heading)
        entries += search.evidence_entries(_records(self.v.tables.evidence), heading)
        return search.index_script(entries)

    def tables_page(self) -> str:
        """Distributions, cross-tabulations and the evidence by kind, generated from the data."""
        t = self.v.tables
        body = (
            "<h1>Distributions and cross-tabulations</h1>\n"
            "<p>Generated from the data, like the same tables in the datacard. Each independent unit counts once: a "
            "package or family whose components are cases of their own is counted through its components.</p>\n"
            f'<h2 id="crosstabs">Cross-tabulations</h2>\n{to_html(crosstabs(self.cb, t.cases))}\n'
            f'<h2 id="distributions">Distribution of each coded variable</h2>\n{to_html(distributions(self.cb, t.cases))}\n'
            f'<h2 id="evidence">Evidence and sources by kind</h2>\n{to_html(evidence_by_kind(self.cb, t.evidence, t.sources))}'
        )
        return self.page("Distributions", body, "", "tables.html")

    def codebook_page(self) -> str:
        cb = self.cb
        parts = [
            f"<h1>{e(cb.title)}</h1>",
            f"<p>Codebook version {e(cb.codebook_version)}. {e(words(cb.description))}</p>",
            '<nav aria-label="Variables"><ul class="contents">'
            + "".join(f'<li><a href="#{e(v.name)}">{e(v.label)}</a></li>' for v in cb.variables)
            + "</ul></nav>",
            '<h2 id="general-rules">General rules</h2><dl>'
            + "".join(f"<dt>{e(r.id)}</dt><dd>{e(words(r.rule))}</dd>" for r in cb.general_rules)
            + "</dl>",
            '<h2 id="confidence">Confidence</h2><dl>'
            + "".join(f"<dt>{c.level} {e(c.label)}</dt><dd>{e(words(c.definition))}</dd>" for c in cb.confidence)
            + "</dl>",
            '<h2 id="attributions">Attribution of evidence</h2><dl>'
            + "".join(f"<dt>{e(a.label)} (<code>{e(a.code)}</code>)</dt><dd>{e(words(a.definition))}</dd>" for a in cb.attributions)
            + "</dl>",
            *(f'<h2 id="{anchor_id}">{title}</h2><dl>'
              + "".join(f"<dt>{e(t.label)} (<code>{e(t.code)}</code>)</dt><dd>{e(words(t.definition))}</dd>" for t in terms)
              + "</dl>"
              for anchor_id, title, terms in (("evidence-kinds", "Kinds of evidence", cb.evidence_kinds),
                                              ("source-kinds", "Kinds of source", cb.source_kinds),
                                              ("tax-parameters", "Tax parameters", cb.tax_parameters))),
            f'<h2 id="quote-normalisation">Quote normalisation</h2><p>{e(words(cb.quote_normalisation))}</p>',
            '<h2 id="variables">Variables</h2>',
        ]
        for var in cb.variables:
            parts.append(self._variable(var))
        return self.page(cb.title, "\n".join(parts), "", "codebook.html")

    def _variable(self, var: Variable) -> str:
        head = (
            f'<section id="{e(var.name)}" tabindex="-1"><h3>{e(var.label)} <code>{e(var.name)}</code></h3>'
            f'<p class="about">{e(var.kind.capitalize())}, {e(var.level)}. {e(words(var.description))}</p>'
        )
        if var.applies_when:
            head += f"<p>Applies when: {e(words(var.applies_when))}</p>"
        if var.derived_from:
            head += f'<p>Derived from <a href="#{e(var.derived_from)}"><code>{e(var.derived_from)}</code></a>.</p>'
        entries = []
        for cat in var.categories:
            details = [f"<dt>Definition</dt><dd>{e(words(cat.definition))}</dd>"]
            if cat.decision_rule:
                details.append(f"<dt>Decision rule</dt><dd>{e(words(cat.decision_rule))}</dd>")
            if cat.pfc:
                pfc = next(f for f in self.cb.pfc_frames if f.code == cat.pfc)
                details.append(f"<dt>Policy Frames Codebook</dt><dd>{pfc.number} {e(pfc.label)}</dd>")
            if cat.boundary:
                details.append(f"<dt>Boundary</dt><dd>{e(words(cat.boundary))}</dd>")
            if cat.example:
                details.append(f"<dt>Example ({e(cat.example.kind)})</dt><dd>\u201c{e(words(cat.example.text))}\u201d</dd>")
            entries.append(self._category(var, cat.code, cat.label, details))
        if var.kind == "coded":
            for missing in (m for m in self.cb.missing_codes if m.code in var.missing):
                details = [f"<dt>Definition</dt><dd>{e(words(missing.definition))}</dd>",
                           f"<dt>When for this variable</dt><dd>{e(words(var.missing[missing.code]))}</dd>",
                           f"<dt>Decision rule</dt><dd>{e(words(missing.decision_rule))}</dd>"]
                entries.append(self._category(var, missing.code, missing.label, details))
        return head + "".join(entries) + "</section>"

    def _category(self, var: Variable, code: str, label: str, details: list[str]) -> str:
        coded = [c for c in self.cases if c.get(var.name) == code]
        anchor_ = f"#{var.name}" if var.kind == "coded" else ""
        cases = ", ".join(f'<a href="cases/{e(c["case_id"])}.html{e(anchor_)}">{e(c[self.title])}</a>' for c in coded[:CASES_LISTED]) or "none yet"
        if len(coded) > CASES_LISTED:
            cases += f", and {len(coded) - CASES_LISTED:,} more"
        swatch = f'<span class="swatch c-{e(var.name)}--{e(code)}" aria-hidden="true"></span>' if var.name in self.swatches else ""
        return (
            f'<article class="category" id="{e(var.name)}--{e(code)}" tabindex="-1"><h4>{swatch}{e(label)} <code>{e(code)}</code></h4>'
            f"<dl>{''.join(details)}<dt>Cases</dt><dd>{cases}</dd></dl></article>"
        )

    def style(self) -> str:
        css = files("policyframes").joinpath("assets/style.css").read_text(encoding="utf-8")
        rules = [
            f".c-{var}--{code},a.code.c-{var}--{code}{{background:{s.background};color:{s.text}}}"
            for var, palette in self.swatches.items()
            for code, s in palette.items()
        ]
        return fonts.font_face() + css + "\n/* Colours of the codes, computed from the codebook's category order. */\n" + "\n".join(rules) + "\n"

    def matrix(self) -> figure.Matrix:
        """The coding matrix as a figure (its first MAX_ROWS cases, and a title saying so)."""
        coded = self.cb.coded
        rows = [
            (c["case_id"], [figure.Cell(self.label(v.name, c[v.name]), self.swatches[v.name][c[v.name]]) for v in coded])
            for c in self.cases[:MAX_ROWS]
        ]
        title = f"{self.meta.name} {self.meta.version}: final codes by case (codebook {self.cb.codebook_version})"
        if len(self.cases) > MAX_ROWS:
            title += f", the first {MAX_ROWS:,} of {len(self.cases):,} cases"
        return figure.Matrix(title, [v.label for v in coded], rows)

    def files(self) -> Iterator[tuple[str, str | bytes]]:
        """Every file of the site: path relative to the site folder, and content (made one
        at a time, so that a large site is never held in memory)."""
        yield "index.html", self.home()
        yield "codebook.html", self.codebook_page()
        yield "reliability.html", self.reliability_page()
        yield "tables.html", self.tables_page()
        yield "search.html", self.search_page()
        yield "about.html", self.about_page()
        yield from self.documents
        yield "search-index.js", self.search_index()
        yield "search.js", files("policyframes").joinpath("assets/search.js").read_text(encoding="utf-8")
        yield "style.css", self.style()
        yield "site.js", files("policyframes").joinpath("assets/site.js").read_text(encoding="utf-8")
        yield fonts.FONT, files("policyframes").joinpath(f"assets/{fonts.FONT}").read_bytes()
        yield fonts.LICENCE, files("policyframes").joinpath(f"assets/{fonts.LICENCE}").read_text(encoding="utf-8")
        for number in range(2, self.pages + 1):
            yield f"matrix/{number}.html", self.matrix_page(number)
        for case in self.cases:
            yield f"cases/{case['case_id']}.html", self.case_page(case)
        for comparison in self.v.ann.comparisons:
            yield f"comparisons/{comparison.id}.html", self.comparison_page(comparison)
        for source_id in self.sources:
            yield f"sources/{source_id}.html", self.source_page(source_id)
        matrix = self.matrix()
        yield "matrix.svg", figure.svg(matrix)
        yield "matrix.png", figure.png(matrix)


def write_site(v: Validated, folder: Path, downloads: Sequence[tuple[str, str]] = (), documents: Sequence[tuple[str, str]] = ()) -> None:
    """Write the site into a new folder, with a copy of the published files it offers for
    download (`downloads`: their paths relative to the folder above the site, and media
    types), so that a site deployed on its own links to them, and the documents it shows
    (`documents`: file name and Markdown text)."""
    for rel, _ in downloads:
        copy = folder / DOWNLOADS / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder.parent / rel, copy)
    for rel, content in Site(v, downloads, documents).files():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
