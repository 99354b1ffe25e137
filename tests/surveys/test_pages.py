"""The survey pages: the provincial office defines, opens, invites and reads results (nobody else sees
them); citizens answer by the link without signing in, or signed in from their list; and the whole run
from definition to results."""

import json
import re
from datetime import datetime
from io import BytesIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from motcua.outbox.models import Item
from motcua.surveys.models import Invitation, Opening, Response, Survey
from tests.surveys.conftest import AT, CITIZEN_ID, OTHER_ID, QUESTIONS, open_opening, returned


@pytest.fixture(autouse=True)
def november():
    with time_machine.travel(AT, tick=False):
        yield


def token_links(opening):
    links = {}
    for item in Item.objects.filter(kind="notify.email", key__startswith=f"survey:{opening.pk}:"):
        link = re.search(r"https?://\S+", item.payload["body"]).group(0)
        links[item.payload["to"]] = link.split("://", 1)[1].split("/", 1)[1]
    return {to: "/" + path for to, path in links.items()}


def test_the_second_factor_is_the_office_s_own_device_of_the_same_administrator(world, client_of):
    """Surveys read the office's second factor through django-otp: a session that names another user's
    device, or a device not yet confirmed, has not passed it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client_of(world.monitor)  # nothing to pass for a monitor
    other_admin = get_user_model().objects.create_user("quantri2", is_staff=True)
    others = TOTPDevice.objects.create(user=other_admin, name="x", confirmed=True)
    unconfirmed = TOTPDevice.objects.create(user=world.admin, name="y", confirmed=False)
    for device in (others, unconfirmed):
        c = Client()
        c.force_login(world.admin)
        session = c.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        assert c.get(reverse("surveys:list"))["Location"] == reverse("office:otp"), device
    assert client_of(world.admin).get(reverse("surveys:list")).status_code == 200


def test_only_the_provincial_office_sees_the_survey_pages(world, client_of):
    opening = open_opening(world)
    survey = opening.survey
    pages = [reverse("surveys:list"), reverse("surveys:new"), reverse("surveys:survey", args=[survey.pk]),
             reverse("surveys:open", args=[survey.pk]), reverse("surveys:opening", args=[opening.pk]),
             reverse("surveys:xlsx", args=[opening.pk])]
    posts = [reverse("surveys:edit", args=[survey.pk]), reverse("surveys:new_version", args=[survey.pk]),
             reverse("surveys:invite", args=[opening.pk])]
    for user in (world.monitor, world.admin):
        c = client_of(user)
        for url in pages:
            assert c.get(url).status_code == 200, url
    for user in (world.leader_a, world.desk_a, world.viewer_a, world.dept_leader, world.citizen):
        c = client_of(user)
        for url in pages:
            assert c.get(url).status_code == 403, (user, url)
        for url in posts:
            assert c.post(url).status_code == 403, (user, url)
    anonymous = Client()
    assert anonymous.get(pages[0]).status_code == 302 and "/dang-nhap/" in anonymous.get(pages[0])["Location"]
    assert anonymous.post(posts[2]).status_code == 302
    # an administrator without his second factor goes to it
    c = Client()
    c.force_login(world.admin)
    assert c.get(pages[0])["Location"] == reverse("office:otp")
    monitor = client_of(world.monitor)
    for name in ("survey", "open"):
        assert monitor.get(reverse(f"surveys:{name}", args=[9999])).status_code == 404
    for name in ("opening", "xlsx"):
        assert monitor.get(reverse(f"surveys:{name}", args=[9999])).status_code == 404
    assert monitor.get(reverse("surveys:opening", args=[opening.pk]) + "?theo=khac").status_code == 404
    assert monitor.get(reverse("surveys:invite", args=[opening.pk])).status_code == 405
    assert Survey.objects.count() == 1 and not Invitation.objects.exists()


def test_definition_errors_are_shown_naming_the_question(world, client_of):
    c = client_of(world.monitor)
    bad = [QUESTIONS[0], {"key": "kenh", "text": "Kênh?", "type": "single", "choices": ["Một"]}]
    page = c.post(reverse("surveys:new"), {"title": "Phiếu", "intro": "", "questions": json.dumps(bad)})
    assert page.status_code == 400
    assert "Câu 2 (kenh): câu hỏi lựa chọn cần ít nhất 2 lựa chọn." in page.content.decode()
    page = c.post(reverse("surveys:new"), {"title": "Phiếu", "intro": "", "questions": "[{\"key\": }"})
    assert page.status_code == 400 and "Không đọc được JSON ở dòng 1, cột 10" in page.content.decode()
    assert not Survey.objects.exists()
    # the form keeps what was typed
    assert "{&quot;key&quot;: }" in page.content.decode()


def test_a_locked_survey_offers_a_new_version(world, client_of):
    returned(world.birth, world.commune_a, CITIZEN_ID, email="an@example.vn")
    opening = open_opening(world)
    survey = opening.survey
    c = client_of(world.monitor)
    c.post(reverse("surveys:invite", args=[opening.pk]))
    link = token_links(opening)["an@example.vn"]
    Client().post(link, {"hai_long": "3", "kenh": "Trực tiếp"})
    page = c.get(reverse("surveys:survey", args=[survey.pk])).content.decode()
    assert "Tạo phiên bản mới" in page and reverse("surveys:edit", args=[survey.pk]) not in page
    response = c.post(reverse("surveys:edit", args=[survey.pk]),
                      {"title": "Khác", "intro": "", "questions": json.dumps(QUESTIONS)}, follow=True)
    assert "không sửa được" in response.content.decode()
    assert Survey.objects.get(pk=survey.pk).title == "Đánh giá trải nghiệm 2025"
    response = c.post(reverse("surveys:new_version", args=[survey.pk]))
    copy = Survey.objects.get(previous=survey)
    assert response["Location"] == reverse("surveys:survey", args=[copy.pk]) and copy.version == 2


def test_the_answer_page_by_link(world, client_of):
    returned(world.birth, world.commune_a, CITIZEN_ID, email="an@example.vn")
    opening = open_opening(world)
    client_of(world.monitor).post(reverse("surveys:invite", args=[opening.pk]))
    link = token_links(opening)["an@example.vn"]
    citizen = Client()  # not signed in
    page = citizen.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thủ tục đăng ký khai sinh" in html and 'name="hai_long" value="5"' in html
    assert "<script" not in html

    # errors next to each question, what was chosen kept
    page = citizen.post(link, {"kenh": "Trực tiếp", "gop_y": "x" * 501})
    assert page.status_code == 400
    html = page.content.decode()
    assert re.search(r'<p class="error" id="hai_long-error">Vui lòng chọn một mức.</p>', html)
    assert re.search(r'<p class="error" id="gop_y-error">Tối đa 500 ký tự.</p>', html)
    assert 'value="Trực tiếp" checked' in html and 'aria-describedby=" hai_long-error"' in html
    assert not Response.objects.exists()

    answer = citizen.post(link, {"hai_long": "4", "kenh": "Trực tiếp", "kho_khan": ["Thanh toán"]})
    assert answer["Location"] == reverse("portal:survey_thanks")
    assert Response.objects.get().answers == {"hai_long": 4, "kenh": "Trực tiếp", "kho_khan": ["Thanh toán"]}
    # one use
    assert citizen.get(link).status_code == 410
    assert citizen.post(link, {"hai_long": "1", "kenh": "Trực tiếp"}).status_code == 410
    assert Response.objects.count() == 1
    # unknown link
    assert citizen.get(reverse("portal:survey_token", args=["khong-dung"])).status_code == 404


def test_a_link_after_the_opening_closed_is_refused(world, client_of):
    returned(world.birth, world.commune_a, CITIZEN_ID, email="an@example.vn")
    opening = open_opening(world)
    client_of(world.monitor).post(reverse("surveys:invite", args=[opening.pk]))
    link = token_links(opening)["an@example.vn"]
    with time_machine.travel(datetime.fromisoformat("2025-12-01T07:00:00+07:00"), tick=False):
        page = Client().get(link)
        assert page.status_code == 410 and "Đợt khảo sát đã kết thúc" in page.content.decode()
        assert Client().post(link, {"hai_long": "4", "kenh": "Trực tiếp"}).status_code == 410
        # and no invitation is sent for it any more
        response = client_of(world.monitor).post(reverse("surveys:invite", args=[opening.pk]), follow=True)
        assert "Đợt khảo sát đã kết thúc" in response.content.decode()
    assert not Response.objects.exists()


def test_signed_in_citizens_answer_from_their_list(world, portal_world, citizen_client, other_client, client_of):
    returned(world.birth, world.commune_a, CITIZEN_ID, email="an@example.vn")
    opening = open_opening(world)
    client_of(world.monitor).post(reverse("surveys:invite", args=[opening.pk]))
    invitation = Invitation.objects.get(id_number=CITIZEN_ID)
    listing = citizen_client.get(reverse("portal:surveys")).content.decode()
    assert reverse("portal:survey_answer", args=[invitation.pk]) in listing
    assert "không có phiếu khảo sát nào" in other_client.get(reverse("portal:surveys")).content.decode()
    # another citizen's invitation is not found
    assert other_client.get(reverse("portal:survey_answer", args=[invitation.pk])).status_code == 404
    assert other_client.post(reverse("portal:survey_answer", args=[invitation.pk]),
                             {"hai_long": "1", "kenh": "Trực tiếp"}).status_code == 404
    assert client_of(world.monitor).get(reverse("portal:survey_answer", args=[invitation.pk])).status_code == 403
    response = citizen_client.post(reverse("portal:survey_answer", args=[invitation.pk]),
                                   {"hai_long": "5", "kenh": "Trực tuyến"})
    assert response.status_code == 302 and Response.objects.count() == 1
    assert reverse("portal:survey_answer", args=[invitation.pk]) not in \
        citizen_client.get(reverse("portal:surveys")).content.decode()
    assert Invitation.objects.filter(pk=invitation.pk, used_at__isnull=False).exists()
    assert OTHER_ID != CITIZEN_ID


def test_a_survey_runs_from_definition_to_results(world, client_of):
    """Done means: defined in the page, opened for a service, invitations through the outbox, answered by
    the links without signing in, results per service and unit with charts, tables and the XLSX."""
    returned(world.birth, world.commune_a, CITIZEN_ID, email="an@example.vn", phone="0912345678")
    returned(world.birth, world.commune_a, OTHER_ID, name="Trần Thị Bình", email="binh@example.vn")
    returned(world.birth, world.commune_b, "019190000007", name="Lê Văn Cường", email="cuong@example.vn")
    monitor = client_of(world.monitor)
    assert "Khảo sát" in monitor.get(reverse("office:queue")).content.decode()

    created = monitor.post(reverse("surveys:new"), {"title": "Đánh giá trải nghiệm DVC 2025", "intro": "Mời trả lời.",
                                                    "questions": json.dumps(QUESTIONS, ensure_ascii=False)})
    survey = Survey.objects.get()
    assert created["Location"] == reverse("surveys:survey", args=[survey.pk])

    form = {"name": "Tháng 11/2025", "procedures": world.birth.code, "units": "", "opens_on": "01/11/2025",
            "closes_on": "30/11/2025", "returned_from": "01/10/2025", "returned_to": "31/10/2025",
            "anonymous": "on"}
    bad = monitor.post(reverse("surveys:open", args=[survey.pk]), {**form, "procedures": "9.999999",
                                                                   "closes_on": "31/10/2025"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Không có thủ tục mang mã: 9.999999." in html and "Ngày kết thúc không được trước ngày bắt đầu." in html
    opened = monitor.post(reverse("surveys:open", args=[survey.pk]), form)
    opening = Opening.objects.get()
    assert opened["Location"] == reverse("surveys:opening", args=[opening.pk]) and opening.anonymous

    monitor.post(reverse("surveys:invite", args=[opening.pk]))
    again = monitor.post(reverse("surveys:invite", args=[opening.pk]), follow=True).content.decode()
    assert "Đã mời 0 người" in again and "3 người đã được mời trước đó" in again
    assert Item.objects.filter(kind="notify.email", key__startswith="survey:").count() == 3
    assert Item.objects.filter(kind="notify.sms", key__startswith="survey:").count() == 1

    links = token_links(opening)
    for to, answers in (("an@example.vn", {"hai_long": "5", "kenh": "Trực tuyến", "gop_y": "Rất nhanh"}),
                        ("binh@example.vn", {"hai_long": "4", "kenh": "Trực tuyến",
                                             "kho_khan": ["Đăng nhập", "Thanh toán"]}),
                        ("cuong@example.vn", {"hai_long": "4", "kenh": "Trực tiếp"})):
        assert Client().post(links[to], answers).status_code == 302

    page = monitor.get(reverse("surveys:opening", args=[opening.pk])).content.decode()
    assert "4,33" in page and "100,00%" in page and "Rất nhanh" in page
    assert "<svg" in page and "<script" not in page
    assert page.count('<table>\n<caption class="visually-hidden">Phân bố câu trả lời') == 3  # a table per chart
    by_unit = monitor.get(reverse("surveys:opening", args=[opening.pk]) + "?theo=don-vi").content.decode()
    assert "UBND phường Phan Đình Phùng" in by_unit and "4,50" in by_unit and "4,00" in by_unit
    one = monitor.get(reverse("surveys:opening", args=[opening.pk]),
                      {"theo": "don-vi", "nhom": world.commune_b.code}).content.decode()
    assert "UBND phường Linh Sơn: từng câu hỏi" in one and "<svg" in one
    export = monitor.get(reverse("surveys:xlsx", args=[opening.pk]))
    book = load_workbook(BytesIO(export.content))
    whole = next(r for r in book["Tổng hợp"].iter_rows(min_row=3, values_only=True) if r[0] == "Toàn bộ đợt khảo sát")
    assert whole[3:7] == (3, 3, 1.0, pytest.approx(13 / 3))
    assert [e.action for e in survey.events.order_by("id")] == ["create", "open", "invite"]
