"""The kept table checks (rechecks.py) never change a result: after any edit, a validation
that frames and checks only the rows of the cases of changed files finds the problems and
counts of checking every row."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import backdate, comment, copy_repo, disagree, random_edit, reparent, unlist_a_source
from policyframes import layout, validation

CHUNKED = (layout.CASES_DIR + "/", layout.CODINGS_DIR + "/")


def outcome(root: Path, use_cache: bool) -> dict[str, Any]:
    found = validation.check(root, use_cache)
    return {"problems": sorted(set(found.problems)), "cases": len(found.ann.cases),
            "evidence": found.evidence}


@pytest.fixture
def framed(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """For each validation, the case and coding files whose rows it framed (in the tables
    other than cases, which is framed whole)."""
    runs: list[set[str]] = []
    real = validation.assemble

    def recording(ann: Any, rows_of_files: dict[str, list[pa.Table]] | None = None) -> Any:
        rows = {name: ann.chunks(name) if rows_of_files is None else chunks for name, chunks in (rows_of_files or ann.rows).items() if name != "cases"}
        runs.append({f for chunks in rows.values() for chunk in chunks for f in chunk["_file"].to_pylist() if f.startswith(CHUNKED)})
        return real(ann, rows_of_files)

    monkeypatch.setattr(validation, "assemble", recording)
    return runs


def first_case(repo: Path, n: int = 0) -> Path:
    return sorted((repo / layout.CASES_DIR).glob("[!_]*.yaml"))[n]


def files_of(case: Path) -> set[str]:
    """A case's file and its further coders' files, relative to the repository."""
    repo = case.parents[2]
    coders = {f.relative_to(repo).as_posix() for f in (repo / layout.CODINGS_DIR).glob(f"*/{case.stem}.yaml")}
    assert coders
    return coders | {case.relative_to(repo).as_posix()}


def test_an_edit_frames_the_rows_of_its_case_only(repo: Path, framed: list[set[str]]) -> None:
    backdate(repo)
    outcome(repo, True)
    case = first_case(repo)
    comment(case)
    assert outcome(repo, True) == outcome(repo, False)
    assert framed[1] == files_of(case)


def test_a_case_listing_other_sources_checks_the_evidence_of_its_files_again(repo: Path, framed: list[set[str]]) -> None:
    backdate(repo)
    full = outcome(repo, True)
    case = first_case(repo)
    unlist_a_source(case)
    now = outcome(repo, True)
    assert now == outcome(repo, False)
    assert "evidence.source-not-listed" in {p.code for p in now["problems"]}
    assert framed[1] == files_of(case)
    assert len(framed[0]) > len(framed[1]) and full["evidence"] == now["evidence"]


def test_a_further_coders_edit_checks_the_case_file_again(repo: Path, framed: list[set[str]]) -> None:
    backdate(repo)
    outcome(repo, True)
    case = first_case(repo)
    coding = sorted((repo / layout.CODINGS_DIR).glob(f"*/{case.stem}.yaml"))[0]
    disagree(coding)
    now = outcome(repo, True)
    assert now == outcome(repo, False)
    assert {p.file for p in now["problems"] if p.code == "codings.needs-adjudication"} == {case.relative_to(repo).as_posix()}
    assert framed[1] == files_of(case)


def test_a_changed_parent_case_checks_every_case_again(repo: Path, framed: list[set[str]]) -> None:
    backdate(repo)
    outcome(repo, True)
    reparent(first_case(repo), first_case(repo, 1).stem)
    assert outcome(repo, True) == outcome(repo, False)
    assert framed[1] == framed[0]


def test_kept_problems_of_unchanged_files_are_reported_again(repo: Path, framed: list[set[str]]) -> None:
    backdate(repo)
    unlist_a_source(first_case(repo))
    before = outcome(repo, True)
    other = first_case(repo, 1)
    comment(other)
    after = outcome(repo, True)
    assert after == before == outcome(repo, False)
    assert framed[1] == files_of(other)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other format", "removed"])
def test_a_damaged_record_keeps_nothing(repo: Path, framed: list[set[str]], damage: str) -> None:
    backdate(repo)
    outcome(repo, True)
    record = next((repo / layout.CACHE).glob(f"*/{layout.TABLE_CHECKS}"))
    raw = record.read_bytes()
    if damage == "garbage":
        record.write_bytes(b"garbage")
    elif damage == "truncated":
        record.write_bytes(raw[: len(raw) // 2])
    elif damage == "other format":
        record.write_bytes(raw.replace(b'"format": "2"', b'"format": "0"'))  # a CRC mismatch as well: either way, nothing kept
    else:
        record.unlink()
    assert outcome(repo, True) == outcome(repo, False)
    assert framed[1] == framed[0]  # every row checked again


EDITS = ["comment", "rationale", "unlist", "remove", "duplicate", "uncode", "disagree", "reparent", "record"]


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
