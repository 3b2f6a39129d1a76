"""Each quote checked against its source's stored text (its offsets lie inside the text,
and the passage there is the quote under the codebook's normalisation, see textmatch),
and against the codebook's examples, which illustrate and are never evidence.

A row-local check: it needs nothing but the row and the source texts, so it runs as
each case or coding file is read, and its result is cached with the file's rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from .problems import Problem
from .textmatch import NormalisedText, matches

# The evidence columns a quote check reads, in this order.
COLUMNS = ("_field", "kind", "source_id", "start", "end", "quote")


class QuoteCheck:
    """The quote check against a fixed set of stored source texts (source id -> text) and
    the codebook's examples (normalised text -> "variable.category", see examples())."""

    def __init__(self, texts: dict[str, str], examples: dict[str, str]) -> None:
        self.texts = texts
        self._index: dict[str, NormalisedText] = {}
        self._normalised: dict[str, int] = defaultdict(int)  # characters of passages normalised on their own, by source
        self.examples = examples
        self._joined = "\0".join(examples)  # a quote inside an example is a substring of this, found in one search
        self._contained = re.compile("|".join(map(re.escape, examples))) if examples else None  # an example inside a quote

    def index(self, source_id: str) -> NormalisedText:
        """The normalised text of a source, built on first use."""
        if source_id not in self._index:
            self._index[source_id] = NormalisedText(self.texts[source_id])
        return self._index[source_id]

    def problems(self, file: str, rows: Sequence[Sequence[Any]], line: Callable[[str], int]) -> list[Problem]:
        """The problems of a file's evidence rows (each as COLUMNS), in row order; `line`
        gives the line of a field path. Unknown and unstored sources are left to the table rules."""
        wanted: dict[str, list[int]] = defaultdict(list)
        found: list[tuple[int, int, Problem]] = []  # (row, order within the row, problem)
        for i, (field, kind, source_id, start, end, quote) in enumerate(rows):
            if kind != "quote":
                continue
            if source_id in self.texts and start is not None and end is not None:
                wanted[source_id].append(i)
            example = self.example_in(quote)
            if example is not None:
                found.append((i, 1, Problem(file, line(f"{field}.quote"), f"{field}.quote", f"this quote is the codebook's example of {example}: "
                                            "examples illustrate and are never evidence of a coded case; quote another passage, "
                                            "or change the example in schema/codebook.yaml", "evidence.example-reuse")))
        for source_id, positions in wanted.items():
            n_chars = len(self.texts[source_id])
            inside = [i for i in positions if 0 <= rows[i][3] < rows[i][4] <= n_chars]
            for i in sorted(set(positions) - set(inside)):
                field, _, _, start, end, _ = rows[i]
                found.append((i, 0, Problem(file, line(f"{field}.end"), f"{field}.end",
                                            f"offsets {start}..{end} are outside source {source_id!r} ({n_chars} characters)", "evidence.outside-source")))
            text = self.texts[source_id]
            # a passage that is the quote itself matches; the others are normalised each on its
            # own until a quarter as many characters were as the source has (a file read after
            # an edit stays far below), then by the source's normalised text
            other = [i for i in inside if text[rows[i][3]:rows[i][4]] != rows[i][5].strip()]
            if not other:
                continue
            self._normalised[source_id] += sum(rows[i][4] - rows[i][3] for i in other)
            if source_id not in self._index and 4 * self._normalised[source_id] < n_chars:
                ok = [matches(text, rows[i][3], rows[i][4], rows[i][5]) for i in other]
            else:
                ok = self.index(source_id).matches_all([rows[i][3] for i in other], [rows[i][4] for i in other], [rows[i][5] for i in other])
            for i, matched in zip(other, ok):
                if not matched:
                    field, _, _, start, end, quote = rows[i]
                    found.append((i, 0, Problem(file, line(f"{field}.quote"), f"{field}.quote", mismatch(self.index(source_id), start, end, quote),
                                                "evidence.quote-mismatch")))
        return [problem for _, _, problem in sorted(found, key=lambda f: f[:2])]

    def example_in(self, quote: str) -> str | None:
        """The example ("variable.category") that a quote is, is part of or contains, if any."""
        quote = " ".join(quote.split())
        if quote not in self._joined and (self._contained is None or self._contained.search(quote) is None):
            return None
        return next((where for text, where in self.examples.items() if quote in text or text in quote), None)


def examples(cb: Any) -> dict[str, str]:
    """Each category example of the codebook (whitespace normalised) -> "variable.category"."""
    found: dict[str, str] = {}
    for v in cb.variables:  # a category shared with another variable keeps the name of the variable that defines it
        for c in v.categories:
            if c.example:
                found.setdefault(" ".join(c.example.text.split()), f"{v.name}.{c.code}")
    return found


def words(text: str) -> str:
    return " ".join(text.split())


def mismatch(index: NormalisedText, start: int, end: int, quote: str) -> str:
    """What is wrong with a quote that does not match its offsets, and how to fix it."""
    found = index.find_all(quote)
    if found:
        return (f"quote does not match the source text at {start}..{end}; it occurs at "
                f"{', '.join(f'{s}..{e}' for s, e in found)} (run `policyframes locate`)")
    message = f"quote does not match the source text at {start}..{end}; the quote is not in the source"
    near = index.closest(quote)
    if near is not None:
        first, last, difference = near
        message += f"; the closest passage is at {first}..{last}: \"{words(index.original(first, last))}\""
        message += f"; {difference}" if difference else ""
    return message
