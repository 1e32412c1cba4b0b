"""Charts drawn on the server as inline SVG: no JavaScript (the CSP forbids it), light pages, same in the PDF.

Colours and fonts are SVG attributes, not style attributes, so the strict CSP accepts them too.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.money import format_vnd

COLOURS = ["#1f5f8b", "#e0a526", "#3b8b3b", "#9b3d3d"]
FONT = 'font-family="Liberation Serif, Times New Roman, serif"'


def _number(value, money: bool) -> str:
    return format_vnd(value) if money else f"{int(value):,}".replace(",", ".")


def _legend(series, y: int, width: int) -> list[str]:
    parts, x = [], 0
    for index, (_key, label) in enumerate(series):
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{COLOURS[index % len(COLOURS)]}"/>')
        parts.append(f'<text x="{x + 14}" y="{y + 9}" font-size="11" {FONT}>{escape(label)}</text>')
        x += 14 + 7 * len(str(label)) + 16
    return parts


def grouped_bars(rows: list[dict], series: list[tuple[str, str]], *, title: str, money: bool = False) -> SafeString:
    """One horizontal bar per series for each row (e.g. needs, funded, delivered per category)."""
    width, label_width, bar, gap = 640, 200, 11, 8
    plot = width - label_width - 110
    top = 38
    group = bar * len(series) + gap
    height = top + group * max(len(rows), 1) + 6
    peak = max([row.get(key) or 0 for row in rows for key, _label in series] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        *_legend(series, 8, width),
    ]
    for index, row in enumerate(rows):
        y = top + index * group
        parts.append(
            f'<text x="{label_width - 6}" y="{y + group / 2}" text-anchor="end" font-size="11" {FONT}>'
            f"{escape(str(row['label'])[:34])}</text>"
        )
        for number, (key, _label) in enumerate(series):
            value = row.get(key) or 0
            length = round(plot * value / peak, 1)
            by = y + number * bar
            colour = COLOURS[number % len(COLOURS)]
            parts.append(f'<rect x="{label_width}" y="{by}" width="{length}" height="{bar - 2}" fill="{colour}"/>')
            parts.append(
                f'<text x="{label_width + length + 4}" y="{by + bar - 3}" font-size="9" {FONT}>'
                f"{escape(_number(value, money))}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text inside is escaped above


def monthly_columns(rows: list[dict], series: list[tuple[str, str]], *, title: str) -> SafeString:
    """Columns per month for each series (money in, allocated, delivered), in đồng."""
    width, height, left, top, bottom = 640, 230, 70, 30, 30
    plot_w, plot_h = width - left - 10, height - top - bottom
    peak = max([row.get(key) or 0 for row in rows for key, _label in series] + [1])
    slot = plot_w / max(len(rows), 1)
    bar = max(min((slot - 4) / len(series), 14), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        *_legend(series, 4, width),
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#000" '
        f'stroke-width="0.5"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" font-size="9" {FONT}>'
        f"{escape(_number(peak, True))}</text>",
    ]
    for index, row in enumerate(rows):
        x = left + index * slot + 2
        for number, (key, _label) in enumerate(series):
            value = row.get(key) or 0
            h = round(plot_h * value / peak, 1)
            colour = COLOURS[number % len(COLOURS)]
            parts.append(
                f'<rect x="{round(x + number * bar, 1)}" y="{round(top + plot_h - h, 1)}" width="{round(bar - 1, 1)}" '
                f'height="{h}" fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{round(x + slot / 2 - 2, 1)}" y="{height - 12}" text-anchor="middle" font-size="10" {FONT}>'
            f"{row['month']:%m/%y}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text inside is escaped above
