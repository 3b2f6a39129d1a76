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
from dataclasses import dataclass
from pathlib import Path

from . import layout
from .annotations import Annotations, load_annotations, read_validated
from .checks import check_tables
from .citation import bibtex, citation_cff
from .croissant import croissant
from .csvexport import write_csv
from .datapackage import datapackage
from .docs import codebook_markdown, datacard_blocks, fill_blocks, hf_card, json_schema, problem_codes
from .export import has_categories, write_parquet
from .manifest import write_manifest
from .markdown import MAX_ROWS
from .meta import DatasetMeta
from .problems import ValidationFailed
from .reliability import report
from .site import write_site
from .stata import write_stata
from .tables import Tables, assemble

TMP_PREFIX = ".build-tmp-"


@dataclass
class Validated:
    ann: Annotations
    tables: Tables
    meta: DatasetMeta


def validate(root: Path) -> Validated:
    """Check everything; raise ValidationFailed with every problem found."""
    ann = load_annotations(root)
    _, meta = read_validated(root, layout.DATASET_META, DatasetMeta, ann.problems)
    tables = assemble(ann)
    problems = ann.problems + check_tables(ann, tables)
    if problems:
        raise ValidationFailed(problems)
    return Validated(ann, tables, meta)


def release_metadata(v: Validated) -> dict[str, object]:
    """The release metadata written to build/metadata.json (and cited from there)."""
    return {
        "name": v.meta.name,
        "title": v.meta.title,
        "version": v.meta.version,
        "date_released": v.meta.date_released,
        "codebook_version": v.ann.codebook.codebook_version,
        "authors": [a.name for a in v.meta.authors],
        "licence": v.meta.licence,
        "tables": {name: len(df) for name, df in v.tables.as_dict().items()},
    }


def generated_files(v: Validated) -> dict[str, str]:
    """Files outside build/ that are generated: path relative to root -> content."""
    cb = v.ann.codebook
    datacard = (v.ann.root / layout.DATACARD).read_text(encoding="utf-8")
    extra = {
        "citation": lambda: "```bibtex\n" + bibtex(release_metadata(v)) + "```",
        "reliability": lambda: report(cb, v.tables.codings, v.tables.cases, max_rows=MAX_ROWS),
    }
    return {
        layout.JSON_SCHEMA: json_schema(cb),
        layout.CODEBOOK_DOC: codebook_markdown(cb),
        layout.PROBLEM_CODES_DOC: problem_codes(),
        layout.DATACARD: fill_blocks(datacard, datacard_blocks(cb, v.meta, v.tables.as_dict(), extra)),
        layout.CITATION: citation_cff(v.meta),
    }


def write_dataset(v: Validated, folder: Path, datacard: str) -> None:
    """Write every file of the dataset into an empty folder."""
    cb = v.ann.codebook
    arrow = write_parquet(v.tables, cb, v.meta, folder)
    write_csv(arrow, folder)
    write_stata(arrow["cases"], cb, v.meta, folder)
    licences = sorted({s.meta.licence.lower() for s in v.ann.sources.values() if s.meta.full_text_included} - {v.meta.licence.lower()})
    categorical = {name for name, table in arrow.items() if has_categories(table.schema)}
    (folder / "README.md").write_text(hf_card(cb, v.meta, list(arrow), categorical, datacard, licences), encoding="utf-8")
    _write_json(folder / "codebook.json", cb.model_dump(mode="json"))
    _write_json(folder / "metadata.json", release_metadata(v))
    sources = [s.meta for _, s in sorted(v.ann.sources.items())]
    _write_json(folder / "datapackage.json", datapackage(arrow, cb, v.meta, sources, folder))
    _write_json(folder / "croissant.json", croissant(arrow, cb, v.meta, bibtex(release_metadata(v)), folder))
    del arrow  # the site reads the tables themselves; a large build needs the memory
    write_site(v, folder / layout.SITE)
    write_manifest(folder)


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


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


def build(root: Path) -> Validated:
    """Validate, then write build/ and the generated documents (one build at a time)."""
    with _locked(root):
        return _build(root)


def _build(root: Path) -> Validated:
    v = validate(root)
    generated = generated_files(v)
    clean_stale(root, [(root / rel).parent for rel in generated])
    tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=root))
    tmp.chmod(0o755)
    try:
        write_dataset(v, tmp, generated[layout.DATACARD])
        swap(tmp, root / layout.BUILD)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    for rel, content in generated.items():
        replace_file(root / rel, content)
    return v


def replace_file(path: Path, content: str) -> None:
    """Write a file atomically (temporary file, then rename); unchanged files are left alone."""
    if path.exists() and path.read_text(encoding="utf-8") == content:
        return
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
