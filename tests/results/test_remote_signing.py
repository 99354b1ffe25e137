"""Signing through a remote-signing service (motcua.results.remote) against its stand-in
(motcua.standins.remotesign), run as its own process: the leader's key stays with the service, his
certificate is issued by the demo PKI, and his phone confirms, refuses or lets the request expire.

The signed PDF must be accepted by pyHanko's validator and by poppler's pdfsig with the demo root trusted;
every failure raises a RemoteSigningError with a sentence for the leader, and a signature that does not
verify is rejected here, whatever the service says.
"""

import datetime as dt

import httpx
import pytest

from motcua.results import certificates, remote, signing
from motcua.results.documents import render_official_document
from tests.results.remote_standin import LEADER, TOKEN, USER_ID, phone
from tests.results.remote_standin import pki_dir as _pki_dir
from tests.results.test_pkcs11 import pdfsig_trusting


def service(standin, *, wait: float = 3.0) -> remote.RemoteService:
    return remote.RemoteService(standin.url, standin.token, wait=wait, poll=0.05, timeout=2.0)


def _pdf() -> bytes:
    return render_official_document("KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "Sở Tài chính", "KQ-TEST",
                                    dt.date(2025, 11, 5), ["Cấp Giấy chứng nhận số 17A8000123."])


def _sign(standin, *, wait: float = 3.0):
    signer = remote.remote_signer(service(standin, wait=wait), USER_ID, "Phê duyệt kết quả hồ sơ KQ-TEST")
    return signer, signing.sign_pdf(_pdf(), signer, reason="Phê duyệt kết quả hồ sơ KQ-TEST")


def test_confirmed_on_the_phone_the_pdf_is_signed_with_his_certificate_and_pdfsig_trusts_it(remote_standin, tmp_path):
    phone(remote_standin, "confirm")
    signer, signed = _sign(remote_standin)
    root = certificates.ensure_demo_pki(_pki_dir())
    check = signing.verify_pdf(signed, [root])
    assert check.valid and check.trusted and check.signer_name == LEADER
    out = pdfsig_trusting(root, signed, tmp_path)
    assert "Signature Validation: Signature is Valid." in out
    assert "Certificate Validation: Certificate is Trusted." in out and LEADER in out
    state = remote_standin.state()
    assert state["confirmed"] == 1 and state["sign_requests"] == 1 and state["polls"] >= 1
    (transaction,) = state["transactions"]
    assert transaction["transaction_id"] == signer.transaction_id
    assert transaction["description"] == "Phê duyệt kết quả hồ sơ KQ-TEST"  # what his phone showed


def test_the_phone_confirms_by_hand_through_the_control_path(remote_standin):
    """No automatic answer: the request waits on the phone until it is confirmed (here from a thread)."""
    import threading

    def confirm_when_asked():
        for _ in range(100):
            pending = httpx.get(f"{remote_standin.url}/_standin/phone/{USER_ID}").json()["pending"]
            if pending:
                tx = pending[0]["transaction_id"]
                assert httpx.post(f"{remote_standin.url}/_standin/transactions/{tx}/confirm").status_code == 200
                # A second answer (a double tap) is refused and changes nothing.
                again = httpx.post(f"{remote_standin.url}/_standin/transactions/{tx}/refuse")
                assert again.status_code == 409 and again.json()["status"] == "confirmed"
                return
            threading.Event().wait(0.05)

    thread = threading.Thread(target=confirm_when_asked)
    thread.start()
    _signer, signed = _sign(remote_standin)
    thread.join()
    assert signing.verify_pdf(signed, [certificates.ensure_demo_pki(_pki_dir())]).valid
    assert remote_standin.state()["duplicate_answers"] == 1


def test_refused_on_the_phone(remote_standin):
    phone(remote_standin, "refuse")
    with pytest.raises(remote.Refused) as caught:
        _sign(remote_standin)
    assert "Người ký đã từ chối" in caught.value.message_vi


def test_the_request_expires_at_the_service(remote_standin):
    phone(remote_standin, "none")  # nobody answers; the service lets it expire after 1.5 s
    with pytest.raises(remote.Expired) as caught:
        _sign(remote_standin, wait=5)
    assert "hết hạn" in caught.value.message_vi
    assert remote_standin.state()["expired"] == 1


def test_our_wait_runs_out_before_the_signer_confirms(remote_standin):
    phone(remote_standin, "confirm", delay=5)
    with pytest.raises(remote.TimedOut) as caught:
        _sign(remote_standin, wait=0.4)
    assert caught.value.message_vi.startswith("Hết thời gian chờ xác nhận")


def test_the_service_is_down_or_answers_errors(remote_standin):
    phone(remote_standin, "confirm")
    remote_standin.down()
    with pytest.raises(remote.Unreachable) as caught:
        _sign(remote_standin)
    assert "Không kết nối được dịch vụ ký số từ xa" in caught.value.message_vi
    remote_standin.clear()
    remote_standin.faults([{"kind": "status", "status": 503, "path": "/sign", "times": 2}])
    with pytest.raises(remote.Unreachable):
        _sign(remote_standin)
    # Down while we wait for the phone: still unreachable at the end of the wait, not a refusal.
    remote_standin.clear()
    remote_standin.faults([{"kind": "down", "path": "/transactions", "times": -1}])
    with pytest.raises(remote.Unreachable):
        _sign(remote_standin, wait=0.5)
    remote_standin.clear()
    remote_standin.stop()
    with pytest.raises(remote.Unreachable):
        remote.remote_signer(service(remote_standin), USER_ID, "x")


def test_a_slow_service_within_the_wait_still_signs(remote_standin):
    phone(remote_standin, "confirm")
    remote_standin.faults([{"kind": "slow", "seconds": 0.5, "path": "/transactions", "times": 2}])
    _signer, signed = _sign(remote_standin)
    assert signing.verify_pdf(signed, [certificates.ensure_demo_pki(_pki_dir())]).valid


def test_a_lost_answer_is_retried_with_the_same_request_and_the_phone_is_asked_once(remote_standin):
    phone(remote_standin, "confirm")
    remote_standin.faults([{"kind": "store_then_drop"}])
    _signer, signed = _sign(remote_standin)
    assert signing.verify_pdf(signed, [certificates.ensure_demo_pki(_pki_dir())]).valid
    state = remote_standin.state()
    assert state["sign_requests"] == 2 and state["duplicates"] == 1 and len(state["transactions"]) == 1


def test_a_signature_that_does_not_verify_is_rejected(remote_standin):
    phone(remote_standin, "confirm")
    remote_standin.faults([{"kind": "wrong_signature"}])
    with pytest.raises(remote.BadSignature) as caught:
        _sign(remote_standin)
    assert "chữ ký không hợp lệ" in caught.value.message_vi


def test_a_signature_sent_with_another_certificate_is_rejected(remote_standin):
    """The signature itself is right, but the service says another certificate made it: not what we asked."""
    phone(remote_standin, "confirm")
    remote_standin.faults([{"kind": "wrong_certificate"}])
    with pytest.raises(remote.BadSignature, match="another certificate"):
        _sign(remote_standin)


def test_a_duplicated_answer_from_the_phone_changes_nothing(remote_standin):
    phone(remote_standin, "confirm")
    remote_standin.faults([{"kind": "duplicate_answer"}])
    _signer, signed = _sign(remote_standin)
    assert signing.verify_pdf(signed, [certificates.ensure_demo_pki(_pki_dir())]).valid
    state = remote_standin.state()
    assert state["confirmed"] == 1 and state["duplicate_answers"] == 1


def test_an_unknown_signer_is_not_enrolled(remote_standin):
    with pytest.raises(remote.NotEnrolled):
        remote.remote_signer(service(remote_standin), "000000000000", "x")


def test_the_key_stays_at_the_service_and_survives_a_restart(remote_standin):
    before = httpx.get(f"{remote_standin.url}/credentials/{USER_ID}",
                       headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert all("key" not in signer for signer in remote_standin.state()["signers"].values())  # never shown
    remote_standin.restart()
    after = httpx.get(f"{remote_standin.url}/credentials/{USER_ID}", headers={"Authorization": f"Bearer {TOKEN}"})
    assert after.json()["certificate"] == before["certificate"]
    assert httpx.get(f"{remote_standin.url}/credentials/{USER_ID}").status_code == 401  # the token is required


def test_the_demo_phone_page_lists_the_request_and_its_button_confirms(remote_standin):
    import re
    import threading

    done = {}
    thread = threading.Thread(target=lambda: done.update(pdf=_sign(remote_standin)[1]))
    thread.start()
    page = ""
    for _ in range(100):
        page = httpx.get(f"{remote_standin.url}/phone/{USER_ID}").text
        if "Xác nhận" in page:
            break
        threading.Event().wait(0.05)
    assert "Phê duyệt kết quả hồ sơ KQ-TEST" in page and "Từ chối" in page
    action = re.search(r'action="(/phone/TX\w+/confirm)"', page).group(1)
    answer = httpx.post(f"{remote_standin.url}{action}")
    assert answer.status_code == 303 and answer.headers["Location"] == f"/phone/{USER_ID}"
    thread.join()
    assert signing.verify_pdf(done["pdf"], [certificates.ensure_demo_pki(_pki_dir())]).valid
