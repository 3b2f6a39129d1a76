"""The release in every format: CSV, Stata, Croissant, Frictionless, and one version everywhere."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyreadstat
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


STATUS = "_status"  # the companion column of an ordinal variable: its missing status
EXTENDED = {"not_reported": "a", "not_applicable": "b", "coded_in_components": "c"}  # Stata's extended missing values


def test_stata_round_trips_with_value_labels() -> None:
    cb = codebook()
    path = BUILD / "cases.dta"
    df = pd.read_stata(path)
    rows = parquet_rows("cases")
    ordinal = [v.name for v in cb.ordinal]
    assert ordinal == ["mobilisation_level"]
    # an ordinal variable's status column is folded into its extended missing values
    assert list(df.columns) == [c for c in rows[0] if c not in {name + STATUS for name in ordinal}]
    for var in cb.categorical:
        assert isinstance(df[var.name].dtype, pd.CategoricalDtype), var.name
        assert [None if pd.isna(v) else v for v in df[var.name]] == [r[var.name] for r in rows], var.name
    for column in df.columns:
        expected = [as_text(r[column]) for r in rows]
        got = [d.date().isoformat() if isinstance(d, pd.Timestamp) else ("" if pd.isna(d) else str(d)) for d in df[column]]
        assert got == expected, column
    with pd.io.stata.StataReader(path) as reader:
        variable_labels = reader.variable_labels()
        data_label = reader.data_label
    _, meta = pyreadstat.read_dta(path, metadataonly=True)
    labels = meta.variable_value_labels
    for var in cb.categorical:
        if var.name in ordinal:
            continue
        assert list(labels[var.name].values()) == cb.allowed(var.name), var.name
        assert list(labels[var.name]) == list(range(len(cb.allowed(var.name))))
    assert variable_labels == {v.name: v.label for v in cb.variables}
    assert json.loads((BUILD / "metadata.json").read_text())["version"] in data_label


def test_stata_numbers_no_ordinal_missing_status_as_a_level() -> None:
    """mobilisation_level holds its level numbers 0..3 only; its missing statuses are
    extended missing values, labelled, which pd.read_stata reads as NaN."""
    cb = codebook()
    path = BUILD / "cases.dta"
    rows = parquet_rows("cases")
    raw, meta = pyreadstat.read_dta(path, user_missing=True)
    for var in cb.ordinal:
        levels = var.codes
        assert levels == ["no_public_role", "selected", "open", "mass"]
        statuses = var.allowed_missing
        assert not set(statuses) & set(levels)
        labels = meta.variable_value_labels[var.name]
        # a value label for every level, numbered in order, and one for each status, on its extended missing value
        assert {k: v for k, v in labels.items() if not isinstance(k, str)} == dict(enumerate(levels))
        assert {k: v for k, v in labels.items() if isinstance(k, str)} == {EXTENDED[s]: s for s in statuses}
        values = raw[var.name].tolist()
        allowed = set(range(len(levels))) | {EXTENDED[s] for s in statuses}
        assert set(values) <= allowed, var.name
        for value, row in zip(values, rows):
            if row[var.name] is None:  # missing: the status is the extended missing value
                assert value == EXTENDED[row[var.name + STATUS]], row["case_id"]
            else:
                assert value == levels.index(row[var.name]), row["case_id"]
        assert any(isinstance(v, str) for v in values), "the test needs a case with a missing status"
        assert set(meta.missing_user_values[var.name]) <= {EXTENDED[s] for s in statuses}
        plain = pd.read_stata(path)[var.name]
        assert [pd.isna(v) for v in plain] == [isinstance(v, str) for v in values]
        assert set(plain.dropna()) <= set(levels)


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


@pytest.mark.slow
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


@pytest.mark.slow
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
    ordinal = {v.name for v in cb.ordinal}
    assert list(cases) == [name for v in cb.variables for name in ([v.name, v.name + "_status"] if v.name in ordinal else [v.name])]
    for var in cb.variables:
        enum = cases[var.name].get("constraints", {}).get("enum")
        if var.name in ordinal:  # the levels only; the missing statuses are in the status column
            assert enum == var.codes, var.name
            assert cases[var.name + "_status"]["constraints"]["enum"] == var.allowed_missing
        else:
            assert enum == (cb.allowed(var.name) if var in cb.categorical else None), var.name
        assert cases[var.name]["title"] == var.label
    assert cases["sources"]["type"] == "array" and cases["start_date_earliest"]["type"] == "date"
    evidence = {f["name"]: f for f in resources["evidence"]["schema"]["fields"]}
    assert evidence["attribution"]["constraints"]["enum"] == cb.attribution_codes
    assert evidence["start"]["type"] == "integer"
    assert data["licenses"][0]["name"] == yaml.safe_load((ROOT / layout.DATASET_META).read_text())["licence"]
    assert [s["title"] for s in data["sources"]] == [r["title"] or f"[untitled] {r['venue']}" for r in parquet_rows("sources")]


def test_datapackage_rejects_a_code_outside_the_codebook(tmp_path: Path) -> None:
    frictionless = validator("frictionless")
    build = tmp_path / "build"
    shutil.copytree(BUILD, build)
    edit(build / "cases.csv", '"wealthy"', '"wealthy_elit"')
    report = frictionless.validate(build / "datapackage.json")
    errors = {e.type for task in report.tasks for e in task.errors}
    assert not report.valid and "constraint-error" in errors


# Categorical columns


def expected_categories() -> dict[str, tuple[list[str], bool]]:
    """Each categorical column of the cases table -> (its full category list in codebook
    order, whether it is ordered): a nominal variable's categories then its missing
    statuses; an ordinal variable's levels only, its statuses in the status column."""
    cb = codebook()
    out = {}
    for var in cb.categorical:
        if var in cb.ordinal:
            out[var.name] = (var.codes, True)
            out[var.name + STATUS] = (var.allowed_missing, False)
        else:
            out[var.name] = (cb.allowed(var.name), False)
    return out


def test_parquet_categoricals_have_the_codebooks_full_categories_in_order() -> None:
    expected = expected_categories()
    assert {"framing", "mobilisation_level", "mobilisation_level_status", "unit_type"} <= set(expected)
    cases = pd.read_parquet(BUILD / "cases.parquet")
    assert {c for c in cases.columns if isinstance(cases[c].dtype, pd.CategoricalDtype)} == set(expected)
    for name, (categories, ordered) in expected.items():
        dtype = cases[name].dtype
        assert list(dtype.categories) == categories, name
        assert dtype.ordered is ordered, name
    # the full list, used or not: some categories are used by no case
    assert any(set(categories) - set(cases[name].dropna()) for name, (categories, _) in expected.items())
    level = cases["mobilisation_level"]
    assert not set(level.cat.categories) & {"not_reported", "not_applicable", "coded_in_components"}
    assert (level.isna() == cases["mobilisation_level_status"].notna()).all()
    assert level.max() == "mass" and level.min() == "no_public_role"
    # the Arrow schema itself: dictionaries over the full list, ordered for the ordinal variable
    table = pq.read_table(BUILD / "cases.parquet")
    for name, (categories, ordered) in expected.items():
        column = table.column(name)
        assert pa.types.is_dictionary(column.type) and column.type.ordered is ordered, name
        assert column.combine_chunks().dictionary.to_pylist() == categories, name


def test_polars_and_duckdb_read_the_categorical_columns() -> None:
    import polars as pl

    expected = expected_categories()
    df = pl.read_parquet(BUILD / "cases.parquet")
    rows = parquet_rows("cases")
    for name, (categories, _) in expected.items():
        assert df.schema[name] == pl.Categorical, name
        assert df[name].to_list() == [r[name] for r in rows], name
        assert set(df[name].drop_nulls().to_list()) <= set(categories), name
    duckdb = pytest.importorskip("duckdb")
    framing = duckdb.sql(f"SELECT framing FROM '{BUILD / 'cases.parquet'}'").fetchall()
    assert [f for (f,) in framing] == [r["framing"] for r in rows]
