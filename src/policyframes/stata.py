"""Write the cases table as a Stata dataset (build/cases.dta).

Every categorical variable of the codebook becomes a labelled numeric variable: the
numbers follow the codebook order of `Codebook.allowed` (0 for the first category), and
the value labels are the codes themselves, so the file reads back to the same values as
the Parquet table. Variable labels are the codebook's labels; list columns hold a JSON
array, as in the CSV files. Format 118 (Stata 14 and later) keeps the Chinese text.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from .codebook import Codebook
from .csvexport import lists_as_json
from .meta import DatasetMeta

NAME = "cases.dta"
STR_MAX = 2045  # longest fixed-width string in bytes; longer text is stored as strL
LABEL_MAX = 80


def stata_frame(table: pa.Table, codebook: Codebook) -> pd.DataFrame:
    """The cases table with categorical columns in codebook order and dates as datetimes."""
    df = lists_as_json(table).to_pandas()
    for var in codebook.categorical:
        df[var.name] = pd.Categorical(df[var.name], categories=codebook.allowed(var.name))
    for field in table.schema:
        if pa.types.is_date(field.type):
            df[field.name] = pd.to_datetime(df[field.name])
    return df


def write_stata(table: pa.Table, codebook: Codebook, meta: DatasetMeta, folder: Path) -> None:
    """Write <folder>/cases.dta; its time stamp is the release date, so the bytes are stable."""
    df = stata_frame(table, codebook)
    dates = {f.name: "td" for f in table.schema if pa.types.is_date(f.type)}
    text = df.select_dtypes(include="string").columns
    long = [c for c in text if df[c].dropna().map(lambda s: len(s.encode())).max() > STR_MAX]
    df.to_stata(
        folder / NAME,
        write_index=False,
        version=118,
        convert_dates=dates,
        convert_strl=long,
        time_stamp=datetime.datetime.strptime(meta.date_released, "%Y-%m-%d"),
        data_label=f"{meta.name} {meta.version}: cases"[:LABEL_MAX],
        variable_labels={v.name: v.label[:LABEL_MAX] for v in codebook.variables},
    )
