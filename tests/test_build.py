"""The dataset end to end: build, determinism, the published tables and their loaders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import ROOT, edit, line_of, tree_bytes
from policyframes.annotations import read_sources
from policyframes.textmatch import matches

REQUIRED_CASES = {
    "chongqing-property-tax-2011",
    "shanghai-property-tax-2011",
    "wenling-participatory-budgeting",
    "hangzhou-model",
}
FURTHER_CASES = {
    "chongqing-model",
    "chongqing-striking-black",
    "chongqing-singing-red",
    "chongqing-taxi-strike-dialogue-2008",
    "township-county-elections",
    "xi-era-mass-mobilisation",
}
DIMENSIONS = ["framing", "target_stratum", "target_scope", "collection_method", "mobilisation_level", "origin"]


def test_committed_build_is_what_the_annotations_build(repo: Path, cli) -> None:
    status, out, err = cli(repo, "build")
    assert status == 0, err
    assert tree_bytes(repo / "build") == tree_bytes(ROOT / "build"), "build/ is stale: run `policyframes build`"


def test_second_build_is_byte_identical(repo: Path, cli) -> None:
    assert cli(repo, "build")[0] == 0
    first = tree_bytes(repo / "build")
    assert cli(repo, "build")[0] == 0
    assert tree_bytes(repo / "build") == first


def test_cases_table_has_the_required_cases_and_dimensions() -> None:
    cases = pd.read_parquet(ROOT / "build" / "cases.parquet")
    assert REQUIRED_CASES <= set(cases["case_id"])
    assert set(DIMENSIONS + ["framing_pfc", "start_date", "initiator", "lead_agency", "origin"]) <= set(cases.columns)
    chongqing = cases.set_index("case_id").loc["chongqing-property-tax-2011"]
    assert chongqing["framing"] == "redistributive_egalitarian"
    assert chongqing["framing_pfc"] == "fairness_and_equality"
    assert cases.set_index("case_id").loc["shanghai-property-tax-2011", "mobilisation_level"] == "depoliticised"


def test_every_coded_value_has_verbatim_evidence() -> None:
    cases = pd.read_parquet(ROOT / "build" / "cases.parquet")
    evidence = pd.read_parquet(ROOT / "build" / "evidence.parquet")
    texts = {sid: s.text for sid, s in read_sources(ROOT, [])[1].items()}
    for row in evidence.itertuples():
        assert matches(texts[row.source_id], row.start, row.end, row.quote), row
    supported = set(zip(evidence["case_id"], evidence["dimension"], evidence["value"]))
    for case in cases.itertuples():
        for dim in DIMENSIONS:
            value = getattr(case, dim)
            if value not in ("not_reported", "not_applicable"):
                assert (case.case_id, dim, value) in supported, (case.case_id, dim)


def test_parquet_carries_descriptions_and_versions() -> None:
    schema = pq.read_schema(ROOT / "build" / "cases.parquet")
    assert b"description" in schema.field("framing").metadata
    info = schema.metadata[b"policyframes"].decode()
    assert '"dataset_version"' in info and '"codebook_version"' in info


def test_load_gives_categoricals_in_codebook_order() -> None:
    import policyframes

    cases = policyframes.load("cases")
    codebook = policyframes.load_codebook()
    assert list(cases["framing"].cat.categories) == codebook.allowed("framing")
    level = cases["mobilisation_level"]
    assert level.cat.ordered and list(level.cat.categories) == codebook.variable("mobilisation_level").codes
    assert (level.dropna() >= "depoliticised").all()
    with pytest.raises(ValueError, match="unknown table"):
        policyframes.load("nope")


def test_datasets_loads_offline_with_classlabels(tmp_path: Path) -> None:
    import datasets

    ds = datasets.load_dataset(str(ROOT / "build"), "cases", split="train", cache_dir=str(tmp_path))
    framing = ds.features["framing"]
    assert isinstance(framing, datasets.ClassLabel)
    assert "redistributive_egalitarian" in framing.names
    assert {framing.int2str(v) for v in ds["framing"]} >= {"redistributive_egalitarian", "technical_market_regulation"}
    assert set(ds["case_id"]) >= REQUIRED_CASES


def test_to_hf_returns_every_table(tmp_path: Path) -> None:
    import policyframes

    dd = policyframes.to_hf(cache_dir=tmp_path)
    assert set(dd) == set(policyframes.table_names()) >= {"cases", "codings", "adjudications", "evidence", "sources", "comparisons", "relations", "timeline"}
    assert dd["evidence"].num_rows == len(pd.read_parquet(ROOT / "build" / "evidence.parquet"))


def test_bad_code_fails_the_build_with_file_and_line_and_keeps_build(repo: Path, cli) -> None:
    case = repo / "annotations" / "cases" / "chongqing-property-tax-2011.yaml"
    line = line_of(case, "value: redistributive_egalitarian")
    edit(case, "value: redistributive_egalitarian", "value: redistributive_egalitarain")
    before = tree_bytes(repo / "build")
    status, out, err = cli(repo, "build")
    assert status == 1
    assert f"annotations/cases/chongqing-property-tax-2011.yaml:{line}: codes.framing.value: 'redistributive_egalitarain' is not one of" in err
    assert "did you mean 'redistributive_egalitarian'?" in err
    assert tree_bytes(repo / "build") == before
    assert not list(repo.glob(".build-tmp-*"))


def test_validate_writes_nothing(repo: Path, cli) -> None:
    (repo / "build" / "cases.parquet").unlink()
    status, out, _ = cli(repo, "validate")
    assert status == 0 and "ok:" in out
    assert not (repo / "build" / "cases.parquet").exists()


def test_manifest_covers_every_file() -> None:
    from policyframes.manifest import NAME, read_manifest, sha256

    folder = ROOT / "build"
    recorded = read_manifest(folder)
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != NAME}
    assert set(recorded) == files
    for name, digest in recorded.items():
        assert sha256(folder / name) == digest, name


def test_loader_refuses_a_tampered_build(repo: Path) -> None:
    import policyframes
    from policyframes.manifest import IntegrityError

    build = repo / "build"
    assert len(policyframes.load("cases", path=build)) >= 4
    table = pq.read_table(build / "cases.parquet")
    pq.write_table(table.slice(1), build / "cases.parquet")
    with pytest.raises(IntegrityError, match="does not match its checksum"):
        policyframes.load("cases", path=build)


def test_every_case_the_sources_describe_is_present() -> None:
    cases = pd.read_parquet(ROOT / "build" / "cases.parquet")
    assert REQUIRED_CASES | FURTHER_CASES == set(cases["case_id"])


def test_relations_and_timeline_load_and_point_at_cases(tmp_path: Path) -> None:
    import datasets
    import policyframes

    cases = set(policyframes.load("cases")["case_id"])
    relations = policyframes.load("relations")
    timeline = policyframes.load("timeline")
    assert set(relations["from_case"]) <= cases and set(relations["to_case"].dropna()) <= cases
    expected = {
        ("shanghai-property-tax-2011", "reactive_to", "chongqing-property-tax-2011"),
        ("chongqing-property-tax-2011", "part_of", "chongqing-model"),
        ("chongqing-model", "incorporated_into", "xi-era-mass-mobilisation"),
    }
    assert expected <= set(zip(relations["from_case"], relations["type"], relations["to_case"]))
    centre = relations[relations["to_case"].isna()].set_index("from_case")["type"].to_dict()
    assert centre["wenling-participatory-budgeting"] == "endorsed_by_centre"
    assert centre["township-county-elections"] == "ended_by_centre"
    assert set(timeline["case_id"]) <= cases
    assert (timeline["date_earliest"] <= timeline["date_latest"]).all()
    evidence = policyframes.load("evidence")
    for record_type, ids in (("relation", relations["relation_id"]), ("event", timeline["event_id"])):
        cited = set(evidence.loc[evidence["record_type"] == record_type, "record_id"])
        assert set(ids) == cited
    for table in ("relations", "timeline"):
        ds = datasets.load_dataset(str(ROOT / "build"), table, split="train", cache_dir=str(tmp_path / table))
        assert ds.num_rows == len(policyframes.load(table))
