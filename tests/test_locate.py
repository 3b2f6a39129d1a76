"""`policyframes locate` writes offsets so that coders never count characters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import edit

CQ = "annotations/cases/chongqing-property-tax-2011.yaml"


def _strip_offsets(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\n +(start|end): \d+", "", text), encoding="utf-8")


@pytest.mark.slow
def test_locate_restores_removed_offsets(repo: Path, cli) -> None:
    path = repo / CQ
    original = path.read_text(encoding="utf-8")
    _strip_offsets(path)
    status, _, err = cli(repo, "validate")
    assert status == 1 and "start: required field is missing" in err
    status, out, _ = cli(repo, "locate")
    assert status == 0 and "offsets missing -> 5886..5949" in out
    assert path.read_text(encoding="utf-8") == original
    assert cli(repo, "validate")[0] == 0


@pytest.mark.slow
def test_locate_corrects_wrong_offsets_and_check_mode(repo: Path, cli) -> None:
    path = repo / CQ
    edit(path, "start: 5886", "start: 5800")
    status, out, _ = cli(repo, "locate", "--check")
    assert status == 1 and "5800..5949 -> 5886..5949" in out
    assert "start: 5800" in path.read_text(encoding="utf-8")
    assert cli(repo, "locate", str(path))[0] == 0
    assert "start: 5886" in path.read_text(encoding="utf-8")
    assert cli(repo, "locate", "--check")[0] == 0


@pytest.mark.slow
def test_locate_flow_style_evidence(repo: Path, cli) -> None:
    path = repo / CQ
    edit(path, """      - source: zhang-2020-chongqing-model
        quote: >-
          Effectively, Chongqing’s tax targeted the richest in the city.
        attribution: author_analysis
        start: 5886
        end: 5949""", """      - {source: zhang-2020-chongqing-model, quote: "Effectively, Chongqing’s tax targeted the richest in the city.", attribution: author_analysis}""")
    assert cli(repo, "locate")[0] == 0
    assert "attribution: author_analysis, start: 5886, end: 5949}" in path.read_text(encoding="utf-8")
    assert cli(repo, "validate")[0] == 0


def test_quote_missing_from_source_is_an_error(repo: Path, cli) -> None:
    edit(repo / CQ, "targeted the richest in the city.", "targeted the richest people in the city.")
    status, _, err = cli(repo, "locate")
    assert status == 1 and "quote is not in source 'zhang-2020-chongqing-model'" in err


@pytest.mark.slow
def test_ambiguous_quote_needs_a_disambiguating_offset(repo: Path, cli) -> None:
    path = repo / CQ
    # "the Chongqing Model" occurs many times in the essay.
    edit(path, "quote: >-\n          Effectively, Chongqing’s tax targeted the richest in the city.", "quote: the Chongqing Model")
    edit(path, "start: 5886\n        end: 5949", "start: 1\n        end: 2")
    status, _, err = cli(repo, "locate")
    assert status == 1 and "quote occurs" in err and "set start to the one you mean" in err
    starts = re.findall(r"(\d+)\.\.\d+", err.split("quote occurs", 1)[1])
    edit(path, "start: 1\n", f"start: {starts[1]}\n")
    assert cli(repo, "locate")[0] == 0
    assert f"start: {starts[1]}\n" in path.read_text(encoding="utf-8")
