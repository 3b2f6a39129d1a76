"""The checksum manifest of a built dataset (build/SHA256SUMS, `sha256sum` format)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

NAME = "SHA256SUMS"


class IntegrityError(Exception):
    """A dataset file does not match its recorded checksum."""


def sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def annotations_digest(root: Path, parts: tuple[str, ...], known: Mapping[str, str] | None = None) -> str:
    """One SHA-256 over every file under the given parts of a repository: over the lines
    `<SHA-256>  <path>` of the files in path order, as `sha256sum` writes them. `known`
    gives the SHA-256 of files already read (path -> digest), which are not read again."""
    known = known or {}
    files = sorted(rel for part in parts for rel in _files(root, part))
    return hashlib.sha256("".join(f"{known.get(rel) or sha256(root / rel)}  {rel}\n" for rel in files).encode()).hexdigest()


def _files(root: Path, rel: str) -> list[str]:
    """The files at or under a path of a repository (relative paths; folders that are
    symbolic links are not entered)."""
    if (root / rel).is_file():
        return [rel]
    if not (root / rel).is_dir():
        return []
    found = []
    with os.scandir(root / rel) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                found += _files(root, f"{rel}/{entry.name}")
            elif entry.is_file():
                found.append(f"{rel}/{entry.name}")
    return found


def write_manifest(folder: Path) -> None:
    """Record the SHA-256 of every file in the folder (written last)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != NAME)
    lines = [f"{sha256(p)}  {p.relative_to(folder).as_posix()}\n" for p in files]
    (folder / NAME).write_text("".join(lines), encoding="utf-8")


def read_manifest(folder: Path) -> dict[str, str]:
    """Relative path -> recorded SHA-256."""
    try:
        text = (folder / NAME).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise IntegrityError(f"{folder / NAME} is not a checksum list: the dataset in {folder} cannot be verified") from None
    entries = {}
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        entries[name] = digest
    return entries


def verify(folder: Path, names: list[str]) -> None:
    """Raise IntegrityError unless each named file matches the manifest."""
    if not (folder / NAME).is_file():
        raise IntegrityError(f"{folder / NAME} is missing: the dataset in {folder} cannot be verified")
    recorded = read_manifest(folder)
    for name in names:
        if not (folder / name).is_file():
            raise IntegrityError(f"{folder / name} is missing: the dataset in {folder} is incomplete")
        actual = sha256(folder / name)
        if recorded.get(name) != actual:
            raise IntegrityError(
                f"{folder / name} does not match its checksum in {NAME} "
                f"(expected {recorded.get(name, 'an entry')}, found {actual}): the dataset was modified "
                "after it was built; rebuild it or reinstall the package"
            )
