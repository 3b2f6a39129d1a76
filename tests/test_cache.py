"""The cache of unchanged files (cache.py) never changes a result: validating with it gives
the same problems, records and tables as reading every file, after edits, a corrupt
cache, a run killed while writing and a change of version, and `--no-cache` bypasses it."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import policyframes.annotations as reading
from conftest import backdate, comment, copy_repo, random_edit
from policyframes import cache, layout, stamps, validation
from policyframes.manifest import annotations_digest
from policyframes.problems import ValidationFailed
from policyframes.validation import validate


def result(root: Path, use_cache: bool) -> dict[str, Any]:
    """Everything a validation gives: the problems, or the records and every table."""
    try:
        v = validate(root, use_cache)
    except ValidationFailed as exc:
        return {"problems": [p.to_dict() for p in exc.problems]}
    return {"cases": v.ann.cases, "other_codings": v.ann.other_codings, "tables": v.tables.as_dict(),
            "digest": annotations_digest(root, layout.ANNOTATED, v.ann.hashes), "hashed": len(v.ann.hashes)}


def assert_same(cached: dict[str, Any], read: dict[str, Any]) -> None:
    assert cached.keys() == read.keys()
    if "problems" in read:
        assert cached["problems"] == read["problems"]
        return
    assert cached["cases"] == read["cases"] and cached["other_codings"] == read["other_codings"]
    assert cached["digest"] == read["digest"]  # the cache's hashes of the files give the digest of reading them
    for name, table in read["tables"].items():
        pd.testing.assert_frame_equal(cached["tables"][name], table, check_exact=True, obj=name)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The case and coding files parsed from YAML (not taken from the cache), as they are read."""
    parsed: list[str] = []
    real = reading._read_file

    def counting(chunk: Any, rel: str, *args: Any) -> None:
        parsed.append(rel)
        real(chunk, rel, *args)

    monkeypatch.setattr(reading, "_read_file", counting)
    return parsed


def entries(root: Path) -> list[Path]:
    return sorted((root / layout.CACHE).glob("*/*.chunk"))


@pytest.mark.slow
def test_warm_validation_reads_no_file_and_gives_the_same_result(repo: Path, reads: list[str]) -> None:
    read = result(repo, use_cache=False)
    n_files = len(reads)
    assert n_files > 0 and not (repo / layout.CACHE).exists()  # --no-cache writes nothing
    backdate(repo)
    assert_same(result(repo, use_cache=True), read)  # cold: every file read, the cache written
    assert len(reads) == 2 * n_files and entries(repo)
    warm = result(repo, use_cache=True)
    assert_same(warm, read)  # warm: nothing read
    assert len(reads) == 2 * n_files and warm["hashed"] == n_files and read["hashed"] == 0


@pytest.mark.slow
def test_one_edited_file_is_the_only_one_read_again(repo: Path, reads: list[str]) -> None:
    backdate(repo)
    result(repo, use_cache=True)
    case = repo / "annotations/cases/chongqing-property-tax-2011.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("name_en: ", "name_en: Edited ", 1), encoding="utf-8")
    del reads[:]
    cached = result(repo, use_cache=True)
    assert reads == ["annotations/cases/chongqing-property-tax-2011.yaml"]
    assert cached["tables"]["cases"].set_index("case_id").loc["chongqing-property-tax-2011", "name_en"].startswith("Edited ")
    assert_same(cached, result(repo, use_cache=False))


@pytest.mark.slow
def test_a_file_with_a_problem_is_read_every_time(repo: Path, reads: list[str]) -> None:
    case = repo / "annotations/cases/chongqing-property-tax-2011.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("confidence: ", "confidence: 7 #", 1), encoding="utf-8")
    backdate(repo)
    first = result(repo, use_cache=True)
    assert "problems" in first
    del reads[:]
    assert_same(result(repo, use_cache=True), first)
    assert reads == ["annotations/cases/chongqing-property-tax-2011.yaml"]


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["truncated", "flipped", "emptied", "index", "foreign"])
def test_a_corrupt_cache_is_rebuilt_not_trusted(repo: Path, reads: list[str], damage: str) -> None:
    backdate(repo)
    read = result(repo, use_cache=True)
    n_files = len(reads)
    entry = entries(repo)[0]
    raw = entry.read_bytes()
    if damage == "truncated":
        entry.write_bytes(raw[: len(raw) // 2])
    elif damage == "flipped":
        entry.write_bytes(raw[:-100] + bytes([raw[-100] ^ 1]) + raw[-99:])
    elif damage == "emptied":
        entry.write_bytes(b"")
    elif damage == "index":
        (entry.parent / cache.INDEX).write_bytes(b"\0\0\0\0{not json")
    else:  # an entry of other files under this entry's name
        entry.write_bytes(entries(repo)[-1].read_bytes())
    assert_same(result(repo, use_cache=True), read)
    assert len(reads) > n_files  # the damaged entry's files were read again
    del reads[:]
    assert_same(result(repo, use_cache=True), read)  # and the cache is whole again
    assert reads == []


def damage_a_section(entry: Path) -> None:
    """Flip a byte in the first table's section of a chunk entry, leaving its header whole."""
    raw = entry.read_bytes()
    (size,) = struct.unpack_from(">Q", raw)
    at = 8 + size + 10
    entry.write_bytes(raw[:at] + bytes([raw[at] ^ 1]) + raw[at + 1:])


@pytest.mark.slow
def test_a_check_after_an_edit_loads_the_rows_of_no_chunk_of_other_cases(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "CHUNK_FILES", 4)  # many chunks of a few files each
    monkeypatch.setattr(stamps, "RACY_NS", 0)  # the stats of files just backdated are trusted
    loaded: list[tuple[str, str]] = []
    real = cache.Stored.table

    def recording(stored: cache.Stored, name: str) -> Any:
        loaded.append((stored.path.name, name))
        return real(stored, name)

    monkeypatch.setattr(cache.Stored, "table", recording)
    backdate(repo)
    ann = validation.check(repo, True).ann
    case = sorted((repo / layout.CASES_DIR).glob("[!_]*.yaml"))[-1]
    comment(case)
    del loaded[:]
    chunks = {rel: seen.chunk for rel, seen in cache.FileCache.open(repo, ann.cache_key).index.items()}
    found = validation.check(repo, True)
    uncached = validation.check(repo, False)
    assert (sorted(set(found.problems)), found.evidence) == (sorted(set(uncached.problems)), uncached.evidence)
    # the rows of the chunks of the case's files (the case file's own read again), and the cases rows of every case file
    assert {name for name, table in loaded if table != "cases"} == {chunks[rel] for rel in chunks if Path(rel).stem == case.stem}
    assert {name for name, table in loaded if table == "cases"} == {chunks[rel] for rel in chunks if rel.startswith(layout.CASES_DIR)}


@pytest.mark.slow
def test_a_corrupt_section_found_when_its_rows_are_wanted_reads_its_files_again(repo: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stamps, "RACY_NS", 0)  # the stats of files just backdated are trusted: the chunks are taken whole
    backdate(repo)
    read = result(repo, use_cache=True)
    del reads[:]
    entry = entries(repo)[0]
    damage_a_section(entry)
    assert cache.FileCache.open(repo, entry.parent.name).get_chunk(entry.name) is not None  # the header still holds
    assert_same(result(repo, use_cache=True), read)
    assert reads  # the files of the damaged entry, read again
    del reads[:]
    assert_same(result(repo, use_cache=True), read)  # and stored again
    assert reads == []


@pytest.mark.slow
def test_a_file_changed_while_its_corrupt_section_is_read_again_is_reported(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stamps, "RACY_NS", 0)  # the stats of files just backdated are trusted: the chunks are taken whole
    backdate(repo)
    result(repo, use_cache=True)
    for entry in entries(repo):
        damage_a_section(entry)
    case = sorted((repo / layout.CASES_DIR).glob("[!_]*.yaml"))[0]
    real = reading._read_chunk

    def editing_first(*args: Any) -> Any:  # the case file changes after it was looked at, before its chunk is read again
        comment(case)
        return real(*args)

    monkeypatch.setattr(reading, "_read_chunk", editing_first)
    with pytest.raises(ValidationFailed) as failed:
        validate(repo, True)
    rel = case.relative_to(repo).as_posix()
    assert [(p.file, p.code) for p in failed.value.problems] == [(rel, "file.changed")]


@pytest.mark.slow
def test_leftovers_of_a_killed_run_are_ignored_and_removed(repo: Path) -> None:
    backdate(repo)
    read = result(repo, use_cache=True)
    folder = entries(repo)[0].parent
    leftover = folder / f".{entries(repo)[0].name}.12345.tmp"
    leftover.write_bytes(b"half an entry")
    assert_same(result(repo, use_cache=True), read)
    assert not leftover.exists()


@pytest.mark.slow
def test_a_new_version_or_codebook_starts_a_new_cache(repo: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    backdate(repo)
    read = result(repo, use_cache=True)
    n_files = len(reads)
    old = {p.parent.name for p in entries(repo)}
    monkeypatch.setattr(reading, "code_digest", lambda: b"another version of the package")
    assert_same(result(repo, use_cache=True), read)
    assert len(reads) == 2 * n_files  # nothing taken from the other version's cache
    assert old.isdisjoint({p.parent.name for p in entries(repo)})  # which is removed
    codebook = repo / "schema/codebook.yaml"
    codebook.write_text(codebook.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    cached = result(repo, use_cache=True)
    assert len(reads) == 3 * n_files
    assert_same(cached, result(repo, use_cache=False))  # the same tables; the digest counts the comment
    assert cached["digest"] != read["digest"]


@pytest.mark.slow
def test_no_cache_on_the_command_line(repo: Path, cli: Any) -> None:
    status, out, _ = cli(repo, "validate", "--no-cache")
    assert status == 0 and "no problems" in out and not (repo / layout.CACHE).exists()
    status, out, _ = cli(repo, "validate")
    assert status == 0 and entries(repo)


# Random edits: each step changes, adds, removes or touches files, or damages the cache;
# after every step the cached and the uncached validation agree.
EDITS = ["rationale", "quote", "remove", "duplicate", "touch", "damage", "coding"]


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 10**6)), min_size=1, max_size=4))
def test_random_edits_give_the_same_result_with_and_without_the_cache(tmp_path_factory: pytest.TempPathFactory,
                                                                     steps: list[tuple[str, int]]) -> None:
    repo = copy_repo(tmp_path_factory.mktemp("edits") / "repo")
    backdate(repo)
    result(repo, use_cache=True)
    for step, n in steps:
        random_edit(repo, step, n)
        assert_same(result(repo, use_cache=True), result(repo, use_cache=False))
    shutil.rmtree(repo)
