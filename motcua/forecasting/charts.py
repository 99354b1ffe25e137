"""The forecast chart: the readings so far, the projection to the period's end and its band. pygal, SVG
rendered on the server with pygal's inline script removed (the CSP refuses inline scripts; the chart
needs none); the page shows the same numbers in a table beside it."""

from __future__ import annotations

import re
from datetime import date

import pygal
from pygal.style import Style

from motcua.forecasting.projection import Projection
from motcua.lib.vnformat import number, padded_date

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_STYLE = Style(background="white", plot_background="white", foreground="#1f2937", foreground_strong="#1f2937",
               foreground_subtle="#6b7280", colors=("#9b1c1c", "#1d4ed8", "#6b7280", "#6b7280"),
               font_family="system-ui, Arial, sans-serif", label_font_size=12, major_label_font_size=12,
               title_font_size=14, legend_font_size=12)


def forecast_svg(title: str, series: list[tuple[date, float]], projection: Projection, maximum: float | None,
                 target: float | None = None) -> str:
    """Readings (solid), the projection from today's reading to the end (dashed) and the band's edges."""
    chart = pygal.DateLine(style=_STYLE, title=title, width=760, height=320, js=[], disable_xml_declaration=True,
                           explicit_size=False, x_label_rotation=30, legend_at_bottom=True, dots_size=3,
                           value_formatter=lambda v: number(v, 2), x_value_formatter=padded_date,
                           range=(0, maximum) if maximum else None, include_x_axis=True)
    today, current = series[-1]
    end = projection.for_date
    chart.add("Đã đạt", series)
    chart.add("Dự báo", [(today, current), (end, projection.value)], stroke_style={"dasharray": "6,4"})
    chart.add("Cận dưới", [(today, current), (end, projection.low)], stroke_style={"dasharray": "2,3"},
              show_dots=False)
    chart.add("Cận trên", [(today, current), (end, projection.high)], stroke_style={"dasharray": "2,3"},
              show_dots=False)
    if target is not None:
        chart.add("Chỉ tiêu", [(series[0][0], target), (end, target)], show_dots=False)
    return _SCRIPT.sub("", chart.render(is_unicode=True))
