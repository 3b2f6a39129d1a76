"""The Croissant description of the dataset (build/croissant.json, Croissant 1.0).

Every data file is listed with its SHA-256; every table is a record set whose fields,
types and descriptions come from the table's Arrow schema, read from the Parquet file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from .codebook import Codebook
from .datapackage import licence_url
from .manifest import sha256
from .meta import LANGUAGES, DatasetMeta

NAME = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"

# The JSON-LD context that the Croissant 1.0 specification prescribes.
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

def data_type(field: pa.Field) -> tuple[str, bool]:
    """The Croissant data type of an Arrow field, and whether it holds a list of them."""
    t = field.type
    if pa.types.is_dictionary(t):
        return data_type(pa.field(field.name, t.value_type))
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return data_type(pa.field(field.name, t.value_type))[0], True
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "sc:Text", False
    if pa.types.is_integer(t):
        return "sc:Integer", False
    if pa.types.is_boolean(t):
        return "sc:Boolean", False
    if pa.types.is_date(t):
        return "sc:Date", False
    raise TypeError(f"no Croissant data type for {field.name}: {t}")


def record_set(name: str, description: str, schema: pa.Schema) -> dict[str, Any]:
    """A record set reading every column of <name>.parquet."""
    fields = []
    for field in schema:
        info = {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}
        kind, repeated = data_type(field)
        fields.append({
            "@type": "cr:Field",
            "@id": f"{name}/{field.name}",
            "name": field.name,
            "description": " ".join(info.get("description", "").split()),
            "dataType": kind,
            **({"repeated": True} if repeated else {}),
            "source": {"fileObject": {"@id": f"{name}.parquet"}, "extract": {"column": field.name}},
        })
    return {"@type": "cr:RecordSet", "@id": name, "name": name, "description": description, "field": fields}


def croissant(tables: dict[str, pa.Table], codebook: Codebook, meta: DatasetMeta, cite_as: str,
              files: list[tuple[str, str]], folder: Path) -> dict[str, Any]:
    """The Croissant metadata of the data files already written to `folder` (`files`:
    each one's path relative to the folder and media type)."""
    distribution = [{
        "@type": "cr:FileObject",
        "@id": rel,
        "name": rel,
        "contentUrl": rel,
        "encodingFormat": media_type,
        "sha256": sha256(folder / rel),
    } for rel, media_type in files]
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": meta.name,
        "alternateName": meta.title,
        "description": " ".join(meta.description.split()),
        "version": meta.version,
        **({"url": meta.repository} if meta.repository else {}),
        **({"identifier": f"https://doi.org/{meta.doi}"} if meta.doi else {}),
        "datePublished": meta.date_released,
        "license": licence_url(meta.licence),
        "creator": [{"@type": "sc:Organization", "name": a.name} for a in meta.authors],
        "keywords": list(meta.keywords),
        "inLanguage": LANGUAGES,
        "citeAs": cite_as,
        "distribution": distribution,
        "recordSet": [record_set(name, codebook.tables[name].description, t.schema) for name, t in tables.items()],
    }
