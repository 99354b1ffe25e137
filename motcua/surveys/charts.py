"""A question's distribution as a bar chart: pygal, SVG rendered on the server and put in the page, with
no script (the CSP refuses inline scripts; the chart needs none). The page always shows the same numbers
in a table beside it, which is what screen readers read."""

from __future__ import annotations

import math
import re

import pygal
from pygal.style import Style

from motcua.lib.vnformat import number
from motcua.surveys.results import QuestionResult

# pygal writes its configuration as an inline script even with no script files: removed.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_STYLE = Style(background="white", plot_background="white", foreground="#1f2937", foreground_strong="#1f2937",
               foreground_subtle="#6b7280", colors=("#9b1c1c",), font_family="system-ui, Arial, sans-serif",
               label_font_size=12, major_label_font_size=12, title_font_size=14, value_font_size=12)


def bar_svg(result: QuestionResult) -> str:
    """The counts of each option of a scale or choice question, as inline SVG."""
    top = max([option.count for option in result.options] + [1])
    step = max(1, math.ceil(top / 10))
    chart = pygal.Bar(style=_STYLE, show_legend=False, width=560, height=300, js=[],
                      disable_xml_declaration=True, print_values=True, explicit_size=False,
                      value_formatter=lambda v: number(v), truncate_label=22, range=(0, top))
    # whole counts on the axis (pygal's own steps would be 0,1, 0,2 …)
    chart.y_labels = list(range(0, top + step, step))
    chart.x_labels = [option.value if result.question.type == "scale" else option.label
                      for option in result.options]
    chart.add("Số lượt chọn", [option.count for option in result.options])
    return _SCRIPT.sub("", chart.render(is_unicode=True))
