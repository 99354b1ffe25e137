"""The documents the one-stop desk and the units issue (forms of Circular 03/2025/TT-VPCP), as PDFs.

Each function takes stored facts only (the dossier, its events, its components), so printing a document
again gives the same text. Layout, fonts and the QR code are `motcua.results.documents`' business.
"""

import logging
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings

from motcua.dossiers.constants import PauseKind
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.lib.vnformat import local_day
from motcua.lib.vnformat import long_moment as when
from motcua.lib.vnformat import money as vnd
from motcua.lib.workingtime import LOCAL_TZ
from motcua.office import signing_choice
from motcua.results import certificates, remote, signing, tokens
from motcua.results.documents import RenderedDocument, render_official_document, render_official_layout
from motcua.results.templates import fill

logger = logging.getLogger(__name__)


def _applicant(dossier: Dossier) -> list[str]:
    lines = [f"Ông/Bà: {dossier.applicant_name or '—'}"]
    if dossier.applicant_id_number:
        lines.append(f"Số định danh cá nhân: {dossier.applicant_id_number}")
    if dossier.applicant_address:
        lines.append(f"Địa chỉ: {dossier.applicant_address}")
    if dossier.applicant_phone:
        lines.append(f"Số điện thoại: {dossier.applicant_phone}")
    return lines


def _signer(event: DossierEvent | None) -> str | None:
    if event is None or event.actor is None:
        return None
    membership = getattr(event.actor, "membership", None)
    return (membership.full_name if membership is not None and membership.full_name else None) or str(event.actor)


def _first_event(dossier: Dossier, action: str) -> DossierEvent | None:
    return dossier.events.filter(action=action).select_related("actor").order_by("at", "id").first()


def _last_event(dossier: Dossier, action: str) -> DossierEvent | None:
    return dossier.events.filter(action=action).select_related("actor").order_by("-at", "-id").first()


def receipt_slip(dossier: Dossier) -> bytes:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả, with the due time and a QR code of the dossier code."""
    components = [["STT", "Tên giấy tờ", "Hình thức"]]
    for index, component in enumerate(dossier.components.order_by("id"), start=1):
        form = "Bản điện tử (đã số hóa)" if component.digitized else "Bản giấy"
        components.append([str(index), component.name, form])
    paragraphs = [
        f"Bộ phận Một cửa {dossier.received_by.name} tiếp nhận hồ sơ của:",
        *_applicant(dossier),
        f"Nội dung yêu cầu giải quyết: {dossier.procedure.name} (mã thủ tục {dossier.procedure.code}).",
        f"Cơ quan giải quyết: {dossier.unit.name}.",
        f"Mã hồ sơ: {dossier.code}",
        f"Thời gian nhận hồ sơ: {when(dossier.received_at)}.",
        f"Thời gian trả kết quả giải quyết hồ sơ: {when(dossier.due_at)}.",
    ]
    if dossier.fee_vnd:
        paragraphs.append(f"Phí, lệ phí: {vnd(dossier.fee_vnd)}.")
    paragraphs.append("Thành phần hồ sơ đã nhận:" if len(components) > 1 else "Thành phần hồ sơ: không có.")
    return render_official_document(
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", dossier.received_by.name, f"{dossier.code}/TNHS",
        dossier.received_at.astimezone(LOCAL_TZ).date(), paragraphs, table=components if len(components) > 1 else None,
        qr_text=dossier.code, qr_caption=f"Mã hồ sơ {dossier.code}", signer_title="Người tiếp nhận",
        signer_name=_signer(_first_event(dossier, "create")))


def refusal(dossier: Dossier) -> bytes | None:
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ, or None when the dossier was not refused."""
    event = _last_event(dossier, "refuse")
    if event is None:
        return None
    paragraphs = [
        f"Bộ phận Một cửa {dossier.received_by.name} tiếp nhận hồ sơ đề nghị {dossier.procedure.name} của:",
        *_applicant(dossier),
        f"Mã hồ sơ: {dossier.code}",
        "Sau khi xem xét, đối chiếu thành phần hồ sơ, cơ quan, đơn vị từ chối tiếp nhận hồ sơ với lý do sau:",
        event.note or "—",
        "Xin thông báo để Ông/Bà được biết và thực hiện.",
    ]
    return render_official_document(
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", dossier.received_by.name, f"{dossier.code}/TCHS",
        event.at.astimezone(LOCAL_TZ).date(), paragraphs, qr_text=dossier.code,
        qr_caption=f"Mã hồ sơ {dossier.code}", signer_title="Người tiếp nhận", signer_name=_signer(event))


def supplement_request(dossier: Dossier) -> bytes | None:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, or None when none was requested."""
    event = _first_event(dossier, "request_supplement")
    if event is None:
        return None
    paragraphs = [
        f"Ngày {local_day(event.at)}, {dossier.unit.name} đã xem xét hồ sơ mã {dossier.code} "
        f"đề nghị giải quyết thủ tục {dossier.procedure.name} của:",
        *_applicant(dossier),
        "Hồ sơ cần bổ sung, hoàn thiện những nội dung sau:",
        event.note or "—",
        "Thời gian chờ bổ sung không tính vào thời hạn giải quyết. Trong quá trình hoàn thiện hồ sơ, nếu có "
        "vướng mắc, Ông/Bà liên hệ Bộ phận Một cửa nơi nộp hồ sơ để được hướng dẫn.",
    ]
    return render_official_document(
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", dossier.unit.name, f"{dossier.code}/BSHS",
        event.at.astimezone(LOCAL_TZ).date(), paragraphs, qr_text=dossier.code,
        qr_caption=f"Mã hồ sơ {dossier.code}", signer_title="Người hướng dẫn", signer_name=_signer(event))


def apology(dossier: Dossier, event: DossierEvent) -> bytes:
    """Văn bản xin lỗi và hẹn lại ngày trả kết quả, from its `apologize` event."""
    new_due = datetime.fromisoformat(event.data["new_due_at"])
    paragraphs = [
        f"Ngày {local_day(dossier.received_at)}, {dossier.received_by.name} tiếp nhận hồ sơ "
        f"mã {dossier.code} đề nghị giải quyết thủ tục {dossier.procedure.name} của:",
        *_applicant(dossier),
        f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {when(dossier.due_at)}.",
        f"Tuy nhiên đến nay, {dossier.unit.name} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng hạn vì lý do:",
        event.data.get("reason") or event.note or "—",
        f"Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. {dossier.unit.name} xin lỗi "
        "Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào lúc: "
        f"{when(new_due)}.",
        "Kính mong Ông/Bà thông cảm.",
    ]
    return render_official_document(
        "VĂN BẢN XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", dossier.unit.name, f"{dossier.code}/XL-{event.pk}",
        event.at.astimezone(LOCAL_TZ).date(), paragraphs, qr_text=dossier.code,
        qr_caption=f"Mã hồ sơ {dossier.code}", signer_title="Thủ trưởng cơ quan", signer_name=_signer(event))


def control_sheet(dossier: Dossier, rows, now: datetime) -> bytes:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ: each unit's share of the time and its verdict."""
    table = [["Đơn vị", "Nhận lúc", "Hạn của bước", "Chuyển lúc", "Thời gian xử lý", "Kết quả"]]
    for row in rows:
        step = row.handover
        table.append([step.unit.name, when(step.received_at), when(step.due_at), when(step.released_at),
                      row.used_text, row.verdict])
    pauses = [f"{p.get_kind_display()}: từ {when(p.requested_at)} đến {when(p.completed_at)}"
              for p in dossier.pauses.order_by("requested_at")]
    paragraphs = [
        f"Mã hồ sơ: {dossier.code}",
        f"Thủ tục: {dossier.procedure.name}",
        f"Người nộp: {dossier.applicant_name or '—'}",
        f"Đơn vị tiếp nhận: {dossier.received_by.name}. Đơn vị giải quyết: {dossier.unit.name}.",
        f"Tiếp nhận lúc {when(dossier.received_at)}; hẹn trả lúc {when(dossier.due_at)}.",
        *([f"Thời gian tạm dừng (không tính vào thời hạn giải quyết): {'; '.join(pauses)}."] if pauses else []),
        f"Phiếu lập lúc {when(now)}.",
    ]
    if dossier.pauses.filter(kind=PauseKind.SUPPLEMENT).count() > 1:
        paragraphs.append("Hồ sơ đã bị yêu cầu bổ sung quá một lần.")
    return render_official_document(
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", dossier.unit.name, f"{dossier.code}/PKS",
        now.astimezone(LOCAL_TZ).date(), paragraphs, table=table, qr_text=dossier.code,
        qr_caption=f"Mã hồ sơ {dossier.code}")


def result_document(dossier: Dossier, code: str, at: datetime, approver: str | None) -> bytes:
    """The result of the procedure, as the unit issues it (before signing): the preview and the signing
    render the same document (`result_layout`)."""
    return result_layout(dossier, code, at, approver).pdf


def result_layout(dossier: Dossier, code: str, at: datetime, approver: str | None) -> RenderedDocument:
    """The result PDF and where its signer block left room for the signature: from the procedure's result
    template (`office.result_templates`, docs/results.md) when it has one, else the generic result."""
    from motcua.office import result_templates  # the applications' models: only results need them

    resolve = _last_event(dossier, "resolve")
    text = (resolve.data.get("result_text") if resolve is not None else "") or ""
    template = result_templates.template_for(dossier.procedure)
    if template is not None:
        filled = fill(template, result_templates.values_for(dossier, code, at, approver, text))
        return render_official_layout(
            filled.title, filled.issuer, filled.number, at.astimezone(LOCAL_TZ).date(), filled.paragraphs,
            qr_text=code, qr_caption=f"Mã kết quả {code}", signer_title=filled.signer_title, signer_name=approver,
            field_lines=filled.lines, intro=filled.intro)
    paragraphs = [
        f"Căn cứ hồ sơ mã {dossier.code} tiếp nhận lúc {when(dossier.received_at)} tại {dossier.received_by.name};",
        f"{dossier.unit.name} giải quyết thủ tục {dossier.procedure.name} (mã thủ tục {dossier.procedure.code}) "
        "cho:",
        *_applicant(dossier),
        "Nội dung kết quả giải quyết:",
        *[line for line in text.splitlines() if line.strip()],
        f"Mã kết quả điện tử: {code}. Bản điện tử này có giá trị pháp lý khi chữ ký số của cơ quan còn "
        "nguyên vẹn và được lưu vào kho quản lý dữ liệu điện tử của tổ chức, cá nhân.",
    ]
    return render_official_layout(
        f"KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH\n{dossier.procedure.name.upper()}", dossier.unit.name, code,
        at.astimezone(LOCAL_TZ).date(), paragraphs, qr_text=code, qr_caption=f"Mã kết quả {code}",
        signer_title="Thủ trưởng cơ quan", signer_name=approver)


def pki_dir():
    return certificates.default_pki_dir()


class SigningUnavailable(Exception):
    """The result cannot be signed now; the message (Vietnamese) is for the leader. Nothing was changed."""


def _unavailable(message: str, cause: BaseException | None = None) -> SigningUnavailable:
    if cause is not None:
        logger.warning("signing refused: %s (%s: %s)", message, type(cause).__name__, cause)
    return SigningUnavailable(message)


def signed_result(dossier: Dossier, code: str, at: datetime, approver: str | None, *,
                  signer=None) -> tuple[bytes, str]:
    """The result PDF signed (PAdES) with the competent unit's certificate, or with the leader's own
    `signer` (his token, `personal_signer`): (bytes, signer name)."""
    return sign_for_unit(dossier.unit, lambda: result_layout(dossier, code, at, approver),
                         reason=f"Phê duyệt kết quả hồ sơ {dossier.code}",
                         failed=f"Không ký số được kết quả hồ sơ {dossier.code}", changed="Hồ sơ", signer=signer)


def signing_token(user) -> dict | None:
    """The user's PKCS#11 token setting (settings.MOTCUA_SIGNING_TOKENS), or None: he signs with the unit's."""
    return settings.MOTCUA_SIGNING_TOKENS.get(user.get_username()) if user is not None else None


def remote_signing_id(user) -> str | None:
    """The user's id at the remote-signing service (settings.MOTCUA_REMOTE_SIGNERS), or None when he does not
    sign remotely (`signing_choice.signing_way`: a token comes first)."""
    if signing_choice.signing_way(user) != signing_choice.REMOTE:
        return None
    return str(settings.MOTCUA_REMOTE_SIGNERS[user.get_username()])


def remote_service() -> remote.RemoteService:
    return remote.RemoteService(
        settings.MOTCUA_REMOTE_SIGNING_URL, settings.MOTCUA_REMOTE_SIGNING_TOKEN,
        wait=settings.MOTCUA_REMOTE_SIGNING_WAIT, poll=settings.MOTCUA_REMOTE_SIGNING_POLL_MS / 1000,
        timeout=settings.MOTCUA_REMOTE_SIGNING_TIMEOUT)


def _remote_signer(user_id: str, description: str) -> remote.RemoteSigner:
    """The leader's remote signer, his certificate fetched from the service now (checked by sign_for_unit)."""
    if not settings.MOTCUA_REMOTE_SIGNING_URL:
        raise _unavailable("Dịch vụ ký số từ xa chưa được cấu hình; không thể ký số. Hồ sơ chưa có thay đổi nào. "
                           "Vui lòng liên hệ quản trị hệ thống.")
    try:
        return remote.remote_signer(remote_service(), user_id, description)
    except remote.RemoteSigningError as exc:
        raise _unavailable(f"{exc.message_vi} {remote.UNCHANGED}", exc) from exc


def signing_method(signer) -> dict:
    """What the audit trail (the sign_result event) records about how the result was signed."""
    if isinstance(signer, remote.RemoteSigner):
        return {"signed_with": "remote", "remote_transaction": signer.transaction_id,
                "remote_user": signer.user_id}
    return {"signed_with": "unit" if signer is None else "token"}


@contextmanager
def personal_signer(user, pin: str | None, *, description: str = ""):
    """Yield the signer of `user`'s own token opened with `pin`; for a leader who signs remotely
    (`remote_signing_id`), a signer that asks his phone, `description` being what it shows; or None when he
    has neither (the unit's certificate signs). The PIN is used for this session only. Token failures and
    an unreachable remote service become SigningUnavailable; his phone's answer comes when signing."""
    user_id = remote_signing_id(user)
    if user_id is not None:
        yield _remote_signer(user_id, description)
        return
    setting = signing_token(user)
    if setting is None:
        yield None
        return
    contact = "Vui lòng liên hệ quản trị hệ thống."
    try:
        with tokens.token_signer(tokens.TokenSpec.from_setting(setting), pin or "") as signer:
            yield signer
    except tokens.WrongPin as exc:
        logger.warning("wrong token PIN for %s", user.get_username())
        raise SigningUnavailable("Mã PIN của thiết bị ký số không đúng; kết quả chưa được ký, hồ sơ chưa có thay "
                                 "đổi nào. Lưu ý: nhập sai nhiều lần, thiết bị ký số sẽ bị khóa.") from exc
    except tokens.PinLocked as exc:
        raise _unavailable("Thiết bị ký số đã bị khóa do nhập sai mã PIN nhiều lần; không thể ký số. " + contact,
                           exc) from exc
    except tokens.TokenError as exc:
        raise _unavailable("Không mở được thiết bị ký số (USB token) của bạn: kiểm tra thiết bị đã được cắm vào "
                           "máy chủ ký số và đúng thiết bị được cấp. Hồ sơ chưa có thay đổi nào. " + contact,
                           exc) from exc


def sign_for_unit(unit, render, *, reason: str, failed: str, changed: str, signer=None) -> tuple[bytes, str]:
    """`render()`'s PDF signed (PAdES) with `unit`'s certificate: (bytes, signer name). The one signing
    edge of the back office (results, answers to feedback).

    Real certificates come from settings.MOTCUA_SIGNING; without one, the demo PKI under VAR_DIR/pki
    issues the unit's certificate on first use (allowed only while MOTCUA_ALLOW_DEMO_SIGNING is on).
    Before anything is rendered, the certificate must be present, within its dates and not revoked in
    the CRLs of settings.MOTCUA_CRLS; any failure of the signer itself (token, HSM, pyHanko) is caught
    around the signing call. Each case raises SigningUnavailable with a sentence for the leader (`failed`
    starts it when the signing call fails; `changed` names what was left unchanged); no file is written
    and no table is touched here. `signer` (a leader's own token, `personal_signer`) replaces the unit's
    certificate; it is checked the same way.
    """
    contact = "Vui lòng liên hệ quản trị hệ thống."
    personal = signer is not None
    try:
        if not personal:
            signer = certificates.signer_for_unit(pki_dir(), unit.code, unit.name, settings.MOTCUA_SIGNING,
                                                  allow_demo=settings.MOTCUA_ALLOW_DEMO_SIGNING)
        certificate = certificates.load_certificate(signer.signing_cert)
        certificates.check_signing_certificate(
            certificate, unit.name, crls=certificates.load_crls(settings.MOTCUA_CRLS),
            issuers=list(signer.cert_registry or ()),  # at the real signing moment, as the signature states
            owner=f"của {certificates.common_name(certificate)}" if personal else None)
    except (certificates.NoCertificateError, certificates.CertificateUnusable) as exc:
        raise _unavailable(exc.message_vi, exc) from exc
    except certificates.CertificateError as exc:
        raise _unavailable(
            f"Không sử dụng được chứng thư số của đơn vị {unit.name} (tệp chứng thư số, khóa bí mật, mật khẩu "
            f"hoặc danh sách chứng thư số bị thu hồi chưa được cấu hình đúng); không thể ký số. {contact}",
            exc) from exc
    except Exception as exc:  # noqa: BLE001 - a token or key store failing to open must not become a 500
        logger.exception("cannot open the signer of unit %s", unit.code)
        raise _unavailable(
            f"Không mở được thiết bị ký số (chứng thư số) của đơn vị {unit.name}; không thể ký số. {contact}"
        ) from exc
    rendered = render()
    # A document that reports its signer block gets the visible signature there (docs/results.md).
    pdf, box = (rendered.pdf, rendered.signature_box) if isinstance(rendered, RenderedDocument) else (rendered, None)
    visible = None if box is None else signing.VisibleSignature(box.page, box.box, certificates.common_name(certificate),
                                                                unit.name)
    try:
        signed = signing.sign_pdf(pdf, signer, reason=reason, visible=visible)
    except remote.RemoteSigningError as exc:  # refused or not confirmed on his phone, service down, bad signature
        raise _unavailable(f"{exc.message_vi} {changed} chưa có thay đổi nào.", exc) from exc
    except Exception as exc:  # noqa: BLE001 - any signer/token failure: tell the leader, change nothing
        logger.exception("signing for unit %s failed: %s", unit.code, reason)
        raise _unavailable(
            f"{failed}: thiết bị ký số hoặc dịch vụ ký số của đơn vị {unit.name} báo lỗi. {changed} chưa có "
            "thay đổi nào; vui lòng thử lại, nếu vẫn lỗi xin liên hệ quản trị hệ thống.") from exc
    return signed, certificates.common_name(certificate)


def result_trust_roots() -> list:
    """The roots a signed result is checked against: the configured ones (settings.MOTCUA_TRUST_ROOTS), plus
    the demo root only while demo signing is allowed (MOTCUA_ALLOW_DEMO_SIGNING, on in development only).
    Outside demo mode the demo PKI is neither trusted nor created."""
    roots = list(settings.MOTCUA_TRUST_ROOTS)
    if settings.MOTCUA_ALLOW_DEMO_SIGNING:
        roots.insert(0, certificates.ensure_demo_pki(pki_dir()))
    return roots
