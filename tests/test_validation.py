"""Validation across files and runs: duplicates between files, every problem of a run,
the JSON report, and changes to the codebook that fail the cases. Each single rule is an
entry of the bad-input corpus (tests/bad_inputs/manifest.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import edit, line_of

CQ = "annotations/cases/chongqing-property-tax-2011.yaml"
SH = "annotations/cases/shanghai-property-tax-2011.yaml"
WL = "annotations/cases/wenling-participatory-budgeting.yaml"


def test_duplicate_events_are_reported(repo: Path, cli) -> None:
    path = repo / SH
    text = path.read_text(encoding="utf-8")
    events = text[text.index("events:\n") + len("events:\n"):]
    path.write_text(text + events, encoding="utf-8")
    status, _, err = cli(repo, "validate")
    assert status == 1
    assert "duplicate timeline row: event_id='shanghai-property-tax-2011/launch/2011-01-28'" in err


def test_duplicate_case_ids_across_files(repo: Path, cli) -> None:
    cases = repo / "annotations" / "cases"
    (cases / "chongqing-copy.yaml").write_text(
        (cases / "chongqing-property-tax-2011.yaml").read_text(encoding="utf-8").replace(
            "case_id: chongqing-property-tax-2011", "case_id: chongqing-copy"), encoding="utf-8")
    edit(cases / "chongqing-copy.yaml", "case_id: chongqing-copy", "case_id: chongqing-property-tax-2011")
    status, _, err = cli(repo, "validate")
    assert status == 1
    assert "case id 'chongqing-property-tax-2011' differs from the file name 'chongqing-copy'" in err


def test_all_problems_of_a_run_are_reported(repo: Path, cli) -> None:
    edit(repo / CQ, "    value: wealthy\n", "    value: rich\n")
    edit(repo / SH, "    value: market_regulation\n", "    value: apolitical\n")
    edit(repo / WL, "start: 1770", "start: 1771")
    status, _, err = cli(repo, "validate")
    assert status == 1
    assert "'rich' is not one of" in err and "'apolitical' is not one of" in err and "1771..1824" in err
    assert "problem(s) found" in err


def test_json_output_for_editors(repo: Path, cli) -> None:
    edit(repo / CQ, "    value: wealthy\n", "    value: rich\n")
    status, out, _ = cli(repo, "validate", "--format", "json")
    assert status == 1
    report = json.loads(out)
    assert report["ok"] is False
    problem = next(p for p in report["problems"] if p["field"] == "codes.target_burden.value")
    assert problem["file"] == CQ and "'rich' is not one of" in problem["message"]
    assert problem["line"] == line_of(repo / CQ, "value: rich")


def test_observed_codes_must_be_in_the_codebook(repo: Path, cli) -> None:
    """Removing a category from the codebook fails every case that uses it."""
    codebook = repo / "schema" / "codebook.yaml"
    text = codebook.read_text(encoding="utf-8")
    start = text.index("      - code: middle_income")
    end = text.index("      - code: low_income")
    codebook.write_text(text[:start] + text[end:], encoding="utf-8")
    status, _, err = cli(repo, "validate")
    assert status == 1
    line = line_of(repo / SH, "value: middle_income")
    assert f"{SH}:{line}: codes.target_burden.value: 'middle_income' is not one of wealthy, low_income" in err


def test_codebook_examples_are_never_evidence(repo: Path, cli) -> None:
    """Examples are constructed (codebook 2.0): a quote that holds one, even across
    lines and inside a longer passage, is refused as evidence."""
    edit(repo / CQ, "          ‘In Chongqing, whether you are rich is determined by whether you pay this tax.’\n",
         "          Officials said: Only owners of the most\n          expensive villas   pay the new charge.\n")
    status, _, err = cli(repo, "validate")
    assert status == 1
    line = line_of(repo / CQ, "Officials said: Only owners") - 1  # the line of `quote: >-`
    assert (f"{CQ}:{line}: codes.target_burden.evidence[2].quote: this quote is the codebook's example of target_burden.wealthy: "
            "examples illustrate and are never evidence of a coded case") in err


def test_codebook_examples_are_constructed(repo: Path, cli) -> None:
    """An example is declared constructed; one presented as a verbatim passage is refused."""
    edit(repo / "schema" / "codebook.yaml", "kind: constructed}", "kind: verbatim}")
    status, _, err = cli(repo, "validate")
    assert status == 1
    line = line_of(repo / "schema" / "codebook.yaml", "kind: verbatim}")
    assert f"schema/codebook.yaml:{line}: variables[18].categories[0].example.kind: 'verbatim' is not one of constructed" in err
