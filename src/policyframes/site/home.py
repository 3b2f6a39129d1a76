"""The home page (the first page of the coding matrix, the comparisons, the sources, the
downloads) and the matrix's further pages."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..datapackage import licence_url
from ..descriptives import STORED
from ..markdown import scroller
from ..meta import LANGUAGES
from .data import DOWNLOADS
from .html import CONTESTED, e, page, words

if TYPE_CHECKING:
    from .lookups import Lookups

KIND_MARKS = {"quote": "Q", "citation": "C"}  # the matrix's marks of the evidence kinds


def home(site: Lookups) -> str:
    """The home page (index.html)."""
    first = site.cases[:site.page_rows]
    comparisons = "".join(
        f'<li><a href="comparisons/{e(c.id)}.html">{e(site.case[c.cases[0]][site.title])} vs. {e(site.case[c.cases[1]][site.title])}</a>'
        f"<p>{e(words(c.summary))}</p></li>"
        for c in site.comparisons
    )
    sources = "".join(
        f'<li><a href="sources/{e(sid)}.html">{e(site.source_title(sid))}</a> ({e(site.cite_source(sid))}; {e(s["venue"])}). '
        f'{site.term("source_kinds", s["kind"])}. {STORED[s["stored"]]}.</li>'
        for sid, s in site.sources.items()
    )
    downloads = "".join(f'<li><a href="{DOWNLOADS}/{e(rel)}" download>{e(rel)}</a> ({e(media)})</li>' for rel, media in site.data.downloads)
    body = (
        f"<h1>{e(site.meta.title)}</h1>\n<p>{e(words(site.meta.description))}</p>\n"
        f"<p>Version {e(site.meta.version)} (codebook {e(site.cb.codebook_version)}), released {e(site.meta.date_released)}. "
        f'The matrix as a figure: <a href="matrix.svg">SVG</a>, <a href="matrix.png">PNG</a>.</p>\n'
        '<h2 id="matrix">Coding matrix</h2>\n'
        + matrix_section(site, first, "", 1)
        + "\n"
        f'<h2 id="comparisons">Paired comparisons</h2>\n<ul class="list">{comparisons}</ul>\n'
        f'<h2 id="sources">Sources</h2>\n<ul class="list">{sources}</ul>\n'
        f'<h2 id="downloads">Downloads</h2>\n<p>Every published file of release {e(site.meta.version)}, as in the '
        f'dataset\u2019s build/ folder, whose SHA256SUMS lists their checksums.</p>\n'
        f'<ul class="list">{downloads}</ul>'
    )
    head = f'<script type="application/ld+json">\n{dataset_jsonld(site)}\n</script>\n'
    return page(site, "Coding matrix", body, "", "index.html", head)


def matrix_page(site: Lookups, number: int) -> str:
    """A further page of the matrix (the home page holds the first)."""
    first = (number - 1) * site.page_rows
    cases = site.cases[first:first + site.page_rows]
    body = (f'<h1 id="matrix">Coding matrix, cases {first + 1:,}\u2013{first + len(cases):,} of {len(site.cases):,}</h1>\n'
            + matrix_section(site, cases, "../", number))
    return page(site, f"Coding matrix, page {number}", body, "../", "")


def matrix_section(site: Lookups, cases: list[dict[str, Any]], root: str, number: int) -> str:
    """The filters, the table and the legend of one page of the matrix."""
    coded = site.cb.coded
    filters = []
    for name in site.filters:
        var = site.cb.variable(name)
        present = {c[name] for c in cases}
        values = [c for c in site.cb.allowed(name) if c in present] if var.categories else sorted(present)
        options = "".join(f'<option value="{e(v)}">{e(site.label(name, v))}</option>' for v in values)
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
        data = "".join(f' data-{name}="{e(case[name])}"' for name in site.filters)
        cells = "".join(
            f'<td class="c-{e(v.name)}--{e(case[v.name])}"><a href="{root}cases/{e(cid)}.html#{e(v.name)}">'
            f'{e(site.label(v.name, case[v.name]))}{cell_marks(site, cid, v.name)}'
            f'{CONTESTED if (cid, v.name) in site.adjudication else ""}</a></td>'
            for v in coded
        )
        rows.append(
            f'<tr data-case="{e(cid)}"{data}><th scope="row"><a href="{root}cases/{e(cid)}.html">{e(case[site.title])}</a>'
            f'<span class="where">{e(site.where(case))}</span></th>{cells}</tr>'
        )
    scope = (f" Filters and sorting apply to the {len(cases):,} cases of this page; the "
             f'<a href="{root}search.html">search</a> covers all {len(site.cases):,}.') if site.pages > 1 else ""
    return (
        f'<form class="filters" hidden aria-label="Filter the cases">{"".join(filters)}'
        '<p class="status" role="status" aria-live="polite"></p></form>\n'
        + pager(site, number, root)
        + scroller('<table class="matrix">'
                   "<caption>Final code of each case on each coded variable. Each cell opens the coders\u2019 rationale and "
                   "evidence quotes; each quote opens its passage in the source. In each cell, the figure is the lowest "
                   "confidence (1 low to 3 high) of the coders who gave the final code, Q says that verbatim quotes of a "
                   "stored text support it and C that citations of a source the repository does not store do; * the coders "
                   f'disagreed and an adjudicator decided (<a href="{root}reliability.html">reliability</a>).{scope}</caption>'
                   f'<thead><tr><th scope="col">Case</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>', "Coding matrix")
        + '\n<p class="scroll-hint">The matrix scrolls sideways: more variables to the right.</p>\n'
        + legend(site)
    )


def cell_marks(site: Lookups, case_id: str, dim: str) -> str:
    """A cell's marks: the lowest confidence of the coders who gave its code and the kinds
    of their evidence (Q quotes, C citations), with a short title (the caption explains them)."""
    if (case_id, dim) not in site.marks:
        return ""
    level, kinds = site.marks[case_id, dim]
    title = f"confidence {site.confidence_labels[level].lower()}; " + (" and ".join(kind + "s" for kind in kinds) or "no evidence")
    return f' <abbr class="marks" title="{e(title)}">{level}{"".join(KIND_MARKS[kind] for kind in kinds)}</abbr>'


def pager(site: Lookups, number: int, root: str) -> str:
    """Links to the nearby, first and last pages of the matrix; nothing when it has one page."""
    if site.pages == 1:
        return ""

    def href(n: int) -> str:
        return f"{root}index.html#matrix" if n == 1 else f"{root}matrix/{n}.html"

    shown = sorted({1, site.pages, *range(max(1, number - 2), min(site.pages, number + 2) + 1)})
    items, last = [], 0
    if number > 1:
        items.append(f'<li><a rel="prev" href="{href(number - 1)}">Previous</a></li>')
    for n in shown:
        if n > last + 1:
            items.append("<li>\u2026</li>")
        first = (n - 1) * site.page_rows + 1
        span = f"{first:,}\u2013{min(n * site.page_rows, len(site.cases)):,}"
        items.append(f'<li><a aria-current="page" href="{href(n)}">{span}</a></li>' if n == number
                     else f'<li><a href="{href(n)}">{span}</a></li>')
        last = n
    if number < site.pages:
        items.append(f'<li><a rel="next" href="{href(number + 1)}">Next</a></li>')
    return f'<nav class="pager" aria-label="Pages of the matrix"><ul>{"".join(items)}</ul></nav>\n'


def legend(site: Lookups) -> str:
    """What the colours of each column of the matrix mean: each variable has a scale of its own."""
    items = "".join(
        f"<li><strong>{e(v.label)}</strong>: " + " ".join(
            f'<span class="code c-{e(v.name)}--{e(code)}">{e(site.label(v.name, code))}</span>' for code in site.swatches[v.name]
        ) + "</li>"
        for v in site.cb.coded
    )
    return (f'<details class="legend"><summary>Legend: the colours of each column</summary><p>Each variable has colours '
            "of its own; an ordinal variable runs from light to dark blue in the order of its categories; the missing "
            "statuses are white or light grey.</p>"
            f'<ul class="legend">{items}</ul></details>')


def dataset_jsonld(site: Lookups) -> str:
    """The schema.org Dataset description that dataset search engines read."""
    meta = site.meta
    data = {
        "@context": "https://schema.org", "@type": "Dataset", "name": meta.name, "alternateName": meta.title,
        "description": words(meta.description), "version": meta.version, "datePublished": meta.date_released,
        "license": licence_url(meta.licence), "keywords": list(meta.keywords), "inLanguage": LANGUAGES,
        "creator": [{"@type": "Organization", "name": a.name} for a in meta.authors],
        "citation": site.citation["apa"].strip(),
        "distribution": [{"@type": "DataDownload", "contentUrl": f"{DOWNLOADS}/{rel}", "encodingFormat": media}
                         for rel, media in site.data.downloads],
    }
    return json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
