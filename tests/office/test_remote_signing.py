"""A leader who signs through a remote-signing service (settings.MOTCUA_REMOTE_SIGNERS): the sign form says
"Ký số từ xa (xác nhận trên điện thoại)" and tells him to confirm on his phone; the result is signed with
his personal certificate (the service's key, certified by the demo PKI) once he confirms, pdfsig trusts
it, and the event records the remote transaction. Refused, expired, not confirmed in time, service down,
or a signature that does not verify: a clear sentence and nothing changed.

The service is its stand-in (motcua.standins.remotesign) as its own process (tests/results/remote_standin.py).
"""

import httpx
import pytest

from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.office import actions
from motcua.office.models import DossierResult
from motcua.outbox.models import Item as OutboxItem
from motcua.results.certificates import ensure_demo_pki
from motcua.results.signing import verify_pdf
from tests.office.conftest import receive
from tests.results import remote_standin as remote_fixtures
from tests.results.remote_standin import LEADER, USER_ID, phone, pki_dir
from tests.results.test_pkcs11 import pdfsig_trusting

# The stand-in's fixtures (tests/results/remote_standin.py), used here too.
_remote_process = remote_fixtures._remote_process
remote_standin = remote_fixtures.remote_standin

RESULT_TEXT = "Cấp Giấy chứng nhận đăng ký hộ kinh doanh số 17A8000123."


@pytest.fixture
def service(settings, remote_standin):
    """The leader of the department (lanhdao.stc) signs remotely; short waits so failures come quickly."""
    settings.MOTCUA_REMOTE_SIGNING_URL = remote_standin.url
    settings.MOTCUA_REMOTE_SIGNING_TOKEN = remote_standin.token
    settings.MOTCUA_REMOTE_SIGNERS = {"lanhdao.stc": USER_ID}
    settings.MOTCUA_REMOTE_SIGNING_WAIT = 3
    settings.MOTCUA_REMOTE_SIGNING_POLL_MS = 50
    settings.MOTCUA_REMOTE_SIGNING_TIMEOUT = 2
    return remote_standin


def _resolved(world):
    dossier = receive(world, procedure=world.business, unit=world.dkkd)
    dossier = actions.do_assign(dossier, actor=world.dept_leader, assignee=world.dept_processor,
                                version=dossier.version)
    return actions.do_resolve(dossier, actor=world.dept_processor, result_text=RESULT_TEXT, version=dossier.version)


def _state(dossier):
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (fresh.status, fresh.version, fresh.e_result_code, DossierEvent.objects.filter(dossier=dossier).count(),
            DossierResult.objects.filter(dossier=dossier).count(), OutboxItem.objects.count())


def _sign(client, dossier):
    response = client.post(f"/ho-so/{dossier.code}/phe-duyet-ky-so/",
                           {"version": Dossier.objects.get(pk=dossier.pk).version, "reviewed": "on"}, follow=True)
    return response, " ".join(str(m) for m in response.context["messages"])


def test_the_leader_confirms_on_his_phone_and_the_result_carries_his_own_signature(world, client_of, service,
                                                                                   tmp_path):
    dossier = _resolved(world)
    leader = client_of(world.dept_leader)
    page = leader.get(f"/ho-so/{dossier.code}/").content.decode()
    assert "Ký số từ xa (xác nhận trên điện thoại)" in page and 'id="remote-signing-notice"' in page
    assert f"Phê duyệt kết quả hồ sơ {dossier.code}" in page and "trong vòng 3 giây" in page
    assert 'name="pin"' not in page  # no token: nothing to type, he confirms on his phone
    phone(service, "confirm", delay=0.3)
    response, shown = _sign(leader, dossier)
    assert "Đã phê duyệt và ký số kết quả" in shown
    fresh = Dossier.objects.get(pk=dossier.pk)
    result = DossierResult.objects.get(dossier=dossier)
    assert fresh.e_result_code == f"KQ-{dossier.code}" and fresh.status == Status.RESOLVED
    assert result.signer_name == LEADER
    # The audit trail says how it was signed: which service transaction his phone confirmed.
    (transaction,) = service.state()["transactions"]
    assert transaction["status"] == "confirmed" and transaction["description"] == f"Phê duyệt kết quả hồ sơ {dossier.code}"
    event = DossierEvent.objects.get(dossier=dossier, action="sign_result")
    assert event.data == {"result_code": f"KQ-{dossier.code}", "signer": LEADER, "signed_with": "remote",
                          "remote_transaction": transaction["transaction_id"], "remote_user": USER_ID}
    signed = result.file.read()
    root = ensure_demo_pki(pki_dir())
    check = verify_pdf(signed, [root])
    assert check.valid and check.signer_name == LEADER
    out = pdfsig_trusting(root, signed, tmp_path)
    assert "Signature Validation: Signature is Valid." in out
    assert "Certificate Validation: Certificate is Trusted." in out and LEADER in out


@pytest.mark.parametrize("setup, expected", [
    (lambda s: phone(s, "refuse"), "Người ký đã từ chối yêu cầu ký số"),
    (lambda s: phone(s, "expire"), "Yêu cầu ký số đã hết hạn"),
    (lambda s: phone(s, "confirm", delay=30), "Hết thời gian chờ xác nhận"),
    (lambda s: (phone(s, "confirm"), s.faults([{"kind": "wrong_signature"}])), "chữ ký không hợp lệ"),
    (lambda s: (phone(s, "confirm"), s.down()), "Không kết nối được dịch vụ ký số từ xa"),
    (lambda s: (phone(s, "confirm"), s.faults([{"kind": "down", "path": "/transactions", "times": -1}])),
     "Không kết nối được dịch vụ ký số từ xa"),
    (lambda s: (phone(s, "confirm"), s.stop()), "Không kết nối được dịch vụ ký số từ xa"),
], ids=["refused", "expired", "not-confirmed-in-time", "wrong-signature", "service-down", "down-while-waiting",
        "service-stopped"])
def test_every_failure_is_told_and_changes_nothing(world, client_of, service, settings, setup, expected):
    settings.MOTCUA_REMOTE_SIGNING_WAIT = 1
    dossier = _resolved(world)
    before = _state(dossier)
    setup(service)
    response, shown = _sign(client_of(world.dept_leader), dossier)
    assert expected in shown and "chưa có thay đổi nào" in shown, shown
    assert _state(dossier) == before
    assert not any(e.action == "sign_result" for e in DossierEvent.objects.filter(dossier=dossier))


def test_after_a_refusal_he_can_sign_again_and_confirm(world, client_of, service):
    dossier = _resolved(world)
    leader = client_of(world.dept_leader)
    phone(service, "refuse")
    _response, shown = _sign(leader, dossier)
    assert "Người ký đã từ chối" in shown and not DossierResult.objects.filter(dossier=dossier).exists()
    phone(service, "confirm")
    _response, shown = _sign(leader, dossier)
    assert "Đã phê duyệt và ký số kết quả" in shown
    assert DossierResult.objects.get(dossier=dossier).signer_name == LEADER
    assert [t["status"] for t in service.state()["transactions"]] == ["refused", "confirmed"]


def test_a_leader_not_enrolled_at_the_service_is_told_before_anything_is_signed(world, client_of, service, settings):
    settings.MOTCUA_REMOTE_SIGNERS = {"lanhdao.stc": "000000000000"}
    dossier = _resolved(world)
    before = _state(dossier)
    _response, shown = _sign(client_of(world.dept_leader), dossier)
    assert "Không tìm thấy chứng thư số của người ký" in shown and _state(dossier) == before
    assert service.state()["sign_requests"] == 0  # nothing was sent to his phone


def test_leaders_not_listed_still_sign_with_their_units_certificate(world, client_of, service):
    dossier = receive(world)
    dossier = actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a, version=dossier.version)
    dossier = actions.do_resolve(dossier, actor=world.processor_a, result_text="Cấp Giấy khai sinh.",
                                 version=dossier.version)
    leader = client_of(world.leader_a)
    assert "Ký số từ xa" not in leader.get(f"/ho-so/{dossier.code}/").content.decode()
    _sign(leader, dossier)
    assert DossierResult.objects.get(dossier=dossier).signer_name == "UBND phường Phan Đình Phùng"
    event = DossierEvent.objects.get(dossier=dossier, action="sign_result")
    assert event.data["signed_with"] == "unit"
    assert service.state()["sign_requests"] == 0
    assert httpx.get(f"{service.url}/_standin/phone/{USER_ID}").json()["pending"] == []


def test_the_production_server_lets_a_worker_wait_for_the_phone(settings):
    from motcua.core.management.commands.serve import gunicorn_argv

    settings.MOTCUA_REMOTE_SIGNING_WAIT = 120
    argv = gunicorn_argv("127.0.0.1:8000", 3)
    assert int(argv[argv.index("--timeout") + 1]) >= 150  # gunicorn's own 30 s would kill the waiting request


def test_a_leader_listed_for_a_token_too_signs_with_his_token(world, client_of, service, settings):
    from motcua.office import pdfs, signing_choice

    settings.MOTCUA_SIGNING_TOKENS = {"lanhdao.stc": {"module": "/khong/co.so", "token_label": "x", "key_label": "y"}}
    assert signing_choice.signing_way(world.dept_leader) == signing_choice.TOKEN
    assert pdfs.remote_signing_id(world.dept_leader) is None
    page = client_of(world.dept_leader).get(f"/ho-so/{_resolved(world).code}/").content.decode()
    assert 'name="pin"' in page and "Ký số từ xa" not in page
