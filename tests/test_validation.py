"""Each validation rule, shown failing on a small change to a valid repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import edit, line_of

CQ = "annotations/cases/chongqing-property-tax-2011.yaml"
SH = "annotations/cases/shanghai-property-tax-2011.yaml"
WL = "annotations/cases/wenling-participatory-budgeting.yaml"
LC = "annotations/cases/chongqing-critics-labour-camps.yaml"
COMPARISONS = "annotations/comparisons.yaml"
SOURCES = "annotations/sources/sources.yaml"
RELATIONS = "annotations/relations.yaml"

# (file, text to replace, replacement, text on the line the error must point at (None:
#  no line check; (after, text): the first line holding text from the first line holding
#  after), expected message fragment)
RULES = {
    "unknown category": (CQ, "    value: wealthy\n", "    value: the_rich\n", "value: the_rich", "codes.target_burden.value: 'the_rich' is not one of wealthy, middle_income"),
    "unknown key": (CQ, "    coder: c1\n    confidence: 3\n", "    coder: c1\n    confidence: 3\n    confidance: 3\n", "confidance: 3",
                    "codes.framing.confidance: 'confidance' is not an allowed key; allowed: coder, value, other_specification, confidence"),
    "duplicate key": (CQ, "locality: Chongqing\n", "locality: Chongqing\nlocality: Chungking\n", "locality: Chungking", "duplicate key 'locality' (first on line"),
    "wrong type": (CQ, "    coder: c1\n    confidence: 3\n", "    coder: c1\n    confidence: high\n", "confidence: high", "codes.framing.confidence: should be a valid integer, got str 'high'"),
    "confidence out of range": (CQ, "    coder: c1\n    confidence: 3\n", "    coder: c1\n    confidence: 4\n", "confidence: 4", "codes.framing.confidence: must be at most 3 (got 4)"),
    "missing dimension": (CQ, "  target_scope:\n    value: mixed_scope", "  target_scopes:\n    value: mixed_scope", "codes:", "codes.target_scope: required field is missing"),
    "coded value without evidence": (LC, "definition of critics.\n    evidence:\n      - source: zhang-2020-chongqing-model\n        quote: >-\n"
                                     "          It also displayed extreme intolerance towards those who criticised the state,\n"
                                     "          sending some to labour camps.\n        attribution: author_analysis\n"
                                     "        start: 1365\n        end: 1474\n",
                                     "definition of critics.\n    evidence: []\n", "evidence: []",
                                     "codes.target_burden.evidence: the category 'critics' needs at least one evidence item "
                                     "(only the missing statuses not_reported, not_applicable, coded_in_components need none)"),
    "quote not in source": (CQ, "        quote: >-\n          Effectively, Chongqing’s tax targeted the richest in the city.\n",
                            "        quote: Effectively, Chongqing’s tax targeted the poorest in the city.\n", "targeted the poorest",
                            "codes.target_burden.evidence[1].quote: quote does not match the source text at 5886..5949; the quote is not in the source"),
    "offset off by one": (CQ, "        quote: >-\n          Effectively, Chongqing’s tax targeted the richest in the city.\n        attribution: author_analysis\n        start: 5886\n",
                          "        quote: Effectively, Chongqing’s tax targeted the richest in the city.\n        attribution: author_analysis\n        start: 5885\n",
                          "quote: Effectively, Chongqing’s tax targeted the richest", "quote does not match the source text at 5885..5949; it occurs at 5886..5949"),
    "offset past the end": (CQ, "end: 5949", "end: 99999", "end: 99999", "offsets 5886..99999 are outside source 'zhang-2020-chongqing-model' (30531 characters)"),
    "unknown source": (SH, "      - source: zhang-2020-chongqing-model\n        quote: >-\n          the tax experiment there represented",
                       "      - source: zhang-2021\n        quote: >-\n          the tax experiment there represented", "source: zhang-2021",
                       "facts.initiator.evidence[1].source: source 'zhang-2021' is not one of"),
    "source not listed by the case": (SH, "sources: [zhang-2020-chongqing-model,", "sources: [wang-2012-bo-under-pressure,", None, "source 'zhang-2020-chongqing-model' is not listed in the case's sources"),
    "bad attribution": (CQ, "attribution: official_interviewed", "attribution: interview", "attribution: interview",
                        "facts.implementing_agency.evidence[1].attribution: 'interview' is not one of government_statement, official_interviewed, "
                        "informant_interviewed, author_analysis, media_report, secondary_citation"),
    "unknown coder": (CQ, "    coder: c1\n", "    coder: c9\n", "coder: c9", "codes.framing.coder: coder 'c9' is not one of a1, a2, c1, c2, c3, c4"),
    "malformed date": (CQ, 'value: "2011-01-28"', 'value: "2011-02-30"', '2011-02-30', "facts.start_date.value: '2011-02-30' is not a calendar date: day is out of range for month"),
    "future date": (CQ, 'value: "2011-01-28"', 'value: "2099-01-28"', '2099-01-28', "facts.start_date.value: '2099-01-28' is in the future"),
    "date format": (CQ, 'value: "2011-01-28"', 'value: "28 January 2011"', '28 January 2011', "is not a date: write YYYY-MM-DD, YYYY-MM, YYYY, YYYX or not_reported"),
    "case id differs from file name": (CQ, "case_id: chongqing-property-tax-2011", "case_id: chongqing-tax", "case_id: chongqing-tax", "case id 'chongqing-tax' differs from the file name 'chongqing-property-tax-2011'"),
    "comparison names a missing case": (COMPARISONS, "cases: [wenling-participatory-budgeting, hangzhou-model]", "cases: [wenling-participatory-budgeting, hangzhou]", None, "case 'hangzhou' is not one of"),
    "comparison contradicts the codes": (COMPARISONS, "      framing:\n        contrast: different\n", "      framing:\n        contrast: same\n", "        contrast: same",
                                         "comparisons[0].dimensions.framing.contrast: says 'same', but the codes are 'redistribution' and 'market_regulation', which are 'different'"),
    "relation to a missing case": (RELATIONS, "    to: chongqing-model\n", "    to: chongqing-modell\n", "to: chongqing-modell", "relations[0].to: case 'chongqing-modell' is not one of"),
    "relation to the centre names a case": (RELATIONS, "    type: ended_by_centre\n", "    type: ended_by_centre\n    to: hangzhou-model\n", "to: hangzhou-model", "a 'ended_by_centre' relation points at the centre: remove `to`"),
    "relation to a case without a target": (RELATIONS, "    to: xi-era-mass-mobilisation\n", "", "- from: chongqing-model", "a 'incorporated_into' relation points at a case: give `to`"),
    "unknown relation type": (RELATIONS, "type: reactive_to", "type: reacts_to", "type: reacts_to", "'reacts_to' is not one of part_of, reactive_to"),
    "relation date malformed": (RELATIONS, 'date: "2006"', 'date: "2006-13"', '2006-13', "'2006-13' is not a calendar date: month must be in 1..12"),
    "event date in the future": (WL, 'date: "2012"', 'date: "2112"', 'date: "2112"', "'2112' is in the future"),
    "unknown event type": (WL, "type: endorsement", "type: praise", "type: praise", "'praise' is not one of proposal, launch, milestone, endorsement, end"),
    "event without evidence": (SH, """    description: The tax takes effect in Shanghai (and in Chongqing).
    confidence: 3
    evidence:
      - source: zhang-2020-chongqing-model
        quote: >-
          Chongqing and Shanghai launched a policy experiment to tax private homeownership
          starting from 28 January 2011.
        attribution: author_analysis
        start: 3750
        end: 3863""", """    description: The tax takes effect in Shanghai (and in Chongqing).
    confidence: 3
    evidence: []""", "evidence: []", "events[0].evidence: needs at least 1 item(s)"),
    "source text changed": (SOURCES, "sha256: da88d50c", "sha256: 0a88d50c", "sha256: 0a88d50c", "the source text changed"),
    "source path escapes": (SOURCES, "file: zhang-2020-chongqing-model.txt", "file: ../../dataset.yaml", "file: ../../dataset.yaml", "must be a plain file name inside annotations/sources/"),
    # Rules of codebook 2.0, on the real cases.
    "fact without confidence": (CQ, '    value: "2011-01-28"\n    confidence: 3\n', '    value: "2011-01-28"\n', "  start_date:",
                                "facts.start_date.confidence: a fact other than not_reported needs a confidence (1, 2 or 3)"),
    "runner-up is the value": (CQ, "    runner_up: populist_champion\n", "    runner_up: redistribution\n", "runner_up: redistribution",
                               "codes.framing.runner_up: the runner-up is the value itself: give the second-best category, or none"),
    "other without its specification": (CQ, "    value: redistribution\n", "    value: other\n", "  framing:",
                                        "codes.framing.other_specification: the value 'other' needs other_specification: say in a few words what it is"),
    "missing status the variable does not allow": (CQ, "    value: local_initiative\n", "    value: not_applicable\n", "value: not_applicable",
                                                   "codes.origin.value: 'not_applicable' is not one of local_initiative, societal_trigger, peer_reaction, "
                                                   "diffusion_adoption, central_prompting, central_initiative, other, not_reported"),
    "example as evidence": (CQ, "        quote: >-\n          ‘In Chongqing, whether you are rich is determined by whether you pay this tax.’\n",
                            "        quote: Only owners of the most expensive villas pay the new charge.\n", "quote: Only owners",
                            "codes.target_burden.evidence[2].quote: this quote is the codebook's example of target_burden.wealthy: "
                            "examples illustrate and are never evidence of a coded case"),
    "unknown parent case": (CQ, "parent_case: chongqing-model", "parent_case: chongqing-modle", "parent_case: chongqing-modle",
                            "parent_case: parent case 'chongqing-modle' is not one of"),
    "comparison of a missing status": (COMPARISONS, "      collection_method:\n        contrast: not_comparable\n", "      collection_method:\n        contrast: different  # edited\n",
                                       ("      collection_method:", "contrast: different  # edited"),
                                       "comparisons[1].dimensions.collection_method.contrast: says 'different', but the codes are 'deliberative_forum' "
                                       "and 'not_reported', which are 'not_comparable'"),
}


def _line(path: Path, needle: str | tuple[str, str]) -> int:
    """The line of the needle, or of (after, needle): its first line from the line of after."""
    if isinstance(needle, str):
        return line_of(path, needle)
    after, text = needle
    lines = path.read_text(encoding="utf-8").splitlines()
    start = line_of(path, after)
    return next(number for number in range(start, len(lines) + 1) if text in lines[number - 1])


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
        expected = _line(path, line_needle)
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
