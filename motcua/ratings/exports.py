"""The weekly least-satisfied list as a chart (pygal, SVG rendered on the server: no JavaScript under the
CSP, shown with a data table beside it) and as an XLSX workbook (openpyxl)."""

from __future__ import annotations

import re
from io import BytesIO

import pygal
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from pygal.style import Style

from motcua.lib.vnformat import local_moment, padded_date, percent
from motcua.ratings.weekly import Row, WeeklyList

CHART_ROWS = 10
# pygal always writes its configuration as an inline script, which the CSP refuses: the chart needs none.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)

_STYLE = Style(background="white", plot_background="white", foreground="#1f2937", foreground_strong="#1f2937",
               foreground_subtle="#6b7280", colors=("#b91c1c",), font_family="system-ui, Arial, sans-serif",
               label_font_size=13, major_label_font_size=13, title_font_size=16, value_font_size=12)


def week_title(weekly: WeeklyList) -> str:
    return f"tuần {padded_date(weekly.week.monday)} – {padded_date(weekly.week.sunday)}"


def chart_svg(rows: list[Row], title: str) -> str:
    """A horizontal bar chart of the share satisfied of the `CHART_ROWS` lowest rows, as inline SVG."""
    shown = rows[:CHART_ROWS]
    chart = pygal.HorizontalBar(
        style=_STYLE, title=title, show_legend=False, range=(0, 100), width=800,
        height=120 + 34 * max(len(shown), 1), js=[], disable_xml_declaration=True, print_values=True,
        value_formatter=lambda v: percent(v / 100), truncate_label=48, explicit_size=False)
    # pygal draws the first value at the bottom: reversed, the lowest share is on top as in the table.
    chart.x_labels = [row.name for row in reversed(shown)]
    chart.add("Tỷ lệ hài lòng", [float(row.share * 100) for row in reversed(shown)])
    return _SCRIPT.sub("", chart.render(is_unicode=True))


_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER = PatternFill("solid", fgColor="EDEDED")
_WRAP = Alignment(vertical="top", wrap_text=True)


def _sheet(ws, weekly: WeeklyList, rows: list[Row], what: str, code_label: str) -> None:
    ws.append([f"{what} có tỷ lệ hài lòng thấp nhất, {week_title(weekly)}"])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([])
    labels = ["STT", code_label, "Tên", "Số lượt đánh giá", "Hài lòng", "Không hài lòng", "Tỷ lệ hài lòng",
              "Ý kiến không hài lòng"]
    ws.append(labels)
    for cell in ws[3]:
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), _HEADER, _BORDER, _WRAP
    for number, row in enumerate(rows, start=1):
        comments = "\n".join(f"{c.code} ({local_moment(c.rated_at)}): {c.text}" for c in row.comments)
        ws.append([number, row.key, row.name, row.count, row.satisfied, row.unsatisfied, float(row.share),
                   comments])
        for cell in ws[ws.max_row]:
            cell.border, cell.alignment = _BORDER, _WRAP
        ws.cell(row=ws.max_row, column=7).number_format = "0.00%"
    for column, width in enumerate([6, 16, 48, 12, 10, 12, 12, 80], start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A4"


def workbook(weekly: WeeklyList) -> bytes:
    book = Workbook()
    procedures = book.active
    procedures.title = "Thủ tục"
    _sheet(procedures, weekly, weekly.procedures, "Thủ tục hành chính", "Mã thủ tục")
    _sheet(book.create_sheet("Đơn vị"), weekly, weekly.units, "Đơn vị", "Mã đơn vị")
    out = BytesIO()
    book.save(out)
    return out.getvalue()
