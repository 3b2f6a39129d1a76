"""HTML helpers and the frame every page shares (head, navigation, footer with the citation)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .lookups import Lookups

CONTESTED = '<abbr class="contested" title="the coders disagreed; an adjudicator decided">*</abbr>'  # marks a contested cell


def e(value: Any) -> str:
    """Text made safe for HTML content and quoted attributes."""
    return escape(str(value), quote=True)


def words(text: str) -> str:
    return " ".join(str(text).split())


def link(url: str) -> str:
    return f'<a href="{e(url)}">{e(url)}</a>'


def page(site: Lookups, title: str, body: str, root: str, here: str, head: str = "") -> str:
    """A whole page around its body (`root`: the way up to the site folder; `here`: the
    navigation entry to mark as current)."""
    nav = [("index.html", "Coding matrix"), ("index.html#comparisons", "Comparisons"), ("index.html#sources", "Sources"),
           ("codebook.html", "Codebook"), ("tables.html", "Distributions"), ("reliability.html", "Reliability"),
           ("search.html", "Search"), ("about.html", "About")]
    current = ' aria-current="page"'
    links = "".join(f'<li><a href="{root}{href}"{current if href == here else ""}>{e(text)}</a></li>' for href, text in nav)
    meta = site.meta
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
        f"<footer><p>{e(meta.name)} {e(meta.version)}, codebook {e(site.cb.codebook_version)}. "
        f"Annotations and codebook: {e(meta.licence)}. Source texts keep their own terms; each source page says which.</p>"
        f'<details class="cite-this"><summary>Cite this dataset</summary><p>APA</p><pre>{e(site.citation["apa"])}</pre>'
        f'<p>BibTeX</p><pre>{e(site.citation["bibtex"])}</pre></details></footer>\n'
        "</body>\n</html>\n"
    )
