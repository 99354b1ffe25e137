"""A dossier as the national portal receives it (interop.md §1, "What is sent")."""

from __future__ import annotations

from datetime import datetime

from motcua.dossiers.national import portal_version
from motcua.lib.workingtime import LOCAL_TZ


def portal_time(at: datetime | None) -> str | None:
    """Local time as `yyyyMMddHHmmss`, or None."""
    return None if at is None else at.astimezone(LOCAL_TZ).strftime("%Y%m%d%H%M%S")


def portal_body(dossier) -> dict:
    """The request body for the dossier as it stands now (its newest version)."""
    return {
        "MaHoSo": dossier.code,
        "PhienBan": portal_version(dossier.version),
        "MaTTHC": dossier.procedure.code,
        "MaDonVi": dossier.unit.code,
        "MaDonViTiepNhan": dossier.received_by.code,
        "KenhThucHien": int(dossier.channel),
        "TrangThaiHoSo": int(dossier.status),
        "NgayTiepNhan": portal_time(dossier.received_at),
        "NgayHenTra": portal_time(dossier.due_at),
        "NgayKetThucXuLy": portal_time(dossier.resolved_at),
        "NgayTra": portal_time(dossier.returned_at),
        "LePhi": int(dossier.fee_vnd or 0),
        "NgayThanhToanTrucTuyen": portal_time(dossier.paid_online_at),
        "MaKetQuaDienTu": dossier.e_result_code or None,
    }
