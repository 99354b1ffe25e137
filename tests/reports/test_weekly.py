"""motcua report weekly: Appendix I (the province at D−7 and D, the ranking) and Appendix II (overdue
dossiers per unit), as XLSX and PDF, read back with real readers (openpyxl, poppler's pdftotext)."""

import subprocess
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from motcua.indicators.comparison import ranks
from motcua.indicators.members import members
from motcua.indicators.rules import load_ruleset
from motcua.indicators.service import index_json
from motcua.lib.vnformat import number, percent
from motcua.reports.weekly import weekly_report
from tests.indicators.province import LISTED, PREVIOUS_WEEK, WEEK, D

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(province, tmp_path):
    out = tmp_path / "out"
    call_command("report", "weekly", "--date", D.isoformat(), "--out", str(out))
    stem = out / "bao-cao-chi-so-766-tuan-2025-10-19"
    return stem.with_suffix(".xlsx"), stem.with_suffix(".pdf")


def _dec(value) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.0001"))


def _rows(ws, first: int) -> list[tuple]:
    return [row for row in ws.iter_rows(min_row=first, values_only=True) if any(v is not None for v in row)]


def pdf_text(path) -> str:
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFC", result.stdout.decode("utf-8"))


# -- XLSX ----------------------------------------------------------------------------------------------


def test_appendix_i_has_every_indicator_at_both_dates_with_the_change(written):
    workbook = openpyxl.load_workbook(written[0])
    assert workbook.sheetnames == ["Phụ lục I", "Xếp hạng đơn vị", "Phụ lục II", "Phụ lục II - Danh sách"]
    ws = workbook["Phụ lục I"]
    assert ws["A1"].value == "Phụ lục I"
    assert "TỈNH THÁI NGUYÊN TỪ NGÀY 13/10/2025 ĐẾN NGÀY 19/10/2025" in ws["A2"].value
    assert "A2:M2" in {str(r) for r in ws.merged_cells.ranges}
    assert "qd766, phiên bản 1.0" in ws["A4"].value
    assert (ws["D6"].value, ws["H6"].value) == ("Ngày 12/10/2025", "Ngày 19/10/2025")
    current = {i["id"]: i for i in index_json(*WEEK)["units"][0]["indicators"]}
    previous = {i["id"]: i for i in index_json(*PREVIOUS_WEEK)["units"][0]["indicators"]}
    rows = {row[0]: row for row in _rows(ws, 8) if row[0]}
    ruleset = load_ruleset("qd766")
    for rule in ruleset.indicators:
        row = rows[rule.id]
        now, before = current[rule.id], previous[rule.id]
        assert row[1] == rule.label
        assert row[3:5] == (before["numerator"], before["denominator"])
        assert row[7:9] == (now["numerator"], now["denominator"])
        assert row[5] == before["rate"] and row[9] == now["rate"]
        if rule.max_points:
            assert (row[6], row[10]) == (before["points"], now["points"])
            assert _dec(row[12]) == _dec(now["points"]) - _dec(before["points"])
        if now["rate"] is not None and before["rate"] is not None:
            assert _dec(row[11]) == _dec(now["rate"]) - _dec(before["rate"])
    assert ws.cell(row=8 + [r.id for r in ruleset.indicators].index("2.1") + 2, column=10).number_format == "0.00%"
    groups = index_json(*WEEK)["units"][0]["groups"]
    for group in groups:
        assert rows[group["id"]][10] == group["points"] and rows[group["id"]][2] == group["max"]
    total = next(row for row in _rows(ws, 8) if row[1] == "Tổng điểm")
    assert total[10] == index_json(*WEEK)["units"][0]["total"]
    assert total[6] == index_json(*PREVIOUS_WEEK)["units"][0]["total"]


def test_the_ranking_sheet_ranks_units_by_total_with_the_change_of_rank(written):
    ws = openpyxl.load_workbook(written[0])["Xếp hạng đơn vị"]
    header = next(ws.iter_rows(min_row=5, max_row=5, values_only=True))
    assert header[:4] == ("Hạng", "Đơn vị", "Loại", "Tổng điểm") and header[-1] == "Thay đổi hạng"
    rows = _rows(ws, 6)
    current = {u["name"]: u for u in index_json(*WEEK)["units"][1:]}
    previous = {u["name"]: u for u in index_json(*PREVIOUS_WEEK)["units"][1:]}
    assert sorted(row[1] for row in rows) == sorted(current)
    totals = [row[3] for row in rows]
    assert totals == sorted(totals, reverse=True)
    expected_now = ranks({name: _dec(u["total"]) for name, u in current.items()})
    expected_before = ranks({name: _dec(u["total"]) for name, u in previous.items()})
    for rank, name, kind, total, *groups_and_rest in rows:
        assert rank == expected_now[name] and total == current[name]["total"]
        assert groups_and_rest[:5] == [g["points"] for g in current[name]["groups"]]
        assert groups_and_rest[5:] == [previous[name]["total"], expected_before[name],
                                       expected_before[name] - expected_now[name]]
        assert kind in ("Sở, ban, ngành", "Xã, phường")


def test_appendix_ii_counts_the_late_dossiers_of_indicator_2_1_per_unit(written):
    workbook = openpyxl.load_workbook(written[0])
    ws = workbook["Phụ lục II"]
    assert ws["A2"].value.startswith("SỐ HỒ SƠ ĐANG GIẢI QUYẾT QUÁ HẠN")
    assert ws["A4"].value == "Số liệu lấy theo Bộ chỉ số 766 từ ngày 13/10/2025 đến ngày 19/10/2025"
    rows = _rows(ws, 7)
    names = {u["code"]: u["name"] for u in index_json(*WEEK)["units"]}
    expected = {}
    for code in LISTED:
        entry = next(i for i in index_json(*WEEK, unit_code=code)["units"][0]["indicators"] if i["id"] == "2.1")
        if entry["denominator"] > entry["numerator"]:
            expected[names[code]] = entry["denominator"] - entry["numerator"]
    assert {row[1]: row[2] for row in rows[:-1]} == expected
    assert [row[0] for row in rows[:-1]] == list(range(1, len(expected) + 1))
    assert rows[-1][1] == "Tổng cộng" and rows[-1][2] == sum(expected.values())
    # The list: exactly the dossiers of 2.1's population that are not counted, with procedure and due.
    listing = _rows(workbook["Phụ lục II - Danh sách"], 5)
    late = {m.key for m in members("2.1", None, *WEEK).items if not m.counted}
    assert {row[1] for row in listing} == late
    for row in listing:
        assert row[3] and row[4] and row[5] is not None and row[6] >= 0
        assert row[7].startswith(("Đang giải quyết", "Đã kết thúc"))
    # A dossier of the department's office is reported under the department.
    assert "Sở Tài chính" in {row[2] for row in listing}


def test_the_overdue_list_judges_each_dossier_at_the_end_of_the_week(province):
    report = weekly_report(D)
    assert report.week == WEEK and report.current == WEEK and report.previous == PREVIOUS_WEEK
    assert report.overdue and sum(u.count for u in report.overdue_units) == report.overdue_count
    for item in report.overdue:
        assert item.unit_code in LISTED  # offices report under their department
        assert item.due_at.date() <= D
        if not item.repeated_supplements:
            # Late by its due time, so some working time past it, unless judged late for a second supplement.
            assert item.days_overdue > 0


# -- PDF -----------------------------------------------------------------------------------------------


def test_the_pdf_is_an_official_report_with_the_tables(written):
    text = pdf_text(written[1])
    for expected in ("UBND TỈNH THÁI NGUYÊN", "VĂN PHÒNG", "Số: …/BC-VPUB", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Thái Nguyên, ngày 19 tháng 10 năm 2025", "BÁO CÁO",
                     "KẾT QUẢ BỘ CHỈ SỐ 766 TUẦN TỪ NGÀY 13/10/2025 ĐẾN NGÀY 19/10/2025", "Nơi nhận:",
                     "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Phụ lục I", "Phụ lục II",
                     "Tỷ lệ hồ sơ nộp trực tuyến", "Mức độ hài lòng", "UBND phường Phan Đình Phùng",
                     "UBND xã Tân Cương"):
        assert expected in text, expected
    current, previous = index_json(*WEEK)["units"][0], index_json(*PREVIOUS_WEEK)["units"][0]
    assert f"{number(current['total'], 2)}/100" in text
    assert f"{number(previous['total'], 2)}/100" in text
    two_one = next(i for i in current["indicators"] if i["id"] == "2.1")
    assert percent(two_one["rate"]) in text
    assert f"{number(two_one['numerator'])} / {number(two_one['denominator'])}" in text
    for item in weekly_report(D).overdue:
        assert item.code in text


def test_cumulative_reading_compares_the_year_to_date_at_d_and_d_minus_7(province, tmp_path):
    report = weekly_report(D, cumulative=True)
    assert report.current == (date(2025, 1, 1), D)
    assert report.previous == (date(2025, 1, 1), D - timedelta(days=7))
    assert report.week == WEEK  # Appendix II stays the week
    assert report.total == Decimal(repr(index_json(date(2025, 1, 1), D)["units"][0]["total"]))
    call_command("report", "weekly", "--date", D.isoformat(), "--out", str(tmp_path), "--cumulative",
                 "--rules", "qd766-threshold80")
    ws = openpyxl.load_workbook(tmp_path / "bao-cao-chi-so-766-tuan-2025-10-19-luy-ke.xlsx")["Phụ lục I"]
    assert "qd766-threshold80" in ws["A4"].value and "lũy kế từ đầu năm" in ws["A4"].value


def test_bad_arguments_are_refused(province, tmp_path):
    with pytest.raises(CommandError):
        call_command("report", "weekly", "--date", "19/10/2025", "--out", str(tmp_path))
    with pytest.raises(CommandError):
        call_command("report", "weekly", "--date", D.isoformat(), "--out", str(tmp_path), "--rules", "nope")


# -- downloads -----------------------------------------------------------------------------------------


def test_officers_download_the_report_of_the_chosen_date(monitor, logged_in):
    client = logged_in(monitor)
    response = client.get(reverse("reports:weekly_xlsx"), {"den_ngay": D.isoformat(), "bo_chi_so": "qd766"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-chi-so-766-tuan-2025-10-19.xlsx"'
    ws = openpyxl.load_workbook(BytesIO(response.content))["Phụ lục I"]
    assert "19/10/2025" in ws["H6"].value
    response = client.get(reverse("reports:weekly_pdf"), {"den_ngay": D.isoformat(), "luy_ke": "1"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(reverse("reports:weekly_pdf"), {"den_ngay": "x"}).status_code == 400
