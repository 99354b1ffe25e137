"""Signed electronic results: demo PKI, Vietnamese PDFs, PAdES signing, and two independent validators.

No database. pyHanko validates with the demo root as its only trust anchor; poppler's `pdfsig` checks
the same files independently. pdfsig and pdftotext are required (CI installs poppler-utils): a missing
tool fails the test rather than skipping it.

What pdfsig checks (poppler 22.12, NSS backend):
- `pdfsig -nocert FILE` verifies only the signature itself: the signed byte ranges' digest against the
  CMS and the CMS signature against the embedded certificate. It prints
  "Signature Validation: Signature is Valid." or, after tampering, "Signature Validation: Digest Mismatch."
  and says "Total document signed" / "Not total document signed" for whether bytes follow the signature
  (an incremental update). It does no difference analysis and its exit code is 0 either way, so the
  output is what counts.
- Without -nocert it also builds the certificate path in an NSS database (-nssdir; by default a Firefox
  profile's, else /etc/pki/nssdb or ~/.pki/nssdb, else none) and prints "Certificate Validation: ...".
  The demo root is in no such database, so it reports "Certificate issuer isn't Trusted."; an NSS database
  holding the root with e-mail trust (`certutil -A -t ",C," ...`) turns that into "Certificate is Trusted."
  (NSS checks signers for the e-mail-signing usage, hence emailProtection in the demo certificates' EKU).
"""

import datetime as dt
import re
import shutil
import stat
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from motcua.results.certificates import (
    OID_DOCUMENT_SIGNING,
    ROOT_CA_NAME,
    UNIT_ORGANIZATION,
    CertificateError,
    demo_signer,
    ensure_demo_pki,
    ensure_unit_certificate,
    load_signer,
    load_signer_pkcs12,
    signer_for_unit,
)
from motcua.results.documents import format_place_date, render_official_document
from motcua.results.signing import sign_pdf, verify_pdf

UNIT_CODE = "05443"
UNIT_NAME = "UBND phường Phan Đình Phùng"
RECEIPT_TITLE = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install Debian's poppler-utils (CI does)")
    return path


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    run = subprocess.run([tool("pdftotext"), "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True)
    return run.stdout.decode("utf-8")


def pdfsig(pdf: bytes, tmp_path: Path, *flags: str) -> str:
    source = tmp_path / "sig.pdf"
    source.write_bytes(pdf)
    run = subprocess.run([tool("pdfsig"), *flags, str(source)], capture_output=True, timeout=60)
    return run.stdout.decode("utf-8") + run.stderr.decode("utf-8", "replace")


def receipt_pdf() -> bytes:
    return render_official_document(
        RECEIPT_TITLE.upper(),
        "UBND tỉnh Thái Nguyên\n" + UNIT_NAME,
        "05443-251105-0001/TNHS",
        dt.date(2025, 11, 5),
        [
            f"{UNIT_NAME} đã tiếp nhận hồ sơ của ông/bà Nguyễn Thị Hường, địa chỉ tổ 7, phường Phan "
            "Đình Phùng, tỉnh Thái Nguyên; số điện thoại 0912 345 678.",
            f"Tên văn bản: {RECEIPT_TITLE}.",
            "Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 15 phút, ngày 06/11/2025.",
        ],
        table=[
            ["STT", "Tên giấy tờ", "Hình thức", "Số lượng"],
            ["1", "Tờ khai đăng ký khai sinh", "Bản chính", "01"],
            ["2", "Giấy chứng sinh do cơ sở khám bệnh, chữa bệnh cấp; nếu không có thì văn bản của "
                  "người làm chứng xác nhận về việc sinh", "Bản chính", "01"],
        ],
        qr_text="https://motcua.thainguyen.gov.vn/tra-cuu/05443-251105-0001",
        qr_caption="Mã hồ sơ: 05443-251105-0001",
        signer_title="Người tiếp nhận",
        signer_name="Trần Văn Đức",
        recipients=["Người nộp hồ sơ;", "Lưu: Bộ phận Một cửa."],
    )


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pki")
    return directory, ensure_demo_pki(directory)


@pytest.fixture(scope="module")
def signed(pki):
    directory, _root = pki
    return sign_pdf(receipt_pdf(), demo_signer(directory, UNIT_CODE, UNIT_NAME))


# --------------------------------------------------------------------------- demo PKI


def test_demo_pki_is_created_once_and_reused(tmp_path):
    root = ensure_demo_pki(tmp_path)
    root_bytes = root.read_bytes()
    ca = x509.load_pem_x509_certificate(root_bytes)
    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == ROOT_CA_NAME
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca

    cert_path, key_path = ensure_unit_certificate(tmp_path, UNIT_CODE, UNIT_NAME)
    cert_bytes, key_bytes = cert_path.read_bytes(), key_path.read_bytes()
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600

    # Reused, not regenerated.
    assert ensure_demo_pki(tmp_path) == root and root.read_bytes() == root_bytes
    assert ensure_unit_certificate(tmp_path, UNIT_CODE, UNIT_NAME) == (cert_path, key_path)
    assert cert_path.read_bytes() == cert_bytes and key_path.read_bytes() == key_bytes

    cert = x509.load_pem_x509_certificate(cert_bytes)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == UNIT_NAME
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == UNIT_ORGANIZATION
    assert cert.issuer == ca.subject
    cert.verify_directly_issued_by(ca)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert OID_DOCUMENT_SIGNING in eku and ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca

    # A renamed unit gets a certificate with its new name; other units get their own.
    renamed, _ = ensure_unit_certificate(tmp_path, UNIT_CODE, "UBND phường Phan Đình Phùng (mới)")
    assert renamed.read_bytes() != cert_bytes
    other, _ = ensure_unit_certificate(tmp_path, "19.STC.DKKD", "Phòng Đăng ký kinh doanh, Sở Tài chính")
    assert other.name == "19.STC.DKKD.cert.pem"
    with pytest.raises(CertificateError):
        ensure_unit_certificate(tmp_path, "../etc", "x")


def test_long_unit_name_is_kept_whole(tmp_path):
    name = "Trung tâm Phục vụ hành chính công tỉnh Thái Nguyên - Chi nhánh khu vực phía Bắc thành phố"
    assert len(name) > 64
    pdf = sign_pdf(receipt_pdf(), demo_signer(tmp_path, "19.TTPVHCC", name))
    result = verify_pdf(pdf, [ensure_demo_pki(tmp_path)])
    assert result.valid and result.signer_name == name


# --------------------------------------------------------------------------- documents


def test_rendered_vietnamese_pdf_reads_back_exactly(tmp_path):
    pdf = receipt_pdf()
    assert pdf.startswith(b"%PDF-")
    text = pdftotext(pdf, tmp_path)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thái Nguyên, ngày 05 tháng 11 năm 2025",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Tên văn bản: {RECEIPT_TITLE}.",
        "UBND TỈNH THÁI NGUYÊN",
        "Số: 05443-251105-0001/TNHS",
        "Tờ khai đăng ký khai sinh",
        "NGƯỜI TIẾP NHẬN",
        "Trần Văn Đức",
        "Nơi nhận:",
    ):
        assert expected in text, expected


def test_decomposed_input_is_normalised(tmp_path):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Quyết định về việc cấp Giấy chứng nhận")
    pdf = render_official_document("QUYẾT ĐỊNH", "Sở Tài chính", "12/QĐ-STC", dt.date(2025, 2, 3), [decomposed])
    assert "Quyết định về việc cấp Giấy chứng nhận" in pdftotext(pdf, tmp_path)


def test_place_and_date_follow_decree_30():
    assert format_place_date("Thái Nguyên", dt.date(2026, 1, 5)) == "Thái Nguyên, ngày 05 tháng 01 năm 2026"
    assert format_place_date("Thái Nguyên", dt.date(2025, 11, 25)) == "Thái Nguyên, ngày 25 tháng 11 năm 2025"
    assert format_place_date("Thái Nguyên", dt.date(2025, 3, 9)) == "Thái Nguyên, ngày 09 tháng 3 năm 2025"


def test_font_search_needs_vietnamese_glyphs(monkeypatch, tmp_path):
    from motcua.results import documents

    monkeypatch.delenv("MOTCUA_FONT_REGULAR", raising=False)
    assert documents.find_font_files()[0].name == "DejaVuSans.ttf"  # fonts-dejavu-core (CI installs it)
    # Without the DejaVu folder, the search still finds a font with every Vietnamese letter, or none.
    monkeypatch.setattr(documents, "DEJAVU_DIR", tmp_path / "missing")
    regular = documents.find_font_files()[0]
    assert documents._covers_vietnamese(regular) and "math" not in regular.name.lower()
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "Broken.ttf").write_bytes(b"not a font")
    monkeypatch.setattr(documents, "FONT_SEARCH_DIRS", (tmp_path / "fonts",))
    with pytest.raises(documents.FontNotFoundError, match="fonts-dejavu-core"):
        documents.find_font_files()


def test_long_document_gets_more_pages(tmp_path):
    rows = [["STT", "Mã hồ sơ", "Thủ tục", "Trạng thái"]] + [
        [str(i), f"05443-251105-{i:04d}", "Đăng ký khai sinh", "Đúng hạn"] for i in range(1, 120)
    ]
    pdf = render_official_document("BÁO CÁO TUẦN", "UBND phường Phan Đình Phùng", "7/BC", dt.date(2025, 11, 7),
                                   ["Tình hình giải quyết hồ sơ trong tuần."], table=rows)
    text = pdftotext(pdf, tmp_path)
    assert text.count("\f") >= 3 and "05443-251105-0119" in text


# --------------------------------------------------------------------------- signing and validation


def test_signed_pdf_validates_with_pyhanko(pki, signed):
    _directory, root = pki
    result = verify_pdf(signed, [root])
    assert (result.valid, result.intact, result.trusted) == (True, True, True)
    assert result.signer_name == UNIT_NAME
    assert result.field_name == "ChuKyDonVi"
    assert abs(result.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)
    assert result.message_vi.startswith("Chữ ký số hợp lệ") and UNIT_NAME in result.message_vi


def test_signed_pdf_validates_with_pdfsig(signed, tmp_path):
    out = pdfsig(signed, tmp_path, "-nocert")
    assert "Signature Field Name: ChuKyDonVi" in out
    assert f"Signer Certificate Common Name: {UNIT_NAME}" in out
    assert "Signature Type: ETSI.CAdES.detached" in out
    assert "Signing Hash Algorithm: SHA-256" in out
    assert "Total document signed" in out and "Not total document signed" not in out
    assert "Signature Validation: Signature is Valid." in out
    assert "Certificate Validation" not in out  # -nocert: integrity only


def test_pdfsig_does_not_trust_the_demo_root_by_itself(signed, tmp_path):
    out = pdfsig(signed, tmp_path)
    assert "Signature Validation: Signature is Valid." in out
    assert "Certificate Validation: Certificate issuer isn't Trusted." in out


def test_pdfsig_trusts_the_demo_root_from_an_nss_database(pki, signed, tmp_path):
    certutil = shutil.which("certutil")
    if certutil is None:
        pytest.skip("certutil (Debian's libnss3-tools) is not installed: the NSS trust path is not exercised")
    _directory, root = pki
    db = f"sql:{tmp_path / 'nssdb'}"
    (tmp_path / "nssdb").mkdir()
    subprocess.run([certutil, "-N", "-d", db, "--empty-password"], check=True, capture_output=True)
    subprocess.run([certutil, "-A", "-d", db, "-n", "motcua demo CA", "-t", ",C,", "-i", str(root)],
                   check=True, capture_output=True)
    out = pdfsig(signed, tmp_path, "-nssdir", db)
    assert "Signature Validation: Signature is Valid." in out
    assert "Certificate Validation: Certificate is Trusted." in out


def test_signed_pdf_still_reads_back(signed, tmp_path):
    text = pdftotext(signed, tmp_path)
    assert "Độc lập - Tự do - Hạnh phúc" in text and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text


def test_bytes_changed_inside_the_signed_range_fail_both_validators(pki, signed, tmp_path):
    _directory, root = pki
    marker = b"/Creator (motcua)"  # the Info dictionary of the original revision (the update repeats it)
    offset = signed.index(marker)
    tampered = signed[:offset] + b"/Creator (motcub)" + signed[offset + len(marker):]
    ranges = [int(n) for n in re.search(rb"/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)", signed).groups()]
    assert ranges[0] <= offset < ranges[0] + ranges[1]  # inside the first signed range

    result = verify_pdf(tampered, [root])
    assert not result.valid and not result.intact
    assert "đã bị thay đổi sau khi ký" in result.message_vi

    out = pdfsig(tampered, tmp_path, "-nocert")
    assert "Signature Validation: Digest Mismatch." in out
    assert "Signature is Valid" not in out


def test_incremental_update_changing_the_page_fails_both_validators(pki, signed, tmp_path):
    _directory, root = pki
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    font = generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Font"),
        generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
        generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica"),
    })
    resources = page["/Resources"]
    fonts = resources["/Font"]
    fonts[generic.NameObject("/Forged")] = writer.add_object(font)
    writer.update_container(fonts)
    forged = writer.add_object(generic.StreamObject(stream_data=b"BT /Forged 30 Tf 80 420 Td (DA DUYET) Tj ET"))
    contents = page.raw_get("/Contents")
    page[generic.NameObject("/Contents")] = generic.ArrayObject(
        [*(contents if isinstance(contents, generic.ArrayObject) else [contents]), forged]
    )
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    modified = out.getvalue()
    assert modified.startswith(signed)
    assert "DA DUYET" in pdftotext(modified, tmp_path)

    result = verify_pdf(modified, [root])
    assert not result.valid
    assert result.intact and result.trusted  # the signed revision itself is untouched...
    assert "bị sửa đổi nội dung sau khi ký" in result.message_vi  # ...but the document was changed after it

    # pdfsig: the signature over its revision is still valid, and it reports the unsigned tail.
    report = pdfsig(modified, tmp_path, "-nocert")
    assert "Signature Validation: Signature is Valid." in report
    assert "Not total document signed" in report


def test_certificate_from_another_ca_is_untrusted(pki, tmp_path):
    _directory, root = pki
    stranger = demo_signer(tmp_path / "other-ca", UNIT_CODE, UNIT_NAME)  # same names, different root
    pdf = sign_pdf(receipt_pdf(), stranger)
    result = verify_pdf(pdf, [root])
    assert result.intact and not result.trusted and not result.valid
    assert result.signer_name == UNIT_NAME
    assert "chưa được xác thực" in result.message_vi
    # Trusting that other root instead makes it valid: trust comes only from the roots given.
    assert verify_pdf(pdf, [ensure_demo_pki(tmp_path / "other-ca")]).valid
    assert not verify_pdf(pdf, []).trusted


def test_countersignature_keeps_both_signatures_valid(pki, signed):
    directory, root = pki
    second = demo_signer(directory, "19", "UBND tỉnh Thái Nguyên")
    twice = sign_pdf(signed, second, field_name="ChuKyCapTinh", reason="Xác nhận")
    result = verify_pdf(twice, [root])
    assert result.valid and len(result.signatures) == 2
    assert [s.signer_name for s in result.signatures] == [UNIT_NAME, "UBND tỉnh Thái Nguyên"]
    assert verify_pdf(twice, [root], field_name="ChuKyDonVi").valid


def test_unsigned_and_broken_files_are_reported(pki):
    _directory, root = pki
    unsigned = verify_pdf(receipt_pdf(), [root])
    assert not unsigned.valid and unsigned.message_vi == "Văn bản không có chữ ký số."
    broken = verify_pdf(b"not a pdf at all", [root])
    assert not broken.valid and broken.message_vi.startswith("Không đọc được tệp PDF")


# --------------------------------------------------------------------------- real certificates


def _unit_material(directory):
    cert_path, key_path = ensure_unit_certificate(directory, UNIT_CODE, UNIT_NAME)
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    return cert, key


def test_pkcs12_signer(pki, tmp_path):
    directory, root = pki
    cert, key = _unit_material(directory)
    ca = x509.load_pem_x509_certificate(root.read_bytes())
    p12 = tmp_path / "unit.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"unit", key, cert, [ca], serialization.BestAvailableEncryption(b"mat-khau")
    ))
    signer = load_signer_pkcs12(p12, "mat-khau")
    result = verify_pdf(sign_pdf(receipt_pdf(), signer), [root])
    assert result.valid and result.signer_name == UNIT_NAME
    with pytest.raises(CertificateError):
        load_signer_pkcs12(p12, "sai-mat-khau")

    config = {UNIT_CODE: {"pkcs12": str(p12), "passphrase_env": "MOTCUA_TEST_P12"}}
    from_config = signer_for_unit(directory, UNIT_CODE, UNIT_NAME, config,
                                  environ={"MOTCUA_TEST_P12": "mat-khau"}, allow_demo=False)
    assert from_config.signing_cert.dump() == cert.public_bytes(serialization.Encoding.DER)
    with pytest.raises(CertificateError, match="MOTCUA_TEST_P12"):
        signer_for_unit(directory, UNIT_CODE, UNIT_NAME, config, environ={})
    with pytest.raises(CertificateError):
        signer_for_unit(directory, "05710", "UBND phường Linh Sơn", config, allow_demo=False)


def test_pem_signer_with_encrypted_key_and_chain(pki, tmp_path):
    directory, root = pki
    cert, key = _unit_material(directory)
    key_path = tmp_path / "unit.key"
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"bi-mat"),
    ))
    cert_path = tmp_path / "unit.der"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    signer = load_signer(cert_path, key_path, chain_paths=[root], passphrase="bi-mat")
    assert verify_pdf(sign_pdf(receipt_pdf(), signer), [root]).valid
    with pytest.raises(CertificateError):
        load_signer(cert_path, key_path, passphrase="sai")
    # A key that belongs to another certificate is refused before anything is signed.
    _other_cert, other_key = ensure_unit_certificate(directory, "05710", "UBND phường Linh Sơn")
    with pytest.raises(CertificateError, match="does not belong"):
        load_signer(cert_path, other_key)
