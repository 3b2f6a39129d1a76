"""Rebuild the site's Chinese font: a subset of Noto Sans CJK SC (SIL Open Font License
1.1) with the Chinese characters the built site's pages use, renamed so that it is not
taken for the full font.

    apt-get install fonts-noto-cjk && pip install 'fonttools[woff]'
    python tools/subset_han_font.py && policyframes build

Run it when a test says that the pages use a character the font lacks. It reads
build/site/, so build first; the build then copies the new font into the site.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from policyframes.fonts import FAMILY, FONT, han_characters  # noqa: E402

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian's fonts-noto-cjk
SIMPLIFIED = 2  # the collection's face of Noto Sans CJK SC


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--font", type=Path, default=SOURCE, help="the Noto Sans CJK collection (default: %(default)s)")
    parser.add_argument("--site", type=Path, default=ROOT / "build/site", help="the built site whose pages to cover")
    args = parser.parse_args()
    used = han_characters(args.site)
    font = TTFont(args.font, fontNumber=SIMPLIFIED, recalcTimestamp=False)
    missing = sorted(c for c in used if ord(c) not in font.getBestCmap())
    if missing:
        sys.exit(f"{args.font} lacks {''.join(missing)}")
    options = subset.Options()
    options.flavor = "woff2"
    options.name_IDs = [0, 7, 13, 14]  # copyright, trademark, licence and its address; the names are set below
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in used))
    subsetter.subset(font)
    for name_id, value in ((1, FAMILY), (2, "Regular"), (4, FAMILY), (6, FAMILY.replace(" ", "") + "-Regular")):
        font["name"].setName(value, name_id, 3, 1, 0x409)
    font.flavor = "woff2"
    out = ROOT / "src/policyframes/assets" / FONT
    font.save(out)
    print(f"wrote {out.relative_to(ROOT)}: {len(used)} characters, {out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
