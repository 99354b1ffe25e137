"""Monthly reports before the 20th, the not-reported list, reminders through the outbox, campaign reports."""

from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from motcua.notify.notices import KINDS
from motcua.outbox.models import Item
from motcua.plans import campaign as camp
from motcua.plans import monthly
from motcua.plans.actions import ActionRefused, post_update
from motcua.plans.models import CampaignReport, MonthlyReport, Task, TaskEvent
from tests.office.conftest import MINIMAL_PDF, PNG_BYTES

SEP = date(2025, 9, 1)


def at(text):
    return datetime.fromisoformat(text + "+07:00")


def emails():
    return list(Item.objects.filter(kind=KINDS["email"], group__startswith="plan-").order_by("key"))


def test_monthly_report_submitted_once_by_a_leader_on_time_before_the_20th(plan_world):
    w = plan_world
    plan = w.plan
    assert monthly.due_day(plan, SEP) == date(2025, 9, 20) and monthly.last_day(plan, SEP) == date(2025, 9, 19)
    post_update(Task.objects.get(plan=plan, number="V.1"), w.leader_a, "Xong", 100, at=at("2025-08-12T08:00:00"))
    report = monthly.submit_report(plan, w.leader_a, SEP, "Đã triển khai kế hoạch chi tiết.", at=at("2025-09-19T16:00:00"))
    assert report.unit == w.commune_a and monthly.on_time(plan, report)
    assert report.figures["done"] >= 1 and report.figures["tasks_led"] == report.figures["done"] + report.figures[
        "in_progress"] + report.figures["not_started"] + report.figures["late"]
    assert TaskEvent.objects.get(kind=TaskEvent.Kind.MONTHLY).data == {"report": report.pk, "month": "2025-09-01",
                                                                        "on_time": True}
    with pytest.raises(ActionRefused, match="đã gửi báo cáo tháng 09/2025"):
        monthly.submit_report(plan, w.leader_a, SEP, "Lần hai", at=at("2025-09-19T17:00:00"))
    with pytest.raises(ActionRefused, match="lãnh đạo đơn vị"):
        monthly.submit_report(plan, w.processor_a, SEP, "Chuyên viên", at=at("2025-09-19T17:00:00"))
    with pytest.raises(ActionRefused, match="Không có kỳ báo cáo"):
        monthly.submit_report(plan, w.dept_leader, date(2025, 10, 1), "Sớm", at=at("2025-09-19T17:00:00"))
    with pytest.raises(ActionRefused):  # a signed file must be a real PDF/PNG/JPEG
        monthly.submit_report(plan, w.dept_leader, SEP, "", SimpleUploadedFile("bc.pdf", PNG_BYTES),
                              at=at("2025-09-20T08:00:00"))
    late = monthly.submit_report(plan, w.dept_leader, SEP, "", SimpleUploadedFile("bc.pdf", MINIMAL_PDF),
                                 at=at("2025-09-20T08:00:00"))
    assert not monthly.on_time(plan, late) and late.signed_file.name.endswith(".pdf")

    data = monthly.monthly_status(plan, SEP, today=date(2025, 10, 5))
    assert data["due_before"] == "2025-09-20" and data["as_of"] == "2025-09-30"
    v1 = next(t for t in data["tasks"] if t["number"] == "V.1")
    assert v1["status"] == "late"  # only commune A finished it before 20/8
    by_code = {r["code"]: r for r in data["reports"]}
    assert by_code[w.commune_a.code]["text"] == "Đã triển khai kế hoạch chi tiết." and by_code[w.commune_a.code]["on_time"]
    assert by_code[w.department.code]["on_time"] is False
    assert {u["code"] for u in data["not_reported"]} == {r["code"] for r in data["reports"] if not r["submitted"]}
    assert w.commune_b.code in {u["code"] for u in data["not_reported"]}


def test_not_reported_list_and_report_form_pages(plan_world, client_of):
    w = plan_world
    monthly.submit_report(w.plan, w.leader_a, SEP, "Báo cáo tháng 9", at=at("2025-09-15T09:00:00"))
    page = client_of(w.monitor).get(f"/ke-hoach/{w.plan.key}/chua-bao-cao/", {"thang": "2025-09"})
    body = page.content.decode()
    assert page.status_code == 200
    assert f'data-unit="{w.commune_b.code}"' in body.split('id="reported"')[0]
    assert f'data-unit="{w.commune_a.code}"' not in body.split('id="reported"')[0]
    assert f'data-unit="{w.commune_a.code}"' in body.split('id="reported"')[1]
    assert client_of(w.leader_a).get(f"/ke-hoach/{w.plan.key}/chua-bao-cao/").status_code == 403
    assert client_of(w.processor_a).get(f"/ke-hoach/{w.plan.key}/bao-cao-thang/").status_code == 403
    form = client_of(w.leader_b).get(f"/ke-hoach/{w.plan.key}/bao-cao-thang/")
    assert form.status_code == 200 and 'value="2025-09-01"' in form.content.decode()
    posted = client_of(w.leader_b).post(f"/ke-hoach/{w.plan.key}/bao-cao-thang/",
                                        {"month": "2025-09-01", "text": "Phường Linh Sơn báo cáo."})
    assert posted.status_code == 302
    assert MonthlyReport.objects.get(unit=w.commune_b, month=SEP).submitted_by == w.leader_b


def test_reminders_go_once_per_unit_month_and_step_to_the_leaders_who_have_not_reported(plan_world, settings):
    w = plan_world
    plan = w.plan
    # Only September is owed on 15/09/2025 (reports from 09/2025); commune A has already reported.
    monthly.submit_report(plan, w.leader_a, SEP, "Đã báo cáo", at=at("2025-09-12T09:00:00"))
    assert monthly.remind(plan, date(2025, 9, 14)).queued == 0  # 6 days before the 20th: nothing yet
    run = monthly.remind(plan, date(2025, 9, 15))
    sent = emails()
    # The leaders with an address of units that have not reported: the department of finance, science and
    # technology; not commune A (reported), not commune B's leader (no address), not the officers.
    assert {i.payload["to"] for i in sent} == {"lanhdao.stc@thainguyen.gov.vn", "lanhdao.skhcn@thainguyen.gov.vn"}
    assert run.queued == 2 and w.commune_b.code in run.no_address
    assert all(i.payload["step"] == "early" and "09/2025" in i.payload["subject"] for i in sent)
    assert "trước ngày 20/09/2025" in sent[0].payload["body"]
    again = monthly.remind(plan, date(2025, 9, 17))
    assert (again.queued, again.already) == (0, 2) and len(emails()) == 2
    call_command("plans", "remind", "--today", "2025-09-19")
    assert {i.payload["step"] for i in emails()} == {"early", "last_day"} and len(emails()) == 4
    call_command("plans", "remind", "--today", "2025-09-19")
    assert len(emails()) == 4
    monthly.submit_report(plan, w.skhcn_leader, SEP, "Sở KH&CN báo cáo", at=at("2025-09-21T09:00:00"))
    call_command("plans", "remind", "--today", "2025-09-22")
    late = [i for i in emails() if i.payload["step"] == "late"]
    assert [i.payload["to"] for i in late] == ["lanhdao.stc@thainguyen.gov.vn"]
    assert "Quá hạn" in late[0].payload["subject"]
    call_command("plans", "remind", "--today", "2025-09-25")
    assert len(emails()) == 5


def test_campaign_weeks_reports_and_figures(plan_world):
    w = plan_world
    campaign = camp.campaign()
    weeks = campaign.weeks()
    assert weeks[0] == (date(2025, 10, 30), date(2025, 11, 5)) and weeks[-1] == (date(2025, 12, 11), date(2025, 12, 13))
    assert len(weeks) == 7 and campaign.final_due == date(2025, 12, 19)
    with pytest.raises(ActionRefused, match="Chưa đến tuần"):
        camp.submit(w.leader_a, "Sớm", week_start=weeks[1][0], at=at("2025-11-01T09:00:00"))
    report = camp.submit(w.leader_a, "Hướng dẫn 120 người nộp trực tuyến.", week_start=weeks[0][0],
                         at=at("2025-11-05T16:00:00"))
    assert report.figures["from"] == "2025-10-30" and report.figures["to"] == "2025-11-05"
    assert "total" in report.figures and isinstance(report.figures["groups"], list)
    with pytest.raises(ActionRefused, match="đã gửi"):
        camp.submit(w.leader_a, "Lần hai", week_start=weeks[0][0], at=at("2025-11-05T17:00:00"))
    with pytest.raises(ActionRefused):
        camp.submit(w.processor_a, "Chuyên viên", week_start=weeks[0][0], at=at("2025-11-05T17:00:00"))
    week = camp.campaign_week(w.commune_a, weeks[0][0])
    assert week["submitted"] and week["text"] == "Hướng dẫn 120 người nộp trực tuyến."
    assert week["figures"] == report.figures
    assert w.commune_a not in camp.not_reported(weeks[0][0]) and w.commune_b in camp.not_reported(weeks[0][0])
    with pytest.raises(ActionRefused, match="tuần cuối"):
        camp.submit(w.leader_a, "Tổng kết", kind=CampaignReport.Kind.FINAL, at=at("2025-12-01T09:00:00"))
    final = camp.submit(w.leader_a, "Tổng kết đợt cao điểm.", kind=CampaignReport.Kind.FINAL,
                        at=at("2025-12-15T09:00:00"))
    assert (final.week_start, final.week_end) == (date(2025, 10, 30), date(2025, 12, 13))
    assert TaskEvent.objects.filter(kind=TaskEvent.Kind.CAMPAIGN).count() == 2


def test_campaign_page_for_a_leader_and_for_the_monitor(plan_world, client_of):
    w = plan_world
    week = camp.campaign().weeks()[0][0]
    camp.submit(w.leader_a, "Tuần đầu của phường.", week_start=week, at=at("2025-11-05T16:00:00"))
    mine = client_of(w.leader_a).get("/ke-hoach/chien-dich/")
    assert mine.status_code == 200 and b'id="campaign-weeks"' in mine.content
    monitor = client_of(w.monitor).get("/ke-hoach/chien-dich/", {"tuan": week.isoformat()})
    body = monitor.content.decode()
    assert monitor.status_code == 200
    assert f'data-unit="{w.commune_b.code}"' in body.split('id="campaign-reports"')[0]
    assert f'data-unit="{w.commune_a.code}"' in body.split('id="campaign-reports"')[1]
    assert client_of(w.citizen).get("/ke-hoach/chien-dich/").status_code == 403
    assert client_of(w.monitor).get("/ke-hoach/").status_code == 302
