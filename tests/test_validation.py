"""Each validation rule, shown failing on a small change to a valid repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import edit, line_of

CQ = "annotations/cases/chongqing-property-tax-2011.yaml"
SH = "annotations/cases/shanghai-property-tax-2011.yaml"
WL = "annotations/cases/wenling-participatory-budgeting.yaml"
COMPARISONS = "annotations/comparisons.yaml"
SOURCES = "annotations/sources/sources.yaml"
RELATIONS = "annotations/relations.yaml"

# (file, text to replace, replacement, text on the line the error must point at
#  (None: line 1 / no line), expected message fragment)
RULES = {
    "unknown category": (CQ, "value: wealthy_elite", "value: the_rich", "value: the_rich", "codes.target_stratum.value: 'the_rich' is not one of wealthy_elite, moderately_affluent"),
    "unknown key": (CQ, "    confidence: 3\n", "    confidence: 3\n    confidance: 3\n", "confidance: 3", "'confidance' is not an allowed key; allowed: value, coder, confidence"),
    "duplicate key": (CQ, "locality: Chongqing\n", "locality: Chongqing\nlocality: Chungking\n", "locality: Chungking", "duplicate key 'locality' (first on line"),
    "wrong type": (CQ, "    confidence: 3\n", "    confidence: high\n", "confidence: high", "codes.framing.confidence: input should be a valid integer, got str 'high'"),
    "confidence out of range": (CQ, "    confidence: 3\n", "    confidence: 4\n", "confidence: 4", "codes.framing.confidence: Input should be less than or equal to 3"),
    "missing dimension": (CQ, "  target_scope:\n    value: existing_holders", "  target_scopes:\n    value: existing_holders", "codes:", "codes.target_scope: required field is missing"),
    "coded value without evidence": (CQ, "    evidence:\n      - source: zhang-2020-chongqing-model\n        quote: Chongqing imposed its tax on all existing privately owned luxury property\n        attribution: author_analysis\n        start: 5576\n        end: 5650\n",
                                     "    evidence: []\n", "evidence: []", "codes.target_scope.evidence: a value other than not_reported or not_applicable needs at least one evidence quote"),
    "quote not in source": (CQ, "Effectively, Chongqing’s tax targeted the richest in the city.", "Effectively, Chongqing’s tax targeted the poorest in the city.", "targeted the poorest", "quote does not match the source text at 5886..5949; the quote is not in the source"),
    "offset off by one": (CQ, "start: 5886", "start: 5885", "quote: Effectively, Chongqing’s tax targeted the richest", "quote does not match the source text at 5885..5949; it occurs at 5886..5949"),
    "offset past the end": (CQ, "end: 5949", "end: 99999", "end: 99999", "offsets 5886..99999 are outside source 'zhang-2020-chongqing-model' (30531 characters)"),
    "unknown source": (SH, "    - source: zhang-2020-chongqing-model\n      quote: Yu Zhengsheng", "    - source: zhang-2021\n      quote: Yu Zhengsheng", "source: zhang-2021", "initiator.evidence[1].source: source 'zhang-2021' is not one of"),
    "source not listed by the case": (SH, "sources: [zhang-2020-chongqing-model]", "sources: [wang-2012-bo-under-pressure]", None, "source 'zhang-2020-chongqing-model' is not listed in the case's sources"),
    "bad attribution": (CQ, "attribution: official_interviewed", "attribution: interview", "attribution: interview", "'interview' is not one of government_statement, official_interviewed"),
    "unknown coder": (CQ, "    coder: c1\n", "    coder: c9\n", None, "codes.framing.coder: coder 'c9' is not one of c1"),
    "malformed date": (CQ, 'value: "2011-01-28"', 'value: "2011-02-30"', '2011-02-30', "start_date.value: '2011-02-30' is not a calendar date: day is out of range for month"),
    "future date": (CQ, 'value: "2011-01-28"', 'value: "2099-01-28"', '2099-01-28', "'2099-01-28' is in the future"),
    "date format": (CQ, 'value: "2011-01-28"', 'value: "28 January 2011"', '28 January 2011', "is not a date: write YYYY-MM-DD, YYYY-MM, YYYY, YYYX or not_reported"),
    "case id differs from file name": (CQ, "case_id: chongqing-property-tax-2011", "case_id: chongqing-tax", "case_id: chongqing-tax", "case id 'chongqing-tax' differs from the file name 'chongqing-property-tax-2011'"),
    "comparison names a missing case": (COMPARISONS, "cases: [wenling-participatory-budgeting, hangzhou-model]", "cases: [wenling-participatory-budgeting, hangzhou]", None, "case 'hangzhou' is not one of"),
    "comparison contradicts the codes": (COMPARISONS, "        contrast: different\n        statement: >-\n          Chongqing presented", "        contrast: same\n        statement: >-\n          Chongqing presented", "        contrast: same", "says 'same', but the codes are 'redistributive_egalitarian' and 'technical_market_regulation'"),
    "relation to a missing case": (RELATIONS, "    to: chongqing-model\n    rationale: Chongqing's leadership", "    to: chongqing-modell\n    rationale: Chongqing's leadership", "to: chongqing-modell", "relations[1].to: case 'chongqing-modell' is not one of"),
    "relation to the centre names a case": (RELATIONS, "    type: ended_by_centre\n", "    type: ended_by_centre\n    to: hangzhou-model\n", "to: hangzhou-model", "a 'ended_by_centre' relation points at the centre: remove `to`"),
    "relation to a case without a target": (RELATIONS, "    to: xi-era-mass-mobilisation\n", "", "- from: chongqing-model", "a 'incorporated_into' relation points at a case: give `to`"),
    "unknown relation type": (RELATIONS, "type: reactive_to", "type: reacts_to", "type: reacts_to", "'reacts_to' is not one of part_of, reactive_to"),
    "relation date malformed": (RELATIONS, 'date: "2006"', 'date: "2006-13"', '2006-13', "'2006-13' is not a calendar date: month must be in 1..12"),
    "event date in the future": (WL, 'date: "2012"', 'date: "2112"', 'date: "2112"', "'2112' is in the future"),
    "unknown event type": (WL, "type: endorsement", "type: praise", "type: praise", "'praise' is not one of proposal, launch, milestone, endorsement, end"),
    "event without evidence": (SH, """    description: The tax takes effect in Shanghai and Chongqing.
    evidence:
      - source: zhang-2020-chongqing-model
        quote: >-
          Chongqing and Shanghai launched a policy experiment to tax private homeownership
          starting from 28 January 2011.
        attribution: author_analysis
        start: 3750
        end: 3863""", """    description: The tax takes effect in Shanghai and Chongqing.
    evidence: []""", "evidence: []", "events[0].evidence: List should have at least 1 item after validation"),
    "source text changed": (SOURCES, "sha256: da88d50c", "sha256: 0a88d50c", "sha256: 0a88d50c", "the source text changed"),
    "source path escapes": (SOURCES, "file: zhang-2020-chongqing-model.txt", "file: ../../dataset.yaml", "file: ../../dataset.yaml", "must be a plain file name inside annotations/sources/"),
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_rule_fails_with_location(name: str, repo: Path, cli) -> None:
    rel, old, new, line_needle, message = RULES[name]
    path = repo / rel
    edit(path, old, new)
    status, out, err = cli(repo, "validate")
    assert status == 1, f"{name}: validation passed"
    assert message in err, f"{name}: {message!r} not in:\n{err}"
    problem = next(line for line in err.splitlines() if message in line)
    assert problem.startswith(rel + ":"), problem
    if line_needle is not None:
        expected = line_of(path, line_needle)
        assert problem.startswith(f"{rel}:{expected}:"), f"{name}: expected line {expected}: {problem}"
    assert "Traceback" not in err


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
    edit(repo / CQ, "value: wealthy_elite", "value: rich")
    edit(repo / SH, "value: depoliticised", "value: apolitical")
    edit(repo / WL, "start: 1770", "start: 1771")
    status, _, err = cli(repo, "validate")
    assert status == 1
    assert "'rich' is not one of" in err and "'apolitical' is not one of" in err and "1771..1824" in err
    assert "problem(s) found" in err


def test_json_output_for_editors(repo: Path, cli) -> None:
    edit(repo / CQ, "value: wealthy_elite", "value: rich")
    status, out, _ = cli(repo, "validate", "--format", "json")
    assert status == 1
    report = json.loads(out)
    assert report["ok"] is False
    problem = next(p for p in report["problems"] if p["field"] == "codes.target_stratum.value")
    assert problem["file"] == CQ and "'rich' is not one of" in problem["message"]
    assert problem["line"] == line_of(repo / CQ, "value: rich")


def test_observed_codes_must_be_in_the_codebook(repo: Path, cli) -> None:
    """Removing a category from the codebook fails every case that uses it."""
    codebook = repo / "schema" / "codebook.yaml"
    text = codebook.read_text(encoding="utf-8")
    start = text.index("      - code: moderately_affluent")
    end = text.index("      - code: general_public")
    codebook.write_text(text[:start] + text[end:], encoding="utf-8")
    status, _, err = cli(repo, "validate")
    assert status == 1
    assert f"{SH}:" in err and "'moderately_affluent' is not one of" in err


def test_codebook_examples_must_be_verbatim(repo: Path, cli) -> None:
    edit(repo / "schema" / "codebook.yaml", "quote: Effectively, Chongqing’s tax targeted the richest in the city.",
         "quote: Chongqing’s tax targeted the richest.")
    status, _, err = cli(repo, "validate")
    assert status == 1
    assert "schema/codebook.yaml:" in err and ".example.quote: quote is not in source 'zhang-2020-chongqing-model'" in err
