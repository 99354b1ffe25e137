"""Feedback on the citizen portal: filing signed in or not, routing to the competent unit, the citizen's
own items only, rating and raising again, the public list without personal data, the rate limit."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client

from motcua.feedback.constants import Status
from motcua.feedback.models import Feedback
from motcua.office import feedback_actions as fa
from tests.feedback.conftest import AT, file_item
from tests.office.conftest import receive


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


ANONYMOUS = {"about": "procedure", "procedure": "1.001193", "unit": "05710", "subject": "Hướng dẫn chưa rõ",
             "content": "Thành phần hồ sơ khai sinh chưa rõ.", "name": "Lê Thị Cúc", "phone": "", "email": ""}


def test_an_anonymous_filing_needs_contact_details_and_goes_to_the_chosen_competent_unit(portal_world):
    client = Client()
    response = client.post("/dich-vu-cong/phan-anh/gui/", ANONYMOUS)
    assert response.status_code == 400 and "số điện thoại hoặc thư điện tử" in response.content.decode()
    response = client.post("/dich-vu-cong/phan-anh/gui/", {**ANONYMOUS, "email": "cuc@example.vn"})
    assert response.status_code == 200
    item = Feedback.objects.get()
    assert item.code in response.content.decode()
    assert (item.unit, item.procedure, item.submitted_by, item.channel) == (
        portal_world.commune_b, portal_world.birth, None, "portal")
    # A unit without authority for the procedure is not a choice.
    refused = client.post("/dich-vu-cong/phan-anh/gui/", {**ANONYMOUS, "email": "c@example.vn", "unit": "19.STC"})
    assert refused.status_code == 400 and Feedback.objects.count() == 1


def test_a_dossier_can_be_chosen_only_by_its_signed_in_owner(portal_world, citizen_client, other_client):
    dossier = receive(portal_world)
    data = {"about": "dossier", "dossier": dossier.code, "subject": "Chậm", "content": "Hồ sơ chậm trả kết quả."}
    assert Client().post("/dich-vu-cong/phan-anh/gui/", {**data, "name": "X", "phone": "0912345678"}
                         ).status_code == 400
    assert other_client.post("/dich-vu-cong/phan-anh/gui/", data).status_code == 400
    form = citizen_client.get(f"/dich-vu-cong/phan-anh/gui/?ho-so={dossier.code}").content.decode()
    assert 'value="an@example.vn"' in form and f'value="{dossier.code}" selected' in form
    response = citizen_client.post("/dich-vu-cong/phan-anh/gui/", data)
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert (item.unit, item.dossier, item.submitted_by, item.submitter_name, item.submitter_email) == (
        dossier.unit, dossier, portal_world.citizen, "Nguyễn Văn An", "an@example.vn")
    assert "Phản ánh về hồ sơ này" in citizen_client.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/").content.decode()


def test_citizens_see_only_their_own_items(portal_world, citizen_client, other_client):
    mine = file_item(portal_world, user=portal_world.citizen)
    anonymous = file_item(portal_world)
    assert mine.code in citizen_client.get("/dich-vu-cong/phan-anh/cua-toi/").content.decode()
    assert anonymous.code not in citizen_client.get("/dich-vu-cong/phan-anh/cua-toi/").content.decode()
    for url in (f"/dich-vu-cong/phan-anh/cua-toi/{mine.code}/", f"/dich-vu-cong/phan-anh/cua-toi/{mine.code}/tra-loi.pdf"):
        assert other_client.get(url).status_code == 404
    assert other_client.post(f"/dich-vu-cong/phan-anh/cua-toi/{mine.code}/danh-gia/",
                             {"version": 0, "rating": "unsatisfied"}).status_code == 404
    assert citizen_client.get(f"/dich-vu-cong/phan-anh/cua-toi/{anonymous.code}/").status_code == 404


def test_the_citizen_rates_the_answer_and_raises_it_again(portal_world, citizen_client):
    item = file_item(portal_world, user=portal_world.citizen)
    # The answer is written directly here: the signed answer is tested in test_actions.
    Feedback.objects.filter(pk=item.pk).update(status=Status.ANSWERED, answered_at=AT + timedelta(days=1),
                                               answer_text="Đã giải quyết.")
    url = f"/dich-vu-cong/phan-anh/cua-toi/{item.code}/"
    assert "Gửi đánh giá" in citizen_client.get(url).content.decode()
    assert citizen_client.post(f"{url}danh-gia/", {"version": 0, "rating": "unsatisfied"}).status_code == 302
    assert Feedback.objects.get(pk=item.pk).rating == "unsatisfied"
    stale = citizen_client.post(f"{url}danh-gia/", {"version": 0, "rating": "satisfied"}, follow=True)
    assert "đã thay đổi" in stale.content.decode() and Feedback.objects.get(pk=item.pk).rating == "unsatisfied"
    response = citizen_client.post(f"{url}phan-anh-lai/", {"version": 1, "content": "Chưa đúng nội dung."})
    new = Feedback.objects.get(previous=item)
    assert response.status_code == 302 and response["Location"].endswith(f"/{new.code}/")
    assert Feedback.objects.get(pk=item.pk).raised_again and new.submitted_by == portal_world.citizen
    page = citizen_client.get(url).content.decode()
    assert new.code in page and "Gửi phản ánh lại" not in page  # once: the new item is raised next


def test_the_citizen_sends_the_information_asked_for(portal_world, citizen_client):
    item = file_item(portal_world, user=portal_world.citizen)
    fa.do_request_info(item, actor=portal_world.processor_a, note="Cho biết ngày nộp hồ sơ.", version=0)
    url = f"/dich-vu-cong/phan-anh/cua-toi/{item.code}/"
    assert "Cho biết ngày nộp hồ sơ." in citizen_client.get(url).content.decode()
    assert citizen_client.post(f"{url}bo-sung/", {"version": 1, "note": "Ngày 30/10/2025"}).status_code == 302
    fresh = Feedback.objects.get(pk=item.pk)
    assert fresh.status == Status.RECEIVED and "Ngày 30/10/2025" in fresh.content


def test_the_public_list_shows_published_answers_without_personal_data(portal_world):
    item = file_item(portal_world)
    Feedback.objects.filter(pk=item.pk).update(status=Status.ANSWERED, answered_at=AT + timedelta(days=1),
                                               answer_text="Đã gọi cho ông Nguyễn Văn An theo số 0912345678.",
                                               subject="Nguyễn Văn An hỏi về khai sinh")
    item.refresh_from_db()
    hidden = file_item(portal_world)
    fa.do_publish(item, actor=portal_world.processor_a, text="", version=item.version)
    page = Client().get("/dich-vu-cong/phan-anh/").content.decode()
    assert item.code in page and hidden.code not in page
    assert "Nguyễn Văn An" not in page and "0912345678" not in page and "N.V.A." in page


def test_anonymous_filing_is_rate_limited_per_address(portal_world, settings):
    settings.MOTCUA_FEEDBACK_ANONYMOUS_RATE = "2/h"
    client = Client(REMOTE_ADDR="203.0.113.7")
    data = {**ANONYMOUS, "email": "cuc@example.vn"}
    assert [client.post("/dich-vu-cong/phan-anh/gui/", data).status_code for _ in range(3)] == [200, 200, 429]
    assert Client(REMOTE_ADDR="203.0.113.8").post("/dich-vu-cong/phan-anh/gui/", data).status_code == 200
    assert Feedback.objects.count() == 3


def test_every_feedback_url_naming_an_item_is_404_for_another_person(portal_world, other_client, client_of):
    """Walks the portal's and the back office's feedback URL patterns with a real item's code: another citizen
    and another unit's officer get 404 (or 405) on GET and POST; a new pattern is walked as soon as it exists."""
    from django.urls import reverse

    from motcua.office.urls import urlpatterns as office_patterns
    from motcua.portal.urls import urlpatterns as portal_patterns

    item = file_item(portal_world, user=portal_world.citizen)
    Feedback.objects.filter(pk=item.pk).update(answer_file="feedback/x.pdf")
    walked = 0
    for namespace, patterns, client in (("portal", portal_patterns, other_client),
                                        ("office", office_patterns, client_of(portal_world.desk_b))):
        for pattern in patterns:
            if "feedback" not in (pattern.name or "") or "code" not in pattern.pattern.converters:
                continue
            url = reverse(f"{namespace}:{pattern.name}", kwargs={"code": item.code})
            assert client.get(url).status_code in (404, 405), url
            assert client.post(url, {"version": 0, "note": "x", "reason": "x", "rating": "satisfied",
                                     "content": "x", "text": "x" * 30}).status_code in (404, 403), url
            walked += 1
    assert walked >= 14
    fresh = Feedback.objects.get(pk=item.pk)
    assert (fresh.version, fresh.status) == (0, Status.RECEIVED)
