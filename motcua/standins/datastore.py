"""Stand-in of the personal data store (kho quản lý dữ liệu điện tử của tổ chức, cá nhân): the contract of
docs/interop-datastore.md, and the same ways to fail as the portal's stand-in.

Run: `python -m motcua.standins.datastore --host 127.0.0.1 --port 0 --token SECRET [--state-file PATH]`.
Prints `listening on http://HOST:PORT` once ready. No Django, stdlib only.

Store (Bearer token):
- `POST /ket-qua`: validates the body (every field, the 12-digit `SoDinhDanh`, the `NgayCap` time, that
  `TepPDF` is base64 of a PDF whose SHA-256 is `SHA256`) and `Idempotency-Key` = `MaKetQua`; stores the copy
  under the holder; 200 OK (also for a result already stored: stored once), 400 LOI naming the wrong field,
  401 without the token.
- `GET /ket-qua?SoDinhDanh=…`: the holder's stored results (without the file); `GET /ket-qua/{MaKetQua}`:
  one stored result with its file.

Control (no auth; only on the stand-in), as in `motcua.standins.portal`: `POST /_standin/faults` (kinds
`down`, `status`, `slow`, `store_then_error`, `twice`, `unauthorised`; a fault applies to `path` `/ket-qua`
(the default) or `*`, and to `method` `POST` (the default), `GET` or `*`), `POST /_standin/down`,
`POST /_standin/clear`, `GET /_standin/state` (every stored result, the file's hash recomputed, and the
counters), `POST /_standin/reset`.

With `--state-file`, what was stored is written there atomically before answering, and read at start.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import os
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlsplit

from motcua.standins import portal
from motcua.standins.portal import Dropped, Invalid, PortalHandler, PortalState, parse_portal_time
from motcua.standins.serving import StandinServer, serve

STORE_PATH = "/ket-qua"
TEXT_FIELDS = ("MaKetQua", "MaHoSo", "MaTTHC")
FIELDS = ("MaKetQua", "MaHoSo", "MaTTHC", "SoDinhDanh", "NgayCap", "SHA256", "TepPDF")
LISTED = ("MaKetQua", "MaHoSo", "MaTTHC", "SoDinhDanh", "NgayCap", "SHA256")
METHODS = ("POST", "GET", "*")
ID_NUMBER = re.compile(r"\d{12}")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


# ---------------------------------------------------------------------------------------------------------
# Validation


def validate_body(body, idempotency_key: str | None) -> tuple[dict, bytes]:
    """(the body, the decoded PDF) as the store accepts them, or Invalid("<field>: <why>")."""
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
            shown = body[field] if field != "TepPDF" or not isinstance(body[field], str) else body[field][:40]
            raise Invalid(f"{field}: {why} (nhận được {json.dumps(shown, ensure_ascii=False)})")

    for field in TEXT_FIELDS:
        check(field, isinstance(body[field], str) and body[field].strip() != "", "phải là chuỗi không rỗng")
    check("SoDinhDanh", isinstance(body["SoDinhDanh"], str) and ID_NUMBER.fullmatch(body["SoDinhDanh"]) is not None,
          "phải là số định danh cá nhân gồm đúng 12 chữ số")
    try:
        parse_portal_time(body["NgayCap"])
    except Invalid as exc:
        check("NgayCap", False, str(exc))
    check("SHA256", isinstance(body["SHA256"], str) and SHA256_HEX.fullmatch(body["SHA256"]) is not None,
          "phải là 64 chữ số thập lục phân viết thường")
    check("TepPDF", isinstance(body["TepPDF"], str) and body["TepPDF"] != "", "phải là chuỗi base64 không rỗng")
    try:
        pdf = base64.b64decode(body["TepPDF"], validate=True)
    except (binascii.Error, ValueError):
        check("TepPDF", False, "không phải base64 hợp lệ")
    check("TepPDF", pdf.startswith(b"%PDF-"), "không phải tệp PDF")
    if hashlib.sha256(pdf).hexdigest() != body["SHA256"]:
        raise Invalid("SHA256: không khớp với mã băm SHA-256 của tệp TepPDF")

    if idempotency_key is None:
        raise Invalid(f"Idempotency-Key: thiếu header (phải là MaKetQua = {body['MaKetQua']!r})")
    if idempotency_key != body["MaKetQua"]:
        raise Invalid(f"Idempotency-Key: phải là MaKetQua = {body['MaKetQua']!r}, nhận được {idempotency_key!r}")
    return body, pdf


def fault_path(method: str) -> str:
    return f"{method} {STORE_PATH}"


def validate_faults(payload) -> list[dict]:
    """The portal stand-in's faults, on this store's path, with a `method` each."""
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list):
        raise Invalid("faults: phải là một danh sách")
    faults = []
    for index, raw in enumerate(payload):
        if not isinstance(raw, dict):
            raise Invalid(f"faults[{index}]: phải là một đối tượng")
        path = raw.get("path", STORE_PATH)
        if path not in (STORE_PATH, "*"):
            raise Invalid(f"faults[{index}].path: phải là {STORE_PATH} hoặc *")
        method = raw.get("method", "POST")
        if method not in METHODS:
            raise Invalid(f"faults[{index}].method: phải là một trong {', '.join(METHODS)}")
        checked = {key: value for key, value in raw.items() if key not in ("path", "method")}
        (fault,) = portal.validate_faults([{**checked, "path": "*"}])
        # The store has one path: a fault is matched by the portal stand-in's `take_fault` on "METHOD path".
        fault.update(path="*" if method == "*" else fault_path(method), method=method)
        faults.append(fault)
    return faults


# ---------------------------------------------------------------------------------------------------------
# State


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class StoreState(PortalState):
    """What the store holds: every stored result by `MaKetQua`, and the faults and down window of the
    portal's stand-in (inherited, with its `take_fault`: a fault's `path` here is "POST /ket-qua",
    "GET /ket-qua" or "*")."""

    COUNTERS = ("requests", "duplicates", "duplicates_differing", "listings")

    def _empty(self) -> None:
        self.results: dict[str, dict] = {}  # MaKetQua -> the stored body (TepPDF included)
        self.stored: list[dict] = []  # every accepted store, in order: {"key", "SoDinhDanh", "at"}
        self.counters = dict.fromkeys(self.COUNTERS, 0)

    def _load(self) -> None:
        data = json.loads(self.state_file.read_text(encoding="utf-8"))
        self.results = data.get("results", {})
        self.stored = data.get("stored", [])
        self.counters.update({k: v for k, v in data.get("counters", {}).items() if k in self.COUNTERS})

    def save(self) -> None:
        """Write what is held atomically (temp file in the same folder, fsync, rename). Call locked."""
        if not self.state_file:
            return
        data = {"results": self.results, "stored": self.stored, "counters": self.counters}
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

    def store(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            code = body["MaKetQua"]
            if code in self.results:
                self.counters["duplicates"] += 1
                if self.results[code] != body:
                    self.counters["duplicates_differing"] += 1
            else:
                self.results[code] = body
                self.stored.append({"key": code, "SoDinhDanh": body["SoDinhDanh"], "at": _now()})
            self.save()
            return 200, {"KetQua": "OK", "MaKetQua": code}

    def listing(self, id_number: str) -> dict:
        with self.lock:
            self.counters["listings"] += 1
            self.save()
            found = [{field: body[field] for field in LISTED} for _code, body in sorted(self.results.items())
                     if body["SoDinhDanh"] == id_number]
            return {"SoDinhDanh": id_number, "KetQua": found}

    def one(self, code: str) -> dict | None:
        with self.lock:
            body = self.results.get(code)
            return dict(body) if body is not None else None

    def snapshot(self) -> dict:
        with self.lock:
            down_for = None
            if self.down_until is not None:
                left = self.down_until - time.monotonic()
                down_for = "until clear" if math.isinf(left) else (round(left, 3) if left > 0 else None)
            results = {}
            for code, body in self.results.items():
                pdf = base64.b64decode(body["TepPDF"])
                results[code] = {**body, "sha256_of_file": hashlib.sha256(pdf).hexdigest(), "size": len(pdf)}
            return {
                "results": results,
                "stored": [dict(entry) for entry in self.stored],
                **self.counters,
                "faults_pending": self.faults_pending(),
                "faults": [dict(fault) for fault in self.faults],
                "down_for": down_for,
            }


# ---------------------------------------------------------------------------------------------------------
# HTTP


class StoreHandler(PortalHandler):
    """The portal stand-in's plumbing (answers, dropped connections, control paths), this store's routes."""

    server_version = "motcua-standin-datastore/1"
    server: StandinServer

    def _route(self, method: str, raw: bytes) -> None:
        url = urlsplit(self.path)
        controls = {
            "/_standin/faults": ("POST", self._control_faults),
            "/_standin/down": ("POST", self._control_down),
            "/_standin/clear": ("POST", self._control_clear),
            "/_standin/state": ("GET", self._control_state),
            "/_standin/reset": ("POST", self._control_reset),
        }
        if url.path in controls:
            allowed, control = controls[url.path]
            allowed = (allowed,)
            handler = lambda: control(url, raw)  # noqa: E731
        elif url.path == STORE_PATH or url.path.startswith(STORE_PATH + "/"):
            allowed = ("POST", "GET") if url.path == STORE_PATH else ("GET",)
            handler = lambda: self._store(method, url, raw)  # noqa: E731
        else:
            self._answer(404, {"KetQua": "LOI", "MoTa": f"không có đường dẫn {url.path}"})
            return
        if method not in allowed:
            self._answer(405, {"KetQua": "LOI", "MoTa": f"{url.path} chỉ nhận {', '.join(allowed)}"},
                         {"Allow": ", ".join(allowed)})
            return
        try:
            handler()
        except Dropped:
            self._drop()
        except Invalid as exc:
            self._answer(400, {"KetQua": "LOI", "MoTa": str(exc)})

    def _control_faults(self, url, raw: bytes) -> None:
        pending = self.server.state.add_faults(validate_faults(self._json(raw)))
        self._answer(200, {"faults_pending": pending})

    # The store -----------------------------------------------------------------------------------------

    def _store(self, method: str, url, raw: bytes) -> None:
        state = self.server.state
        if method == "POST":
            state.count_request()
        if state.is_down():
            raise Dropped
        fault = state.take_fault(fault_path(method))
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

        if method == "GET":
            status, answer = self._read(url)
        else:
            status, answer = self._accept(raw)
            if kind == "twice":  # the same request delivered a second time; the first answer goes back
                state.count_request()
                self._accept(raw)
        if kind == "store_then_error":
            if fault.get("close"):
                raise Dropped
            self._answer(fault["status"], {"KetQua": "LOI", "MoTa": "stand-in: đã lưu rồi báo lỗi"})
            return
        if status == 401:
            self._unauthorised()
            return
        self._answer(status, answer)

    def _accept(self, raw: bytes) -> tuple[int, dict]:
        if not self._authorised():
            return 401, {}
        try:
            content_type = self.headers.get("Content-Type", "")
            if content_type.split(";")[0].strip().lower() != "application/json":
                raise Invalid(f"Content-Type: phải là application/json, nhận được {content_type!r}")
            body, _pdf = validate_body(self._json(raw), self.headers.get("Idempotency-Key"))
        except Invalid as exc:
            return 400, {"KetQua": "LOI", "MoTa": str(exc)}
        return self.server.state.store(body)

    def _read(self, url) -> tuple[int, dict]:
        if not self._authorised():
            return 401, {}
        if url.path != STORE_PATH:
            code = unquote(url.path[len(STORE_PATH) + 1:])
            body = self.server.state.one(code)
            if body is None:
                return 404, {"KetQua": "LOI", "MoTa": f"MaKetQua: không có kết quả {code}"}
            return 200, body
        values = parse_qs(url.query).get("SoDinhDanh", [])
        if len(values) != 1 or not ID_NUMBER.fullmatch(values[0]):
            return 400, {"KetQua": "LOI", "MoTa": "SoDinhDanh: phải là số định danh cá nhân gồm đúng 12 chữ số"}
        return 200, self.server.state.listing(values[0])


def main(argv: list[str] | None = None) -> int:
    return serve("python -m motcua.standins.datastore", __doc__.split("\n")[0], StoreState, StoreHandler, argv,
                 token_help="the Bearer token the store accepts")


if __name__ == "__main__":
    sys.exit(main())
