"""Checking a stored signed result again, as anyone holding the file could: against the configured trust
roots (the demo root only in demo mode) and the configured CRLs. The back office's check page and the
citizen portal's both call this."""

import logging

from django.conf import settings

from motcua.office import pdfs
from motcua.results import certificates, signing

logger = logging.getLogger(__name__)


def verify_stored(stored) -> signing.VerificationResult:
    with stored.file.open("rb") as handle:
        content = handle.read()
    try:
        roots = pdfs.result_trust_roots()
        return signing.verify_pdf(content, roots, crls=certificates.load_crls(settings.MOTCUA_CRLS))
    except (certificates.CertificateError, OSError, ValueError) as exc:  # a broken trust configuration
        logger.error("cannot check result %s: %s", stored.code, exc)
        return signing.VerificationResult(
            False, False, False, "", None,
            "Không kiểm tra được chữ ký số: cấu hình chứng thư số gốc tin cậy hoặc danh sách chứng thư số bị "
            "thu hồi của hệ thống bị lỗi. Vui lòng liên hệ quản trị hệ thống.")
