"""The kept verdict of the last validation (verdict.py) never changes a result: where
nothing changed it is given without validating, and any change to what a validation
reads or runs on (a file changed, added or removed, the code, a corrupt kept verdict)
gives the verdict of validating every file again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import policyframes.validation as validation
from conftest import backdate, edit
from policyframes import layout, verdict
from policyframes.stamps import sealed
from policyframes.verdict import validated


def found(v: verdict.Verdict) -> dict[str, Any]:
    """What a verdict says (its hashes serve the warning of a stale build, and are only
    gathered where the cache is used)."""
    return {"problems": [p.to_dict() for p in v.problems], "cases": v.cases, "evidence": v.evidence, "version": v.version}


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The validations run (not given by a kept verdict), as they are run."""
    ran: list[Path] = []
    real = validation.check

    def counting(root: Path, use_cache: bool = True) -> Any:
        ran.append(root)
        return real(root, use_cache)

    monkeypatch.setattr(validation, "check", counting)
    return ran


def kept(root: Path) -> Path:
    return root / layout.CACHE / layout.VERDICT


@pytest.mark.slow
def test_an_unchanged_repository_gives_the_kept_verdict_without_validating(repo: Path, runs: list[Path]) -> None:
    fresh = validated(repo, use_cache=False)
    assert len(runs) == 1 and not kept(repo).exists()  # --no-cache keeps nothing
    backdate(repo)
    first = validated(repo)
    assert len(runs) == 2 and kept(repo).is_file()
    again = validated(repo)
    assert len(runs) == 2  # given by the kept verdict
    assert found(again) == found(first) == found(fresh) and not fresh.problems and fresh.cases > 0
    assert again.hashes == first.hashes and set(again.hashes) >= {layout.CODEBOOK, layout.DATASET_META, layout.SOURCES_META}


@pytest.mark.slow
def test_a_failing_verdict_is_kept_with_its_problems(repo: Path, runs: list[Path]) -> None:
    edit(repo / "annotations/cases/chongqing-property-tax-2011.yaml", "confidence: ", "confidence: 7 #")
    backdate(repo)
    first = validated(repo)
    again = validated(repo)
    assert len(runs) == 1 and again.problems and found(again) == found(first) == found(validated(repo, use_cache=False))


def _change(repo: Path, change: str) -> None:
    case = repo / "annotations/cases/chongqing-property-tax-2011.yaml"
    if change == "case":
        edit(case, "confidence: ", "confidence: 7 #")
    elif change == "added":
        (repo / "annotations/cases/_notes.txt").write_text("a stray file\n", encoding="utf-8")
    elif change == "removed":
        case.unlink()
    elif change == "source text":
        text = next(p for p in sorted((repo / layout.SOURCES_DIR).iterdir()) if p.suffix != ".yaml")
        text.write_bytes(text.read_bytes() + b"\n")
    elif change == "codebook":
        (repo / layout.CODEBOOK).write_text((repo / layout.CODEBOOK).read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    elif change == "dataset":
        edit(repo / layout.DATASET_META, "version: ", "version: 9.9.9 #")
    elif change == "same size":  # new bytes of the same size, the modification time put back
        info = case.stat()
        data = case.read_bytes()
        case.write_bytes(data.replace(b"confidence: 3", b"confidence: 9", 1))
        os.utime(case, ns=(info.st_atime_ns, info.st_mtime_ns))


@pytest.mark.slow
@pytest.mark.parametrize("change", ["case", "added", "removed", "source text", "codebook", "dataset", "same size"])
def test_any_change_to_what_a_validation_reads_validates_again(repo: Path, runs: list[Path], change: str) -> None:
    backdate(repo)
    before = validated(repo)
    _change(repo, change)
    after = validated(repo)
    assert len(runs) == 2
    assert found(after) == found(validated(repo, use_cache=False))
    if change not in ("added", "codebook"):  # a stray file and a comment change nothing found
        assert found(after) != found(before)


@pytest.mark.slow
def test_other_code_or_libraries_validate_again(repo: Path, runs: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    backdate(repo)
    validated(repo)
    monkeypatch.setattr(verdict, "code_digest", lambda: b"another version of the package")
    validated(repo)
    assert len(runs) == 2
    monkeypatch.setattr(verdict, "version", lambda name: "0.0.0")
    validated(repo)
    validated(repo)
    assert len(runs) == 3


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["truncated", "flipped", "emptied", "not json", "other fields", "unknown problem code"])
def test_a_corrupt_kept_verdict_is_found_again_not_trusted(repo: Path, runs: list[Path], damage: str) -> None:
    backdate(repo)
    first = validated(repo)
    path = kept(repo)
    raw = path.read_bytes()
    payload = json.loads(raw[4:])
    if damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "flipped":
        path.write_bytes(raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:])
    elif damage == "emptied":
        path.write_bytes(b"")
    elif damage == "not json":
        path.write_bytes(sealed(b"{not json"))
    elif damage == "other fields":
        payload["verdict"]["unexpected"] = 1
        path.write_bytes(sealed(json.dumps(payload).encode()))
    else:  # a kept problem that names no code of this version
        payload["verdict"]["problems"] = [{"file": "x", "line": 1, "field": "", "message": "m", "code": "no.such-code"}]
        path.write_bytes(sealed(json.dumps(payload).encode()))
    assert found(validated(repo)) == found(first) and len(runs) == 2
    validated(repo)
    assert len(runs) == 2  # kept again, whole


@pytest.mark.slow
def test_a_symbolic_link_among_the_annotations_is_never_taken_on_trust(repo: Path, runs: list[Path]) -> None:
    case = repo / "annotations/cases/chongqing-property-tax-2011.yaml"
    target = repo / "elsewhere.yaml"
    case.rename(target)
    case.symlink_to(target)
    backdate(repo)
    first = validated(repo)
    again = validated(repo)
    assert len(runs) == 2 and not kept(repo).exists()
    assert found(again) == found(first) and "file.symlink" in {p.code for p in first.problems}


@pytest.mark.slow
def test_a_build_keeps_the_verdict_of_the_files_as_they_are(repo: Path, runs: list[Path]) -> None:
    backdate(repo)
    validated(repo)
    validation.validate(repo)  # as a build validates: the cache's housekeeping leaves the verdict
    validated(repo)
    assert kept(repo).is_file() and runs == [repo]  # the second verdict is the kept one


@pytest.mark.slow
def test_a_repeated_validate_loads_no_table_library(repo: Path) -> None:
    backdate(repo)
    code = ("import sys; from policyframes.cli import main; status = main(['--root', sys.argv[1], 'validate']); "
            "print(status, sorted(m for m in ('pandas', 'pandera', 'pyarrow', 'pydantic', 'numpy') if m in sys.modules))")
    runs = [subprocess.run([sys.executable, "-c", code, str(repo)], capture_output=True, text=True, check=True) for _ in range(2)]
    assert runs[0].stdout.splitlines()[-1] == "0 ['numpy', 'pandas', 'pandera', 'pyarrow', 'pydantic']"
    assert runs[1].stdout.splitlines()[-1] == "0 []"
    assert runs[1].stdout.splitlines()[0] == runs[0].stdout.splitlines()[0]  # "ok: N cases, ..."
    assert runs[1].stderr == runs[0].stderr
