"""The dashboards: who may open which, the JSON's numbers against the services that own them, each block
rendered, and a change read back within one poll."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from motcua.controlroom import access
from motcua.indicators.service import index_json
from motcua.lib import periods, vnformat
from motcua.targets.progress import progress
from tests.targets.conftest import make_dossier

from .conftest import days_ago

PROVINCE = "/dieu-hanh/"
PROVINCE_JSON = "/dieu-hanh/so-lieu.json"


def unit_url(code, json=False):
    return f"/dieu-hanh/don-vi/{code}/" + ("so-lieu.json" if json else "")


def year_to_date():
    today = timezone.localdate()
    return periods.comparison(today, periods.YEAR_TO_DATE)


# -- access ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_monitor_and_admin_open_the_province_and_every_unit(room, client_of):
    for person in (room.monitor, room.admin):
        client = client_of(person)
        for url in (PROVINCE, PROVINCE_JSON, unit_url("05443"), unit_url("05710", True), unit_url("19.STC.DKKD")):
            assert client.get(url).status_code == 200, (person, url)


@pytest.mark.django_db
def test_leader_sees_his_unit_only(room, client_of):
    leader = client_of(room.leader_a)
    response = leader.get(PROVINCE)
    assert response.status_code == 302 and response["Location"] == unit_url("05443")
    assert leader.get(PROVINCE_JSON).status_code == 403
    assert leader.get(unit_url("05443")).status_code == 200
    assert leader.get(unit_url("05443", True)).status_code == 200
    assert leader.get(unit_url("05710")).status_code == 403
    assert leader.get(unit_url("05710", True)).status_code == 403
    assert leader.get(unit_url("19.STC")).status_code == 403
    # The department's leader: his department and its office below it, no commune.
    dept = client_of(room.dept_leader)
    assert dept.get(unit_url("19.STC")).status_code == 200
    assert dept.get(unit_url("19.STC.DKKD")).status_code == 200
    assert dept.get(unit_url("05443")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["desk_a", "processor_a", "viewer_a", "citizen"])
def test_other_roles_are_refused(room, client_of, persona):
    client = client_of(getattr(room, persona))
    for url in (PROVINCE, PROVINCE_JSON, unit_url("05443"), unit_url("05443", True)):
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_and_unknown_units_are_not_found(room, client, client_of):
    response = client.get(PROVINCE)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    assert client.get(PROVINCE_JSON).status_code == 302
    monitor = client_of(room.monitor)
    assert monitor.get(unit_url("99999")).status_code == 404
    assert monitor.get(unit_url("19")).status_code == 404  # the province's dashboard is /dieu-hanh/


@pytest.mark.django_db
def test_access_rules_as_functions(room):
    assert access.sees_province(room.monitor) and not access.sees_province(room.leader_a)
    assert access.may_see_unit(room.leader_a, room.commune_a)
    assert not access.may_see_unit(room.leader_a, room.commune_b)
    assert not access.may_see_unit(room.processor_a, room.commune_a)


# -- the JSON's numbers ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_province_json_equals_the_index_service_and_targets_progress(room, client_of):
    data = client_of(room.monitor).get(PROVINCE_JSON).json()
    figures = data["figures"]
    current, previous = year_to_date()
    now, before = index_json(*current)["units"], index_json(*previous)["units"]
    assert figures["province-total"]["value"] == now[0]["total"]
    assert figures["province-total"]["text"] == vnformat.number(now[0]["total"], 2)
    assert figures["province-change"]["value"] == pytest.approx(now[0]["total"] - before[0]["total"], abs=1e-9)
    for group in now[0]["groups"]:
        assert figures[f"province-group-{group['id']}"]["value"] == group["points"]
    for unit in now[1:]:
        assert figures[f"rank-{unit['code']}-total"]["value"] == unit["total"]
    # Communes ranked apart from departments: commune A and B are both placed among the communes.
    assert {figures["rank-05443"]["value"], figures["rank-05710"]["value"]} <= {1, 2, 3}
    p = progress(room.province_online)
    assert p.value is not None
    key = f"target-{room.province_online.pk}"
    assert figures[f"{key}-value"]["value"] == float(p.value)
    assert figures[f"{key}-value"]["text"] == vnformat.number(p.value, 2) + "%"
    assert figures[f"{key}-gap"]["value"] == float(p.gap)
    assert figures[f"{key}-status"]["value"] is p.met
    assert figures[f"{key}-status"]["text"] == ("Đang đạt" if p.met else "Chưa đạt")
    assert figures[f"{key}-effort"]["value"] == float(p.effort.per_day)


@pytest.mark.django_db
def test_unit_json_equals_the_index_service_targets_and_officer_figures(room, client_of):
    figures = client_of(room.leader_a).get(unit_url("05443", True)).json()["figures"]
    current, _ = year_to_date()
    entry = index_json(*current, unit_code="05443")["units"][0]
    assert figures["unit-total"]["value"] == entry["total"]
    own = progress(room.commune_online)
    assert figures[f"target-{room.commune_online.pk}-value"]["value"] == float(own.value)
    assert figures[f"target-{room.commune_online.pk}-gap"]["value"] == float(own.gap)
    # The province's target read for the commune, beside the commune's own (here on the same measure and
    # programme, so the commune's own replaces it).
    assert not any(k.startswith("target-p") for k in figures)
    officer = progress(room.officer_resolved)
    assert figures[f"officer-target-{room.officer_resolved.pk}-value"]["value"] == float(officer.value)
    # Six dossiers received at commune A's desk in the last days were created without an actor; the
    # officer figures count events by actor: nobody received any.
    assert figures[f"officer-{room.desk_a.pk}-received"]["value"] == 0


@pytest.mark.django_db(transaction=True)
def test_a_new_dossier_shows_in_the_next_poll(room, client_of):
    client = client_of(room.monitor)
    key = f"target-{room.province_online.pk}-value"
    before = client.get(PROVINCE_JSON).json()["figures"]
    make_dossier(room.world, at=timezone.now() - timedelta(seconds=5), online=True, unit=room.commune_b)
    after = client.get(PROVINCE_JSON).json()["figures"]
    assert after[key]["value"] > before[key]["value"]
    assert after[key]["value"] == float(progress(room.province_online).value)
    assert after["rank-05710-received"]["value"] == before["rank-05710-received"]["value"] + 1


# -- the pages ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_province_page_renders_every_block(room, client_of):
    from motcua.plans.seeding import load_plan

    load_plan()
    response = client_of(room.monitor).get(PROVINCE)
    html = response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    assert 'src="/static/controlroom/live.js"' in html and "<script>" not in html
    assert 'data-live-url="/dieu-hanh/so-lieu.json"' in html and 'aria-live="polite"' in html
    p = progress(room.province_online)
    row = html[html.index(f'id="target-{room.province_online.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "Tỷ lệ hồ sơ tiếp nhận trực tuyến" in row and "≥ 92%" in row
    assert p.value_text in row and p.gap_text in row
    assert ("Đang đạt" if p.met else "Chưa đạt") in row
    assert f"{p.days_left} ngày" in row
    assert "<svg" in html and "Lũy kế từ đầu kỳ" in html  # the trend chart and its table
    assert "Sở, ban, ngành" in html and "Xã, phường" in html
    assert "Danh sách đơn vị, thủ tục chậm" in html and "Chưa phát sinh hồ sơ" in html
    assert "nhiệm vụ chậm tiến độ" in html and "chưa báo cáo tháng" in html
    assert "/chi-so/viec-can-lam/" in html and "/canh-bao-tre-han/" in html
    assert "Dự báo tổng điểm đến 31/12/" in html


@pytest.mark.django_db
def test_unit_page_renders_every_block(room, client_of):
    response = client_of(room.leader_a).get(unit_url("05443"))
    html = response.content.decode()
    assert "Phòng điều hành: UBND phường Phan Đình Phùng" in html
    assert 'id="unit-rank"' in html and "Hạng trong xã, phường" in html
    assert 'id="h-fix"' in html and 'id="h-warn"' in html
    assert f'id="target-{room.commune_online.pk}"' in html and "≥ 60%" in html
    assert 'id="officers"' in html and "Trần Văn Xử" in html and "Số hồ sơ cán bộ giải quyết xong" in html
    assert 'data-live-url="/dieu-hanh/don-vi/05443/so-lieu.json"' in html


@pytest.mark.django_db
def test_unit_page_lists_fix_first_actions_with_the_engines_gains(room, client_of):
    from motcua.fixfirst.engine import fix_first

    # Unsynced dossiers: syncing them raises 1.4 (and 3.3 through it).
    for n in (1, 2):
        make_dossier(room.world, at=days_ago(n, 11), synced=False)
    html = client_of(room.leader_a).get(unit_url("05443")).content.decode()
    current, _ = year_to_date()
    result = fix_first(*current, unit_code="05443")
    best = [a for a in result["actions"] if a["gain"] > 0][0]
    assert f'data-kind="{best["kind"]}" data-indicator="{best["indicator"]}"' in html
    assert vnformat.number(best["gain"], 2, sign=True) in html
    for code in best["dossiers"][:5]:
        assert code in html


def test_figures_registry_refuses_a_key_twice():
    from motcua.controlroom.figures import Figures

    figures = Figures()
    figures.percent("a", 0.9649)
    assert figures.json()["a"] == {"value": 0.9649, "text": "96,49%", "tone": ""}
    with pytest.raises(ValueError):
        figures.number("a", 1)
    figures.number("b", 1234567)
    assert figures.items["b"].text == "1.234.567"
    figures.add("c", date(2025, 11, 5), "05/11/2025")
    assert figures.json()["c"]["value"] == "2025-11-05"


@pytest.mark.django_db
def test_the_home_page_links_the_control_room_for_leaders_and_monitors_only(room, client_of):
    assert 'id="controlroom-link"' in client_of(room.leader_a).get("/").content.decode()
    assert 'id="controlroom-link"' in client_of(room.monitor).get("/").content.decode()
    assert 'id="controlroom-link"' not in client_of(room.desk_a).get("/").content.decode()
