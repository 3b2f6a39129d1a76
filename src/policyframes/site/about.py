"""The pages about the dataset: about, reliability, distributions, and the search page with its index."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import TYPE_CHECKING

from ..descriptives import crosstabs, distributions, evidence_by_kind
from ..markdown import MAX_ROWS, to_html
from ..reliability import full_report
from . import search
from .html import e, page, words

if TYPE_CHECKING:
    from .lookups import Lookups


def about_page(site: Lookups) -> str:
    """What the dataset is, how it was coded, and where its documents are."""
    roles = "".join(f"<li>{e(c.id)}: {e(c.role)}</li>" for c in site.data.coders.values())
    documents = "".join(f'<li><a href="{e(name)}">{e(name)}</a></li>' for name, _ in site.data.documents)
    body = (
        f"<h1>About {e(site.meta.name)}</h1>\n<p>{e(words(site.meta.description))}</p>\n"
        f"<p>Release {e(site.meta.version)} of {e(site.meta.date_released)}: {len(site.cases)} cases coded against codebook "
        f'{e(site.cb.codebook_version)} (<a href="codebook.html">the codebook</a>).</p>\n'
        "<h2>How it was coded</h2>\n<p>Every case was coded on every variable by more than one coder, each value with its "
        "rationale, confidence and evidence; where the codings disagreed, an adjudicator who had coded none of the cases "
        'decided, and the case page says who and why. The <a href="reliability.html#coders">reliability page</a> says '
        f"what kind of coder each one is and how far they agree.</p>\n<ul>{roles}</ul>\n"
        "<h2>Documents</h2>\n<p>The datacard (what the dataset covers, how the cases were chosen, what it can and cannot "
        "show) and the changelog (what changed in each release, and why), as Markdown:</p>\n"
        f'<ul>{documents}</ul>\n<p>The <a href="tables.html">distributions</a> of the codes, and every published file '
        'under <a href="index.html#downloads">downloads</a>. Each page ends with the citation of the dataset.</p>'
    )
    return page(site, "About", body, "", "about.html")


def reliability_page(site: Lookups) -> str:
    """The figures of `policyframes reliability`, with what the coders are."""
    coders = "".join(f"<dt>{e(c.id)}: {e(c.role)}</dt><dd>{to_html(words(c.description))}</dd>" for c in site.data.coders.values())
    report = full_report(site.cb, site.data.tables, site.data.primary, max_rows=MAX_ROWS, certifying=site.data.certifying)
    body = (
        "<h1>Reliability</h1>\n"
        "<p>How far independent codings of the same cases agree, as <code>policyframes reliability</code> prints it. "
        "Missing statuses are missing data here, not categories. The datacard says what these figures can and cannot show.</p>\n"
        f'<h2 id="coders">The coders</h2><dl class="coders">{coders}</dl>\n'
        f'<h2 id="figures">Figures</h2>\n{to_html(report)}'
    )
    return page(site, "Reliability", body, "", "reliability.html")


def tables_page(site: Lookups) -> str:
    """Distributions, cross-tabulations and the evidence by kind, generated from the data."""
    t = site.data.tables
    body = (
        "<h1>Distributions and cross-tabulations</h1>\n"
        "<p>Generated from the data, like the same tables in the datacard. Each independent unit counts once: a "
        "package or family whose components are cases of their own is counted through its components.</p>\n"
        f'<h2 id="crosstabs">Cross-tabulations</h2>\n{to_html(crosstabs(site.cb, t.cases))}\n'
        f'<h2 id="distributions">Distribution of each coded variable</h2>\n{to_html(distributions(site.cb, t.cases))}\n'
        f'<h2 id="evidence">Evidence and sources by kind</h2>\n{to_html(evidence_by_kind(site.cb, t.evidence, t.sources))}'
    )
    return page(site, "Distributions", body, "", "tables.html")


def search_page(site: Lookups, parts: int) -> str:
    """A search over case names, rationales and evidence, in the browser (search.js), which
    loads the index's `parts` (search/1.js, ...) one by one as far as a query needs."""
    body = (
        "<h1>Search</h1>\n"
        "<p>Finds the cases by their English or Chinese names, and the coders\u2019 rationales, quotes and cited "
        "passages that contain every word you type. Each result links to the case, the coding or the passage.</p>\n"
        '<noscript><p>The search needs JavaScript; every page is also reachable from the <a href="index.html">coding matrix</a>.</p></noscript>\n'
        f'<form class="search" role="search" data-parts="{parts}" hidden><label for="q">Search the dataset</label> '
        '<input type="search" id="q" name="q" autocomplete="off"></form>\n'
        '<p class="search-status" role="status" aria-live="polite"></p>\n<ol class="results"></ol>'
    )
    head = '<script src="search.js" defer></script>\n'
    return page(site, "Search", body, "", "search.html", head)


def search_index(site: Lookups) -> Iterator[str]:
    """The search page's index, in parts made one at a time: the cases, every rationale
    and every evidence item of a code or fact."""
    title_zh = site.cb.role("title_zh").name

    def heading(case_id: str, dim: str) -> str:
        return f"{site.case[case_id][site.title]} \u00b7 {site.cb.variable(dim).label}"

    entries = chain(search.case_entries(site.cases, site.title, title_zh, site.where),
                    search.rationale_entries(site.codings.each(), heading),
                    search.evidence_entries(site.case_evidence.each(), heading))
    return search.index_parts(entries, site.search_part_bytes)
