"""What the site is made from: a narrow input of plain values, not the annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import layout
from ..codebook import Codebook
from ..export import read_tables
from ..meta import Author, DatasetMeta
from ..tables import Tables

if TYPE_CHECKING:
    from ..validation import Validated


@dataclass(frozen=True)
class Coder:
    id: str
    role: str
    description: str


@dataclass(frozen=True)
class Comparison:
    id: str
    cases: tuple[str, str]
    reason: str
    summary: str


@dataclass(frozen=True)
class SiteInput:
    """Everything the pages show: the codebook, the release, the tables, who coded (and
    whose codings are the case files', `primary`), the stored source texts (None where
    the repository stores none), the coders left out of the figures (they code only to
    be certified), the published files offered for download (path relative to the folder
    above the site, media type) and the documents shown as they are (file name, Markdown
    text). A build folder supplies all but the last two (from_build)."""

    codebook: Codebook
    meta: DatasetMeta
    tables: Tables
    coders: dict[str, Coder]
    primary: str
    texts: dict[str, str | None]
    certifying: frozenset[str] = frozenset()
    downloads: Sequence[tuple[str, str]] = ()
    documents: Sequence[tuple[str, str]] = ()

    @classmethod
    def of(cls, v: Validated, downloads: Sequence[tuple[str, str]] = (), documents: Sequence[tuple[str, str]] = ()) -> SiteInput:
        """The input of a validated dataset, before it is built."""
        ann = v.ann
        return cls(
            codebook=ann.codebook, meta=v.meta, tables=v.tables,
            coders={c.id: Coder(c.id, c.role, c.description) for c in ann.coders.values()}, primary=v.primary,
            texts={source_id: source.text for source_id, source in ann.sources.items()},
            certifying=v.certifying, downloads=tuple(downloads), documents=tuple(documents),
        )

    @classmethod
    def from_build(cls, folder: Path, downloads: Sequence[tuple[str, str]] = (),
                   documents: Sequence[tuple[str, str]] = ()) -> SiteInput:
        """The input of a build folder: its codebook.json, metadata.json, tables and
        stored texts; it gives the same site as the dataset it was built from."""
        codebook = Codebook.model_validate_json((folder / "codebook.json").read_text(encoding="utf-8"))
        release = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        meta = DatasetMeta(name=release["name"], title=release["title"], version=release["version"],
                           date_released=release["date_released"], authors=tuple(Author(name=n) for n in release["authors"]),
                           licence=release["licence"], description=release["description"], keywords=tuple(release["keywords"]),
                           repository=release.get("repository"), doi=release.get("doi"))
        tables = read_tables(folder, codebook)
        texts = {source_id: _text(folder / layout.TEXTS / f"{source_id}.txt") for source_id in tables.sources["source_id"]}
        return cls(
            codebook=codebook, meta=meta, tables=tables,
            coders={c["id"]: Coder(c["id"], c["role"], c["description"]) for c in release["coders"]},
            primary=next((c["id"] for c in release["coders"] if c["primary"]), ""), texts=texts,
            certifying=frozenset(c["id"] for c in release["coders"] if c["certification"]),
            downloads=tuple(downloads), documents=tuple(documents),
        )


def _text(path: Path) -> str | None:
    return path.read_bytes().decode("utf-8") if path.exists() else None


DOWNLOADS = "downloads"  # the site's copy of the published files, inside the site
