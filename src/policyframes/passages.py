"""Source texts as HTML, with every cited passage highlighted and addressable.

Offsets are Unicode code points (Python string indices). Passages may overlap; HTML
elements may only nest, so a passage that crosses another is split into several
<mark> pieces. Every piece carries the passage's anchor in `data-p`; the first piece
also carries it as its id, so that `source.html#ANCHOR` scrolls to the passage.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from html import escape
from itertools import pairwise

Span = tuple[int, int]

GAP = "[\u2026]"
_SENTENCE = re.compile(r"\S.*?(?:[.!?][\"\u201d\u2019)\]]*(?=\s|\Z)|\S(?=\s*\Z))", re.S)


def anchor(start: int, end: int) -> str:
    """The id of a passage within its source page."""
    return f"q{start}-{end}"


_LINE_ENDS = re.compile("([-\u2010\u2011\u2013\u2014][ \t]*)?(\n+)")


def reflow(text: str) -> str:
    """The text for reading: a lone line break (a PDF's hard wrap) becomes a space, while
    blank lines (paragraphs) and breaks after a hyphen or dash (which the quote rules join)
    stay. The length, and so every offset, is unchanged."""
    return _LINE_ENDS.sub(lambda m: m.group() if m.group(1) or len(m.group(2)) > 1 else " ", text)


def mark_up(text: str, lo: int, hi: int, passages: Iterable[Span]) -> str:
    """HTML of text[lo:hi] with each passage (which must lie within it) in <mark> pieces."""
    spans = sorted(set(passages), key=lambda s: (s[0], -s[1]))
    starting: dict[int, list[Span]] = {}
    for span in spans:
        starting.setdefault(span[0], []).append(span)
    bounds = sorted({lo, hi, *(p for span in spans for p in span)})
    out: list[str] = []
    opened: list[Span] = []
    started: set[Span] = set()
    names = {span: anchor(*span) for span in spans}
    covering: list[Span] = []  # the passages over the piece at hand, in the order of spans
    for a, b in pairwise(bounds):
        covering = [s for s in covering if s[1] > a] + starting.get(a, [])
        keep = 0
        while keep < min(len(opened), len(covering)) and opened[keep] == covering[keep]:
            keep += 1
        out.append("</mark>" * (len(opened) - keep))
        for span in covering[keep:]:
            name = names[span]
            first = f' id="{name}" tabindex="-1"' if span not in started else ""
            started.add(span)
            out.append(f'<mark class="ev"{first} data-p="{name}">')
        opened = covering
        out.append(escape(text[a:b], quote=False))
    out.append("</mark>" * len(opened))
    return "".join(out)


def sentences(text: str) -> list[Span]:
    """Spans of the sentences of a text: runs of text (line breaks included) that end at
    . ! or ? (with any closing quote or bracket) before whitespace, or at the end."""
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]


def excerpt_blocks(text: str, passages: Iterable[Span]) -> list[Span]:
    """The smallest runs of whole sentences that hold the passages, neighbouring needed
    sentences merged into one block (used where a source may not be shown in full)."""
    spans = sentences(text)
    ends = [se for _, se in spans]
    needed_set: set[int] = set()
    for s, e in passages:
        i = bisect_right(ends, s)  # the first sentence that ends after the passage starts
        while i < len(spans) and spans[i][0] < e:
            needed_set.add(i)
            i += 1
    needed = sorted(needed_set)
    blocks: list[list[int]] = []
    for i in needed:
        if blocks and blocks[-1][-1] == i - 1:
            blocks[-1].append(i)
        else:
            blocks.append([i])
    return [(spans[b[0]][0], spans[b[-1]][1]) for b in blocks]
