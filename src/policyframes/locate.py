"""`policyframes locate`: find each evidence quote in its source and write its offsets.

The file is edited in place, changing only the `start` and `end` numbers (or adding
them after the evidence item's last key), so comments and layout stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .annotations import Source, linked
from .problems import Problem, field_path
from .textmatch import NormalisedText
from .yamlsafe import YamlError, loads, read_text

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Change:
    file: str
    line: int
    field: str
    old: tuple[int | None, int | None]
    new: tuple[int, int]

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: offsets {_span(self.old)} -> {self.new[0]}..{self.new[1]}"


def _span(span: tuple[int | None, int | None]) -> str:
    return "missing" if span[0] is None or span[1] is None else f"{span[0]}..{span[1]}"


def _evidence_items(node: yaml.Node, path: tuple = ()) -> list[tuple[tuple, yaml.MappingNode]]:
    """Every mapping listed under an `evidence` key, anywhere in the document."""
    found = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "evidence" and isinstance(value, yaml.SequenceNode):
                found += [(path + ("evidence", i), item) for i, item in enumerate(value.value) if isinstance(item, yaml.MappingNode)]
            else:
                found += _evidence_items(value, path + (key.value,))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += _evidence_items(item, path + (i,))
    return found


def _int(node: yaml.Node | None) -> int | None:
    if isinstance(node, yaml.ScalarNode) and node.value.isdigit():
        return int(node.value)
    return None


def locate_file(root: Path, rel: str, sources: dict[str, Source], write: bool) -> tuple[list[Change], list[Problem]]:
    """Compute (and with write=True apply) the offsets of every quote in one file."""
    changes: list[Change] = []
    problems: list[Problem] = []
    path = root / rel
    if linked(root, rel):
        return [], [Problem(rel, 0, "", "symbolic links are not allowed in annotations", "file.symlink")]
    try:
        text = read_text(path)
        loads(text)  # the same safety checks as validation
    except YamlError as exc:
        return [], [Problem(rel, exc.line, exc.field, exc.message, exc.code)]
    document = yaml.compose(text, Loader=_Loader)
    indexes: dict[str, NormalisedText] = {}
    edits: list[tuple[int, int, str]] = []
    for loc, item in _evidence_items(document):
        keys = {k.value: (k, v) for k, v in item.value}
        line = item.start_mark.line + 1
        where = field_path(loc)
        source_id = keys.get("source", (None, None))[1]
        quote = keys.get("quote", (None, None))[1]
        if quote is None and "locator" in keys:  # a citation: nothing to locate
            continue
        if not isinstance(source_id, yaml.ScalarNode) or not isinstance(quote, yaml.ScalarNode):
            problems.append(Problem(rel, line, where, "an evidence item needs a source and a quote (or, for a citation, "
                                    "a locator and a paraphrase)", "locate.incomplete"))
            continue
        if source_id.value not in sources:
            problems.append(Problem(rel, source_id.start_mark.line + 1, where + ".source", f"unknown source {source_id.value!r}", "locate.incomplete"))
            continue
        source_text = sources[source_id.value].text
        if source_text is None:
            problems.append(Problem(rel, quote.start_mark.line + 1, where + ".quote", f"the repository stores no text of source "
                                    f"{source_id.value!r}: cite it (locator, paraphrase) instead of quoting it", "locate.incomplete"))
            continue
        if source_id.value not in indexes:
            indexes[source_id.value] = NormalisedText(source_text)
        index = indexes[source_id.value]
        spans = index.find_all(quote.value)
        old = (_int(keys.get("start", (None, None))[1]), _int(keys.get("end", (None, None))[1]))
        if not spans:
            problems.append(Problem(rel, quote.start_mark.line + 1, where + ".quote", f"quote is not in source {source_id.value!r}", "locate.not-found"))
            continue
        if len(spans) > 1:
            chosen = [s for s in spans if s[0] == old[0]]
            if not chosen:
                listed = ", ".join(f"{s}..{e}" for s, e in spans)
                problems.append(Problem(rel, quote.start_mark.line + 1, where + ".quote",
                                        f"quote occurs {len(spans)} times in {source_id.value!r} (at {listed}); set start to the one you mean, or quote more", "locate.not-found"))
                continue
            spans = chosen
        new = spans[0]
        if old == new:
            continue
        changes.append(Change(rel, line, where, old, new))
        edits += _edits(text, item, keys, new)
    if write and edits and not problems:
        for start, end, replacement in sorted(edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        tmp = path.with_name(f".{path.name}.locate-tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return changes, problems


def _edits(text: str, item: yaml.MappingNode, keys: dict, new: tuple[int, int]) -> list[tuple[int, int, str]]:
    """Text edits that set start and end in one evidence mapping."""
    edits = []
    missing = []
    for name, value in zip(("start", "end"), new):
        if name in keys:
            node = keys[name][1]
            edits.append((node.start_mark.index, node.end_mark.index, str(value)))
        else:
            missing.append(f"{name}: {value}")
    if missing:
        if item.flow_style:
            close = item.end_mark.index - 1
            edits.append((close, close, ", " + ", ".join(missing)))
        else:
            indent = " " * item.value[0][0].start_mark.column
            last = item.value[-1][1].end_mark.index
            at = last if text[last - 1] == "\n" else (text.find("\n", last) + 1 or len(text))
            prefix = "" if at == 0 or text[at - 1] == "\n" else "\n"
            edits.append((at, at, prefix + "".join(f"{indent}{m}\n" for m in missing)))
    return edits
