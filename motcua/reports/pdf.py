"""The weekly report as a PDF laid out as an administrative document (Decree 30/2020/NĐ-CP), landscape A4.

Page 1 is the report itself: issuing body and number top left, national name and motto with the place and
date top right, the title, a short summary, the recipients ("Nơi nhận:") and the signer block. Appendix I
(the province's indicators at D−7 and D with the change, then the ranking of units) and Appendix II
(overdue dossiers per unit, then their list) follow on their own pages, as in the province's letters.

The header, tables and signer block are those of `motcua.results.documents` (one layout for every
official document the system prints, with the DejaVu font that carries the Vietnamese glyphs); only the
page orientation and the order of the parts are the report's own.
"""

from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from motcua.lib.vnformat import moment, number, percent, short_date
from motcua.reports import weekly
from motcua.reports.letterhead import Letterhead, default_letterhead
from motcua.reports.sources import TargetLine
from motcua.reports.weekly import WeeklyReport, ranking_paragraph
from motcua.results import documents

PAGE = landscape(A4)


def _p(text: str, style) -> Paragraph:
    return Paragraph(documents._text(text), style)


def province_of(report: WeeklyReport) -> str:
    """"tỉnh Thái Nguyên" from the province unit's name "UBND tỉnh Thái Nguyên"."""
    return report.province_name.removeprefix("UBND ").removeprefix("Ủy ban nhân dân ")


def _summary(report: WeeklyReport) -> list[str]:
    start, end = report.week
    reading = "lũy kế từ ngày 01/01" if report.cumulative else "trong tuần"
    change = report.total - report.previous_total
    trend = ("tăng " + number(change, 2)) if change > 0 else ("giảm " + number(-change, 2)) if change < 0 else "không đổi"
    groups = "; ".join(f"{row.label} ({number(row.current.points, 2)}/{number(row.max)} điểm)"
                       for row in report.rows if row.kind == "group")
    paragraphs = [
        "Căn cứ kết quả Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp "
        "trong thực hiện thủ tục hành chính, dịch vụ công theo thời gian thực trên môi trường điện tử (Bộ chỉ số "
        f"tại Quyết định số 766/QĐ-TTg), tính theo bộ quy tắc {report.ruleset.name} phiên bản "
        f"{report.ruleset.version}, Văn phòng UBND tỉnh báo cáo kết quả tuần từ ngày {short_date(start)} đến ngày "
        f"{short_date(end)} như sau:",
        f"1. Tổng điểm của {province_of(report)} ({reading}) đến ngày {short_date(report.current[1])} đạt "
        f"{number(report.total, 2)}/100 điểm, {trend} điểm so với ngày {short_date(report.previous[1])} "
        f"({number(report.previous_total, 2)}/100 điểm). Các nhóm chỉ số: {groups} (chi tiết tại Phụ lục I).",
    ]
    if report.overdue:
        still_open = sum(u.still_open for u in report.overdue_units)
        paragraphs.append(
            f"2. Trong kỳ có {number(report.overdue_count)} hồ sơ quá hạn tại {len(report.overdue_units)} cơ quan, "
            f"địa phương, trong đó {number(still_open)} hồ sơ đang giải quyết quá hạn (chi tiết tại Phụ lục II). "
            "Đề nghị các cơ quan, địa phương rà soát, xử lý dứt điểm các hồ sơ này.")
    else:
        paragraphs.append("2. Trong kỳ không có hồ sơ quá hạn.")
    ranked = ranking_paragraph(report)  # the lowest among units with enough dossiers (docs/ranking.md)
    if ranked:
        paragraphs.append(ranked)
    return paragraphs


def _indicator_table(report: WeeklyReport, styles):
    before, after = short_date(report.previous[1]), short_date(report.current[1])
    rows = [["STT", "Chỉ tiêu", f"Ngày {before}: tử số / mẫu số", "Tỷ lệ", "Điểm", f"Ngày {after}: tử số / mẫu số",
             "Tỷ lệ", "Điểm", "Tăng (+)/ Giảm (-): tỷ lệ", "Tăng (+)/ Giảm (-): điểm"]]
    shaded = []
    for row in report.rows:
        if row.kind == "indicator":
            points = ["—" if row.sub_rate else number(side.points, 2) for side in (row.previous, row.current)]
            rows.append([row.id, row.label,
                         f"{number(row.previous.numerator)} / {number(row.previous.denominator)}",
                         percent(row.previous.rate), points[0],
                         f"{number(row.current.numerator)} / {number(row.current.denominator)}",
                         percent(row.current.rate), points[1], percent(row.rate_change, sign=True),
                         "—" if row.sub_rate else number(row.points_change, 2, sign=True)])
        else:
            shaded.append(len(rows))
            label = "Tổng điểm" if row.kind == "total" else row.label
            maximum = number(row.max)
            rows.append([row.id, label, "", "", f"{number(row.previous.points, 2)}/{maximum}", "", "",
                         f"{number(row.current.points, 2)}/{maximum}", "",
                         f"{number(row.points_change, 2, sign=True)}/{maximum}"])
    return _shade(_grid(styles, rows, [12, 64, 27, 19, 19, 27, 19, 19, 20, 26], set(range(2, 10))), shaded)


def _ranking_table(report: WeeklyReport, styles):
    groups = [g.id for g in report.ruleset.groups]
    rows = [["Hạng", "Đơn vị", "Tổng điểm", *groups, f"Hạng ngày {short_date(report.previous[1])}", "Thay đổi hạng"]]
    for unit in report.ranking:
        rows.append([str(unit.rank), unit.name, number(unit.total, 2),
                     *(number(unit.groups.get(g), 2) for g in groups),
                     "—" if unit.previous_rank is None else str(unit.previous_rank),
                     "—" if unit.rank_change is None else number(unit.rank_change, sign=True)])
    return _grid(styles, rows, [14, 90, 20, 16, 16, 16, 16, 16, 24, 24], {0, *range(2, 10)})


def _overdue_tables(report: WeeklyReport, styles) -> list:
    summary = [["STT", "Đơn vị giải quyết TTHC", "Hồ sơ quá hạn xử lý trong kỳ", "Trong đó: đang giải quyết"]]
    for i, unit in enumerate(report.overdue_units, start=1):
        summary.append([str(i), unit.name, number(unit.count), number(unit.still_open)])
    summary.append(["", "Tổng cộng", number(report.overdue_count),
                    number(sum(u.still_open for u in report.overdue_units))])
    listing = [["STT", "Mã hồ sơ", "Đơn vị", "Thủ tục hành chính", "Hạn xử lý", "Số ngày quá hạn", "Tình trạng"]]
    for i, item in enumerate(report.overdue, start=1):
        state = "Đang giải quyết" if item.still_open else "Đã kết thúc, quá hạn"
        if item.repeated_supplements:
            state += " (yêu cầu bổ sung từ 2 lần)"
        listing.append([str(i), item.code, item.unit_name, f"{item.procedure_code} {item.procedure_name}",
                        moment(item.due_at), number(item.days_overdue, 1), state])
    parts = [_shade(_grid(styles, summary, [14, 105, 35, 35], {0, 2, 3}), [len(summary) - 1])]
    if report.overdue:
        parts += [Spacer(1, 5 * mm), _p("DANH SÁCH HỒ SƠ QUÁ HẠN TRONG KỲ", styles["title"]), Spacer(1, 2 * mm),
                  _grid(styles, listing, [12, 56, 48, 68, 28, 16, 24], {0, 5})]
    return parts


def _shade(table, rows: list[int]):
    table.setStyle([("BACKGROUND", (0, r), (-1, r), colors.HexColor("#F1F5F9")) for r in rows])
    return table


def _grid(styles, rows: list[list[str]], widths_mm: list[float], numeric: set[int]):
    """A table in the look of `documents._table` (first row = header, repeated on every page) with the
    report's own column widths, numbers aligned right."""
    right = ParagraphStyle("cell_num", styles["cell"], alignment=TA_RIGHT)
    data = [[Paragraph(documents._text(str(cell)),
                       styles["cell_head"] if r == 0 else right if c in numeric else styles["cell"])
             for c, cell in enumerate(row)] for r, row in enumerate(rows)]
    table = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EDEDED")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _targets_table(targets: list[TargetLine], report: WeeklyReport, styles):
    rows = [["STT", "Chỉ tiêu", "Phạm vi", "Chỉ tiêu giao", f"Đạt đến ngày {short_date(report.day)}", "Chênh lệch",
             "Thời hạn", "Đánh giá"]]
    for i, item in enumerate(targets, start=1):
        rows.append([str(i), item.label, item.scope, f"{item.comparison} {item.target_text}", item.current_text or "—",
                     item.gap_text or "—", short_date(item.deadline) if item.deadline else "",
                     "" if item.met is None else "Đạt" if item.met else "Chưa đạt"])
    return _grid(styles, rows, [12, 70, 44, 22, 24, 30, 22, 20], {0, 3, 4, 5})


def chairman_title(report: WeeklyReport) -> str:
    start, end = report.week
    return (f"BÁO CÁO\nKẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CỦA CHIẾN DỊCH VÀ BỘ CHỈ SỐ 766\nTUẦN TỪ NGÀY "
            f"{start.day}/{start.month}/{start.year} ĐẾN NGÀY {end.day}/{end.month}/{end.year}")


def weekly_pdf(report: WeeklyReport, letterhead: Letterhead | None = None,
               targets: list[TargetLine] | None = None) -> bytes:
    """The weekly report; with `targets` it is the report to the Chairman: the campaign's targets first."""
    letterhead = letterhead or default_letterhead("weekly", report.day)
    font = documents.register_fonts()
    styles = documents._styles(font)
    appendix = ParagraphStyle("appendix", styles["title"], fontSize=12)
    note = ParagraphStyle("note", styles["place_date"], alignment=TA_CENTER)
    width = PAGE[0] - documents.MARGINS["leftMargin"] - documents.MARGINS["rightMargin"]
    start, end = report.week
    attached = weekly.attached_line(report, letterhead.number, letterhead.document_date, letterhead.issuer_name)
    title = chairman_title(report) if targets is not None else weekly.title_of(report)

    story = [documents._header(styles, letterhead.issuer, letterhead.number, letterhead.document_date,
                               letterhead.place, width),
             Spacer(1, 6 * mm)]
    story += [_p(line, styles["title"]) for line in title.split("\n")]
    if targets is not None:
        story.append(_p("Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh", note))
    story.append(Spacer(1, 4 * mm))
    summary = _summary(report)
    if targets is not None:
        met = sum(1 for t in targets if t.met)
        summary.insert(1, f"Kết quả thực hiện các chỉ tiêu của chiến dịch đến ngày {short_date(report.day)}: "
                          f"{met}/{len(targets)} chỉ tiêu đã đạt (chi tiết tại bảng dưới đây)." if targets else
                          "Chưa có chỉ tiêu nào của chiến dịch đang có hiệu lực.")
    story += [_p(text, styles["body"]) for text in summary]
    if targets:
        story += [Spacer(1, 3 * mm), _p("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CỦA CHIẾN DỊCH", appendix), Spacer(1, 2 * mm),
                  _targets_table(targets, report, styles)]
    story.append(Spacer(1, 6 * mm))
    footer = documents._footer(styles, width, None, None, letterhead.signer_title, letterhead.signer_name or None,
                               list(letterhead.recipients))
    story.append(KeepTogether([footer]))

    story += [PageBreak(), _p("Phụ lục I", appendix), _p(weekly.appendix_i_title(report), appendix),
              _p(attached, note), Spacer(1, 4 * mm),
              _indicator_table(report, styles), Spacer(1, 6 * mm),
              _p(f"XẾP HẠNG CÁC CƠ QUAN, ĐỊA PHƯƠNG ĐẾN NGÀY {short_date(report.day)}", appendix), Spacer(1, 2 * mm),
              _ranking_table(report, styles)]
    story += [PageBreak(), _p("Phụ lục II", appendix), _p(weekly.APPENDIX_II_TITLE, appendix),
              _p(attached, note),
              _p(f"Số liệu lấy trên Bộ chỉ số theo Quyết định số 766/QĐ-TTg từ ngày {short_date(start)} đến ngày "
                 f"{short_date(end)}", note), Spacer(1, 4 * mm),
              *_overdue_tables(report, styles)]
    return build(story, title.replace("\n", " "), letterhead, font)


def build(story: list, title: str, letterhead: Letterhead, font: str, page=PAGE) -> bytes:
    """Lay out `story` on `page` with the page number on later pages; the document's metadata name it."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=page, title=title, author=letterhead.issuer_name, subject=title,
                            creator="motcua", lang="vi-VN", invariant=1, **documents.MARGINS)

    def later_pages(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 11)
        canvas.drawCentredString(page[0] / 2, page[1] - 12 * mm, str(document.page))
        canvas.restoreState()

    doc.build(story, onLaterPages=later_pages)
    return buffer.getvalue()
