"""Delivering dossier versions to the national portal (interop.md §1) and checking what it holds.

`HANDLER` is the outbox's handler of kind "portal.dossier". Each outbox item is one version of one
dossier (its group is the dossier code, its key `{MaHoSo}:{PhienBan}`); the handler coalesces: it sends the
dossier as it stands now, the newest version, and the worker counts every older waiting version as
acknowledged with it. The portal never receives an older version after a newer one.
"""

from __future__ import annotations

from datetime import date, datetime

import httpx
from django.conf import settings

from motcua.changes.tracking import dossiers_changed
from motcua.dossiers.models import Dossier
from motcua.dossiers.national import KIND, idempotency_key
from motcua.lib.periods import Period
from motcua.outbox import http
from motcua.outbox.delivery import Refused
from motcua.sync.payload import portal_body

__all__ = ["HANDLER", "KIND", "configured", "reconcile"]


class PortalError(RuntimeError):
    """The portal could not be asked (reconciliation): not reachable, or it refused our credentials."""


def configured() -> bool:
    return bool(settings.MOTCUA_NATIONAL_PORTAL_URL)


def _headers(extra: dict | None = None) -> dict:
    return {"Authorization": f"Bearer {settings.MOTCUA_NATIONAL_PORTAL_TOKEN}", **(extra or {})}


class PortalHandler:
    coalesce = True

    def deliver(self, item):
        dossier = (Dossier.objects.select_related("procedure", "unit", "received_by")
                   .filter(code=item.group).first())
        if dossier is None:
            return Refused(f"Hồ sơ {item.group} không còn trong hệ thống.")
        body = portal_body(dossier)
        headers = _headers({"Idempotency-Key": idempotency_key(dossier.code, body["PhienBan"])})
        # 409 "CU": the portal already holds a newer version, so this one needs no resending.
        return http.post(f"{settings.MOTCUA_NATIONAL_PORTAL_URL}/dong-bo-ho-so", json=body, headers=headers,
                         timeout=settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT, note=f"PhienBan {body['PhienBan']}",
                         also_acknowledged=(409,))

    def acknowledged(self, item, at: datetime) -> None:
        """`synced_at` is the first acknowledgment's time and never changes after (interop.md)."""
        ids = list(Dossier.objects.filter(code=item.group, synced_at__isnull=True).values_list("pk", flat=True))
        if ids:
            Dossier.objects.filter(pk__in=ids, synced_at__isnull=True).update(synced_at=at)
            dossiers_changed(ids)  # the live index (indicator 1.4) follows at once


HANDLER = PortalHandler()


# -- reconciliation ----------------------------------------------------------------------------------------


def held_at_portal(date_from: date, date_to: date) -> dict[str, dict]:
    try:
        response = httpx.get(f"{settings.MOTCUA_NATIONAL_PORTAL_URL}/doi-soat", headers=_headers(),
                             params={"tu": date_from.isoformat(), "den": date_to.isoformat()},
                             timeout=max(settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT, 60))
    except httpx.HTTPError as exc:
        raise PortalError(f"Không kết nối được Cổng DVCQG: {exc}") from exc
    if response.status_code != 200:
        raise PortalError(f"Cổng DVCQG trả lời {http.reason(response)}")
    return {row["MaHoSo"]: row for row in response.json().get("HoSo", [])}


def reconcile(date_from: date, date_to: date) -> dict:
    """interop.md §1 "Reconciliation": the local record against what the portal holds, for the dossiers
    received (local date) in [date_from, date_to]."""
    period = Period.of(date_from, date_to)
    local = dict(Dossier.objects.filter(received_at__gte=period.start, received_at__lt=period.end)
                 .values_list("code", "version"))
    held = held_at_portal(date_from, date_to)
    missing = sorted(code for code in local if code not in held)
    behind = sorted(code for code, version in local.items()
                    if code in held and int(held[code]["PhienBan"]) < version + 1)
    unknown = sorted(code for code in held if code not in local)
    return {"local": len(local), "at_portal": len(held), "missing_at_portal": missing,
            "behind_at_portal": behind, "unknown_at_portal": unknown}

