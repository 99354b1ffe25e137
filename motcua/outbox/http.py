"""One reading of an HTTP answer for every handler that posts to a system we do not own (interop.md):
2xx acknowledged; the system's "refused for good" codes listed with its reason; 401/403 stop the run;
429, 5xx, any other answer, a timeout or a refused connection tried again, honouring `Retry-After`."""

from __future__ import annotations

from collections.abc import Collection

import httpx

from motcua.outbox.delivery import Acknowledged, Outcome, Refused, Transient, Unauthorised


def retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


def reason(response: httpx.Response, keys: Collection[str] = ("MoTa",)) -> str:
    """"HTTP 400: …" with the system's own description when its JSON body carries one."""
    try:
        body = response.json()
    except ValueError:
        body = None
    described = next((body[k] for k in keys if isinstance(body, dict) and body.get(k)), None)
    return f"HTTP {response.status_code}: {described}" if described else f"HTTP {response.status_code}"


# One client per process: a new client per request built a TLS context each time (59 ms of CPU, two thirds
# of a worker's time, docs/benchmarks.md) and never reused a connection.
_client = httpx.Client()


def post(url: str, *, json: dict, headers: dict, timeout: float, note: str = "",
         refused: Collection[int] = (400,), also_acknowledged: Collection[int] = (),
         reason_keys: Collection[str] = ("MoTa",)) -> Outcome:
    try:
        response = _client.post(url, json=json, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:  # refused connection, reset, timeout: transient
        return Transient(f"{type(exc).__name__}: {exc}")
    status = response.status_code
    if 200 <= status < 300:
        return Acknowledged(note=note)
    if status in also_acknowledged:
        return Acknowledged(note=reason(response, reason_keys))
    if status in refused:
        return Refused(reason(response, reason_keys))
    if status in (401, 403):
        return Unauthorised(reason(response, reason_keys))
    return Transient(reason(response, reason_keys), retry_after=retry_after(response))
