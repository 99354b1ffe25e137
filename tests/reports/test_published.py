"""Issued reports stay as published: the numbers, rule set, data state and files are frozen when issued;
changing the data afterwards (a dossier resolved "a month later") changes neither the stored files nor the
stored numbers, and the difference with a re-computation lists exactly what moved."""

import hashlib
import subprocess
import unicodedata
from datetime import date, datetime
from io import BytesIO

import openpyxl
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from motcua.changes.tracking import watermark
from motcua.dossiers.constants import Status
from motcua.dossiers.lifecycle import transition
from motcua.dossiers.models import Dossier
from motcua.indicators.rules import load_ruleset
from motcua.indicators.service import index_json
from motcua.lib.vnformat import number
from motcua.reports import publishing, sources
from motcua.reports.letterhead import default_letterhead
from motcua.reports.models import Frozen, PublishedFile, PublishedReport
from motcua.reports.pdf import weekly_pdf
from motcua.reports.weekly import weekly_report
from tests.indicators.province import PREVIOUS_WEEK, WEEK, D

pytestmark = pytest.mark.django_db
ISSUED_ON = date(2025, 10, 20)


def pdf_text(data: bytes, mode: str = "-layout") -> str:
    result = subprocess.run(["pdftotext", mode, "-", "-"], input=data, capture_output=True, check=True)
    return unicodedata.normalize("NFC", result.stdout.decode("utf-8"))


def cells_text(data: bytes) -> str:
    """The PDF's text in drawing order (a table cell's lines stay together), spaces collapsed."""
    return " ".join(pdf_text(data, "-raw").split())


def _issue(kind="weekly", number_text="125/BC-VPUB", **head):
    letterhead = default_letterhead(kind, ISSUED_ON).with_(number=number_text, **head)
    return publishing.issue_report(kind, publishing.weekly_parameters(D, "qd766", False), letterhead)


def _indicators(result, code="19"):
    unit = next(u for u in result["units"] if u["code"] == code)
    return {i["id"]: i for i in unit["indicators"]}


def _resolve_an_open_dossier_in_the_week():
    """A dossier still open at the end of the week is resolved on 16/10, recorded later (a late entry)."""
    at = datetime(2025, 10, 16, 9, tzinfo=timezone.get_current_timezone())
    dossier = (Dossier.objects.filter(status=Status.PROCESSING, received_at__lt=at).order_by("received_at").first())
    assert dossier is not None, "the test province has no open dossier to resolve"
    transition(dossier, "resolve", at=at)
    return dossier


def test_issuing_freezes_numbers_rules_state_and_files(province):
    before = watermark()
    published = _issue(signer_name="Nguyễn Văn Bình")
    assert published.kind == "weekly" and published.number == "125/BC-VPUB"
    assert (published.period_from, published.period_to) == WEEK
    ruleset = load_ruleset("qd766")
    assert (published.rules_name, published.rules_version) == ("qd766", ruleset.version)
    assert published.rules_sha256 == hashlib.sha256(ruleset.path.read_bytes()).hexdigest()
    assert (published.data_seq, published.data_generation, published.data_token) == (
        before.seq, before.generation, before.token)
    assert published.data_counts["dossiers"] == Dossier.objects.count() > 0
    assert published.numbers["index"]["current"] == index_json(*WEEK)
    assert published.numbers["index"]["previous"] == index_json(*PREVIOUS_WEEK)
    assert published.numbers_sha256 == publishing.numbers_hash(published.numbers)
    report = weekly_report(D)
    assert [d["code"] for d in published.numbers["overdue"]["dossiers"]] == [o.code for o in report.overdue]
    files = {f.fmt: f for f in published.files.all()}
    assert set(files) == {"pdf", "xlsx"}
    for stored in files.values():
        data = bytes(stored.content)
        assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
    text = pdf_text(bytes(files["pdf"].content))
    for expected in ("Số: 125/BC-VPUB", "Nguyễn Văn Bình", "Thái Nguyên, ngày 20 tháng 10 năm 2025",
                     "KT. CHÁNH VĂN PHÒNG", "(Kèm theo Báo cáo số 125/BC-VPUB ngày 20/10/2025 của Văn phòng UBND tỉnh",
                     "Phụ lục I", "Phụ lục II"):
        assert expected in text, expected
    ws = openpyxl.load_workbook(BytesIO(bytes(files["xlsx"].content)))["Phụ lục I"]
    assert "125/BC-VPUB" in ws["A3"].value and "20/10/2025" in ws["A3"].value


def test_a_month_later_the_published_report_reads_the_same_and_the_diff_lists_what_changed(
        province, monitor, logged_in, capsys):
    published = _issue()
    stored = {f.fmt: bytes(f.content) for f in published.files.all()}
    numbers = published.numbers
    old_week = index_json(*WEEK)
    old_pdf_text = pdf_text(stored["pdf"])
    assert call_command("reports", "diff", str(published.pk)) is None  # nothing changed yet: exit 0
    assert "Không có số liệu nào thay đổi." in capsys.readouterr().out

    _resolve_an_open_dossier_in_the_week()
    new_week = index_json(*WEEK)
    assert new_week != old_week, "the change must move the week's numbers for this test to mean anything"

    client = logged_in(monitor)
    for fmt, data in stored.items():
        response = client.get(reverse("reports:published_file", args=[published.pk, fmt]))
        assert response.status_code == 200 and response.content == data
        assert response["X-Content-SHA256"] == hashlib.sha256(data).hexdigest()
    again = PublishedReport.objects.get(pk=published.pk)
    assert again.numbers == numbers and publishing.numbers_hash(again.numbers) == published.numbers_sha256
    assert pdf_text(client.get(reverse("reports:published_file", args=[published.pk, "pdf"])).content) == old_pdf_text
    # Rendering now would print other numbers: the stored file is not a re-rendering.
    assert weekly_pdf(weekly_report(D), default_letterhead("weekly", ISSUED_ON).with_(number="125/BC-VPUB")) != \
        stored["pdf"]

    comparison = publishing.differences(again)
    assert comparison.state_changed and not comparison.rules_changed
    changes = {(c.section, c.unit_code, c.item, c.field): c for c in comparison.changes}
    expected = 0
    section = "Phụ lục I, kỳ 13/10/2025 – 19/10/2025"
    for unit in old_week["units"]:
        old, new = _indicators(old_week, unit["code"]), _indicators(new_week, unit["code"])
        for indicator_id in old:
            for key, label in publishing.INDEX_FIELDS:
                was, now = old[indicator_id][key], new[indicator_id][key]
                entry = changes.get((section, unit["code"], f"Chỉ tiêu {indicator_id}", label))
                if was == now:
                    assert entry is None
                else:
                    expected += 1
                    assert (entry.published, entry.current) == (was, now)
    assert expected > 0
    # The previous week did not change.
    assert not any(c.section.startswith("Phụ lục I, kỳ 06/10/2025") for c in comparison.changes)

    with pytest.raises(SystemExit) as exited:
        call_command("reports", "diff", str(published.pk))
    assert exited.value.code == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("Phụ lục")]
    assert len(lines) == len(comparison.changes)
    two_one = [c for c in comparison.changes if c.unit_code == "19" and c.item.startswith("Chỉ tiêu")]
    assert two_one
    c = two_one[0]
    assert f"đã phát hành: {c.shown(c.published)}\thiện tại: {c.shown(c.current)}" in out
    page = client.get(reverse("reports:published_diff", args=[published.pk]))
    assert page.status_code == 200
    assert f"{len(comparison.changes)} con số đã thay đổi" in page.content.decode()


def test_issued_reports_and_files_cannot_be_changed_or_deleted(province):
    published = _issue()
    published.number = "999/BC-VPUB"
    with pytest.raises(Frozen):
        published.save()
    with pytest.raises(Frozen):
        PublishedReport.objects.filter(pk=published.pk).update(number="999/BC-VPUB")
    with pytest.raises(Frozen):
        PublishedReport.objects.filter(pk=published.pk).delete()
    stored = PublishedFile.objects.filter(report=published).first()
    with pytest.raises(Frozen):
        stored.delete()
    with pytest.raises(Frozen):
        PublishedFile.objects.filter(pk=stored.pk).update(content=b"other")
    assert PublishedReport.objects.get(pk=published.pk).number == "125/BC-VPUB"


def test_a_number_is_needed_and_used_once_per_kind(province):
    _issue()
    with pytest.raises(publishing.ReportError, match="đã được dùng"):
        _issue()
    with pytest.raises(publishing.ReportError, match="Cần nhập số"):
        _issue(number_text="…/BC-VPUB")
    assert PublishedReport.objects.count() == 1


@override_settings(MOTCUA_REPORT_SIGNER_NAME="Trần Thị Hoa", MOTCUA_REPORT_NUMBER="…/BC-TEST",
                   MOTCUA_REPORT_ISSUER="UBND tỉnh Thái Nguyên\\nVăn phòng", MOTCUA_REPORT_PLACE="Thái Nguyên")
def test_the_unissued_download_takes_the_letterhead_from_the_settings(province, monitor, logged_in):
    response = logged_in(monitor).get(reverse("reports:weekly_pdf"), {"den_ngay": D.isoformat()})
    text = pdf_text(response.content)
    assert "Trần Thị Hoa" in text and "Số: …/BC-TEST" in text and "VĂN PHÒNG" in text


# -- the issuing form -----------------------------------------------------------------------------------


def _form(**changes):
    data = {"loai": "weekly", "den_ngay": "19/10/2025", "bo_chi_so": "qd766", "so_van_ban": "130/BC-VPUB",
            "ngay_van_ban": "20/10/2025", "co_quan": "UBND tỉnh Thái Nguyên\nVăn phòng", "nguoi_ky": "Lê Văn Cường",
            "chuc_vu_ky": "KT. Chánh Văn phòng\nPhó Chánh Văn phòng",
            "noi_nhan": "Chủ tịch, các PCT UBND tỉnh (b/c);\nLưu: VT, HCC."}
    data.update(changes)
    return data


@override_settings(MOTCUA_REPORT_SIGNER_NAME="Trần Thị Hoa")
def test_monitor_previews_then_issues_with_the_number_and_signer_of_the_form(province, monitor, logged_in):
    client = logged_in(monitor)
    page = client.get(reverse("reports:issue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Trần Thị Hoa" in html and "…/BC-VPUB" in html  # the settings' defaults

    preview = client.post(reverse("reports:issue"), {**_form(), "xem_truoc": "1"})
    assert preview.status_code == 200 and "Bản xem trước" in preview.content.decode()
    assert PublishedReport.objects.count() == 0
    link = preview.context["preview_query"]
    preview_pdf = client.get(reverse("reports:preview_file", args=["pdf"]) + "?" + link)
    assert preview_pdf.status_code == 200 and "Lê Văn Cường" in pdf_text(preview_pdf.content)
    assert PublishedReport.objects.count() == 0

    issued = client.post(reverse("reports:issue"), {**_form(), "phat_hanh": "1"})
    published = PublishedReport.objects.get()
    assert issued.status_code == 302 and issued["Location"] == reverse("reports:published", args=[published.pk])
    assert (published.number, published.signer_name, published.issued_by) == ("130/BC-VPUB", "Lê Văn Cường", monitor)
    assert published.recipients == ["Chủ tịch, các PCT UBND tỉnh (b/c);", "Lưu: VT, HCC."]
    text = pdf_text(client.get(reverse("reports:published_file", args=[published.pk, "pdf"])).content)
    assert "Số: 130/BC-VPUB" in text and "Lê Văn Cường" in text and "Trần Thị Hoa" not in text
    detail = client.get(reverse("reports:published", args=[published.pk])).content.decode()
    assert "130/BC-VPUB" in detail and published.files.get(fmt="pdf").sha256 in detail

    again = client.post(reverse("reports:issue"), {**_form(), "phat_hanh": "1"})
    assert again.status_code == 400 and "đã được dùng" in again.content.decode()
    missing = client.post(reverse("reports:issue"), {**_form(den_ngay="", so_van_ban=""), "phat_hanh": "1"})
    assert missing.status_code == 400 and PublishedReport.objects.count() == 1


def test_only_monitors_issue_and_every_officer_reads(province, monitor, ward_officer, citizen, logged_in, client):
    published = _issue()
    officer = logged_in(ward_officer)
    assert officer.get(reverse("reports:issue")).status_code == 403
    assert officer.post(reverse("reports:issue"), {**_form(), "phat_hanh": "1"}).status_code == 403
    assert officer.get(reverse("reports:preview_file", args=["pdf"])).status_code == 403
    assert PublishedReport.objects.count() == 1
    listing = officer.get(reverse("reports:published_list"))
    assert listing.status_code == 200 and "125/BC-VPUB" in listing.content.decode()
    assert "Phát hành báo cáo mới" not in listing.content.decode()
    assert officer.get(reverse("reports:published", args=[published.pk])).status_code == 200
    assert officer.get(reverse("reports:published_file", args=[published.pk, "xlsx"])).status_code == 200
    assert officer.get(reverse("reports:published_file", args=[published.pk, "doc"])).status_code == 404
    client.logout()
    assert logged_in(citizen).get(reverse("reports:published_list")).status_code == 403
    client.logout()
    anonymous = client.get(reverse("reports:published_file", args=[published.pk, "pdf"]))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


# -- the report to the Chairman and the monthly plan report ----------------------------------------------


def _targets(online_now):
    from decimal import Decimal
    now = Decimal(online_now)
    return [sources.TargetLine(key="online", label="Tỷ lệ hồ sơ tiếp nhận trực tuyến", scope="Toàn tỉnh",
                               target=Decimal(92), current=now, target_text="92%", current_text=f"{number(now, 2)}%",
                               gap_text=number(now - 92, 2, sign=True) + " điểm %", deadline=date(2025, 12, 13),
                               source="Kế hoạch chiến dịch 45 ngày", met=now >= 92),
            sources.TargetLine(key="total", label="Tổng điểm Bộ chỉ số 766", scope="Toàn tỉnh", target=Decimal(90),
                               current=Decimal("88.51"), symbol="điểm", target_text="90 điểm",
                               current_text="88,51 điểm", gap_text="-1,49 điểm", met=False)]


def test_the_report_to_the_chairman_has_the_campaign_targets_and_both_appendices(province, monkeypatch, capsys):
    monkeypatch.setattr(sources, "campaign_progress", lambda day: _targets("87.65"))
    published = _issue(kind="chairman", number_text="131/BC-VPUB")
    files = {f.fmt: bytes(f.content) for f in published.files.all()}
    text = pdf_text(files["pdf"])
    for expected in ("Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh", "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CỦA CHIẾN DỊCH",
                     "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "≥ 92%", "87,65%", "-4,35", "Chưa đạt", "0/2 chỉ tiêu",
                     "88,51 điểm", "Phụ lục I", "Phụ lục II", "Số: 131/BC-VPUB", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
        assert expected in text, expected
    workbook = openpyxl.load_workbook(BytesIO(files["xlsx"]))
    assert workbook.sheetnames[0] == "Chỉ tiêu chiến dịch" and "Phụ lục II" in workbook.sheetnames
    row = next(workbook["Chỉ tiêu chiến dịch"].iter_rows(min_row=5, max_row=5, values_only=True))
    assert row[1:8] == ("Tỷ lệ hồ sơ tiếp nhận trực tuyến", "Toàn tỉnh", "≥", 92, 87.65, "%", -4.35)
    assert published.numbers["targets"][0]["current"] == "87.65"

    monkeypatch.setattr(sources, "campaign_progress", lambda day: _targets("93.00"))
    changes = publishing.differences(published).changes
    item = "Tỷ lệ hồ sơ tiếp nhận trực tuyến (Toàn tỉnh)"
    assert [(c.section, c.item, c.field, c.published, c.current) for c in changes] == [
        ("Chỉ tiêu chiến dịch", item, "đạt (%)", "87.65", "93.00"),
        ("Chỉ tiêu chiến dịch", item, "đánh giá đạt", False, True)]


def _plan_status(first_status="Đang thực hiện", reported=("Sở Khoa học và Công nghệ",)):
    tasks = [sources.PlanTaskLine(key="1", name="Rà soát, tái cấu trúc quy trình DVC trực tuyến toàn trình",
                                  lead_unit="Sở Khoa học và Công nghệ", coordinating="Các sở, ban, ngành",
                                  deadline=date(2025, 11, 30), status=first_status, overdue=False,
                                  update="Đã rà soát 120 thủ tục", reported=True, evidence=2),
             sources.PlanTaskLine(key="2", name="Số hóa 100% hồ sơ khi tiếp nhận", lead_unit="UBND phường Linh Sơn",
                                  coordinating="", deadline=date(2025, 9, 30), status="Chưa hoàn thành",
                                  overdue=True, reported=False)]
    return sources.MonthlyPlanStatus(
        plan_key="kh-1565", plan_title="Kế hoạch thực hiện Quyết định số 1565/QĐ-TTg",
        plan_reference="Kế hoạch số 150/KH-UBND", month=date(2025, 10, 1), due_on=date(2025, 10, 20), tasks=tasks,
        not_reported=[u for u in ("UBND phường Linh Sơn", "UBND xã Tân Cương") if u not in reported])


def test_the_monthly_plan_report_is_published_and_compared_like_the_weekly_one(province, monkeypatch):
    current = {"status": _plan_status()}
    monkeypatch.setattr(sources, "monthly_plan_status", lambda plan, month: current["status"])
    letterhead = default_letterhead("monthly_plan", date(2025, 10, 18)).with_(
        number="45/BC-SKHCN", issuer="UBND tỉnh Thái Nguyên\nSở Khoa học và Công nghệ", signer_name="Phạm Minh")
    published = publishing.issue_report("monthly_plan", publishing.monthly_parameters("kh-1565", date(2025, 10, 1)),
                                        letterhead)
    files = {f.fmt: bytes(f.content) for f in published.files.all()}
    text = cells_text(files["pdf"])
    for expected in ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số: 45/BC-SKHCN", "Thái Nguyên, ngày 18 tháng 10 năm 2025",
                     "KẾT QUẢ THỰC HIỆN KẾ HOẠCH THÁNG 10/2025", "Phạm Minh", "Số hóa 100% hồ sơ khi tiếp nhận",
                     "Chưa hoàn thành (quá hạn)", "Chưa có cập nhật (chưa gửi báo cáo tháng)",
                     "Đã rà soát 120 thủ tục (2 tệp minh chứng)",
                     "Các đơn vị chưa gửi báo cáo tháng (2)", "UBND xã Tân Cương", "Nơi nhận:"):
        assert expected in text, expected
    workbook = openpyxl.load_workbook(BytesIO(files["xlsx"]))
    rows = list(workbook["Nhiệm vụ"].iter_rows(min_row=6, values_only=True))
    assert [r[1] for r in rows] == [t.name for t in current["status"].tasks]
    assert rows[1][4] == datetime(2025, 9, 30) and rows[1][5] == "Chưa hoàn thành (quá hạn)"
    assert [r[1] for r in workbook["Chưa báo cáo"].iter_rows(min_row=4, values_only=True)] == [
        "UBND phường Linh Sơn", "UBND xã Tân Cương"]
    assert published.numbers["overdue"] == 1 and published.period_from == date(2025, 10, 1)

    current["status"] = _plan_status(first_status="Đã hoàn thành",
                                      reported=("Sở Khoa học và Công nghệ", "UBND xã Tân Cương"))
    changes = publishing.differences(published).changes
    found = {(c.section, c.item, c.field): (c.published, c.current) for c in changes}
    assert found[("Nhiệm vụ", "Rà soát, tái cấu trúc quy trình DVC trực tuyến toàn trình", "tình trạng")] == (
        "Đang thực hiện", "Đã hoàn thành")
    assert found[("Chưa báo cáo", "Báo cáo tháng", "chưa gửi")] == (True, None)
    assert PublishedReport.objects.get(pk=published.pk).numbers["tasks"][0]["status"] == "Đang thực hiện"


# -- wired to motcua.targets and motcua.plans -------------------------------------------------------------


def test_the_chairman_report_reads_the_targets_in_force_from_motcua_targets(province, capsys):
    from decimal import Decimal

    from motcua.targets.history import create_target
    from motcua.targets.progress import progress

    target = create_target(measure="online", scope="province", value=Decimal(92), comparison="ge",
                           start=date(2025, 10, 13), end=date(2025, 12, 13), programme="Chiến dịch 45 ngày",
                           document_number="01/KH-UBND")
    create_target(measure="online", scope="province", value=Decimal(50), comparison="ge",
                  start=date(2026, 1, 1), end=date(2026, 1, 31), programme="Năm sau")  # not in force on D
    lines = sources.campaign_progress(D)
    expected = progress(target, today=D)
    assert [(t.label, t.scope, t.target, t.current, t.met) for t in lines] == [
        (target.measure_label, "Toàn tỉnh", Decimal(92), expected.value, expected.met)]
    published = _issue(kind="chairman", number_text="132/BC-VPUB")
    text = pdf_text(published.files.get(fmt="pdf").verified_bytes())
    assert target.measure_label in " ".join(text.split()) and expected.value_text in text
    assert published.numbers["targets"][0]["current"] == str(expected.value)


def test_the_monthly_report_reads_the_plan_from_motcua_plans(province):
    from motcua.plans.models import Plan, Task
    from motcua.units.models import Unit

    plan = Plan.objects.create(key="kh-thu", title="Kế hoạch thử", decision_number="150/KH-UBND",
                               period_start=date(2025, 8, 1), period_end=date(2026, 12, 31),
                               reports_from=date(2025, 9, 1))
    task = Task.objects.create(plan=plan, number="1", title="Số hóa hồ sơ khi tiếp nhận", deadline=date(2025, 9, 30),
                               position=1)
    task.lead_units.set([Unit.objects.get(code="05710")])
    assert ("kh-thu", "Kế hoạch thử") in sources.plan_choices()
    status = sources.monthly_plan_status("kh-thu", date(2025, 10, 1))
    assert [t.name for t in status.tasks] == ["1. Số hóa hồ sơ khi tiếp nhận"]
    assert status.tasks[0].overdue and status.tasks[0].lead_unit == "UBND phường Linh Sơn"
    assert status.not_reported == ["UBND phường Linh Sơn"] and status.due_on == date(2025, 10, 20)
    letterhead = default_letterhead("monthly_plan", date(2025, 10, 18)).with_(number="46/BC-SKHCN")
    published = publishing.issue_report("monthly_plan", publishing.monthly_parameters("kh-thu", date(2025, 10, 1)),
                                        letterhead)
    text = cells_text(published.files.get(fmt="pdf").verified_bytes())
    assert "1. Số hóa hồ sơ khi tiếp nhận" in text and "UBND phường Linh Sơn" in text
    assert publishing.differences(published).changes == []
    with pytest.raises(publishing.ReportError):
        publishing.issue_report("monthly_plan", publishing.monthly_parameters("nope", date(2025, 10, 1)),
                                letterhead.with_(number="47/BC-SKHCN"))


def test_the_command_issues_with_the_number_and_signer_given(province, capsys):
    call_command("reports", "issue", "--kind", "weekly", "--date", D.isoformat(), "--number", "140/BC-VPUB",
                 "--signer-name", "Đỗ Thu Hà", "--document-date", "2025-10-20")
    published = PublishedReport.objects.get(number="140/BC-VPUB")
    out = capsys.readouterr().out
    assert out.startswith(f"{published.pk}\t140/BC-VPUB") and published.files.get(fmt="pdf").sha256 in out
    text = pdf_text(published.files.get(fmt="pdf").verified_bytes())
    assert "Đỗ Thu Hà" in text and "Số: 140/BC-VPUB" in text
    call_command("reports", "list")
    assert "140/BC-VPUB" in capsys.readouterr().out
