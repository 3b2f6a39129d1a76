"""The loading one-liners of README.md and DATACARD.md work as written.

Python and DuckDB SQL snippets are run from the repository root; the R and Stata
snippets are not run, but the files they read are checked: they exist and hold every
case (read with pyarrow, the library behind R's arrow package, and pandas.read_stata).
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import ROOT

DOCS = ("README.md", "DATACARD.md")
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)
N_CASES = pq.read_metadata(ROOT / "build" / "cases.parquet").num_rows


def snippets(doc: str, language: str) -> list[str]:
    text = (ROOT / doc).read_text(encoding="utf-8")
    return [code for lang, code in BLOCK.findall(text) if lang == language]


@pytest.mark.parametrize("doc", DOCS)
def test_python_snippets_load_every_case(doc: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import datasets

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(tmp_path))  # a fresh cache
    code = snippets(doc, "python")
    joined = "\n".join(code)
    for library in ("import pandas", "import polars", "from datasets import"):
        assert library in joined, f"{doc} shows no {library} snippet"
    for snippet in code:
        namespace: dict = {}
        exec(compile(snippet, f"<{doc} snippet>", "exec"), namespace)
        assert len(namespace["cases"]) == N_CASES, snippet


@pytest.mark.parametrize("doc", DOCS)
def test_duckdb_snippets_run(doc: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    monkeypatch.chdir(ROOT)
    code = snippets(doc, "sql")
    assert code, f"{doc} shows no DuckDB snippet"
    for snippet in code:
        rows = duckdb.sql(snippet).fetchall()
        assert rows and (len(rows) == N_CASES or sum(r[-1] for r in rows) == N_CASES), snippet


@pytest.mark.parametrize("doc", DOCS)
@pytest.mark.parametrize("language", ["r", "stata"])
def test_files_read_by_r_and_stata_snippets(doc: str, language: str) -> None:
    code = snippets(doc, language)
    assert code, f"{doc} shows no {language} snippet"
    for snippet in code:
        paths = re.findall(r'"(build/[^"]+)"', snippet)
        assert paths, snippet
        for path in paths:
            file = ROOT / path
            if file.suffix == ".parquet":
                assert pq.read_table(file).num_rows == N_CASES
            elif file.suffix == ".dta":
                assert len(pd.read_stata(file)) == N_CASES
            else:
                raise AssertionError(f"{doc}: no check for {path}")
