"""Each action through its view: what must happen, what must be refused, and that nothing is half done."""

from datetime import datetime, timedelta

import pytest
import time_machine

from motcua.dossiers.constants import PauseKind, Status
from motcua.dossiers.lifecycle import ConcurrentChange
from motcua.dossiers.models import Dossier, DossierEvent, DossierPause, Handover
from motcua.office import actions
from motcua.office.models import DossierResult
from tests.office.conftest import AT, receive

pytestmark = pytest.mark.django_db


def _post(client, dossier, verb, **data):
    fresh = Dossier.objects.get(pk=dossier.pk)
    data.setdefault("version", fresh.version)
    return client.post(f"/ho-so/{dossier.code}/{verb}/", data)


def _events(dossier):
    return list(DossierEvent.objects.filter(dossier=dossier).order_by("id").values_list("action", flat=True))


def _fresh(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def _processing(world, dossier, by=None):
    actions.do_assign(dossier, actor=world.leader_a, assignee=by or world.processor_a, version=dossier.version)
    return _fresh(dossier)


def test_assigning_a_received_dossier_starts_processing(world, dossier, client_of):
    response = _post(client_of(world.leader_a), dossier, "phan-cong", assignee=world.processor_a.pk)
    assert response.status_code == 302
    stored = _fresh(dossier)
    assert (stored.status, stored.assignee) == (Status.PROCESSING, world.processor_a)
    assert _events(dossier) == ["create", "start"]


def test_one_cannot_assign_an_officer_of_an_unrelated_unit(world, dossier, client_of):
    response = _post(client_of(world.leader_a), dossier, "phan-cong", assignee=world.desk_b.pk)
    assert response.status_code == 400
    assert _fresh(dossier).status == Status.RECEIVED and _events(dossier) == ["create"]


def test_hand_over_moves_the_dossier_and_records_each_units_share(world, dossier, client_of):
    dossier = _processing(world, dossier)
    with time_machine.travel(AT + timedelta(hours=1), tick=False):
        response = _post(client_of(world.processor_a), dossier, "chuyen-lien-thong", to_unit=world.dkkd.pk,
                         days="0.5", note="Xác minh thông tin hộ kinh doanh")
    assert response.status_code == 302
    stored = _fresh(dossier)
    assert stored.holder == world.dkkd and stored.assignee is None and stored.status == Status.PROCESSING
    first, second = Handover.objects.filter(dossier=dossier).order_by("id")
    assert first.unit == world.commune_a and first.released_at == AT + timedelta(hours=1)
    assert second.unit == world.dkkd and second.released_at is None
    # Half a working day from 10:00: 1.5 h to the noon break, 2.5 h in the afternoon.
    assert second.due_at == datetime.fromisoformat("2025-11-05T16:00:00+07:00")
    # The second unit now sees it and can act; the first still sees it but no longer holds it.
    assert client_of(world.dept_processor).get(f"/ho-so/{dossier.code}/").status_code == 200
    assert _post(client_of(world.processor_a), dossier, "xu-ly-xong", result_text="x").status_code == 403


def test_a_supplement_request_pauses_the_clock_and_can_be_made_only_once(world, dossier, client_of):
    client = client_of(world.processor_a)
    assert _post(client, dossier, "yeu-cau-bo-sung", reason="").status_code == 400
    assert _post(client, dossier, "yeu-cau-bo-sung", reason="Bổ sung bản chính giấy chứng sinh.").status_code == 302
    assert _fresh(dossier).status == Status.SUPPLEMENT_REQUESTED
    pause = DossierPause.objects.get(dossier=dossier)
    assert pause.kind == PauseKind.SUPPLEMENT and pause.completed_at is None
    assert client.get(f"/ho-so/{dossier.code}/phieu-yeu-cau-bo-sung.pdf").status_code == 200
    # The desk that received the dossier takes the supplement.
    assert _post(client_of(world.desk_a), dossier, "da-bo-sung", note="Đã nhận bản chính.").status_code == 302
    assert _fresh(dossier).status == Status.PROCESSING
    response = _post(client, dossier, "yeu-cau-bo-sung", reason="Lần hai")
    assert response.status_code == 302
    assert "chỉ được yêu cầu bổ sung một lần" in client.get(response["Location"]).content.decode()
    assert DossierPause.objects.filter(dossier=dossier).count() == 1
    assert _events(dossier) == ["create", "request_supplement", "complete_supplement"]


def test_fees_pause_and_resume(world, dossier, client_of):
    dossier = _processing(world, dossier)
    client = client_of(world.processor_a)
    assert _post(client, dossier, "yeu-cau-nghia-vu-tai-chinh", amount_vnd="50000",
                 note="Lệ phí đăng ký").status_code == 302
    assert (_fresh(dossier).status, _fresh(dossier).fee_vnd) == (Status.WAITING_FEES, 50000)
    assert _post(client, dossier, "da-nop-phi").status_code == 302
    assert _fresh(dossier).status == Status.PROCESSING
    assert DossierPause.objects.get(dossier=dossier).completed_at is not None


def test_stop_ends_processing_with_its_reason(world, dossier, client_of):
    dossier = _processing(world, dossier)
    assert _post(client_of(world.processor_a), dossier, "dung-xu-ly", reason="Người nộp đề nghị",
                 confirm="on").status_code == 302
    stored = _fresh(dossier)
    assert stored.status == Status.STOPPED and stored.ended == "stopped" and stored.ended_at is not None
    assert Handover.objects.get(dossier=dossier).released_at is not None


def test_resolve_needs_the_result_text_when_the_result_is_a_document(world, dossier, client_of):
    dossier = _processing(world, dossier)
    client = client_of(world.processor_a)
    assert _post(client, dossier, "xu-ly-xong", result_text="  ").status_code == 400
    assert _fresh(dossier).status == Status.PROCESSING
    assert _post(client, dossier, "xu-ly-xong", result_text="Cấp Giấy khai sinh số 123/2025.").status_code == 302
    stored = _fresh(dossier)
    assert stored.status == Status.RESOLVED and stored.resolved_at is not None
    assert DossierEvent.objects.get(dossier=dossier, action="resolve").data["result_text"].startswith("Cấp")


def test_apology_before_the_due_time_records_the_new_date_but_keeps_the_due_time(world, client_of):
    with time_machine.travel(AT, tick=False):
        dossier = _processing(world, receive(world))
    client = client_of(world.processor_a)
    with time_machine.travel(AT + timedelta(hours=2), tick=False):
        too_early = _post(client, dossier, "xin-loi-hen-lai", reason="Chờ xác minh", new_due="2025-11-06T08:00")
        assert too_early.status_code == 400  # the new date must be after the current one
        response = _post(client, dossier, "xin-loi-hen-lai", reason="Chờ xác minh của công an xã",
                         new_due="2025-11-10T16:00")
        assert response.status_code == 302
        event = DossierEvent.objects.get(dossier=dossier, action="apologize")
        assert event.data["new_due_at"].startswith("2025-11-10T16:00")
        assert _fresh(dossier).due_at == dossier.due_at
        assert client.get(f"/ho-so/{dossier.code}/van-ban-xin-loi/{event.pk}.pdf").status_code == 200
    with time_machine.travel(AT + timedelta(days=2), tick=False):
        late = _post(client_of(world.processor_a), dossier, "xin-loi-hen-lai", reason="Trễ",
                     new_due="2025-11-12T16:00")
    assert late.status_code == 400 and "phải được ban hành trước thời hạn" in late.content.decode()


def _resolved(world, dossier):
    dossier = _processing(world, dossier)
    actions.do_resolve(dossier, actor=world.processor_a, result_text="Cấp Giấy khai sinh.", version=dossier.version)
    return _fresh(dossier)


def test_the_leader_signs_the_result_which_gets_its_code_and_its_copy_queued_for_the_data_store(world, dossier,
                                                                                             client_of):
    dossier = _resolved(world, dossier)
    assert _post(client_of(world.processor_a), dossier, "phe-duyet-ky-so").status_code == 403
    assert _post(client_of(world.leader_a), dossier, "phe-duyet-ky-so", reviewed="on").status_code == 302
    stored = _fresh(dossier)
    result = DossierResult.objects.get(dossier=dossier)
    # The copy waits in the outbox; the flag follows the store's acknowledgment (tests/datastore/).
    assert stored.status == Status.RESOLVED and not stored.result_to_data_store
    assert stored.e_result_code == result.code == f"KQ-{dossier.code}" and stored.e_result_issued_at
    assert result.signer_name == "UBND phường Phan Đình Phùng"
    assert result.file.read().startswith(b"%PDF-")
    assert _events(dossier)[-1] == "sign_result"
    # Signing twice is refused, with no second event.
    again = _post(client_of(world.leader_a), dossier, "phe-duyet-ky-so", reviewed="on")
    assert again.status_code == 302 and _events(dossier).count("sign_result") == 1


def test_returning_needs_the_signed_result_and_ends_the_dossier(world, dossier, client_of):
    dossier = _resolved(world, dossier)
    desk = client_of(world.desk_a)
    response = _post(desk, dossier, "tra-ket-qua")
    assert "chưa được lãnh đạo phê duyệt và ký số" in desk.get(response["Location"]).content.decode()
    assert _fresh(dossier).status == Status.RESOLVED
    assert _post(client_of(world.leader_a), dossier, "phe-duyet-ky-so", reviewed="on").status_code == 302
    assert _post(desk, dossier, "tra-ket-qua").status_code == 302
    stored = _fresh(dossier)
    assert stored.status == Status.RETURNED and stored.returned_at is not None
    assert _events(dossier)[-2:] == ["sign_result", "return_result"]


def test_two_officers_acting_at_once_one_succeeds_the_other_is_told(world, dossier, client_of):
    dossier = _processing(world, dossier)
    page_version = dossier.version  # both officers opened the page at this version
    first = client_of(world.processor_a).post(f"/ho-so/{dossier.code}/xu-ly-xong/",
                                              {"version": page_version, "result_text": "Cấp giấy."})
    second_client = client_of(world.leader_a)
    second = second_client.post(f"/ho-so/{dossier.code}/dung-xu-ly/",
                                {"version": page_version, "reason": "Dừng", "confirm": "on"})
    assert first.status_code == second.status_code == 302
    assert "đã thay đổi sau khi bạn mở trang" in second_client.get(second["Location"]).content.decode()
    stored = _fresh(dossier)
    assert stored.status == Status.RESOLVED and stored.ended == ""
    assert _events(dossier).count("resolve") == 1 and "stop" not in _events(dossier)


def test_the_race_inside_the_state_machine_is_refused_too(world, dossier):
    """Both read the same row before either writes: the compare-and-update lets one through."""
    dossier = _processing(world, dossier)
    one, two = Dossier.objects.get(pk=dossier.pk), Dossier.objects.get(pk=dossier.pk)
    actions.do_resolve(one, actor=world.processor_a, result_text="x", version=one.version)
    with pytest.raises(ConcurrentChange):
        actions.do_hand_over(two, actor=world.leader_a, to_unit=world.dkkd, days=1, version=two.version)
    assert Handover.objects.filter(dossier=dossier).count() == 1
    assert _events(dossier).count("hand_over") == 0


def test_the_same_action_form_posted_twice_changes_once(world, dossier, client_of):
    client = client_of(world.processor_a)
    version = _fresh(dossier).version
    first = client.post(f"/ho-so/{dossier.code}/yeu-cau-bo-sung/", {"version": version, "reason": "Bổ sung"})
    second = client.post(f"/ho-so/{dossier.code}/yeu-cau-bo-sung/", {"version": version, "reason": "Bổ sung"})
    assert first.status_code == second.status_code == 302
    assert "đã thay đổi sau khi bạn mở trang" in client.get(second["Location"]).content.decode()
    assert _events(dossier).count("request_supplement") == 1


def test_a_read_only_colleague_and_the_monitor_see_but_cannot_act(world, dossier, client_of):
    for person in ("viewer_a", "monitor"):
        client = client_of(getattr(world, person))
        page = client.get(f"/ho-so/{dossier.code}/")
        assert page.status_code == 200 and 'id="action-' not in page.content.decode()
        assert _post(client, dossier, "yeu-cau-bo-sung", reason="x").status_code == 403
    assert _events(dossier) == ["create"]


def test_changes_only_by_post(world, dossier, client_of):
    assert client_of(world.processor_a).get(f"/ho-so/{dossier.code}/xu-ly-xong/").status_code == 405


def _online_submission(world):
    from motcua.dossiers.constants import Channel

    return Dossier.objects.create(
        code="05443-251105-0100", procedure=world.birth, unit=world.commune_a, received_by=world.commune_a,
        channel=Channel.ONLINE, full_online=True, status=Status.SUBMITTED, received_at=AT,
        due_at=AT + timedelta(days=1), applicant_name="Nguyễn Văn An")


def test_the_desk_receives_an_online_submission(world, client_of):
    dossier = _online_submission(world)
    assert _post(client_of(world.processor_a), dossier, "tiep-nhan").status_code == 403
    assert _post(client_of(world.desk_a), dossier, "tiep-nhan").status_code == 302
    stored = _fresh(dossier)
    assert (stored.status, stored.holder) == (Status.RECEIVED, world.commune_a)
    assert Handover.objects.get(dossier=dossier).due_at == dossier.due_at
    assert _events(dossier) == ["receive"]


def test_the_desk_refuses_a_received_dossier_with_its_reason(world, dossier, client_of):
    client = client_of(world.desk_a)
    assert _post(client, dossier, "tu-choi", reason="").status_code == 400
    assert _post(client, dossier, "tu-choi", reason="Hồ sơ không thuộc thẩm quyền.", confirm="on").status_code == 302
    stored = _fresh(dossier)
    assert stored.status == Status.REFUSED and stored.ended == "refused"
    assert DossierEvent.objects.get(dossier=dossier, action="refuse").note == "Hồ sơ không thuộc thẩm quyền."
    # A refused dossier cannot be processed any more.
    response = _post(client_of(world.processor_a), dossier, "yeu-cau-bo-sung", reason="x")
    assert response.status_code == 302 and _events(dossier) == ["create", "refuse"]


def test_a_withdrawal_is_recorded_at_the_desk(world, dossier, client_of):
    assert _post(client_of(world.desk_a), dossier, "rut-ho-so", reason="Công dân có đơn rút hồ sơ.",
                 confirm="on").status_code == 302
    stored = _fresh(dossier)
    assert stored.status == Status.WITHDRAWN and stored.ended == "withdrawn"
