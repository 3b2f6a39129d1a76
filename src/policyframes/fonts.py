"""The site's Chinese font: a subset, shipped with the package, of a freely licensed font
with the Chinese characters the pages use (tools/subset_han_font.py rebuilds it), for
readers whose system has no Chinese font."""

from __future__ import annotations

import re
from pathlib import Path

FAMILY = "policyframes Han"
FONT = "han.woff2"
LICENCE = "han-OFL.txt"
# The blocks the font covers (CJK radicals, symbols and punctuation, ideographs, fullwidth forms).
RANGES = [(0x2E80, 0x2FFF), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF)]
_HAN = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in RANGES) + "]")


def han_characters(site: Path) -> set[str]:
    """Every character of the font's blocks that the site's pages and scripts (the search
    index) show."""
    pages = sorted(p for p in site.rglob("*") if p.suffix in (".html", ".js"))
    return {c for page in pages for c in _HAN.findall(page.read_text(encoding="utf-8"))}


def font_face() -> str:
    """The CSS that makes the font the fallback for the characters of its blocks."""
    ranges = ", ".join(f"U+{a:04X}-{b:04X}" for a, b in RANGES)
    return f'@font-face {{ font-family: "{FAMILY}"; src: url("{FONT}") format("woff2"); unicode-range: {ranges}; font-display: swap; }}\n'
