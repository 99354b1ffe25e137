"""The weekly report as an XLSX workbook (openpyxl): Appendix I, the ranking, Appendix II and its list.

Numbers are stored as numbers with Vietnamese-looking formats (rates as fractions formatted as
percentages, points with 2 decimals, changes with a sign), so that the province's staff can sort, sum
and chart them; titles are merged cells; columns have widths that fit Vietnamese labels.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from motcua.lib.vnformat import moment, padded_date, short_date
from motcua.reports.letterhead import Letterhead, default_letterhead
from motcua.reports.sources import TargetLine
from motcua.reports.weekly import APPENDIX_II_TITLE, WeeklyReport, appendix_i_title, attached_line

PERCENT = "0.00%"
SIGNED_PERCENT = "+0.00%;-0.00%;0.00%"
POINTS = "0.00"
SIGNED_POINTS = "+0.00;-0.00;0.00"
COUNT = "#,##0"
SIGNED_COUNT = "+0;-0;0"
DATETIME = "dd/mm/yyyy hh:mm"

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="EDEDED")
GROUP_FILL = PatternFill("solid", fgColor="F1F5F9")
BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)

def _title(ws, row: int, text: str, columns: int, bold=True, italic=False, height=None) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = Font(bold=bold, italic=italic, size=12 if bold else 11)
    cell.alignment = CENTER
    if height:
        ws.row_dimensions[row].height = height


def _header(ws, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = ws.cell(row=row, column=column, value=label)
        cell.font, cell.alignment, cell.fill, cell.border = BOLD, CENTER, HEADER_FILL, BORDER


def _put(ws, row: int, column: int, value, number_format: str | None = None, bold=False, fill=None):
    cell = ws.cell(row=row, column=column, value=value)
    cell.border = BORDER
    cell.alignment = WRAP if isinstance(value, str) else Alignment(vertical="top")
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = BOLD
    if fill:
        cell.fill = fill
    return cell


def _widths(ws, widths: list[float]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _num(value):
    return None if value is None else float(value)


def _appendix_i(ws, report: WeeklyReport, attached: str) -> None:
    columns = 13  # STT, label, max; numerator, denominator, rate, points at each date; change of rate, points
    prev_end, cur_end = report.previous[1], report.current[1]
    _title(ws, 1, "Phụ lục I", columns)
    _title(ws, 2, appendix_i_title(report), columns, height=48)
    _title(ws, 3, attached, columns, bold=False, italic=True)
    reading = "lũy kế từ đầu năm" if report.cumulative else "theo tuần"
    _title(ws, 4, f"Bộ quy tắc tính: {report.ruleset.name}, phiên bản {report.ruleset.version}; số liệu {reading}: "
                  f"kỳ {short_date(report.previous[0])} – {short_date(prev_end)} và kỳ "
                  f"{short_date(report.current[0])} – {short_date(cur_end)}; tính tại {moment(report.evaluated_at)}.",
           columns, bold=False, italic=True, height=30)
    _header(ws, 6, ["STT", "Chỉ tiêu", "Điểm tối đa", f"Ngày {short_date(prev_end)}", "", "", "",
                    f"Ngày {short_date(cur_end)}", "", "", "", f"Tăng (+)/Giảm (-) so với ngày {short_date(prev_end)}",
                    ""])
    _header(ws, 7, ["", "", "", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm", "Tỷ lệ",
                    "Điểm"])
    for column in (1, 2, 3):
        ws.merge_cells(start_row=6, start_column=column, end_row=7, end_column=column)
    for first, last in ((4, 7), (8, 11), (12, 13)):
        ws.merge_cells(start_row=6, start_column=first, end_row=6, end_column=last)
    ws.row_dimensions[6].height = 30
    for row, item in enumerate(report.rows, start=8):
        indicator = item.kind == "indicator"
        fill, bold = (None, False) if indicator else (GROUP_FILL, True)
        head = ["", "Tổng điểm", 100] if item.kind == "total" else [item.id, item.label, _num(item.max)]
        for column, value in enumerate(head, start=1):
            _put(ws, row, column, value, POINTS if column == 3 else None, bold, fill)
        for offset, side in ((4, item.previous), (8, item.current)):
            _put(ws, row, offset, side.numerator if indicator else None, COUNT, bold, fill)
            _put(ws, row, offset + 1, side.denominator if indicator else None, COUNT, bold, fill)
            _put(ws, row, offset + 2, _num(side.rate) if indicator else None, PERCENT, bold, fill)
            _put(ws, row, offset + 3, None if item.sub_rate else _num(side.points), POINTS, bold, fill)
        _put(ws, row, 12, _num(item.rate_change) if indicator else None, SIGNED_PERCENT, bold, fill)
        _put(ws, row, 13, None if item.sub_rate else _num(item.points_change), SIGNED_POINTS, bold, fill)
    _widths(ws, [6, 58, 9, 10, 10, 10, 9, 10, 10, 10, 9, 12, 10])
    ws.freeze_panes = "D8"


def _ranking(ws, report: WeeklyReport, attached: str) -> None:
    groups = list(report.ruleset.groups)
    labels = ["Hạng", "Đơn vị", "Loại", "Tổng điểm", *(f"{g.id}. {g.label}" for g in groups),
              f"Tổng điểm ngày {short_date(report.previous[1])}", f"Hạng ngày {short_date(report.previous[1])}",
              "Thay đổi hạng"]
    columns = len(labels)
    _title(ws, 1, "Phụ lục I (tiếp theo)", columns)
    _title(ws, 2, f"XẾP HẠNG CÁC SỞ, BAN, NGÀNH VÀ UBND CÁC XÃ, PHƯỜNG THEO BỘ CHỈ SỐ 766 ĐẾN NGÀY "
                  f"{padded_date(report.day)}", columns, height=32)
    _title(ws, 3, attached, columns, bold=False, italic=True)
    _header(ws, 5, labels)
    kinds = {"department": "Sở, ban, ngành", "commune": "Xã, phường"}
    for row, unit in enumerate(report.ranking, start=6):
        values = [(unit.rank, None), (unit.name, None), (kinds.get(report.kinds.get(unit.code), ""), None),
                  (_num(unit.total), POINTS), *((_num(unit.groups.get(g.id)), POINTS) for g in groups),
                  (_num(unit.previous_total), POINTS), (unit.previous_rank, None), (unit.rank_change, SIGNED_COUNT)]
        for column, (value, number_format) in enumerate(values, start=1):
            _put(ws, row, column, value, number_format)
    _widths(ws, [7, 48, 15, 10, 14, 14, 14, 14, 14, 13, 11, 10])
    ws.freeze_panes = "C6"


def _appendix_ii(ws, report: WeeklyReport, attached: str) -> None:
    columns = 4
    _title(ws, 1, "Phụ lục II", columns)
    _title(ws, 2, APPENDIX_II_TITLE, columns, height=32)
    _title(ws, 3, attached, columns, bold=False, italic=True)
    _title(ws, 4, f"Số liệu lấy theo Bộ chỉ số 766 từ ngày {short_date(report.week[0])} đến ngày "
                  f"{short_date(report.week[1])}", columns, bold=False, italic=True)
    _header(ws, 6, ["STT", "Đơn vị giải quyết TTHC", "Hồ sơ quá hạn xử lý trong kỳ", "Trong đó: đang giải quyết"])
    row = 7
    for number, unit in enumerate(report.overdue_units, start=1):
        for column, (value, number_format) in enumerate(
                ((number, None), (unit.name, None), (unit.count, COUNT), (unit.still_open, COUNT)), start=1):
            _put(ws, row, column, value, number_format)
        row += 1
    for column, (value, number_format) in enumerate(
            (("", None), ("Tổng cộng", None), (report.overdue_count, COUNT),
             (sum(u.still_open for u in report.overdue_units), COUNT)), start=1):
        _put(ws, row, column, value, number_format, bold=True, fill=GROUP_FILL)
    _widths(ws, [6, 52, 18, 18])


def _overdue_list(ws, report: WeeklyReport, attached: str) -> None:
    labels = ["STT", "Mã hồ sơ", "Đơn vị giải quyết TTHC", "Mã TTHC", "Thủ tục hành chính", "Hạn xử lý",
              "Số ngày quá hạn (ngày làm việc)", "Tình trạng"]
    _title(ws, 1, "Phụ lục II (tiếp theo)", len(labels))
    _title(ws, 2, "DANH SÁCH HỒ SƠ QUÁ HẠN TRONG KỲ", len(labels))
    _header(ws, 4, labels)
    for row, item in enumerate(report.overdue, start=5):
        state = "Đang giải quyết" if item.still_open else "Đã kết thúc, quá hạn"
        if item.repeated_supplements:
            state += " (yêu cầu bổ sung từ 2 lần)"
        values = [(row - 4, None), (item.code, None), (item.unit_name, None), (item.procedure_code, None),
                  (item.procedure_name, None), (item.due_at.replace(tzinfo=None), DATETIME),
                  (float(item.days_overdue), "0.0"), (state, None)]
        for column, (value, number_format) in enumerate(values, start=1):
            _put(ws, row, column, value, number_format)
    _widths(ws, [6, 24, 40, 11, 50, 17, 14, 26])
    ws.freeze_panes = "C5"


def _targets(ws, targets: list[TargetLine], report: WeeklyReport, attached: str) -> None:
    labels = ["STT", "Chỉ tiêu", "Phạm vi", "So sánh", "Chỉ tiêu giao", f"Đạt đến ngày {short_date(report.day)}",
              "Đơn vị tính", "Chênh lệch", "Thời hạn", "Đánh giá", "Văn bản giao"]
    _title(ws, 1, "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CỦA CHIẾN DỊCH", len(labels))
    _title(ws, 2, attached, len(labels), bold=False, italic=True)
    _header(ws, 4, labels)
    for row, item in enumerate(targets, start=5):
        verdict = "" if item.met is None else "Đạt" if item.met else "Chưa đạt"
        gap = item.current - item.target if item.current is not None and item.target is not None else None
        values = [(row - 4, None), (item.label, None), (item.scope, None), (item.comparison, None),
                  (_num(item.target), POINTS), (_num(item.current), POINTS), (item.symbol, None),
                  (_num(gap), SIGNED_POINTS), (item.deadline, "dd/mm/yyyy"), (verdict, None), (item.source, None)]
        for column, (value, number_format) in enumerate(values, start=1):
            _put(ws, row, column, value, number_format)
    if not targets:
        _title(ws, 5, "Chưa có chỉ tiêu nào của chiến dịch đang có hiệu lực.", len(labels), bold=False, italic=True)
    _widths(ws, [6, 44, 24, 8, 12, 14, 9, 11, 12, 11, 36])


def workbook_bytes(workbook: Workbook, title: str) -> bytes:
    workbook.properties.title = title
    workbook.properties.creator = "motcua"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def page_setup(ws) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1


def weekly_xlsx(report: WeeklyReport, letterhead: Letterhead | None = None,
                targets: list[TargetLine] | None = None) -> bytes:
    """Appendix I and II; with `targets` (the report to the Chairman) the campaign's targets come first."""
    letterhead = letterhead or default_letterhead("weekly", report.day)
    attached = attached_line(report, letterhead.number, letterhead.document_date, letterhead.issuer_name)
    workbook = Workbook()
    sheets = [("Phụ lục I", _appendix_i), ("Xếp hạng đơn vị", _ranking), ("Phụ lục II", _appendix_ii),
              ("Phụ lục II - Danh sách", _overdue_list)]
    if targets is not None:
        sheets.insert(0, ("Chỉ tiêu chiến dịch", lambda ws, r, a: _targets(ws, targets, r, a)))
    for i, (name, write) in enumerate(sheets):
        ws = workbook.active if i == 0 else workbook.create_sheet()
        ws.title = name
        write(ws, report, attached)
        page_setup(ws)
    return workbook_bytes(workbook, f"Báo cáo Bộ chỉ số 766 ngày {short_date(report.day)}")
