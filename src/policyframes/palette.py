"""Colours of the codes, computed from the codebook's category order.

Nominal dimensions get evenly spaced light hues; an ordinal dimension gets a sequential
scale of one hue, light to dark. Every colour comes with the text colour (near-black or
white) that reads best on it, and every pair meets the WCAG AA contrast ratio of 4.5.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass

from .codebook import MISSING, Variable

MIN_CONTRAST = 4.5
DARK = "#111111"
LIGHT = "#ffffff"
_SEQUENTIAL_HUE = 0.61  # blue
_GOLDEN = 0.381966  # turns hues between variables by the golden angle
_MISSING_BACKGROUNDS = dict(zip(MISSING, ("#ffffff", "#e6e6e6", "#f2f2f2"), strict=True))
_MISSING_TEXT = "#4d4d4d"


@dataclass(frozen=True)
class Swatch:
    background: str
    text: str

    @property
    def contrast(self) -> float:
        return contrast(self.background, self.text)


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _hex(h: float, lightness: float, saturation: float) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in colorsys.hls_to_rgb(h, lightness, saturation))


def _readable(h: float, lightness: float, saturation: float) -> Swatch:
    """The colour with its best text colour, darkened or lightened until it meets MIN_CONTRAST."""
    step = 0.01 if lightness >= 0.5 else -0.01
    while True:
        background = _hex(h, lightness, saturation)
        text = max((DARK, LIGHT), key=lambda t: contrast(background, t))
        if contrast(background, text) >= MIN_CONTRAST:
            return Swatch(background, text)
        lightness += step


def swatches(var: Variable, position: int = 0) -> dict[str, Swatch]:
    """Code -> swatch for every category of a variable and the missing codes.

    `position` (the variable's place among the coded ones) turns the hues of a nominal
    variable, so that the first categories of different variables differ in colour."""
    codes = var.codes
    n = max(len(codes), 1)
    out: dict[str, Swatch] = {}
    for i, code in enumerate(codes):
        if var.level == "ordinal":
            lightness = 0.9 - 0.62 * (i / (n - 1) if n > 1 else 0)
            out[code] = _readable(_SEQUENTIAL_HUE, lightness, 0.55)
        else:
            out[code] = _readable((0.03 + position * _GOLDEN + i / n) % 1, 0.84, 0.6)
    for code, background in _MISSING_BACKGROUNDS.items():
        out[code] = Swatch(background, _MISSING_TEXT)
    return out
