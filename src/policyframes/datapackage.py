"""The Frictionless Data Package (build/datapackage.json) describing the CSV tables.

One tabular resource per table, with a Table Schema derived from the table's Arrow
schema: field types, descriptions from the codebook, and enum constraints listing the
categories the codebook allows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa

from .codebook import Codebook
from .manifest import sha256
from .meta import DatasetMeta
from .models import SourceMeta

NAME = "datapackage.json"


def licence_url(spdx: str) -> str:
    return f"https://spdx.org/licenses/{spdx}.html"


def field_type(field: pa.Field) -> str:
    """The Table Schema type of an Arrow field (list columns are JSON arrays in CSV)."""
    t = field.type
    if pa.types.is_dictionary(t):
        return field_type(pa.field(field.name, t.value_type))
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return "array"
    raise TypeError(f"no Table Schema type for {field.name}: {t}")


def categories(codebook: Codebook, table: str, field: pa.Field) -> list[Any] | None:
    """The closed list of values a column takes, where the codebook gives one (for a
    dictionary column, the categories its Arrow field records)."""
    found = (field.metadata or {}).get(b"categories")
    if table == "cases" or found is not None:  # a dictionary column records its closed list
        return list(json.loads(found)) if found is not None else None
    shared: dict[str, list[Any]] = {"attribution": codebook.attribution_codes, "confidence": [c.level for c in codebook.confidence]}
    return shared.get(field.name)


def table_schema(codebook: Codebook, table: str, schema: pa.Schema) -> dict[str, Any]:
    fields = []
    for field in schema:
        info = {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}
        entry: dict[str, Any] = {"name": field.name, "type": field_type(field)}
        if "label" in info:
            entry["title"] = info["label"]
        description = " ".join(info.get("description", "").split())
        if entry["type"] == "array":
            description += " In the CSV file: a JSON array of strings."
        entry["description"] = description.strip()
        enum = categories(codebook, table, field)
        if enum is not None:
            entry["constraints"] = {"enum": enum}
        fields.append(entry)
    return {"fields": fields, "missingValues": [""]}


def datapackage(tables: dict[str, pa.Table], codebook: Codebook, meta: DatasetMeta,
                sources: Iterable[SourceMeta], folder: Path) -> dict[str, Any]:
    """The Data Package of the CSV files already written to `folder`."""
    resources = []
    for name, table in tables.items():
        path = folder / f"{name}.csv"
        resources.append({
            "name": name,
            "path": path.name,
            "profile": "tabular-data-resource",
            "description": codebook.tables[name].description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": path.stat().st_size,
            "hash": f"sha256:{sha256(path)}",
            "schema": table_schema(codebook, name, table.schema),
        })
    return {
        "profile": "tabular-data-package",
        "name": meta.name,
        "title": meta.title,
        "description": " ".join(meta.description.split()),
        "version": meta.version,
        **({"id": f"https://doi.org/{meta.doi}"} if meta.doi else {}),
        **({"homepage": meta.repository} if meta.repository else {}),
        "keywords": list(meta.keywords),
        "contributors": [{"title": a.name, "role": "author"} for a in meta.authors],
        "licenses": [{"name": meta.licence, "path": licence_url(meta.licence)}],
        "sources": [{"title": s.title or f"[untitled] {s.venue}", **({"path": s.url} if s.url else {})} for s in sources],
        "resources": resources,
    }
