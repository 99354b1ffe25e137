"""The leader's signing when it cannot happen (no certificate, not yet valid, expired, revoked, a broken
configuration, a failing signer or token), and which roots the result check page trusts.

Every refusal is posted through the sign view as the leader and must leave the dossier exactly as it was:
a Vietnamese message on the dossier page, no 500, same status and version, no DossierResult, no event,
no file. Certificates and CRLs are made with `cryptography` under a per-test demo root
(`tests.results.pki`); the demo PKI lives under a per-test VAR_DIR.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.signers import SimpleSigner

from motcua.dossiers.models import DossierEvent
from motcua.office import actions
from motcua.office.models import DossierResult
from motcua.results import certificates
from tests.office.conftest import receive
from tests.results.pki import issue_unit_certificate, write_crl

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UNIT = "Phòng Đăng ký kinh doanh, Sở Tài chính"
CONTACT = "không thể ký số. Vui lòng liên hệ quản trị hệ thống."


@pytest.fixture
def pki(settings, tmp_path):
    """A demo PKI of this test only (settings.VAR_DIR/pki), demo signing on as in development."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MOTCUA_ALLOW_DEMO_SIGNING = True
    settings.MOTCUA_SIGNING = {}
    settings.MOTCUA_TRUST_ROOTS = []
    settings.MOTCUA_CRLS = []
    directory = certificates.default_pki_dir()
    return directory, certificates.ensure_demo_pki(directory)


@pytest.fixture
def resolved(world, pki):
    """A business registration resolved by the department's office, waiting for the leader's signature."""
    dossier = receive(world, procedure=world.business, unit=world.dkkd)
    dossier = actions.do_assign(dossier, actor=world.dept_leader, assignee=world.dept_processor,
                                version=dossier.version)
    return actions.do_resolve(dossier, actor=world.dept_processor, result_text="Cấp Giấy chứng nhận đăng ký hộ "
                              "kinh doanh số 17A8000123.", version=dossier.version)


def _configure(settings, pki, tmp_path, *, not_before, not_after, **extra):
    """Give the department's office a certificate of its own (issued by the test root) in MOTCUA_SIGNING."""
    directory, root = pki
    cert_path, key_path, cert = issue_unit_certificate(directory, "19.STC.DKKD", UNIT, not_before=not_before,
                                                       not_after=not_after, out=tmp_path / "etc")
    settings.MOTCUA_SIGNING = {"19.STC.DKKD": {"cert": str(cert_path), "key": str(key_path), "chain": [str(root)],
                                               **extra}}
    return cert


def _files(root):
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _sign_refused(world, client_of, dossier, media_root) -> str:
    """Post the sign action as the leader; check that nothing changed; return the message shown."""
    before = (dossier.status, dossier.version, DossierEvent.objects.filter(dossier=dossier).count(),
              _files(media_root))
    response = client_of(world.dept_leader).post(f"/ho-so/{dossier.code}/phe-duyet-ky-so/",
                                                 {"version": dossier.version, "reviewed": "on"}, follow=True)
    assert response.status_code == 200 and response.redirect_chain == [(f"/ho-so/{dossier.code}/", 302)]
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert len(shown) == 1 and shown[0][0] == "error", shown
    dossier.refresh_from_db()
    after = (dossier.status, dossier.version, DossierEvent.objects.filter(dossier=dossier).count(),
             _files(media_root))
    assert after == before
    assert not DossierResult.objects.filter(dossier=dossier).exists()
    assert not dossier.e_result_code and dossier.e_result_issued_at is None
    assert shown[0][1] in response.content.decode()  # on the dossier page itself
    return shown[0][1]


def test_a_unit_without_a_certificate_cannot_sign(settings, world, client_of, resolved, media_root):
    settings.MOTCUA_ALLOW_DEMO_SIGNING = False  # production: the demo PKI may not stand in
    message = _sign_refused(world, client_of, resolved, media_root)
    assert message == (f"Đơn vị {UNIT} chưa được cấu hình chứng thư số để ký số kết quả; " + CONTACT)


def test_an_expired_certificate_cannot_sign(settings, world, client_of, resolved, media_root, pki, tmp_path):
    # Ends 20:00 UTC on the 14th, i.e. 03:00 on 15/01/2025 in Vietnam: the date shown is Vietnam's.
    _configure(settings, pki, tmp_path, not_before=dt.datetime(2024, 1, 15, 1, tzinfo=dt.UTC),
               not_after=dt.datetime(2025, 1, 14, 20, tzinfo=dt.UTC))
    message = _sign_refused(world, client_of, resolved, media_root)
    assert message == (f"Chứng thư số của đơn vị {UNIT} (hiệu lực từ ngày 15/01/2024) đã hết hạn ngày 15/01/2025; "
                       + CONTACT)


def test_a_certificate_not_yet_valid_cannot_sign(settings, world, client_of, resolved, media_root, pki, tmp_path):
    _configure(settings, pki, tmp_path, not_before=dt.datetime(2098, 12, 31, 20, tzinfo=dt.UTC),
               not_after=dt.datetime(2100, 12, 31, 1, tzinfo=dt.UTC))
    message = _sign_refused(world, client_of, resolved, media_root)
    assert message == (f"Chứng thư số của đơn vị {UNIT} chưa có hiệu lực (hiệu lực từ ngày 01/01/2099 đến ngày "
                       "31/12/2100); " + CONTACT)


def test_a_revoked_certificate_cannot_sign(settings, world, client_of, resolved, media_root, pki, tmp_path):
    now = dt.datetime.now(dt.UTC)
    cert = _configure(settings, pki, tmp_path, not_before=dt.datetime(2025, 1, 1, 1, tzinfo=dt.UTC),
                      not_after=now + dt.timedelta(days=365))
    revoked_at = dt.datetime(2025, 6, 30, 18, 30, tzinfo=dt.UTC)  # 01/07/2025 01:30 in Vietnam
    settings.MOTCUA_CRLS = [str(write_crl(pki[0], [(cert, revoked_at)], tmp_path / "ca.crl"))]
    message = _sign_refused(world, client_of, resolved, media_root)
    end = (now + dt.timedelta(days=365)).astimezone(VN).strftime("%d/%m/%Y")
    assert message == (f"Chứng thư số của đơn vị {UNIT} (hiệu lực từ ngày 01/01/2025 đến ngày {end}) đã bị thu "
                       "hồi ngày 01/07/2025; " + CONTACT)

    # The same certificate signs once the CRL no longer lists it (proof that the CRL, not the set-up, refused).
    settings.MOTCUA_CRLS = [str(write_crl(pki[0], [], tmp_path / "ca.crl"))]
    response = client_of(world.dept_leader).post(f"/ho-so/{resolved.code}/phe-duyet-ky-so/",
                                                 {"version": resolved.version, "reviewed": "on"})
    assert response.status_code == 302
    assert DossierResult.objects.get(dossier=resolved).signer_name == UNIT


def test_an_unusable_configuration_is_refused_with_a_message(settings, world, client_of, resolved, media_root,
                                                             pki, tmp_path, monkeypatch):
    now = dt.datetime.now(dt.UTC)
    _configure(settings, pki, tmp_path, not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=9),
               passphrase_env="MOTCUA_TEST_MISSING_PASS")
    monkeypatch.delenv("MOTCUA_TEST_MISSING_PASS", raising=False)
    message = _sign_refused(world, client_of, resolved, media_root)
    assert message.startswith(f"Không sử dụng được chứng thư số của đơn vị {UNIT}") and message.endswith(CONTACT)


class _RemovedToken(SimpleSigner):
    """A signer whose token answers every signing request with an error (as a USB token pulled out does)."""

    async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
        raise RuntimeError("CKR_TOKEN_NOT_PRESENT")


def test_a_failing_signer_changes_nothing(world, client_of, resolved, media_root, pki, monkeypatch):
    directory, _root = pki
    good = certificates.demo_signer(directory, "19.STC.DKKD", UNIT)
    broken = _RemovedToken(signing_cert=good.signing_cert, signing_key=good.signing_key,
                           cert_registry=good.cert_registry)
    monkeypatch.setattr(certificates, "signer_for_unit", lambda *args, **kwargs: broken)
    message = _sign_refused(world, client_of, resolved, media_root)
    assert message == (f"Không ký số được kết quả hồ sơ {resolved.code}: thiết bị ký số hoặc dịch vụ ký số của đơn "
                       f"vị {UNIT} báo lỗi. Hồ sơ chưa có thay đổi nào; vui lòng thử lại, nếu vẫn lỗi xin liên hệ "
                       "quản trị hệ thống.")


def test_a_token_that_cannot_be_opened_changes_nothing(world, client_of, resolved, media_root, monkeypatch):
    def unavailable(*args, **kwargs):
        raise OSError("cannot load PKCS#11 module /usr/lib/libvnpt-ca.so")

    monkeypatch.setattr(certificates, "signer_for_unit", unavailable)
    message = _sign_refused(world, client_of, resolved, media_root)
    assert message == f"Không mở được thiết bị ký số (chứng thư số) của đơn vị {UNIT}; " + CONTACT


# --------------------------------------------------------------------------- the result check page


def _check_page(client, dossier) -> str:
    response = client.get(f"/ho-so/{dossier.code}/ket-qua/kiem-tra-chu-ky/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_check_page_trusts_the_demo_root_only_in_demo_mode(settings, world, client_of, resolved, pki,
                                                                tmp_path):
    _directory, root = pki
    leader = client_of(world.dept_leader)
    assert leader.post(f"/ho-so/{resolved.code}/phe-duyet-ky-so/", {"version": resolved.version, "reviewed": "on"}).status_code == 302
    assert DossierResult.objects.filter(dossier=resolved).exists()

    page = _check_page(leader, resolved)
    assert "Chữ ký số hợp lệ" in page and "Không hợp lệ" not in page

    # Production: demo signing off. The same file is intact but its demo root is not trusted, and
    # checking it does not create a demo PKI either.
    settings.MOTCUA_ALLOW_DEMO_SIGNING = False
    settings.VAR_DIR = tmp_path / "production"
    page = _check_page(leader, resolved)
    assert "Không hợp lệ" in page and "Chữ ký số hợp lệ" not in page
    assert f"chữ ký số của {UNIT} chưa được xác thực" in page
    assert not (tmp_path / "production" / "pki").exists()

    # Trust comes from the configured roots: configuring that root (as one would a real CA's) trusts it.
    settings.MOTCUA_TRUST_ROOTS = [str(root)]
    assert "Chữ ký số hợp lệ" in _check_page(leader, resolved)


def test_the_check_page_reports_a_certificate_revoked_in_the_configured_crls(settings, world, client_of, resolved,
                                                                            pki, tmp_path):
    directory, _root = pki
    leader = client_of(world.dept_leader)
    assert leader.post(f"/ho-so/{resolved.code}/phe-duyet-ky-so/", {"version": resolved.version, "reviewed": "on"}).status_code == 302
    cert_path, _key = certificates.ensure_unit_certificate(directory, "19.STC.DKKD", UNIT)
    cert = certificates.load_certificate(cert_path)
    settings.MOTCUA_CRLS = [str(write_crl(directory, [(cert, dt.datetime(2025, 6, 30, 18, 30, tzinfo=dt.UTC))],
                                          tmp_path / "ca.crl"))]
    page = _check_page(leader, resolved)
    assert "Không hợp lệ" in page and "chứng thư số đã bị thu hồi ngày 01/07/2025" in page

    # A broken trust configuration is reported on the page, not as a server error.
    settings.MOTCUA_CRLS = [str(tmp_path / "missing.crl")]
    assert "Không kiểm tra được chữ ký số" in _check_page(leader, resolved)


def test_the_configured_certificate_signs_when_it_is_usable(settings, world, client_of, resolved, pki, tmp_path):
    now = dt.datetime.now(dt.UTC)
    cert = _configure(settings, pki, tmp_path, not_before=now - dt.timedelta(days=1),
                      not_after=now + dt.timedelta(days=30))
    settings.MOTCUA_ALLOW_DEMO_SIGNING = False
    settings.MOTCUA_TRUST_ROOTS = [str(pki[1])]
    leader = client_of(world.dept_leader)
    response = leader.post(f"/ho-so/{resolved.code}/phe-duyet-ky-so/", {"version": resolved.version, "reviewed": "on"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    result = DossierResult.objects.get(dossier=resolved)
    from pyhanko.pdf_utils.reader import PdfFileReader

    with result.file.open("rb") as handle:
        embedded = PdfFileReader(handle).embedded_signatures[0].signer_cert
    assert embedded.dump() == cert.public_bytes(serialization.Encoding.DER)
    assert "Chữ ký số hợp lệ" in _check_page(leader, resolved)
