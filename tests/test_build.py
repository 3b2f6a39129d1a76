"""The dataset end to end: build, determinism, the published tables and their loaders."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import ROOT, edit, line_of, tree_bytes
from policyframes import layout
from policyframes.build import validate
from policyframes.export import read_tables
from policyframes.rows import PROVENANCE
from policyframes.textmatch import matches

REQUIRED_CASES = {
    "chongqing-property-tax-2011",
    "shanghai-property-tax-2011",
    "wenling-participatory-budgeting",
    "hangzhou-model",
}
FURTHER_CASES = {
    "chongqing-critics-labour-camps",
    "chongqing-model",
    "chongqing-striking-black",
    "chongqing-singing-red",
    "chongqing-taxi-strike-dialogue-2008",
    "township-county-elections",
    "xi-era-mass-mobilisation",
}
DIMENSIONS = ["framing", "framing_secondary", "analyst_reading", "target_burden", "target_participants", "target_scope",
              "collection_method", "mobilisation_level", "orchestration", "coercive_targeting", "origin"]
FACTS = ["start_date", "initiator", "design_agency", "implementing_agency"]
MISSING = ("not_reported", "not_applicable", "coded_in_components")


@pytest.mark.slow
def test_committed_build_is_what_the_annotations_build(repo: Path, cli) -> None:
    status, out, err = cli(repo, "build")
    assert status == 0, err
    assert tree_bytes(repo / "build") == tree_bytes(ROOT / "build"), "build/ is stale: run `policyframes build`"


@pytest.mark.slow
def test_second_build_is_byte_identical(repo: Path, cli) -> None:
    assert cli(repo, "build")[0] == 0
    first = tree_bytes(repo / "build")
    assert cli(repo, "build")[0] == 0
    assert tree_bytes(repo / "build") == first


def test_cases_table_has_the_required_cases_and_dimensions() -> None:
    cases = pd.read_parquet(ROOT / "build" / "cases.parquet")
    assert REQUIRED_CASES <= set(cases["case_id"])
    assert set(DIMENSIONS + FACTS + ["framing_pfc", "unit_type", "parent_case", "mobilisation_level_status"]) <= set(cases.columns)
    import policyframes

    assert [v.name for v in policyframes.load_codebook().coded] == DIMENSIONS
    assert [v.name for v in policyframes.load_codebook().facts] == FACTS
    chongqing = cases.set_index("case_id").loc["chongqing-property-tax-2011"]
    assert chongqing["framing"] == "redistribution"
    assert chongqing["framing_pfc"] == "fairness_and_equality"
    shanghai = cases.set_index("case_id").loc["shanghai-property-tax-2011"]
    assert shanghai["mobilisation_level"] == "no_public_role" and pd.isna(shanghai["mobilisation_level_status"])
    hangzhou = cases.set_index("case_id").loc["hangzhou-model"]
    assert pd.isna(hangzhou["mobilisation_level"]) and hangzhou["mobilisation_level_status"] == "not_reported"


def test_every_coded_value_has_evidence_quotes_match_and_citations_are_complete() -> None:
    cases = pd.read_parquet(ROOT / "build" / "cases.parquet")
    evidence = pd.read_parquet(ROOT / "build" / "evidence.parquet")
    texts = {path.stem: path.read_bytes().decode("utf-8") for path in (ROOT / "build" / layout.TEXTS).glob("*.txt")}
    for row in evidence[evidence["kind"] == "quote"].itertuples():
        assert matches(texts[row.source_id], int(row.start), int(row.end), row.quote), row
    cited = evidence[evidence["kind"] == "citation"]
    assert len(cited) > 100 and cited["locator"].str.strip().astype(bool).all() and cited["paraphrase"].str.strip().astype(bool).all()
    assert cited["quote"].isna().all() and cited["start"].isna().all()
    import policyframes

    codebook = policyframes.load_codebook()
    codes = evidence[evidence["record_type"] == "code"]
    supported = set(zip(codes["case_id"], codes["dimension"], codes["value"]))
    checked = 0
    for case in cases.to_dict("records"):
        for dim in DIMENSIONS:
            value = case[dim]
            if pd.isna(value):  # an ordinal variable's missing status is in its status column
                assert case[dim + "_status"] in MISSING, (case["case_id"], dim)
                continue
            category = codebook.variable(dim).category(value)
            if value not in MISSING and not category.no_evidence:
                assert (case["case_id"], dim, value) in supported, (case["case_id"], dim)
                checked += 1
    assert checked > 50
    facts = evidence[(evidence["record_type"] == "fact") & evidence["coder"].isna()]
    stated = set(zip(facts["case_id"], facts["dimension"], facts["value"]))
    for case in cases.to_dict("records"):
        for fact in FACTS:
            if case[fact] != "not_reported":
                assert (case["case_id"], fact, case[fact]) in stated, (case["case_id"], fact)


def test_the_stored_texts_are_published_and_every_quote_checks_against_them() -> None:
    """build/texts/ holds each stored text as the repository stores it (the checksum of the
    sources table), so that every quote can be checked at its offsets from build/ alone
    (as the test of the evidence does)."""
    sources = pd.read_parquet(ROOT / "build" / "sources.parquet")
    stored = sources[sources["stored"] != "none"]
    published = {path.stem: path.read_bytes() for path in (ROOT / "build" / layout.TEXTS).glob("*.txt")}
    assert sorted(published) == sorted(stored["source_id"]) and len(published) >= 3
    for source_id, sha256 in zip(stored["source_id"], stored["sha256"]):
        assert hashlib.sha256(published[source_id]).hexdigest() == sha256, source_id


@pytest.mark.slow
def test_the_published_tables_read_back_as_the_build_held_them() -> None:
    """read_tables (which the site is made from) gives every table of build/ as the build
    held it: the same values, categories as text, and an ordinal variable's missing status
    back in its column."""
    v = validate(ROOT)
    read = read_tables(ROOT / "build", v.ann.codebook).as_dict()
    for name, held in v.tables.as_dict().items():
        pd.testing.assert_frame_equal(read[name], held.drop(columns=list(PROVENANCE)).reset_index(drop=True), check_dtype=False, obj=name)
    assert "not_reported" in set(read["cases"]["mobilisation_level"])


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
    assert (level.dropna() >= "no_public_role").all()
    assert set(cases.loc[level >= "open", "case_id"]) >= {"chongqing-singing-red", "xi-era-mass-mobilisation"}
    assert "wenling-participatory-budgeting" not in set(cases.loc[level >= "open", "case_id"])
    status = cases["mobilisation_level_status"]
    assert list(status.cat.categories) == codebook.variable("mobilisation_level").allowed_missing
    assert (level.isna() == status.notna()).all()
    with pytest.raises(ValueError, match="unknown table"):
        policyframes.load("nope")


def test_datasets_loads_offline_with_classlabels(tmp_path: Path) -> None:
    import datasets

    ds = datasets.load_dataset(str(ROOT / "build"), "cases", split="train", cache_dir=str(tmp_path))
    framing = ds.features["framing"]
    assert isinstance(framing, datasets.ClassLabel)
    assert "redistribution" in framing.names
    assert {framing.int2str(v) for v in ds["framing"]} >= {"redistribution", "market_regulation"}
    assert set(ds["case_id"]) >= REQUIRED_CASES


def test_datasets_mobilisation_level_holds_levels_only_and_its_status_apart(tmp_path: Path) -> None:
    """In the Hugging Face features an ordinal variable's ClassLabel names are its levels
    only; a missing value is None and its status is in the companion column."""
    import datasets

    import policyframes

    codebook = policyframes.load_codebook()
    var = codebook.variable("mobilisation_level")
    ds = datasets.load_dataset(str(ROOT / "build"), "cases", split="train", cache_dir=str(tmp_path))
    level, status = ds.features["mobilisation_level"], ds.features["mobilisation_level_status"]
    assert isinstance(level, datasets.ClassLabel) and isinstance(status, datasets.ClassLabel)
    assert level.names == var.codes == ["no_public_role", "selected", "open", "mass"]
    assert status.names == var.allowed_missing and not set(level.names) & set(MISSING)
    cases = pd.read_parquet(ROOT / "build" / "cases.parquet")
    assert list(ds["case_id"]) == list(cases["case_id"])
    for row, got_level, got_status in zip(cases.to_dict("records"), ds["mobilisation_level"], ds["mobilisation_level_status"]):
        if pd.isna(row["mobilisation_level"]):
            assert got_level is None, row["case_id"]
            assert status.int2str(got_status) == row["mobilisation_level_status"], row["case_id"]
        else:
            assert level.int2str(got_level) == row["mobilisation_level"] and got_status is None, row["case_id"]
    assert None in ds["mobilisation_level"], "the test needs a case whose mobilisation_level is missing"
    framing = ds.features["framing"]  # a nominal variable keeps its missing statuses as names
    assert framing.names == codebook.allowed("framing") and "not_reported" in framing.names


@pytest.mark.slow
def test_to_hf_returns_every_table(tmp_path: Path) -> None:
    import policyframes

    dd = policyframes.to_hf(cache_dir=tmp_path)
    assert set(dd) == set(policyframes.table_names()) >= {"cases", "codings", "adjudications", "evidence", "sources", "comparisons",
                                                          "relations", "timeline", "facts", "coded_events", "coded_relations", "units"}
    for table in dd:
        assert dd[table].num_rows == len(pd.read_parquet(ROOT / "build" / f"{table}.parquet")), table


@pytest.mark.slow
def test_bad_code_fails_the_build_with_file_and_line_and_keeps_build(repo: Path, cli) -> None:
    case = repo / "annotations" / "cases" / "chongqing-property-tax-2011.yaml"
    line = line_of(case, "value: redistribution")
    edit(case, "value: redistribution", "value: redistributon")
    before = tree_bytes(repo / "build")
    status, out, err = cli(repo, "build")
    assert status == 1
    assert f"annotations/cases/chongqing-property-tax-2011.yaml:{line}: codes.framing.value: 'redistributon' is not one of" in err
    assert "did you mean 'redistribution'?" in err
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
    assert REQUIRED_CASES | FURTHER_CASES <= set(cases["case_id"])
    sources = pd.read_parquet(ROOT / "build" / "sources.parquet").set_index("source_id")
    original = {"zhang-2020-chongqing-model", "wang-2012-bo-under-pressure", "almen-2013-local-governance-innovation"}
    for case in cases.to_dict("records"):  # every case beyond the first eleven rests on sources beyond the original texts
        if case["case_id"] not in REQUIRED_CASES | FURTHER_CASES:
            assert set(case["sources"]) - original and sources.loc[list(case["sources"]), "stored"].eq("none").all(), case["case_id"]


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
    # a dated relation's id ends with its date, so that two dated relations of one type differ
    for rel in relations.to_dict("records"):
        target = rel["to_case"] if isinstance(rel["to_case"], str) else "centre"
        expected_id = f"{rel['from_case']}/{rel['type']}/{target}" + (f"/{rel['date']}" if isinstance(rel["date"], str) else "")
        assert rel["relation_id"] == expected_id
    assert {"chongqing-model/checked_by_centre/centre/2009", "chongqing-model/checked_by_centre/centre/2012-02"} <= set(relations["relation_id"])
    evidence = policyframes.load("evidence")
    coded_relations = policyframes.load("coded_relations")
    coded_events = policyframes.load("coded_events")
    final = evidence[evidence["coder"].isna()]
    for record_type, ids in (("relation", relations["relation_id"]), ("event", timeline["event_id"])):
        cited = set(final.loc[final["record_type"] == record_type, "record_id"])
        assert set(ids) == cited
    for record_type, table in (("relation", coded_relations), ("event", coded_events)):
        key = "relation_id" if record_type == "relation" else "event_id"
        cited = evidence[(evidence["record_type"] == record_type) & evidence["coder"].notna()]
        assert set(zip(table[key], table["coder"])) == set(zip(cited["record_id"], cited["coder"]))
        assert set(table["coder"]) <= {"c2", "c3", "c4"}
    for table in ("relations", "timeline"):
        ds = datasets.load_dataset(str(ROOT / "build"), table, split="train", cache_dir=str(tmp_path / table))
        assert ds.num_rows == len(policyframes.load(table))
