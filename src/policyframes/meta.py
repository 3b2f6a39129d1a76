"""Release metadata (dataset.yaml): name, version, date, authors, licence."""

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

