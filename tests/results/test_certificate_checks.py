"""The checks made before a unit signs (present, within its dates, not revoked in the configured CRLs) and
revocation seen by the verifier. No database; certificates and CRLs are made with `cryptography`."""

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from motcua.results.certificates import (
    CertificateError,
    CertificateUnusable,
    NoCertificateError,
    check_signing_certificate,
    ensure_demo_pki,
    load_certificate,
    load_crls,
    load_signer,
    revocation_of,
    signer_for_unit,
)
from motcua.results.signing import sign_pdf, verify_pdf
from tests.results.pki import issue_unit_certificate, write_crl
from tests.results.test_signing import UNIT_CODE, UNIT_NAME, receipt_pdf

NOW = dt.datetime(2025, 11, 5, 2, tzinfo=dt.UTC)
TAIL = "; không thể ký số. Vui lòng liên hệ quản trị hệ thống."


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """A demo root and a unit certificate valid through 2025 (Vietnam time), with its files."""
    directory = tmp_path_factory.mktemp("pki")
    cert_path, key_path, cert = issue_unit_certificate(
        directory, UNIT_CODE, UNIT_NAME, not_before=dt.datetime(2024, 12, 31, 17, tzinfo=dt.UTC),
        not_after=dt.datetime(2025, 12, 31, 16, 59, tzinfo=dt.UTC), out=directory / "etc")
    return directory, ensure_demo_pki(directory), cert_path, key_path, cert


def _refusal(cert, **kwargs) -> CertificateUnusable:
    with pytest.raises(CertificateUnusable) as info:
        check_signing_certificate(cert, UNIT_NAME, **kwargs)
    return info.value


def test_a_certificate_within_its_dates_passes(issued):
    _directory, root, _c, _k, cert = issued
    check_signing_certificate(cert, UNIT_NAME, now=NOW)
    check_signing_certificate(cert, UNIT_NAME, now=NOW, crls=[], issuers=[root])


def test_dates_outside_the_validity_are_refused_with_vietnamese_dates(issued):
    *_, cert = issued
    early = _refusal(cert, now=dt.datetime(2024, 12, 31, 16, tzinfo=dt.UTC))
    assert early.reason == "not_yet_valid"
    assert early.message_vi == (f"Chứng thư số của đơn vị {UNIT_NAME} chưa có hiệu lực (hiệu lực từ ngày 01/01/2025 "
                                "đến ngày 31/12/2025)" + TAIL)
    late = _refusal(cert, now=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    assert late.reason == "expired"
    assert late.message_vi == (f"Chứng thư số của đơn vị {UNIT_NAME} (hiệu lực từ ngày 01/01/2025) đã hết hạn ngày "
                               "31/12/2025" + TAIL)


@pytest.mark.parametrize("pem", [True, False])
def test_a_certificate_listed_in_its_issuers_crl_is_refused(issued, tmp_path, pem):
    directory, root, _c, _k, cert = issued
    crl = write_crl(directory, [(cert, dt.datetime(2025, 10, 31, 17, 30, tzinfo=dt.UTC))], tmp_path / "ca.crl",
                    pem=pem)
    crls = load_crls([crl])
    refusal = _refusal(cert, now=NOW, crls=crls, issuers=[root])
    assert refusal.reason == "revoked"
    assert refusal.message_vi == (f"Chứng thư số của đơn vị {UNIT_NAME} (hiệu lực từ ngày 01/01/2025 đến ngày "
                                  "31/12/2025) đã bị thu hồi ngày 01/11/2025" + TAIL)
    # Without the issuer's certificate at hand, a CRL naming the issuer still counts.
    assert _refusal(cert, now=NOW, crls=crls).reason == "revoked"


def test_crls_that_do_not_speak_for_the_issuer_are_ignored(issued, tmp_path):
    directory, root, _c, _k, cert = issued
    listed = [(cert, NOW - dt.timedelta(days=1))]
    forged = write_crl(directory, listed, tmp_path / "forged.crl",
                       signer_key=rsa.generate_private_key(public_exponent=65537, key_size=2048))
    stranger = write_crl(tmp_path / "other-ca", listed, tmp_path / "other.crl")  # same name, another key
    empty = write_crl(directory, [], tmp_path / "empty.crl")
    crls = load_crls([forged, stranger, empty])
    assert revocation_of(cert, crls, [load_certificate(root)]) is None
    check_signing_certificate(cert, UNIT_NAME, now=NOW, crls=crls, issuers=[root])


def test_an_unreadable_crl_is_an_error_not_a_pass(tmp_path):
    (tmp_path / "bad.crl").write_bytes(b"-----BEGIN X509 CRL-----\nnot base64\n-----END X509 CRL-----\n")
    with pytest.raises(CertificateError):
        load_crls([tmp_path / "bad.crl"])
    with pytest.raises(CertificateError):
        load_crls([tmp_path / "missing.crl"])


def test_no_configured_certificate_outside_demo_mode(tmp_path):
    with pytest.raises(NoCertificateError) as info:
        signer_for_unit(tmp_path, UNIT_CODE, UNIT_NAME, {}, allow_demo=False)
    assert info.value.message_vi == (f"Đơn vị {UNIT_NAME} chưa được cấu hình chứng thư số để ký số kết quả" + TAIL)
    assert not (tmp_path / "demo-root-ca.cert.pem").exists()


def test_the_verifier_reports_a_signer_revoked_in_the_given_crls(tmp_path):
    now = dt.datetime.now(dt.UTC)
    cert_path, key_path, cert = issue_unit_certificate(tmp_path, UNIT_CODE, UNIT_NAME, not_before=now - dt.timedelta(
        days=30), not_after=now + dt.timedelta(days=30), out=tmp_path / "etc")
    root = ensure_demo_pki(tmp_path)
    signed = sign_pdf(receipt_pdf(), load_signer(cert_path, key_path, chain_paths=[root]))
    assert verify_pdf(signed, [root]).valid

    crl = write_crl(tmp_path, [(cert, dt.datetime(2025, 10, 31, 17, 30, tzinfo=dt.UTC))], tmp_path / "ca.crl")
    result = verify_pdf(signed, [root], crls=load_crls([crl]))
    assert result.intact and not result.trusted and not result.valid
    assert result.message_vi == (f"Nội dung văn bản còn nguyên vẹn nhưng chữ ký số của {UNIT_NAME} chưa được xác "
                                 "thực: chứng thư số đã bị thu hồi ngày 01/11/2025.")
    # A CRL not signed by the root does not revoke anything.
    forged = write_crl(tmp_path, [(cert, now)], tmp_path / "forged.crl",
                       signer_key=rsa.generate_private_key(public_exponent=65537, key_size=2048))
    assert verify_pdf(signed, [root], crls=load_crls([forged])).valid
