"""Write the tables to Parquet with explicit Arrow schemas taken from the codebook."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .codebook import STATUS_SUFFIX, Codebook, Variable
from .meta import DatasetMeta
from .rows import PROVENANCE
from .tables import Tables, frame

_TYPES = {
    "string": pa.string(),
    "int8": pa.int8(),
    "int16": pa.int16(),
    "int32": pa.int32(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "list_string": pa.list_(pa.string()),
}


def categories(codebook: Codebook, var: Variable) -> list[str]:
    """The categories of a categorical column of the cases table, in codebook order: an
    ordinal variable's levels only (its missing statuses go to its status column)."""
    return var.codes if var in codebook.ordinal else codebook.allowed(var.name)


def _dictionary(values: list[str], ordered: bool = False) -> pa.DataType:
    return pa.dictionary(pa.int8() if len(values) < 128 else pa.int16(), pa.string(), ordered=ordered)


def _metadata(**items: object) -> dict[bytes, bytes]:
    return {k.encode(): (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)).encode() for k, v in items.items()}


def case_fields(codebook: Codebook) -> list[pa.Field]:
    """The columns of the cases table: one per variable, each ordinal one followed by
    its status column. Categorical columns are dictionary-encoded over the codebook's
    full category list, so that every reader gets every category, in order."""
    fields = []
    for var in codebook.variables:
        info: dict[str, object] = {"label": var.label, "description": var.description, "level": var.level, "kind": var.kind}
        if var.is_categorical:
            info["categories"] = categories(codebook, var)
            kind = _dictionary(categories(codebook, var), ordered=var.level == "ordinal")
        else:
            kind = _TYPES[var.type]
        fields.append(pa.field(var.name, kind, metadata=_metadata(**info)))
        if var in codebook.ordinal:
            status = var.allowed_missing
            fields.append(pa.field(var.name + STATUS_SUFFIX, _dictionary(status), metadata=_metadata(
                label=f"{var.label}: missing status", level="nominal", kind="derived", categories=status,
                description=f"Why {var.name} is missing (one of {', '.join(status)}); empty where it has a level.",
            )))
    return fields


def arrow_schema(codebook: Codebook, meta: DatasetMeta, table: str) -> pa.Schema:
    """The Arrow schema of a table, with descriptions from the codebook."""
    if table == "cases":
        fields = case_fields(codebook)
    else:
        fields = []
        for c in codebook.tables[table].columns:
            if c.categories is None:
                fields.append(pa.field(c.name, _TYPES[c.type], metadata=_metadata(description=c.description)))
            else:  # a closed list of the codebook, dictionary-encoded like the categorical variables
                values = codebook.terms(c.categories)
                fields.append(pa.field(c.name, _dictionary(values), metadata=_metadata(
                    description=c.description, level="nominal", categories=values)))
    info = {
        "dataset": meta.name,
        "dataset_version": meta.version,
        "codebook_version": codebook.codebook_version,
        "table": table,
        "description": codebook.tables[table].description,
    }
    return pa.schema(fields, metadata=_metadata(policyframes=info))


def _column(values: pd.Series, field: pa.Field) -> pa.Array:
    """One column as Arrow; a dictionary column indexes its fixed category list (values
    outside it, such as an ordinal variable's missing statuses, become null)."""
    if not pa.types.is_dictionary(field.type):
        return pa.array(values, type=field.type, from_pandas=True)
    dictionary = json.loads(field.metadata[b"categories"])
    position = {code: i for i, code in enumerate(dictionary)}
    indices = pa.array([position.get(v) for v in values.tolist()], type=field.type.index_type)
    return pa.DictionaryArray.from_arrays(indices, pa.array(dictionary, pa.string()), ordered=field.type.ordered)


def to_arrow(df: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """Convert a table (provenance columns dropped) to Arrow with the given schema; a
    status column takes its values from its ordinal variable's column."""
    data = df.drop(columns=list(PROVENANCE))
    arrays = []
    for f in schema:
        source = f.name.removesuffix(STATUS_SUFFIX) if f.name not in data.columns else f.name
        arrays.append(_column(data[source], f))
    return pa.Table.from_arrays(arrays, schema=schema)


def from_arrow(table: pa.Table, codebook: Codebook) -> pd.DataFrame:
    """A published table as the build held it (the inverse of to_arrow, provenance
    aside): categories as text, and an ordinal variable's missing status back in its
    column instead of the status column."""
    columns = {f.name: c.cast(f.type.value_type) if pa.types.is_dictionary(f.type) else c
               for f, c in zip(table.schema, table.columns)}
    for var in codebook.ordinal:
        if var.name + STATUS_SUFFIX in columns:
            columns[var.name] = pc.coalesce(columns[var.name], columns.pop(var.name + STATUS_SUFFIX))
    return frame([pa.table(columns)])


def read_tables(folder: Path, codebook: Codebook) -> Tables:
    """Every table of a build folder, as the build held it (see from_arrow)."""
    read = {name: from_arrow(pq.read_table(folder / f"{name}.parquet"), codebook) for name in codebook.tables}
    return Tables(**read, built={})  # `built` serves the table checks, which a build has passed


HF_DIR = "hf"  # the tables with categorical columns, as the Hugging Face datasets library reads them


def has_categories(schema: pa.Schema) -> bool:
    return any(pa.types.is_dictionary(f.type) for f in schema)


def class_labels(table: pa.Table) -> pa.Table:
    """The table with each categorical column as its category numbers, which are the
    ClassLabel values of the Hugging Face features (the library cannot cast
    dictionary-encoded text to them)."""
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            indices = table.column(i).combine_chunks().indices.cast(pa.int64())
            table = table.set_column(i, field.with_type(pa.int64()), indices)
    return table


def write_parquet(tables: Tables, codebook: Codebook, meta: DatasetMeta, folder: Path) -> dict[str, pa.Table]:
    """Write every table as <folder>/<table>.parquet, and each table with categorical
    columns also as <folder>/hf/<table>.parquet; return the Arrow tables."""
    written = {}
    for name, df in tables.as_dict().items():
        table = to_arrow(df, arrow_schema(codebook, meta, name))
        pq.write_table(table, folder / f"{name}.parquet", compression="zstd")
        if has_categories(table.schema):
            (folder / HF_DIR).mkdir(exist_ok=True)
            pq.write_table(class_labels(table), folder / HF_DIR / f"{name}.parquet", compression="zstd")
        written[name] = table
    return written
