"""The back office's feedback pages: the queue scoped to the unit and below, coloured like the dossier
queue; each step by its own POST with the version; the overdue list of the provincial monitors."""

from datetime import timedelta

import time_machine

from motcua.feedback.constants import Status
from motcua.feedback.models import Feedback, FeedbackEvent
from motcua.office.clock import OVERDUE, URGENCY_COLOURS, URGENCY_LABELS
from motcua.outbox.models import Item
from tests.feedback.conftest import AT, file_item


def test_the_queue_shows_the_units_items_coloured_and_another_units_item_is_404(world, client_of):
    mine, other = file_item(world), file_item(world, unit=world.commune_b)
    with time_machine.travel(AT + timedelta(days=40)):
        page = client_of(world.processor_a).get("/phan-anh/").content.decode()
    assert mine.code in page and other.code not in page
    assert f'data-urgency="{OVERDUE}"' in page and URGENCY_COLOURS[OVERDUE][0] in page
    assert str(URGENCY_LABELS[OVERDUE]) in page
    assert client_of(world.processor_a).get(f"/phan-anh/{other.code}/").status_code == 404
    assert client_of(world.desk_b).get(f"/phan-anh/{other.code}/").status_code == 200
    assert client_of(world.monitor).get(f"/phan-anh/{mine.code}/").status_code == 200
    assert client_of(world.citizen).get(f"/phan-anh/{mine.code}/").status_code == 403  # not the back office


def test_the_queue_puts_the_nearest_deadline_first(world, client_of):
    older = file_item(world, at=AT - timedelta(days=10))
    newer = file_item(world)
    with time_machine.travel(AT + timedelta(days=1)):
        page = client_of(world.leader_a).get("/phan-anh/").content.decode()
    assert page.index(older.code) < page.index(newer.code)


def test_each_step_is_one_post_with_the_version(world, client_of, item):
    client = client_of(world.processor_a)
    url = f"/phan-anh/{item.code}/"
    assert client.get(f"{url}phan-cong/").status_code == 405
    response = client.post(f"{url}phan-cong/", {"version": 0, "assignee": world.processor_a.pk})
    assert response.status_code == 302
    again = client.post(f"{url}phan-cong/", {"version": 0, "assignee": world.processor_a.pk})  # posted twice
    assert again.status_code == 302 and Feedback.objects.get(pk=item.pk).version == 1
    assert "đã thay đổi" in client.get(url).content.decode()
    assert client.post(f"{url}tu-choi/", {"version": 1, "reason": ""}).status_code == 400
    assert client.post(f"{url}tu-choi/", {"version": 1, "reason": "Không thuộc thẩm quyền"}).status_code == 302
    fresh = Feedback.objects.get(pk=item.pk)
    assert fresh.status == Status.REFUSED and fresh.refusal_reason == "Không thuộc thẩm quyền"
    assert list(FeedbackEvent.objects.filter(feedback=item).values_list("action", flat=True)) == [
        "receive", "assign", "refuse"]


def test_roles_decide_the_steps(world, client_of, item):
    # A viewer sees but does not act; a processing officer may not sign the answer; the desk of B sees nothing.
    assert client_of(world.viewer_a).post(f"/phan-anh/{item.code}/tu-choi/",
                                          {"version": 0, "reason": "x"}).status_code == 403
    assert client_of(world.processor_a).post(f"/phan-anh/{item.code}/tra-loi/",
                                             {"version": 0, "text": "x" * 30}).status_code == 403
    assert client_of(world.desk_b).post(f"/phan-anh/{item.code}/tu-choi/",
                                        {"version": 0, "reason": "x"}).status_code == 404
    page = client_of(world.viewer_a).get(f"/phan-anh/{item.code}/").content.decode()
    assert 'action="/phan-anh/' not in page
    assert Feedback.objects.get(pk=item.pk).version == 0


def test_the_leader_answers_with_a_signed_letter(world, client_of, item, pki):
    client = client_of(world.leader_a)
    response = client.post(f"/phan-anh/{item.code}/tra-loi/", {
        "version": 0, "text": "Hồ sơ của Ông đã được giải quyết ngày 06/11/2025."})
    assert response.status_code == 302
    fresh = Feedback.objects.get(pk=item.pk)
    assert fresh.status == Status.ANSWERED and fresh.answer_signer == "UBND phường Phan Đình Phùng"
    pdf = client.get(f"/phan-anh/{item.code}/tra-loi.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert Item.objects.filter(group=item.code).count() == 2
    page = client.get(f"/phan-anh/{item.code}/").content.decode()
    assert "Công khai kết quả trả lời" in page and "N.V.A." in page  # the masked draft is proposed


def test_the_transfer_hands_the_item_to_the_other_unit(world, client_of, item):
    response = client_of(world.processor_a).post(f"/phan-anh/{item.code}/chuyen-don-vi/", {
        "version": 0, "unit": world.commune_b.pk, "note": "Thuộc phường Linh Sơn"})
    assert response.status_code == 302 and response["Location"] == "/phan-anh/"
    assert client_of(world.processor_a).get(f"/phan-anh/{item.code}/").status_code == 404
    page = client_of(world.processor_b).get(f"/phan-anh/{item.code}/").content.decode()
    assert "UBND phường Linh Sơn" in page


def test_the_desk_files_on_behalf_of_a_visitor(world, client_of):
    client = client_of(world.desk_a)
    data = {"about": "conduct", "officer": "Bộ phận một cửa", "subject": "Thái độ", "content": "Cán bộ hách dịch",
            "name": "Lê Thị Cúc", "phone": "", "email": ""}
    assert client.post("/phan-anh/tiep-nhan/", data).status_code == 400  # no way to answer
    response = client.post("/phan-anh/tiep-nhan/", {**data, "phone": "0987 654 321"})
    assert response.status_code == 302
    created = Feedback.objects.get()
    assert (created.channel, created.unit, created.submitter_phone) == ("desk", world.commune_a, "0987654321")
    assert created.events.get().actor == world.desk_a


def test_the_overdue_list_is_the_provinces_for_its_monitors(world, client_of):
    late_a, late_b = file_item(world), file_item(world, unit=world.commune_b)
    fresh = file_item(world, at=AT + timedelta(days=30))
    with time_machine.travel(AT + timedelta(days=31)):
        monitor = client_of(world.monitor).get("/phan-anh/qua-han/").content.decode()
        officer = client_of(world.processor_a).get("/phan-anh/qua-han/").content.decode()
        home = client_of(world.monitor).get("/").content.decode()
    assert late_a.code in monitor and late_b.code in monitor and fresh.code not in monitor
    assert late_a.code in officer and late_b.code not in officer
    assert "/phan-anh/qua-han/" in home
