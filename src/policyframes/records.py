"""Validate parsed YAML against a record model and turn failures into located problems."""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .problems import LocatedError, Problem, field_path, not_one_of
from .yamlsafe import LDict, LList

M = TypeVar("M", bound=BaseModel)


def line_of(data: Any, loc: tuple[Any, ...]) -> int:
    """Line of the deepest part of `loc` that exists in the parsed YAML."""
    line = getattr(data, "line", 1)
    node = data
    for part in loc:
        if isinstance(node, LDict) and part in node:
            line, node = node.key_lines[part], node[part]
        elif isinstance(node, LList) and isinstance(part, int) and 0 <= part < len(node):
            line, node = node.item_lines[part], node[part]
        else:
            break
    return line


def path_at(data: Any, field: str) -> tuple[Any, ...]:
    """The keys and indices of a field path such as codes.framing.evidence[0] in the
    parsed YAML, as far as they exist (keys may themselves contain dots)."""
    node, rest, path = data, field, []
    while rest:
        if isinstance(node, LList) and rest.startswith("["):
            index, _, rest = rest[1:].partition("]")
            if not index.isdigit() or int(index) >= len(node):
                break
            path.append(int(index))
            node = node[int(index)]
        elif isinstance(node, LDict):
            keys = [k for k in node if rest == k or rest.startswith((k + ".", k + "["))]
            if not keys:
                break
            key = max(keys, key=len)
            path.append(key)
            node, rest = node[key], rest[len(key):]
        else:
            break
        rest = rest.removeprefix(".")
    return tuple(path)


def _field_type(model: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The annotation that the model gives to the location `loc` (None if unknown)."""
    current: Any = model
    for part in loc:
        while typing.get_origin(current) in (typing.Union, types.UnionType):
            current = next(a for a in typing.get_args(current) if a is not type(None))
        if isinstance(part, int):
            args = typing.get_args(current)
            if not args:
                return None
            current = args[0]
            continue
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return None
    return current


_CONSTRAINTS = {  # pydantic's error types of constraints -> problem codes
    "greater_than": "record.out-of-range", "greater_than_equal": "record.out-of-range",
    "less_than": "record.out-of-range", "less_than_equal": "record.out-of-range",
    "too_short": "record.out-of-range", "too_long": "record.out-of-range",
    "string_too_short": "record.out-of-range", "string_too_long": "record.out-of-range",
    "string_pattern_mismatch": "record.pattern",
}


_PLAIN = {  # pydantic's constraint messages in plain words
    "greater_than": "must be more than {gt}", "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}", "less_than_equal": "must be at most {le}",
    "too_short": "needs at least {min_length} item(s)", "string_too_short": "needs at least {min_length} character(s)",
}
_FORMS = {  # the patterns of identifiers and checksums, in words
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "lowercase ASCII letters and digits, in words joined by hyphens (such as chongqing-model)",
    r"^[a-z0-9_]+$": "lowercase ASCII letters, digits and underscores (such as c2)",
    r"^[0-9a-f]{64}$": "a SHA-256 checksum: 64 lowercase hexadecimal digits",
    r"^\d+\.\d+\.\d+$": "a version MAJOR.MINOR.PATCH in quotes (such as \"2.0.0\")",
    r"^\d{4}-\d{2}-\d{2}$": "a date YYYY-MM-DD in quotes",
}


def _message(model: type[BaseModel], error: Any) -> tuple[tuple[Any, ...], str, str]:
    """The location, message and problem code of one pydantic error."""
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    if kind == "literal_error":
        allowed = list(typing.get_args(_field_type(model, loc)))
        return loc, not_one_of(value, allowed), "record.not-one-of"
    if kind == "extra_forbidden":
        parent = _field_type(model, loc[:-1])
        allowed = list(parent.model_fields) if isinstance(parent, type) and issubclass(parent, BaseModel) else []
        message = f"unknown key {loc[-1]!r}"
        if allowed:
            message = not_one_of(loc[-1], allowed).replace(" is not one of ", " is not an allowed key; allowed: ", 1)
        if isinstance(loc[-1], str) and not loc[-1].isascii():
            message += f" (it contains {', '.join(f'U+{ord(c):04X}' for c in loc[-1] if not c.isascii())})"
        return loc, message, "record.unknown-key"
    if kind == "missing":
        if loc[-1] in ("start", "end") and "evidence" in loc:
            return loc, "required field is missing: run `policyframes locate` to write the quote's offsets", "record.missing-key"
        return loc, "required field is missing", "record.missing-key"
    if kind.endswith("_type") or kind == "model_type":
        shown = "a mapping" if isinstance(value, dict) else "a list" if isinstance(value, list) else f"{type(value).__name__} {value!r}"
        hint = " (put identifiers and dates in quotes)" if isinstance(value, (int, float, bool)) else ""
        wanted = "a mapping of keys to values" if kind in ("model_type", "dict_type") else error["msg"].lower().removeprefix("input should be ")
        return loc, f"should be {wanted}, got {shown}{hint}", "record.wrong-type"
    if kind == "string_pattern_mismatch":
        pattern = (error.get("ctx") or {}).get("pattern", "")
        return loc, f"must be {_FORMS.get(pattern, f'in the form {pattern}')} (got {value!r})", "record.pattern"
    if kind in _PLAIN:
        ctx = error.get("ctx") or {}
        return loc, _PLAIN[kind].format(**ctx) + f" (got {value!r})", _CONSTRAINTS[kind]
    raised = (error.get("ctx") or {}).get("error")
    if isinstance(raised, LocatedError):
        loc += raised.loc
    code = getattr(raised, "code", None) or _CONSTRAINTS.get(kind, "record.invalid")
    message = error["msg"].removeprefix("Value error, ")
    if value is not None and not isinstance(value, (dict, list)) and kind != "value_error":
        message += f" (got {value!r})"
    return loc, message, code


def validate(model: type[M], data: Any, file: str, problems: list[Problem]) -> M | None:
    """Validate data (parsed YAML) against a model; add every failure to problems."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc, message, code = _message(model, error)
            problems.append(Problem(file, line_of(data, loc), field_path(loc), message, code))
        return None
