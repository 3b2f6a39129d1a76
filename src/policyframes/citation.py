"""How to cite the dataset: BibTeX, APA and CSL-JSON from the release metadata, and the
repository's CITATION.cff from dataset.yaml. Pure formatting: the loader reads the
metadata of a published build (`loader.cite`), the build passes its own."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .meta import DatasetMeta


def cite_fields(meta: DatasetMeta, codebook_version: str) -> dict[str, Any]:
    """The fields of a release that a citation uses (`repository` and `doi` only once known)."""
    fields = {"name": meta.name, "title": meta.title, "version": meta.version, "date_released": meta.date_released,
              "codebook_version": codebook_version, "authors": [a.name for a in meta.authors]}
    return fields | {k: v for k, v in (("repository", meta.repository), ("doi", meta.doi)) if v is not None}


def _link(meta: dict[str, Any]) -> str | None:
    """Where a citation points: the DOI where there is one, else the repository."""
    return f"https://doi.org/{meta['doi']}" if meta.get("doi") else meta.get("repository")


def bibtex(meta: dict[str, Any]) -> str:
    key = f"{meta['name']}_{meta['version'].replace('.', '_')}"
    year = meta["date_released"][:4]
    authors = " and ".join("{" + a + "}" for a in meta["authors"])
    found = [f"  doi = {{{meta['doi']}}},\n"] if meta.get("doi") else []
    found += [f"  url = {{{_link(meta)}}},\n"] if _link(meta) else []
    return (
        f"@misc{{{key},\n"
        f"  author = {{{authors}}},\n"
        f"  title = {{{{{meta['title']}}}}},\n"
        f"  year = {{{year}}},\n"
        f"  version = {{{meta['version']}}},\n"
        + "".join(found)
        + f"  note = {{Dataset, version {meta['version']} (codebook {meta['codebook_version']}), released {meta['date_released']}}}\n"
        f"}}\n"
    )


def apa(meta: dict[str, Any]) -> str:
    authors = ", ".join(meta["authors"])
    link = f" {_link(meta)}" if _link(meta) else ""
    return f"{authors}. ({meta['date_released'][:4]}). {meta['title']} (Version {meta['version']}) [Data set].{link}\n"


def csl_json(meta: dict[str, Any]) -> str:
    """CSL-JSON (the input of Zotero, Pandoc and citeproc): one item of type dataset."""
    item: dict[str, Any] = {
        "id": f"{meta['name']}_{meta['version'].replace('.', '_')}", "type": "dataset", "title": meta["title"],
        "author": [{"literal": a} for a in meta["authors"]], "version": meta["version"],
        "issued": {"date-parts": [[int(part) for part in meta["date_released"].split("-")]]},
        "note": f"Codebook {meta['codebook_version']}",
    }
    item |= {"DOI": meta["doi"]} if meta.get("doi") else {}
    item |= {"URL": _link(meta)} if _link(meta) else {}
    return json.dumps([item], indent=2, ensure_ascii=False) + "\n"


FORMATS = {"bibtex": bibtex, "apa": apa, "csl-json": csl_json}


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
    if meta.repository is not None:
        cff["repository-code"] = meta.repository
    if meta.doi is not None:
        cff["doi"] = meta.doi
    body = yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100)
    return "# Generated from dataset.yaml by `policyframes build`; do not edit.\n" + body
