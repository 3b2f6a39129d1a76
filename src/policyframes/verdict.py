"""The verdict of the last validation, kept for a repository in which nothing changed.

Validating reads the files under annotations/, the codebook and dataset.yaml, and nothing
else, so its verdict (the problems, or the counts `policyframes validate` prints) is a
function of their bytes and of the code that checks them. The verdict is kept in
layout.CACHE beside the stat and SHA-256 of each of those files and a digest of the code
(the package, the libraries it checks with, Python). A later run that finds the same
files with the same content (by stat, then by hash where the stat changed, as cache.py
recognises files) under the same code gives the kept verdict without parsing a file or
loading a table library. Any difference (a file changed, added or removed, other code)
means a full validation, whose verdict is kept in turn; so does a kept verdict that is
corrupt, and so does a symbolic link or special file among the annotations (the
validation reports it; its target is not followed here, and no verdict is kept).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import stat
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import layout
from .problems import Problem, ValidationFailed
from .stamps import Seen, as_rows, code_digest, from_rows, seen_now, unsealed, write
from .yamlsafe import MAX_BYTES

FORMAT = "1"  # raised whenever the kept verdict's layout changes
LIBRARIES = ("pydantic", "pandas", "pandera", "pyarrow", "PyYAML")  # what the checks run on


@dataclass
class Verdict:
    """What a validation found: its problems, or the counts `validate` reports."""

    problems: list[Problem]
    cases: int = 0
    evidence: int = 0
    version: str = ""  # the dataset's version (where it validated)
    hashes: dict[str, str] = field(default_factory=dict)  # the SHA-256 of the files read, by path


def validated(root: Path, use_cache: bool = True) -> Verdict:
    """The verdict of validating the repository: the kept one where nothing it depends on
    changed since it was kept (unless `use_cache` is false). The verdict is the same either way."""
    if not use_cache:
        return _validate(root, False)
    kept = _kept(root)
    files = _files(root, kept[1] if kept else {})
    if files is None:
        return _validate(root, True)
    digest = _digest(files)
    verdict = kept[2] if kept is not None and kept[0] == digest else None
    if verdict is None:
        verdict = _validate(root, True)
        _keep(root, digest, files, verdict)
    verdict.hashes = {rel: seen.sha256 for rel, seen in files.items()}
    return verdict


def _validate(root: Path, use_cache: bool) -> Verdict:
    from .validation import check

    try:
        found = check(root, use_cache)
    except ValidationFailed as exc:  # a codebook that does not validate: nothing else was read
        return Verdict(exc.problems)
    if found.problems:
        return Verdict(found.problems)
    assert found.meta is not None  # a dataset.yaml that does not validate is among the problems
    return Verdict([], len(found.ann.cases), found.evidence, found.meta.version, dict(found.ann.hashes))


def _files(root: Path, known: dict[str, Seen]) -> dict[str, Seen] | None:
    """Every file a validation reads, by path, as it is now (a stat the kept verdict vouches
    for is not read again); None where one is not a plain file within the size limit."""
    files: dict[str, Seen] = {}

    def add(rel: str, info: os.stat_result) -> bool:
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return False
        old = known.get(rel)
        files[rel] = old if old is not None and old.same(info) else seen_now(root / rel, info)[1]
        return True

    folders = [layout.ANNOTATIONS]
    try:
        for rel in (layout.CODEBOOK, layout.DATASET_META):
            if os.path.lexists(root / rel) and not add(rel, os.lstat(root / rel)):
                return None
        if not stat.S_ISDIR(os.lstat(root / folders[0]).st_mode):
            return None
        while folders:
            folder = folders.pop()
            with os.scandir(root / folder) as entries:
                for entry in entries:
                    rel = f"{folder}/{entry.name}"
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(rel)
                    elif not add(rel, entry.stat(follow_symlinks=False)):
                        return None
    except OSError:
        return None
    return files


def _digest(files: dict[str, Seen]) -> str:
    """One hash of the files' paths and contents and of the code that checks them."""
    digest = hashlib.sha256(FORMAT.encode() + b"\0" + hashlib.sha256(code_digest()).digest())
    for name in LIBRARIES:
        try:
            digest.update(f"\0{name} {version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"\0{name} -".encode())
    digest.update(f"\0{platform.python_implementation()} {platform.python_version()}\0".encode())
    digest.update(json.dumps(sorted((rel, seen.sha256) for rel, seen in files.items())).encode())
    return digest.hexdigest()


def _kept(root: Path) -> tuple[str, dict[str, Seen], Verdict] | None:
    """The kept verdict, with its digest and the files it was of; None where there is none
    to be trusted."""
    try:
        payload = unsealed((root / layout.CACHE / layout.VERDICT).read_bytes())
        if payload is None:
            return None
        kept = json.loads(bytes(payload))
        files = from_rows(kept["files"])
        verdict = kept["verdict"]
        problems = [Problem(**p) for p in verdict.pop("problems")]
        return kept["digest"], files, Verdict(problems, **verdict)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _keep(root: Path, digest: str, files: dict[str, Seen], verdict: Verdict) -> None:
    """Keep the verdict (best effort: a verdict that cannot be kept is found again next time)."""
    payload = {"digest": digest, "files": as_rows(files),
               "verdict": {"problems": [p.to_dict() for p in verdict.problems], "cases": verdict.cases,
                           "evidence": verdict.evidence, "version": verdict.version}}
    try:
        (root / layout.CACHE).mkdir(exist_ok=True)
        write(root / layout.CACHE / layout.VERDICT, json.dumps(payload, ensure_ascii=False).encode())
    except OSError:
        pass
