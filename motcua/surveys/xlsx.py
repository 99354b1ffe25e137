"""An opening's results as an XLSX workbook (openpyxl), tidy sheets the province's staff can filter and
pivot: "Tổng hợp" (one row per group: invited, responses, rate, each scale question's average),
"Phân bố" (one row per group × question × option: count and share), "Ý kiến" (the text answers).
Numbers are stored as numbers (rates and shares as fractions formatted as percentages)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from motcua.lib.vnformat import padded_date
from motcua.surveys import questionnaire
from motcua.surveys.models import Opening
from motcua.surveys.results import BY_PROCEDURE, BY_UNIT, GROUPINGS, WHOLE, results, text_answers

PERCENT = "0.00%"
AVERAGE = "0.00"
COUNT = "#,##0"
_HEADER = PatternFill("solid", fgColor="EDEDED")
_WRAP = Alignment(vertical="top", wrap_text=True)


def _header(ws, labels: list[str], widths: list[int]) -> None:
    ws.append(labels)
    for cell in ws[ws.max_row]:
        cell.font, cell.fill, cell.alignment = Font(bold=True), _HEADER, _WRAP
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"A{ws.max_row + 1}"  # a string: a Cell would be created, and rows start below it


def _formats(ws, row: int, formats: dict[int, str]) -> None:
    for column, fmt in formats.items():
        ws.cell(row=row, column=column).number_format = fmt


def workbook(opening: Opening) -> bytes:
    all_groups = [g for grouping in (WHOLE, BY_PROCEDURE, BY_UNIT) for g in results(opening, grouping)]
    scales = [q for q in questionnaire.parse(opening.survey.questions) if q.type == questionnaire.SCALE]
    book = Workbook()
    summary = book.active
    summary.title = "Tổng hợp"
    summary.append([f"{opening.survey.title} — {opening.name} ({padded_date(opening.opens_on)} – "
                    f"{padded_date(opening.closes_on)}){' — ẩn danh' if opening.anonymous else ''}"])
    summary["A1"].font = Font(bold=True, size=12)
    _header(summary, ["Cách nhóm", "Mã", "Tên", "Số người được mời", "Số phiếu trả lời", "Tỷ lệ trả lời",
                      *[f"Điểm trung bình: {q.text}" for q in scales]], [20, 14, 48, 12, 12, 12] + [18] * len(scales))
    for g in all_groups:
        summary.append([GROUPINGS[g.kind], g.key, g.label, g.invited, g.answered,
                        float(g.rate) if g.rate is not None else None,
                        *[float(g.question(q.key).average) if g.question(q.key).average is not None else None
                          for q in scales]])
        _formats(summary, summary.max_row, {4: COUNT, 5: COUNT, 6: PERCENT,
                                            **{7 + i: AVERAGE for i in range(len(scales))}})

    spread = book.create_sheet("Phân bố")
    _header(spread, ["Cách nhóm", "Mã", "Tên", "Mã câu hỏi", "Câu hỏi", "Loại", "Lựa chọn", "Số lượt chọn",
                     "Số người trả lời câu hỏi", "Tỷ lệ"], [20, 14, 40, 12, 48, 14, 30, 12, 12, 10])
    for g in all_groups:
        for r in g.questions:
            if r.question.type == questionnaire.TEXT:
                continue
            for option in r.options:
                spread.append([GROUPINGS[g.kind], g.key, g.label, r.question.key, r.question.text,
                               questionnaire.TYPE_LABELS[r.question.type], option.label, option.count, r.answered,
                               float(option.share) if option.share is not None else None])
                _formats(spread, spread.max_row, {8: COUNT, 9: COUNT, 10: PERCENT})

    texts = book.create_sheet("Ý kiến")
    _header(texts, ["Mã câu hỏi", "Câu hỏi", "Dịch vụ công", "Đơn vị", "Trả lời"], [12, 40, 40, 32, 80])
    for question, procedure, unit, text in text_answers(opening):
        texts.append([question.key, question.text, procedure, unit, text])
        texts.cell(row=texts.max_row, column=5).alignment = _WRAP
    out = BytesIO()
    book.save(out)
    return out.getvalue()
