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
import math
import os
import random
import re
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from motcua.standins.serving import StandinServer, serve

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


class Invalid(ValueError):
    """A request the portal refuses (400); the message names the field."""


# ---------------------------------------------------------------------------------------------------------
# Validation


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_portal_time(value) -> datetime:
    """`yyyyMMddHHmmss` (14 digits, a real local time) → naive datetime; Invalid otherwise."""
    if not isinstance(value, str) or not PORTAL_TIME.fullmatch(value):
        raise Invalid("phải là chuỗi 14 chữ số yyyyMMddHHmmss")
    try:
        return datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]),
                        int(value[8:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise Invalid("không phải thời điểm hợp lệ (yyyyMMddHHmmss)") from exc


def validate_body(body, idempotency_key: str | None) -> dict:
    """The body as the portal accepts it, or Invalid("<field>: <why>") for the first wrong thing."""
    if not isinstance(body, dict):
        raise Invalid("body: phải là một đối tượng JSON")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise Invalid(f"{unknown[0]}: trường không có trong hợp đồng")
    for field in FIELDS:
        if field not in body:
            raise Invalid(f"{field}: thiếu trường bắt buộc")

    def check(field, ok: bool, why: str):
        if not ok:
            raise Invalid(f"{field}: {why} (nhận được {json.dumps(body[field], ensure_ascii=False)})")

    for field in TEXT_FIELDS:
        check(field, isinstance(body[field], str) and body[field].strip() != "", "phải là chuỗi không rỗng")
    check("PhienBan", _is_int(body["PhienBan"]) and body["PhienBan"] >= 1, "phải là số nguyên ≥ 1")
    check("KenhThucHien", _is_int(body["KenhThucHien"]) and 1 <= body["KenhThucHien"] <= 3,
          "phải là 1, 2 hoặc 3")
    check("TrangThaiHoSo", _is_int(body["TrangThaiHoSo"]) and 1 <= body["TrangThaiHoSo"] <= 10,
          "phải là số nguyên từ 1 đến 10")
    for field in REQUIRED_DATES + NULLABLE_DATES:
        value = body[field]
        if value is None and field in NULLABLE_DATES:
            continue
        try:
            parse_portal_time(value)
        except Invalid as exc:
            check(field, False, str(exc) + ("" if field in NULLABLE_DATES else ", không được null"))
    check("LePhi", _is_int(body["LePhi"]) and body["LePhi"] >= 0, "phải là số nguyên ≥ 0 (đồng)")
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
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list):
        raise Invalid("faults: phải là một danh sách")
    faults = []
    for index, raw in enumerate(payload):
        where = f"faults[{index}]"
        if not isinstance(raw, dict):
            raise Invalid(f"{where}: phải là một đối tượng")
        fault = dict(raw)
        kind = fault.get("kind")
        if kind not in FAULT_KINDS:
            raise Invalid(f"{where}.kind: phải là một trong {', '.join(FAULT_KINDS)}")
        times = fault.setdefault("times", 1)
        if not _is_int(times) or (times < 1 and times != -1):
            raise Invalid(f"{where}.times: phải là số nguyên ≥ 1, hoặc -1 (đến khi xóa)")
        if "rate" in fault and not (isinstance(fault["rate"], int | float) and not isinstance(fault["rate"], bool)
                                    and 0 < fault["rate"] <= 1):
            raise Invalid(f"{where}.rate: phải là xác suất trong (0, 1]")
        path = fault.setdefault("path", SYNC_PATH)
        if path != "*" and path not in PORTAL_PATHS:
            raise Invalid(f"{where}.path: phải là {', '.join(PORTAL_PATHS)} hoặc *")
        if kind == "status" and not (_is_int(fault.get("status")) and 100 <= fault["status"] <= 599):
            raise Invalid(f"{where}.status: phải là mã HTTP")
        if kind == "store_then_error" and not (_is_int(fault.setdefault("status", 500))
                                               and 100 <= fault["status"] <= 599):
            raise Invalid(f"{where}.status: phải là mã HTTP")
        if kind == "slow" and not (isinstance(fault.get("seconds"), int | float) and fault["seconds"] >= 0):
            raise Invalid(f"{where}.seconds: phải là số giây ≥ 0")
        if "retry_after" in fault and not (isinstance(fault["retry_after"], int | float)
                                           and fault["retry_after"] >= 0):
            raise Invalid(f"{where}.retry_after: phải là số giây ≥ 0")
        if "body" in fault and not isinstance(fault["body"], dict | list):
            raise Invalid(f"{where}.body: phải là JSON (đối tượng hoặc danh sách)")
        faults.append(fault)
    return faults


# ---------------------------------------------------------------------------------------------------------
# State


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class PortalState:
    """Everything the stand-in holds, under one lock; saved to `state_file` (if any) after each change."""

    COUNTERS = ("requests", "duplicates", "duplicates_differing", "rejected_older", "reconciliations")

    def __init__(self, state_file: str | os.PathLike | None = None):
        self.lock = threading.Lock()
        self.state_file = Path(state_file) if state_file else None
        self._empty()
        self.faults: list[dict] = []
        self.down_until: float | None = None  # time.monotonic() deadline; math.inf = until cleared
        self.random = random.Random()  # draws for faults with a "rate"
        if self.state_file and self.state_file.exists():
            self._load()

    def _empty(self) -> None:
        self.held: dict[str, dict] = {}  # MaHoSo -> the body of its newest stored version
        self.keys: dict[str, dict] = {}  # Idempotency-Key -> the body stored under it
        self.stored: list[dict] = []  # every accepted store, in order: {"key", "MaHoSo", "PhienBan", "at"}
        self.counters = dict.fromkeys(self.COUNTERS, 0)

    def _load(self) -> None:
        data = json.loads(self.state_file.read_text(encoding="utf-8"))
        self.held = data.get("held", {})
        self.keys = data.get("keys", {})
        self.stored = data.get("stored", [])
        self.counters.update({k: v for k, v in data.get("counters", {}).items() if k in self.COUNTERS})

    def save(self) -> None:
        """Write the stored records atomically (temp file in the same folder, fsync, rename). Call locked."""
        if not self.state_file:
            return
        data = {"held": self.held, "keys": self.keys, "stored": self.stored, "counters": self.counters}
        folder = self.state_file.parent
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=self.state_file.name + ".", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.state_file)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise

    # Faults and the down window ------------------------------------------------------------------------

    def is_down(self) -> bool:
        with self.lock:
            if self.down_until is None:
                return False
            if time.monotonic() < self.down_until:
                return True
            self.down_until = None
            return False

    def take_fault(self, path: str) -> dict | None:
        """The first queued fault for `path` that strikes (one with a "rate" may spare the request), one use
        of it consumed (none of an indefinite one)."""
        with self.lock:
            for index, fault in enumerate(self.faults):
                if fault["path"] not in (path, "*"):
                    continue
                if "rate" in fault and self.random.random() >= fault["rate"]:
                    continue
                if fault["times"] != -1:
                    fault["times"] -= 1
                    if fault["times"] <= 0:
                        del self.faults[index]
                return dict(fault)
        return None

    def faults_pending(self) -> int:
        """Uses left of the queued faults; -1 while an indefinite one is queued."""
        if any(fault["times"] == -1 for fault in self.faults):
            return -1
        return sum(fault["times"] for fault in self.faults)

    # The portal ----------------------------------------------------------------------------------------

    def count_request(self) -> None:
        with self.lock:
            self.counters["requests"] += 1
            self.save()

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
            self.stored.append({"key": key, "MaHoSo": code, "PhienBan": version, "at": _now()})
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

    # Control -------------------------------------------------------------------------------------------

    def snapshot(self) -> dict:
        with self.lock:
            down_for = None
            if self.down_until is not None:
                left = self.down_until - time.monotonic()
                down_for = "until clear" if math.isinf(left) else (round(left, 3) if left > 0 else None)
            return {
                "held": json.loads(json.dumps(self.held)),
                "stored": [dict(entry) for entry in self.stored],
                **self.counters,
                "faults_pending": self.faults_pending(),
                "faults": [dict(fault) for fault in self.faults],
                "down_for": down_for,
            }

    def add_faults(self, faults: list[dict]) -> int:
        with self.lock:
            self.faults.extend(faults)
            return self.faults_pending()

    def set_down(self, seconds: float | None) -> None:
        with self.lock:
            self.down_until = math.inf if seconds is None else time.monotonic() + seconds

    def clear(self) -> None:
        with self.lock:
            self.faults.clear()
            self.down_until = None

    def reset(self) -> None:
        with self.lock:
            self._empty()
            self.faults.clear()
            self.down_until = None
            self.save()


# ---------------------------------------------------------------------------------------------------------
# HTTP


class Dropped(Exception):
    """Close the connection without an answer."""


class PortalHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "motcua-standin-portal/1"
    server: StandinServer

    # Plumbing ------------------------------------------------------------------------------------------

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        if self.server.verbose:
            super().log_message(format, *args)

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        try:
            length = int(length) if length else 0
        except ValueError:
            length = 0
        return self.rfile.read(length) if length > 0 else b""

    def _answer(self, status: int, payload, headers: dict | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _drop(self) -> None:
        """Close the connection without answering: the client sees a disconnect, as when a server dies."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _json(self, raw: bytes):
        try:
            return json.loads(raw.decode("utf-8")) if raw.strip() else None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Invalid(f"body: không phải JSON UTF-8 hợp lệ ({exc})") from exc

    def _authorised(self) -> bool:
        return self.headers.get("Authorization", "") == f"Bearer {self.server.token}"

    def _unauthorised(self) -> None:
        self._answer(401, {"KetQua": "LOI", "MoTa": "Authorization: thiếu hoặc sai mã xác thực (Bearer)"},
                     {"WWW-Authenticate": "Bearer"})

    # Routing -------------------------------------------------------------------------------------------

    def do_GET(self):  # noqa: N802 - the stdlib's name
        self._route("GET", b"")

    def do_POST(self):  # noqa: N802 - the stdlib's name
        self._route("POST", self._read_body())

    def do_PUT(self):  # noqa: N802 - the stdlib's name
        self._route("PUT", self._read_body())

    def do_DELETE(self):  # noqa: N802 - the stdlib's name
        self._route("DELETE", self._read_body())

    def _route(self, method: str, raw: bytes) -> None:
        url = urlsplit(self.path)
        routes = {
            SYNC_PATH: ("POST", self._portal),
            RECONCILE_PATH: ("GET", self._portal),
            "/_standin/faults": ("POST", self._control_faults),
            "/_standin/down": ("POST", self._control_down),
            "/_standin/clear": ("POST", self._control_clear),
            "/_standin/state": ("GET", self._control_state),
            "/_standin/reset": ("POST", self._control_reset),
        }
        if url.path not in routes:
            self._answer(404, {"KetQua": "LOI", "MoTa": f"không có đường dẫn {url.path}"})
            return
        allowed, handler = routes[url.path]
        if method != allowed:
            self._answer(405, {"KetQua": "LOI", "MoTa": f"{url.path} chỉ nhận {allowed}"}, {"Allow": allowed})
            return
        try:
            handler(url, raw)
        except Dropped:
            self._drop()
        except Invalid as exc:
            self._answer(400, {"KetQua": "LOI", "MoTa": str(exc)})

    # The portal ----------------------------------------------------------------------------------------

    def _portal(self, url, raw: bytes) -> None:
        state = self.server.state
        if url.path == SYNC_PATH:
            state.count_request()
        if state.is_down():
            raise Dropped
        fault = state.take_fault(url.path)
        kind = fault["kind"] if fault else None
        if kind == "down":
            raise Dropped
        if kind == "unauthorised":
            self._unauthorised()
            return
        if kind == "status":
            headers = {}
            if "retry_after" in fault:
                seconds = fault["retry_after"]
                headers["Retry-After"] = str(int(seconds) if float(seconds).is_integer() else seconds)
            body = fault.get("body", {"KetQua": "LOI", "MoTa": f"stand-in: lỗi giả lập {fault['status']}"})
            self._answer(fault["status"], body, headers)
            return
        if kind == "slow":
            time.sleep(fault["seconds"])

        if url.path == RECONCILE_PATH:
            status, answer = self._reconcile(url)
        else:
            status, answer = self._sync(raw)
            if kind == "twice":  # the same request delivered a second time; the first answer goes back
                state.count_request()
                self._sync(raw)
        if kind == "store_then_error":
            if fault.get("close"):
                raise Dropped
            self._answer(fault["status"], {"KetQua": "LOI", "MoTa": "stand-in: đã lưu rồi báo lỗi"})
            return
        if status == 401:
            self._unauthorised()
            return
        self._answer(status, answer)

    def _sync(self, raw: bytes) -> tuple[int, dict]:
        if not self._authorised():
            return 401, {}
        try:
            content_type = self.headers.get("Content-Type", "")
            if content_type.split(";")[0].strip().lower() != "application/json":
                raise Invalid(f"Content-Type: phải là application/json, nhận được {content_type!r}")
            body = validate_body(self._json(raw), self.headers.get("Idempotency-Key"))
        except Invalid as exc:
            return 400, {"KetQua": "LOI", "MoTa": str(exc)}
        return self.server.state.sync(body, self.headers["Idempotency-Key"])

    def _reconcile(self, url) -> tuple[int, dict]:
        if not self._authorised():
            return 401, {}
        query = parse_qs(url.query)
        bounds = []
        for name in ("tu", "den"):
            values = query.get(name, [])
            if len(values) != 1 or not ISO_DATE.fullmatch(values[0]):
                return 400, {"KetQua": "LOI", "MoTa": f"{name}: phải là một ngày YYYY-MM-DD"}
            try:
                bounds.append(date.fromisoformat(values[0]))
            except ValueError:
                return 400, {"KetQua": "LOI", "MoTa": f"{name}: không phải ngày hợp lệ ({values[0]})"}
        if bounds[0] > bounds[1]:
            return 400, {"KetQua": "LOI", "MoTa": "tu: phải không sau den"}
        return 200, self.server.state.reconcile(*bounds)

    # Control -------------------------------------------------------------------------------------------

    def _control_faults(self, url, raw: bytes) -> None:
        pending = self.server.state.add_faults(validate_faults(self._json(raw)))
        self._answer(200, {"faults_pending": pending})

    def _control_down(self, url, raw: bytes) -> None:
        payload = self._json(raw) or {}
        if not isinstance(payload, dict):
            raise Invalid("down: phải là {\"seconds\": s} hoặc {\"until\": \"clear\"}")
        if payload.get("until") == "clear":
            self.server.state.set_down(None)
        elif isinstance(payload.get("seconds"), int | float) and payload["seconds"] >= 0:
            self.server.state.set_down(float(payload["seconds"]))
        else:
            raise Invalid("down: phải là {\"seconds\": s} hoặc {\"until\": \"clear\"}")
        self._answer(200, {"down": True})

    def _control_clear(self, url, raw: bytes) -> None:
        self.server.state.clear()
        self._answer(200, {"cleared": True})

    def _control_state(self, url, raw: bytes) -> None:
        self._answer(200, self.server.state.snapshot())

    def _control_reset(self, url, raw: bytes) -> None:
        self.server.state.reset()
        self._answer(200, {"reset": True})


def main(argv: list[str] | None = None) -> int:
    return serve("python -m motcua.standins.portal", __doc__.split("\n")[0], PortalState, PortalHandler, argv,
                 token_help="the Bearer token the portal accepts")


if __name__ == "__main__":
    sys.exit(main())
