"""Load YAML safely, keeping the line of every key and list item.

Only plain data is accepted: mappings with string keys, lists, strings, integers,
floats, booleans and null. Anchors and aliases, merge keys, duplicate keys and tags
that name anything else (such as Python objects) are errors, so no file can expand
into a huge structure or construct code. Timestamps stay strings (dates are checked
by the models, which can say where a bad one is).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 5 * 1024 * 1024
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {"str", "int", "float", "bool", "null", "timestamp"}
_STR, _TIMESTAMP, _MAP, _SEQ, _MERGE = (_TAG + k for k in ("str", "timestamp", "map", "seq", "merge"))
_DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}
_IMPLICIT = yaml.SafeLoader.yaml_implicit_resolvers


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader with the same tag resolution in fewer steps: the parser asks for
    the tag of every node, and the safe loader has no path resolvers to consult."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            for tag, regexp in _IMPLICIT.get(value[:1], ()):
                if regexp.match(value):
                    return tag
        return _DEFAULT_TAGS[kind]

    def descend_resolver(self, parent: Any, index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


class YamlError(Exception):
    """A file that is not acceptable YAML; `line` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


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


def decode(raw: bytes) -> str:
    """Decode UTF-8 (a BOM is dropped), normalise line endings to \\n."""
    if len(raw) > MAX_BYTES:
        raise YamlError(
            f"file is {len(raw) / 1048576:.1f} MB, larger than the "
            f"{MAX_BYTES // 1048576} MB limit for an annotation file"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(
            f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte {exc.start}; "
            "save the file as UTF-8",
            line,
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def loads(text: str) -> Any:
    """Parse one YAML document into LDict/LList/scalars."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or "invalid YAML"
        if "\t" in problem or "tab" in problem:
            problem += " (use spaces, not tabs, for indentation)"
        raise YamlError(f"YAML syntax error: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        raise YamlError("the file is empty", 1)
    try:
        return _convert(node, set())
    except RecursionError:
        raise YamlError("YAML nested too deeply", _line(node)) from None


def load_file(path: Path) -> Any:
    """Read, decode and parse a YAML file."""
    return loads(decode(path.read_bytes()))


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _convert(node: yaml.Node, seen: set[int]) -> Any:
    if id(node) in seen:
        raise YamlError("YAML anchors and aliases are not allowed", _line(node))
    seen.add(id(node))
    tag, cls = node.tag, node.__class__
    if cls is yaml.ScalarNode and (tag == _STR or tag == _TIMESTAMP):
        return node.value
    if cls is yaml.MappingNode:
        if tag != _MAP:
            raise YamlError(f"YAML tag {tag!r} is not allowed", _line(node))
        out = LDict(_line(node))
        key_lines = out.key_lines
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                raise YamlError("YAML merge keys (<<) are not allowed", _line(key_node))
            key = _convert(key_node, seen)
            if not isinstance(key, str):
                raise YamlError(f"keys must be text, not {key!r}", _line(key_node))
            if key in key_lines:
                raise YamlError(f"duplicate key {key!r} (first on line {key_lines[key]})", _line(key_node))
            key_lines[key] = _line(key_node)
            out[key] = _convert(value_node, seen)
        return out
    if cls is yaml.SequenceNode:
        if tag != _SEQ:
            raise YamlError(f"YAML tag {tag!r} is not allowed", _line(node))
        items = LList(_line(node))
        item_lines = items.item_lines
        for item in node.value:
            item_lines.append(_line(item))
            items.append(_convert(item, seen))
        return items
    kind = tag.removeprefix(_TAG)
    if not tag.startswith(_TAG) or kind not in _SCALAR_TAGS:
        raise YamlError(f"YAML tag {tag!r} is not allowed", _line(node))
    try:
        return yaml.SafeLoader.yaml_constructors[tag](_SCALAR_CONSTRUCTOR, node)
    except ValueError as exc:
        raise YamlError(f"cannot read {kind} {node.value!r}: {exc}", _line(node)) from None


_SCALAR_CONSTRUCTOR = yaml.SafeLoader("")
