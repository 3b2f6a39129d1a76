"""Validation problems: what is wrong, in which file, on which line, in which field."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One error found in the annotations, located as precisely as possible."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ValidationFailed(Exception):
    """Raised when annotations do not validate; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(set(problems))


class LocatedError(ValueError):
    """A validator's error about one part of the record: `loc` is the path to it."""

    def __init__(self, loc: tuple[Any, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


def field_path(loc: Iterable[Any]) -> str:
    """Format a location tuple as codes.framing.evidence[0].quote."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def not_one_of(value: Any, allowed: list[str]) -> str:
    """Message for a value outside a closed list, with a suggestion for near misses."""
    message = f"{value!r} is not one of {', '.join(allowed)}"
    if isinstance(value, str):
        close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.7)
        if close:
            message += f" (did you mean {close[0]!r}?)"
    return message
