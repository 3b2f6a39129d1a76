"""The quote normalisation rules: whitespace runs and hyphenated line breaks, nothing else."""

from __future__ import annotations

from policyframes.textmatch import NormalisedText, matches, normalise

TEXT = "framed \ntheir tax as an anti-\nrich  redistributive measure. A cost–\nbenefit view."


def test_whitespace_runs_and_line_breaks_count_as_one_space() -> None:
    assert normalise("a \n  b\tc") == "a b c"
    start = TEXT.index("framed")
    end = TEXT.index("their") + len("their")
    assert matches(TEXT, start, end, "framed their")


def test_hyphen_at_line_end_joins_without_space() -> None:
    start = TEXT.index("anti")
    end = TEXT.index("measure") + len("measure")
    assert matches(TEXT, start, end, "anti-rich redistributive measure")
    assert not matches(TEXT, start, end, "anti- rich redistributive measure")
    assert not matches(TEXT, start, end, "antirich redistributive measure")
    spans = NormalisedText(TEXT).find_all("cost–benefit")
    assert [TEXT[s:e] for s, e in spans] == ["cost–\nbenefit"]


def test_nothing_else_is_normalised() -> None:
    text = "Chongqing’s ‘red’ songs"
    assert not NormalisedText(text).find_all("Chongqing's 'red' songs")
    assert not NormalisedText(text).find_all("chongqing’s ‘red’ songs")


def test_passage_must_be_tight() -> None:
    start = TEXT.index("their")
    assert not matches(TEXT, start - 1, start + 5, "their")
    assert not matches(TEXT, start, start + 6, "their")
    assert matches(TEXT, start, start + 5, "  their \n")


def test_find_all_maps_back_to_original_offsets() -> None:
    index = NormalisedText(TEXT)
    (span,) = index.find_all("tax as an anti-rich")
    assert TEXT[span[0]:span[1]] == "tax as an anti-\nrich"
