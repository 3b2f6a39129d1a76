"""Shared fixtures: a scratch copy of the repository and an in-process CLI runner."""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import shutil
import tempfile
from pathlib import Path

# `datasets` reads HF_HOME when it is imported: point it at a scratch folder first, so
# that tests never see a cache filled by an earlier run (its cache key ignores file
# contents).
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="policyframes-test-hf-"))
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import pytest  # noqa: E402

from policyframes import layout  # noqa: E402
from policyframes.annotations import load_codebook_checked  # noqa: E402
from policyframes.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("schema", "annotations", "build", "dataset.yaml", "DATACARD.md", "CHANGELOG.md")


def copy_repo(root: Path, names: tuple[str, ...] = COPIED) -> Path:
    """Copy the repository's data files (or the named ones) into a new folder."""
    root.mkdir(parents=True)
    for name in names:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name, symlinks=True)
        else:
            shutil.copy2(src, root / name)
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A scratch copy of the repository's data files, safe to break."""
    return copy_repo(tmp_path / "repo")


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run `policyframes ...` in-process; return (exit status, stdout, stderr)."""

    def run(root: Path | None, *args: str) -> tuple[int, str, str]:
        argv = ([f"--root={root}"] if root is not None else []) + list(args)
        status = main(argv)
        out, err = capsys.readouterr()
        return status, out, err

    return run


def backdate(root: Path) -> None:
    """Make every annotation file look changed long ago, so that its stat is trusted
    (stamps.RACY_NS)."""
    past = 1_600_000_000
    for path in (root / "annotations").rglob("*"):
        os.utime(path, (past, past), follow_symlinks=False)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def comment(path: Path) -> None:
    """An edit that changes no value: a comment at the end of the file."""
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")


def unlist_a_source(case: Path) -> str:
    """Take the first source off a case's list of sources (its evidence from it then fails); the source."""
    text = case.read_text(encoding="utf-8")
    listed = re.search(r"^sources:\n  - (\S+)\n", text, re.M)
    assert listed is not None
    case.write_text(text.replace(listed.group(0), "sources:\n", 1), encoding="utf-8")
    return listed.group(1)


def disagree(coding: Path) -> None:
    """Give a further coder's first variable coded as the case file codes it a missing
    status instead (the coders then disagree, and the case file needs an adjudication)."""
    repo = coding.parents[3]
    codebook = load_codebook_checked(repo, [])[1]
    assert codebook is not None
    case = repo / layout.CASES_DIR / coding.name
    if not case.is_file():
        raise AssertionError(f"{coding} is the coding of no case file")
    text, primary = coding.read_text(encoding="utf-8"), case.read_text(encoding="utf-8")
    for var in codebook.coded:
        pattern = rf"^  {var.name}:\n    value: (\S+)\n"
        ours, theirs = re.search(pattern, text, re.M), re.search(pattern, primary, re.M)
        other = [status for status in var.allowed_missing if ours is None or status != ours.group(1)]
        if ours is not None and theirs is not None and ours.group(1) == theirs.group(1) and other:
            coding.write_text(text.replace(ours.group(0), f"  {var.name}:\n    value: {other[0]}\n", 1), encoding="utf-8")
            return
    raise AssertionError(f"{coding} codes no variable as its case file does")


def reparent(case: Path, parent: str) -> None:
    """Make a case a component of another (a change to what the checks read across cases)."""
    text = case.read_text(encoding="utf-8")
    assert re.search(r"^parent_case: .*$", text, re.M)
    case.write_text(re.sub(r"^parent_case: .*$", f"parent_case: {parent}", text, count=1, flags=re.M), encoding="utf-8")


def random_edit(repo: Path, step: str, n: int) -> None:
    """One step of the random-edit property tests: `step` done to the n-th case or coding
    file (modulo their number), or to the cache."""
    cases = sorted((repo / layout.CASES_DIR).glob("[!_]*.yaml"))
    codings = sorted((repo / layout.CODINGS_DIR).glob("*/[!_]*.yaml"))
    case = cases[n % len(cases)]
    text = case.read_text(encoding="utf-8")
    if step == "comment":
        comment(case)
    elif step == "rationale":  # text before a block scalar's indicator: a YAML error
        case.write_text(text.replace("rationale: ", f"rationale: Edit {n}. ", 1), encoding="utf-8")
    elif step == "quote" and (at := text.find("quote: ")) >= 0:  # a changed word in a quote: a problem
        case.write_text(text[: at + 7] + "Xq" + text[at + 9:], encoding="utf-8")
    elif step == "unlist" and re.search(r"^sources:\n  - ", text, re.M):
        unlist_a_source(case)
    elif step == "remove":
        case.unlink()
    elif step == "duplicate":  # a copy under another name: a case id that differs from its file name
        shutil.copy(case, case.with_name(f"copy-{n}.yaml"))
    elif step == "touch":
        os.utime(case)
    elif step == "coding":
        coding = codings[n % len(codings)]
        coding.write_text(coding.read_text(encoding="utf-8").replace("confidence: 3", "confidence: 2", 1), encoding="utf-8")
    elif step == "uncode":
        codings[n % len(codings)].unlink()
    elif step == "disagree":
        with contextlib.suppress(AssertionError):  # a coding file of no case file, or agreeing on nothing, is left as it is
            disagree(codings[n % len(codings)])
    elif step == "reparent":
        reparent(case, cases[(n + 1) % len(cases)].stem)
    elif step == "damage":  # one cached chunk
        chunks = sorted((repo / layout.CACHE).glob("*/*.chunk"))
        if chunks:
            chunks[n % len(chunks)].write_bytes(b"damaged")
    elif step == "record":  # the kept table checks
        for record in (repo / layout.CACHE).glob(f"*/{layout.TABLE_CHECKS}"):
            record.write_bytes(b"damaged")


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing needle."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, relative path -> bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def validator(module: str):
    """Import a release validator (mlcroissant, frictionless): a test without it is
    skipped, except under CI (.ci/run sets POLICYFRAMES_CI), which installs them."""
    if os.environ.get("POLICYFRAMES_CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module)
