"""Evidence from sources the repository does not store (citations), source records,
the tax_design and conflicts tables, and excerpts of texts of unknown licence."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, edit

SOURCES = "annotations/sources/sources.yaml"
CASE = "annotations/cases/wenling-participatory-budgeting.yaml"
RECORD = """
  - source_id: test-notice-2009
    kind: primary_government_document
    file: null
    title: 关于实行开放式决策的通知
    title_en: Notice on open decision-making
    authors: [A municipal government]
    venue: The government's web site
    date: "2009-01-23"
    document_number: 某政函〔2009〕1号
    language: zh
    genre: government notice
    url: null
    consulted_url: http://example.org/notice
    consulted: "2026-12-02"
    licence: PRC-Copyright-Art5
    full_text_included: false
    sha256: null
    notes: A record made for the tests.
"""
CITATION = """      - source: test-notice-2009
        locator: Art. 3, para 2
        paraphrase: >-
          The notice opens the executive meetings to citizens who apply in advance.
        attribution: government_statement
"""


def add_source(repo: Path, record: str = RECORD) -> None:
    path = repo / SOURCES
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + record, encoding="utf-8")
    edit(repo / CASE, "sources: [almen-2013-local-governance-innovation", "sources: [almen-2013-local-governance-innovation, test-notice-2009")


def cite_on_start_date(repo: Path, item: str = CITATION) -> None:
    """Give the Wenling case's start date a citation as its first evidence item."""
    edit(repo / CASE, "  start_date:\n    value: 199X\n    confidence: 2\n    evidence:\n",
         "  start_date:\n    value: 199X\n    confidence: 2\n    evidence:\n" + item)


@pytest.mark.slow
def test_a_citation_validates_and_is_an_evidence_row_of_its_kind(repo: Path, cli) -> None:
    add_source(repo)
    cite_on_start_date(repo)
    status, out, err = cli(repo, "build")
    assert status == 0, err
    evidence = pd.read_parquet(repo / "build" / "evidence.parquet")
    cited = evidence[evidence["source_id"] == "test-notice-2009"]
    assert len(cited) == 1 and cited["kind"].iloc[0] == "citation" and cited["locator"].iloc[0] == "Art. 3, para 2"
    assert pd.isna(cited["start"].iloc[0]) and pd.isna(cited["quote"].iloc[0])
    assert list(evidence["kind"].cat.categories) == ["quote", "citation"]
    sources = pd.read_parquet(repo / "build" / "sources.parquet").set_index("source_id")
    assert sources.loc["test-notice-2009", "stored"] == "none" and pd.isna(sources.loc["test-notice-2009", "n_chars"])
    assert sources.loc["wang-2012-bo-under-pressure", "stored"] == "excerpt"
    page = (repo / "build" / "site" / "cases" / "wenling-participatory-budgeting.html").read_text(encoding="utf-8")
    assert "Citation, paraphrased:" in page and "\u201cThe notice opens" not in page  # a paraphrase is never shown as a quote
    record = (repo / "build" / "site" / "sources" / "test-notice-2009.html").read_text(encoding="utf-8")
    assert "某政函〔2009〕1号" in record and "Art. 3, para 2" in record


@pytest.mark.slow
@pytest.mark.parametrize("item, field, code", [
    (CITATION.replace("        locator: Art. 3, para 2\n", ""), "locator", "record.missing-key"),
    (CITATION.replace("        paraphrase: >-\n          The notice opens the executive meetings to citizens who apply in advance.\n", ""),
     "paraphrase", "record.missing-key"),
    (CITATION.replace("        locator: Art. 3, para 2\n", "        locator: Art. 3, para 2\n        quote: The notice opens.\n"),
     "locator", "record.evidence-kind"),
    (CITATION.replace("        locator: Art. 3, para 2\n", "        locator: Art. 3, para 2\n        start: 3\n"), "start", "record.evidence-kind"),
    (CITATION.replace("        locator: Art. 3, para 2\n", "        locator: '  '\n"), "locator", "record.blank"),
    ("      - source: test-notice-2009\n        quote:\n        attribution: government_statement\n        start: 0\n        end: 28\n",
     "quote", "record.evidence-kind"),  # a null quote beside offsets: a located problem, never an internal error
])
def test_a_bad_citation_is_located(repo: Path, cli, item: str, field: str, code: str) -> None:
    add_source(repo)
    cite_on_start_date(repo, item)
    status, _, err = cli(repo, "validate")
    assert status == 1 and f"facts.start_date.evidence[0].{field}:" in err and f"[{code}]" in err, err
    assert f"{CASE}:" in err


def test_a_quote_from_a_source_without_stored_text_is_refused(repo: Path, cli) -> None:
    add_source(repo)
    cite_on_start_date(repo, "      - source: test-notice-2009\n        quote: Executive meetings are open.\n"
                            "        attribution: government_statement\n        start: 0\n        end: 28\n")
    status, _, err = cli(repo, "validate")
    assert status == 1 and "[evidence.not-stored]" in err and "give the evidence as a citation" in err, err


@pytest.mark.slow
@pytest.mark.parametrize("old, new, message", [
    ("    consulted: \"2026-12-02\"\n", "", "needs the date it was consulted"),
    ("    kind: primary_government_document\n", "    kind: rumour\n", "'rumour' is not a source kind"),
    ("    sha256: null\n", "    sha256: " + "ab" * 32 + "\n", "a stored text needs its sha256"),
])
def test_an_incomplete_source_record_is_refused(repo: Path, cli, old: str, new: str, message: str) -> None:
    add_source(repo, RECORD.replace(old, new))
    status, _, err = cli(repo, "validate")
    assert status == 1 and message in err and "[source.record]" in err and f"{SOURCES}:" in err, err


@pytest.mark.slow
def test_a_quote_outside_the_stored_sentences_of_an_excerpt_fails(repo: Path, cli) -> None:
    """The blog posts are stored as the sentences their quotes need: a quote elsewhere
    cannot be checked, and says so."""
    stored = (repo / "annotations" / "sources" / "almen-2013-local-governance-innovation.txt").read_text(encoding="utf-8")
    assert stored.strip() and "  " * 20 in stored  # most of the text is blanked
    edit(repo / CASE, "    evidence:\n      - source: almen-2013-local-governance-innovation\n        quote: >-\n",
         "    evidence:\n      - source: almen-2013-local-governance-innovation\n        quote: >-\n          Not in the stored sentences.\n"
         "        attribution: author_analysis\n        start: 0\n        end: 10\n"
         "      - source: almen-2013-local-governance-innovation\n        quote: >-\n")
    status, _, err = cli(repo, "validate")
    assert status == 1 and "[evidence.quote-mismatch]" in err


def test_tax_design_rows_need_a_tax_case_and_are_unique(repo: Path, cli) -> None:
    row = ("  - case_id: {case}\n    parameter: rate\n    item: band 1\n    value: One per cent.\n    valid_from: \"2011-01-28\"\n"
           "    evidence:\n      - source: zhang-2020-chongqing-model\n        locator: p. 2\n        paraphrase: The rate.\n"
           "        attribution: author_analysis\n")
    (repo / "annotations" / "tax_design.yaml").write_text(
        "parameters:\n" + row.format(case="hangzhou-model") + row.format(case="shanghai-property-tax-2011") * 2, encoding="utf-8")
    status, _, err = cli(repo, "validate")
    assert status == 1 and "[tax_design.unknown-case]" in err and "'hangzhou-model' is no property-tax case" in err
    assert "[tax_design.duplicate]" in err and "annotations/tax_design.yaml:" in err


@pytest.mark.slow
def test_a_conflict_needs_a_known_case_and_two_sides(repo: Path, cli) -> None:
    side = ("      - claim: One thing.\n        evidence:\n          - source: zhang-2020-chongqing-model\n            locator: p. 3\n"
            "            paraphrase: Says one thing.\n            attribution: author_analysis\n")
    text = ("conflicts:\n  - id: a-conflict\n    case_id: {case}\n    subject: start_date\n    positions:\n{sides}"
            "    resolution: The one.\n    rationale: Because.\n")
    path = repo / "annotations" / "conflicts.yaml"
    path.write_text(text.format(case="no-such-case", sides=side * 2), encoding="utf-8")
    status, _, err = cli(repo, "validate")
    assert status == 1 and "[conflicts.unknown-case]" in err
    path.write_text(text.format(case="hangzhou-model", sides=side), encoding="utf-8")
    status, _, err = cli(repo, "validate")
    assert status == 1 and "conflicts[0].positions:" in err and "[record.out-of-range]" in err


def test_the_repository_redistributes_no_full_text_its_licence_does_not_allow() -> None:
    """What the repository (hence the sdist and wheel) and build/ hold agrees with each
    source's licence: a text of unknown licence is stored as its cited sentences only."""
    import yaml

    records = yaml.safe_load((ROOT / SOURCES).read_text(encoding="utf-8"))["sources"]
    for r in records:
        if r["file"] is None:
            continue
        text = (ROOT / "annotations" / "sources" / r["file"]).read_text(encoding="utf-8")
        if r["licence"] == "unknown":
            assert not r["full_text_included"] and r["full_text_sha256"], r["source_id"]
            assert len(text.split()) < len(text) / 6, f"{r['source_id']}: more than the cited sentences is stored"
        build = ROOT / "build" / "site" / "sources" / f"{r['source_id']}.html"
        assert ("The full text follows" in build.read_text(encoding="utf-8")) == r["full_text_included"]
