"""`policyframes diff OLD NEW`: what changed between two builds, case by case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from conftest import ROOT, edit
from policyframes.diff import Change, diff_builds
from policyframes.manifest import write_manifest

CASE = "shanghai-property-tax-2011"

# Shanghai's target_scope recoded as not_reported: the second coder changes its value,
# and the disagreement is adjudicated in favour of the new value.
C2_OLD = """  target_scope:
    value: future_acquirers_only
    confidence: 2
"""
C2_NEW = """  target_scope:
    value: not_reported
    confidence: 2
    evidence: []
    rationale: Recoded to test the comparison of builds.
"""
C1_OLD = """    rationale: Only second properties bought after the tax was enacted were taxed.
"""
C1_NEW = """    rationale: Only second properties bought after the tax was enacted were taxed.
    adjudication:
      value: not_reported
      by: c1
      rationale: Recoded to test the comparison of builds.
"""


def test_one_recoded_value_is_the_one_change_reported(repo: Path, cli) -> None:
    edit(repo / "annotations" / "cases" / f"{CASE}.yaml", C1_OLD, C1_NEW)
    c2 = repo / "annotations" / "codings" / "c2" / f"{CASE}.yaml"
    text = c2.read_text(encoding="utf-8")
    start, end = text.index(C2_OLD), text.index("  collection_method:")
    c2.write_text(text[:start] + C2_NEW + text[end:], encoding="utf-8")
    status, _, err = cli(repo, "build")
    assert status == 0, err
    result = diff_builds(ROOT / "build", repo / "build")
    assert result.changes == [Change(CASE, "target_scope", "future_acquirers_only", "not_reported")]
    assert (result.added, result.removed, result.coder_changes) == ([], [], [])
    status, out, _ = cli(None, "diff", str(ROOT / "build"), str(repo / "build"))
    assert status == 0
    assert "changed values (case, variable: old -> new): 1\n" in out
    assert f"  {CASE}  target_scope: future_acquirers_only -> not_reported\n" in out
    assert "cases added: 0\n" in out and "cases removed: 0\n" in out


def test_identical_builds_have_no_changes(cli) -> None:
    status, out, _ = cli(None, "diff", str(ROOT / "build"), str(ROOT / "build"))
    assert status == 0
    assert "changed values (case, variable: old -> new): 0\n" in out
    assert "changed coder values, final value unchanged: 0\n" in out


def _rewrite(build: Path, table: str, data: pa.Table) -> None:
    pq.write_table(data, build / f"{table}.parquet")
    write_manifest(build)


def test_cases_added_and_removed(tmp_path: Path) -> None:
    smaller = tmp_path / "build"
    shutil.copytree(ROOT / "build", smaller)
    cases = pq.read_table(smaller / "cases.parquet")
    _rewrite(smaller, "cases", cases.filter(pc.field("case_id") != CASE))
    assert diff_builds(ROOT / "build", smaller).removed == [CASE]
    forward = diff_builds(smaller, ROOT / "build")
    assert forward.added == [CASE] and forward.changes == []


def test_coder_value_changed_under_an_unchanged_final_code(tmp_path: Path) -> None:
    build = tmp_path / "build"
    shutil.copytree(ROOT / "build", build)
    codings = pq.read_table(build / "codings.parquet")
    rows = codings.to_pylist()
    row = next(r for r in rows if r["case_id"] == CASE and r["dimension"] == "framing")
    old = row["value"]
    row["value"] = "law_and_order"  # as if an adjudicator had overruled the coder
    _rewrite(build, "codings", pa.Table.from_pylist(rows, schema=codings.schema))
    result = diff_builds(ROOT / "build", build)
    assert result.changes == []
    assert result.coder_changes == [Change(CASE, "framing", old, "law_and_order", row["coder"])]
    assert f"{CASE}  framing (coder {row['coder']}): {old} -> law_and_order" in result.report()


def test_bad_folders_are_usage_errors(tmp_path: Path, cli) -> None:
    status, _, err = cli(None, "diff", str(tmp_path / "nope"), str(ROOT / "build"))
    assert status == 2 and "is not a folder" in err
    tampered = tmp_path / "build"
    shutil.copytree(ROOT / "build", tampered)
    cases = pq.read_table(tampered / "cases.parquet")
    pq.write_table(cases.slice(1), tampered / "cases.parquet")
    status, _, err = cli(None, "diff", str(ROOT / "build"), str(tampered))
    assert status == 2 and "does not match its checksum" in err
