"""Validation problems: what is wrong, in which file, on which line, in which field."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

# Every problem's stable code and what it means. Editors and CI match on the code, never
# on the message, which may be reworded. The layer that finds each kind of problem is
# the code's prefix: file and yaml (reading a file), record (one record against its
# model), source, case and coding (rules of one file), then the tables' rules, one
# prefix per table, and codebook (the codebook against what is built).
CODES: dict[str, str] = {
    "file.unreadable": "The file cannot be read (missing, a folder, not a regular file, too large, or an I/O error).",
    "file.symlink": "A symbolic link where the annotations need a plain file.",
    "file.misnamed": "A file that looks like a case file but is not named <case_id>.yaml, so it would not be read.",
    "file.encoding": "The file is not UTF-8 text, or holds a character YAML does not allow.",
    "file.changed": "The file changed while the validation was reading it: validate again.",
    "yaml.syntax": "The file is not well-formed YAML.",
    "yaml.empty": "The file is empty, or holds only null.",
    "yaml.documents": "The file holds more than one YAML document.",
    "yaml.anchor": "A YAML anchor or alias (refused: files are plain data).",
    "yaml.merge-key": "A YAML merge key (refused: files are plain data).",
    "yaml.tag": "A YAML tag (refused: files are plain data).",
    "yaml.key-type": "A key that is not text.",
    "yaml.duplicate-key": "A key given twice in one mapping.",
    "yaml.too-deep": "Nesting deeper than the reader allows.",
    "yaml.scalar": "A value that cannot be read as the type its form says.",
    "record.not-a-mapping": "The file holds a list or a single value where a mapping of keys is needed.",
    "record.unknown-key": "A key the record does not have (often a typo).",
    "record.missing-key": "A required key is missing.",
    "record.wrong-type": "A value of the wrong type (text for a number, a list for a mapping, ...).",
    "record.not-one-of": "A value outside the closed list the codebook allows.",
    "record.out-of-range": "A number outside its range, or a list or text of the wrong length.",
    "record.pattern": "An identifier or checksum not in its required form.",
    "record.blank": "A text field that is empty or only whitespace.",
    "record.control-character": "A tab or control character inside a quote.",
    "record.date": "A date that is not YYYY-MM-DD, YYYY-MM, YYYY or YYYX, not a calendar date, or in the future.",
    "record.needs-evidence": "A value that needs evidence has none.",
    "record.runner-up": "The runner-up is the value itself.",
    "record.other-specification": "other_specification missing for the value other, or given for another value.",
    "record.fact": "A fact that is not not_reported lacks its confidence or evidence, or takes another missing status.",
    "record.evidence-kind": "An evidence item that mixes a quote (quote, start, end) and a citation (locator, paraphrase).",
    "record.invalid": "A value the record's own rules refuse (the message says which rule).",
    "codebook.invalid": "The codebook is not consistent (a role, category, crosswalk, reference or table the build needs).",
    "codebook.columns": "The columns the codebook describes differ from those the build makes.",
    "source.file": "A source text is not a plain, readable UTF-8 file beside sources.yaml.",
    "source.checksum": "A source text's SHA-256 differs from the recorded one: the text changed.",
    "source.duplicate": "A source id given twice.",
    "source.record": "A source record that is incomplete or contradicts itself (a stored text without its checksum, a kind the codebook does not define).",
    "case.file-name": "The case id differs from the file name (or is another file's id).",
    "case.placeholder": "A placeholder text of the case template is still in a case file.",
    "coding.folder": "A coding file's coder differs from its folder name.",
    "coding.codebook-version": "A coding made under another version of the codebook.",
    "cases.not-one-of": "A case's categorical value outside the codebook's list.",
    "cases.not-coded": "A case lacks codes for some coded variables.",
    "cases.unknown-source": "A case lists a source that does not exist.",
    "cases.source-twice": "A case lists a source twice.",
    "cases.duplicate": "Two case files with the same case id.",
    "cases.parent": "A parent_case that is no case, or parent_case links that form a cycle.",
    "cases.components": "coded_in_components for a case that no case names as its parent.",
    "cases.single-coding": "A case with fewer than two independent codings and no single_coded reason.",
    "codings.unknown-variable": "A coding of a variable the codebook does not code.",
    "codings.unknown-coder": "A coder not in annotations/coders.yaml.",
    "codings.not-one-of": "A coder's value outside the variable's categories and allowed missing statuses.",
    "codings.confidence": "A confidence other than 1, 2 or 3.",
    "codings.unknown-case": "A coding of a case that does not exist.",
    "codings.duplicate": "A coder codes the same case and variable twice.",
    "codings.needs-adjudication": "Coders disagree and no adjudication decides.",
    "adjudications.not-needed": "An adjudication where the coders agree.",
    "adjudications.ungrounded": "An adjudicated value no coder gave, without evidence of its own.",
    "adjudications.unknown-adjudicator": "An adjudicator not in annotations/coders.yaml.",
    "adjudications.by-a-coder": "An adjudication by a coder who coded the same case and variable.",
    "evidence.unknown-source": "A quote from a source that does not exist.",
    "evidence.outside-source": "Offsets outside the source text.",
    "evidence.quote-mismatch": "A quote that does not match the source text at its offsets.",
    "evidence.example-reuse": "A quote that is a codebook example (examples illustrate, never evidence).",
    "evidence.not-stored": "A quote from a source whose text the repository does not store (cite it instead).",
    "evidence.source-not-listed": "A quote from a source the case does not list.",
    "evidence.unknown-attribution": "An attribution the codebook does not define.",
    "comparisons.unknown-case": "A comparison of a case that does not exist.",
    "comparisons.unknown-variable": "A comparison on a variable the codebook does not code.",
    "comparisons.contrast": "A contrast that contradicts the two cases' codes.",
    "comparisons.duplicate": "The same comparison and variable twice.",
    "relations.unknown-case": "A relation from or to a case that does not exist.",
    "relations.target": "A relation whose target does not fit its type (a case or the centre), or a case related to itself.",
    "relations.duplicate": "The same relation twice.",
    "timeline.duplicate": "The same event twice.",
    "units.duplicate": "The same unit twice.",
    "tax_design.unknown-case": "A tax_design row for a case that does not exist or is no property tax.",
    "tax_design.duplicate": "The same case, parameter and item twice.",
    "conflicts.unknown-case": "A conflict about a case that does not exist.",
    "conflicts.duplicate": "The same conflict id twice.",
    "locate.not-found": "A quote that is not in its source, or occurs more than once there (locate).",
    "locate.incomplete": "An evidence item without a source or a quote, or with an unknown source (locate).",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One error found in the annotations, located as precisely as possible, with its
    stable code (see CODES)."""

    file: str
    line: int
    field: str
    message: str
    code: str

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown problem code {self.code!r}")

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ValidationFailed(Exception):
    """Raised when annotations do not validate; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(set(problems))


class LocatedError(ValueError):
    """A validator's error about one part of the record: `loc` is the path to it."""

    def __init__(self, loc: tuple[Any, ...], message: str, code: str = "record.invalid") -> None:
        super().__init__(message)
        self.loc = loc
        self.code = code


class CodedValueError(ValueError):
    """A field validator's error with its problem code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


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
