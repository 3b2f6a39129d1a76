"""Load YAML safely, keeping the line of every key and list item.

Only plain data is accepted: one document of mappings with string keys, lists, strings,
integers, floats, booleans and null. Anchors and aliases, merge keys, duplicate keys and
tags that name anything else (such as Python objects) are errors, so no file can expand
into a huge structure or construct code. The document is built from the parser's events
without recursion, and nesting deeper than MAX_DEPTH is refused, so no file can exhaust
the stack either. Files larger than MAX_BYTES are refused before they are read.
Timestamps stay strings (dates are checked by the models, which can say where a bad one
is).
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml

from .problems import field_path

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
_TAG = "tag:yaml.org,2002:"
_TEXT_TAGS = {"str", "timestamp", "value"}
_SCALAR_TAGS = {"int", "float", "bool", "null"}
_DEFAULT_TAGS = {yaml.ScalarNode: _TAG + "str", yaml.SequenceNode: _TAG + "seq", yaml.MappingNode: _TAG + "map"}
_IMPLICIT = yaml.SafeLoader.yaml_implicit_resolvers


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader with the same tag resolution in fewer steps (the safe loader has
    no path resolvers to consult)."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            for tag, regexp in _IMPLICIT.get(value[:1], ()):
                if regexp.match(value):
                    return tag
        return _DEFAULT_TAGS[kind]


class YamlError(Exception):
    """A file that is not acceptable YAML; `line` is 1-based (0 when unknown), `field`
    the path of the offending key or value where the file could be read that far."""

    def __init__(self, message: str, line: int = 0, field: str = "", code: str = "yaml.syntax") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field
        self.code = code


class LDict(dict):
    """A mapping that knows the line of itself and of each of its keys."""

    __slots__ = ("line", "key_lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}


class LList(list):
    """A list that knows the line of itself and of each of its items."""

    __slots__ = ("line", "item_lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


def _too_big(size: int) -> YamlError:
    return YamlError(
        f"file is {size / 1048576:.1f} MB, larger than the "
        f"{MAX_BYTES // 1048576} MB limit for an annotation file",
        code="file.unreadable",
    )


def decode(raw: bytes) -> str:
    """Decode UTF-8 (a BOM is dropped), normalise line endings to \\n."""
    if len(raw) > MAX_BYTES:
        raise _too_big(len(raw))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(
            f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte {exc.start}; "
            "save the file as UTF-8",
            line,
            code="file.encoding",
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path) -> str:
    """The decoded text of a regular file (not a symbolic link, at most MAX_BYTES)."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            raise YamlError("symbolic links are not allowed in annotations", code="file.symlink")
        if stat.S_ISDIR(info.st_mode):
            raise YamlError("is a folder, not a file", code="file.unreadable")
        if not stat.S_ISREG(info.st_mode):
            raise YamlError("is not a regular file", code="file.unreadable")
        if info.st_size > MAX_BYTES:
            raise _too_big(info.st_size)
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise YamlError("file not found", code="file.unreadable") from None
    except OSError as exc:
        raise YamlError(f"cannot read the file: {exc.strerror or exc}", code="file.unreadable") from None
    return decode(raw)


def loads(text: str) -> Any:
    """Parse one YAML document into LDict/LList/scalars."""
    loader = _Loader(text)
    try:
        return _document(loader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(text, exc) from None
    except yaml.reader.ReaderError as exc:
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        line = text.encode("utf-8", "surrogatepass")[: exc.position].count(b"\n") + 1
        raise YamlError(f"character U+{char:04X} is not allowed in YAML: {exc.reason}", line, code="file.encoding") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}") from None
    finally:
        loader.dispose()


def _syntax_error(text: str, exc: yaml.MarkedYAMLError) -> YamlError:
    """A located syntax error. An unclosed list, mapping or quote, or a key without its
    colon, is reported where it starts, not where the parser gave up; the parser's most
    common complaints about indentation are said in plain words, at the line to fix."""
    mark, start = exc.problem_mark or exc.context_mark, exc.context_mark
    problem = exc.problem or "invalid YAML"
    if mark is None:
        return YamlError(f"YAML syntax error: {problem}")
    if "\t" in problem or "tab" in problem or _char_at(text, mark) == "\t":
        return YamlError(f"YAML syntax error: {problem} (use spaces, not tabs, for indentation)", mark.line + 1)
    plain = _indentation(text, problem, exc.context or "", mark.line, start.line if start is not None else None)
    if plain is not None:
        return YamlError(f"YAML syntax error: {plain[1]}", plain[0] + 1)
    if not exc.context or start is None or start.line == mark.line:
        return YamlError(f"YAML syntax error: {problem}", mark.line + 1)
    if exc.context.startswith("while parsing a block"):
        return YamlError(f"YAML syntax error: {problem} ({exc.context} that starts on line {start.line + 1})", mark.line + 1)
    return YamlError(f"YAML syntax error: {problem} ({exc.context} that starts here; the parser stopped on line {mark.line + 1})", start.line + 1)


def _indentation(text: str, problem: str, context: str, line: int, start: int | None) -> tuple[int, str] | None:
    """(line to fix, 0-based, and what is wrong in plain words) for the parser's complaints
    about a misplaced colon or indentation; None for any other complaint."""
    lines = text.split("\n")
    here = lines[line] if line < len(lines) else ""
    indent = _indent(here)
    if problem == "mapping values are not allowed in this context":
        key, _, value = here.strip().partition(": ")
        if ": " in value and not value.startswith(("'", '"')):
            return line, f"this line holds a second ': ' after its key {key!r}: a value that contains ': ' must be quoted"
        above = [i for i in range(line - 1, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")]
        if above:
            previous = above[0]
            before = _indent(lines[previous])
            earlier = [_indent(lines[i]) for i in above[1:2]]
            if before < indent and earlier == [indent]:  # the line above is out of step with the lines around it
                return previous, (f"this line is indented by {before} spaces, the lines around it by {indent}: "
                                  "keys of one mapping line up at the same indentation")
            return line, (f"this line is indented deeper ({indent} spaces) than line {previous + 1} ({before}), which "
                          "already has a value: indent it like the keys it belongs with, or quote a value that contains ': '")
    if problem == "did not find expected '-' indicator" and start is not None:
        return line, (f"this line's indentation ({indent} spaces) breaks the list that starts on line {start + 1}: each item "
                      "begins with '- ' at the list's indentation, and an item's further keys line up under its first key")
    if problem == "did not find expected key" and start is not None and context.startswith("while parsing a block mapping"):
        return line, (f"this line's indentation ({indent} spaces) breaks the mapping that starts on line {start + 1}: "
                      "its keys line up at one indentation")
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _char_at(text: str, mark: Any) -> str:
    lines = text.split("\n")
    return lines[mark.line][mark.column : mark.column + 1] if mark.line < len(lines) else ""


def load_file(path: Path) -> Any:
    """Read, decode and parse a YAML file."""
    return loads(read_text(path))


class _Key:
    """Marks a mapping that waits for its next key."""


_NEXT_KEY = _Key()


def _document(loader: Any) -> Any:
    """Build the single document of the stream from parser events, without recursion.
    The path of a key or value is worked out only for an error message."""
    loader.get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        raise YamlError("the file is empty", 1, code="yaml.empty")
    loader.get_event()  # document start
    open_nodes: list[LDict | LList] = []
    pending: list[Any] = []  # per open mapping: the key waiting for its value, or _NEXT_KEY
    trail: list[str | int] = []  # where each open node but the first sits in its parent
    root: Any = None
    get_event = loader.get_event
    while True:
        event = get_event()
        kind_of_event = type(event)
        if kind_of_event is _MAP_END or kind_of_event is _SEQ_END:
            open_nodes.pop()
            pending.pop()
            if not open_nodes:
                break
            trail.pop()
            continue
        line = event.start_mark.line + 1
        parent = open_nodes[-1] if open_nodes else None
        in_map = type(parent) is LDict
        is_key = in_map and pending[-1] is _NEXT_KEY
        slot = len(parent) if type(parent) is LList else pending[-1] if parent is not None else None
        try:
            if kind_of_event is _ALIAS or event.anchor is not None:
                raise YamlError("YAML anchors (&) and aliases (*) are not allowed", line, code="yaml.anchor")
            if kind_of_event is _SCALAR:
                kind, value = _scalar(loader, event, line)
            else:
                kind, value = _collection(event, line)
            if is_key:
                if kind == "merge":
                    raise YamlError("YAML merge keys (<<) are not allowed", line, code="yaml.merge-key")
                if type(value) is not str:
                    shown = "a mapping" if kind == "map" else "a list" if kind == "seq" else repr(value)
                    raise YamlError(f"keys must be text, not {shown}", line, code="yaml.key-type")
        except YamlError as exc:
            exc.field = field_path(trail if slot is None or is_key else [*trail, slot])
            raise
        if is_key:
            if value in parent:  # type: ignore[operator]  # is_key: parent is an LDict
                raise YamlError(f"duplicate key {value!r} (first on line {parent.key_lines[value]})", line,  # type: ignore[union-attr]
                                field_path([*trail, value]), "yaml.duplicate-key")
            parent.key_lines[value] = line  # type: ignore[union-attr]
            pending[-1] = value
            continue
        if in_map:
            parent[pending[-1]] = value  # type: ignore[index]  # in_map: parent is an LDict
            pending[-1] = _NEXT_KEY
        elif parent is not None:
            parent.item_lines.append(line)  # type: ignore[union-attr]  # an LList
            parent.append(value)  # type: ignore[union-attr]
        else:
            root = value
        if kind == "map" or kind == "seq":
            if len(open_nodes) == MAX_DEPTH:
                raise YamlError(f"YAML nested more than {MAX_DEPTH} levels deep", line, code="yaml.too-deep")
            if parent is not None:
                trail.append(slot)  # type: ignore[arg-type]  # slot is set when there is a parent
            open_nodes.append(value)
            pending.append(_NEXT_KEY)
        elif parent is None:
            break
    loader.get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        extra = loader.peek_event().start_mark.line + 1
        raise YamlError("a file must hold one YAML document, but another one starts here", extra, code="yaml.documents")
    if root is None:
        raise YamlError("the file holds no data (only null)", 1, code="yaml.empty")
    return root


_MAP_END, _SEQ_END, _ALIAS, _SCALAR = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.AliasEvent, yaml.ScalarEvent
_DECIMAL = frozenset("0123456789")


def _collection(event: Any, line: int) -> tuple[str, LDict | LList]:
    kind = "map" if type(event) is yaml.MappingStartEvent else "seq"
    if event.tag not in (None, "!", _TAG + kind):
        raise YamlError(f"YAML tag {event.tag!r} is not allowed", line, code="yaml.tag")
    return kind, (LDict(line) if kind == "map" else LList(line))


def _scalar(loader: Any, event: Any, line: int) -> tuple[str, Any]:
    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    kind = tag.removeprefix(_TAG)
    if kind in _TEXT_TAGS or kind == "merge":
        return kind, event.value
    if not tag.startswith(_TAG) or kind not in _SCALAR_TAGS:
        raise YamlError(f"YAML tag {tag!r} is not allowed", line, code="yaml.tag")
    value = event.value
    if kind == "int" and value and (value == "0" or value[0] != "0") and _DECIMAL.issuperset(value):
        return kind, int(value)  # a plain decimal, the common case (YAML 1.1 reads 012 as octal, 1_000 with its underscore)
    node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark)
    try:
        return kind, yaml.SafeLoader.yaml_constructors[tag](_SCALAR_CONSTRUCTOR, node)
    except (ValueError, KeyError, IndexError):
        raise YamlError(f"cannot read {value!r} as {kind}", line, code="yaml.scalar") from None


_SCALAR_CONSTRUCTOR = yaml.SafeLoader("")
