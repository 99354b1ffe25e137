"""Stand-in of an SMS provider (the gateway a province contracts for its notifications), and ways to fail.

Run: `python -m motcua.standins.sms --host 127.0.0.1 --port 0 --token SECRET [--state-file PATH]`.
Prints `listening on http://HOST:PORT` once ready. No Django, stdlib only.

Provider (Bearer token):
- `POST /sms` with the JSON body `{"to": phone, "text": text, "id": client's message id}`: a Vietnamese
  mobile number (`0` or `+84`, then 3, 5, 7, 8 or 9 and eight digits) and a text of at most
  `MAX_TEXT` characters; 200 `{"id", "status": "sent"}` and the message kept; the same `id` again is
  answered 200 with `"duplicate": true` and kept once; 400 `{"error": …}` naming what is wrong (a number
  that is not a mobile number, an empty text…); 401 without the token.

Control (no auth; only on the stand-in), as every stand-in's (`motcua.standins.base`):
- `POST /_standin/faults` a list of `{"kind": K, "times": n, ...}` (`times` ≥ 1; a `rate` as the portal's),
  consumed in order by the next `POST /sms`. Kinds: `down` (close the connection without an answer), `status` (`status`, optional
  `retry_after`, `body`; nothing kept), `slow` (`seconds`, then as usual), `store_then_error` (kept,
  then answer `status` (default 500) or close the connection if `close`), `unauthorised` (401).
- `POST /_standin/down` `{"seconds": s}` or `{"until": "clear"}`; `POST /_standin/clear`.
- `GET /_standin/state` (`messages` in the order kept, counters), `POST /_standin/reset`.

With `--state-file`, the messages and counters are written there after every change, before answering,
and read at start.
"""

from __future__ import annotations

import json
import re
import sys

from motcua.standins import base
from motcua.standins.base import Dropped, Invalid, StandinHandler, StandinState
from motcua.standins.serving import serve

SMS_PATH = "/sms"
MOBILE = re.compile(r"(0|\+84)(3|5|7|8|9)\d{8}")
MAX_TEXT = 640
MAX_ID = 200
FAULT_KINDS = ("down", "status", "slow", "store_then_error", "unauthorised")


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
    faults = []
    for where, fault in base.fault_items(payload):
        if fault.get("kind") in ("status", "store_then_error"):
            fault.setdefault("status", 500)
        base.check_fault(where, fault, FAULT_KINDS, forever=False)
        base.check_path(where, fault, (SMS_PATH,), SMS_PATH)
        faults.append(fault)
    return faults


class SmsState(StandinState):
    """The messages kept; the counters, the faults, the down window and the state file of every stand-in."""

    COUNTERS = ("requests", "duplicates", "refused")

    def _empty(self) -> None:
        self.messages: list[dict] = []
        self.by_id: dict[str, dict] = {}

    def _data(self) -> dict:
        return {"messages": self.messages}

    def _restore(self, data: dict) -> None:
        self.messages = data.get("messages", [])
        self.by_id = {message["id"]: message for message in self.messages}

    def keep(self, message: dict) -> bool:
        """Keep a validated message; False when its id was already kept (nothing kept twice)."""
        with self.lock:
            if message["id"] in self.by_id:
                self.counters["duplicates"] += 1
                self.save()
                return False
            entry = {**message, "at": base.now()}
            self.messages.append(entry)
            self.by_id[message["id"]] = entry
            self.save()
            return True

    def snapshot(self) -> dict:
        with self.lock:
            return {"messages": [dict(m) for m in self.messages], **self.failing()}


class SmsHandler(StandinHandler):
    server_version = "motcua-standin-sms/1"
    validate_faults = staticmethod(validate_faults)

    def routes(self, path: str) -> dict:
        return {"POST": self._sms} if path == SMS_PATH else {}

    def _sms(self, url, raw: bytes) -> None:
        state = self.server.state
        state.count()
        fault = self._strike(SMS_PATH)
        kind = fault["kind"] if fault else None
        if not self._authorised():
            self._unauthorised()
            return
        try:
            message = validate_message(self._json(raw))
        except Invalid as exc:
            state.count("refused")
            self._answer(400, self._error(str(exc)))
            return
        kept = state.keep(message)
        if kind == "store_then_error":
            if fault.get("close"):
                raise Dropped
            self._answer(fault["status"], self._error("stand-in: đã nhận tin rồi báo lỗi"))
            return
        self._answer(200, {"id": message["id"], "status": "sent", **({} if kept else {"duplicate": True})})


def main(argv: list[str] | None = None) -> int:
    return serve("python -m motcua.standins.sms", __doc__.split("\n")[0], SmsState, SmsHandler, argv,
                 token_help="the Bearer token the provider accepts")


if __name__ == "__main__":
    sys.exit(main())
