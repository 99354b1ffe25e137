"""The target pages: who may see and change what, and a change keeps the old target."""

from datetime import date
from decimal import Decimal

from motcua.targets import history
from motcua.targets.models import Scope, Target

from .conftest import local, make_dossier


def unit_target(w):
    return history.create_target(measure="online", scope=Scope.UNIT, unit=w.commune_a, value=Decimal(92),
                                 start=date(2025, 11, 3), end=date(2025, 11, 14), programme="Chiến dịch 45 ngày")


def officer_target(w, officer):
    return history.create_target(measure="officer_late", scope=Scope.OFFICER, officer=officer, value=Decimal(0),
                                 comparison="le", start=date(2025, 11, 3), end=date(2025, 11, 14),
                                 programme="Chiến dịch 45 ngày")


def form_data(**more):
    data = {"measure": "online", "comparison": "ge", "value": "95", "scope": "unit", "start": "03/11/2025",
            "end": "2025-11-14", "programme": "Chiến dịch 45 ngày", "document_number": "", "document_date": "",
            "document_title": "", "note": "", "reason": "Giao chỉ tiêu"}
    data.update(more)
    return data


def test_who_may_see_the_pages(world, client_of, client):
    target = unit_target(world)
    assert client.get("/chi-tieu/").status_code == 302  # to the login
    for user in (world.desk_a, world.processor_a, world.viewer_a, world.citizen):
        assert client_of(user).get("/chi-tieu/").status_code == 403
    for user in (world.desk_a, world.processor_a, world.viewer_a):
        assert client_of(user).get(f"/chi-tieu/{target.pk}/").status_code == 404
    assert client_of(world.citizen).get(f"/chi-tieu/{target.pk}/").status_code == 403  # not the back office
    make_dossier(world, at=local(3, 9), online=True)
    page = client_of(world.monitor).get("/chi-tieu/")
    assert page.status_code == 200
    assert f'data-target="{target.pk}"' in page.content.decode()
    assert "03/11/2025 – 14/11/2025" in page.content.decode()
    # The department's leader sees the province's targets, his units' and his officers', not commune A's.
    other = client_of(world.dept_leader).get("/chi-tieu/")
    assert other.status_code == 200 and f'data-target="{target.pk}"' not in other.content.decode()
    assert client_of(world.dept_leader).get(f"/chi-tieu/{target.pk}/").status_code == 404
    assert client_of(world.leader_a).get(f"/chi-tieu/{target.pk}/").status_code == 200


def test_monitor_creates_and_changes_with_a_reason(world, client_of):
    c = client_of(world.monitor)
    response = c.post("/chi-tieu/moi/", form_data(unit=world.commune_a.pk))
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.value, target.unit, target.created_by, target.start) == (
        Decimal(95), world.commune_a, world.monitor, date(2025, 11, 3))
    # A change without a reason is refused; with one, a new row supersedes the old.
    page = c.post(f"/chi-tieu/{target.pk}/dieu-chinh/", form_data(unit=world.commune_a.pk, value="90", reason=""))
    assert page.status_code == 200 and Target.objects.count() == 1
    response = c.post(f"/chi-tieu/{target.pk}/dieu-chinh/",
                      form_data(unit=world.commune_a.pk, value="90", reason="Thương lượng lại"))
    assert response.status_code == 302
    new = Target.objects.current().get()
    assert new.value == Decimal(90) and new.reason == "Thương lượng lại"
    target.refresh_from_db()
    assert target.superseded_by == new and target.changed_by == world.monitor
    history_page = c.get(f"/chi-tieu/{new.pk}/").content.decode()
    assert f'data-target="{target.pk}"' in history_page and "Thương lượng lại" in history_page
    # The old one cannot be changed any more.
    assert c.post(f"/chi-tieu/{target.pk}/dieu-chinh/", form_data(unit=world.commune_a.pk, reason="x")
                  ).status_code == 403
    assert c.post(f"/chi-tieu/{new.pk}/thu-hoi/", {"reason": "Hết chiến dịch"}).status_code == 302
    assert not Target.objects.current().exists()


def test_a_leader_sets_only_his_officers_targets(world, client_of):
    c = client_of(world.leader_a)
    # Not a unit target…
    page = c.post("/chi-tieu/moi/", form_data(unit=world.commune_a.pk))
    assert page.status_code == 200 and not Target.objects.exists()
    # …nor another unit's officer…
    page = c.post("/chi-tieu/moi/", form_data(scope="officer", officer=world.processor_b.pk, measure="officer_late",
                                             comparison="le", value="0"))
    assert page.status_code == 200 and not Target.objects.exists()
    # …but his own officer's.
    response = c.post("/chi-tieu/moi/", form_data(scope="officer", officer=world.processor_a.pk,
                                                 measure="officer_late", comparison="le", value="0"))
    assert response.status_code == 302
    mine = Target.objects.get()
    assert mine.officer == world.processor_a and mine.unit == world.commune_a
    assert c.post(f"/chi-tieu/{mine.pk}/thu-hoi/", {"reason": "Đổi người"}).status_code == 302
    # The unit's own target and another unit's officer's are not his to change.
    theirs = officer_target(world, world.processor_b)
    assert c.post(f"/chi-tieu/{theirs.pk}/thu-hoi/", {"reason": "x"}).status_code == 404
    unit = unit_target(world)
    assert c.get(f"/chi-tieu/{unit.pk}/dieu-chinh/").status_code == 403
    assert Target.objects.current().count() == 2


def test_the_admin_change_supersedes(world, client_of):
    target = unit_target(world)
    c = client_of(world.admin)
    assert c.get(f"/admin/targets/target/{target.pk}/change/").status_code == 200
    data = {"measure": "online", "comparison": "ge", "value": "93", "scope": "unit", "unit": world.commune_a.pk,
            "officer": "", "start": "2025-11-03", "end": "2025-11-14", "programme": "Chiến dịch 45 ngày",
            "document_number": "", "document_date": "", "document_title": "", "note": "", "reason": "Giao lại"}
    response = c.post(f"/admin/targets/target/{target.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Target.objects.current().get()
    assert new.pk != target.pk and new.value == Decimal(93) and new.reason == "Giao lại"
    target.refresh_from_db()
    assert target.value == Decimal(92) and target.superseded_by == new
    assert c.post(f"/admin/targets/target/{target.pk}/delete/", {"post": "yes"}).status_code == 403
