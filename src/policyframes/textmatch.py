"""Match evidence quotes to source passages under the codebook's normalisation rules.

Two rules and nothing else: a hyphen or dash that ends a line joins the next line
without a space, and every other whitespace run becomes one space.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import numpy as np

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


_BREAK_OR_SPACE = re.compile(_BROKEN_COMPOUND.pattern + r"|\s+")


def _normalised_quote(quote: str) -> str:
    """normalise(quote.strip()), without the regular expressions for the common quote
    that has no whitespace but single spaces (printable text has no other)."""
    quote = quote.strip()
    return quote if quote.isprintable() and "  " not in quote else normalise(quote)


class NormalisedText:
    """A source text in normalised form, with a map back to original offsets."""

    def __init__(self, text: str) -> None:
        # Each run of whitespace, and each line-end break after a dash, becomes one
        # character (a space, or the dash) that maps back to where the run starts.
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        done = 0
        for match in _BREAK_OR_SPACE.finditer(text):
            pieces += (text[done:match.start()], match.group(1) or " ")
            starts.append(match.start())
            ends.append(match.end())
            done = match.end()
        pieces.append(text[done:])
        self.text = "".join(pieces)
        left_out = np.zeros(len(text) + 1, dtype=np.int64)  # +1 from where a run's left-out part starts, -1 where it ends
        left_out[np.array(starts, dtype=np.int64) + 1] += 1
        left_out[np.array(ends, dtype=np.int64)] -= 1
        self._origin = np.flatnonzero(np.cumsum(left_out[:-1]) == 0)
        self._source = text

    def matches(self, start: int, end: int, quote: str) -> bool:
        """Same as matches(text, start, end, quote)."""
        return self.matches_all([start], [end], [quote])[0]

    def matches_all(self, starts: list[int], ends: list[int], quotes: list[str]) -> list[bool]:
        """matches(text, start, end, quote) of many passages, by looking each up in the
        normalised text instead of normalising it."""
        text = self._source
        first = np.searchsorted(self._origin, starts).tolist()
        last = np.searchsorted(self._origin, ends).tolist()
        return [0 <= s < e <= len(text) and not (text[s].isspace() or text[e - 1].isspace())
                and self.text[f:l] == _normalised_quote(q)
                for s, e, f, l, q in zip(starts, ends, first, last, quotes)]

    def find_all(self, quote: str) -> list[tuple[int, int]]:
        """Every (start, end) in the original text whose passage matches the quote."""
        needle = normalise(quote.strip())
        if not needle:
            return []
        spans = []
        pos = self.text.find(needle)
        while pos != -1:
            start = int(self._origin[pos])
            last = int(self._origin[pos + len(needle) - 1])
            end = last + 1
            spans.append((start, end))
            pos = self.text.find(needle, pos + 1)
        return spans

    def original(self, start: int, end: int) -> str:
        return self._source[start:end]

    def closest(self, quote: str) -> tuple[int, int, str] | None:
        """The passage of the original text nearest to a quote that is not in it, for an
        error message: (start, end, first difference described), or None when nothing
        of the quote is in the text."""
        needle = normalise(quote.strip())
        match = difflib.SequenceMatcher(None, self.text, needle, autojunk=False).find_longest_match(0, len(self.text), 0, len(needle))
        if match.size < max(8, len(needle) // 2):  # too little in common to be the passage meant
            return None
        first = max(0, match.a - match.b)
        window = self.text[first:first + len(needle)]
        start = int(self._origin[first])
        end = int(self._origin[min(first + len(window), len(self.text)) - 1]) + 1
        at = next((i for i, (a, b) in enumerate(zip(window, needle)) if a != b), min(len(window), len(needle)))
        if at >= len(window):
            return start, end, f"the source text ends where the quote goes on with {_char(needle[at])}" if at < len(needle) else ""
        if at >= len(needle):
            return start, end, ""
        return start, end, f"at character {at + 1} of the quote, the source has {_char(window[at])} where the quote has {_char(needle[at])}"


def _char(c: str) -> str:
    """A character as a reader can tell it apart: ’ (U+2019 RIGHT SINGLE QUOTATION MARK)."""
    return f"{c} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')})"
