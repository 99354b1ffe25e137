"""Signing through a remote-signing service (ký số từ xa: VNPT SmartCA, Viettel MySign, FPT CA): the
signer's key stays with the provider, and he confirms each signature on his phone.

    service = RemoteService(url, token, wait=120, poll=2)
    signer = remote_signer(service, "079080001234", "Phê duyệt kết quả hồ sơ …")  # his certificate, fetched now
    signing.sign_pdf(pdf, signer, ...)  # sends the hash, waits for his confirmation, checks the signature

The protocol is plain HTTP+JSON with a Bearer token (the stand-in `motcua.standins.remotesign` documents
it): `GET /credentials/<user id>` gives the certificate and its chain; `POST /sign` sends the hash of
the CMS signed attributes with a `request_id` (so a retry after a lost answer asks the phone only once)
and the text shown on the phone, and gives a transaction id; `GET /transactions/<id>` is polled until
`confirmed` (with the PKCS#1 signature), `refused` or `expired`, or until `wait` seconds have passed.

What comes back is not trusted: the signature must verify with the certificate fetched first, over the
hash we sent, and the certificate must be that one, or `BadSignature`. Failures are told apart
(`Refused`, `Expired`, `TimedOut`, `Unreachable`, `BadSignature`), each with a Vietnamese sentence in
`message_vi`. Nothing here reads Django settings.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass

import httpx
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.results.certificates import load_certificate

logger = logging.getLogger(__name__)

_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
UNCHANGED = "Kết quả chưa được ký, hồ sơ chưa có thay đổi nào."


class RemoteSigningError(Exception):
    """Nothing was signed; `message_vi` tells the leader why and what to do."""

    message_vi = "Dịch vụ ký số từ xa báo lỗi; chưa ký được."

    def __init__(self, detail: str = "", message_vi: str | None = None):
        super().__init__(detail or type(self).__name__)
        if message_vi is not None:
            self.message_vi = message_vi


class Refused(RemoteSigningError):
    message_vi = "Người ký đã từ chối yêu cầu ký số trên ứng dụng điện thoại."


class Expired(RemoteSigningError):
    message_vi = ("Yêu cầu ký số đã hết hạn trên dịch vụ ký số từ xa trước khi được xác nhận; vui lòng ký lại và "
                  "xác nhận trên điện thoại.")


class TimedOut(RemoteSigningError):
    message_vi = ("Hết thời gian chờ xác nhận trên ứng dụng ký số của điện thoại; vui lòng ký lại và xác nhận "
                  "ngay khi có thông báo.")


class Unreachable(RemoteSigningError):
    message_vi = "Không kết nối được dịch vụ ký số từ xa; vui lòng thử lại sau ít phút."


class BadSignature(RemoteSigningError):
    message_vi = ("Dịch vụ ký số từ xa trả về chữ ký không hợp lệ (không khớp với chứng thư số của người ký) nên "
                  "chữ ký bị từ chối.")


class NotEnrolled(RemoteSigningError):
    message_vi = ("Không tìm thấy chứng thư số của người ký trên dịch vụ ký số từ xa (tài khoản chưa đăng ký hoặc "
                  "chưa được cấp chứng thư số).")


@dataclass(frozen=True)
class RemoteService:
    url: str  # base URL of the service
    token: str  # Bearer token of this client
    wait: float = 120.0  # seconds the signer has to confirm on his phone
    poll: float = 2.0  # seconds between two polls of the transaction
    timeout: float = 10.0  # seconds for one HTTP request

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}


def _certificates(pems) -> list[asn1_x509.Certificate]:
    found = []
    for text in pems:
        data = text.encode("ascii") if isinstance(text, str) else text
        if pem.detect(data):
            _name, _headers, data = pem.unarmor(data)
        found.append(asn1_x509.Certificate.load(data))
    return found


def fetch_credential(service: RemoteService, user_id: str) -> tuple[asn1_x509.Certificate, list]:
    """The signer's certificate and its chain, as the service holds them."""
    try:
        response = httpx.get(f"{service.url}/credentials/{user_id}", headers=service.headers(),
                             timeout=service.timeout)
    except httpx.HTTPError as exc:
        raise Unreachable(f"credentials: {exc!r}") from exc
    if response.status_code in (404, 409):
        raise NotEnrolled(f"credentials: {response.status_code} {response.text[:200]}")
    if response.status_code != 200:
        raise Unreachable(f"credentials: {response.status_code} {response.text[:200]}")
    try:
        body = response.json()
        certificate = _certificates([body["certificate"]])[0]
        chain = _certificates(body.get("chain") or [])
    except (ValueError, KeyError, TypeError) as exc:
        raise Unreachable(f"credentials: unreadable answer ({exc})") from exc
    return certificate, chain


def remote_signer(service: RemoteService, user_id: str, description: str) -> RemoteSigner:
    certificate, chain = fetch_credential(service, user_id)
    return RemoteSigner(service, user_id, description, certificate, chain)


class RemoteSigner(signers.Signer):
    """A pyHanko signer whose raw signature is made by the remote service once the signer confirms.
    After signing, `transaction_id` names the service's transaction (for the audit trail)."""

    def __init__(self, service: RemoteService, user_id: str, description: str, certificate, chain):
        self.service = service
        self.user_id = user_id
        self.description = description
        self.transaction_id: str | None = None
        super().__init__(signing_cert=certificate, cert_registry=SimpleCertificateStore.from_certs(chain),
                         embed_roots=True)

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        if dry_run:  # pyHanko sizes the signature field first: a placeholder as long as a real signature
            return bytes(self._signature_size())
        algorithm = digest_algorithm.lower().replace("-", "")
        if algorithm not in _HASHES:
            raise RemoteSigningError(f"digest {digest_algorithm} not supported")
        digest = hashlib.new(algorithm, data).digest()
        async with httpx.AsyncClient(base_url=self.service.url, headers=self.service.headers(),
                                     timeout=self.service.timeout) as client:
            transaction_id = await self._start(client, digest, algorithm)
            self.transaction_id = transaction_id
            answer = await self._wait(client, transaction_id)
        return self._checked(answer, digest, algorithm)

    def _signature_size(self) -> int:
        key = load_certificate(self.signing_cert).public_key()
        if isinstance(key, rsa.RSAPublicKey):
            return key.key_size // 8
        return 2 * (key.curve.key_size + 7) // 8 + 16  # DER ECDSA signature, at most

    async def _start(self, client: httpx.AsyncClient, digest: bytes, algorithm: str) -> str:
        body = {"user_id": self.user_id, "request_id": uuid.uuid4().hex, "hash_algorithm": algorithm,
                "hash": base64.b64encode(digest).decode("ascii"), "description": self.description}
        problem = None
        for _attempt in range(2):  # one retry, same request_id: the service asks the phone only once
            try:
                response = await client.post("/sign", json=body)
            except httpx.HTTPError as exc:
                problem = f"sign: {exc!r}"
                continue
            if response.status_code in (200, 201):
                try:
                    return str(response.json()["transaction_id"])
                except (ValueError, KeyError) as exc:
                    raise Unreachable(f"sign: unreadable answer ({exc})") from exc
            if response.status_code == 404:
                raise NotEnrolled(f"sign: {response.text[:200]}")
            problem = f"sign: {response.status_code} {response.text[:200]}"
            if response.status_code < 500:
                break
        raise Unreachable(problem or "sign")

    async def _wait(self, client: httpx.AsyncClient, transaction_id: str) -> dict:
        deadline = time.monotonic() + self.service.wait
        problem = None
        while True:
            try:
                response = await client.get(f"/transactions/{transaction_id}")
                answer = response.json() if response.status_code == 200 else None
                problem = None if answer is not None else f"poll: {response.status_code} {response.text[:200]}"
            except (httpx.HTTPError, ValueError) as exc:
                answer, problem = None, f"poll: {exc!r}"
            status = answer.get("status") if isinstance(answer, dict) else None
            if status == "confirmed":
                return answer
            if status == "refused":
                raise Refused(f"transaction {transaction_id} refused")
            if status == "expired":
                raise Expired(f"transaction {transaction_id} expired")
            left = deadline - time.monotonic()
            if left <= 0:
                # Still no answer: the service could not be reached at the end, or the signer did not confirm.
                if problem is not None:
                    raise Unreachable(f"transaction {transaction_id}: {problem}")
                raise TimedOut(f"transaction {transaction_id} still {status} after {self.service.wait} s")
            await asyncio.sleep(min(self.service.poll, left))

    def _checked(self, answer: dict, digest: bytes, algorithm: str) -> bytes:
        """The signature, once it verifies over `digest` with the certificate we put in the signed attributes."""
        try:
            signature = base64.b64decode(answer["signature"], validate=True)
            returned = _certificates([answer["certificate"]])[0] if answer.get("certificate") else self.signing_cert
        except (KeyError, TypeError, ValueError) as exc:
            raise BadSignature(f"unreadable signature: {exc}") from exc
        if returned.dump() != self.signing_cert.dump():
            raise BadSignature("the service answered with another certificate than the one it gave first")
        key = load_certificate(self.signing_cert).public_key()
        prehashed = utils.Prehashed(_HASHES[algorithm]())
        try:
            if isinstance(key, rsa.RSAPublicKey):
                key.verify(signature, digest, padding.PKCS1v15(), prehashed)
            elif isinstance(key, ec.EllipticCurvePublicKey):
                key.verify(signature, digest, ec.ECDSA(prehashed))
            else:
                raise BadSignature(f"unsupported key type {type(key).__name__}")
        except InvalidSignature as exc:
            logger.warning("remote signature of transaction %s does not verify", self.transaction_id)
            raise BadSignature(f"transaction {self.transaction_id}: signature does not verify") from exc
        return signature


def enrol_demo_signer(control_url: str, user_id: str, full_name: str, pki_dir, *, unit_name: str = ""):
    """Make `user_id` a signer of the remote-signing stand-in: the stand-in makes his key, the demo PKI
    certifies it (`certificates.issue_personal_certificate`), the certificate goes back to the stand-in.
    Returns the certificate. Demo and tests only (a real provider enrols its customers itself)."""
    from cryptography.hazmat.primitives.serialization import Encoding, load_pem_public_key

    from motcua.results.certificates import ensure_demo_pki, issue_personal_certificate

    base = control_url.rstrip("/")
    response = httpx.post(f"{base}/_standin/signers", json={"user_id": user_id, "full_name": full_name}, timeout=30)
    response.raise_for_status()
    public_key = load_pem_public_key(response.json()["public_key"].encode("ascii"))
    certificate = issue_personal_certificate(pki_dir, full_name, public_key, unit_name=unit_name)
    root = load_certificate(ensure_demo_pki(pki_dir))
    response = httpx.post(f"{base}/_standin/signers/{user_id}/certificate", timeout=30, json={
        "certificate": certificate.public_bytes(Encoding.PEM).decode("ascii"),
        "chain": [root.public_bytes(Encoding.PEM).decode("ascii")]})
    response.raise_for_status()
    return certificate
