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
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, NoReturn

import pyarrow as pa
from pydantic import BaseModel

from . import layout
from .cache import Chunk, FileCache, Stored, columns_by_file
from .cache import key as cache_key
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
from .quotes import COLUMNS as QUOTE_COLUMNS
from .quotes import QuoteCheck, examples
from .records import line_of, path_at, validate
from .rows import Rows
from .stamps import Seen, code_digest
from .yamlsafe import MAX_BYTES, LDict, YamlError, decode, load_file, loads

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


@dataclass(frozen=True)
class Part:
    """One chunk's rows of one table: the chunk's files, how many rows and their schema,
    and the rows (an Arrow table read in this run, or one the cache holds, loaded when it
    is wanted)."""

    files: frozenset[str]
    num_rows: int
    schema: pa.Schema
    load: Callable[[], pa.Table]


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
    rows: dict[str, list[Part]] = field(default_factory=dict)  # table -> chunks of rows from those files, in order
    comparisons: list[Comparison] = field(default_factory=list)
    comparisons_data: LDict | None = None
    relations: list[Any] = field(default_factory=list)
    tax_design: list[Any] = field(default_factory=list)
    conflicts: list[Any] = field(default_factory=list)
    units: dict[str, Any] = field(default_factory=dict)  # a coder's units.yaml -> its record
    unit_matches: list[UnitMatch] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)  # SHA-256 of the case and coding files, where the cache took it
    cache_key: str = ""  # the key of the cache they were read with ("" where none was used)

    def chunks(self, table: str, files: set[str] | None = None) -> list[pa.Table]:
        """The chunks of rows of a table from the case and coding files, in order; with
        `files`, those of chunks of which none of these files is part are left empty."""
        return [p.load() if files is None or not p.files.isdisjoint(files) else p.schema.empty_table() for p in self.rows.get(table, [])]

    def row_count(self, table: str) -> int:
        """How many rows of a table the case and coding files gave."""
        return sum(p.num_rows for p in self.rows.get(table, []))

    def stored_texts(self) -> dict[str, str]:
        """The text of each source the repository stores (source id -> text)."""
        return {sid: s.text for sid, s in self.sources.items() if s.text is not None}

    @cached_property
    def quotes(self) -> QuoteCheck:
        """The quote check against the stored texts: one for every file read here, so that
        each source's normalised index is built once."""
        return QuoteCheck(self.stored_texts(), examples(self.codebook))


def linked(root: Path, rel: str) -> bool:
    """Whether root/rel, or a folder on the way to it, is a symbolic link."""
    return (root / rel).resolve() != root.resolve() / rel


def read_yaml(root: Path, rel: str, problems: list[Problem], raw: bytes | None = None) -> Any | None:
    """Parse one YAML file (from `raw`, its bytes, when they were read already); on failure
    record the problem and return None."""
    if raw is None and linked(root, rel):  # bytes are read only from a regular file in a folder that is no link
        problems.append(Problem(rel, 0, "", "symbolic links are not allowed in annotations", "file.symlink"))
        return None
    try:
        return load_file(root / rel) if raw is None else loads(decode(raw))
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


def _names(folder: Path) -> list[str]:
    """The names in a folder (none where it is no folder)."""
    try:
        return os.listdir(folder)
    except (NotADirectoryError, FileNotFoundError, PermissionError):
        return []


def case_files(root: Path) -> list[str]:
    """Case files, relative to root, in name order (files starting with _ are templates)."""
    return sorted(f"{layout.CASES_DIR}/{n}" for n in _names(root / layout.CASES_DIR) if n.endswith(".yaml") and not n.startswith("_"))


def _misnamed_case_files(root: Path) -> list[str]:
    """Files that look like case files but would not be read (such as .yml)."""
    return sorted(f"{layout.CASES_DIR}/{n}" for n in _names(root / layout.CASES_DIR)
                  if os.path.splitext(n)[1].lower() in (".yaml", ".yml") and not n.endswith(".yaml") and not n.startswith(("_", ".")))


def coding_files(root: Path) -> list[str]:
    """Files of further coders, annotations/codings/<coder>/<case_id>.yaml, in name order."""
    folder = root / layout.CODINGS_DIR
    return sorted(f"{layout.CODINGS_DIR}/{coder}/{n}" for coder in _names(folder) if (folder / coder).is_dir()
                  for n in _names(folder / coder) if n.endswith(".yaml") and n != layout.UNITS)


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
    cache: FileCache | None = None  # the index of these files only; None: no cache
    records: list[CaseRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, Any] = field(default_factory=dict)


def _read_chunk(chunk: _Chunk, cb: Codebook, quotes: QuoteCheck) -> _Chunk:
    """Read, validate, turn into rows and check the quotes of the files of one chunk. With
    a cache, a file unchanged since the chunk's last entry gives its rows and records from
    there; the chunk's new entry is stored when every file could be read."""
    rows = Rows(cb)
    model = case_model(cb) if chunk.kind == "case" else coding_file_model(cb)
    cache = chunk.cache
    earlier = _earlier_rows(cache, chunk.files) if cache is not None else {}
    folders: dict[str, bool] = {}  # folder -> whether it, or one on the way to it, is a symbolic link
    clean: dict[str, list[dict[str, Any]]] = {}  # file without problems -> its records
    for rel in chunk.files:
        raw: bytes | None = None
        seen = None
        folder = rel.rpartition("/")[0]
        if folders.setdefault(folder, linked(chunk.root, folder)):
            pass  # read_yaml reports the link
        elif cache is None:
            raw = _regular_file_bytes(chunk.root / rel)
        else:
            raw, seen = cache.content(rel)
            if seen is not None and rel in earlier and earlier[rel][0] == seen.sha256:
                _, columns, records = earlier[rel]
                rows.extend(columns)
                chunk.records += [CaseRecord(**record) for record in records]
                clean[rel] = records
                continue
            if seen is not None and raw is None:  # the index vouched for rows that are not there
                raw, seen = cache.content(rel, trust_index=False)
        n_problems, n_records = len(chunk.problems), len(chunk.records)
        _read_file(chunk, rel, raw, cb, model, rows, quotes)
        if len(chunk.problems) == n_problems:
            clean[rel] = [asdict(r) for r in chunk.records[n_records:]]
    chunk.rows = rows.arrow()
    if cache is not None and len(cache.seen) == len(chunk.files):
        name = cache.chunk_name(chunk.kind, [(rel, cache.seen[rel].sha256) for rel in chunk.files])
        cache.put_chunk(name, Chunk(chunk.rows, clean, {rel: cache.seen[rel].sha256 for rel in clean}))
    return chunk


def _regular_file_bytes(path: Path) -> bytes | None:
    """The bytes of a regular file that is not too large to read; None for anything else
    (read_yaml then says what is wrong with it)."""
    try:
        info = path.lstat()
        return path.read_bytes() if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_BYTES else None
    except OSError:
        return None


def _earlier_rows(cache: FileCache, files: list[str]) -> dict[str, tuple[str, dict[str, dict[str, list[Any]]], list[dict[str, Any]]]]:
    """The SHA-256, rows and records of each file as the chunk entries of the last run hold them."""
    found: dict[str, tuple[str, dict[str, dict[str, list[Any]]], list[dict[str, Any]]]] = {}
    wanted = set(files)
    for name in sorted({cache.index[rel].chunk for rel in files if rel in cache.index} - {""}):
        entry = cache.get_chunk(name)
        tables = entry.tables() if entry is not None else None
        if entry is not None and tables is not None:
            for rel, columns in columns_by_file(tables, wanted & entry.records.keys()).items():
                found[rel] = entry.sha256[rel], columns, entry.records[rel]
    return found


def _read_file(chunk: _Chunk, rel: str, raw: bytes | None, cb: Codebook, model: type[BaseModel], rows: Rows, quotes: QuoteCheck) -> None:
    """Read one case or coding file (from `raw`, its bytes, when given) into rows and records."""
    folder, stem = Path(rel).parent.name, Path(rel).stem
    data = read_yaml(chunk.root, rel, chunk.problems, raw)
    version = data.get("codebook_version") if chunk.kind == "coding" and isinstance(data, dict) else cb.codebook_version
    if version != cb.codebook_version and version not in cb.codings_valid_from:
        if folder not in chunk.earlier:  # an earlier round's files are kept for the record, not read
            chunk.problems.append(Problem(
                rel, line_of(data, ("codebook_version",)), "codebook_version",
                f"coded under codebook {version!r}, but the codebook is {cb.codebook_version}: a coding enters the dataset "
                "only under the codebook it was made with, or one the codebook's codings_valid_from lists (list an earlier round's coder with `earlier_round` in "
                f"{layout.CODERS})", "coding.codebook-version"))
        return
    data, record = validated(data, rel, model, chunk.problems)
    if chunk.kind == "case" and isinstance(data, dict):
        chunk.problems += placeholders_left(data, rel, chunk.placeholders)
    if record is None:
        return
    first = rows.marks().get("evidence", 0)
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
    evidence = rows.rows["evidence"]
    if len(evidence.get("_file", ())) > first:
        chunk.problems += quotes.problems(rel, list(zip(*(evidence[c][first:] for c in QUOTE_COLUMNS))),
                                          lambda where: line_of(data, path_at(data, where)))


_worker: tuple[Codebook, QuoteCheck] | None = None


def _start_worker(cb: Codebook, texts: dict[str, str]) -> None:
    global _worker
    _worker = cb, QuoteCheck(texts, examples(cb))


def _read_in_worker(chunk: _Chunk) -> _Chunk:
    assert _worker is not None
    return _read_chunk(chunk, *_worker)


def _read_chunks(chunks: list[_Chunk], ann: Annotations) -> Iterator[_Chunk]:
    """Read the chunks, in order: in worker processes when there are many files."""
    workers = min(os.cpu_count() or 1, len(chunks))
    if sum(len(c.files) for c in chunks) < PARALLEL_FILES or workers < 2:
        yield from (_read_chunk(chunk, ann.codebook, ann.quotes) for chunk in chunks)
        return
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(ann.codebook, ann.stored_texts())) as pool:
        yield from pool.map(_read_in_worker, chunks)


def _cache_key(root: Path, ann: Annotations) -> str:
    """The key of the cache: what reading a case or coding file depends on besides the file."""
    parts = [code_digest()]
    for rel in (layout.CODEBOOK, layout.TEMPLATE, layout.SOURCES_META, layout.CODERS, layout.UNIT_MATCHES):
        try:
            parts.append(rel.encode() + b"\0" + (root / rel).read_bytes())
        except OSError:
            parts.append(rel.encode())
    parts += [f"{sid}\0{s.text}".encode("utf-8", "surrogatepass") for sid, s in sorted(ann.sources.items()) if s.text is not None]
    return cache_key(parts)


def _read_case_files(root: Path, ann: Annotations, use_cache: bool) -> None:
    ann.case_files = case_files(root)
    for rel in _misnamed_case_files(root):
        ann.problems.append(Problem(rel, 0, "", f"not read: case files are named <case_id>.yaml (rename it to {Path(rel).stem}.yaml)", "file.misnamed"))
    left = placeholders(root, ann.codebook, ann.problems)
    matches = {(m.coder, m.unit): m.case for m in ann.unit_matches}
    earlier = frozenset(c.id for c in ann.coders.values() if c.earlier_round)
    if use_cache:
        ann.cache_key = _cache_key(root, ann)
    cache = FileCache.open(root, ann.cache_key) if use_cache else None
    chunks = [_Chunk(root, kind, part, left, matches, earlier)
              for kind, files in (("case", ann.case_files), ("coding", coding_files(root)))
              for part in (files[i:i + CHUNK_FILES] for i in range(0, len(files), CHUNK_FILES))]
    done: dict[int, _Kept] = {}  # chunks the cache holds whole
    seen: dict[str, Seen] = {}
    if cache is not None:
        for k, chunk in enumerate(chunks):
            entry = _whole(cache, chunk, seen)
            if entry is not None:
                chunk.records = [CaseRecord(**r) for rel in chunk.files for r in entry.records[rel]]
                done[k] = _Kept(chunk, entry, ann, cache)
            else:
                chunk.cache = cache.for_files(chunk.files)
    read = _read_chunks([c for k, c in enumerate(chunks) if k not in done], ann)
    for k in range(len(chunks)):
        chunk = done[k].chunk if k in done else next(read)
        if chunk.cache is not None:
            seen.update(chunk.cache.seen)
        ann.problems += chunk.problems
        (ann.cases if chunk.kind == "case" else ann.other_codings).extend(chunk.records)
        files = frozenset(chunk.files)
        if k in done:
            entry = done[k].entry
            for name in entry.sections:
                ann.rows.setdefault(name, []).append(Part(files, entry.num_rows(name), entry.schemas[name], done[k].loader(name)))
        for name, table in chunk.rows.items():
            ann.rows.setdefault(name, []).append(Part(files, table.num_rows, table.schema, _given(table)))
    if cache is not None:
        cache.save(seen)
        ann.hashes = {rel: known.sha256 for rel, known in seen.items()}


def _given(table: pa.Table) -> Callable[[], pa.Table]:
    return lambda: table


class _Kept:
    """A chunk the cache holds whole. Each of its tables is loaded from the chunk's entry
    when it is wanted; where a section turns out corrupt then, the chunk's files are read
    again (which stores the entry anew), and a file that changed since this run first
    looked at it is reported, for its records were those of the entry."""

    def __init__(self, chunk: _Chunk, entry: Stored, ann: Annotations, cache: FileCache) -> None:
        self.chunk, self.entry, self.ann, self.cache = chunk, entry, ann, cache
        self.reread: _Chunk | None = None

    def loader(self, name: str) -> Callable[[], pa.Table]:
        return lambda: self.table(name)

    def table(self, name: str) -> pa.Table:
        table = self.entry.table(name)
        if table is not None:
            return table
        if self.reread is None:
            chunk = self.chunk
            self.reread = _read_chunk(replace(chunk, cache=self.cache.for_files(chunk.files), records=[], problems=[], rows={}),
                                      self.ann.codebook, self.ann.quotes)
            self.ann.problems += self.reread.problems
            sha256 = self.reread.cache.seen if self.reread.cache is not None else {}
            for rel in chunk.files:
                if rel not in sha256 or sha256[rel].sha256 != self.entry.sha256[rel]:
                    self.ann.problems.append(Problem(rel, 0, "", "the file changed while it was being validated: validate again", "file.changed"))
        # no rows where the files that had them changed (and are reported)
        return self.reread.rows[name] if name in self.reread.rows else self.entry.schemas[name].empty_table()


def _whole(cache: FileCache, chunk: _Chunk, seen: dict[str, Seen]) -> Stored | None:
    """The cache's entry of a chunk whose files are all unchanged and had no problem, if any
    (their records go into `seen`); the folders are checked for symbolic links as for a read."""
    known = [cache.unchanged(rel) for rel in chunk.files]
    if any(k is None or not k.chunk for k in known) or any(linked(chunk.root, f) for f in {rel.rpartition("/")[0] for rel in chunk.files}):
        return None
    name = cache.chunk_name(chunk.kind, [(rel, k.sha256) for rel, k in zip(chunk.files, known)])  # type: ignore[union-attr]
    entry = cache.get_chunk(name) if all(k.chunk == name for k in known) else None  # type: ignore[union-attr]
    if entry is None or entry.sha256 != {rel: k.sha256 for rel, k in zip(chunk.files, known)}:  # type: ignore[union-attr]
        return None
    seen.update(zip(chunk.files, known))  # type: ignore[arg-type]
    return entry


def load_annotations(root: Path, use_cache: bool = True) -> Annotations:
    """Read and validate every file; the result's problems list what is wrong. Case and
    coding files unchanged since an earlier run are taken from the cache (cache.py)
    unless `use_cache` is false; the result is the same either way."""
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
    _read_case_files(root, ann, use_cache)
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
