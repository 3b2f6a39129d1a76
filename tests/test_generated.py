"""Generated files (JSON Schema, CODEBOOK.md, the datacard's tables) are never stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from policyframes import layout
from policyframes.build import generated_files, validate
from policyframes.docs import fill_blocks
from policyframes.yamlsafe import load_file


@pytest.mark.slow
def test_generated_files_are_fresh() -> None:
    for rel, content in generated_files(validate(ROOT)).items():
        assert (ROOT / rel).read_text(encoding="utf-8") == content, f"{rel} is stale: run `policyframes build`"


@pytest.mark.slow
def test_stale_generated_file_is_detected(repo: Path) -> None:
    codebook = repo / layout.CODEBOOK
    codebook.write_text(codebook.read_text(encoding="utf-8").replace("label: The wealthy", "label: Rich households"), encoding="utf-8")
    generated = generated_files(validate(repo))
    assert "Rich households" in generated[layout.CODEBOOK_DOC]
    assert generated[layout.CODEBOOK_DOC] != (repo / layout.CODEBOOK_DOC).read_text(encoding="utf-8")


def test_json_schema_enumerates_codebook_categories() -> None:
    schema = json.loads((ROOT / layout.JSON_SCHEMA).read_text(encoding="utf-8"))
    text = json.dumps(schema)
    codebook = yaml.safe_load((ROOT / layout.CODEBOOK).read_text(encoding="utf-8"))
    framing = next(v for v in codebook["variables"] if v["name"] == "framing")
    for category in framing["categories"]:
        assert f'"{category["code"]}"' in text
    assert schema["additionalProperties"] is False


@pytest.mark.slow
def test_json_schema_accepts_the_case_files() -> None:
    import jsonschema

    schema = json.loads((ROOT / layout.JSON_SCHEMA).read_text(encoding="utf-8"))
    for path in sorted((ROOT / layout.CASES_DIR).glob("*.yaml")):
        jsonschema.validate(load_file(path), schema)
    bad = load_file(ROOT / layout.CASES_DIR / "hangzhou-model.yaml")
    bad["codes"]["framing"]["value"] = "not_a_code"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_datacard_blocks_are_filled() -> None:
    text = (ROOT / layout.DATACARD).read_text(encoding="utf-8")
    for case_id in ("chongqing-property-tax-2011", "hangzhou-model"):
        assert case_id in text
    assert fill_blocks("a\n<!-- generated:x -->\nold\n<!-- /generated:x -->\n", {"x": "new"}) == "a\n<!-- generated:x -->\nnew\n<!-- /generated:x -->\n"


def test_hf_card_features_match_the_codebook() -> None:
    card = (ROOT / "build" / "README.md").read_text(encoding="utf-8")
    header = yaml.safe_load(card.split("---\n")[1])
    cases = next(c for c in header["dataset_info"] if c["config_name"] == "cases")
    framing = next(f for f in cases["features"] if f["name"] == "framing")
    codebook = json.loads((ROOT / "build" / "codebook.json").read_text(encoding="utf-8"))
    variables = {v["name"]: v for v in codebook["variables"]}
    categories = [c["code"] for c in variables["framing"]["categories"]]
    assert list(framing["dtype"]["class_label"]["names"].values()) == categories + ["not_reported"]
    assert list(variables["framing"]["missing"]) == ["not_reported"]
    features = {f["name"]: f for f in cases["features"]}
    for name, var in variables.items():
        if var["level"] not in ("nominal", "ordinal"):
            assert "class_label" not in str(features[name]), name
            continue
        names = features[name]["dtype"]["class_label"]["names"]
        assert list(names) == [str(i) for i in range(len(names))], name
        codes = [c["code"] for c in var["categories"]] or [f["code"] for f in codebook["pfc_frames"]]
        statuses = [m for m in MISSING if m in variables.get(var["derived_from"] or name, var)["missing"]]
        if var["kind"] == "derived" and var["name"].startswith("start_date"):
            statuses = ["not_reported"]  # a fact is not_reported or has a value
        if var["level"] == "ordinal":  # the levels only: a missing value is null, its status in the companion column
            assert list(names.values()) == codes, name
            status = features[name + "_status"]["dtype"]["class_label"]["names"]
            assert list(status.values()) == statuses == ["not_reported", "coded_in_components"], name
        else:
            assert list(names.values()) == codes + statuses, name
    assert list(features["mobilisation_level"]["dtype"]["class_label"]["names"].values()) == ["no_public_role", "selected", "open", "mass"]
    configs = {c["config_name"]: c["data_files"][0]["path"] for c in header["configs"]}
    assert configs["cases"] == "hf/cases.parquet"  # the class-label copy: datasets cannot cast Arrow dictionaries
    assert set(configs) == set(codebook["tables"])


MISSING = ("not_reported", "not_applicable", "coded_in_components")
