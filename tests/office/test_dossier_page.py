"""The dossier page: only the actions the user can take now; those that end the dossier apart and confirmed
on the server; the apology's new due in dd/mm/yyyy HH:MM; the favicon."""

import re
from datetime import timedelta

import pytest
import time_machine

from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.office import actions
from tests.office.conftest import AT, receive

pytestmark = pytest.mark.django_db


def _fresh(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def _forms(page):
    """(ordinary actions, dangerous actions) shown on the page, by their form ids."""
    ordinary, _sep, dangerous = page.partition('id="dangerous-actions"')
    return (re.findall(r'id="action-(\w+)"', ordinary), re.findall(r'id="action-(\w+)"', dangerous))


def _post(client, dossier, verb, **data):
    data.setdefault("version", _fresh(dossier).version)
    return client.post(f"/ho-so/{dossier.code}/{verb}/", data)


@pytest.fixture
def processing(world, dossier):
    return actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a, version=dossier.version)


def test_each_role_sees_only_the_actions_it_can_take_now(world, dossier, client_of):
    page = lambda user: client_of(user).get(f"/ho-so/{dossier.code}/").content.decode()  # noqa: E731
    # A received dossier: the desk may refuse or record a withdrawal, nothing else.
    assert _forms(page(world.desk_a)) == ([], ["refuse", "withdraw"])
    # The processing officer assigns (starts) or asks for a supplement; refusing is the desk's.
    assert _forms(page(world.processor_a)) == (["start", "request_supplement"], [])
    # The leader is both.
    assert _forms(page(world.leader_a)) == (["start", "request_supplement"], ["refuse", "withdraw"])
    # A viewer and an officer of the department above (who sees nothing of commune A's dossier) act on nothing.
    viewer = page(world.viewer_a)
    assert _forms(viewer) == ([], []) and 'id="actions"' not in viewer and "dangerous-actions" not in viewer


def test_processing_page_sets_stop_and_withdraw_apart_with_a_confirmation(world, processing, client_of):
    page = client_of(world.processor_a).get(f"/ho-so/{processing.code}/").content.decode()
    ordinary, dangerous = _forms(page)
    assert set(ordinary) == {"assign", "hand_over", "request_supplement", "request_fees", "apologize", "resolve"}
    assert dangerous == ["stop"]  # withdrawing is recorded by the desk
    section = page[page.index('id="dangerous-actions"'):]
    assert "Thao tác kết thúc hồ sơ" in section and "không thể hoàn tác" in section
    assert re.search(r'<input type="checkbox" name="confirm"[^>]*required', section)
    assert 'name="confirm"' not in page[:page.index('id="dangerous-actions"')]


def test_stop_without_the_confirmation_is_refused_and_changes_nothing(world, processing, client_of):
    client = client_of(world.processor_a)
    refused = _post(client, processing, "dung-xu-ly", reason="Hồ sơ giả mạo")
    assert refused.status_code == 400
    assert "Vui lòng đánh dấu ô xác nhận trước khi thực hiện." in refused.content.decode()
    assert _fresh(processing).status == Status.PROCESSING
    assert not DossierEvent.objects.filter(dossier=processing, action="stop").exists()
    done = _post(client, processing, "dung-xu-ly", reason="Hồ sơ giả mạo", confirm="on")
    assert done.status_code == 302 and _fresh(processing).status == Status.STOPPED


@pytest.mark.parametrize(("verb", "action", "status"), [("tu-choi", "refuse", Status.REFUSED),
                                                         ("rut-ho-so", "withdraw", Status.WITHDRAWN)])
def test_refuse_and_withdraw_need_the_confirmation_too(world, dossier, client_of, verb, action, status):
    client = client_of(world.desk_a)
    assert _post(client, dossier, verb, reason="Thiếu giấy tờ").status_code == 400
    assert _fresh(dossier).status == Status.RECEIVED
    assert not DossierEvent.objects.filter(dossier=dossier, action=action).exists()
    assert _post(client, dossier, verb, reason="Thiếu giấy tờ", confirm="on").status_code == 302
    assert _fresh(dossier).status == status


def test_a_user_who_may_not_act_is_refused_even_with_the_confirmation(world, processing, client_of):
    response = _post(client_of(world.desk_a), processing, "dung-xu-ly", reason="x", confirm="on")
    assert response.status_code == 403 and _fresh(processing).status == Status.PROCESSING


def test_the_apology_reads_its_new_due_as_dd_mm_yyyy(world, client_of):
    with time_machine.travel(AT, tick=False):
        dossier = receive(world)
        dossier = actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a,
                                    version=dossier.version)
    client = client_of(world.processor_a)
    with time_machine.travel(AT + timedelta(hours=2), tick=False):
        page = client.get(f"/ho-so/{dossier.code}/").content.decode()
        field = re.search(r'<input[^>]*name="new_due"[^>]*>', page).group(0)
        assert 'type="text"' in field and 'placeholder="12/11/2025 16:00"' in field
        assert "datetime-local" not in page and "Ví dụ: 12/11/2025 16:00" in page
        for wrong in ("11/31/2025 16:00", "31/11/2025 16:00", "10/11/2025 25:00", "10/11/2025", "mười tháng mười"):
            response = _post(client, dossier, "xin-loi-hen-lai", reason="Chờ xác minh", new_due=wrong)
            assert response.status_code == 400, wrong
            assert "không đúng dạng ngày/tháng/năm giờ:phút, ví dụ 12/11/2025 16:00" in response.content.decode()
        assert not DossierEvent.objects.filter(dossier=dossier, action="apologize").exists()
        # 10/11 is the 10th of November (day first), not the 11th of October.
        assert _post(client, dossier, "xin-loi-hen-lai", reason="Chờ xác minh",
                     new_due="10/11/2025 16:00").status_code == 302
    event = DossierEvent.objects.get(dossier=dossier, action="apologize")
    assert event.data["new_due_at"].startswith("2025-11-10T16:00")


def test_a_refused_apology_shows_the_date_back_as_typed(world, client_of):
    with time_machine.travel(AT, tick=False):
        dossier = receive(world)
        dossier = actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a,
                                    version=dossier.version)
    with time_machine.travel(AT + timedelta(hours=2), tick=False):
        response = _post(client_of(world.processor_a), dossier, "xin-loi-hen-lai", reason="Chờ",
                         new_due="06/11/2025 08:00")  # before the current due time (6/11 09:00)
    page = response.content.decode()
    assert response.status_code == 400 and "phải sau thời gian hẹn trả hiện tại" in page
    assert 'value="06/11/2025 08:00"' in page


def test_the_favicon_is_served_and_linked(world, client_of, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert "max-age=604800" in response["Cache-Control"]
    link = '<link rel="icon" href="/favicon.ico" sizes="any">'
    assert link in client.get("/dang-nhap/").content.decode()  # motcua/templates/base.html
    assert link in client.get("/dich-vu-cong/").content.decode()  # the citizen portal's base
    assert link in client_of(world.desk_a).get("/hang-doi/").content.decode()  # the back office's


ENGLISH_ADMIN = ("Site administration", "Log out", "Skip to main content", "Toggle theme", "Model name", "Add link",
                 "Change or view list link", "Show counts", ">Core<", "Recent actions")


def test_the_admin_is_in_vietnamese_even_for_an_english_browser(world, client_of):
    client = client_of(world.admin)
    for url in ("/admin/", "/admin/core/membership/", "/admin/units/unit/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
        assert '<html lang="vi"' in page, url
        assert [text for text in ENGLISH_ADMIN if text in page] == [], url
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Tài khoản cán bộ và phân quyền" in index and "Chuyển đến nội dung chính" in index


def test_django_s_own_messages_stay_vietnamese_for_an_english_browser(world, processing, client_of):
    response = client_of(world.processor_a).post(f"/ho-so/{processing.code}/chuyen-lien-thong/",
                                                 {"version": processing.version, "days": "1"},
                                                 HTTP_ACCEPT_LANGUAGE="en")  # no unit chosen
    page = response.content.decode()
    assert response.status_code == 400 and "This field is required" not in page
    assert "Trường này là bắt buộc" in page
