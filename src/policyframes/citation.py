"""How to cite the dataset: BibTeX and APA from the release metadata, and the
repository's CITATION.cff from dataset.yaml. Pure formatting: the loader reads the
metadata of a published build (`loader.cite`), the build passes its own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .meta import DatasetMeta


def cite_fields(meta: DatasetMeta, codebook_version: str) -> dict[str, Any]:
    """The fields of a release that a citation uses."""
    return {"name": meta.name, "title": meta.title, "version": meta.version, "date_released": meta.date_released,
            "codebook_version": codebook_version, "authors": [a.name for a in meta.authors]}


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


FORMATS = {"bibtex": bibtex, "apa": apa}


def citation_cff(meta: DatasetMeta) -> str:
    """CITATION.cff (Citation File Format 1.2.0) of the release described in dataset.yaml."""
    import yaml

    cff = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": meta.title,
        "version": meta.version,
        "date-released": meta.date_released,
        "authors": [{"name": a.name} for a in meta.authors],
        "license": meta.licence,
        "abstract": " ".join(meta.description.split()),
        "keywords": list(meta.keywords),
    }
    body = yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100)
    return "# Generated from dataset.yaml by `policyframes build`; do not edit.\n" + body
