"""Trend lines for the dashboards: pygal, SVG rendered on the server and put in the page with its inline
script removed (the CSP refuses inline scripts; the chart needs none). Every chart has the same numbers in
a table beside it, which is what screen readers read, so the SVG itself is hidden from them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import pygal
from pygal.style import Style

from motcua.lib.vnformat import number, percent

# pygal writes its configuration as an inline script even with no script files: removed.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_STYLE = Style(background="white", plot_background="white", foreground="#1f2937", foreground_strong="#1f2937",
               foreground_subtle="#6b7280", colors=("#9b1c1c", "#1d4ed8", "#6b7280"),
               font_family="system-ui, Arial, sans-serif", label_font_size=11, major_label_font_size=11,
               title_font_size=13, value_font_size=11, legend_font_size=11)


def _day(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}"


def trend_svg(days: Sequence[date], values: Sequence[float | None], *, goal: float | None = None,
              as_rate: bool = True, label: str = "Giá trị") -> str:
    """A line of `values` over `days` (None leaves a gap), with the target as a flat line when given.
    Rates (0..1) are written as percentages on the axis, other values as plain numbers."""
    formatter = (lambda v: percent(v, 1)) if as_rate else (lambda v: number(v, 2))
    chart = pygal.Line(style=_STYLE, width=560, height=240, js=[], disable_xml_declaration=True,
                       explicit_size=False, show_dots=len(days) <= 20, dots_size=2.5, x_label_rotation=0,
                       show_minor_x_labels=False, value_formatter=formatter, legend_at_bottom=True,
                       legend_at_bottom_columns=2, truncate_legend=40, allow_interruptions=True,
                       show_y_guides=True)
    chart.x_labels = [_day(d) for d in days]
    step = max(1, len(days) // 6)
    chart.x_labels_major = [_day(d) for d in days[::step]]
    chart.add(label, list(values))
    if goal is not None:
        chart.add("Chỉ tiêu", [goal] * len(days), show_dots=False, stroke_style={"dasharray": "6,4"})
    return _SCRIPT.sub("", chart.render(is_unicode=True))
