"""PAdES signing and verification of result PDFs (kết quả giải quyết TTHC điện tử), with pyHanko.

    sign_pdf(pdf_bytes, signer, *, reason=..., location=..., field_name="ChuKyDonVi") -> bytes
    verify_pdf(pdf_bytes, trust_roots, *, field_name=None, validation_time=None, crls=()) -> VerificationResult

Signatures are PAdES baseline B-B (ETSI.CAdES.detached, SHA-256, an approval signature, so a second unit
can countersign in another field). The field is invisible unless a `VisibleSignature` says where the
document's signer block left room: then the field gets an appearance stamp there ("Ký bởi: …",
"Cơ quan: …", "Thời gian ký: dd/mm/yyyy HH:MM") drawn with a font that has the Vietnamese glyphs.
No timestamp authority is
reachable here, so the signing time is the one the signer states (/M); pass a pyHanko `timestamper`
to reach B-T where a TSA exists. The human-readable signature block is part of the page itself
(`documents.render_official_document(..., signer_title=...)`).

Verification never fetches anything (allow_fetching=False): trust comes only from `trust_roots`
(the roots of configured real CAs, plus the demo root from `certificates.ensure_demo_pki` where demo
signing is allowed), and revocation is checked only against information embedded in the file and the
CRLs passed in `crls` (settings.MOTCUA_CRLS in the back office); soft-fail otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from motcua.lib.vnformat import local_day, local_moment
from motcua.lib.workingtime import LOCAL_TZ
from motcua.results.certificates import load_certificate, revocation_of
from motcua.results.documents import find_font_files

DEFAULT_REASON = "Ký số kết quả giải quyết TTHC"
DEFAULT_LOCATION = "Thái Nguyên"
DEFAULT_FIELD = "ChuKyDonVi"

_EXPIRED = {"EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"}
_REVOKED = {"REVOKED", "REVOKED_NO_POE", "REVOKED_CA_NO_POE"}


@dataclass(frozen=True)
class VisibleSignature:
    """A visible signature field: where (`page` 0-based, `box` (x1, y1, x2, y2) in PDF points, e.g. a
    `documents.SignatureBox`) and who (`signer`, `agency`); the time is the signing moment in Vietnam."""

    page: int
    box: tuple[float, float, float, float]
    signer: str
    agency: str = ""


STAMP_LINE_CHARS = 44  # the stamp is scaled down to its box: wrap long names rather than shrink everything


def _stamp_lines(label: str, text: str) -> str:
    return "\n".join(textwrap.wrap(f"{label}: {text}", STAMP_LINE_CHARS, subsequent_indent="  ")
                     or [f"{label}:"])


# What the stamp may need: Latin, Vietnamese letters (precomposed and combining marks), punctuation, "₫".
STAMP_UNICODES = (*range(0x20, 0x250), *range(0x300, 0x324), *range(0x1EA0, 0x1F00), *range(0x2000, 0x2070), 0x20AB)


@lru_cache(maxsize=1)
def stamp_font() -> Path:
    """The documents' font (DejaVu Sans) cut to the stamp's letters and rescaled to 1000 units per em, cached in
    the temporary folder. pyHanko's glyph accumulator writes the glyph widths in the font's own units while
    PDF reads them in thousandths of an em: a 2048-unit font such as DejaVu Sans would be drawn letter-spaced
    and overflow its box. Built once per machine (a few seconds), then read from the cache."""
    source = find_font_files()[0]
    info = source.stat()
    name = f"{source.stem}-{info.st_size}-{int(info.st_mtime)}-stamp.ttf"
    cached = Path(tempfile.gettempdir()) / "motcua-fonts" / name
    if cached.is_file():
        return cached
    font = TTFont(str(source))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=STAMP_UNICODES)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.part")
    font.save(str(partial))
    os.replace(partial, cached)  # atomic: a concurrent builder writes the same bytes
    return cached


def _stamp(visible: VisibleSignature, at: dt.datetime) -> TextStampStyle:
    lines = [_stamp_lines("Ký bởi", visible.signer)]
    if visible.agency:
        lines.append(_stamp_lines("Cơ quan", visible.agency))
    lines.append(f"Thời gian ký: {at.astimezone(LOCAL_TZ):%d/%m/%Y %H:%M}")
    red = (0.75, 0.05, 0.05)
    return TextStampStyle(
        stamp_text="\n".join(lines).replace("%", "%%"),  # names are data, never interpolation parameters
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(stamp_font())), font_size=9,
                                    leading=12, text_color=red),
        border_width=1,
        border_color=red,
    )


class SigningError(Exception):
    """The PDF could not be signed (unreadable or encrypted PDF, field already signed, unusable certificate)."""


@dataclass(frozen=True)
class VerificationResult:
    valid: bool  # everything holds: intact, cryptographically valid, trusted, no disallowed change after signing
    intact: bool  # the signed bytes are unchanged and the signature matches the certificate's key
    trusted: bool  # the signer's certificate chains to one of the trust roots and is usable for signing
    signer_name: str  # CN of the signer's certificate ("" when there is no signature)
    signed_at: dt.datetime | None  # signing time stated in the signature (aware), or the TSA's time if any
    message_vi: str  # one sentence for a person
    field_name: str = ""
    signatures: tuple[VerificationResult, ...] = field(default=(), repr=False)  # every signature, in order


# --------------------------------------------------------------------------- signing


def sign_pdf(
    pdf_bytes: bytes,
    signer: signers.Signer,
    *,
    reason: str = DEFAULT_REASON,
    location: str = DEFAULT_LOCATION,
    field_name: str = DEFAULT_FIELD,
    contact_info: str | None = None,
    timestamper=None,
    visible: VisibleSignature | None = None,
) -> bytes:
    """Return `pdf_bytes` with an incremental update holding a PAdES signature in field `field_name`,
    visible over `visible.box` when given (a new field created there; invisible otherwise)."""
    cert = getattr(signer, "signing_cert", None)
    if cert is not None:
        _check_certificate_period(load_certificate(cert))
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, TypeError) as exc:
        raise SigningError(f"cannot read the PDF to sign: {exc}") from exc
    if writer.prev.encrypted:
        raise SigningError("cannot sign an encrypted PDF")
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        contact_info=contact_info,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    extra = {}
    if visible is not None:
        extra["new_field_spec"] = fields.SigFieldSpec(sig_field_name=field_name, on_page=visible.page,
                                                      box=tuple(visible.box))
        extra["stamp_style"] = _stamp(visible, dt.datetime.now(dt.UTC))
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper, **extra)
    try:
        output = pdf_signer.sign_pdf(writer)
    except (PyHankoSigningError, PdfError) as exc:
        raise SigningError(f"cannot sign the PDF: {exc}") from exc
    return output.getvalue()


def _check_certificate_period(cert) -> None:
    now = dt.datetime.now(dt.UTC)
    if now < cert.not_valid_before_utc:
        raise SigningError(f"the signing certificate is not valid before {cert.not_valid_before_utc:%Y-%m-%d}")
    if now > cert.not_valid_after_utc:
        raise SigningError(f"the signing certificate expired on {cert.not_valid_after_utc:%Y-%m-%d}")


# --------------------------------------------------------------------------- verification


def verify_pdf(
    pdf_bytes: bytes,
    trust_roots,
    *,
    field_name: str | None = None,
    validation_time: dt.datetime | None = None,
    crls=(),
) -> VerificationResult:
    """Validate the PDF's signatures against `trust_roots` (paths to PEM/DER files, possibly bundles, or
    certificate objects from cryptography or asn1crypto), and `crls` (cryptography CRL objects or DER
    bytes, e.g. `certificates.load_crls(paths)`): a signer certificate listed there is revoked.

    With `field_name`, only that signature is reported. Otherwise every signature is checked: the result
    is valid only if all are, and describes the first failing signature, or else the latest one.
    """
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not a readable PDF"
        return _failure(f"Không đọc được tệp PDF: tệp bị hỏng hoặc không phải PDF ({type(exc).__name__}).")
    if field_name is not None:
        embedded = [sig for sig in embedded if sig.field_name == field_name]
        if not embedded:
            return _failure(f"Văn bản không có chữ ký số tại trường “{field_name}”.")
    if not embedded:
        return _failure("Văn bản không có chữ ký số.")

    roots = _asn1_roots(trust_roots)
    crl_list = [x509.load_der_x509_crl(c) if isinstance(c, bytes) else c for c in crls or ()]
    crl_der = [c.public_bytes(Encoding.DER) for c in crl_list]
    results = []
    for sig in embedded:
        context = ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail", moment=validation_time,
            crls=crl_der,
        )
        results.append(_verify_one(sig, context, crl_list, roots))
    chosen = next((r for r in results if not r.valid), results[-1])
    return VerificationResult(
        valid=all(r.valid for r in results),
        intact=chosen.intact,
        trusted=chosen.trusted,
        signer_name=chosen.signer_name,
        signed_at=chosen.signed_at,
        message_vi=chosen.message_vi,
        field_name=chosen.field_name,
        signatures=tuple(results),
    )


def _verify_one(sig, context: ValidationContext, crls=(), roots=()) -> VerificationResult:
    name = sig.field_name or ""
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context)
    except Exception as exc:  # noqa: BLE001 - a malformed signature in an uploaded file is a result, not a crash
        return VerificationResult(
            False, False, False, "", None,
            f"Không kiểm tra được chữ ký số “{name}”: dữ liệu chữ ký bị hỏng ({type(exc).__name__}).",
            field_name=name,
        )
    signer = _common_name(status.signing_cert)
    signed_at = status.signer_reported_dt
    if status.timestamp_validity is not None and status.timestamp_validity.intact:
        signed_at = status.timestamp_validity.timestamp
    intact = bool(status.intact and status.valid)
    trusted = bool(status.trusted)
    # pyHanko's soft-fail mode consults CRLs only for certificates that name a distribution point; a CRL
    # the installation was given explicitly counts for every certificate its issuer signed.
    revoked = _revocation(sig, status.signing_cert, crls, roots) if trusted and crls else None
    if revoked is not None:
        trusted = False
    modification_ok = bool(status.docmdp_ok or status.modification_level is None) and status.seed_value_ok
    valid = bool(status.bottom_line) and intact and trusted and modification_ok
    when = _format_time(signed_at)

    if not status.intact:
        message = "Chữ ký số không hợp lệ: nội dung văn bản đã bị thay đổi sau khi ký."
    elif not status.valid:
        message = "Chữ ký số không hợp lệ: chữ ký không khớp với chứng thư số của người ký."
    elif not modification_ok:
        message = (
            f"Chữ ký số của {signer} không còn giá trị cho văn bản này: văn bản đã bị sửa đổi nội dung "
            "sau khi ký."
        )
    elif revoked is not None:
        message = (
            f"Nội dung văn bản còn nguyên vẹn nhưng chữ ký số của {signer} chưa được xác thực: chứng thư số "
            f"đã bị thu hồi ngày {local_day(revoked.revocation_date_utc)}."
        )
    elif not trusted:
        message = f"Nội dung văn bản còn nguyên vẹn nhưng chữ ký số của {signer} chưa được xác thực: " + (
            _trust_problem_vi(status)
        )
    elif not valid:
        message = f"Chữ ký số của {signer} không hợp lệ: dấu thời gian hoặc ràng buộc của trường chữ ký không đạt."
    else:
        message = f"Chữ ký số hợp lệ: văn bản do {signer} ký số{when}; nội dung không bị thay đổi sau khi ký"
        message += (
            " (chỉ có thêm chữ ký hoặc ghi chú được phép)." if status.modification_level
            and status.modification_level.name != "NONE" else "."
        )
    return VerificationResult(valid, intact, trusted, signer, signed_at, message, field_name=name)


def _trust_problem_vi(status) -> str:
    problem = getattr(status.trust_problem_indic, "name", None)
    if status.revoked or problem in _REVOKED:
        return "chứng thư số đã bị thu hồi."
    if problem in _EXPIRED:
        return "chứng thư số đã hết hiệu lực tại thời điểm kiểm tra."
    if problem == "NOT_YET_VALID":
        return "chứng thư số chưa có hiệu lực tại thời điểm ký."
    if problem in {"SIG_CONSTRAINTS_FAILURE", "CHAIN_CONSTRAINTS_FAILURE"}:
        return "chứng thư số không được phép dùng để ký văn bản (mục đích sử dụng khóa không phù hợp)."
    if problem in {"CRYPTO_CONSTRAINTS_FAILURE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"}:
        return "thuật toán mật mã của chữ ký không còn được chấp nhận."
    return "chứng thư số không do tổ chức cung cấp dịch vụ chứng thực chữ ký số được tin cậy cấp."


def _revocation(sig, signing_cert: asn1_x509.Certificate, crls, roots):
    issuers = [*roots, *sig.other_embedded_certs]
    return revocation_of(load_certificate(signing_cert), crls, [load_certificate(c) for c in issuers])


def _failure(message: str) -> VerificationResult:
    return VerificationResult(False, False, False, "", None, message)


def _common_name(cert: asn1_x509.Certificate) -> str:
    subject = cert.subject.native
    return str(subject.get("common_name") or cert.subject.human_friendly)


def _format_time(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return " lúc " + local_moment(moment).replace(" ", " ngày ", 1)


def _asn1_roots(trust_roots) -> list[asn1_x509.Certificate]:
    roots: list[asn1_x509.Certificate] = []
    for item in trust_roots or ():
        if isinstance(item, asn1_x509.Certificate):
            roots.append(item)
        elif isinstance(item, str | os.PathLike):
            roots.extend(load_certs_from_pemder([str(item)]))
        else:
            cert = load_certificate(item)
            roots.append(asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER)))
    return roots
