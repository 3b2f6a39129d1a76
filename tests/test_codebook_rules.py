"""The rules of codebook 2.0 over the published data, and the roles the build relies on:
comparisons never contrast a missing status, every record carries what the codebook
requires of it, examples are never evidence, and the build finds its variables by role,
never by name."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import ROOT, edit, line_of
from htmltree import parse
from policyframes import layout

BUILD = ROOT / "build"
MISSING = ("not_reported", "not_applicable", "coded_in_components")


def codebook():
    import policyframes

    return policyframes.load_codebook(BUILD)


def table(name: str) -> pd.DataFrame:
    return pd.read_parquet(BUILD / f"{name}.parquet")


def final_value(case: dict, name: str) -> str:
    """A case's value of a coded variable, with an ordinal variable's status filled in."""
    value = case[name]
    return case[name + "_status"] if pd.isna(value) and name + "_status" in case else value


# Comparisons


def test_no_comparison_contrasts_a_missing_status() -> None:
    comparisons = table("comparisons")
    cases = {c["case_id"]: c for c in table("cases").to_dict("records")}
    assert set(comparisons["contrast"]) <= {"same", "different", "not_comparable"}
    missing = 0
    for row in comparisons.to_dict("records"):
        # the values shown are the cases' final values (an ordinal variable's status where it is missing)
        assert row["value_a"] == final_value(cases[row["case_a"]], row["dimension"]), row
        assert row["value_b"] == final_value(cases[row["case_b"]], row["dimension"]), row
        if row["value_a"] in MISSING or row["value_b"] in MISSING:
            missing += 1
            assert row["contrast"] == "not_comparable", row
        else:
            assert row["contrast"] == ("same" if row["value_a"] == row["value_b"] else "different"), row
    assert missing and "same" in set(comparisons["contrast"]) and "different" in set(comparisons["contrast"])
    # two missing statuses that are equal are not the same value either
    both = comparisons[(comparisons["value_a"] == comparisons["value_b"]) & comparisons["value_a"].isin(MISSING)]
    assert len(both) and (both["contrast"] == "not_comparable").all()


@pytest.mark.parametrize("contrast", ["same", "different"])
def test_validation_refuses_a_contrast_of_a_missing_status(repo: Path, cli, contrast: str) -> None:
    path = repo / layout.COMPARISONS
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: wenling-vs-hangzhou-participation")
    at = text.index("      mobilisation_level:\n        contrast: not_comparable", start)
    path.write_text(text[:at] + text[at:].replace("contrast: not_comparable", f"contrast: {contrast}", 1), encoding="utf-8")
    line = text[:at].count("\n") + 2  # the line of the contrast
    status, _, err = cli(repo, "validate")
    assert status == 1
    assert (f"{layout.COMPARISONS}:{line}: comparisons[1].dimensions.mobilisation_level.contrast: says {contrast!r}, "
            "but the codes are 'selected' and 'not_reported', which are 'not_comparable'") in err


# What every record carries


def test_every_case_has_a_unit_type_and_every_chinese_name_an_origin() -> None:
    cb = codebook()
    cases = table("cases")
    unit, parent = cb.role("unit_type").name, cb.role("parent").name
    assert cases[unit].notna().all() and set(cases[unit]) <= set(cb.role("unit_type").codes)
    title_zh, origin = cb.role("title_zh").name, cb.role("title_zh_origin").name
    assert cases[title_zh].notna().all() and (cases[title_zh].str.strip() != "").all()
    assert cases[origin].notna().all() and set(cases[origin]) <= {"source", "rendering"}
    # a case with a parent is part of a package or governing style, which is a case too
    parents = cases.set_index("case_id")[unit]
    for child, of in zip(cases["case_id"], cases[parent]):
        if isinstance(of, str):
            assert parents[of] in ("package", "governing_style", "experiment_family"), child


def test_every_coding_has_a_runner_up_and_other_its_specification() -> None:
    cb = codebook()
    codings = table("codings")
    assert codings["runner_up"].notna().all()
    for row in codings.to_dict("records"):
        var = cb.variable(row["dimension"])
        assert row["runner_up"] in [*var.codes, "none"], row
        assert row["runner_up"] != row["value"], row
        category = var.category(row["value"])
        specify = category is not None and category.specify
        assert isinstance(row["other_specification"], str) == specify, row
        assert 1 <= row["confidence"] <= 3, row
    assert set(codings["coder"]) == {"c1", "c2", "c3", "c4"}


def test_every_fact_event_and_relation_has_a_confidence_where_required() -> None:
    cb = codebook()
    facts = table("facts")
    assert set(facts["fact"]) == {v.name for v in cb.facts}
    reported = facts[facts["value"] != "not_reported"]
    assert len(reported) and reported["confidence"].between(1, 3).all()
    assert (reported["n_evidence"] > 0).all()
    assert set(facts["coder"].dropna()) == {"c2", "c3", "c4"}
    cases = table("cases").set_index("case_id")
    for row in facts[facts["coder"].isna()].to_dict("records"):  # the case file's facts are the final values
        assert cases.at[row["case_id"], row["fact"]] == row["value"], row
    for name in ("relations", "coded_relations", "timeline", "coded_events"):
        records = table(name)
        assert len(records) and records["confidence"].notna().all() and records["confidence"].between(1, 3).all(), name
        assert (records["n_evidence"] > 0).all(), name


REQUIRED = "required field is missing"


@pytest.mark.parametrize("file, line, field, message", [
    ("annotations/cases/hangzhou-model.yaml", "unit_type: package", "unit_type", REQUIRED),
    ("annotations/cases/hangzhou-model.yaml", "name_zh_origin: rendering", "name_zh_origin", REQUIRED),
    ("annotations/cases/hangzhou-model.yaml", "    runner_up: participation_democracy", "codes.framing.runner_up", REQUIRED),
    ("annotations/codings/c2/hangzhou-model.yaml", "    runner_up: ", "codes.framing.runner_up", REQUIRED),
    ("annotations/relations.yaml", "    confidence: ", "relations[0].confidence", REQUIRED),
    ("annotations/cases/chongqing-property-tax-2011.yaml", "    confidence: 3", "facts.start_date.confidence",
     "a fact other than not_reported needs a confidence"),
    ("annotations/cases/chongqing-model.yaml", "    confidence: ", "events[0].confidence", REQUIRED),
])
def test_validation_refuses_a_record_without_what_it_requires(repo: Path, cli, file: str, line: str, field: str, message: str) -> None:
    path = repo / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, text in enumerate(lines) if text.startswith("events:")) if field.startswith("events") else 0
    at = next(i for i, text in enumerate(lines) if i >= start and text.startswith(line))
    del lines[at]
    path.write_text("".join(lines), encoding="utf-8")
    status, _, err = cli(repo, "validate")
    assert status == 1
    found = [e for e in err.splitlines() if e.startswith(f"{file}:") and f" {field}: {message}" in e]
    assert len(found) == 1, err


# Examples are never evidence


def examples() -> dict[str, str]:
    """Each example of the codebook (whitespace normalised) -> variable.category."""
    return {" ".join(c.example.text.split()): f"{v.name}.{c.code}" for v in codebook().variables for c in v.categories if c.example}


def test_no_codebook_example_is_an_evidence_quote() -> None:
    found = examples()
    assert len(found) > 50
    assert all(c.example.kind == "constructed" for v in codebook().variables for c in v.categories if c.example)
    quotes = {" ".join(q.split()) for q in table("evidence")["quote"].dropna()}
    assert len(quotes) > 100
    for example, where in found.items():
        for quote in quotes:
            assert quote != example and quote not in example and example not in quote, (where, quote)


@pytest.mark.slow
def test_validation_refuses_an_example_planted_as_a_quote(repo: Path, cli) -> None:
    path = repo / "annotations/cases/chongqing-property-tax-2011.yaml"
    example = next(c.example.text for c in codebook().variable("framing").categories if c.code == "redistribution")
    edit(path, """        quote: >-
          Chongqing’s officials explicitly framed their tax on private homeownership as an
          anti-rich redistributive measure.
""", f"        quote: {example}\n")
    line = line_of(path, f"quote: {example}")
    status, _, err = cli(repo, "validate")
    assert status == 1
    refusal = next(e for e in err.splitlines() if "examples illustrate and are never evidence" in e)
    assert refusal.startswith(f"annotations/cases/chongqing-property-tax-2011.yaml:{line}: codes.framing.evidence[0].quote: "
                              "this quote is the codebook's example of ")
    assert ".redistribution: " in refusal


@pytest.mark.slow
def test_validation_refuses_an_example_that_contains_a_quote(repo: Path, cli) -> None:
    """An example edited in the codebook to contain a passage that coders quote is refused
    at each quote of it (the quotes themselves match their source)."""
    path = repo / layout.CODEBOOK
    old = 'example: {text: "Only owners of the most expensive villas pay the new charge.", kind: constructed}'
    edit(path, old, old.replace("Only owners of the most expensive villas pay the new charge.",
                                "As the papers put it: Effectively, Chongqing’s tax targeted the richest in the city."))
    status, _, err = cli(repo, "validate")
    assert status == 1
    refusals = [e for e in err.splitlines() if "this quote is the codebook's example of target_burden.wealthy" in e]
    assert refusals and all(e.startswith(("annotations/cases/", "annotations/codings/")) for e in refusals)
    assert "annotations/cases/chongqing-property-tax-2011.yaml:" in "\n".join(refusals)
    assert "quote does not match" not in err


# Roles, not names


@pytest.mark.slow
def test_renamed_title_variable_builds(repo: Path, cli) -> None:
    """name_en is no required name: renamed in the codebook, the case files and the
    template, it still builds, and the site, the card and the tables use the new name."""
    codebook_file = repo / layout.CODEBOOK
    edit(codebook_file, "  - name: name_en\n", "  - name: english_title\n")
    files = [*(repo / layout.CASES_DIR).glob("*.yaml"), repo / layout.TEMPLATE]
    for path in files:
        edit(path, "\nname_en: ", "\nenglish_title: ")
    assert "\nname_en:" not in "".join(p.read_text(encoding="utf-8") for p in files)
    status, out, err = cli(repo, "build")
    assert status == 0, err
    cases = pd.read_parquet(repo / "build" / "cases.parquet")
    assert "english_title" in cases.columns and "name_en" not in cases.columns
    original = table("cases").set_index("case_id")["name_en"]
    assert dict(zip(cases["case_id"], cases["english_title"])) == original.to_dict()
    # the site titles its pages by the role
    page, errors = parse((repo / "build" / "site" / "cases" / "hangzhou-model.html").read_text(encoding="utf-8"))
    assert not errors
    assert original["hangzhou-model"] in page.find("h1")[0].text()
    index = (repo / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert all(name.replace("'", "&#x27;") in index or name in index for name in original)
    header = yaml.safe_load((repo / "build" / "README.md").read_text(encoding="utf-8").split("---\n")[1])
    features = next(c["features"] for c in header["dataset_info"] if c["config_name"] == "cases")
    assert "english_title" in [f["name"] for f in features] and "name_en" not in [f["name"] for f in features]
    variables = json.loads((repo / "build" / "codebook.json").read_text(encoding="utf-8"))["variables"]
    assert next(v for v in variables if v["name"] == "english_title")["roles"] == ["title"]
    assert original["hangzhou-model"] in (repo / layout.DATACARD).read_text(encoding="utf-8")
    # a new case from the renamed template is refused only for its placeholders
    assert cli(repo, "new-case", "chengdu-example")[0] == 0
    assert "english_title: English name of the case" in (repo / layout.CASES_DIR / "chengdu-example.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("remove, at, message", [
    ("    roles: [title]\n", "variables:",
     "variables: the build needs exactly one variable with the role 'title' (a descriptive variable of level text); found 0"),
    ('  - {code: title, level: text, description: "The case\'s English name: page titles, listings, links."}\n', "roles:",
     "roles: the build needs the role 'title'; declare it under `roles`"),
])
def test_removed_title_role_is_a_validation_error_with_file_and_line(repo: Path, cli, remove: str, at: str, message: str) -> None:
    path = repo / layout.CODEBOOK
    edit(path, remove, "")
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text == at)
    before = (repo / "build" / "SHA256SUMS").read_bytes()
    status, _, err = cli(repo, "build")
    assert status == 1
    assert f"{layout.CODEBOOK}:{line}: {message}" in err
    assert (repo / "build" / "SHA256SUMS").read_bytes() == before
