"""Plan tasks: seeding from seed 003, derived status, append-only updates, access, evidence uploads."""

from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.plans import status as st
from motcua.plans.access import can_update, visible_tasks
from motcua.plans.actions import ActionRefused, add_evidence, post_update
from motcua.plans.models import AppendOnlyError, Task, TaskEvent, TaskUpdate
from motcua.plans.progress import progress
from motcua.plans.seeding import load_plan
from motcua.units.models import Unit
from tests.office.conftest import MINIMAL_PDF, PNG_BYTES

AUG_10 = datetime.fromisoformat("2025-08-10T09:00:00+07:00")


def task(world, number):
    return Task.objects.get(plan=world.plan, number=number)


def test_seeding_reads_the_plan_of_seed_003_and_is_idempotent(plan_world):
    w = plan_world
    assert w.plan.decision_number == "1565/QĐ-TTg" and w.plan.report_day == 20
    assert Task.objects.filter(plan=w.plan).count() == 16
    t = task(w, "1.2")
    assert list(t.lead_units.all()) == [w.skhcn]
    coordinating = set(t.coordinating_units.values_list("code", flat=True))
    assert coordinating == set(Unit.objects.filter(kind__in=["department", "commune"])
                               .exclude(pk=w.skhcn.pk).values_list("code", flat=True))
    assert t.deadline == date(2025, 8, 31) and t.deadline_text == "Tháng 8 năm 2025"
    assert list(task(w, "5.2").lead_units.all()) == [w.police]
    assert task(w, "5.2").deadline is None and task(w, "5.2").recurrence == "ongoing"
    assert list(task(w, "1.4").coordinating_units.all()) == [w.vpubnd]
    assert w.vpubnd not in task(w, "1.4").lead_units.all() and w.department in task(w, "1.4").lead_units.all()
    assert list(task(w, "5.1").coordinating_units.all()) == [w.police]
    assert set(task(w, "V.2").lead_units.all()) == {w.commune_a, w.commune_b, w.commune_c}
    assert task(w, "V.1").deadline == date(2025, 8, 19)  # "trước ngày 20/8/2025"
    events = TaskEvent.objects.filter(kind=TaskEvent.Kind.SEEDED).count()
    assert events == 16

    again = load_plan()
    assert (again.created, again.changed, again.unchanged, again.missing_units) == (0, 0, 16, [])
    assert Task.objects.count() == 16 and TaskEvent.objects.filter(kind=TaskEvent.Kind.SEEDED).count() == events
    assert again.plan.pk == w.plan.pk


def test_status_late_derived_from_the_deadline(plan_world):
    w = plan_world
    v1 = task(w, "V.1")  # every department and commune, before 20/8/2025
    for unit_leader in (w.leader_a,):
        post_update(v1, unit_leader, "Đã ban hành kế hoạch chi tiết.", 100, at=AUG_10)
    rows = {r.task.number: r for r in progress(Task.objects.filter(pk=v1.pk), date(2025, 8, 19))}
    parts = {p.unit.pk: p.status for p in rows["V.1"].units}
    assert parts[w.commune_a.pk] == st.DONE and parts[w.commune_b.pk] == st.NOT_STARTED
    assert rows["V.1"].status == st.IN_PROGRESS
    late = progress(Task.objects.filter(pk=v1.pk), date(2025, 8, 20))[0]
    assert late.status == st.LATE
    assert {p.unit.pk: p.status for p in late.units}[w.commune_a.pk] == st.DONE
    # As of a day before the update, the update does not count.
    assert {p.unit.pk: p.status for p in progress(Task.objects.filter(pk=v1.pk), date(2025, 8, 9))[0].units}[
        w.commune_a.pk] == st.NOT_STARTED


def test_updates_are_append_only_and_audited(plan_world):
    w = plan_world
    t = task(w, "1.2")
    update = post_update(t, w.skhcn_officer, "Đã trình dự thảo chính sách.", 40, at=AUG_10)
    update.text = "sửa"
    with pytest.raises(AppendOnlyError):
        update.save()
    with pytest.raises(AppendOnlyError):
        update.delete()
    with pytest.raises(AppendOnlyError):
        TaskUpdate.objects.filter(pk=update.pk).update(percent=90)
    with pytest.raises(AppendOnlyError):
        TaskUpdate.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        TaskEvent.objects.all().delete()
    assert TaskUpdate.objects.get(pk=update.pk).text == "Đã trình dự thảo chính sách."
    event = TaskEvent.objects.get(task=t, kind=TaskEvent.Kind.UPDATED)
    assert event.actor == w.skhcn_officer and event.unit == w.skhcn and event.data["percent"] == 40
    with pytest.raises(ActionRefused):
        post_update(t, w.skhcn_officer, "x", 101)
    with pytest.raises(ActionRefused):
        post_update(t, w.skhcn_officer, "   ", 50)


def test_only_the_lead_unit_posts_updates(plan_world):
    w = plan_world
    t = task(w, "1.2")  # lead: the Department of Science and Technology; commune A coordinates
    assert can_update(w.skhcn_leader, t) and can_update(w.skhcn_officer, t)
    assert not can_update(w.leader_a, t) and not can_update(w.monitor, t)
    with pytest.raises(ActionRefused):
        post_update(t, w.leader_a, "Phối hợp", 10)
    assert not can_update(w.viewer_a, task(w, "1.1"))  # read-only colleague of a lead unit
    assert can_update(w.processor_a, task(w, "1.1"))
    # An internal office's officer works for its department.
    assert can_update(w.dept_processor, task(w, "1.4"))


def test_who_sees_which_task(plan_world):
    w = plan_world
    numbers = lambda user: set(visible_tasks(user, w.plan).values_list("number", flat=True))  # noqa: E731
    assert numbers(w.monitor) == numbers(w.admin) and len(numbers(w.monitor)) == 16
    assert "1.4" not in numbers(w.leader_a)  # departments lead, the provincial office coordinates
    assert {"1.1", "1.2", "V.2"} <= numbers(w.leader_a)
    assert "V.2" not in numbers(w.dept_leader)
    assert numbers(w.citizen) == set()


def test_pages_respect_access(plan_world, client_of):
    w = plan_world
    t14 = task(w, "1.4")
    page = client_of(w.monitor).get(f"/ke-hoach/{w.plan.key}/")
    assert page.status_code == 200 and b'data-task="1.4"' in page.content and b"31/08/2025" in page.content
    own = client_of(w.leader_a).get(f"/ke-hoach/{w.plan.key}/")
    assert own.status_code == 200 and b'data-task="1.4"' not in own.content and b'data-task="V.2"' in own.content
    assert client_of(w.leader_a).get(f"/ke-hoach/nhiem-vu/{t14.pk}/").status_code == 404
    assert client_of(w.leader_a).post(f"/ke-hoach/nhiem-vu/{t14.pk}/cap-nhat/",
                                      {"text": "x", "percent": 5}).status_code == 404
    t12 = task(w, "1.2")
    assert client_of(w.leader_a).post(f"/ke-hoach/nhiem-vu/{t12.pk}/cap-nhat/",
                                      {"text": "x", "percent": 5}).status_code == 403
    assert client_of(w.citizen).get(f"/ke-hoach/{w.plan.key}/").status_code == 403
    response = client_of(w.skhcn_leader).post(f"/ke-hoach/nhiem-vu/{t12.pk}/cap-nhat/",
                                              {"text": "Đã trình UBND tỉnh", "percent": 60})
    assert response.status_code == 302
    assert TaskUpdate.objects.get(task=t12).percent == 60
    detail = client_of(w.leader_a).get(f"/ke-hoach/nhiem-vu/{t12.pk}/")
    assert detail.status_code == 200 and "Đã trình UBND tỉnh" in detail.content.decode()
    assert b'id="update-form"' not in detail.content
    mine = client_of(w.leader_a).get(f"/ke-hoach/{w.plan.key}/cua-toi/")
    assert mine.status_code == 200 and b'id="mine-led"' in mine.content


def test_evidence_upload_is_checked_by_the_one_upload_rule(plan_world, client_of):
    w = plan_world
    t = task(w, "1.2")
    evidence = add_evidence(t, w.skhcn_leader, SimpleUploadedFile("to-trinh.pdf", MINIMAL_PDF), "Tờ trình")
    assert evidence.content_type == "application/pdf" and evidence.unit == w.skhcn
    assert TaskEvent.objects.filter(task=t, kind=TaskEvent.Kind.EVIDENCE).count() == 1
    with pytest.raises(ActionRefused, match="mang tên tệp PDF nhưng nội dung là PNG"):
        add_evidence(t, w.skhcn_leader, SimpleUploadedFile("anh.pdf", PNG_BYTES))
    with pytest.raises(ActionRefused, match="không phải tệp PDF, PNG hoặc JPEG"):
        add_evidence(t, w.skhcn_leader, SimpleUploadedFile("ghi-chu.pdf", b"hello world, not a pdf"))
    with pytest.raises(ActionRefused):
        add_evidence(t, w.leader_a, SimpleUploadedFile("to-trinh.pdf", MINIMAL_PDF))
    response = client_of(w.skhcn_leader).post(f"/ke-hoach/nhiem-vu/{t.pk}/minh-chung/",
                                              {"file": SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 10)})
    assert response.status_code == 400 and "không phải tệp PDF" in response.content.decode()
    assert t.evidence.count() == 1
    download = client_of(w.leader_a).get(f"/ke-hoach/minh-chung/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == MINIMAL_PDF
    t14 = task(w, "1.4")
    other = add_evidence(t14, w.dept_leader, SimpleUploadedFile("qt.pdf", MINIMAL_PDF))
    assert client_of(w.leader_a).get(f"/ke-hoach/minh-chung/{other.pk}/").status_code == 404
