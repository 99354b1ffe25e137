"""Stand-in of a remote-signing service (ký số từ xa: VNPT SmartCA, Viettel MySign, FPT CA), and ways to fail.

Run: `python -m motcua.standins.remotesign --host 127.0.0.1 --port 0 --token SECRET [--expires-in S]
[--state-file PATH]`. Prints `listening on http://HOST:PORT` once ready. No Django; `cryptography` for the keys.

The service keeps each signer's private key (as the providers do, in their HSM); the signer confirms each
signature on his phone. Service (Bearer token, JSON):
- `GET /credentials/<user_id>`: 200 `{"user_id", "certificate": PEM, "chain": [PEM, …]}` (the chain above
  the signer's certificate); 404 unknown signer, 409 no certificate issued yet.
- `POST /sign` `{"user_id", "request_id", "hash": base64, "hash_algorithm": "sha256"|"sha384"|"sha512",
  "description"}`: a request is pushed to the signer's phone; 201 `{"transaction_id", "status": "pending",
  "expires_at"}`. The same `request_id` again (a client retrying after a lost answer) is answered 200 with
  the same transaction and `"duplicate": true`: the phone is asked once.
- `GET /transactions/<id>`: `{"transaction_id", "status"}`, status `pending`, `confirmed` (with `signature`:
  base64 PKCS#1 v1.5 over the hash, `certificate`, `chain`), `refused` or `expired` (`--expires-in` seconds
  after the request, default 300, without an answer).

The phone (control paths, no auth, only on the stand-in):
- `POST /_standin/signers` `{"user_id", "full_name"}`: makes the signer's RSA-2048 key (kept by the service;
  the same key again if he exists) and answers `{"public_key": PEM}`, for a CA to certify;
  `POST /_standin/signers/<user_id>/certificate` `{"certificate": PEM, "chain": [PEM]}` stores what the CA issued.
- `POST /_standin/signers/<user_id>/phone` `{"answer": "confirm"|"refuse"|"expire"|"none", "delay": s}`: how
  his phone answers the next requests by itself, `delay` seconds after each arrives (default "none": it waits
  for `POST /_standin/transactions/<id>/confirm|refuse|expire`, answered 409 when already answered, which is
  counted in `duplicate_answers` and changes nothing). `GET /_standin/phone/<user_id>`: his pending requests.
  `GET /phone/<user_id>` is the same as a small page with the buttons "Xác nhận" and "Từ chối" (the demo).
- `POST /_standin/faults` a list of `{"kind": K, "times": n, ...}`. Request faults, on `path` `/sign`,
  `/transactions`, `/credentials` or `*` (default): `down` (close the connection), `status` (answer
  `status`), `slow` (`seconds`, then as usual), `store_then_drop` (on `/sign`: the transaction is made, then
  the connection is closed). Signature faults, used by the next confirmed transactions: `wrong_signature`
  (a signature over another hash), `wrong_certificate` (answered with the chain's top certificate instead of
  the signer's), `duplicate_answer` (the phone's answer arrives twice).
- `POST /_standin/down`, `POST /_standin/clear`, `GET /_standin/state` (signers without keys, transactions,
  counters), `POST /_standin/reset` (forgets transactions and counters; keeps the signers and their keys).

With `--state-file`, signers (keys included: this is a stand-in), transactions and counters are written there
after every change and read at start.
"""

from __future__ import annotations

import argparse
import base64
import html
import secrets
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from motcua.standins import base
from motcua.standins.base import Answered, Dropped, Invalid, StandinHandler, StandinState
from motcua.standins.serving import serve

SIGN_PATH = "/sign"
CREDENTIALS_PATH = "/credentials"
TRANSACTIONS_PATH = "/transactions"
REQUEST_FAULTS = ("down", "status", "slow", "store_then_drop")
SIGNATURE_FAULTS = ("wrong_signature", "wrong_certificate", "duplicate_answer")
ANSWERS = ("confirm", "refuse", "expire", "none")
FINAL = {"confirm": "confirmed", "refuse": "refused", "expire": "expired"}
HASHES = {"sha256": (hashes.SHA256, 32), "sha384": (hashes.SHA384, 48), "sha512": (hashes.SHA512, 64)}
MAX_TEXT = 500


def validate_faults(payload) -> list[dict]:
    faults = []
    for where, fault in base.fault_items(payload):
        kind = base.check_fault(where, fault, REQUEST_FAULTS + SIGNATURE_FAULTS)["kind"]
        base.check_path(where, fault, (SIGN_PATH, TRANSACTIONS_PATH, CREDENTIALS_PATH),
                        SIGN_PATH if kind == "store_then_drop" else "*", own=(SIGNATURE_FAULTS, "signature"))
        faults.append(fault)
    return faults


def _text(body: dict, name: str, *, limit: int = 200, required: bool = True) -> str:
    value = body.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise Invalid(f"{name}: phải là chuỗi{' không rỗng' if required else ''}, tối đa {limit} ký tự")
    return value


def sign_digest(key_pem: str, digest: bytes, algorithm: str) -> bytes:
    """PKCS#1 v1.5 signature of an already computed digest (what the providers return)."""
    key = serialization.load_pem_private_key(key_pem.encode("ascii"), password=None)
    return key.sign(digest, padding.PKCS1v15(), utils.Prehashed(HASHES[algorithm][0]()))


class RemoteSignState(StandinState):
    """Signers (with their keys), transactions; the counters, faults, down window and state file of every
    stand-in. A reset forgets the transactions and the counters, not the signers."""

    COUNTERS = ("requests", "sign_requests", "duplicates", "polls", "confirmed", "refused", "expired",
                "duplicate_answers")

    def __init__(self, state_file=None, expires_in: float = 300.0):
        self.expires_in = expires_in
        self.signers: dict[str, dict] = {}
        super().__init__(state_file)

    def _empty(self) -> None:
        self.transactions: dict[str, dict] = {}

    def _data(self) -> dict:
        return {"signers": self.signers, "transactions": self.transactions}

    def _restore(self, data: dict) -> None:
        self.signers = data.get("signers", {})
        self.transactions = data.get("transactions", {})

    # Signers -------------------------------------------------------------------------------------------

    def enrol(self, user_id: str, full_name: str) -> str:
        with self.lock:
            signer = self.signers.get(user_id)
            if signer is None:
                key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                signer = self.signers[user_id] = {
                    "full_name": full_name, "certificate": None, "chain": [],
                    "phone": {"answer": "none", "delay": 0},
                    "key": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()).decode("ascii")}
                self.save()
            key = serialization.load_pem_private_key(signer["key"].encode("ascii"), password=None)
            return key.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")

    def certify(self, user_id: str, certificate: str, chain: list[str]) -> bool:
        with self.lock:
            if user_id not in self.signers:
                return False
            self.signers[user_id].update(certificate=certificate, chain=list(chain))
            self.save()
            return True

    def set_phone(self, user_id: str, answer: str, delay: float) -> bool:
        with self.lock:
            if user_id not in self.signers:
                return False
            self.signers[user_id]["phone"] = {"answer": answer, "delay": delay}
            self.save()
            return True

    def credential(self, user_id: str) -> dict | None:
        with self.lock:
            signer = self.signers.get(user_id)
            if signer is None:
                return None
            return {"user_id": user_id, "certificate": signer["certificate"], "chain": list(signer["chain"])}

    # Transactions --------------------------------------------------------------------------------------

    def open(self, request: dict) -> tuple[dict, bool]:
        """The transaction of this request (made now, or the one its request_id already made)."""
        with self.lock:
            self.counters["sign_requests"] += 1
            for transaction in self.transactions.values():
                if (transaction["request_id"] == request["request_id"]
                        and transaction["user_id"] == request["user_id"]):
                    self.counters["duplicates"] += 1
                    self.save()
                    return dict(transaction), True
            now = time.time()
            phone = self.signers[request["user_id"]]["phone"]
            transaction = {**request, "transaction_id": "TX" + secrets.token_hex(8).upper(), "status": "pending",
                           "created": now, "expires_at": now + self.expires_in, "signature": None,
                           "auto": dict(phone) if phone["answer"] != "none" else None}
            self.transactions[transaction["transaction_id"]] = transaction
            self.save()
            return dict(transaction), False

    def _settle(self, transaction: dict) -> None:
        """Apply what time decided: the phone's automatic answer, or expiry. Call locked."""
        if transaction["status"] != "pending":
            return
        now = time.time()
        auto = transaction.get("auto")
        if auto and now >= transaction["created"] + auto["delay"]:
            self._answer(transaction, auto["answer"])
        elif now >= transaction["expires_at"]:
            self._answer(transaction, "expire")

    def _answer(self, transaction: dict, answer: str) -> bool:
        """The phone answers. False (counted, nothing changed) when the transaction was already answered."""
        if transaction["status"] != "pending":
            self.counters["duplicate_answers"] += 1
            return False
        transaction["status"] = FINAL[answer]
        self.counters[FINAL[answer]] += 1
        if answer == "confirm":
            signer = self.signers[transaction["user_id"]]
            digest = base64.b64decode(transaction["hash"])
            fault = self._take_signature_fault()
            if fault == "wrong_signature":
                digest = bytes([digest[0] ^ 0xFF]) + digest[1:]
            transaction["wrong_certificate"] = fault == "wrong_certificate"
            transaction["signature"] = base64.b64encode(
                sign_digest(signer["key"], digest, transaction["hash_algorithm"])).decode("ascii")
            if fault == "duplicate_answer":
                self._answer(transaction, answer)
        return True

    def _take_signature_fault(self) -> str | None:
        fault = self._take_fault("signature", exact=True)
        return fault["kind"] if fault else None

    def answer(self, transaction_id: str, answer: str) -> tuple[int, dict]:
        with self.lock:
            transaction = self.transactions.get(transaction_id)
            if transaction is None:
                return 404, {"error": f"không có giao dịch {transaction_id}"}
            self._settle(transaction)
            done = self._answer(transaction, answer)
            self.save()
            return (200 if done else 409), self._public(transaction)

    def look(self, transaction_id: str) -> dict | None:
        with self.lock:
            self.counters["polls"] += 1
            transaction = self.transactions.get(transaction_id)
            if transaction is not None:
                self._settle(transaction)
            self.save()
            return None if transaction is None else self._public(transaction)

    def pending(self, user_id: str) -> list[dict]:
        with self.lock:
            found = []
            for transaction in self.transactions.values():
                self._settle(transaction)
                if transaction["user_id"] == user_id and transaction["status"] == "pending":
                    found.append({key: transaction[key] for key in ("transaction_id", "description", "created")})
            self.save()
            return found

    def _public(self, transaction: dict) -> dict:
        answer = {"transaction_id": transaction["transaction_id"], "status": transaction["status"],
                  "expires_at": transaction["expires_at"]}
        if transaction["status"] == "confirmed":
            signer = self.signers[transaction["user_id"]]
            wrong = transaction.get("wrong_certificate") and signer["chain"]
            certificate = signer["chain"][-1] if wrong else signer["certificate"]
            answer.update(signature=transaction["signature"], certificate=certificate, chain=list(signer["chain"]))
        return answer

    def snapshot(self) -> dict:
        with self.lock:
            return {**self.failing(),
                    "signers": {uid: {k: v for k, v in s.items() if k != "key"} for uid, s in self.signers.items()},
                    "transactions": [{k: v for k, v in t.items() if k != "signature"}
                                     for t in self.transactions.values()]}


PHONE_PAGE = """<!doctype html><html lang="vi"><meta charset="utf-8"><title>Ứng dụng ký số (giả lập)</title>
<body style="font-family:sans-serif;max-width:28rem;margin:1rem auto"><h1>Yêu cầu ký số</h1>{items}
<p><small>Trang giả lập ứng dụng ký số từ xa trên điện thoại của người ký.</small></p></body></html>"""


ROUTES = (  # method, the path's parts (None: any, passed to the handler), the handler
    ("GET", ("credentials", None), "_credentials"),
    ("POST", ("sign",), "_sign"),
    ("GET", ("transactions", None), "_transaction"),
    ("GET", ("phone", None), "_phone_page"),
    ("POST", ("phone", None, None), "_phone_form"),
    ("POST", ("_standin", "signers"), "_control_enrol"),
    ("POST", ("_standin", "signers", None, None), "_control_signer"),
    ("GET", ("_standin", "phone", None), "_control_pending"),
    ("POST", ("_standin", "transactions", None, None), "_control_answer"),
)


def _bound(handler, args: list[str]):
    """handler(raw, *args) as a route's handler(url, raw)."""
    return lambda url, raw: handler(raw, *args)


class RemoteSignHandler(StandinHandler):
    server_version = "motcua-standin-remotesign/1"
    validate_faults = staticmethod(validate_faults)

    def routes(self, path: str) -> dict:
        parts = [part for part in path.split("/") if part]
        found = {}
        for method, pattern, name in ROUTES:
            if len(pattern) == len(parts) and all(p is None or p == part for p, part in zip(pattern, parts, strict=True)):
                args = [part for p, part in zip(pattern, parts, strict=True) if p is None]
                found[method] = _bound(getattr(self, name), args)
        return found

    def _fault(self, path: str) -> dict | None:
        """The request counted, the down window and the request faults of the service's paths, the token."""
        self.server.state.count()
        fault = self._strike(path)
        if not self._authorised():
            self._unauthorised()
            raise Answered
        return fault

    # The service ---------------------------------------------------------------------------------------

    def _credentials(self, raw: bytes, user_id: str) -> None:
        self._fault(CREDENTIALS_PATH)
        credential = self.server.state.credential(user_id)
        if credential is None:
            self._answer(404, {"error": f"không có người ký {user_id}"})
        elif not credential["certificate"]:
            self._answer(409, {"error": f"người ký {user_id} chưa được cấp chứng thư số"})
        else:
            self._answer(200, credential)

    def _sign(self, raw: bytes) -> None:
        fault = self._fault(SIGN_PATH) or {}
        body = self._json(raw)
        if not isinstance(body, dict):
            raise Invalid("body: phải là một đối tượng JSON")
        algorithm = body.get("hash_algorithm")
        if algorithm not in HASHES:
            raise Invalid(f"hash_algorithm: phải là một trong {', '.join(HASHES)}")
        try:
            digest = base64.b64decode(_text(body, "hash"), validate=True)
        except ValueError as exc:
            raise Invalid("hash: phải là base64") from exc
        if len(digest) != HASHES[algorithm][1]:
            raise Invalid(f"hash: phải dài {HASHES[algorithm][1]} byte với {algorithm}")
        request = {"user_id": _text(body, "user_id"), "request_id": _text(body, "request_id"),
                   "description": _text(body, "description", limit=MAX_TEXT, required=False),
                   "hash": base64.b64encode(digest).decode("ascii"), "hash_algorithm": algorithm}
        credential = self.server.state.credential(request["user_id"])
        if credential is None or not credential["certificate"]:
            self._answer(404, {"error": f"không có người ký {request['user_id']} hoặc chưa có chứng thư số"})
            return
        transaction, duplicate = self.server.state.open(request)
        if fault.get("kind") == "store_then_drop":
            raise Dropped
        answer = {"transaction_id": transaction["transaction_id"], "status": transaction["status"],
                  "expires_at": transaction["expires_at"]}
        self._answer(200 if duplicate else 201, {**answer, **({"duplicate": True} if duplicate else {})})

    def _transaction(self, raw: bytes, transaction_id: str) -> None:
        self._fault(TRANSACTIONS_PATH)
        found = self.server.state.look(transaction_id)
        if found is None:
            self._answer(404, {"error": f"không có giao dịch {transaction_id}"})
        else:
            self._answer(200, found)

    # The phone -----------------------------------------------------------------------------------------

    def _phone_page(self, raw: bytes, user_id: str) -> None:
        items = "".join(
            f'<form method="post" action="/phone/{html.escape(t["transaction_id"])}/confirm" style="border:1px solid '
            f'#ccc;padding:.5rem;margin:.5rem 0"><p>{html.escape(t["description"] or "Yêu cầu ký số")}</p>'
            f'<button>Xác nhận</button> <button formaction="/phone/{html.escape(t["transaction_id"])}/refuse">'
            "Từ chối</button></form>" for t in self.server.state.pending(user_id)) or "<p>Không có yêu cầu nào.</p>"
        self._reply(200, PHONE_PAGE.format(items=items).encode("utf-8"), "text/html")

    def _phone_form(self, raw: bytes, transaction_id: str, answer: str) -> None:
        if answer not in ("confirm", "refuse"):
            raise Invalid("phải là confirm hoặc refuse")
        status, found = self.server.state.answer(transaction_id, answer)
        if status == 404:
            self._answer(404, found)
            return
        self._redirect(f"/phone/{self.server.state.transactions[transaction_id]['user_id']}")

    # Control -------------------------------------------------------------------------------------------

    def _control_enrol(self, raw: bytes) -> None:
        body = self._json(raw)
        if not isinstance(body, dict):
            raise Invalid("body: phải là {\"user_id\", \"full_name\"}")
        public_key = self.server.state.enrol(_text(body, "user_id"), _text(body, "full_name"))
        self._answer(200, {"public_key": public_key})

    def _control_signer(self, raw: bytes, user_id: str, what: str) -> None:
        body = self._json(raw)
        if not isinstance(body, dict):
            raise Invalid("body: phải là một đối tượng JSON")
        if what == "certificate":
            chain = body.get("chain", [])
            if not isinstance(chain, list) or not all(isinstance(pem, str) for pem in chain):
                raise Invalid("chain: phải là danh sách PEM")
            done = self.server.state.certify(user_id, _text(body, "certificate", limit=20000), chain)
        elif what == "phone":
            answer, delay = body.get("answer"), body.get("delay", 0)
            if answer not in ANSWERS:
                raise Invalid(f"answer: phải là một trong {', '.join(ANSWERS)}")
            if not (isinstance(delay, int | float) and delay >= 0):
                raise Invalid("delay: phải là số giây ≥ 0")
            done = self.server.state.set_phone(user_id, answer, float(delay))
        else:
            self._answer(404, {"error": f"không có đường dẫn {self.path}"})
            return
        self._answer(200 if done else 404, {"done": done})

    def _control_pending(self, raw: bytes, user_id: str) -> None:
        self._answer(200, {"pending": self.server.state.pending(user_id)})

    def _control_answer(self, raw: bytes, transaction_id: str, answer: str) -> None:
        if answer not in FINAL:
            raise Invalid(f"phải là một trong {', '.join(FINAL)}")
        status, found = self.server.state.answer(transaction_id, answer)
        self._answer(status, found)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--expires-in", type=float, default=300.0)
    known, rest = extra.parse_known_args(argv)
    return serve("python -m motcua.standins.remotesign", __doc__.split("\n")[0],
                 lambda state_file: RemoteSignState(state_file, expires_in=known.expires_in), RemoteSignHandler, rest,
                 token_help="the Bearer token the service accepts")


if __name__ == "__main__":
    sys.exit(main())
