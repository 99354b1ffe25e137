"""A dossier as the national portal receives it (interop.md §1, "What is sent")."""

from __future__ import annotations

from motcua.dossiers.national import portal_version
from motcua.lib.vnformat import national_time


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
        "NgayTiepNhan": national_time(dossier.received_at),
        "NgayHenTra": national_time(dossier.due_at),
        "NgayKetThucXuLy": national_time(dossier.resolved_at),
        "NgayTra": national_time(dossier.returned_at),
        "LePhi": int(dossier.fee_vnd or 0),
        "NgayThanhToanTrucTuyen": national_time(dossier.paid_online_at),
        "MaKetQuaDienTu": dossier.e_result_code or None,
    }
