"""The release in every format: CSV, Stata, Croissant, Frictionless, and one version everywhere."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from conftest import ROOT, edit, validator
from policyframes import layout
from policyframes.build import generated_files, validate

BUILD = ROOT / "build"


def codebook():
    import policyframes

    return policyframes.load_codebook(BUILD)


def tables() -> list[str]:
    return list(codebook().tables)


def parquet_rows(table: str) -> list[dict]:
    return pq.read_table(BUILD / f"{table}.parquet").to_pylist()


def as_text(value: object) -> str:
    """How a Parquet value is written in the CSV files."""
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@pytest.mark.parametrize("table", tables())
def test_csv_holds_the_parquet_table(table: str) -> None:
    path = BUILD / f"{table}.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for spreadsheets"
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    rows = parquet_rows(table)
    assert list(df.columns) == pq.read_schema(BUILD / f"{table}.parquet").names
    assert len(df) == len(rows) > 0
    for written, row in zip(df.to_dict("records"), rows):
        assert written == {k: as_text(v) for k, v in row.items()}


def test_csv_keeps_chinese_text_and_lists() -> None:
    df = pd.read_csv(BUILD / "cases.csv")
    names = [r["name_zh"] for r in parquet_rows("cases")]
    assert list(df["name_zh"]) == names and any("\u4e00" <= ch <= "\u9fff" for ch in "".join(names))
    assert [json.loads(s) for s in df["sources"]] == [r["sources"] for r in parquet_rows("cases")]


def test_stata_round_trips_with_value_labels() -> None:
    cb = codebook()
    path = BUILD / "cases.dta"
    df = pd.read_stata(path)
    rows = parquet_rows("cases")
    assert list(df.columns) == list(rows[0])
    for var in cb.categorical:
        assert isinstance(df[var.name].dtype, pd.CategoricalDtype), var.name
        assert list(df[var.name].astype(str)) == [r[var.name] for r in rows]
    for column in df.columns:
        expected = [as_text(r[column]) for r in rows]
        got = [d.date().isoformat() if isinstance(d, pd.Timestamp) else ("" if pd.isna(d) else str(d)) for d in df[column]]
        assert got == expected, column
    with pd.io.stata.StataReader(path) as reader:
        labels = reader.value_labels()
        variable_labels = reader.variable_labels()
        data_label = reader.data_label
    for var in cb.categorical:
        assert list(labels[var.name].values()) == cb.allowed(var.name), var.name
        assert list(labels[var.name]) == list(range(len(cb.allowed(var.name))))
    assert variable_labels == {v.name: v.label for v in cb.variables}
    assert json.loads((BUILD / "metadata.json").read_text())["version"] in data_label


def test_version_is_one_value_everywhere() -> None:
    import policyframes

    meta = yaml.safe_load((ROOT / layout.DATASET_META).read_text(encoding="utf-8"))
    version = meta["version"]
    assert policyframes.metadata(BUILD)["version"] == version
    assert f"version = {{{version}}}" in policyframes.cite(path=BUILD)
    for table in tables():
        info = json.loads(pq.read_schema(BUILD / f"{table}.parquet").metadata[b"policyframes"])
        assert info["dataset_version"] == version, table
    assert f"Version **{version}**" in (BUILD / "README.md").read_text(encoding="utf-8")
    assert json.loads((BUILD / "croissant.json").read_text())["version"] == version
    assert json.loads((BUILD / "datapackage.json").read_text())["version"] == version
    cff = yaml.safe_load((ROOT / layout.CITATION).read_text(encoding="utf-8"))
    assert str(cff["version"]) == version and cff["date-released"] == meta["date_released"]
    with pd.io.stata.StataReader(BUILD / "cases.dta") as reader:
        assert version in reader.data_label
    assert policyframes.__version__ == version


def test_citation_cff_follows_dataset_yaml(repo: Path) -> None:
    meta = yaml.safe_load((repo / layout.DATASET_META).read_text(encoding="utf-8"))
    edit(repo / layout.DATASET_META, f'version: "{meta["version"]}"', 'version: "9.8.7"')
    cff = yaml.safe_load(generated_files(validate(repo))[layout.CITATION])
    meta = yaml.safe_load((repo / layout.DATASET_META).read_text(encoding="utf-8"))
    assert cff["version"] == "9.8.7"
    assert cff["type"] == "dataset" and cff["title"] == meta["title"]
    assert cff["license"] == meta["licence"] and cff["date-released"] == meta["date_released"]
    assert [a["name"] for a in cff["authors"]] == [a["name"] for a in meta["authors"]]


# Croissant


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore:The inplace keyword")
def test_croissant_is_valid_and_its_records_are_the_tables() -> None:
    mlc = validator("mlcroissant")
    dataset = mlc.Dataset(jsonld=BUILD / "croissant.json")  # raises ValidationError when invalid
    for table in tables():
        records = list(dataset.records(record_set=table))
        rows = parquet_rows(table)
        assert len(records) == len(rows), table
        for record, row in zip(records, rows):
            assert {k.split("/", 1)[1]: _plain(v) for k, v in record.items()} == {k: _plain(v) for k, v in row.items()}


def _plain(value: object) -> object:
    """Croissant records give bytes for text and timestamps for dates."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, (pd.Timestamp, datetime.date)):
        return value.isoformat()[:10]
    return value


def test_croissant_describes_every_table_field_and_file() -> None:
    from policyframes.manifest import sha256

    data = json.loads((BUILD / "croissant.json").read_text(encoding="utf-8"))
    files = {f["contentUrl"]: f for f in data["distribution"]}
    for table in tables():
        assert files[f"{table}.parquet"]["encodingFormat"] == "application/x-parquet"
        assert files[f"{table}.csv"]["encodingFormat"] == "text/csv"
    for name, entry in files.items():
        assert sha256(BUILD / name) == entry["sha256"], name
    record_sets = {r["@id"]: r for r in data["recordSet"]}
    assert list(record_sets) == tables()
    cb = codebook()
    for table in tables():
        schema = pq.read_schema(BUILD / f"{table}.parquet")
        fields = record_sets[table]["field"]
        assert [f["name"] for f in fields] == schema.names
        assert all(f["description"] for f in fields), table
    cases = {f["name"]: f for f in record_sets["cases"]["field"]}
    assert cases["sources"]["repeated"] is True and cases["sources"]["dataType"] == "sc:Text"
    assert cases["start_date_earliest"]["dataType"] == "sc:Date"
    assert " ".join(cb.variable("framing").description.split()) == cases["framing"]["description"]
    assert data["citeAs"].startswith("@misc{policyframes_")


# Frictionless


def test_datapackage_is_valid() -> None:
    frictionless = validator("frictionless")
    report = frictionless.validate(BUILD / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


def test_datapackage_enums_come_from_the_codebook() -> None:
    cb = codebook()
    data = json.loads((BUILD / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in data["resources"]}
    assert list(resources) == tables()
    cases = {f["name"]: f for f in resources["cases"]["schema"]["fields"]}
    assert list(cases) == [v.name for v in cb.variables]
    for var in cb.variables:
        enum = cases[var.name].get("constraints", {}).get("enum")
        assert enum == (cb.allowed(var.name) if var in cb.categorical else None), var.name
        assert cases[var.name]["title"] == var.label
    assert cases["sources"]["type"] == "array" and cases["start_date_earliest"]["type"] == "date"
    evidence = {f["name"]: f for f in resources["evidence"]["schema"]["fields"]}
    assert evidence["attribution"]["constraints"]["enum"] == cb.attribution_codes
    assert evidence["start"]["type"] == "integer"
    assert data["licenses"][0]["name"] == yaml.safe_load((ROOT / layout.DATASET_META).read_text())["licence"]
    assert [s["title"] for s in data["sources"]] == [r["title"] for r in parquet_rows("sources")]


def test_datapackage_rejects_a_code_outside_the_codebook(tmp_path: Path) -> None:
    frictionless = validator("frictionless")
    build = tmp_path / "build"
    shutil.copytree(BUILD, build)
    edit(build / "cases.csv", '"wealthy_elite"', '"wealthy_elit"')
    report = frictionless.validate(build / "datapackage.json")
    errors = {e.type for task in report.tasks for e in task.errors}
    assert not report.valid and "constraint-error" in errors
