"""Every file of the site, made one at a time, and the site written into a folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

from .. import figure, fonts
from ..markdown import MAX_ROWS
from .about import about_page, reliability_page, search_index, search_page, tables_page
from .case import case_page
from .codebook_page import codebook_page
from .comparison import comparison_page
from .data import DOWNLOADS, SiteInput
from .home import home, matrix_page
from .lookups import PAGE_ROWS, Lookups
from .search import PART_BYTES
from .source import source_page


def style(site: Lookups) -> str:
    """The style sheet: the shipped one, the Chinese font's face and the colours of the codes."""
    css = files("policyframes").joinpath("assets/style.css").read_text(encoding="utf-8")
    rules = [
        f".c-{var}--{code},a.code.c-{var}--{code}{{background:{s.background};color:{s.text}}}"
        for var, palette in site.swatches.items()
        for code, s in palette.items()
    ]
    return fonts.font_face() + css + "\n/* Colours of the codes, computed from the codebook's category order. */\n" + "\n".join(rules) + "\n"


def matrix(site: Lookups) -> figure.Matrix:
    """The coding matrix as a figure (its first MAX_ROWS cases, and a title saying so)."""
    coded = site.cb.coded
    rows = [
        (c["case_id"], [figure.Cell(site.label(v.name, c[v.name]), site.swatches[v.name][c[v.name]]) for v in coded])
        for c in site.cases[:MAX_ROWS]
    ]
    title = f"{site.meta.name} {site.meta.version}: final codes by case (codebook {site.cb.codebook_version})"
    if len(site.cases) > MAX_ROWS:
        title += f", the first {MAX_ROWS:,} of {len(site.cases):,} cases"
    return figure.Matrix(title, [v.label for v in coded], rows)


def site_files(site: Lookups) -> Iterator[tuple[str, str | bytes]]:
    """Every file of the site: path relative to the site folder, and content (made one
    at a time, so that a large site is never held in memory)."""
    yield "index.html", home(site)
    yield "codebook.html", codebook_page(site)
    yield "reliability.html", reliability_page(site)
    yield "tables.html", tables_page(site)
    parts = 0
    for parts, part in enumerate(search_index(site), 1):
        yield f"search/{parts}.js", part
    yield "search.html", search_page(site, parts)
    yield "about.html", about_page(site)
    yield from site.data.documents
    yield "search.js", files("policyframes").joinpath("assets/search.js").read_text(encoding="utf-8")
    yield "style.css", style(site)
    yield "site.js", files("policyframes").joinpath("assets/site.js").read_text(encoding="utf-8")
    yield fonts.FONT, files("policyframes").joinpath(f"assets/{fonts.FONT}").read_bytes()
    yield fonts.LICENCE, files("policyframes").joinpath(f"assets/{fonts.LICENCE}").read_text(encoding="utf-8")
    for number in range(2, site.pages + 1):
        yield f"matrix/{number}.html", matrix_page(site, number)
    for case in site.cases:
        yield f"cases/{case['case_id']}.html", case_page(site, case)
    for comparison in site.comparisons:
        yield f"comparisons/{comparison.id}.html", comparison_page(site, comparison)
    for source_id in site.sources:
        yield f"sources/{source_id}.html", source_page(site, source_id)
    figured = matrix(site)
    yield "matrix.svg", figure.svg(figured)
    yield "matrix.png", figure.png(figured)


def write_site(data: SiteInput, folder: Path, page_rows: int = PAGE_ROWS, search_part_bytes: int = PART_BYTES) -> None:
    """Write the site into a new folder, with a copy of the published files it offers for
    download (so that a site deployed on its own links to them; they are found in the
    folder above the site)."""
    for rel, _ in data.downloads:
        copy = folder / DOWNLOADS / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder.parent / rel, copy)
    for rel, content in site_files(Lookups(data, page_rows, search_part_bytes)):
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
