"""The checksum manifest of a built dataset (build/SHA256SUMS, `sha256sum` format)."""

from __future__ import annotations

import hashlib
from pathlib import Path

NAME = "SHA256SUMS"


class IntegrityError(Exception):
    """A dataset file does not match its recorded checksum."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def annotations_digest(root: Path, parts: tuple[str, ...]) -> str:
    """One SHA-256 over every file under the given parts of a repository (names and bytes)."""
    digest = hashlib.sha256()
    for part in parts:
        paths = [root / part] if (root / part).is_file() else sorted(p for p in (root / part).rglob("*") if p.is_file())
        for path in paths:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


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
