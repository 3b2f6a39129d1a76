"""The kept evidence checks (rechecks.py) never change a result: after any edit, a validation
that checks only the evidence rows of changed files, and of files whose cases list other
sources now, finds the problems and counts of checking every row."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import backdate, comment, copy_repo, random_edit, unlist_a_source
from policyframes import layout, validation

CHUNKED = (layout.CASES_DIR + "/", layout.CODINGS_DIR + "/")


def outcome(root: Path, use_cache: bool) -> dict[str, Any]:
    found = validation.check(root, use_cache)
    return {"problems": sorted(set(found.problems)), "cases": len(found.ann.cases),
            "evidence": found.evidence}


@pytest.fixture
def framed(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """For each validation, the case and coding files whose evidence rows it framed."""
    runs: list[set[str]] = []
    real = validation.assemble

    def recording(ann: Any, evidence: list[pa.Table] | None = None) -> Any:
        chunks = ann.rows.get("evidence", []) if evidence is None else evidence
        runs.append({f for chunk in chunks for f in chunk["_file"].to_pylist() if f.startswith(CHUNKED)})
        return real(ann, evidence)

    monkeypatch.setattr(validation, "assemble", recording)
    return runs


def first_case(repo: Path, n: int = 0) -> Path:
    return sorted((repo / layout.CASES_DIR).glob("[!_]*.yaml"))[n]


def test_an_edit_frames_the_evidence_of_the_edited_file_only(repo: Path, framed: list[set[str]]) -> None:
    backdate(repo)
    outcome(repo, True)
    case = first_case(repo)
    comment(case)
    assert outcome(repo, True) == outcome(repo, False)
    assert framed[1] == {case.relative_to(repo).as_posix()}


def test_a_case_listing_other_sources_checks_the_evidence_of_its_files_again(repo: Path, framed: list[set[str]]) -> None:
    backdate(repo)
    full = outcome(repo, True)
    case = first_case(repo)
    unlist_a_source(case)
    now = outcome(repo, True)
    assert now == outcome(repo, False)
    assert "evidence.source-not-listed" in {p.code for p in now["problems"]}
    case_id = case.stem
    coders = {f.relative_to(repo).as_posix() for f in (repo / layout.CODINGS_DIR).glob(f"*/{case_id}.yaml")}
    assert coders and framed[1] == coders | {case.relative_to(repo).as_posix()}
    assert len(framed[0]) > len(framed[1]) and full["evidence"] == now["evidence"]


def test_kept_problems_of_unchanged_files_are_reported_again(repo: Path, framed: list[set[str]]) -> None:
    backdate(repo)
    unlist_a_source(first_case(repo))
    before = outcome(repo, True)
    other = first_case(repo, 1)
    comment(other)
    after = outcome(repo, True)
    assert after == before == outcome(repo, False)
    assert framed[1] == {other.relative_to(repo).as_posix()}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other format", "removed"])
def test_a_damaged_record_keeps_nothing(repo: Path, framed: list[set[str]], damage: str) -> None:
    backdate(repo)
    outcome(repo, True)
    record = next((repo / layout.CACHE).glob(f"*/{layout.EVIDENCE_CHECKS}"))
    raw = record.read_bytes()
    if damage == "garbage":
        record.write_bytes(b"garbage")
    elif damage == "truncated":
        record.write_bytes(raw[: len(raw) // 2])
    elif damage == "other format":
        record.write_bytes(raw.replace(b'"format": "1"', b'"format": "0"'))  # a CRC mismatch as well: either way, nothing kept
    else:
        record.unlink()
    assert outcome(repo, True) == outcome(repo, False)
    assert framed[1] == framed[0]  # every row checked again


EDITS = ["comment", "rationale", "unlist", "remove", "duplicate", "uncode", "record"]


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 10**6)), min_size=1, max_size=4))
def test_random_edits_give_the_problems_of_checking_every_row(tmp_path_factory: pytest.TempPathFactory,
                                                              steps: list[tuple[str, int]]) -> None:
    repo = copy_repo(tmp_path_factory.mktemp("rechecks") / "repo")
    backdate(repo)
    outcome(repo, True)
    for step, n in steps:
        random_edit(repo, step, n)
        assert outcome(repo, True) == outcome(repo, False)
    shutil.rmtree(repo)
