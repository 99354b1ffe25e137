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
import re
import sys
from urllib.parse import parse_qs, unquote

from motcua.standins import portal
from motcua.standins.base import Invalid, StandinState, fault_items, now
from motcua.standins.portal import PortalHandler, check_fields, parse_portal_time
from motcua.standins.serving import serve

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
    check_fields(body, FIELDS)

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
    faults = []
    for where, raw in fault_items(payload):
        path = raw.get("path", STORE_PATH)
        if path not in (STORE_PATH, "*"):
            raise Invalid(f"{where}.path: phải là {STORE_PATH} hoặc *")
        method = raw.get("method", "POST")
        if method not in METHODS:
            raise Invalid(f"{where}.method: phải là một trong {', '.join(METHODS)}")
        checked = {key: value for key, value in raw.items() if key not in ("path", "method")}
        (fault,) = portal.validate_faults([{**checked, "path": "*"}])
        # The store has one path: a fault is matched by `take_fault` on "METHOD path".
        fault.update(path="*" if method == "*" else fault_path(method), method=method)
        faults.append(fault)
    return faults


# ---------------------------------------------------------------------------------------------------------
# State


class StoreState(StandinState):
    """What the store holds: every stored result by `MaKetQua`; the faults (a fault's `path` here is
    "POST /ket-qua", "GET /ket-qua" or "*"), the down window and the state file of every stand-in."""

    COUNTERS = ("requests", "duplicates", "duplicates_differing", "listings")

    def _empty(self) -> None:
        self.results: dict[str, dict] = {}  # MaKetQua -> the stored body (TepPDF included)
        self.stored: list[dict] = []  # every accepted store, in order: {"key", "SoDinhDanh", "at"}

    def _data(self) -> dict:
        return {"results": self.results, "stored": self.stored}

    def _restore(self, data: dict) -> None:
        self.results = data.get("results", {})
        self.stored = data.get("stored", [])

    def store(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            code = body["MaKetQua"]
            if code in self.results:
                self.counters["duplicates"] += 1
                if self.results[code] != body:
                    self.counters["duplicates_differing"] += 1
            else:
                self.results[code] = body
                self.stored.append({"key": code, "SoDinhDanh": body["SoDinhDanh"], "at": now()})
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
            results = {}
            for code, body in self.results.items():
                pdf = base64.b64decode(body["TepPDF"])
                results[code] = {**body, "sha256_of_file": hashlib.sha256(pdf).hexdigest(), "size": len(pdf)}
            return {"results": results, "stored": [dict(entry) for entry in self.stored], **self.failing()}


# ---------------------------------------------------------------------------------------------------------
# HTTP


class StoreHandler(PortalHandler):
    """The portal stand-in's way with a request (answers, faults, `twice`, `store_then_error`), this store's
    routes."""

    server_version = "motcua-standin-datastore/1"
    validate_faults = staticmethod(validate_faults)

    def routes(self, path: str) -> dict:
        if path == STORE_PATH:
            return {"POST": self._store, "GET": self._store}
        if path.startswith(STORE_PATH + "/"):
            return {"GET": self._store}
        return {}

    def _store(self, url, raw: bytes) -> None:
        if self.command == "GET":
            self._deliver(fault_path("GET"), lambda: self._read(url), writes=False)
        else:
            self._deliver(fault_path("POST"), lambda: self._accept(raw), writes=True)

    def _accept(self, raw: bytes) -> tuple[int, dict]:
        if not self._authorised():
            return 401, {}
        try:
            body, _pdf = validate_body(self._json_body(raw), self.headers.get("Idempotency-Key"))
        except Invalid as exc:
            return 400, self._error(str(exc))
        return self.server.state.store(body)

    def _read(self, url) -> tuple[int, dict]:
        if not self._authorised():
            return 401, {}
        if url.path != STORE_PATH:
            code = unquote(url.path[len(STORE_PATH) + 1:])
            body = self.server.state.one(code)
            if body is None:
                return 404, self._error(f"MaKetQua: không có kết quả {code}")
            return 200, body
        values = parse_qs(url.query).get("SoDinhDanh", [])
        if len(values) != 1 or not ID_NUMBER.fullmatch(values[0]):
            return 400, self._error("SoDinhDanh: phải là số định danh cá nhân gồm đúng 12 chữ số")
        return 200, self.server.state.listing(values[0])


def main(argv: list[str] | None = None) -> int:
    return serve("python -m motcua.standins.datastore", __doc__.split("\n")[0], StoreState, StoreHandler, argv,
                 token_help="the Bearer token the store accepts")


if __name__ == "__main__":
    sys.exit(main())
