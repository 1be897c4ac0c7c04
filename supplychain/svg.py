"""Inline SVG charts for the HTML pages (report.html, compare.html): no dependency, no script,
nothing loaded from the network; text is escaped, sizes are in CSS pixels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["bar_chart", "line_chart"]

PALETTE = ("#3b6ea5", "#d1603d", "#5b9a68", "#8e6bb0", "#c9a227", "#4aa3a2", "#a05a7a", "#777777")
"""Series colours (colour-blind-safe order for the first four)."""


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if abs(x) < 1e6 else f"{x:.3g}"


def bar_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    unit: str = "%",
    scale: float = 100.0,
    annotations: Mapping[str, Sequence[str]] | None = None,
    width: int = 780,
    maximum: float | None = None,
    stacked: bool = False,
    colours: Sequence[str] = PALETTE,
) -> str:
    """Horizontal grouped bars: one group per label, one bar per series (values × ``scale``,
    shown with ``unit``; shares 0–1 become percentages by default). ``annotations`` adds a text
    after each bar (e.g. the absolute figure). ``stacked``: one bar per label, the series end to
    end (e.g. lost then kept, summing to 100 %), annotated with the first series' value and
    annotation. ``colours``: one per series. Returns an ``<svg>`` element as text."""
    names = list(series)
    # the labels sit left of the bars, right-aligned: room for the longest at ~6.6 px a character
    left = max(150, 12 + int(6.6 * max((len(str(label)) for label in labels), default=0)))
    bar_h, gap, right, top = 14, 8, 300 if stacked else 150, 34
    width = max(width, left + right + 200)
    group_h = (bar_h if stacked else bar_h * len(names)) + gap
    legend_h = 18 if len(names) > 1 else 0
    height = top + legend_h + group_h * len(labels) + 10
    values = [[float(v) * scale for v in series[n]] for n in names]
    largest = maximum if maximum is not None else max([abs(v) for vs in values for v in vs] + [1e-12])
    span = width - left - right
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    if legend_h:
        x = left
        for i, name in enumerate(names):
            colour = colours[i % len(colours)]
            out.append(f'<rect x="{x}" y="{top - 8}" width="10" height="10" fill="{colour}"/>')
            out.append(f'<text x="{x + 14}" y="{top + 1}">{escape(name)}</text>')
            x += 24 + 7 * len(name)
    y0 = top + legend_h
    for g, label in enumerate(labels):
        gy = y0 + g * group_h
        out.append(
            f'<text x="{left - 6}" y="{gy + group_h / 2}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(label)}</text>"
        )
        if stacked:
            end = float(left)
            for i, name in enumerate(names):
                v = values[i][g]
                w = max(0.0, span * abs(v) / largest) if largest > 0 else 0.0
                colour = colours[i % len(colours)]
                out.append(
                    f'<rect x="{end:.1f}" y="{gy}" width="{w:.1f}" height="{bar_h - 2}" fill="{colour}">'
                    f"<title>{escape(name)}: {escape(label)} {_fmt(v)} {escape(unit)}</title></rect>"
                )
                end += w
            note = f"{_fmt(values[0][g])} {unit} {names[0]}"
            if annotations and names[0] in annotations:
                note += f"  {annotations[names[0]][g]}"
            out.append(f'<text x="{end + 4:.1f}" y="{gy + bar_h / 2}" dominant-baseline="middle">{escape(note)}</text>')
            continue
        for i, name in enumerate(names):
            v = values[i][g]
            w = max(0.0, span * abs(v) / largest) if largest > 0 else 0.0
            y = gy + i * bar_h
            colour = colours[i % len(colours)]
            out.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{colour}">'
                f"<title>{escape(name)}: {escape(label)} {_fmt(v)} {escape(unit)}</title></rect>"
            )
            note = f"{_fmt(v)} {unit}"
            if annotations and name in annotations:
                note += f"  {annotations[name][g]}"
            out.append(
                f'<text x="{left + w + 4:.1f}" y="{y + bar_h / 2}" dominant-baseline="middle">{escape(note)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def line_chart(
    x: Sequence[float],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    x_label: str,
    y_label: str,
    width: int = 720,
    height: int = 280,
) -> str:
    """Lines over a shared x axis (e.g. weeks), y from 0 to the largest value. Returns ``<svg>``."""
    left, right, top, bottom = 60, 160, 30, 40
    xs = [float(v) for v in x]
    ys = {n: [float(v) for v in s] for n, s in series.items()}
    x_min, x_max = (min(xs), max(xs)) if xs else (0.0, 1.0)
    y_max = max([v for s in ys.values() for v in s] + [1e-12])
    span_x = max(x_max - x_min, 1e-12)

    def px(v: float) -> float:
        return left + (width - left - right) * (v - x_min) / span_x

    def py(v: float) -> float:
        return top + (height - top - bottom) * (1 - v / y_max)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{py(0):.1f}" x2="{width - right}" y2="{py(0):.1f}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{py(0):.1f}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{escape(_fmt(y_max))}</text>',
        f'<text x="{left - 4}" y="{py(0):.1f}" text-anchor="end">0</text>',
        f'<text x="{(left + width - right) / 2}" y="{height - 8}" text-anchor="middle">{escape(x_label)}</text>',
        f'<text x="{left}" y="{top - 6}">{escape(y_label)}</text>',
        f'<text x="{left}" y="{height - bottom + 16}">{escape(_fmt(x_min))}</text>',
        f'<text x="{width - right}" y="{height - bottom + 16}" text-anchor="end">{escape(_fmt(x_max))}</text>',
    ]
    for i, (name, values) in enumerate(ys.items()):
        colour = PALETTE[i % len(PALETTE)]
        points = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in zip(xs, values, strict=True))
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        out.append(f'<text x="{width - right + 8}" y="{top + 14 * (i + 1)}" fill="{colour}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)
