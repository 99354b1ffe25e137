"""The rating pages: the invitation sent with the return and its link (no sign-in, one use, expiring, no
personal data), the citizen's form on his dossier page, the desk's tablet page, the weekly list and its XLSX."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from motcua.dossiers.models import DossierEvent
from motcua.outbox.models import Item
from motcua.ratings import links
from motcua.ratings.models import DossierRating, RatingLink
from tests.ratings.conftest import AT, EMAIL, fresh, resolved, returned

pytestmark = pytest.mark.django_db
LINK = re.compile(r"/danh-gia/([A-Za-z0-9_-]+)/")


def invitation(dossier, channel="email"):
    item = Item.objects.get(kind=f"notify.{channel}", key__contains=":rating:", group=dossier.code)
    return item.payload


def token_of(dossier):
    return LINK.search(invitation(dossier)["body"]).group(1)


# -- the invitation ---------------------------------------------------------------------------------------


def test_the_invitation_goes_to_the_outbox_once_when_the_return_is_posted_twice(world, client_of, settings):
    settings.MOTCUA_SITE_URL = "https://motcua.thainguyen.gov.vn"
    dossier = resolved(world)
    desk = client_of(world.desk_a)
    version = dossier.version
    url = f"/ho-so/{dossier.code}/tra-ket-qua/"
    assert desk.post(url, {"version": version}).status_code == 302
    assert desk.post(url, {"version": version}).status_code == 302  # the double post: refused, nothing sent
    items = Item.objects.filter(kind__startswith="notify.", key__contains=":rating:", group=dossier.code)
    assert sorted(i.kind for i in items) == ["notify.email", "notify.sms"]
    assert RatingLink.objects.filter(dossier=dossier).count() == 1
    email = invitation(dossier)
    assert email["to"] == EMAIL and dossier.code in email["subject"]
    assert "https://motcua.thainguyen.gov.vn/danh-gia/" in email["body"] and "14 ngày" in email["body"]
    token = token_of(dossier)
    assert token in invitation(dossier, "sms")["text"]
    # Only the token's hash is stored.
    assert not RatingLink.objects.filter(token_hash=token).exists()
    assert RatingLink.objects.get(dossier=dossier).token_hash != token
    assert fresh(dossier).status == 10


def test_no_address_no_link(world):
    dossier = returned(world, email="", phone="")
    assert fresh(dossier).status == 10
    assert not Item.objects.filter(key__contains=":rating:").exists() and not RatingLink.objects.exists()


# -- the link page ----------------------------------------------------------------------------------------


def test_the_link_rates_without_signing_in_once_and_shows_no_personal_data(world, client):
    dossier = returned(world)
    url = reverse("rating_link", args=[token_of(dossier)])
    with time_machine.travel(AT + timedelta(days=2), tick=False):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert dossier.code in html and "Thủ tục đăng ký khai sinh" in html
        for personal in ("Nguyễn Văn An", "019090001234", "0912345678", EMAIL, "Tổ 5"):
            assert personal not in html, personal
        answer = {"satisfied": "0", "c_attitude": "satisfied", "c_visits": "unsatisfied", "c_time": "",
                  "comment": "Phải đi lại ba lần."}
        done = client.post(url, answer)
        assert done.status_code == 200 and "Cảm ơn" in done.content.decode()
        rating = DossierRating.objects.get(dossier=dossier)
        assert (rating.satisfied, rating.channel, rating.user) == (False, "link", None)
        assert rating.criteria == {"attitude": "satisfied", "visits": "unsatisfied"}
        assert fresh(dossier).rating == "unsatisfied"
        # Used: a clear page, and a second post changes nothing.
        again = client.get(url)
        assert again.status_code == 410 and "đã được dùng" in again.content.decode()
        assert client.post(url, {**answer, "satisfied": "1"}).status_code == 410
    assert fresh(dossier).rating == "unsatisfied"
    assert DossierEvent.objects.filter(dossier=dossier, action="rate").count() == 1


def test_an_expired_or_wrong_link_gets_a_clear_page(world, client, settings):
    settings.MOTCUA_RATING_LINK_DAYS = 14
    dossier = returned(world)
    url = reverse("rating_link", args=[token_of(dossier)])
    with time_machine.travel(AT + timedelta(days=14, hours=1, seconds=1), tick=False):
        expired = client.get(url)
        assert expired.status_code == 410 and "đã hết hạn" in expired.content.decode()
        assert client.post(url, {"satisfied": "1"}).status_code == 410
    with time_machine.travel(AT + timedelta(days=1), tick=False):
        wrong = client.get(reverse("rating_link", args=["not-a-token"]))
        assert wrong.status_code == 404 and "không đúng" in wrong.content.decode()
        assert client.post(reverse("rating_link", args=["x" * 43]), {"satisfied": "1"}).status_code == 404
    assert not DossierRating.objects.exists()


def test_a_link_without_an_answer_asks_again(world, client):
    dossier = returned(world)
    url = reverse("rating_link", args=[token_of(dossier)])
    with time_machine.travel(AT + timedelta(days=1), tick=False):
        response = client.post(url, {"comment": "quên chọn"})
        assert response.status_code == 400 and "Vui lòng chọn" in response.content.decode()
        assert client.get(url).status_code == 200  # not used up
    assert not DossierRating.objects.exists()


def test_rate_by_link_is_one_use_even_called_directly(world):
    dossier = returned(world)
    token = links.issue_link(dossier, at=AT + timedelta(days=1))
    links.rate_by_link(token, satisfied=True, at=AT + timedelta(days=1, hours=1))
    with pytest.raises(links.LinkError) as used:
        links.rate_by_link(token, satisfied=False, at=AT + timedelta(days=1, hours=2))
    assert used.value.reason == links.USED and fresh(dossier).rating == "satisfied"


# -- the citizen's dossier page ---------------------------------------------------------------------------


def test_the_citizen_rates_his_own_returned_dossier_on_his_page(portal_world, citizen_client, other_client):
    dossier = returned(portal_world)
    page = citizen_client.get(reverse("portal:dossier", args=[dossier.code]))
    html = page.content.decode()
    assert 'id="rating"' in html and "Gửi đánh giá" in html and "Thái độ của cán bộ" in html
    url = reverse("portal:rate", args=[dossier.code])
    # Another citizen: 404, nothing written.
    assert other_client.post(url, {"satisfied": "0"}).status_code == 404
    assert not DossierRating.objects.exists()
    response = citizen_client.post(url, {"satisfied": "1", "c_guidance": "satisfied", "comment": "Nhanh."})
    assert response.status_code == 302 and response["Location"].endswith("#rating")
    rating = DossierRating.objects.get(dossier=dossier)
    assert (rating.satisfied, rating.channel, rating.user) == (True, "portal", portal_world.citizen)
    html = citizen_client.get(reverse("portal:dossier", args=[dossier.code])).content.decode()
    assert "Ông/Bà đã đánh giá: <strong>Hài lòng</strong>" in html and "Thay đổi đánh giá" in html
    # The change is the same form; the window closes it.
    assert citizen_client.post(url, {"satisfied": "0"}).status_code == 302
    assert fresh(dossier).rating == "unsatisfied"


def test_no_rating_form_before_the_return_and_a_post_is_refused(portal_world, citizen_client):
    dossier = resolved(portal_world)
    assert 'id="rating"' not in citizen_client.get(reverse("portal:dossier", args=[dossier.code])).content.decode()
    response = citizen_client.post(reverse("portal:rate", args=[dossier.code]), {"satisfied": "1"}, follow=True)
    assert "Chỉ đánh giá được hồ sơ đã trả kết quả" in response.content.decode()
    assert not DossierRating.objects.exists()


def test_an_officer_cannot_use_the_citizens_form(portal_world, client_of):
    dossier = returned(portal_world)
    response = client_of(portal_world.desk_a).post(reverse("portal:rate", args=[dossier.code]), {"satisfied": "1"})
    assert response.status_code == 403 and not DossierRating.objects.exists()


# -- the desk's tablet page -------------------------------------------------------------------------------


def test_the_citizen_taps_at_the_desk_then_thanks_and_back_to_the_list(world, client_of):
    dossier = returned(world)
    desk = client_of(world.desk_a)
    url = reverse("office:rating_desk", args=[dossier.code])
    first = desk.get(url + "?satisfied=1&c_time=satisfied")  # nothing in the address pre-fills an answer
    html = first.content.decode()
    assert first.status_code == 200 and "Hài lòng" in html and "Không hài lòng" in html
    assert "checked" not in html and 'name="ticket"' not in html
    tapped = desk.post(url, {"step": "answer", "satisfied": "0"})
    assert tapped.status_code == 200 and 'name="ticket"' in tapped.content.decode()
    assert not DossierRating.objects.exists()  # nothing is written until the citizen sends
    ticket = re.search(r'name="ticket" value="([^"]+)"', tapped.content.decode()).group(1)
    sent = desk.post(url, {"step": "send", "ticket": ticket, "c_attitude": "unsatisfied", "comment": "Chờ lâu."})
    assert sent.status_code == 302 and sent["Location"] == reverse("office:rating_desk_thanks")
    thanks = desk.get(sent["Location"]).content.decode()
    assert "Cảm ơn" in thanks and f'url={reverse("office:rating_desk_start")}' in thanks
    rating = DossierRating.objects.get(dossier=dossier)
    assert (rating.satisfied, rating.channel, rating.user, rating.criteria) == (
        False, "desk", world.desk_a, {"attitude": "unsatisfied"})
    # After the thanks the tablet page starts blank again: no earlier answer shown.
    assert "checked" not in desk.get(url).content.decode()
    with time_machine.travel(AT + timedelta(days=1), tick=False):  # the desk's list: returned in the last 14 days
        assert dossier.code in desk.get(reverse("office:rating_desk_start")).content.decode()
    assert dossier.code not in desk.get(reverse("office:rating_desk_start")).content.decode()


def test_the_desk_cannot_send_an_answer_the_citizen_did_not_tap(world, client_of):
    dossier = returned(world)
    desk = client_of(world.desk_a)
    url = reverse("office:rating_desk", args=[dossier.code])
    assert desk.post(url, {"step": "send", "satisfied": "1"}).status_code == 400
    assert desk.post(url, {"step": "send", "ticket": "made-up", "satisfied": "1"}).status_code == 400
    other = returned(world, at=AT + timedelta(hours=2))
    tapped = desk.post(reverse("office:rating_desk", args=[other.code]), {"step": "answer", "satisfied": "1"})
    ticket = re.search(r'name="ticket" value="([^"]+)"', tapped.content.decode()).group(1)
    assert desk.post(url, {"step": "send", "ticket": ticket}).status_code == 400  # another dossier's tap
    assert not DossierRating.objects.exists()


def test_the_desk_page_is_scoped(world, client_of):
    dossier = returned(world)
    url = reverse("office:rating_desk", args=[dossier.code])
    assert client_of(world.desk_b).get(url).status_code == 404  # another unit's dossier
    assert client_of(world.desk_b).post(url, {"step": "answer", "satisfied": "1"}).status_code == 404
    assert client_of(world.processor_a).get(url).status_code == 403
    assert client_of(world.processor_a).get(reverse("office:rating_desk_start")).status_code == 403
    assert client_of(world.citizen).get(url).status_code == 403
    assert client_of(world.leader_a).get(url).status_code == 200


def test_the_desk_page_csrf(world, client_of):
    from django.test import Client
    dossier = returned(world)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.desk_a)
    url = reverse("office:rating_desk", args=[dossier.code])
    assert strict.post(url, {"step": "answer", "satisfied": "1"}).status_code == 403


def test_the_desk_page_of_a_dossier_not_returned_says_so(world, client_of):
    dossier = resolved(world)
    desk = client_of(world.desk_a)
    response = desk.get(reverse("office:rating_desk", args=[dossier.code]))
    assert "chưa được trả kết quả" in response.content.decode() and 'name="satisfied"' not in response.content.decode()
    assert desk.post(reverse("office:rating_desk", args=[dossier.code]),
                     {"step": "answer", "satisfied": "1"}).status_code == 200
    assert not DossierRating.objects.exists()
