"""A log-log scaling plot, written as SVG by hand (no plotting library needed)."""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

COLOURS = ["#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6c4f9c"]
W, H, LEFT, RIGHT, TOP, BOTTOM = 430, 320, 62, 14, 34, 46


def _ticks(lo: float, hi: float) -> list[float]:
    return [10.0 ** e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)]


def _label(value: float) -> str:
    return f"{value:g}" if 0.01 <= value < 1e4 else f"1e{round(math.log10(value))}"


def panel(x0: float, title: str, unit: str, series: dict[str, list[tuple[float, float]]]) -> list[str]:
    """One log-log panel at horizontal offset x0: each series is a list of (cases, value)."""
    points = [p for s in series.values() for p in s if p[1] > 0]
    xs, ys = _ticks(min(p[0] for p in points), max(p[0] for p in points)), _ticks(min(p[1] for p in points), max(p[1] for p in points))

    def sx(x: float) -> float:
        return x0 + LEFT + (math.log10(x) - math.log10(xs[0])) / (math.log10(xs[-1]) - math.log10(xs[0]) or 1) * (W - LEFT - RIGHT)

    def sy(y: float) -> float:
        return H - BOTTOM - (math.log10(y) - math.log10(ys[0])) / (math.log10(ys[-1]) - math.log10(ys[0]) or 1) * (H - TOP - BOTTOM)

    out = [f'<text x="{x0 + W / 2}" y="18" text-anchor="middle" font-weight="bold">{escape(title)}</text>']
    for x in xs:
        out += [f'<line x1="{sx(x):.1f}" y1="{TOP}" x2="{sx(x):.1f}" y2="{H - BOTTOM}" stroke="#ddd"/>',
                f'<text x="{sx(x):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">{_label(x)}</text>']
    for y in ys:
        out += [f'<line x1="{x0 + LEFT}" y1="{sy(y):.1f}" x2="{x0 + W - RIGHT}" y2="{sy(y):.1f}" stroke="#ddd"/>',
                f'<text x="{x0 + LEFT - 6}" y="{sy(y) + 4:.1f}" text-anchor="end">{_label(y)}</text>']
    out += [f'<text x="{x0 + (W + LEFT - RIGHT) / 2}" y="{H - 8}" text-anchor="middle">cases</text>',
            f'<text transform="translate({x0 + 14},{(H + TOP - BOTTOM) / 2}) rotate(-90)" text-anchor="middle">{escape(unit)}</text>']
    for i, (name, values) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        values = [v for v in values if v[1] > 0]
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in values)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{colour}"/>' for x, y in values]
        ly = TOP + 14 * i + 6
        out += [f'<line x1="{x0 + LEFT + 8}" y1="{ly}" x2="{x0 + LEFT + 26}" y2="{ly}" stroke="{colour}" stroke-width="2"/>',
                f'<text x="{x0 + LEFT + 30}" y="{ly + 4}">{escape(name)}</text>']
    return out


def svg(panels: list[tuple[str, str, dict[str, list[tuple[float, float]]]]]) -> str:
    """Panels side by side: (title, unit, series)."""
    body = [line for i, p in enumerate(panels) for line in panel(i * W, *p)]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W * len(panels)}" height="{H}" '
            f'font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="white"/>\n'
            + "\n".join(body) + "\n</svg>\n")
