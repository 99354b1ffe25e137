"""The letterhead of an official report: issuing body, number, place and date, signer, recipients.

None of it is a constant of the code: the defaults come from the settings (`MOTCUA_REPORT_*`) and the
monitor changes them in the issuing form; an issued report keeps the values it was issued with.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings

from motcua.reports import weekly

CHAIRMAN_RECIPIENTS = (
    "Chủ tịch UBND tỉnh (b/c);",
    "Các PCT UBND tỉnh (b/c);",
    "Chánh VP, các PCVP UBND tỉnh;",
    "Trung tâm Phục vụ hành chính công tỉnh;",
    "Lưu: VT, HCC.",
)
MONTHLY_PLAN_RECIPIENTS = (
    "Bộ Khoa học và Công nghệ (b/c);",
    "UBND tỉnh (b/c);",
    "Các sở, ban, ngành; UBND các xã, phường;",
    "Lưu: VT.",
)
RECIPIENTS = {"weekly": weekly.RECIPIENTS, "chairman": CHAIRMAN_RECIPIENTS, "monthly_plan": MONTHLY_PLAN_RECIPIENTS}


def _lines(value: str) -> str:
    """Settings come from environment variables, where a line break is written as a literal \\n."""
    return "\n".join(part.strip() for part in value.replace("\\n", "\n").split("\n") if part.strip())


@dataclass(frozen=True)
class Letterhead:
    issuer: str  # "UBND tỉnh Thái Nguyên\nVăn phòng": the parent body, then the issuing body
    number: str  # "125/BC-VPUB"
    place: str
    document_date: date
    signer_title: str  # "KT. Chánh Văn phòng\nPhó Chánh Văn phòng"
    signer_name: str
    recipients: tuple[str, ...]

    @property
    def issuer_name(self) -> str:
        """"Văn phòng UBND tỉnh Thái Nguyên": the issuing body followed by its parent, for running text."""
        lines = self.issuer.split("\n")
        return " ".join([lines[-1], *lines[:-1]]) if len(lines) > 1 else lines[0]

    def with_(self, **changes) -> Letterhead:
        return replace(self, **changes)


def default_letterhead(kind: str, document_date: date) -> Letterhead:
    return Letterhead(
        issuer=_lines(settings.MOTCUA_REPORT_ISSUER), number=settings.MOTCUA_REPORT_NUMBER.strip(),
        place=settings.MOTCUA_REPORT_PLACE.strip(), document_date=document_date,
        signer_title=_lines(settings.MOTCUA_REPORT_SIGNER_TITLE), signer_name=settings.MOTCUA_REPORT_SIGNER_NAME.strip(),
        recipients=tuple(RECIPIENTS.get(kind, weekly.RECIPIENTS)))
