"""The coding matrix as a figure: cases by dimensions, each cell the final code's label
on its colour. The same layout is written as SVG (by hand) and PNG (Pillow, at twice
the size); both are byte-identical from build to build."""

from __future__ import annotations

import io
from dataclasses import dataclass
from html import escape

from PIL import Image, ImageDraw, ImageFont

from .palette import Swatch

FONT_SIZE = 13
LINE = 16
PAD = 8
CELL_WIDTH = 150
SCALE = 2
GRID = "#bfbfbf"
INK = "#111111"
FONT_FAMILY = "Aileron, 'Helvetica Neue', Arial, sans-serif"


@dataclass(frozen=True)
class Cell:
    label: str
    swatch: Swatch


@dataclass(frozen=True)
class Matrix:
    title: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]]


def _font(scale: int = 1) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=FONT_SIZE * scale)


def wrap(text: str, width: float) -> list[str]:
    """Words of the text in lines no wider than width (a long word gets a line of its own)."""
    font = _font()
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class _Box:
    x: int
    y: int
    w: int
    h: int
    lines: list[str]
    fill: str
    ink: str


def _layout(m: Matrix) -> tuple[int, int, list[_Box]]:
    """Size of the figure and its boxes (title, headers, cells), in SVG units."""
    font = _font()
    # Lines are wrapped a little narrower than the cell, for fonts wider than the one measured.
    text_width = (CELL_WIDTH - 2 * PAD) * 0.85
    head_w = int(max(font.getlength(name) for name, _ in m.rows) / 0.85) + 2 * PAD
    head_lines = [wrap(c, text_width) for c in m.columns]
    head_h = max(len(lines) for lines in head_lines) * LINE + 2 * PAD
    title_h = LINE + 2 * PAD
    boxes = [_Box(0, 0, head_w + CELL_WIDTH * len(m.columns), title_h, [m.title], "#ffffff", INK)]
    y = title_h
    for j, lines in enumerate(head_lines):
        boxes.append(_Box(head_w + j * CELL_WIDTH, y, CELL_WIDTH, head_h, lines, "#f2f2f2", INK))
    y += head_h
    for name, cells in m.rows:
        cell_lines = [wrap(c.label, text_width) for c in cells]
        h = max(len(lines) for lines in cell_lines) * LINE + 2 * PAD
        boxes.append(_Box(0, y, head_w, h, [name], "#f2f2f2", INK))
        for j, (cell, lines) in enumerate(zip(cells, cell_lines)):
            boxes.append(_Box(head_w + j * CELL_WIDTH, y, CELL_WIDTH, h, lines, cell.swatch.background, cell.swatch.text))
        y += h
    return head_w + CELL_WIDTH * len(m.columns) + 1, y + 1, boxes


def _baselines(box: _Box) -> list[float]:
    """Vertical centres of the box's lines of text."""
    top = box.y + (box.h - len(box.lines) * LINE) / 2
    return [top + (i + 0.5) * LINE for i in range(len(box.lines))]


def svg(m: Matrix) -> str:
    width, height, boxes = _layout(m)
    out = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
         f'font-family="{escape(FONT_FAMILY)}" font-size="{FONT_SIZE}" role="img" aria-labelledby="title">'),
        f'<title id="title">{escape(m.title)}</title>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for i, box in enumerate(boxes):
        if i:
            out.append(f'<rect x="{box.x}" y="{box.y}" width="{box.w}" height="{box.h}" fill="{box.fill}" stroke="{GRID}"/>')
        anchor, x = ("start", box.x + PAD) if box.x == 0 else ("middle", box.x + box.w / 2)
        for line, cy in zip(box.lines, _baselines(box)):
            out.append(f'<text x="{x:g}" y="{cy:g}" dominant-baseline="central" text-anchor="{anchor}" fill="{box.ink}">{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def png(m: Matrix) -> bytes:
    width, height, boxes = _layout(m)
    image = Image.new("RGB", (width * SCALE, height * SCALE), "#ffffff")
    draw = ImageDraw.Draw(image)
    font = _font(SCALE)
    for i, box in enumerate(boxes):
        if i:
            draw.rectangle([box.x * SCALE, box.y * SCALE, (box.x + box.w) * SCALE, (box.y + box.h) * SCALE], fill=box.fill, outline=GRID, width=SCALE)
        for line, cy in zip(box.lines, _baselines(box)):
            xy: tuple[float, float]
            if box.x == 0:
                xy, anchor = ((box.x + PAD) * SCALE, cy * SCALE), "lm"
            else:
                xy, anchor = ((box.x + box.w / 2) * SCALE, cy * SCALE), "mm"
            draw.text(xy, line, font=font, fill=box.ink, anchor=anchor)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
