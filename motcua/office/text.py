"""Display formats shared by pages and PDFs."""

from datetime import datetime

from motcua.lib.vnformat import number
from motcua.lib.workingtime import LOCAL_TZ


def when(moment: datetime | None) -> str:
    """"08 giờ 15 phút, ngày 05/11/2025" in Vietnam's time."""
    if moment is None:
        return "—"
    local = moment.astimezone(LOCAL_TZ)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def vnd(amount: int) -> str:
    """"100.000 đồng": Vietnamese groups thousands with dots."""
    return f"{number(amount)} đồng"
