"""Release metadata (dataset.yaml): name, version, date, authors, licence, and the
repository's address and the release's DOI once they exist."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

LANGUAGES = ["en", "zh"]  # of the dataset's text: English, with Chinese names


class Author(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str


class DatasetMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    date_released: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    authors: tuple[Author, ...]
    licence: str
    description: str
    keywords: tuple[str, ...]
    repository: str | None = Field(default=None, pattern=r"^https://\S+$")  # where the repository is published
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")  # the release's DOI, once one is minted

