"""Validate the annotations and write the dataset, atomically.

The new build is written to a temporary folder beside `build/` and swapped in with
one atomic rename, so a failed or killed build never leaves a half-written dataset:
`build/` is either the previous release or the new one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import layout
from .citation import bibtex, citation_cff, cite_fields
from .docs import codebook_markdown, datacard_blocks, fill_blocks, json_schema, problem_codes
from .markdown import MAX_ROWS
from .memory import give_back
from .reliability import full_report, recoding
from .validation import Validated, validate
from .writers import write_dataset, write_site_and_manifest

TMP_PREFIX = ".build-tmp-"


def _text_or_empty(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def generated_files(v: Validated) -> dict[str, str]:
    """Files outside build/ that are generated: path relative to root -> content."""
    cb = v.ann.codebook
    datacard = (v.ann.root / layout.DATACARD).read_text(encoding="utf-8")
    extra = {
        "citation": lambda: "```bibtex\n" + bibtex(cite_fields(v.meta, cb.codebook_version)) + "```",
        "reliability": lambda: full_report(cb, v.tables, v.primary, max_rows=MAX_ROWS, certifying=v.certifying),
        "recoding": lambda: recoding(_text_or_empty(v.ann.root / layout.CHANGELOG), cb, v.meta.version),
    }
    return {
        layout.JSON_SCHEMA: json_schema(cb),
        layout.CODEBOOK_DOC: codebook_markdown(cb),
        layout.PROBLEM_CODES_DOC: problem_codes(),
        layout.DATACARD: fill_blocks(datacard, datacard_blocks(cb, v.meta, v.tables.as_dict(), extra)),
        layout.CITATION: citation_cff(v.meta),
    }


LOCK = ".build.lock"  # beside build/: held while a build writes


class BuildLocked(Exception):
    """Another build of the same repository is running."""


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """Hold the repository's build lock, or refuse at once if another build holds it."""
    with open(root / LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build of {root} is running (it holds {LOCK}); wait for it to finish, then build again") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(root: Path, use_cache: bool = True) -> dict[str, Any]:
    """Validate, then write build/ and the generated documents (one build at a time);
    `use_cache` as for validate. Returns the release metadata written (metadata.json)."""
    with _locked(root):
        return _build(root, use_cache)


def _build(root: Path, use_cache: bool) -> dict[str, Any]:
    v = validate(root, use_cache)
    generated = generated_files(v)
    changelog = root / layout.CHANGELOG  # a repository made for tests or benchmarks may have none
    documents = [(layout.DATACARD, generated[layout.DATACARD])]
    documents += [(layout.CHANGELOG, changelog.read_text(encoding="utf-8"))] if changelog.exists() else []
    clean_stale(root, [(root / rel).parent for rel in generated])
    tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=root))
    tmp.chmod(0o755)
    try:
        write_dataset(v, tmp, generated[layout.DATACARD])
        del v  # the site is made from the files just written: the tables in memory would only double its memory
        give_back()
        write_site_and_manifest(tmp, documents)
        release: dict[str, Any] = json.loads((tmp / "metadata.json").read_text(encoding="utf-8"))
        swap(tmp, root / layout.BUILD)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    for rel, content in generated.items():
        replace_file(root / rel, content)
    return release


def replace_file(path: Path, content: str) -> None:
    """Write a file atomically (temporary file, then rename); unchanged files are left alone."""
    if path.exists() and path.read_text(encoding="utf-8") == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)  # a generated document may be the first in its folder (docs/)
    tmp = path.with_name(f"{TMP_PREFIX}{path.name}-{os.getpid()}")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)


def clean_stale(root: Path, folders: list[Path]) -> None:
    """Remove what killed builds left behind: temporary folders beside build/ (restoring
    a build that a killed non-atomic swap had moved aside) and temporary files beside the
    generated documents in `folders`."""
    target = root / layout.BUILD
    for aside in sorted(root.glob(TMP_PREFIX + "*-old")):
        if not target.exists():
            os.replace(aside, target)
    for folder in {root, *folders}:
        for stale in folder.glob(TMP_PREFIX + "*"):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)


_RENAME_EXCHANGE = 2


def swap(new: Path, target: Path) -> None:
    """Put `new` in place of `target` atomically; `new` then holds the old content."""
    if not target.exists():
        os.replace(new, target)
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        at_fdcwd = -100
        if renameat2(at_fdcwd, os.fsencode(new), at_fdcwd, os.fsencode(target), _RENAME_EXCHANGE) == 0:
            return
    # No atomic exchange here: move the old build aside, then the new one in.
    aside = new.with_name(new.name + "-old")
    os.replace(target, aside)
    os.replace(new, target)
    os.replace(aside, new)
