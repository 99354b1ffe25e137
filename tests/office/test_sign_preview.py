"""Signing as the law expects: the leader reads the result (the unsigned preview) before approving it, ticks
that he has, and, when he has his own key on a token (settings.MOTCUA_SIGNING_TOKENS), types its PIN.

The token is SoftHSM2 in a temporary directory (tests/results/test_pkcs11.py); its certificate is issued by
the demo PKI to the department's leader, Bùi Văn Tài.
"""

import re

from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.office import actions
from motcua.office.models import DossierResult
from motcua.results.certificates import ensure_demo_pki
from motcua.results.signing import verify_pdf
from tests.office.conftest import receive
from tests.results.test_pkcs11 import LEADER, pdfsig_trusting, softhsm_token  # noqa: F401 - fixture

RESULT_TEXT = "Cấp Giấy chứng nhận đăng ký hộ kinh doanh số 17A8000123."


def _resolved(world):
    dossier = receive(world, procedure=world.business, unit=world.dkkd)
    dossier = actions.do_assign(dossier, actor=world.dept_leader, assignee=world.dept_processor,
                                version=dossier.version)
    return actions.do_resolve(dossier, actor=world.dept_processor, result_text=RESULT_TEXT, version=dossier.version)


def _text(content: bytes, tmp_path) -> str:
    import subprocess

    source = tmp_path / "preview.pdf"
    source.write_bytes(content)
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True)
    return " ".join(run.stdout.decode("utf-8").split())


def _state(dossier):
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (fresh.status, fresh.version, fresh.e_result_code, DossierEvent.objects.filter(dossier=dossier).count(),
            DossierResult.objects.filter(dossier=dossier).count())


def _sign(client, dossier, **data):
    return client.post(f"/ho-so/{dossier.code}/phe-duyet-ky-so/",
                       {"version": Dossier.objects.get(pk=dossier.pk).version, **data}, follow=True)


def test_the_leader_reads_the_unsigned_result_before_signing(world, client_of, tmp_path):
    dossier = _resolved(world)
    leader = client_of(world.dept_leader)
    page = leader.get(f"/ho-so/{dossier.code}/").content.decode()
    assert f'href="/ho-so/{dossier.code}/ket-qua-xem-truoc.pdf"' in page and "Xem trước kết quả" in page
    assert 'name="reviewed"' in page and "Tôi đã xem nội dung kết quả" in page
    assert 'name="pin"' not in page  # no token: the unit's certificate signs
    response = leader.get(f"/ho-so/{dossier.code}/ket-qua-xem-truoc.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private" and "inline" in response["Content-Disposition"]
    assert b"/ByteRange" not in response.content  # not signed
    text = _text(response.content, tmp_path)
    assert "17A8000123" in text and f"KQ-{dossier.code}" in text and LEADER in text
    assert _state(dossier)[2] == ""  # reading changes nothing
    # Scoped like the other documents: in scope (the desk that received it) yes; another commune, no.
    assert client_of(world.desk_a).get(f"/ho-so/{dossier.code}/ket-qua-xem-truoc.pdf").status_code == 200
    assert client_of(world.desk_b).get(f"/ho-so/{dossier.code}/ket-qua-xem-truoc.pdf").status_code == 404


def test_there_is_no_preview_before_the_dossier_is_resolved_nor_after_it_is_signed(world, client_of):
    received = receive(world, procedure=world.business, unit=world.dkkd)
    leader = client_of(world.dept_leader)
    assert leader.get(f"/ho-so/{received.code}/ket-qua-xem-truoc.pdf").status_code == 404
    dossier = _resolved(world)
    assert _sign(leader, dossier, reviewed="on").status_code == 200
    assert DossierResult.objects.filter(dossier=dossier).exists()
    assert leader.get(f"/ho-so/{dossier.code}/ket-qua-xem-truoc.pdf").status_code == 404


def test_signing_without_ticking_that_the_result_was_read_is_refused_and_changes_nothing(world, client_of):
    dossier = _resolved(world)
    before = _state(dossier)
    response = client_of(world.dept_leader).post(f"/ho-so/{dossier.code}/phe-duyet-ky-so/",
                                                  {"version": dossier.version})
    assert response.status_code == 400
    assert "Vui lòng xem trước kết quả và đánh dấu ô" in response.content.decode()
    assert _state(dossier) == before


def test_a_leader_with_a_token_signs_with_his_pin_and_his_own_certificate(world, client_of, settings,
                                                                         softhsm_token, tmp_path):  # noqa: F811
    settings.MOTCUA_SIGNING_TOKENS = {"lanhdao.stc": softhsm_token.setting}
    dossier = _resolved(world)
    leader = client_of(world.dept_leader)
    page = leader.get(f"/ho-so/{dossier.code}/").content.decode()
    assert re.search(r'<input type="password" name="pin"[^>]*required', page)
    # No PIN: the form asks for it; nothing changes.
    before = _state(dossier)
    response = leader.post(f"/ho-so/{dossier.code}/phe-duyet-ky-so/", {"version": dossier.version, "reviewed": "on"})
    assert response.status_code == 400 and "Vui lòng nhập mã PIN" in response.content.decode()
    assert _state(dossier) == before
    # A wrong PIN: a clear sentence, nothing signed, nothing stored, the PIN not shown back.
    response = _sign(leader, dossier, reviewed="on", pin="999999")
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Mã PIN của thiết bị ký số không đúng" in shown and "chưa có thay đổi nào" in shown
    assert _state(dossier) == before and "999999" not in response.content.decode()
    # The right PIN: signed with his own key; the unit's certificate is not used.
    response = _sign(leader, dossier, reviewed="on", pin=softhsm_token.pin)
    assert "Đã phê duyệt và ký số kết quả" in " ".join(str(m) for m in response.context["messages"])
    fresh = Dossier.objects.get(pk=dossier.pk)
    result = DossierResult.objects.get(dossier=dossier)
    assert fresh.e_result_code == f"KQ-{dossier.code}" and fresh.status == Status.RESOLVED
    assert result.signer_name == LEADER
    event = DossierEvent.objects.get(dossier=dossier, action="sign_result")
    assert event.data["signer"] == LEADER and softhsm_token.pin not in str(event.data)
    signed = result.file.read()
    root = ensure_demo_pki(softhsm_token.pki)
    check = verify_pdf(signed, [root])
    assert check.valid and check.signer_name == LEADER
    out = pdfsig_trusting(root, signed, tmp_path)
    assert "Signature Validation: Signature is Valid." in out
    assert "Certificate Validation: Certificate is Trusted." in out


def test_leaders_without_a_token_still_sign_with_their_units_certificate(world, client_of, settings,
                                                                         softhsm_token):  # noqa: F811
    settings.MOTCUA_SIGNING_TOKENS = {"lanhdao.stc": softhsm_token.setting}
    dossier = receive(world)
    dossier = actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a, version=dossier.version)
    dossier = actions.do_resolve(dossier, actor=world.processor_a, result_text="Cấp Giấy khai sinh.",
                                 version=dossier.version)
    page = client_of(world.leader_a).get(f"/ho-so/{dossier.code}/").content.decode()
    assert 'name="pin"' not in page
    _sign(client_of(world.leader_a), dossier, reviewed="on")
    assert DossierResult.objects.get(dossier=dossier).signer_name == "UBND phường Phan Đình Phùng"
