"""How to cite the dataset: BibTeX and APA, from the release metadata."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .loader import metadata


def bibtex(meta: dict[str, Any]) -> str:
    key = f"{meta['name']}_{meta['version'].replace('.', '_')}"
    year = meta["date_released"][:4]
    authors = " and ".join("{" + a + "}" for a in meta["authors"])
    return (
        f"@misc{{{key},\n"
        f"  author = {{{authors}}},\n"
        f"  title = {{{{{meta['title']}}}}},\n"
        f"  year = {{{year}}},\n"
        f"  version = {{{meta['version']}}},\n"
        f"  note = {{Dataset, version {meta['version']} (codebook {meta['codebook_version']}), released {meta['date_released']}}}\n"
        f"}}\n"
    )


def apa(meta: dict[str, Any]) -> str:
    authors = ", ".join(meta["authors"])
    return f"{authors}. ({meta['date_released'][:4]}). {meta['title']} (Version {meta['version']}) [Data set].\n"


def cite(format: str = "bibtex", path: str | Path | None = None) -> str:
    """The citation of the dataset, as BibTeX (default) or APA."""
    formats = {"bibtex": bibtex, "apa": apa}
    if format not in formats:
        raise ValueError(f"unknown citation format {format!r}; choose bibtex or apa")
    return formats[format](metadata(path))
