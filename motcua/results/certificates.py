"""Signing keys for results: a demo PKI made on this machine, or a unit's real certificate.

Demo PKI (made by `ensure_demo_pki` / `ensure_unit_certificate`, idempotent, PEM files, RSA 2048):

    <directory>/demo-root-ca.cert.pem    root CA "motcua demo CA — Tỉnh Thái Nguyên (chỉ dùng thử)"
    <directory>/demo-root-ca.key.pem
    <directory>/units/<unit_code>.cert.pem   CN = unit name, O = "UBND tỉnh Thái Nguyên", OU = unit code;
    <directory>/units/<unit_code>.key.pem    keyUsage digitalSignature + nonRepudiation (critical),
                                             extKeyUsage documentSigning (RFC 9336) + emailProtection

The default directory is `settings.VAR_DIR / "pki"` (`default_pki_dir()`); every function takes the
directory as an argument so it works without Django. Keys are stored unencrypted with mode 0600: the
demo CA proves nothing outside this installation and its documents say so ("chỉ dùng thử"). A verifier
trusts it only when handed the root explicitly (`signing.verify_pdf(pdf, [ensure_demo_pki(dir)])`); the
back office's check page does so only while demo signing is allowed (settings.MOTCUA_ALLOW_DEMO_SIGNING).

Real certificates. A unit that owns a certificate issued by a licensed Vietnamese CA (the signing
certificate of an agency, issued under the Government CA / a public CA) is configured in settings:

    MOTCUA_SIGNING = {
        "19.STC.DKKD": {"pkcs12": "/etc/motcua/dkkd.p12", "passphrase_env": "MOTCUA_DKKD_P12_PASS"},
        "05443": {"cert": "/etc/motcua/05443.crt", "key": "/etc/motcua/05443.key",
                  "chain": ["/etc/motcua/ca-intermediate.crt"], "passphrase_env": "MOTCUA_05443_KEY_PASS"},
    }

This module does not read settings: the caller passes `settings.MOTCUA_SIGNING` (default `{}`) to
`signer_for_unit(...)`, or calls `load_signer` / `load_signer_pkcs12` itself. The passphrase is read
from the named environment variable, never stored in settings. Verification of such signatures needs
that CA's root certificate in `verify_pdf`'s trust roots.

Before signing, `check_signing_certificate` refuses a certificate that is not yet valid, expired, or
revoked according to the configured CRL files (`load_crls(settings.MOTCUA_CRLS)`; nothing is fetched,
so revocation is known only as far as those files are current).

Hardware tokens (USB tokens, HSM): a leader's own key on a PKCS#11 token is opened by
`motcua.results.tokens` (pyHanko's PKCS#11 signer, same interface as the signers returned here);
`issue_personal_certificate` lets the demo PKI certify such a key.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from pyhanko.keys import (
    load_certs_from_pemder,
    load_certs_from_pemder_data,
    load_private_key_from_pemder_data,
)
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.lib.vnformat import local_day

ROOT_CA_NAME = "motcua demo CA — Tỉnh Thái Nguyên (chỉ dùng thử)"
ROOT_CA_ORGANIZATION = "motcua (chỉ dùng thử)"
UNIT_ORGANIZATION = "UBND tỉnh Thái Nguyên"
PROVINCE = "Thái Nguyên"

ROOT_CERT_FILE = "demo-root-ca.cert.pem"
ROOT_KEY_FILE = "demo-root-ca.key.pem"
UNITS_DIR = "units"

# id-kp-documentSigning (RFC 9336). pyHanko accepts any EKU by default (its KeyUsageConstraints leave
# extd_key_usage unset) and requires nonRepudiation in keyUsage; emailProtection is added because NSS
# (poppler's pdfsig with certificate checks) validates signers for the "email signer" usage.
OID_DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")

RSA_BITS = 2048
ROOT_VALIDITY = dt.timedelta(days=20 * 365)
UNIT_VALIDITY = dt.timedelta(days=5 * 365)
BACKDATE = dt.timedelta(days=1)  # tolerate clock skew between the machine that signs and the one that checks
RENEW_BEFORE = dt.timedelta(days=30)
_UNIT_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class CertificateError(Exception):
    """A certificate or key cannot be used: missing file, wrong passphrase, mismatch, bad configuration."""


class NoCertificateError(CertificateError):
    """No signing certificate is configured for the unit, and the demo PKI may not stand in for one."""

    def __init__(self, unit_code: str, unit_name: str):
        super().__init__(f"no signing certificate configured for unit {unit_code} (MOTCUA_SIGNING)")
        self.message_vi = (
            f"Đơn vị {unit_name} chưa được cấu hình chứng thư số để ký số kết quả; không thể ký số. "
            "Vui lòng liên hệ quản trị hệ thống."
        )


class CertificateUnusable(CertificateError):
    """The unit's certificate exists but must not sign now: `reason` is "not_yet_valid", "expired" or
    "revoked"; `message_vi` is the sentence for the leader (unit, validity dates as dd/mm/yyyy)."""

    def __init__(self, reason: str, message_vi: str):
        super().__init__(message_vi)
        self.reason = reason
        self.message_vi = message_vi


# --------------------------------------------------------------------------- demo PKI


def default_pki_dir() -> Path:
    """`settings.VAR_DIR / "pki"`: the only function here that reads Django settings."""
    from django.conf import settings

    return Path(settings.VAR_DIR) / "pki"


def ensure_demo_pki(directory: str | os.PathLike) -> Path:
    """Create the demo root CA in `directory` unless a usable one is there; return the root certificate's path.

    A root that is expired (or within 30 days of it), or whose key does not match, is replaced; unit
    certificates it issued are then reissued by `ensure_unit_certificate`.
    """
    directory = Path(directory)
    cert_path, key_path = directory / ROOT_CERT_FILE, directory / ROOT_KEY_FILE
    with _locked(directory):
        if _usable_pair(cert_path, key_path, expected_cn=ROOT_CA_NAME, issuer=None):
            return cert_path
        now = _now()
        key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, PROVINCE),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, ROOT_CA_ORGANIZATION),
                _common_name(ROOT_CA_NAME),
            ]
        )
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(now + ROOT_VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256())
        )
        _write_pair(cert_path, key_path, cert, key)
        return cert_path


def ensure_unit_certificate(directory: str | os.PathLike, unit_code: str, unit_name: str) -> tuple[Path, Path]:
    """Return `(cert_path, key_path)` of the unit's demo signing certificate, issuing it if needed.

    Idempotent: an existing certificate is reused while it was issued by the current demo root, still
    names `unit_name`, matches its key and has more than 30 days left; otherwise a new key and
    certificate replace it.
    """
    if not _UNIT_CODE_RE.match(unit_code or ""):
        raise CertificateError(f"unit code {unit_code!r} cannot name a certificate file")
    unit_name = (unit_name or "").strip()
    if not unit_name:
        raise CertificateError(f"unit {unit_code!r} has no name to put in its certificate")
    directory = Path(directory)
    root_cert_path = ensure_demo_pki(directory)
    units = directory / UNITS_DIR
    cert_path, key_path = units / f"{unit_code}.cert.pem", units / f"{unit_code}.key.pem"
    with _locked(directory):
        root_cert = _read_cert(root_cert_path)
        if _usable_pair(cert_path, key_path, expected_cn=unit_name, issuer=root_cert, expected_ou=unit_code):
            return cert_path, key_path
        root_key = _read_key(directory / ROOT_KEY_FILE)
        now = _now()
        key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, PROVINCE),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, UNIT_ORGANIZATION),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit_code),
                _common_name(unit_name),
            ]
        )
        root_ski = root_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(root_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(min(now + UNIT_VALIDITY, root_cert.not_valid_after_utc))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([OID_DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), critical=False
            )
            .sign(root_key, hashes.SHA256())
        )
        units.mkdir(parents=True, exist_ok=True)
        _write_pair(cert_path, key_path, cert, key)
        return cert_path, key_path


def issue_personal_certificate(directory: str | os.PathLike, full_name: str, public_key, *,
                               unit_name: str = "") -> x509.Certificate:
    """A demo certificate for a person (a leader signing with his own key, kept on a token): the demo root
    certifies `public_key` (the key never leaves the token), CN = `full_name`, OU = `unit_name`. Same
    usages as a unit's certificate. Not stored here: the caller writes it onto the token."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise CertificateError("a personal certificate needs the person's name")
    directory = Path(directory)
    root_cert_path = ensure_demo_pki(directory)
    with _locked(directory):
        root_cert = _read_cert(root_cert_path)
        root_key = _read_key(directory / ROOT_KEY_FILE)
    now = _now()
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                  x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, PROVINCE),
                  x509.NameAttribute(NameOID.ORGANIZATION_NAME, UNIT_ORGANIZATION)]
    if unit_name:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit_name[:64]))
    attributes.append(_common_name(full_name))
    root_ski = root_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(root_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(min(now + UNIT_VALIDITY, root_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([OID_DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), critical=False)
        .sign(root_key, hashes.SHA256())
    )


def demo_signer(directory: str | os.PathLike, unit_code: str, unit_name: str) -> signers.SimpleSigner:
    """The unit's demo signer (certificate issued if needed), with the demo root in its chain."""
    cert_path, key_path = ensure_unit_certificate(directory, unit_code, unit_name)
    return load_signer(cert_path, key_path, chain_paths=(Path(directory) / ROOT_CERT_FILE,))


# --------------------------------------------------------------------------- loading signers


def load_signer(
    cert_path: str | os.PathLike,
    key_path: str | os.PathLike,
    chain_paths: Iterable[str | os.PathLike] = (),
    passphrase: str | bytes | None = None,
) -> signers.SimpleSigner:
    """A pyHanko signer from a certificate and its private key (PEM or DER files, key optionally encrypted).

    `chain_paths` are files with the intermediate (and optionally root) certificates, embedded in the
    signature so that verifiers can build the path. Raises CertificateError with the reason.
    """
    try:
        key_data = Path(key_path).read_bytes()
        cert_data = Path(cert_path).read_bytes()
    except OSError as exc:
        raise CertificateError(f"cannot read signing certificate or key: {exc}") from exc
    try:
        key_info = load_private_key_from_pemder_data(key_data, passphrase=_as_bytes(passphrase))
    except (ValueError, TypeError) as exc:
        raise CertificateError(f"cannot load private key {key_path} (wrong passphrase or format?): {exc}") from exc
    try:
        # A file holding the whole chain (leaf first, as CAs often deliver it) is accepted too.
        signing_cert, *bundled = load_certs_from_pemder_data(cert_data)
        x509.load_der_x509_certificate(signing_cert.dump())  # asn1crypto parses lazily: fail here, not later
    except (ValueError, TypeError) as exc:
        raise CertificateError(f"cannot load certificate {cert_path}: {exc}") from exc
    chain = bundled + _load_chain(chain_paths)
    _check_key_matches(key_info.dump(), signing_cert.dump(), cert_path)
    return signers.SimpleSigner(
        signing_cert=signing_cert,
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def load_signer_pkcs12(
    p12_path: str | os.PathLike,
    passphrase: str | bytes | None = None,
    chain_paths: Iterable[str | os.PathLike] = (),
) -> signers.SimpleSigner:
    """A pyHanko signer from a PKCS#12 file (.p12/.pfx, as Vietnamese CAs export software certificates).

    Certificates inside the file are embedded as the chain, plus those in `chain_paths`.
    """
    try:
        data = Path(p12_path).read_bytes()
    except OSError as exc:
        raise CertificateError(f"cannot read PKCS#12 file: {exc}") from exc
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=_load_chain(chain_paths), passphrase=_as_bytes(passphrase)
        )
    except ValueError as exc:
        raise CertificateError(f"cannot open PKCS#12 file {p12_path} (wrong passphrase or not PKCS#12?)") from exc


def signer_for_unit(
    directory: str | os.PathLike,
    unit_code: str,
    unit_name: str,
    config: Mapping[str, Mapping] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    allow_demo: bool = True,
) -> signers.SimpleSigner:
    """The signer for a unit: its configured real certificate if `config` (settings.MOTCUA_SIGNING) has one,
    else the demo certificate (unless `allow_demo` is False, as it should be in production).

    An entry is `{"pkcs12": path}` or `{"cert": path, "key": path, "chain": [paths]}`, each with an optional
    `"passphrase_env": "VARIABLE"` naming the environment variable that holds the passphrase.
    """
    entry = (config or {}).get(unit_code)
    if entry is None:
        if not allow_demo:
            raise NoCertificateError(unit_code, unit_name)
        return demo_signer(directory, unit_code, unit_name)
    environ = os.environ if environ is None else environ
    passphrase = None
    if entry.get("passphrase_env"):
        var = entry["passphrase_env"]
        if var not in environ:
            raise CertificateError(f"MOTCUA_SIGNING[{unit_code!r}]: environment variable {var} is not set")
        passphrase = environ[var]
    chain = entry.get("chain") or ()
    if isinstance(chain, str | os.PathLike):
        chain = (chain,)
    if entry.get("pkcs12"):
        return load_signer_pkcs12(entry["pkcs12"], passphrase, chain_paths=chain)
    if entry.get("cert") and entry.get("key"):
        return load_signer(entry["cert"], entry["key"], chain_paths=chain, passphrase=passphrase)
    raise CertificateError(f"MOTCUA_SIGNING[{unit_code!r}] needs either 'pkcs12' or both 'cert' and 'key'")


def load_certificate(path_or_cert) -> x509.Certificate:
    """A cryptography certificate from a path (PEM or DER), PEM/DER bytes, or a cryptography/asn1crypto object."""
    if isinstance(path_or_cert, x509.Certificate):
        return path_or_cert
    if hasattr(path_or_cert, "dump") and not isinstance(path_or_cert, bytes | str | os.PathLike):
        return x509.load_der_x509_certificate(path_or_cert.dump())  # asn1crypto
    data = path_or_cert if isinstance(path_or_cert, bytes) else _read_bytes(path_or_cert)
    return _parse_cert(data)


def load_crls(paths: Iterable[str | os.PathLike]) -> list[x509.CertificateRevocationList]:
    """Certificate revocation lists from files (DER, or PEM holding one or more CRLs): settings.MOTCUA_CRLS.

    Nothing is fetched: the operator keeps the files current (e.g. a daily job downloading each CA's CRL
    from the distribution point named in its certificates). An unreadable file is a CertificateError:
    a configured revocation list that cannot be read must not be silently skipped.
    """
    crls = []
    for path in paths or ():
        data = _read_bytes(path)
        try:
            if b"-----BEGIN" in data:
                blocks = re.findall(rb"-----BEGIN X509 CRL-----.+?-----END X509 CRL-----", data, re.S)
                if not blocks:
                    raise ValueError("no 'BEGIN X509 CRL' block")
                crls.extend(x509.load_pem_x509_crl(block) for block in blocks)
            else:
                crls.append(x509.load_der_x509_crl(data))
        except ValueError as exc:
            raise CertificateError(f"cannot load certificate revocation list {path}: {exc}") from exc
    return crls


def revocation_of(
    cert: x509.Certificate,
    crls: Iterable[x509.CertificateRevocationList],
    issuers: Iterable[x509.Certificate] = (),
) -> x509.RevokedCertificate | None:
    """The entry revoking `cert` in one of `crls`, or None.

    A CRL counts only if it was issued by `cert`'s issuer (same name) and, when the issuer's certificate
    is among `issuers` (the signer's chain, the trust roots), its signature verifies with that key. An
    out-of-date CRL still counts for what it lists: a listed certificate stays revoked (a hold included).
    """
    issuer_certs = [i for i in (load_certificate(i) for i in issuers) if i.subject == cert.issuer]
    for crl in crls:
        if crl.issuer != cert.issuer:
            continue
        if issuer_certs and not any(_crl_signed_by(crl, issuer) for issuer in issuer_certs):
            continue
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None:
            return entry
    return None


def check_signing_certificate(
    cert,
    unit_name: str,
    *,
    crls: Iterable[x509.CertificateRevocationList] = (),
    issuers: Iterable = (),
    now: dt.datetime | None = None,
    owner: str | None = None,
) -> None:
    """Raise CertificateUnusable unless `cert` may sign for `unit_name` at `now`: valid dates, not revoked
    in `crls`. Called before anything is rendered or signed, so a refusal leaves nothing behind. `owner`
    names whose certificate it is in the messages (a leader's own: "của ông/bà X"); default the unit's."""
    cert = load_certificate(cert)
    owner = owner or f"của đơn vị {unit_name}"
    now = now or dt.datetime.now(dt.UTC)
    start, end = local_day(cert.not_valid_before_utc), local_day(cert.not_valid_after_utc)
    tail = "; không thể ký số. Vui lòng liên hệ quản trị hệ thống."
    if now < cert.not_valid_before_utc:
        raise CertificateUnusable(
            "not_yet_valid",
            f"Chứng thư số {owner} chưa có hiệu lực (hiệu lực từ ngày {start} đến ngày {end})" + tail,
        )
    if now > cert.not_valid_after_utc:
        raise CertificateUnusable(
            "expired", f"Chứng thư số {owner} (hiệu lực từ ngày {start}) đã hết hạn ngày {end}" + tail
        )
    entry = revocation_of(cert, crls, issuers)
    if entry is not None:
        raise CertificateUnusable(
            "revoked",
            f"Chứng thư số {owner} (hiệu lực từ ngày {start} đến ngày {end}) đã bị thu hồi ngày "
            f"{local_day(entry.revocation_date_utc)}" + tail,
        )


def common_name(cert: x509.Certificate) -> str:
    values = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else cert.subject.rfc4514_string()


# --------------------------------------------------------------------------- helpers


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)




def _crl_signed_by(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    try:
        return crl.is_signature_valid(issuer.public_key())
    except (TypeError, ValueError):
        return False


def _common_name(value: str) -> x509.NameAttribute:
    # RFC 5280's upper bound for CN is 64 characters; some official unit names are longer, and the
    # certificate must carry the unit's full name, so the bound is not enforced (parsers accept it).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Attribute's length", UserWarning)
        return x509.NameAttribute(NameOID.COMMON_NAME, value, _validate=False)


def _key_usage(**enabled: bool) -> x509.KeyUsage:
    names = (
        "digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
        "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only",
    )
    return x509.KeyUsage(**{name: enabled.get(name, False) for name in names})


def _usable_pair(cert_path: Path, key_path: Path, *, expected_cn: str, issuer, expected_ou=None) -> bool:
    if not (cert_path.is_file() and key_path.is_file()):
        return False
    try:
        cert = _read_cert(cert_path)
        key = _read_key(key_path)
    except (ValueError, TypeError, OSError):
        return False
    if common_name(cert) != expected_cn:
        return False
    if expected_ou is not None:
        ous = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
        if not ous or ous[0].value != expected_ou:
            return False
    if cert.not_valid_after_utc - RENEW_BEFORE < _now() or cert.not_valid_before_utc > _now():
        return False
    if _public_der(key.public_key()) != _public_der(cert.public_key()):
        return False
    if issuer is not None:
        try:
            cert.verify_directly_issued_by(issuer)
        except (InvalidSignature, ValueError, TypeError):
            return False
    return True


def _public_der(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _check_key_matches(key_der: bytes, cert_der: bytes, cert_path) -> None:
    key = serialization.load_der_private_key(key_der, password=None)
    cert = x509.load_der_x509_certificate(cert_der)
    if _public_der(key.public_key()) != _public_der(cert.public_key()):
        raise CertificateError(f"the private key does not belong to certificate {cert_path}")


def _load_chain(paths: Iterable[str | os.PathLike]) -> list:
    paths = [str(p) for p in paths]
    if not paths:
        return []
    try:
        return list(load_certs_from_pemder(paths))
    except (OSError, ValueError, TypeError) as exc:
        raise CertificateError(f"cannot load chain certificates {paths}: {exc}") from exc


def _as_bytes(passphrase: str | bytes | None) -> bytes | None:
    if passphrase is None or isinstance(passphrase, bytes):
        return passphrase
    return passphrase.encode("utf-8")


def _read_bytes(path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CertificateError(f"cannot read certificate: {exc}") from exc


def _parse_cert(data: bytes) -> x509.Certificate:
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def _read_cert(path: Path) -> x509.Certificate:
    return _parse_cert(path.read_bytes())


def _read_key(path: Path):
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def _write_pair(cert_path: Path, key_path: Path, cert: x509.Certificate, key) -> None:
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _atomic_write(key_path, key_pem, mode=0o600)  # key first: a certificate on disk always has its key
    _atomic_write(cert_path, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)


def _atomic_write(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _locked(directory: Path):
    """Serialise PKI creation between processes (web workers, the demo generator) on POSIX."""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: single-process development only
        yield
        return
    with open(directory / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
