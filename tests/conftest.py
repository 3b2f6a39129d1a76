"""Shared fixtures: a scratch copy of the repository and an in-process CLI runner."""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from pathlib import Path

# `datasets` reads HF_HOME when it is imported: point it at a scratch folder first, so
# that tests never see a cache filled by an earlier run (its cache key ignores file
# contents).
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="policyframes-test-hf-"))
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import pytest  # noqa: E402

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
