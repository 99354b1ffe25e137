"""Test PKI material beyond what the demo PKI makes: certificates with chosen validity dates, issued by
the demo root of a directory, and CRLs revoking them (signed by that root, or by a stranger)."""

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from motcua.results.certificates import (
    OID_DOCUMENT_SIGNING,
    ROOT_KEY_FILE,
    UNIT_ORGANIZATION,
    ensure_demo_pki,
)

_KEY = None


def _unit_key():
    # One key for every test certificate: RSA generation is the slow part and the key is not under test.
    global _KEY
    if _KEY is None:
        _KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return _KEY


def demo_root(directory: Path):
    """(certificate, private key) of the demo root in `directory`, made if needed."""
    cert_path = ensure_demo_pki(directory)
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key((Path(directory) / ROOT_KEY_FILE).read_bytes(), password=None)
    return cert, key


def issue_unit_certificate(directory: Path, unit_code: str, unit_name: str, *, not_before: dt.datetime,
                           not_after: dt.datetime, out: Path) -> tuple[Path, Path, x509.Certificate]:
    """A signing certificate for the unit issued by `directory`'s demo root with the given validity, written
    to `out/<unit_code>.crt` and `.key`: (cert path, key path, certificate)."""
    root_cert, root_key = demo_root(directory)
    key = _unit_key()
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, UNIT_ORGANIZATION),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit_code),
        x509.NameAttribute(NameOID.COMMON_NAME, unit_name),
    ])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([OID_DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                       critical=False)
        .sign(root_key, hashes.SHA256())
    )
    out.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = out / f"{unit_code}.crt", out / f"{unit_code}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path, cert


def write_crl(directory: Path, revoked: list[tuple[x509.Certificate, dt.datetime]], path: Path, *,
              signer_key=None, pem: bool = True) -> Path:
    """A CRL issued under `directory`'s demo root listing `revoked` (certificate, revocation time), signed by
    the root's key (or by `signer_key`, to forge one), valid from yesterday to next week."""
    root_cert, root_key = demo_root(directory)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root_cert.subject)
        .last_update(now - dt.timedelta(days=1))
        .next_update(now + dt.timedelta(days=7))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
    )
    for cert, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(cert.serial_number).revocation_date(when).build()
        )
    crl = builder.sign(signer_key or root_key, hashes.SHA256())
    path.write_bytes(crl.public_bytes(serialization.Encoding.PEM if pem else serialization.Encoding.DER))
    return path
