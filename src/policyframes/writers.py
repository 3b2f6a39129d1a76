"""The output formats of a build, each registered once: its files, its media type in
the Croissant distribution, whether the wheel ships it, and which writers must run
before it. A build runs the registry in that order; Croissant and the checksum
manifest read it, so a new format is one registration. The site and the manifest come
last (write_site_and_manifest), made from the files written alone."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from . import layout
from .citation import bibtex, cite_fields
from .croissant import croissant
from .csvexport import write_csv
from .datapackage import datapackage
from .docs import hf_card
from .export import HF_DIR, has_categories, write_parquet
from .manifest import annotations_digest, write_manifest
from .site import SiteInput, write_site
from .stata import write_stata
from .validation import Validated


@dataclass
class Output:
    """What the writers of one build share: the dataset, the folder written to, the
    datacard text, and the Arrow tables once the Parquet writer has made them."""

    v: Validated
    folder: Path
    datacard: str
    writers: list[Writer]
    arrow: dict[str, pa.Table] = field(default_factory=dict)


@dataclass(frozen=True)
class Writer:
    name: str
    files: tuple[str, ...]  # glob patterns of the files it writes, relative to build/
    write: Callable[[Output], None]
    media_type: str | None = None  # listed in the Croissant distribution when given
    in_wheel: bool = False  # the wheel ships its files (pyproject.toml's force-include)
    after: tuple[str, ...] = ()  # writers whose output it reads


def release_metadata(v: Validated) -> dict[str, object]:
    """The release metadata written to build/metadata.json (and cited from there), with
    the coders: what each is, whether it codes only to be certified, and which one's
    codings are the case files' (the final facts, events and relations count as its)."""
    fields = cite_fields(v.meta, v.ann.codebook.codebook_version)
    primary = v.primary
    coders = [{"id": c.id, "role": c.role, "description": c.description, "certification": c.certification,
               "primary": c.id == primary} for c in v.ann.coders.values()]
    return {**{k: fields[k] for k in ("name", "title", "version", "date_released", "codebook_version", "authors")},
            **{k: fields[k] for k in ("repository", "doi") if k in fields},
            "licence": v.meta.licence, "description": v.meta.description, "keywords": list(v.meta.keywords),
            "coders": coders, "tables": {name: len(df) for name, df in v.tables.as_dict().items()},
            "annotations_sha256": annotations_digest(v.ann.root, layout.ANNOTATED, v.ann.hashes)}


def _json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _parquet(out: Output) -> None:
    out.arrow = write_parquet(out.v.tables, out.v.ann.codebook, out.v.meta, out.folder)


def _card(out: Output) -> None:
    v = out.v
    licences = sorted({s.meta.licence.lower() for s in v.ann.sources.values() if s.meta.full_text_included} - {v.meta.licence.lower()})
    categorical = {name for name, table in out.arrow.items() if has_categories(table.schema)}
    card = hf_card(v.ann.codebook, v.meta, list(out.arrow), categorical, out.datacard, licences)
    (out.folder / "README.md").write_text(card, encoding="utf-8")


def _datapackage(out: Output) -> None:
    sources = [s.meta for _, s in sorted(out.v.ann.sources.items())]
    _json(out.folder / "datapackage.json", datapackage(out.arrow, out.v.ann.codebook, out.v.meta, sources, out.folder))


def _croissant(out: Output) -> None:
    files = distribution(out.folder, out.writers)
    cite = bibtex(cite_fields(out.v.meta, out.v.ann.codebook.codebook_version))
    _json(out.folder / "croissant.json", croissant(out.arrow, out.v.ann.codebook, out.v.meta, cite, files, out.folder))


def _texts(out: Output) -> None:
    """The stored text of each source (in full or its cited sentences, as `stored` says),
    unchanged, so that every quote can be checked at its offsets from build/ alone."""
    for source_id, source in sorted(out.v.ann.sources.items()):
        if source.text is not None:
            (out.folder / layout.TEXTS).mkdir(exist_ok=True)
            (out.folder / layout.TEXTS / f"{source_id}.txt").write_bytes(source.text.encode("utf-8"))


# The metadata files the site offers for download beside the data files.
METADATA_FILES = [("codebook.json", "application/json"), ("metadata.json", "application/json"),
                  ("croissant.json", "application/ld+json"), ("datapackage.json", "application/json")]

WRITERS: list[Writer] = [
    Writer("parquet", ("*.parquet", f"{HF_DIR}/*.parquet"), _parquet, media_type="application/x-parquet", in_wheel=True),
    Writer("csv", ("*.csv",), lambda out: write_csv(out.arrow, out.folder), media_type="text/csv", after=("parquet",)),
    Writer("stata", ("cases.dta",), lambda out: write_stata(out.arrow["cases"], out.v.ann.codebook, out.v.meta, out.folder),
           media_type="application/x-stata-dta", after=("parquet",)),
    Writer("hf-card", ("README.md",), _card, in_wheel=True, after=("parquet",)),
    Writer("codebook", ("codebook.json",), lambda out: _json(out.folder / "codebook.json", out.v.ann.codebook.model_dump(mode="json")),
           in_wheel=True),
    Writer("metadata", ("metadata.json",), lambda out: _json(out.folder / "metadata.json", release_metadata(out.v)), in_wheel=True),
    Writer("texts", (f"{layout.TEXTS}/*.txt",), _texts, media_type="text/plain"),
    Writer("datapackage", ("datapackage.json",), _datapackage, after=("csv",)),
    Writer("croissant", ("croissant.json",), _croissant, after=("parquet", "csv", "stata", "texts")),
]


def ordered(writers: list[Writer]) -> list[Writer]:
    """The writers in an order where each runs after those it names (registry order
    otherwise); an unknown name or a cycle is an error of the registry."""
    by_name = {w.name: w for w in writers}
    done: dict[str, Writer] = {}

    def visit(writer: Writer, path: tuple[str, ...]) -> None:
        if writer.name in done:
            return
        if writer.name in path:
            raise ValueError(f"writers run in a cycle: {' -> '.join((*path, writer.name))}")
        for name in writer.after:
            if name not in by_name:
                raise ValueError(f"writer {writer.name!r} runs after an unknown writer {name!r}")
            visit(by_name[name], (*path, writer.name))
        done[writer.name] = writer

    for writer in writers:
        visit(writer, ())
    return list(done.values())


def distribution(folder: Path, writers: list[Writer]) -> list[tuple[str, str]]:
    """The data files written so far (paths relative to the folder), with their media
    types, for the Croissant distribution."""
    return sorted((path.relative_to(folder).as_posix(), w.media_type) for w in writers if w.media_type
                  for pattern in w.files for path in folder.glob(pattern))


def write_dataset(v: Validated, folder: Path, datacard: str, writers: list[Writer] | None = None) -> None:
    """Write every format of the registry into an empty folder."""
    chosen = WRITERS if writers is None else writers
    out = Output(v, folder, datacard, chosen)
    for writer in ordered(chosen):
        writer.write(out)


def write_site_and_manifest(folder: Path, documents: list[tuple[str, str]], writers: list[Writer] | None = None) -> None:
    """Once the formats are written: the site, made from the folder's files alone
    (SiteInput.from_build) and offering each of them for download, then the checksum
    manifest of the folder. `documents` are shown on the site as they are (file name, text)."""
    metadata = [(name, media) for name, media in METADATA_FILES if (folder / name).exists()]
    downloads = distribution(folder, WRITERS if writers is None else writers) + metadata
    write_site(SiteInput.from_build(folder, downloads, documents), folder / layout.SITE)
    write_manifest(folder)
