"""The monthly report on a plan's tasks (seed 003: "định kỳ trước ngày 20 hàng tháng"), as PDF and XLSX.

Built from a `sources.MonthlyPlanStatus` (what `motcua.plans` says of the plan for the month): every task
with its lead and coordinating units, deadline, status and the lead unit's report for the month, the
counts by status, and the units that have not reported yet.
"""

from __future__ import annotations

from collections import Counter

from openpyxl import Workbook
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from motcua.lib.vnformat import number, short_date
from motcua.reports import pdf, xlsx
from motcua.reports.letterhead import Letterhead, default_letterhead
from motcua.reports.sources import MonthlyPlanStatus
from motcua.results import documents


def title_of(status: MonthlyPlanStatus) -> str:
    return (f"BÁO CÁO\nKẾT QUẢ THỰC HIỆN KẾ HOẠCH THÁNG {status.month.month}/{status.month.year}\n"
            f"{status.plan_title.upper()}")


def numbers_of(status: MonthlyPlanStatus) -> dict:
    """Every number and state the report prints, as JSON (what a published report freezes)."""
    return {
        "plan": {"key": status.plan_key, "title": status.plan_title, "reference": status.plan_reference},
        "month": status.month.isoformat(), "due_on": status.due_on.isoformat(),
        "tasks": [{"key": t.key, "name": t.name, "lead_unit": t.lead_unit, "coordinating": t.coordinating,
                   "deadline": t.deadline.isoformat() if t.deadline else t.deadline_text, "status": t.status,
                   "overdue": t.overdue, "reported": t.reported, "evidence": t.evidence, "update": t.update}
                  for t in status.tasks],
        "counts": dict(sorted(Counter(t.status for t in status.tasks).items())),
        "overdue": sum(1 for t in status.tasks if t.overdue),
        "not_reported": list(status.not_reported),
    }


def _summary(status: MonthlyPlanStatus) -> list[str]:
    counts = Counter(t.status for t in status.tasks)
    by_status = "; ".join(f"{label}: {number(n)}" for label, n in sorted(counts.items())) or "không có nhiệm vụ"
    overdue = sum(1 for t in status.tasks if t.overdue)
    lines = [
        f"Thực hiện {status.plan_reference or status.plan_title}, báo cáo kết quả thực hiện các nhiệm vụ trong tháng "
        f"{status.month.month}/{status.month.year} (hạn gửi báo cáo trước ngày {short_date(status.due_on)}) như sau:",
        f"1. Tổng số nhiệm vụ: {number(len(status.tasks))} ({by_status}); {number(overdue)} nhiệm vụ quá hạn "
        "chưa hoàn thành. Chi tiết từng nhiệm vụ tại Phụ lục kèm theo.",
    ]
    if status.not_reported:
        lines.append(f"2. Các đơn vị chưa gửi báo cáo tháng ({number(len(status.not_reported))}): "
                     f"{', '.join(status.not_reported)}. Đề nghị các đơn vị khẩn trương gửi báo cáo.")
    else:
        lines.append("2. Tất cả các đơn vị chủ trì đã gửi báo cáo tháng.")
    return lines


def _rows(status: MonthlyPlanStatus) -> list[list[str]]:
    rows = [["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Tình trạng", "Kết quả báo cáo tháng"]]
    for i, task in enumerate(status.tasks, start=1):
        state = task.status + (" (quá hạn)" if task.overdue else "")
        update = task.update or "Chưa có cập nhật"
        if task.evidence:
            update += f" ({number(task.evidence)} tệp minh chứng)"
        if not task.reported:
            update += " (chưa gửi báo cáo tháng)"
        rows.append([str(i), task.name, task.lead_unit, task.coordinating,
                     short_date(task.deadline) if task.deadline else task.deadline_text, state, update])
    return rows


def monthly_pdf(status: MonthlyPlanStatus, letterhead: Letterhead | None = None) -> bytes:
    letterhead = letterhead or default_letterhead("monthly_plan", status.due_on)
    font = documents.register_fonts()
    styles = documents._styles(font)
    appendix = ParagraphStyle("appendix", styles["title"], fontSize=12)
    width = A4[0] - documents.MARGINS["leftMargin"] - documents.MARGINS["rightMargin"]
    title = title_of(status)
    story = [documents._header(styles, letterhead.issuer, letterhead.number, letterhead.document_date,
                               letterhead.place, width), Spacer(1, 6 * mm)]
    story += [pdf._p(line, styles["title"]) for line in title.split("\n")]
    story.append(Spacer(1, 4 * mm))
    story += [pdf._p(text, styles["body"]) for text in _summary(status)]
    story.append(Spacer(1, 6 * mm))
    story.append(KeepTogether([documents._footer(styles, width, None, None, letterhead.signer_title,
                                                 letterhead.signer_name or None, list(letterhead.recipients))]))
    story += [Spacer(1, 8 * mm), pdf._p("Phụ lục", appendix),
              pdf._p(f"TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ THÁNG {status.month.month}/{status.month.year}", appendix),
              Spacer(1, 3 * mm), pdf._grid(styles, _rows(status), [9, 40, 24, 22, 21, 20, 29], {0})]
    return pdf.build(story, title.replace("\n", " "), letterhead, font, page=A4)


def monthly_xlsx(status: MonthlyPlanStatus, letterhead: Letterhead | None = None) -> bytes:
    letterhead = letterhead or default_letterhead("monthly_plan", status.due_on)
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Nhiệm vụ"
    rows = _rows(status)
    columns = len(rows[0])
    xlsx._title(ws, 1, "Phụ lục", columns)
    xlsx._title(ws, 2, f"TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ THÁNG {status.month.month}/{status.month.year}: "
                       f"{status.plan_title.upper()}", columns, height=32)
    xlsx._title(ws, 3, f"(Kèm theo Báo cáo số {letterhead.number} ngày {short_date(letterhead.document_date)} của "
                       f"{letterhead.issuer_name})", columns, bold=False, italic=True)
    xlsx._header(ws, 5, rows[0])
    for r, (task, row) in enumerate(zip(status.tasks, rows[1:], strict=True), start=6):
        values = [(r - 5, None), (task.name, None), (task.lead_unit, None), (task.coordinating, None),
                  (task.deadline or task.deadline_text, "dd/mm/yyyy"), (row[5], None), (row[6], None)]
        for column, (value, number_format) in enumerate(values, start=1):
            xlsx._put(ws, r, column, value, number_format)
    xlsx._widths(ws, [6, 50, 26, 30, 12, 22, 50])
    ws.freeze_panes = "C6"
    xlsx.page_setup(ws)
    missing = workbook.create_sheet("Chưa báo cáo")
    xlsx._title(missing, 1, f"CÁC ĐƠN VỊ CHƯA GỬI BÁO CÁO THÁNG {status.month.month}/{status.month.year}", 2)
    xlsx._header(missing, 3, ["STT", "Đơn vị"])
    for r, unit in enumerate(status.not_reported, start=4):
        xlsx._put(missing, r, 1, r - 3)
        xlsx._put(missing, r, 2, unit)
    xlsx._widths(missing, [6, 60])
    return xlsx.workbook_bytes(workbook, title_of(status).replace("\n", " "))
