"""A source page: its record, then its text (in full, in excerpts or not at all, as its licence
allows) with every cited passage marked and linked to what cites it."""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

from ..passages import GAP, anchor, excerpt_blocks, mark_up, reflow
from .html import e, link, page, words

if TYPE_CHECKING:
    from .lookups import Lookups


def source_page(site: Lookups, source_id: str) -> str:
    """The page of one source (sources/ID.html)."""
    root = "../"
    s = site.sources[source_id]
    text = site.data.texts[source_id]
    cited = site.citations(source_id)
    spans = sorted(cited)
    licence = e(s["licence"])
    if s["licence"].lower() not in ("unknown", "prc-copyright-art5"):
        licence = f'<a href="https://spdx.org/licenses/{e(s["licence"])}.html">{licence}</a>'
    stored = {"full_text": f"the full text, {s['n_chars']} characters, SHA-256 <code>{e(s['sha256'])}</code>",
              "excerpt": f"the cited sentences only, SHA-256 <code>{e(s['sha256'])}</code>; full text SHA-256 "
                         f"<code>{e(s['full_text_sha256'])}</code>",
              "none": "no text: the evidence cites it by locator, in the coders' own words"}[s["stored"]]
    record = [
        ("Kind", e(site.term("source_kinds", s["kind"]))),
        ("Authors or issuer", e(", ".join(s["authors"]))),
        ("Venue", e(s["venue"])),
        ("Date", e(s["date"] or "not known")),
        *([("Document number", f'<span lang="zh">{e(s["document_number"])}</span>')] if s["document_number"] else []),
        *([("English title", e(s["title_en"]))] if s["title_en"] else []),
        ("Language", e(s["language"])),
        ("Genre", e(s["genre"])),
        ("Licence", licence),
        ("Address", link(s["url"]) if s["url"] else "unknown"),
        *([("Copy consulted", link(s["consulted_url"]) + (f", {e(s['consulted'])}" if s["consulted"] else ""))] if s["consulted_url"] else []),
        ("Stored", stored),
        ("Notes", e(words(s["notes"]))),
    ]
    title = f'<h1 lang="{e(s["language"] if s["title"] else "en")}">{e(site.source_title(source_id))}</h1>'
    parts = [title, '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in record) + "</dl>"]
    if text is None:
        located = site.citations(source_id, "citation")
        items = "".join(f"<li>{e(words(locator))}: " + "; ".join(f'<a href="{e(href)}">{e(what)}</a>' for href, what in located[locator])
                        + "</li>" for locator in sorted(located))
        parts.append('<p class="note">The repository does not store this text. Evidence from it is given as citations: '
                     "a locator and a paraphrase in the coders' own words, shown on the pages that cite it. Open the "
                     "source at the address above to check each one.</p>")
        parts.append(f'<h2 id="cited">Cited places</h2><ol class="cited">{items}</ol>')
        return page(site, site.source_title(source_id), "\n".join(parts), root, "")
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
    return page(site, site.source_title(source_id), "\n".join(parts), root, "")
