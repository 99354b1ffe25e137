"""Sending the copy of a signed result to its holder's personal data store (interop.md §3).

The contract is docs/interop-datastore.md. `report_result` writes one outbox item of kind
"datastore.result" in the transaction that signs the result, carrying everything the copy needs (this
app sits below the back office and never reads its tables): the result code, the dossier, the procedure,
the holder's identity number, the issue time, the signed file's name in the default storage and its
SHA-256. `HANDLER` delivers it: it reads the file, checks that it is still the file that was signed, and
posts it with `Idempotency-Key: {MaKetQua}`. The dossier's `result_to_data_store` becomes true only when
the store acknowledges the copy, in the transaction that records the acknowledgment.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime

import httpx
from django.conf import settings
from django.core.files.storage import default_storage

from motcua.changes.tracking import dossiers_changed
from motcua.dossiers.models import Dossier
from motcua.lib.vnformat import national_time
from motcua.outbox import http
from motcua.outbox.delivery import Refused, Transient
from motcua.outbox.models import Item
from motcua.outbox.queue import enqueue

KIND = "datastore.result"
STORE_PATH = "/ket-qua"
ID_NUMBER = re.compile(r"\d{12}")


def configured() -> bool:
    return bool(settings.MOTCUA_DATA_STORE_URL)


def holder_id(id_number: str) -> str | None:
    """The personal identity number (12 digits) the store files a result under, or None when the
    dossier has none: its result then has no personal store to go to."""
    id_number = (id_number or "").strip()
    return id_number if ID_NUMBER.fullmatch(id_number) else None


def report_result(*, result_code: str, dossier_code: str, procedure: str, id_number: str, issued_at: datetime,
                  sha256: str, file_name: str, at: datetime | None = None):
    """Queue the copy of a signed result for its holder's store; call it inside the transaction that
    signs. Returns the outbox item, or None when the holder has no identity number (nothing to store) or
    the copy is already queued."""
    holder = holder_id(id_number)
    if holder is None:
        return None
    payload = {"result_code": result_code, "dossier_code": dossier_code, "procedure": procedure,
               "id_number": holder, "issued_at": issued_at.isoformat(), "sha256": sha256, "file_name": file_name}
    return enqueue(KIND, result_code, payload, group=dossier_code, at=at or issued_at)


def copy_of(dossier_code: str) -> Item | None:
    """The outbox item of the dossier's result copy (waiting, acknowledged or refused), if one was queued."""
    return Item.objects.filter(kind=KIND, group=dossier_code).order_by("-id").first()


def request_body(payload: dict, pdf: bytes) -> dict:
    return {
        "MaKetQua": payload["result_code"],
        "MaHoSo": payload["dossier_code"],
        "MaTTHC": payload["procedure"],
        "SoDinhDanh": payload["id_number"],
        "NgayCap": national_time(datetime.fromisoformat(payload["issued_at"])),
        "SHA256": payload["sha256"],
        "TepPDF": base64.b64encode(pdf).decode("ascii"),
    }


def _headers(extra: dict | None = None) -> dict:
    return {"Authorization": f"Bearer {settings.MOTCUA_DATA_STORE_TOKEN}", **(extra or {})}


class DataStoreHandler:
    """The outbox's handler of kind "datastore.result": one item is one result, sent as it was signed."""

    coalesce = False

    def deliver(self, item):
        payload = item.payload
        try:
            with default_storage.open(payload["file_name"], "rb") as handle:
                pdf = handle.read()
        except FileNotFoundError:
            return Refused(f"Không còn tệp kết quả đã ký {payload['file_name']}.")
        except OSError as exc:  # storage not reachable: try again later
            return Transient(f"{type(exc).__name__}: {exc}")
        if hashlib.sha256(pdf).hexdigest() != payload["sha256"]:
            # The copy must be the signed file itself; a changed file is never passed on as the result.
            return Refused(f"Tệp {payload['file_name']} không còn khớp mã băm SHA-256 lúc ký; không gửi.")
        headers = _headers({"Idempotency-Key": payload["result_code"]})
        return http.post(f"{settings.MOTCUA_DATA_STORE_URL}{STORE_PATH}", json=request_body(payload, pdf),
                         headers=headers, timeout=settings.MOTCUA_DATA_STORE_TIMEOUT,
                         note=f"MaKetQua {payload['result_code']}")

    def acknowledged(self, item, at: datetime) -> None:
        """The store holds the copy: the dossier's `result_to_data_store` (indicators 5.3–5.6) is true from
        now on, and the live index follows in the same transaction."""
        ids = list(Dossier.objects.filter(code=item.payload["dossier_code"], result_to_data_store=False)
                   .values_list("pk", flat=True))
        if ids:
            Dossier.objects.filter(pk__in=ids).update(result_to_data_store=True)
            dossiers_changed(ids)


HANDLER = DataStoreHandler()


# -- the holder's stored results (for the citizen portal) -------------------------------------------------------


class StoreError(RuntimeError):
    """The store could not be asked: not reachable, or it refused our credentials or the question."""


def stored_results(id_number: str) -> list[dict]:
    """`GET /ket-qua?SoDinhDanh=…`: the results the store holds for one person (without their files)."""
    try:
        response = httpx.get(f"{settings.MOTCUA_DATA_STORE_URL}{STORE_PATH}", params={"SoDinhDanh": id_number},
                             headers=_headers(), timeout=settings.MOTCUA_DATA_STORE_TIMEOUT)
    except httpx.HTTPError as exc:
        raise StoreError(f"Không kết nối được kho dữ liệu cá nhân: {exc}") from exc
    if response.status_code != 200:
        raise StoreError(f"Kho dữ liệu cá nhân trả lời {http.reason(response)}")
    return response.json().get("KetQua", [])


def stored_result(result_code: str) -> dict:
    """`GET /ket-qua/{MaKetQua}`: one stored result with its file; the signed PDF is checked against the
    SHA-256 the store lists before it is returned as `pdf` (bytes). StoreError when absent or altered."""
    try:
        response = httpx.get(f"{settings.MOTCUA_DATA_STORE_URL}{STORE_PATH}/{result_code}", headers=_headers(),
                             timeout=settings.MOTCUA_DATA_STORE_TIMEOUT)
    except httpx.HTTPError as exc:
        raise StoreError(f"Không kết nối được kho dữ liệu cá nhân: {exc}") from exc
    if response.status_code == 404:
        raise StoreError(f"Kho dữ liệu cá nhân không có kết quả {result_code}.")
    if response.status_code != 200:
        raise StoreError(f"Kho dữ liệu cá nhân trả lời {http.reason(response)}")
    body = response.json()
    try:
        pdf = base64.b64decode(body["TepPDF"], validate=True)
    except (KeyError, ValueError) as exc:
        raise StoreError(f"Kết quả {result_code} trong kho không có tệp hợp lệ.") from exc
    if hashlib.sha256(pdf).hexdigest() != body.get("SHA256"):
        raise StoreError(f"Tệp của kết quả {result_code} không khớp mã băm SHA-256 đã lưu.")
    return {**body, "pdf": pdf}
