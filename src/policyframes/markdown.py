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


def scroller(table: str, label: str) -> str:
    """A table in a region of its own that scrolls sideways on a narrow screen and takes the
    keyboard focus, so that it can be scrolled without a mouse."""
    from html import escape

    return f'<div class="scroll" tabindex="0" role="region" aria-label="{escape(label)}">{table}</div>'


def to_html(markdown: str) -> str:
    """The Markdown of the generated reports (paragraphs and tables, with `code`) as HTML."""
    from html import escape

    def inline(text: str) -> str:
        parts = escape(text).split("`")
        return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))

    out: list[str] = []
    said = ""  # the paragraph just before a table becomes its caption
    for block in markdown.strip().split("\n\n"):
        lines = block.strip().splitlines()
        if lines and lines[0].startswith("|"):
            rows = [[cell.strip().replace("\\|", "|") for cell in line.strip().strip("|").split(" | ")] for line in lines if not line.startswith("|---")]
            head = "".join(f'<th scope="col">{inline(c)}</th>' if c else "<td></td>" for c in rows[0])
            body = "".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in row) + "</tr>" for row in rows[1:])
            if said:
                out.pop()
            title = said.rstrip(":") or "Figures"
            out.append(scroller(f"<table><caption>{inline(title)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
                                title.replace("`", "")))
            said = ""
        elif lines:
            said = " ".join(lines)
            out.append(f"<p>{inline(said)}</p>")
    return "\n".join(out)
