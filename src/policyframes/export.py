"""Write the tables to Parquet with explicit Arrow schemas taken from the codebook."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .codebook import Codebook, Variable
from .meta import DatasetMeta
from .tables import PROVENANCE, Tables

_TYPES = {
    "string": pa.string(),
    "int8": pa.int8(),
    "int16": pa.int16(),
    "int32": pa.int32(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "list_string": pa.list_(pa.string()),
}


def _case_type(var: Variable) -> pa.DataType:
    if var.name == "sources":
        return pa.list_(pa.string())
    if var.level == "date" and var.kind == "derived":
        return pa.date32()
    return pa.string()


def _metadata(**items: object) -> dict[bytes, bytes]:
    return {k.encode(): (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)).encode() for k, v in items.items()}


def arrow_schema(codebook: Codebook, meta: DatasetMeta, table: str) -> pa.Schema:
    """The Arrow schema of a table, with descriptions from the codebook."""
    if table == "cases":
        fields = []
        for var in codebook.variables:
            info = {"label": var.label, "description": var.description, "level": var.level, "kind": var.kind}
            if var.level in ("nominal", "ordinal"):
                info["categories"] = codebook.allowed(var.name)
            fields.append(pa.field(var.name, _case_type(var), metadata=_metadata(**info)))
    else:
        fields = [pa.field(c.name, _TYPES[c.type], metadata=_metadata(description=c.description))
                  for c in codebook.tables[table].columns]
    info = {
        "dataset": meta.name,
        "dataset_version": meta.version,
        "codebook_version": codebook.codebook_version,
        "table": table,
        "description": codebook.tables[table].description,
    }
    return pa.schema(fields, metadata=_metadata(policyframes=info))


def to_arrow(df: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """Convert a table (provenance columns dropped) to Arrow with the given schema."""
    data = df.drop(columns=list(PROVENANCE))
    arrays = [pa.array(data[f.name], type=f.type, from_pandas=True) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def write_parquet(tables: Tables, codebook: Codebook, meta: DatasetMeta, folder: Path) -> dict[str, pa.Table]:
    """Write every table as <folder>/<table>.parquet; return the Arrow tables."""
    written = {}
    for name, df in tables.as_dict().items():
        table = to_arrow(df, arrow_schema(codebook, meta, name))
        pq.write_table(table, folder / f"{name}.parquet", compression="zstd")
        written[name] = table
    return written
