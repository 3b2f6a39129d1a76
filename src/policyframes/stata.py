"""Write the cases table as a Stata dataset (build/cases.dta).

Every categorical variable of the codebook becomes a labelled numeric variable: the
numbers follow the codebook order (0 for the first category) and every category carries
its value label, used or not, so that Stata, R's haven and pyreadstat see the full list.
An ordinal variable holds its levels only; its missing statuses are Stata's extended
missing values (.a not_reported, .b not_applicable, .c coded_in_components, with those
labels), which no comparison or model treats as a level. Variable labels are the
codebook's labels; list columns hold a JSON array, as in the CSV files. Format 118
(Stata 14 and later) keeps the Chinese text.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyreadstat

from .codebook import MISSING, STATUS_SUFFIX, Codebook
from .csvexport import lists_as_json
from .export import categories
from .meta import DatasetMeta

NAME = "cases.dta"
LABEL_MAX = 80
EXTENDED = dict(zip(MISSING, "abc"))  # missing status -> Stata's extended missing value


def stata_frame(table: pa.Table, codebook: Codebook) -> tuple[pd.DataFrame, dict[str, dict]]:
    """The cases table with categorical columns as numbers in codebook order (ordinal
    missing statuses as extended missing values), and the value labels of each."""
    df = lists_as_json(table).to_pandas()
    labels: dict[str, dict] = {}
    for var in codebook.categorical:
        codes = categories(codebook, var)
        number = {code: i for i, code in enumerate(codes)}
        values: list[Any] = [None if pd.isna(v) else number[v] for v in df[var.name].astype(object)]
        labels[var.name] = {i: code for i, code in enumerate(codes)}
        if var in codebook.ordinal:
            status = df.pop(var.name + STATUS_SUFFIX).astype(object)
            values = [EXTENDED[s] if isinstance(s, str) else v for v, s in zip(values, status)]
            labels[var.name].update({EXTENDED[m]: m for m in var.allowed_missing})
        df[var.name] = pd.Series(values, dtype=object if var in codebook.ordinal else "Int16")
    for field in table.schema:
        if pa.types.is_date(field.type):  # as date objects: Stata daily dates (%td); pyreadstat
            # misreads datetime64 columns of a unit other than ns (pandas 3 gives ms) as 1970-01-01
            df[field.name] = pd.Series(table.column(field.name).to_pylist(), dtype=object)
    return df, labels


def write_stata(table: pa.Table, codebook: Codebook, meta: DatasetMeta, folder: Path) -> None:
    """Write <folder>/cases.dta; its time stamp is the release date, so the bytes are stable."""
    df, labels = stata_frame(table, codebook)
    path = folder / NAME
    pyreadstat.write_dta(
        df, path, version=14,
        file_label=f"{meta.name} {meta.version}: cases"[:LABEL_MAX],
        column_labels={v.name: v.label[:LABEL_MAX] for v in codebook.variables},
        variable_value_labels=labels,
        missing_user_values={v.name: [EXTENDED[m] for m in v.allowed_missing] for v in codebook.ordinal},
    )
    _stamp(path, datetime.datetime.strptime(meta.date_released, "%Y-%m-%d"))


def _stamp(path: Path, when: datetime.datetime) -> None:
    """Set the file's time stamp (the writer puts the current time there)."""
    data = path.read_bytes()
    tag = b"<timestamp>\x11"
    at = data.index(tag) + len(tag)
    path.write_bytes(data[:at] + when.strftime("%d %b %Y %H:%M").encode("ascii") + data[at + 17:])
