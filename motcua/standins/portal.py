"""Stand-in of the national public-service portal (Cổng DVCQG): interop.md §1, and ways to fail.

Run: `python -m motcua.standins.portal --host 127.0.0.1 --port 0 --token SECRET [--state-file PATH]`.
Prints `listening on http://HOST:PORT` once ready. No Django, stdlib only.

Portal (Bearer token):
- `POST /dong-bo-ho-so`: validates the body and the `Idempotency-Key`, stores the newest version of each
  dossier; 200 OK (also for a key already stored, stored once), 409 CU when it holds a newer version,
  400 LOI naming the wrong field, 401 without the token.
- `GET /doi-soat?tu=YYYY-MM-DD&den=YYYY-MM-DD`: held dossiers whose receipt date is in the range.

Control (no auth; only on the stand-in):
- `POST /_standin/faults` a list of `{"kind": K, "times": n, "path": P, ...}`, consumed in order by the
  next portal requests on P (default `/dong-bo-ho-so`; `"*"` = any portal path). Kinds: `down` (close
  the connection without an answer), `status` (`status`, optional `retry_after`, `body`; nothing
  stored), `slow` (`seconds`, then as usual), `store_then_error` (as usual, then answer `status`
  (default 500) or close the connection if `close`), `twice` (the request is delivered twice: handled
  twice, the first answer sent), `unauthorised` (401). `"times": -1` keeps a fault until cleared;
  `"rate": p` (0 < p ≤ 1) makes it strike each request with probability p, and a request it spares goes
  on to the next queued fault (only strikes use up `times`): `{"kind": "status", "status": 503,
  "rate": 0.2, "times": -1}` fails about one request in five, indefinitely. `faults_pending` is -1 while
  an indefinite fault is queued.
- `POST /_standin/down` `{"seconds": s}` or `{"until": "clear"}`: every portal request meanwhile is
  closed without an answer. `POST /_standin/clear`: no faults, not down.
- `GET /_standin/state`, `POST /_standin/reset` (forget everything, the state file too).

With `--state-file`, what was stored (and the counters) is written there atomically after every portal
request that changed it, before answering, and read at start: a killed stand-in restarts holding it.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime
from urllib.parse import parse_qs

from motcua.standins import base
from motcua.standins.base import Dropped, Invalid, StandinHandler, StandinState
from motcua.standins.serving import serve

SYNC_PATH = "/dong-bo-ho-so"
RECONCILE_PATH = "/doi-soat"
PORTAL_PATHS = (SYNC_PATH, RECONCILE_PATH)

TEXT_FIELDS = ("MaHoSo", "MaTTHC", "MaDonVi", "MaDonViTiepNhan")
REQUIRED_DATES = ("NgayTiepNhan", "NgayHenTra")
NULLABLE_DATES = ("NgayKetThucXuLy", "NgayTra", "NgayThanhToanTrucTuyen")
FIELDS = (
    "MaHoSo", "PhienBan", "MaTTHC", "MaDonVi", "MaDonViTiepNhan", "KenhThucHien", "TrangThaiHoSo",
    "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "LePhi", "NgayThanhToanTrucTuyen",
    "MaKetQuaDienTu",
)
FAULT_KINDS = ("down", "status", "slow", "store_then_error", "twice", "unauthorised")
PORTAL_TIME = re.compile(r"\d{14}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# ---------------------------------------------------------------------------------------------------------
# Validation


def parse_portal_time(value) -> datetime:
    """`yyyyMMddHHmmss` (14 digits, a real local time) → naive datetime; Invalid otherwise."""
    if not isinstance(value, str) or not PORTAL_TIME.fullmatch(value):
        raise Invalid("phải là chuỗi 14 chữ số yyyyMMddHHmmss")
    try:
        return datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]),
                        int(value[8:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise Invalid("không phải thời điểm hợp lệ (yyyyMMddHHmmss)") from exc


def check_fields(body, fields: tuple[str, ...]) -> None:
    """Invalid unless `body` is a JSON object with exactly `fields` (the first one missing or unknown named)."""
    if not isinstance(body, dict):
        raise Invalid("body: phải là một đối tượng JSON")
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise Invalid(f"{unknown[0]}: trường không có trong hợp đồng")
    for field in fields:
        if field not in body:
            raise Invalid(f"{field}: thiếu trường bắt buộc")


def validate_body(body, idempotency_key: str | None) -> dict:
    """The body as the portal accepts it, or Invalid("<field>: <why>") for the first wrong thing."""
    check_fields(body, FIELDS)

    def check(field, ok: bool, why: str):
        if not ok:
            raise Invalid(f"{field}: {why} (nhận được {json.dumps(body[field], ensure_ascii=False)})")

    for field in TEXT_FIELDS:
        check(field, isinstance(body[field], str) and body[field].strip() != "", "phải là chuỗi không rỗng")
    check("PhienBan", base.is_int(body["PhienBan"]) and body["PhienBan"] >= 1, "phải là số nguyên ≥ 1")
    check("KenhThucHien", base.is_int(body["KenhThucHien"]) and 1 <= body["KenhThucHien"] <= 3,
          "phải là 1, 2 hoặc 3")
    check("TrangThaiHoSo", base.is_int(body["TrangThaiHoSo"]) and 1 <= body["TrangThaiHoSo"] <= 10,
          "phải là số nguyên từ 1 đến 10")
    for field in REQUIRED_DATES + NULLABLE_DATES:
        value = body[field]
        if value is None and field in NULLABLE_DATES:
            continue
        try:
            parse_portal_time(value)
        except Invalid as exc:
            check(field, False, str(exc) + ("" if field in NULLABLE_DATES else ", không được null"))
    check("LePhi", base.is_int(body["LePhi"]) and body["LePhi"] >= 0, "phải là số nguyên ≥ 0 (đồng)")
    code = body["MaKetQuaDienTu"]
    check("MaKetQuaDienTu", code is None or (isinstance(code, str) and code.strip() != ""),
          "phải là chuỗi không rỗng hoặc null")

    expected = f"{body['MaHoSo']}:{body['PhienBan']}"
    if idempotency_key is None:
        raise Invalid(f"Idempotency-Key: thiếu header (phải là {expected!r})")
    if idempotency_key != expected:
        raise Invalid(f"Idempotency-Key: phải là MaHoSo:PhienBan = {expected!r}, nhận được {idempotency_key!r}")
    return body


def validate_faults(payload) -> list[dict]:
    faults = []
    for where, fault in base.fault_items(payload):
        if fault.get("kind") == "store_then_error":
            fault.setdefault("status", 500)
        base.check_fault(where, fault, FAULT_KINDS)
        base.check_path(where, fault, PORTAL_PATHS, SYNC_PATH)
        faults.append(fault)
    return faults


# ---------------------------------------------------------------------------------------------------------
# State


class PortalState(StandinState):
    """The dossiers the portal holds, with the faults, the down window and the state file of every stand-in."""

    COUNTERS = ("requests", "duplicates", "duplicates_differing", "rejected_older", "reconciliations")

    def _empty(self) -> None:
        self.held: dict[str, dict] = {}  # MaHoSo -> the body of its newest stored version
        self.keys: dict[str, dict] = {}  # Idempotency-Key -> the body stored under it
        self.stored: list[dict] = []  # every accepted store, in order: {"key", "MaHoSo", "PhienBan", "at"}

    def _data(self) -> dict:
        return {"held": self.held, "keys": self.keys, "stored": self.stored}

    def _restore(self, data: dict) -> None:
        self.held = data.get("held", {})
        self.keys = data.get("keys", {})
        self.stored = data.get("stored", [])

    def sync(self, body: dict, key: str) -> tuple[int, dict]:
        """Store one validated dossier version: (HTTP status, answer)."""
        with self.lock:
            code, version = body["MaHoSo"], body["PhienBan"]
            if key in self.keys:
                self.counters["duplicates"] += 1
                if self.keys[key] != body:
                    self.counters["duplicates_differing"] += 1
                self.save()
                return 200, {"KetQua": "OK", "MaHoSo": code, "PhienBan": version}
            held = self.held.get(code)
            if held is not None and held["PhienBan"] > version:
                self.counters["rejected_older"] += 1
                self.save()
                return 409, {"KetQua": "CU", "PhienBanHienTai": held["PhienBan"]}
            self.held[code] = body
            self.keys[key] = body
            self.stored.append({"key": key, "MaHoSo": code, "PhienBan": version, "at": base.now()})
            self.save()
            return 200, {"KetQua": "OK", "MaHoSo": code, "PhienBan": version}

    def reconcile(self, start: date, end: date) -> dict:
        with self.lock:
            self.counters["reconciliations"] += 1
            found = []
            for code in sorted(self.held):
                body = self.held[code]
                received = parse_portal_time(body["NgayTiepNhan"]).date()
                if start <= received <= end:
                    found.append({"MaHoSo": code, "PhienBan": body["PhienBan"],
                                  "TrangThaiHoSo": body["TrangThaiHoSo"]})
            self.save()
            return {"HoSo": found}

    def snapshot(self) -> dict:
        with self.lock:
            return {"held": json.loads(json.dumps(self.held)), "stored": [dict(entry) for entry in self.stored],
                    **self.failing()}


# ---------------------------------------------------------------------------------------------------------
# HTTP


class PortalHandler(StandinHandler):
    """The portal's paths and its way with a request, on the plumbing and control paths of every stand-in."""

    server_version = "motcua-standin-portal/1"
    validate_faults = staticmethod(validate_faults)

    def _error(self, message: str) -> dict:
        return {"KetQua": "LOI", "MoTa": message}

    def routes(self, path: str) -> dict:
        return {SYNC_PATH: {"POST": self._portal}, RECONCILE_PATH: {"GET": self._portal}}.get(path, {})

    def _portal(self, url, raw: bytes) -> None:
        if url.path == RECONCILE_PATH:
            self._deliver(url.path, lambda: self._reconcile(url), writes=False)
        else:
            self._deliver(url.path, lambda: self._sync(raw), writes=True)

    def _deliver(self, fault_path: str, handle, writes: bool) -> None:
        """A request the portal's way: a write counted, the down window and the faults on `fault_path`,
        `handle()` -> (status, answer) (a write twice for a `twice` fault, the first answer sent), then a
        `store_then_error` fault's answer instead, or the answer (401 when `handle` said so)."""
        state = self.server.state
        if writes:
            state.count()
        fault = self._strike(fault_path)
        kind = fault["kind"] if fault else None
        status, answer = handle()
        if kind == "twice" and writes:  # the same request delivered a second time; the first answer goes back
            state.count()
            handle()
        if kind == "store_then_error":
            if fault.get("close"):
                raise Dropped
            self._answer(fault["status"], self._error("stand-in: đã lưu rồi báo lỗi"))
            return
        if status == 401:
            self._unauthorised()
            return
        self._answer(status, answer)

    def _json_body(self, raw: bytes):
        """The JSON body of a write; Invalid unless it says it is JSON."""
        content_type = self.headers.get("Content-Type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise Invalid(f"Content-Type: phải là application/json, nhận được {content_type!r}")
        return self._json(raw)

    def _sync(self, raw: bytes) -> tuple[int, dict]:
        if not self._authorised():
            return 401, {}
        try:
            body = validate_body(self._json_body(raw), self.headers.get("Idempotency-Key"))
        except Invalid as exc:
            return 400, self._error(str(exc))
        return self.server.state.sync(body, self.headers["Idempotency-Key"])

    def _reconcile(self, url) -> tuple[int, dict]:
        if not self._authorised():
            return 401, {}
        query = parse_qs(url.query)
        bounds = []
        for name in ("tu", "den"):
            values = query.get(name, [])
            if len(values) != 1 or not ISO_DATE.fullmatch(values[0]):
                return 400, self._error(f"{name}: phải là một ngày YYYY-MM-DD")
            try:
                bounds.append(date.fromisoformat(values[0]))
            except ValueError:
                return 400, self._error(f"{name}: không phải ngày hợp lệ ({values[0]})")
        if bounds[0] > bounds[1]:
            return 400, self._error("tu: phải không sau den")
        return 200, self.server.state.reconcile(*bounds)


def main(argv: list[str] | None = None) -> int:
    return serve("python -m motcua.standins.portal", __doc__.split("\n")[0], PortalState, PortalHandler, argv,
                 token_help="the Bearer token the portal accepts")


if __name__ == "__main__":
    sys.exit(main())
