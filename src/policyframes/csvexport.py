"""Write every table as CSV, for spreadsheets and tools that read no Parquet.

UTF-8 with a byte-order mark (so that spreadsheet programs show the Chinese text), one
header row, fields quoted only where needed, empty cells for missing values. List
columns (a case's sources, a source's authors) hold a JSON array, e.g.
`["zhang-2020-chongqing-model"]`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

BOM = "\ufeff".encode()


def is_list(field: pa.Field) -> bool:
    return pa.types.is_list(field.type) or pa.types.is_large_list(field.type)


def lists_as_json(table: pa.Table) -> pa.Table:
    """The table with each list column replaced by a text column of JSON arrays."""
    for i, field in enumerate(table.schema):
        if is_list(field):
            text = [None if v is None else json.dumps(v, ensure_ascii=False) for v in table.column(i).to_pylist()]
            table = table.set_column(i, field.with_type(pa.string()), pa.array(text, type=pa.string()))
    return table


def write_csv(tables: dict[str, pa.Table], folder: Path) -> None:
    """Write <folder>/<table>.csv for every table (streamed: a large table is never one
    string in memory)."""
    for name, table in tables.items():
        with open(folder / f"{name}.csv", "wb") as out:
            out.write(BOM)
            pacsv.write_csv(lists_as_json(table), out, pacsv.WriteOptions(quoting_style="needed"))
