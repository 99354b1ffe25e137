"""A leader's own signing key on a PKCS#11 token (USB token, smart card, HSM; SoftHSM2 in tests).

    spec = TokenSpec.from_setting(settings.MOTCUA_SIGNING_TOKENS[username])
    with token_signer(spec, pin) as signer:      # pyHanko PKCS11Signer, same interface as SimpleSigner
        signing.sign_pdf(pdf, signer, ...)

The PIN is passed for one session and never kept: the session is closed (logged out) when the block
ends. Failures are told apart so the leader reads what to do: `WrongPin` (the token refused the PIN;
it counts the tries), `PinLocked` (too many wrong PINs), `TokenUnavailable` (module, token, key or
certificate not found, token removed). This module does not read Django settings.

`enrol_demo_token` makes a demo token usable: a key pair generated on the token, its public key
certified by the demo PKI (`certificates.issue_personal_certificate`), the certificate written beside it.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")


class TokenError(Exception):
    """The token cannot sign now. Nothing was signed."""


class WrongPin(TokenError):
    pass


class PinLocked(TokenError):
    pass


class TokenUnavailable(TokenError):
    pass


@dataclass(frozen=True)
class TokenSpec:
    module: str  # path of the PKCS#11 module (the token maker's .so)
    token_label: str
    key_label: str
    cert_label: str

    @classmethod
    def from_setting(cls, value: dict) -> TokenSpec:
        """From one entry of settings.MOTCUA_SIGNING_TOKENS; a missing key is a configuration error."""
        try:
            return cls(module=str(value["module"]), token_label=str(value["token_label"]),
                       key_label=str(value["key_label"]),
                       cert_label=str(value.get("cert_label") or value["key_label"]))
        except (KeyError, TypeError) as exc:
            raise TokenUnavailable(f"token setting incomplete: {exc}") from exc


def _classify(exc: BaseException) -> TokenError:
    from pkcs11 import exceptions as p11

    if isinstance(exc, (p11.PinIncorrect, p11.PinLenRange, p11.PinInvalid)):
        return WrongPin(type(exc).__name__)
    if isinstance(exc, p11.PinLocked):
        return PinLocked(type(exc).__name__)
    return TokenUnavailable(f"{type(exc).__name__}: {exc}")


@contextlib.contextmanager
def token_signer(spec: TokenSpec, pin: str):
    """Open the token with `pin` and yield a pyHanko signer for its key and certificate; always close."""
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as hanko_pkcs11

    if not pin:
        raise WrongPin("empty PIN")
    if not Path(spec.module).exists():
        raise TokenUnavailable(f"PKCS#11 module {spec.module} not found")
    try:
        session = hanko_pkcs11.open_pkcs11_session(spec.module, token_criteria=TokenCriteria(label=spec.token_label),
                                                   user_pin=pin)
    except TokenError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-pkcs11 / pyHanko errors, sorted for the leader
        raise _classify(exc) from exc
    try:
        try:
            signer = hanko_pkcs11.PKCS11Signer(session, key_label=spec.key_label, cert_label=spec.cert_label,
                                               embed_roots=True)
            signer.signing_cert  # noqa: B018 - loads the certificate now, so a missing one fails here
        except Exception as exc:  # noqa: BLE001
            raise _classify(exc) from exc
        yield signer
    finally:
        with contextlib.suppress(Exception):
            session.close()


def find_module() -> str | None:
    """SoftHSM2's module where Debian puts it (tests, demo), or None."""
    return next((path for path in DEFAULT_MODULES if os.path.exists(path)), None)


def enrol_demo_token(spec: TokenSpec, pin: str, full_name: str, pki_dir, *, unit_name: str = ""):
    """Generate an RSA key pair on the (initialised) token, have the demo PKI certify it for `full_name`,
    and store the certificate on the token under `spec.cert_label`. Returns the certificate."""
    import pkcs11
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import Encoding
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    from motcua.results.certificates import issue_personal_certificate

    token = pkcs11.lib(spec.module).get_token(token_label=spec.token_label)
    with token.open(user_pin=pin, rw=True) as session:
        key_id = os.urandom(8)
        public, _private = session.generate_keypair(
            KeyType.RSA, 2048, label=spec.key_label, id=key_id, store=True,
            private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False})
        numbers = rsa.RSAPublicNumbers(int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
                                       int.from_bytes(public[Attribute.MODULUS], "big"))
        certificate = issue_personal_certificate(pki_dir, full_name, numbers.public_key(), unit_name=unit_name)
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True, Attribute.LABEL: spec.cert_label, Attribute.ID: key_id,
            Attribute.VALUE: certificate.public_bytes(Encoding.DER),
            Attribute.SUBJECT: certificate.subject.public_bytes(),
        })
    return certificate
