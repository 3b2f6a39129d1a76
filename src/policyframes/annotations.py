"""Read every annotation file of a repository into validated records.

Each file is checked on its own (YAML safety, record model, file-level rules); all
problems are collected, so one run reports everything that is wrong. Case files and
further coders' files are read in chunks, in parallel processes when there are many,
and each is turned into table rows as soon as it is read, so that memory holds rows,
not parsed files.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from pydantic import BaseModel

from . import layout
from .codebook import MISSING, Codebook
from .models import (
    CodersFile,
    Comparison,
    ComparisonsFile,
    SourceMeta,
    SourcesFile,
    UnitMatch,
    UnitMatchesFile,
    case_model,
    coding_file_model,
    conflicts_model,
    relations_model,
    tax_design_model,
    units_model,
)
from .problems import Problem, field_path
from .records import line_of, validate
from .rows import Rows
from .yamlsafe import LDict, YamlError, load_file

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
CHUNK_FILES = 500  # files per chunk of rows (fixed: the Parquet bytes depend on it)
PARALLEL_FILES = 2000  # fewer files than this are read in this process


@dataclass
class Source:
    meta: SourceMeta
    text: str | None  # None: the repository stores no text of it (evidence by citation)
    index: int  # position in sources.yaml


@dataclass
class CaseRecord:
    """A case file or further coder's file that validated (its rows are in Annotations.rows)."""

    file: str
    case_id: str
    adjudicated: dict[str, bool] = field(default_factory=dict)  # dimension -> adjudication has its own evidence
    single_coded: bool = False  # the case file says why it has one coding only


@dataclass
class Annotations:
    """Everything read from a repository, with the problems found on the way."""

    root: Path
    codebook: Codebook
    codebook_data: LDict | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    coders: dict[str, Any] = field(default_factory=dict)
    cases: list[CaseRecord] = field(default_factory=list)
    case_files: list[str] = field(default_factory=list)
    other_codings: list[CaseRecord] = field(default_factory=list)
    rows: dict[str, list[Any]] = field(default_factory=dict)  # table -> Arrow chunks of rows from those files
    comparisons: list[Comparison] = field(default_factory=list)
    comparisons_data: LDict | None = None
    relations: list[Any] = field(default_factory=list)
    tax_design: list[Any] = field(default_factory=list)
    conflicts: list[Any] = field(default_factory=list)
    units: dict[str, Any] = field(default_factory=dict)  # a coder's units.yaml -> its record
    unit_matches: list[UnitMatch] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def linked(root: Path, rel: str) -> bool:
    """Whether root/rel, or a folder on the way to it, is a symbolic link."""
    return (root / rel).resolve() != root.resolve() / rel


def read_yaml(root: Path, rel: str, problems: list[Problem]) -> Any | None:
    """Parse one YAML file; on failure record the problem and return None."""
    if linked(root, rel):
        problems.append(Problem(rel, 0, "", "symbolic links are not allowed in annotations", "file.symlink"))
        return None
    try:
        return load_file(root / rel)
    except YamlError as exc:
        problems.append(Problem(rel, exc.line, exc.field, exc.message, exc.code))
    return None


def read_validated(root: Path, rel: str, model: type[BaseModel], problems: list[Problem]) -> tuple[Any, Any]:
    """Parse and validate one file: (parsed data, record or None)."""
    return validated(read_yaml(root, rel, problems), rel, model, problems)


def validated(data: Any, rel: str, model: type[BaseModel], problems: list[Problem]) -> tuple[Any, Any]:
    """Validate parsed data (None: it could not be parsed): (data, record or None)."""
    if data is None:
        return None, None
    if not isinstance(data, dict):
        got = "a list" if isinstance(data, list) else f"{type(data).__name__} {data!r:.40}"
        problems.append(Problem(rel, 1, "", f"expected a mapping of keys to values, got {got}", "record.not-a-mapping"))
        return data, None
    try:
        return data, validate(model, data, rel, problems)
    except Exception as exc:
        exc.add_note(f"while reading {rel}")
        raise


def load_codebook_checked(root: Path, problems: list[Problem]) -> tuple[LDict | None, Codebook | None]:
    return read_validated(root, layout.CODEBOOK, Codebook, problems)


def read_sources(root: Path, problems: list[Problem], kinds: list[str] | None = None) -> tuple[LDict | None, dict[str, Source]]:
    """The parsed sources.yaml and the stored source texts, each checked against its SHA-256."""
    sources: dict[str, Source] = {}
    data, record = read_validated(root, layout.SOURCES_META, SourcesFile, problems)
    if record is None:
        return data, sources
    for i, meta in enumerate(record.sources):
        if kinds is not None and meta.kind not in kinds:
            problems.append(Problem(layout.SOURCES_META, line_of(data, ("sources", i, "kind")), f"sources[{i}].kind",
                                    f"{meta.kind!r} is not a source kind; the codebook's source_kinds are {', '.join(kinds)}", "source.record"))
        if meta.source_id in sources:
            problems.append(Problem(layout.SOURCES_META, line_of(data, ("sources", i, "source_id")), f"sources[{i}].source_id", f"duplicate source id {meta.source_id!r}", "source.duplicate"))
            continue
        if meta.file is None:
            sources[meta.source_id] = Source(meta, None, i)
            continue
        line = line_of(data, ("sources", i, "file"))
        where = f"sources[{i}].file"
        rel = f"{layout.SOURCES_DIR}/{meta.file}"
        trouble = None
        if not _SAFE_NAME.match(meta.file):
            trouble = f"{meta.file!r} must be a plain file name inside {layout.SOURCES_DIR}/"
        elif linked(root, rel):
            trouble = f"{rel} is a symbolic link"
        elif not (root / rel).is_file():
            trouble = f"{rel} does not exist" if not (root / rel).exists() else f"{rel} is not a regular file"
        else:
            try:
                raw = (root / rel).read_bytes()
            except OSError as exc:
                trouble = f"cannot read {rel}: {exc.strerror or exc}"
        if trouble:
            problems.append(Problem(layout.SOURCES_META, line, where, trouble, "source.file"))
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest != meta.sha256:
            problems.append(
                Problem(layout.SOURCES_META, line_of(data, ("sources", i, "sha256")), f"sources[{i}].sha256",
                        f"{meta.file} has SHA-256 {digest}, not the recorded {meta.sha256}: the source text changed", "source.checksum")
            )
            continue
        try:
            sources[meta.source_id] = Source(meta, raw.decode("utf-8"), i)
        except UnicodeDecodeError:
            problems.append(Problem(layout.SOURCES_META, line, where, f"{layout.SOURCES_DIR}/{meta.file} is not valid UTF-8", "source.file"))
    return data, sources


def placeholders(root: Path, codebook: Codebook, problems: list[Problem]) -> frozenset[str]:
    """The placeholder texts of the case template: every text in it that is not a code,
    so that a case file that still holds one can be refused."""
    data = read_yaml(root, layout.TEMPLATE, problems)
    codes = {c for v in codebook.variables for c in v.codes} | set(MISSING) | set(codebook.attribution_codes) | {"none"}

    def texts(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for value in node.values():
                yield from texts(value)
        elif isinstance(node, list):
            for value in node:
                yield from texts(value)
        elif isinstance(node, str):
            yield node

    return frozenset(t for t in texts(data) if t not in codes and not re.fullmatch(r"c\d+|CASE-ID", t))


def placeholders_left(data: Any, rel: str, left: frozenset[str]) -> list[Problem]:
    """A problem for every template placeholder still in a parsed file."""
    found: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, path + (key,))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, path + (i,))
        elif isinstance(node, str) and node in left:
            found.append(path)

    walk(data, ())
    return [Problem(rel, line_of(data, path), field_path(path),
                    f"the template's placeholder {_at(data, path)!r} is still here: replace it with the case's own "
                    + ("value (or not_reported where the sources are silent)" if path[-1] == "value" else "text"),
                    "case.placeholder") for path in found]


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def case_files(root: Path) -> list[str]:
    """Case files, relative to root, in name order (files starting with _ are templates)."""
    folder = root / layout.CASES_DIR
    return sorted(f"{layout.CASES_DIR}/{p.name}" for p in folder.glob("*.yaml") if not p.name.startswith("_"))


def _misnamed_case_files(root: Path) -> list[str]:
    """Files that look like case files but would not be read (such as .yml)."""
    folder = root / layout.CASES_DIR
    return sorted(f"{layout.CASES_DIR}/{p.name}" for p in folder.glob("*") if p.suffix.lower() in (".yaml", ".yml")
                  and p.suffix != ".yaml" and not p.name.startswith(("_", ".")))


def coding_files(root: Path) -> list[str]:
    """Files of further coders, annotations/codings/<coder>/<case_id>.yaml, in name order."""
    folder = root / layout.CODINGS_DIR
    return sorted(f"{layout.CODINGS_DIR}/{p.parent.name}/{p.name}" for p in folder.glob("*/*.yaml") if p.name != layout.UNITS)


def units_files(root: Path) -> list[str]:
    """The coders' own case identifications, annotations/codings/<coder>/units.yaml."""
    folder = root / layout.CODINGS_DIR
    return sorted(f"{layout.CODINGS_DIR}/{p.parent.name}/{p.name}" for p in folder.glob(f"*/{layout.UNITS}"))


@dataclass
class _Chunk:
    root: Path
    kind: str  # "case" or "coding"
    files: list[str]
    placeholders: frozenset[str] = frozenset()
    matches: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (coder, unit) -> case
    earlier: frozenset[str] = frozenset()  # coders of an earlier round, under an earlier codebook
    records: list[CaseRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, Any] = field(default_factory=dict)


def _read_chunk(chunk: _Chunk, cb: Codebook) -> _Chunk:
    """Read, validate and turn into rows the files of one chunk."""
    rows = Rows(cb)
    model = case_model(cb) if chunk.kind == "case" else coding_file_model(cb)
    for rel in chunk.files:
        folder, stem = Path(rel).parent.name, Path(rel).stem
        data = read_yaml(chunk.root, rel, chunk.problems)
        version = data.get("codebook_version") if chunk.kind == "coding" and isinstance(data, dict) else cb.codebook_version
        if version != cb.codebook_version and version not in cb.codings_valid_from:
            if folder not in chunk.earlier:  # an earlier round's files are kept for the record, not read
                chunk.problems.append(Problem(
                    rel, line_of(data, ("codebook_version",)), "codebook_version",
                    f"coded under codebook {version!r}, but the codebook is {cb.codebook_version}: a coding enters the dataset "
                    "only under the codebook it was made with, or one the codebook's codings_valid_from lists (list an earlier round's coder with `earlier_round` in "
                    f"{layout.CODERS})", "coding.codebook-version"))
            continue
        data, record = validated(data, rel, model, chunk.problems)
        if chunk.kind == "case" and isinstance(data, dict):
            chunk.problems += placeholders_left(data, rel, chunk.placeholders)
        if record is None:
            continue
        if chunk.kind == "coding" and record.coder != folder:
            chunk.problems.append(Problem(rel, line_of(data, ("coder",)), "coder", f"coder {record.coder!r} differs from the folder name {folder!r}", "coding.folder"))
        elif record.case_id != stem:
            message = f"case id {record.case_id!r} differs from the file name {stem!r}"
            other = f"{Path(rel).parent}/{record.case_id}.yaml"
            if chunk.kind == "case" and (chunk.root / other).is_file():
                message += f"; {record.case_id!r} is the id of {other}: case ids must be unique"
            chunk.problems.append(Problem(rel, line_of(data, ("case_id",)), "case_id", message, "case.file-name"))
        elif chunk.kind == "case":
            rows.case(rel, record)
            codings = {v.name: getattr(record.codes, v.name) for v in cb.coded}
            adjudicated = {dim: bool(c.adjudication.evidence) for dim, c in codings.items() if c.adjudication is not None}
            chunk.records.append(CaseRecord(rel, record.case_id, adjudicated, record.single_coded is not None))
        else:
            case_id = chunk.matches.get((record.coder, record.case_id), record.case_id)
            if case_id is not None:  # a unit that is no case of the dataset enters no table but units
                rows.other_coding(rel, record, case_id)
                chunk.records.append(CaseRecord(rel, case_id))
    chunk.rows = rows.arrow()
    return chunk


_worker_codebook: Codebook | None = None


def _start_worker(cb: Codebook) -> None:
    global _worker_codebook
    _worker_codebook = cb


def _read_in_worker(chunk: _Chunk) -> _Chunk:
    assert _worker_codebook is not None
    return _read_chunk(chunk, _worker_codebook)


def _read_chunks(chunks: list[_Chunk], cb: Codebook) -> Iterator[_Chunk]:
    """Read the chunks, in order: in worker processes when there are many files."""
    workers = min(os.cpu_count() or 1, len(chunks))
    if sum(len(c.files) for c in chunks) < PARALLEL_FILES or workers < 2:
        yield from (_read_chunk(chunk, cb) for chunk in chunks)
        return
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(cb,)) as pool:
        yield from pool.map(_read_in_worker, chunks)


def _read_case_files(root: Path, ann: Annotations) -> None:
    ann.case_files = case_files(root)
    for rel in _misnamed_case_files(root):
        ann.problems.append(Problem(rel, 0, "", f"not read: case files are named <case_id>.yaml (rename it to {Path(rel).stem}.yaml)", "file.misnamed"))
    left = placeholders(root, ann.codebook, ann.problems)
    matches = {(m.coder, m.unit): m.case for m in ann.unit_matches}
    earlier = frozenset(c.id for c in ann.coders.values() if c.earlier_round)
    chunks = [_Chunk(root, kind, files[i:i + CHUNK_FILES], left, matches, earlier)
              for kind, files in (("case", ann.case_files), ("coding", coding_files(root)))
              for i in range(0, len(files), CHUNK_FILES)]
    for chunk in _read_chunks(chunks, ann.codebook):
        ann.problems += chunk.problems
        (ann.cases if chunk.kind == "case" else ann.other_codings).extend(chunk.records)
        for name, table in chunk.rows.items():
            ann.rows.setdefault(name, []).append(table)


def load_annotations(root: Path) -> Annotations:
    """Read and validate every file; the result's problems list what is wrong."""
    problems: list[Problem] = []
    raw, codebook = load_codebook_checked(root, problems)
    if codebook is None:
        raise_problems(problems)
    ann = Annotations(root=root, codebook=codebook, codebook_data=raw, problems=problems)
    _, ann.sources = read_sources(root, ann.problems, codebook.terms("source_kinds"))
    _, coders = read_validated(root, layout.CODERS, CodersFile, ann.problems)
    if coders is not None:
        ann.coders = {c.id: c for c in coders.coders}
    for rel in units_files(root):
        _, found = read_validated(root, rel, units_model(codebook), ann.problems)
        if found is not None:
            ann.units[rel] = found
    if (root / layout.UNIT_MATCHES).exists():
        _, matched = read_validated(root, layout.UNIT_MATCHES, UnitMatchesFile, ann.problems)
        ann.unit_matches = matched.matches if matched is not None else []
    _read_case_files(root, ann)
    data, comparisons = read_validated(root, layout.COMPARISONS, ComparisonsFile, ann.problems)
    if comparisons is not None:
        ann.comparisons_data = data
        ann.comparisons = comparisons.comparisons
    _, relations = read_validated(root, layout.RELATIONS, relations_model(codebook), ann.problems)
    if relations is not None:
        ann.relations = relations.relations
    for rel, model, name in ((layout.TAX_DESIGN, tax_design_model(codebook), "parameters"),
                             (layout.CONFLICTS, conflicts_model(codebook), "conflicts")):
        if (root / rel).exists():  # optional: a repository without taxes or conflicts has none
            _, found = read_validated(root, rel, model, ann.problems)
            if found is not None:
                setattr(ann, "tax_design" if name == "parameters" else name, getattr(found, name))
    return ann


def raise_problems(problems: list[Problem]) -> NoReturn:
    from .problems import ValidationFailed

    raise ValidationFailed(problems)
