"""`policyframes diff OLD NEW`: what changed between two builds, case by case."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from conftest import ROOT, edit
from policyframes.diff import Change, diff_builds
from policyframes.manifest import write_manifest

CASE = "shanghai-property-tax-2011"
RELEASE_1_2_0 = "2bbbacf"  # the commit of the 1.2.0 build

# Shanghai's mobilisation_level recoded from the level no_public_role to the missing
# status not_reported: the second coder changes its value, the adjudicator decides for
# the new value, and the comparison with Chongqing can no longer contrast the two.
C2_OLD = """  mobilisation_level:
    value: no_public_role
"""
C2_NEW = """  mobilisation_level:
    value: not_reported
    other_specification: null
    confidence: 2
    runner_up: no_public_role
    rationale: Recoded to test the comparison of builds.
"""
ADJUDICATION = """    adjudication:
      value: not_reported
      by: a1
      rationale: Recoded to test the comparison of builds.
"""
COMPARISON_OLD = """      mobilisation_level:
        contrast: different
"""
COMPARISON_NEW = """      mobilisation_level:
        contrast: not_comparable
"""


def recode(repo: Path) -> None:
    """Recode CASE's mobilisation_level in a repository copy, as described above."""
    case = repo / "annotations" / "cases" / f"{CASE}.yaml"
    text = case.read_text(encoding="utf-8")
    end = text.index("  orchestration:", text.index("  mobilisation_level:"))
    case.write_text(text[:end] + ADJUDICATION + text[end:], encoding="utf-8")
    c2 = repo / "annotations" / "codings" / "c2" / f"{CASE}.yaml"
    text = c2.read_text(encoding="utf-8")
    start, end = text.index(C2_OLD), text.index("  orchestration:")
    c2.write_text(text[:start] + C2_NEW + text[end:], encoding="utf-8")
    edit(repo / "annotations" / "comparisons.yaml", COMPARISON_OLD, COMPARISON_NEW)


@pytest.mark.slow
def test_one_recoded_value_is_the_one_change_reported(repo: Path, cli) -> None:
    recode(repo)
    status, _, err = cli(repo, "build")
    assert status == 0, err
    cases = pq.read_table(repo / "build" / "cases.parquet").to_pylist()
    shanghai = next(r for r in cases if r["case_id"] == CASE)
    assert shanghai["mobilisation_level"] is None and shanghai["mobilisation_level_status"] == "not_reported"
    result = diff_builds(ROOT / "build", repo / "build")
    # the ordinal variable is compared with its missing status filled in: one change, no status column
    assert result.changes == [Change(CASE, "mobilisation_level", "no_public_role", "not_reported")]
    assert (result.added, result.removed, result.coder_changes) == ([], [], [])
    assert (result.columns_added, result.columns_removed) == ([], [])
    status, out, _ = cli(None, "diff", str(ROOT / "build"), str(repo / "build"))
    assert status == 0
    assert "changed values (case, variable: old -> new): 1\n" in out
    assert f"  {CASE}  mobilisation_level: no_public_role -> not_reported\n" in out
    assert "cases added: 0\n" in out and "cases removed: 0\n" in out
    assert "columns added" not in out


def test_a_recoded_status_needs_the_comparison_to_say_not_comparable(repo: Path, cli) -> None:
    recode(repo)
    edit(repo / "annotations" / "comparisons.yaml", COMPARISON_NEW, COMPARISON_OLD)
    status, _, err = cli(repo, "validate")
    assert status == 1
    assert "annotations/comparisons.yaml:" in err
    assert "says 'different', but the codes are 'mass' and 'not_reported', which are 'not_comparable'" in err


def test_diff_from_the_1_2_0_release(tmp_path: Path, cli) -> None:
    """The 1.2.0 build and the current one compare: the columns codebook 2.0 added and
    removed, the new case, and the values recoded under the new categories."""
    if subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{RELEASE_1_2_0}^{{commit}}"], capture_output=True).returncode:
        pytest.skip(f"the clone does not hold commit {RELEASE_1_2_0} (shallow)")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", RELEASE_1_2_0, "build"], capture_output=True, check=True).stdout
    tarfile.open(fileobj=io.BytesIO(archive)).extractall(tmp_path, filter="data")
    old = tmp_path / "build"
    status, out, err = cli(None, "diff", str(old), str(ROOT / "build"))
    assert status == 0, err
    assert out.startswith(f"old: {old} (version 1.2.0, codebook 1.2.0)\nnew: {ROOT / 'build'} (version 2.1.0, codebook 2.1.0)\n")
    result = diff_builds(old, ROOT / "build")
    old_ids = set(pq.read_table(old / "cases.parquet").column("case_id").to_pylist())
    new_ids = set(pq.read_table(ROOT / "build" / "cases.parquet").column("case_id").to_pylist())
    assert "chongqing-critics-labour-camps" in result.added and result.added == sorted(new_ids - old_ids) and result.removed == []
    assert result.columns_removed == ["lead_agency", "target_stratum"]
    assert {"name_zh_origin", "unit_type", "parent_case", "design_agency", "implementing_agency", "framing_secondary",
            "analyst_reading", "target_burden", "target_participants", "orchestration", "coercive_targeting"} == set(result.columns_added)
    assert "mobilisation_level_status" not in result.columns_added  # folded into mobilisation_level
    assert "columns added: 11\n  name_zh_origin\n" in out and "columns removed: 2\n  lead_agency\n  target_stratum\n" in out
    changes = {(c.case_id, c.variable): (c.old, c.new) for c in result.changes}
    assert changes[(CASE, "mobilisation_level")] == ("depoliticised", "no_public_role")
    assert changes[("township-county-elections", "mobilisation_level")] == ("institutionalised_participation", "not_reported")
    assert changes[("chongqing-property-tax-2011", "framing")] == ("redistributive_egalitarian", "redistribution")
    assert f"  {CASE}  mobilisation_level: depoliticised -> no_public_role\n" in out
    assert all(c.variable not in result.columns_added + result.columns_removed for c in result.changes)


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
