"""Markdown tables for the generated documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd


def cell(text: Any) -> str:
    """Text made safe for one cell of a Markdown table."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


MAX_ROWS = 100  # generated tables of the data list their first rows only, and say so


def listing(header: list[str], df: pd.DataFrame, row: Callable[[Any], list[Any]], what: str, table_name: str) -> str:
    """A table with one row per row of df (its first MAX_ROWS rows, and a sentence saying so)."""
    out = table(header, [row(r) for r in df.head(MAX_ROWS).to_dict("records")])
    if len(df) > MAX_ROWS:
        out += f"\n\nThe first {MAX_ROWS:,} of {len(df):,} {what} are listed; `build/{table_name}.parquet` has them all."
    return out


