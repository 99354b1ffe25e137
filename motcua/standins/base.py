"""What every HTTP stand-in does alike, whatever it stands in for: its state under one lock, saved to a JSON
file; the ways to fail (a "down" window, a queue of faults taken by path); the request counters; and the
control paths `/_standin/{faults,down,clear,state,reset}`. Each stand-in module (portal, payment, datastore,
sms, remotesign) subclasses `StandinState` and `StandinHandler` and keeps only its own protocol. Plain
Python, no Django.

A fault is a dict `{"kind", "times", "path", ...}`: `times` -1 keeps it until cleared; `rate` p makes it
strike each request with probability p (a request it spares goes on to the next queued fault). The request
kinds every stand-in answers the same way (`StandinHandler._strike`): `down` (close the connection),
`status` (answer `status`, with `Retry-After` if `retry_after`, and `body` if given), `slow` (wait `seconds`,
then as usual), `unauthorised` (401).
"""

from __future__ import annotations

import json
import math
import os
import random
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from motcua.standins.serving import StandinServer

MAX_BODY = 64 * 1024 * 1024  # a request body beyond this is refused (413) without reading it
UNAUTHORISED = "Authorization: thiếu hoặc sai mã xác thực (Bearer)"
DOWN_FORMAT = "down: phải là {\"seconds\": s} hoặc {\"until\": \"clear\"}"


class Invalid(ValueError):
    """A request the stand-in refuses (400); the message names the field."""


class Dropped(Exception):
    """Close the connection without an answer."""


class TooLarge(Invalid):
    """A request body beyond MAX_BODY (413)."""


class Answered(Exception):
    """The request was answered already (by a fault): nothing more to do."""


def now() -> str:
    """This moment in UTC, ISO 8601 with microseconds: when something was stored."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_seconds(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


# ---------------------------------------------------------------------------------------------------------
# Faults as given to `POST /_standin/faults`


def fault_items(payload) -> Iterator[tuple[str, dict]]:
    """("faults[i]", a copy of the i-th fault) for a list of faults, or one fault alone."""
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list):
        raise Invalid("faults: phải là một danh sách")
    for index, raw in enumerate(payload):
        where = f"faults[{index}]"
        if not isinstance(raw, dict):
            raise Invalid(f"{where}: phải là một đối tượng")
        yield where, dict(raw)


def check_fault(where: str, fault: dict, kinds: tuple[str, ...], *, forever: bool = True) -> dict:
    """The checks every stand-in makes of one fault (its `kind` among `kinds`, `times` (1 by default; -1
    only when `forever`), `rate`, `status`, `seconds` of a slow one, `retry_after`, `body`); the fault."""
    if fault.get("kind") not in kinds:
        raise Invalid(f"{where}.kind: phải là một trong {', '.join(kinds)}")
    times = fault.setdefault("times", 1)
    if not (is_int(times) and (times >= 1 or (forever and times == -1))):
        raise Invalid(f"{where}.times: phải là số nguyên ≥ 1" + (", hoặc -1 (đến khi xóa)" if forever else ""))
    if "rate" in fault and not (isinstance(fault["rate"], int | float) and not isinstance(fault["rate"], bool)
                                and 0 < fault["rate"] <= 1):
        raise Invalid(f"{where}.rate: phải là xác suất trong (0, 1]")
    if (fault["kind"] == "status" or "status" in fault) and not (is_int(fault.get("status"))
                                                                  and 100 <= fault["status"] <= 599):
        raise Invalid(f"{where}.status: phải là mã HTTP")
    if fault["kind"] == "slow" and not is_seconds(fault.get("seconds")):
        raise Invalid(f"{where}.seconds: phải là số giây ≥ 0")
    if "retry_after" in fault and not is_seconds(fault["retry_after"]):
        raise Invalid(f"{where}.retry_after: phải là số giây ≥ 0")
    if "body" in fault and not isinstance(fault["body"], dict | list):
        raise Invalid(f"{where}.body: phải là JSON (đối tượng hoặc danh sách)")
    return fault


def down_seconds(payload) -> float | None:
    """The body of `POST /_standin/down`: `{"seconds": s}` -> s, `{"until": "clear"}` -> None."""
    if isinstance(payload, dict) and payload.get("until") == "clear":
        return None
    if isinstance(payload, dict) and is_seconds(payload.get("seconds")):
        return float(payload["seconds"])
    raise Invalid(DOWN_FORMAT)


def check_path(where: str, fault: dict, paths: tuple[str, ...], default: str,
               own: tuple[tuple[str, ...], str] = ((), "")) -> None:
    """The fault's `path` (`default` when not given) is one of `paths` or "*". `own` = (kinds, path): faults
    of those kinds strike something else than a request (a payment, a signature): their path is that one."""
    kinds, path = own
    if fault["kind"] in kinds:
        fault["path"] = path
    elif fault.setdefault("path", default) not in (*paths, "*"):
        raise Invalid(f"{where}.path: phải là {', '.join(paths)} hoặc *")


# ---------------------------------------------------------------------------------------------------------
# State


class StandinState:
    """Everything a stand-in holds, under one lock: what its protocol keeps (set by `_empty`, saved as
    `_data()`, read back by `_restore`), the counters named in COUNTERS, the queued faults and the down
    window. With `state_file`, saved atomically after each change (`save()`, called locked) and read at
    start; the faults and the down window are not saved."""

    COUNTERS: tuple[str, ...] = ("requests",)

    def __init__(self, state_file: str | os.PathLike | None = None):
        self.lock = threading.Lock()
        self.state_file = Path(state_file) if state_file else None
        self.counters = dict.fromkeys(self.COUNTERS, 0)
        self._empty()
        self.faults: list[dict] = []
        self.down_until: float | None = None  # time.monotonic() deadline; math.inf = until cleared
        self.random = random.Random()  # draws for faults with a "rate"
        if self.state_file and self.state_file.exists():
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            self.counters.update({k: v for k, v in data.get("counters", {}).items() if k in self.COUNTERS})
            self._restore(data)

    # What the protocol keeps: each stand-in's own ------------------------------------------------------

    def _empty(self) -> None:
        """Set what the protocol keeps to nothing (at start and on reset)."""

    def _data(self) -> dict:
        """What the protocol keeps, as JSON, for the state file."""
        return {}

    def _restore(self, data: dict) -> None:
        """Take back what `_data()` wrote."""

    # The state file ------------------------------------------------------------------------------------

    def save(self) -> None:
        """Write the state atomically (temp file in the same folder, fsync, rename). Call locked."""
        if not self.state_file:
            return
        data = {**self._data(), "counters": self.counters}
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

    def count(self, name: str = "requests") -> None:
        with self.lock:
            self.counters[name] += 1
            self.save()

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
        """The first queued fault for `path` (or "*") that strikes (one with a "rate" may spare the request),
        one use of it consumed (none of an indefinite one). Call unlocked."""
        with self.lock:
            return self._take_fault(path)

    def _take_fault(self, path: str, exact: bool = False) -> dict | None:
        """`take_fault`, locked; with `exact`, a fault on "*" does not count."""
        for index, fault in enumerate(self.faults):
            if fault["path"] not in ((path,) if exact else (path, "*")):
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
        """Uses left of the queued faults; -1 while an indefinite one is queued. Call locked."""
        if any(fault["times"] == -1 for fault in self.faults):
            return -1
        return sum(fault["times"] for fault in self.faults)

    def failing(self) -> dict:
        """The counters, the queued faults and the down window, for `GET /_standin/state`. Call locked."""
        down_for = None
        if self.down_until is not None:
            left = self.down_until - time.monotonic()
            down_for = "until clear" if math.isinf(left) else (round(left, 3) if left > 0 else None)
        return {**self.counters, "faults_pending": self.faults_pending(),
                "faults": [dict(fault) for fault in self.faults], "down_for": down_for}

    # Control -------------------------------------------------------------------------------------------

    def snapshot(self) -> dict:
        """`GET /_standin/state`: `failing()` and what the protocol keeps (each stand-in says how)."""
        with self.lock:
            return self.failing()

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
            self.counters = dict.fromkeys(self.COUNTERS, 0)
            self.faults.clear()
            self.down_until = None
            self.save()


# ---------------------------------------------------------------------------------------------------------
# HTTP

Handler = Callable[..., None]


class StandinHandler(BaseHTTPRequestHandler):
    """JSON answers, dropped connections, the Bearer token, the request faults and the control paths. A
    stand-in names its paths in `routes(path)` and how its errors look in `_error`."""

    protocol_version = "HTTP/1.1"
    server_version = "motcua-standin/1"
    server: StandinServer

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        if self.server.verbose:
            super().log_message(format, *args)

    # Answers -------------------------------------------------------------------------------------------

    def _error(self, message: str) -> dict:
        """The body of an error answer in this stand-in's protocol."""
        return {"error": message}

    def _answer(self, status: int, payload, headers: dict | None = None) -> None:
        self._reply(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json", headers)

    def _reply(self, status: int, data: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(303)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _drop(self) -> None:
        """Close the connection without answering: the client sees a disconnect, as when a server dies."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _authorised(self) -> bool:
        return self.headers.get("Authorization", "") == f"Bearer {self.server.token}"

    def _unauthorised(self) -> None:
        self._answer(401, self._error(UNAUTHORISED), {"WWW-Authenticate": "Bearer"})

    # Requests ------------------------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        """The body (at most MAX_BODY bytes; Invalid beyond); empty without a valid Content-Length."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            self.close_connection = True  # the body is left unread
            raise TooLarge(f"body: dài {length} byte, tối đa {MAX_BODY}")
        return self.rfile.read(length) if length > 0 else b""

    @staticmethod
    def _json(raw: bytes):
        try:
            return json.loads(raw.decode("utf-8")) if raw.strip() else None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Invalid(f"body: không phải JSON UTF-8 hợp lệ ({exc})") from exc

    def do_GET(self):  # noqa: N802 - the stdlib's name
        self._route("GET", read=False)

    def do_POST(self):  # noqa: N802 - the stdlib's name
        self._route("POST")

    def do_PUT(self):  # noqa: N802 - the stdlib's name
        self._route("PUT")

    def do_DELETE(self):  # noqa: N802 - the stdlib's name
        self._route("DELETE")

    def routes(self, path: str) -> dict[str, Handler]:
        """method -> handler(url, raw) of `path` in the stand-in's protocol; empty for an unknown path."""
        return {}

    def _controls(self) -> dict[str, dict[str, Handler]]:
        return {
            "/_standin/faults": {"POST": self._control_faults},
            "/_standin/down": {"POST": self._control_down},
            "/_standin/clear": {"POST": self._control_clear},
            "/_standin/state": {"GET": self._control_state},
            "/_standin/reset": {"POST": self._control_reset},
        }

    def _route(self, method: str, read: bool = True) -> None:
        url = urlsplit(self.path)
        handlers = self._controls().get(url.path) or self.routes(url.path)
        try:
            raw = self._read_body() if read else b""
            if not handlers:
                self._answer(404, self._error(f"không có đường dẫn {url.path}"))
                return
            if method not in handlers:
                allowed = ", ".join(handlers)
                self._answer(405, self._error(f"{url.path} chỉ nhận {allowed}"), {"Allow": allowed})
                return
            handlers[method](url, raw)
        except Dropped:
            self._drop()
        except Answered:
            pass
        except Invalid as exc:
            self._answer(413 if isinstance(exc, TooLarge) else 400, self._error(str(exc)))

    # Request faults ------------------------------------------------------------------------------------

    def _strike(self, path: str) -> dict | None:
        """The down window and the next fault for `path`: Dropped for `down`, Answered after answering a
        `status` or `unauthorised` one, after the delay of a `slow` one the fault (None without)."""
        state = self.server.state
        if state.is_down():
            raise Dropped
        fault = state.take_fault(path)
        kind = fault["kind"] if fault else None
        if kind == "down":
            raise Dropped
        if kind == "unauthorised":
            self._unauthorised()
            raise Answered
        if kind == "status":
            headers = {}
            if "retry_after" in fault:
                seconds = fault["retry_after"]
                headers["Retry-After"] = str(int(seconds) if float(seconds).is_integer() else seconds)
            body = fault.get("body", self._error(f"stand-in: lỗi giả lập {fault['status']}"))
            self._answer(fault["status"], body, headers)
            raise Answered
        if kind == "slow":
            time.sleep(fault["seconds"])
        return fault

    # Control -------------------------------------------------------------------------------------------

    def validate_faults(self, payload) -> list[dict]:
        """The faults of `POST /_standin/faults`, checked (each stand-in knows its kinds and paths)."""
        raise NotImplementedError

    def _control_faults(self, url, raw: bytes) -> None:
        self._answer(200, {"faults_pending": self.server.state.add_faults(self.validate_faults(self._json(raw)))})

    def _control_down(self, url, raw: bytes) -> None:
        self.server.state.set_down(down_seconds(self._json(raw) or {}))
        self._answer(200, {"down": True})

    def _control_clear(self, url, raw: bytes) -> None:
        self.server.state.clear()
        self._answer(200, {"cleared": True})

    def _control_state(self, url, raw: bytes) -> None:
        self._answer(200, self.server.state.snapshot())

    def _control_reset(self, url, raw: bytes) -> None:
        self.server.state.reset()
        self._answer(200, {"reset": True})
