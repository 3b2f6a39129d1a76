"""A quote that does not match shows the closest passage of the source and the first
character that differs, with typographic marks named, so that a coder sees the fix; a
key indented wrongly is reported at its own line, in plain words, and alone."""

from __future__ import annotations

from pathlib import Path

from conftest import edit
from policyframes.textmatch import NormalisedText

TEXT = "What started as deliberative forums in the late 1990\u2019s has now developed into an institutionalized process."


def test_the_closest_passage_and_the_first_difference() -> None:
    start, end, difference = NormalisedText(TEXT).closest("deliberative forums in the early 1990\u2019s")
    assert TEXT[start:end].startswith("deliberative forums in the late")
    assert difference == "at character 28 of the quote, the source has l (U+006C LATIN SMALL LETTER L) where the quote has e (U+0065 LATIN SMALL LETTER E)"


def test_a_straight_apostrophe_for_a_curly_one_is_named() -> None:
    _, _, difference = NormalisedText(TEXT).closest("in the late 1990's")
    assert "the source has \u2019 (U+2019 RIGHT SINGLE QUOTATION MARK) where the quote has ' (U+0027 APOSTROPHE)" in difference


def test_a_quote_with_nothing_in_common_has_no_closest_passage() -> None:
    assert NormalisedText(TEXT).closest("zzzzzzzzzzzz") is None


def test_validation_shows_them(repo: Path, cli) -> None:
    case = repo / "annotations" / "cases" / "wenling-participatory-budgeting.yaml"
    edit(case, "What started as deliberative forums in the late 1990\u2019s", "What started as deliberative forums in the late 1990's")
    status, _, err = cli(repo, "validate")
    assert status == 1
    line = next(line for line in err.splitlines() if "[evidence.quote-mismatch]" in line)
    assert "the closest passage is at" in line and "(U+2019 RIGHT SINGLE QUOTATION MARK) where the quote has ' (U+0027 APOSTROPHE)" in line


def test_a_dedented_key_is_reported_at_its_line_and_alone(repo: Path, cli) -> None:
    """The case's file cannot be read, so the rows that refer to the case (its tax design)
    are not reported again as referring to no case."""
    case = repo / "annotations" / "cases" / "chongqing-property-tax-2011.yaml"
    edit(case, '    value: "2011-01-28"\n    confidence: 3\n', '    value: "2011-01-28"\n  confidence: 3\n')
    line = case.read_text(encoding="utf-8").splitlines().index("  confidence: 3") + 1
    status, out, err = cli(repo, "validate")
    problems = [row for row in (out + err).splitlines() if row.startswith("annotations/")]
    assert status == 1 and problems == [
        f"annotations/cases/chongqing-property-tax-2011.yaml:{line}: YAML syntax error: this line is indented by 2 spaces, the "
        "lines around it by 4: keys of one mapping line up at the same indentation [yaml.syntax]"]
