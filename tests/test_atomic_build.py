"""A build killed at any moment leaves a complete, loadable build/; the next one cleans up.

`policyframes build` runs in a subprocess and is killed with SIGKILL at several points:
as soon as its temporary folder appears, once given files are written into it, as soon
as build/ has been swapped, and after random delays. Every build changes the data (a
rationale alternates between two wordings), so build/ must afterwards hold, byte for
byte, either the dataset it held before or the new one, and must load.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import policyframes
from conftest import copy_repo, tree_bytes
from policyframes import build as building
from policyframes.build import TMP_PREFIX, clean_stale, swap
from policyframes.codebook import TABLES

COMMAND = str(Path(sys.executable).with_name("policyframes"))
CASE = "annotations/cases/hangzhou-model.yaml"
WORDING = ("so no level can be anchored", "so no level at all can be anchored")


def _checksums(root: Path) -> bytes | None:
    try:
        return (root / "build" / "SHA256SUMS").read_bytes()
    except FileNotFoundError:
        return None


@dataclass
class Run:
    """A build being watched."""

    root: Path
    checksums: bytes | None  # build/SHA256SUMS when it started
    stale: set[str]  # temporary folders left by earlier builds
    started: float = field(default_factory=time.monotonic)

    def temporary_files(self) -> set[str] | None:
        """Names in this build's temporary folder (None while there is none)."""
        for entry in os.scandir(self.root):
            if entry.name.startswith(TMP_PREFIX) and entry.name not in self.stale and entry.is_dir():
                try:
                    return set(os.listdir(entry.path))
                except FileNotFoundError:
                    return None
        return None


# When to kill; the last one leaves its temporary folder for the next build to clean up.
Trigger = Callable[[Run], bool]
TRIGGERS: dict[str, Trigger] = {
    "build swapped": lambda run: _checksums(run.root) != run.checksums,
    "first table written": lambda run: "cases.parquet" in (run.temporary_files() or ()),
    "dataset card written": lambda run: "README.md" in (run.temporary_files() or ()),
    "checksums written": lambda run: "SHA256SUMS" in (run.temporary_files() or ()),
    "temporary folder created": lambda run: run.temporary_files() is not None,
}


def _after(seconds: float) -> Trigger:
    return lambda run: time.monotonic() - run.started > seconds


def _build_killed_when(root: Path, trigger: Trigger) -> bool:
    """Run a build, SIGKILL it as soon as the trigger holds; True if it died that way."""
    run = Run(root, _checksums(root), {p.name for p in root.glob(TMP_PREFIX + "*")})
    process = subprocess.Popen([COMMAND, "build"], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None and time.monotonic() < run.started + 300:
        if trigger(run):
            process.send_signal(signal.SIGKILL)
            break
    process.wait()
    return process.returncode == -signal.SIGKILL


def _full_build(root: Path) -> float:
    start = time.monotonic()
    subprocess.run([COMMAND, "build"], cwd=root, check=True, capture_output=True)
    return time.monotonic() - start


def _assert_loads(folder: Path) -> None:
    for table in TABLES:
        policyframes.load(table, path=folder)
    assert policyframes.metadata(folder)["tables"]["cases"] == len(policyframes.load("cases", path=folder))
    policyframes.load_codebook(folder)


@pytest.mark.slow
def test_killed_builds_leave_a_complete_dataset(tmp_path: Path) -> None:
    root = copy_repo(tmp_path / "repo")
    case = root / CASE
    wordings = [case.read_text(encoding="utf-8")]
    assert WORDING[0] in wordings[0]
    wordings.append(wordings[0].replace(*WORDING))
    datasets = []
    for wording in reversed(wordings):  # ends with the first wording built
        case.write_text(wording, encoding="utf-8")
        duration = _full_build(root)
        datasets.insert(0, tree_bytes(root / "build"))
    assert datasets[0] != datasets[1]

    rng = random.Random(20261123)
    delays = [rng.uniform(0.5, 1.5) * duration for _ in range(3)]
    points = [*((f"after {delay:.2f} s", _after(delay)) for delay in delays), *TRIGGERS.items()]
    current, killed = 0, []
    for label, trigger in points:
        target = 1 - current
        case.write_text(wordings[target], encoding="utf-8")
        if _build_killed_when(root, trigger):
            killed.append(label)
        state = tree_bytes(root / "build")
        assert state in datasets, f"killed at {label!r}: build/ is neither the previous dataset nor the new one"
        current = datasets.index(state)
        if label == "build swapped" and label in killed:
            assert current == target
        _assert_loads(root / "build")
    assert {"temporary folder created", "checksums written", "build swapped"} <= set(killed), killed

    assert list(root.glob(TMP_PREFIX + "*")), "the last killed build left its temporary folder"
    case.write_text(wordings[0], encoding="utf-8")
    _full_build(root)
    assert not list(root.glob(TMP_PREFIX + "*")) and not list((root / "schema").glob(TMP_PREFIX + "*"))
    assert tree_bytes(root / "build") == datasets[0]


def _folder(path: Path, content: str) -> Path:
    path.mkdir()
    (path / "SHA256SUMS").write_text(content, encoding="utf-8")
    return path


def test_swap_without_atomic_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where renameat2 is missing, swap() falls back to renames with the same result."""
    monkeypatch.setattr(building.ctypes, "CDLL", lambda *args, **kwargs: object())
    new, target = _folder(tmp_path / f"{TMP_PREFIX}x", "new"), _folder(tmp_path / "build", "old")
    swap(new, target)
    assert (target / "SHA256SUMS").read_text(encoding="utf-8") == "new"
    assert (new / "SHA256SUMS").read_text(encoding="utf-8") == "old"


def test_stale_files_are_cleaned_and_a_build_moved_aside_is_restored(tmp_path: Path) -> None:
    """A build killed between the fallback's two renames has moved build/ aside: the next
    build puts it back, then removes every temporary folder and file."""
    new = _folder(tmp_path / f"{TMP_PREFIX}x", "new")
    old = _folder(tmp_path / f"{TMP_PREFIX}x-old", "old")  # build/ as the first rename left it
    docs = tmp_path / "schema"
    docs.mkdir()
    (docs / f"{TMP_PREFIX}CODEBOOK.md-123").write_text("half", encoding="utf-8")
    clean_stale(tmp_path, [docs])
    assert ((tmp_path / "build") / "SHA256SUMS").read_text(encoding="utf-8") == "old"
    assert not new.exists() and not old.exists() and not list(docs.iterdir())
