"""`policyframes kit`: a blind packet with no trace of any coder's work, and the
certification report of a coder who codes it."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from conftest import ROOT
from policyframes.kit import TO_CODE


def _packet_text(folder: Path) -> str:
    """Every file of the packet but the source texts themselves (which hold the quoted passages)."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*"))
                     if p.is_file() and not (p.parent.name == "sources" and p.suffix == ".txt"))


@pytest.mark.slow
def test_the_packet_holds_no_code_rationale_or_evidence(repo: Path, cli, tmp_path: Path) -> None:
    status, out, err = cli(repo, "kit", "c9", str(tmp_path / "kit"), "--with-case-list")
    assert status == 0, err
    kit = tmp_path / "kit"
    text = _packet_text(kit)
    evidence = [q for q in pq.read_table(ROOT / "build" / "evidence.parquet").column("quote").to_pylist() if q is not None]
    rationales = pq.read_table(ROOT / "build" / "codings.parquet").column("rationale").to_pylist()
    normalised = " ".join(text.split())
    codebook = " ".join((ROOT / "schema" / "CODEBOOK.md").read_text(encoding="utf-8").split())  # rationales may cite its rules
    leaked = [q for q in evidence + rationales if len(q) > 20 and " ".join(q.split()) in normalised and " ".join(q.split()) not in codebook]
    assert leaked == []
    assert (kit / "codebook.yaml").read_bytes() == (ROOT / "schema" / "codebook.yaml").read_bytes()
    blank = yaml.safe_load((kit / "codings" / "c9" / "shanghai-property-tax-2011.yaml").read_text(encoding="utf-8"))
    assert {c["value"] for c in blank["codes"].values()} == {TO_CODE}
    shipped = {p.name for p in (kit / "sources").glob("*.txt")}
    records = yaml.safe_load((kit / "sources" / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    assert shipped == {r["file"] for r in records if r["text_in_kit"]}
    assert all(r["licence"] != "unknown" for r in records if r["text_in_kit"])


def test_without_the_case_list_the_coder_identifies_the_cases(repo: Path, cli, tmp_path: Path) -> None:
    status, _, err = cli(repo, "kit", "c9", str(tmp_path / "kit"))
    assert status == 0, err
    assert not (tmp_path / "kit" / "CASES.md").exists()
    assert [p.name for p in (tmp_path / "kit" / "codings" / "c9").iterdir()] == ["units.yaml"]


def test_a_kit_is_never_written_over_a_folder_in_use(repo: Path, cli, tmp_path: Path) -> None:
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "notes.txt").write_text("mine", encoding="utf-8")
    status, _, err = cli(repo, "kit", "c9", str(tmp_path / "kit"))
    assert status == 2 and "is not empty" in err
    assert (tmp_path / "kit" / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.slow
def test_a_returned_packet_gets_a_certification_report(repo: Path, cli, tmp_path: Path) -> None:
    """A synthetic coder fills in the blank files (every variable not_reported, which
    needs no evidence); its folder, returned into the repository, validates and is
    reported against the final codes and each coder."""
    assert cli(repo, "kit", "c9", str(tmp_path / "kit"), "--with-case-list")[0] == 0
    target = repo / "annotations" / "codings" / "c9"
    target.mkdir()
    for blank in (tmp_path / "kit" / "codings" / "c9").glob("*.yaml"):
        coding = yaml.safe_load(blank.read_text(encoding="utf-8"))
        for code in coding["codes"].values():
            code.update(value="not_reported", confidence=1, runner_up="none", rationale="The synthetic coder reports nothing.")
        for fact in coding["facts"].values():
            fact["value"] = "not_reported"
        (target / blank.name).write_text(yaml.safe_dump(coding, sort_keys=False, allow_unicode=True), encoding="utf-8")
    coders = repo / "annotations" / "coders.yaml"
    coders.write_text(coders.read_text(encoding="utf-8") + "  - id: c9\n    role: coder in training\n    description: Codes nothing.\n"
                      "    certification: true\n", encoding="utf-8")
    status, out, err = cli(repo, "reliability", "--coder", "c9")
    assert status == 0, err
    n = len(pq.read_table(ROOT / "build" / "cases.parquet"))
    assert out.startswith(f"Coder c9: {n} cases coded.")
    rows = {line.split(" | ")[0].strip("| "): line for line in out.splitlines() if line.startswith("| framing |")}
    # c9 codes framing missing everywhere: no unit is coded with a category by both, and
    # it agrees on missingness with the final codes exactly where they are missing
    missing = sum(v == "not_reported" for v in pq.read_table(ROOT / "build" / "cases.parquet").column("framing").to_pylist())
    assert f"undefined / undefined (0; missing or not {100 * missing / n:.1f}%)" in rows["framing"]
    status, out, _ = cli(repo, "reliability")
    assert status == 0 and "c9" not in out  # a coder in training is not part of the dataset's figures


@pytest.mark.slow
def test_a_coding_under_another_codebook_is_refused_unless_an_earlier_round(repo: Path, cli) -> None:
    old = repo / "annotations" / "codings" / "c0"
    old.mkdir()
    (old / "hangzhou-model.yaml").write_text('case_id: hangzhou-model\ncoder: c0\ncodebook_version: "1.1.0"\ncodes: {}\n', encoding="utf-8")
    status, _, err = cli(repo, "validate")
    assert status == 1 and "coded under codebook '1.1.0', but the codebook is 2.1.0" in err and "[coding.codebook-version]" in err
    coders = repo / "annotations" / "coders.yaml"
    coders.write_text(coders.read_text(encoding="utf-8") + "  - id: c0\n    role: second coder of release 1.1\n"
                      "    description: Coded under codebook 1.1.0.\n    earlier_round: 1.1.0\n", encoding="utf-8")
    status, out, err = cli(repo, "validate")
    assert status == 0, err


CODED_PARTS = ("general_rules", "references", "missing_codes", "confidence", "attributions", "pfc_frames",
               "relation_types", "event_types", "roles", "variables", "quote_normalisation")


@pytest.mark.slow
def test_the_blind_codings_record_the_codebook_they_were_made_under() -> None:
    """Each further coder coded under a frozen copy of the codebook, kept byte for byte in
    annotations/codebooks/<version>.yaml; the released codebook differs from every
    copy only in what no coder codes (the published tables, the evidence and source kinds,
    the tax parameters), never in a variable, category or rule."""
    import hashlib

    folder = ROOT / "annotations" / "codings"
    frozen = {p.stem: p for p in (ROOT / "annotations" / "codebooks").glob("*.yaml")}
    released = yaml.safe_load((ROOT / "schema" / "codebook.yaml").read_text(encoding="utf-8"))
    assert set(frozen) == {released["codebook_version"], *released["codings_valid_from"]}
    digests = {version: hashlib.sha256(p.read_bytes()).hexdigest() for version, p in frozen.items()}
    for path in folder.glob("c*/*.yaml"):
        if path.name != "units.yaml":
            coding = yaml.safe_load(path.read_text(encoding="utf-8"))
            assert coding["codebook_sha256"] == digests[coding["codebook_version"]], path
    for version, path in frozen.items():
        as_coded = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert as_coded["codebook_version"] == version
        assert {k: as_coded[k] for k in CODED_PARTS} == {k: released[k] for k in CODED_PARTS}, version
