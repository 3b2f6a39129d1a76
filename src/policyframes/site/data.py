"""What the site is made from: a narrow input of plain values, not the annotations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..codebook import Codebook
from ..meta import DatasetMeta
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
    """Everything the pages show: the codebook, the release, the tables, who coded, the
    paired comparisons, the stored source texts (None where the repository stores none),
    the coders left out of the figures (they code only to be certified), the published
    files offered for download (path relative to the folder above the site, media type)
    and the documents shown as they are (file name, Markdown text)."""

    codebook: Codebook
    meta: DatasetMeta
    tables: Tables
    coders: dict[str, Coder]
    comparisons: list[Comparison]
    texts: dict[str, str | None]
    certifying: frozenset[str] = frozenset()
    downloads: Sequence[tuple[str, str]] = ()
    documents: Sequence[tuple[str, str]] = ()

    @classmethod
    def of(cls, v: Validated, downloads: Sequence[tuple[str, str]] = (), documents: Sequence[tuple[str, str]] = ()) -> SiteInput:
        """The input of a validated dataset."""
        ann = v.ann
        return cls(
            codebook=ann.codebook, meta=v.meta, tables=v.tables,
            coders={c.id: Coder(c.id, c.role, c.description) for c in ann.coders.values()},
            comparisons=[Comparison(c.id, (c.cases[0], c.cases[1]), c.reason, c.summary) for c in ann.comparisons],
            texts={source_id: source.text for source_id, source in ann.sources.items()},
            certifying=v.certifying, downloads=tuple(downloads), documents=tuple(documents),
        )

DOWNLOADS = "downloads"  # the site's copy of the published files, inside the site
