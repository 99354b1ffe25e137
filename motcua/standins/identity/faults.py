"""Ways for the identity stand-in to fail, set through `/_standin/` (token-protected, see views.py).

A fault is `{"kind": K, "path": P, "times": n, ...}`, consumed in order by the next provider requests on
path P (default "/token/"; "*" = any provider path; "/_standin/" paths are never affected):
- `down`: answer 503 `{"error": "temporarily_unavailable"}` (the provider is out of service);
- `status`: answer `status` (with `body` if given, JSON);
- `slow`: wait `seconds`, then answer as usual.
`"times": -1` keeps it until cleared, `"rate": p` strikes with probability p (the fault language and queue of
every stand-in, motcua.standins.base). `POST /_standin/down` `{"seconds": s}` or `{"until": "clear"}`
answers 503 on every provider path meanwhile.
"""

from __future__ import annotations

import time

from django.http import JsonResponse

from motcua.standins import base
from motcua.standins.base import Invalid  # noqa: F401 - the name views.py takes from here

KINDS = ("down", "status", "slow")


def validate(payload) -> list[dict]:
    faults = []
    for where, fault in base.fault_items(payload):
        base.check_fault(where, fault, KINDS)
        path = fault.setdefault("path", "/token/")
        if not isinstance(path, str) or not (path == "*" or path.startswith("/")):
            raise Invalid(f"{where}.path: phải là một đường dẫn hoặc *")
        faults.append(fault)
    return faults


class Faults(base.StandinState):
    """The queued faults, the down window and the counters of every stand-in (nothing saved: the people,
    grants and tokens are in the stand-in's database)."""

    COUNTERS = ("requests", "token_requests", "faults_struck")

    def take(self, path: str) -> dict | None:
        """The request counted, and the next fault for `path` (`take_fault`)."""
        with self.lock:
            self.counters["requests"] += 1
            if path == "/token/":
                self.counters["token_requests"] += 1
            fault = self._take_fault(path)
            if fault is not None:
                self.counters["faults_struck"] += 1
            return fault


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
