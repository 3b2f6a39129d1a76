"""Match evidence quotes to source passages under the codebook's normalisation rules.

Two rules and nothing else: a hyphen or dash that ends a line joins the next line
without a space, and every other whitespace run becomes one space.
"""

from __future__ import annotations

import re

_BROKEN_COMPOUND = re.compile(r"([-\u2010\u2011\u2013\u2014])[ \t]*\n\s*")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Apply the normalisation rules (leading/trailing space is kept)."""
    return _SPACE.sub(" ", _BROKEN_COMPOUND.sub(r"\1", text))


def matches(text: str, start: int, end: int, quote: str) -> bool:
    """Whether text[start:end] is the quote: tight bounds, equal after normalisation."""
    if not 0 <= start < end <= len(text):
        return False
    passage = text[start:end]
    if passage[0].isspace() or passage[-1].isspace():
        return False
    return normalise(passage) == normalise(quote.strip())


class NormalisedText:
    """A source text in normalised form, with a map back to original offsets."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        origin: list[int] = []
        i, n = 0, len(text)
        while i < n:
            match = _BROKEN_COMPOUND.match(text, i) if text[i] in "-\u2010\u2011\u2013\u2014" else None
            if match:
                chars.append(text[i])
                origin.append(i)
                i = match.end()
            elif text[i].isspace():
                j = i
                while j < n and text[j].isspace():
                    j += 1
                chars.append(" ")
                origin.append(i)
                i = j
            else:
                chars.append(text[i])
                origin.append(i)
                i += 1
        self.text = "".join(chars)
        self._origin = origin
        self._source = text

    def find_all(self, quote: str) -> list[tuple[int, int]]:
        """Every (start, end) in the original text whose passage matches the quote."""
        needle = normalise(quote.strip())
        if not needle:
            return []
        spans = []
        pos = self.text.find(needle)
        while pos != -1:
            start = self._origin[pos]
            last = self._origin[pos + len(needle) - 1]
            end = last + 1
            spans.append((start, end))
            pos = self.text.find(needle, pos + 1)
        return spans
