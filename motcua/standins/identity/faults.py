"""Ways for the identity stand-in to fail, set through `/_standin/` (token-protected, see views.py).

A fault is `{"kind": K, "path": P, "times": n, ...}`, consumed in order by the next provider requests on
path P (default "/token/"; "*" = any provider path; "/_standin/" paths are never affected):
- `down`: answer 503 `{"error": "temporarily_unavailable"}` (the provider is out of service);
- `status`: answer `status` (with `body` if given, JSON);
- `slow`: wait `seconds`, then answer as usual.
`"times": -1` keeps it until cleared. `POST /_standin/down` `{"seconds": s}` or `{"until": "clear"}`
answers 503 on every provider path meanwhile.
"""

from __future__ import annotations

import math
import threading
import time

from django.http import JsonResponse

KINDS = ("down", "status", "slow")


class Invalid(ValueError):
    pass


def validate(payload) -> list[dict]:
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list):
        raise Invalid("faults: phải là một danh sách")
    faults = []
    for index, raw in enumerate(payload):
        where = f"faults[{index}]"
        if not isinstance(raw, dict) or raw.get("kind") not in KINDS:
            raise Invalid(f"{where}.kind: phải là một trong {', '.join(KINDS)}")
        fault = {"path": "/token/", "times": 1, **raw}
        if not isinstance(fault["times"], int) or (fault["times"] < 1 and fault["times"] != -1):
            raise Invalid(f"{where}.times: phải là số nguyên ≥ 1, hoặc -1 (đến khi xóa)")
        if not isinstance(fault["path"], str) or not (fault["path"] == "*" or fault["path"].startswith("/")):
            raise Invalid(f"{where}.path: phải là một đường dẫn hoặc *")
        if fault["kind"] == "status" and not (isinstance(fault.get("status"), int) and 100 <= fault["status"] <= 599):
            raise Invalid(f"{where}.status: phải là mã HTTP")
        if fault["kind"] == "slow" and not (isinstance(fault.get("seconds"), int | float) and fault["seconds"] >= 0):
            raise Invalid(f"{where}.seconds: phải là số giây ≥ 0")
        faults.append(fault)
    return faults


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.queue: list[dict] = []
        self.down_until: float | None = None
        self.counters = {"requests": 0, "token_requests": 0, "faults_struck": 0}

    def add(self, faults: list[dict]) -> int:
        with self.lock:
            self.queue.extend(faults)
            return self.pending()

    def pending(self) -> int:
        if any(f["times"] == -1 for f in self.queue):
            return -1
        return sum(f["times"] for f in self.queue)

    def set_down(self, seconds: float | None) -> None:
        with self.lock:
            self.down_until = math.inf if seconds is None else time.monotonic() + seconds

    def clear(self) -> None:
        with self.lock:
            self.queue.clear()
            self.down_until = None

    def is_down(self) -> bool:
        with self.lock:
            if self.down_until is not None and time.monotonic() >= self.down_until:
                self.down_until = None
            return self.down_until is not None

    def take(self, path: str) -> dict | None:
        with self.lock:
            self.counters["requests"] += 1
            if path == "/token/":
                self.counters["token_requests"] += 1
            for index, fault in enumerate(self.queue):
                if fault["path"] in (path, "*"):
                    if fault["times"] != -1:
                        fault["times"] -= 1
                        if fault["times"] <= 0:
                            del self.queue[index]
                    self.counters["faults_struck"] += 1
                    return dict(fault)
            return None

    def snapshot(self) -> dict:
        with self.lock:
            down = None
            if self.down_until is not None:
                left = self.down_until - time.monotonic()
                down = "until clear" if math.isinf(left) else round(max(left, 0), 3)
            return {**self.counters, "faults_pending": self.pending(), "faults": [dict(f) for f in self.queue],
                    "down_for": down}


FAULTS = Faults()


def unavailable(status: int = 503, body=None) -> JsonResponse:
    return JsonResponse(body if body is not None else
                        {"error": "temporarily_unavailable", "error_description": "stand-in: lỗi giả lập"},
                        status=status, safe=False)


class FaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/_standin/"):
            return self.get_response(request)
        if FAULTS.is_down():
            return unavailable()
        fault = FAULTS.take(request.path)
        if fault is not None:
            if fault["kind"] == "down":
                return unavailable()
            if fault["kind"] == "status":
                return unavailable(fault["status"], fault.get("body"))
            if fault["kind"] == "slow":
                time.sleep(fault["seconds"])
        return self.get_response(request)
