"""The officers' list of notifications that could not be delivered, scoped like every other office page."""

import pytest

from motcua.outbox.models import Item, State
from tests.office.conftest import AT, receive

pytestmark = pytest.mark.django_db
URL = "/thong-bao/loi/"


def failed(dossier, kind, to, reason):
    channel = kind.split(".")[1]
    return Item.objects.create(kind=kind, key=f"{dossier.code}:receipt:9:{channel}", group=dossier.code,
                               payload={"to": to, "event": "receipt", "channel": channel}, state=State.FAILED,
                               attempts=1, created_at=AT, next_attempt_at=AT, last_error=reason)


def test_an_officer_sees_the_failures_of_the_dossiers_in_scope_only(world, client_of):
    in_a = receive(world)
    in_b = receive(world, desk=world.desk_b, unit=world.commune_b)
    failed(in_a, "notify.email", "sai@example.vn", "SMTP 550: sai@example.vn: Mailbox khong ton tai")
    failed(in_b, "notify.sms", "02083856789", "HTTP 400: to: không phải số điện thoại di động")
    Item.objects.create(kind="notify.sms", key="ok", group=in_a.code, payload={"to": "0912345678"},
                        state=State.ACKNOWLEDGED, created_at=AT, next_attempt_at=AT)

    page = client_of(world.desk_a).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Thông báo không gửi được" in text
    assert in_a.code in text and "sai@example.vn" in text and "Mailbox khong ton tai" in text
    assert "Thư điện tử" in text and "Tiếp nhận hồ sơ" in text and "09:00 05/11/2025" in text
    assert in_b.code not in text and "02083856789" not in text and "0912345678" not in text

    text_b = client_of(world.desk_b).get(URL).content.decode()
    assert in_b.code in text_b and "Tin nhắn SMS" in text_b and in_a.code not in text_b

    monitor = client_of(world.monitor).get(URL).content.decode()  # the province sees both
    assert in_a.code in monitor and in_b.code in monitor


def test_the_page_is_for_officers_only(world, client, client_of):
    assert client.get(URL).status_code == 302  # to the login
    assert client_of(world.citizen).get(URL).status_code == 403


def test_nothing_failed_says_so(world, client_of):
    assert "Không có thông báo nào bị từ chối." in client_of(world.viewer_a).get(URL).content.decode()
