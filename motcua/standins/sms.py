"""Stand-in of an SMS provider (the gateway a province contracts for its notifications), and ways to fail.

Run: `python -m motcua.standins.sms --host 127.0.0.1 --port 0 --token SECRET [--state-file PATH]`.
Prints `listening on http://HOST:PORT` once ready. No Django, stdlib only.

Provider (Bearer token):
- `POST /sms` with the JSON body `{"to": phone, "text": text, "id": client's message id}`: a Vietnamese
  mobile number (`0` or `+84`, then 3, 5, 7, 8 or 9 and eight digits) and a text of at most
  `MAX_TEXT` characters; 200 `{"id", "status": "sent"}` and the message kept; the same `id` again is
  answered 200 with `"duplicate": true` and kept once; 400 `{"error": …}` naming what is wrong (a number
  that is not a mobile number, an empty text…); 401 without the token.

Control (no auth; only on the stand-in), as the portal stand-in's:
- `POST /_standin/faults` a list of `{"kind": K, "times": n, ...}`, consumed in order by the next
  `POST /sms`. Kinds: `down` (close the connection without an answer), `status` (`status`, optional
  `retry_after`, `body`; nothing kept), `slow` (`seconds`, then as usual), `store_then_error` (kept,
  then answer `status` (default 500) or close the connection if `close`), `unauthorised` (401).
- `POST /_standin/down` `{"seconds": s}` or `{"until": "clear"}`; `POST /_standin/clear`.
- `GET /_standin/state` (`messages` in the order kept, counters), `POST /_standin/reset`.

With `--state-file`, the messages and counters are written there after every change, before answering,
and read at start.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from motcua.standins.serving import StandinServer, serve

SMS_PATH = "/sms"
MOBILE = re.compile(r"(0|\+84)(3|5|7|8|9)\d{8}")
MAX_TEXT = 640
MAX_ID = 200
FAULT_KINDS = ("down", "status", "slow", "store_then_error", "unauthorised")


class Invalid(ValueError):
    """A request the provider refuses (400); the message names the field."""


def validate_message(body) -> dict:
    if not isinstance(body, dict):
        raise Invalid("body: phải là một đối tượng JSON {\"to\", \"text\", \"id\"}")
    to, text, message_id = body.get("to"), body.get("text"), body.get("id")
    if not isinstance(message_id, str) or not message_id.strip() or len(message_id) > MAX_ID:
        raise Invalid(f"id: phải là chuỗi không rỗng, tối đa {MAX_ID} ký tự")
    if not isinstance(to, str) or not MOBILE.fullmatch(to):
        raise Invalid(f"to: không phải số điện thoại di động Việt Nam hợp lệ ({json.dumps(to, ensure_ascii=False)})")
    if not isinstance(text, str) or not text.strip():
        raise Invalid("text: phải là chuỗi không rỗng")
    if len(text) > MAX_TEXT:
        raise Invalid(f"text: dài {len(text)} ký tự, tối đa {MAX_TEXT}")
    return {"id": message_id, "to": to, "text": text}


def validate_faults(payload) -> list[dict]:
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list):
        raise Invalid("faults: phải là một danh sách")
    faults = []
    for index, raw in enumerate(payload):
        where = f"faults[{index}]"
        if not isinstance(raw, dict) or raw.get("kind") not in FAULT_KINDS:
            raise Invalid(f"{where}.kind: phải là một trong {', '.join(FAULT_KINDS)}")
        fault = dict(raw)
        times = fault.setdefault("times", 1)
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise Invalid(f"{where}.times: phải là số nguyên ≥ 1")
        if fault["kind"] in ("status", "store_then_error"):
            status = fault.setdefault("status", 500)
            if not isinstance(status, int) or not 100 <= status <= 599:
                raise Invalid(f"{where}.status: phải là mã HTTP")
        if fault["kind"] == "slow" and not (isinstance(fault.get("seconds"), int | float) and fault["seconds"] >= 0):
            raise Invalid(f"{where}.seconds: phải là số giây ≥ 0")
        if "retry_after" in fault and not (isinstance(fault["retry_after"], int | float)
                                           and fault["retry_after"] >= 0):
            raise Invalid(f"{where}.retry_after: phải là số giây ≥ 0")
        faults.append(fault)
    return faults


class SmsState:
    """The messages kept, the counters, the faults; under one lock, saved after each change."""

    COUNTERS = ("requests", "duplicates", "refused")

    def __init__(self, state_file: str | os.PathLike | None = None):
        self.lock = threading.Lock()
        self.state_file = Path(state_file) if state_file else None
        self.messages: list[dict] = []
        self.by_id: dict[str, dict] = {}
        self.counters = dict.fromkeys(self.COUNTERS, 0)
        self.faults: list[dict] = []
        self.down_until: float | None = None
        if self.state_file and self.state_file.exists():
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            self.messages = data.get("messages", [])
            self.by_id = {message["id"]: message for message in self.messages}
            self.counters.update({k: v for k, v in data.get("counters", {}).items() if k in self.COUNTERS})

    def save(self) -> None:
        """Atomically (temp file, fsync, rename). Call locked."""
        if not self.state_file:
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=self.state_file.name + ".", suffix=".tmp", dir=self.state_file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"messages": self.messages, "counters": self.counters}, out, ensure_ascii=False)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.state_file)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise

    def count(self, counter: str) -> None:
        with self.lock:
            self.counters[counter] += 1
            self.save()

    def keep(self, message: dict) -> bool:
        """Keep a validated message; False when its id was already kept (nothing kept twice)."""
        with self.lock:
            if message["id"] in self.by_id:
                self.counters["duplicates"] += 1
                self.save()
                return False
            entry = {**message, "at": datetime.now(UTC).isoformat(timespec="microseconds")}
            self.messages.append(entry)
            self.by_id[message["id"]] = entry
            self.save()
            return True

    def is_down(self) -> bool:
        with self.lock:
            if self.down_until is None:
                return False
            if time.monotonic() < self.down_until:
                return True
            self.down_until = None
            return False

    def take_fault(self) -> dict | None:
        with self.lock:
            if not self.faults:
                return None
            fault = self.faults[0]
            fault["times"] -= 1
            if fault["times"] <= 0:
                self.faults.pop(0)
            return dict(fault)

    def snapshot(self) -> dict:
        with self.lock:
            down_for = None
            if self.down_until is not None:
                left = self.down_until - time.monotonic()
                down_for = "until clear" if math.isinf(left) else (round(left, 3) if left > 0 else None)
            return {"messages": [dict(m) for m in self.messages], **self.counters,
                    "faults_pending": sum(f["times"] for f in self.faults),
                    "faults": [dict(f) for f in self.faults], "down_for": down_for}

    def add_faults(self, faults: list[dict]) -> int:
        with self.lock:
            self.faults.extend(faults)
            return sum(f["times"] for f in self.faults)

    def set_down(self, seconds: float | None) -> None:
        with self.lock:
            self.down_until = math.inf if seconds is None else time.monotonic() + seconds

    def clear(self) -> None:
        with self.lock:
            self.faults.clear()
            self.down_until = None

    def reset(self) -> None:
        with self.lock:
            self.messages, self.by_id = [], {}
            self.counters = dict.fromkeys(self.COUNTERS, 0)
            self.faults.clear()
            self.down_until = None
            self.save()


class Dropped(Exception):
    """Close the connection without an answer."""


class SmsHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "motcua-standin-sms/1"
    server: StandinServer

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        if self.server.verbose:
            super().log_message(format, *args)

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
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
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    @staticmethod
    def _json(raw: bytes):
        try:
            return json.loads(raw.decode("utf-8")) if raw.strip() else None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Invalid(f"body: không phải JSON UTF-8 hợp lệ ({exc})") from exc

    def _unauthorised(self) -> None:
        self._answer(401, {"error": "Authorization: thiếu hoặc sai mã xác thực (Bearer)"},
                     {"WWW-Authenticate": "Bearer"})

    def do_GET(self):  # noqa: N802 - the stdlib's name
        self._route("GET", b"")

    def do_POST(self):  # noqa: N802 - the stdlib's name
        self._route("POST", self._read_body())

    def _route(self, method: str, raw: bytes) -> None:
        routes = {
            SMS_PATH: ("POST", self._send),
            "/_standin/faults": ("POST", self._control_faults),
            "/_standin/down": ("POST", self._control_down),
            "/_standin/clear": ("POST", self._control_clear),
            "/_standin/state": ("GET", self._control_state),
            "/_standin/reset": ("POST", self._control_reset),
        }
        path = urlsplit(self.path).path
        if path not in routes:
            self._answer(404, {"error": f"không có đường dẫn {path}"})
            return
        allowed, handler = routes[path]
        if method != allowed:
            self._answer(405, {"error": f"{path} chỉ nhận {allowed}"}, {"Allow": allowed})
            return
        try:
            handler(raw)
        except Dropped:
            self._drop()
        except Invalid as exc:
            self._answer(400, {"error": str(exc)})

    def _send(self, raw: bytes) -> None:
        state = self.server.state
        state.count("requests")
        if state.is_down():
            raise Dropped
        fault = state.take_fault()
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
            self._answer(fault["status"], fault.get("body", {"error": f"stand-in: lỗi giả lập {fault['status']}"}),
                         headers)
            return
        if kind == "slow":
            time.sleep(fault["seconds"])
        if self.headers.get("Authorization", "") != f"Bearer {self.server.token}":
            self._unauthorised()
            return
        try:
            message = validate_message(self._json(raw))
        except Invalid as exc:
            state.count("refused")
            self._answer(400, {"error": str(exc)})
            return
        kept = state.keep(message)
        if kind == "store_then_error":
            if fault.get("close"):
                raise Dropped
            self._answer(fault["status"], {"error": "stand-in: đã nhận tin rồi báo lỗi"})
            return
        self._answer(200, {"id": message["id"], "status": "sent", **({} if kept else {"duplicate": True})})

    def _control_faults(self, raw: bytes) -> None:
        self._answer(200, {"faults_pending": self.server.state.add_faults(validate_faults(self._json(raw)))})

    def _control_down(self, raw: bytes) -> None:
        payload = self._json(raw) or {}
        if isinstance(payload, dict) and payload.get("until") == "clear":
            self.server.state.set_down(None)
        elif isinstance(payload, dict) and isinstance(payload.get("seconds"), int | float) and payload["seconds"] >= 0:
            self.server.state.set_down(float(payload["seconds"]))
        else:
            raise Invalid("down: phải là {\"seconds\": s} hoặc {\"until\": \"clear\"}")
        self._answer(200, {"down": True})

    def _control_clear(self, raw: bytes) -> None:
        self.server.state.clear()
        self._answer(200, {"cleared": True})

    def _control_state(self, raw: bytes) -> None:
        self._answer(200, self.server.state.snapshot())

    def _control_reset(self, raw: bytes) -> None:
        self.server.state.reset()
        self._answer(200, {"reset": True})


def main(argv: list[str] | None = None) -> int:
    return serve("python -m motcua.standins.sms", __doc__.split("\n")[0], SmsState, SmsHandler, argv,
                 token_help="the Bearer token the provider accepts")


if __name__ == "__main__":
    sys.exit(main())
