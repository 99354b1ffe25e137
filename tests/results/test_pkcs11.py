"""A leader's own key on a PKCS#11 token: SoftHSM2 (Debian's softhsm2, installed by dev.py) in a temporary
directory, a key pair generated on the token, its certificate issued by the demo PKI and written beside it.

SoftHSM reads SOFTHSM2_CONF once per process (when the module is first initialised), so the token is made
once per test session (`softhsm_token`), before anything loads the module; tests use distinct objects.
poppler's pdfsig, with the demo root trusted in an NSS database, accepts what the token signed.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from motcua.results import certificates, signing, tokens
from motcua.results.documents import render_official_document

PIN = "246810"
SO_PIN = "13579135"
TOKEN_LABEL = "lanhdao-stc"
KEY_LABEL = "ky-so-ca-nhan"
LEADER = "Bùi Văn Tài"


@dataclass(frozen=True)
class Token:
    spec: tokens.TokenSpec
    pin: str
    pki: Path  # the demo PKI that certified the key
    setting: dict  # as in settings.MOTCUA_SIGNING_TOKENS


def _pki_dir() -> Path:
    """The back office's demo PKI (VAR_DIR/pki), so that its trust roots cover the token's certificate."""
    from motcua.office import pdfs

    return Path(pdfs.pki_dir())


_made: list[Token] = []  # the fixture is imported by tests/office too: one token per process, whoever asks first


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory) -> Token:
    if _made:
        return _made[0]
    module = tokens.find_module()
    util = shutil.which("softhsm2-util")
    if module is None or util is None:
        pytest.fail("SoftHSM2 is missing: install Debian's softhsm2 (python dev.py test does)")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read by the module in this process and by softhsm2-util
    subprocess.run([util, "--init-token", "--free", "--label", TOKEN_LABEL, "--pin", PIN, "--so-pin", SO_PIN],
                   check=True, capture_output=True)
    spec = tokens.TokenSpec(module=module, token_label=TOKEN_LABEL, key_label=KEY_LABEL, cert_label=KEY_LABEL)
    pki = _pki_dir()
    tokens.enrol_demo_token(spec, PIN, LEADER, pki, unit_name="Sở Tài chính")
    _made.append(Token(spec, PIN, pki, {"module": module, "token_label": TOKEN_LABEL, "key_label": KEY_LABEL}))
    return _made[0]


def _pdf() -> bytes:
    import datetime as dt

    return render_official_document("KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "Sở Tài chính", "KQ-TEST",
                                    dt.date(2025, 11, 5), ["Cấp Giấy chứng nhận số 17A8000123."])


def pdfsig_trusting(root: Path, pdf: bytes, folder: Path) -> str:
    for tool in ("pdfsig", "certutil"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: install Debian's poppler-utils and libnss3-tools (CI does)")
    nss = folder / "nssdb"
    nss.mkdir()
    db = f"sql:{nss}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", db, "-n", "motcua demo CA", "-t", ",C,", "-i", str(root)],
                   check=True, capture_output=True)
    source = folder / "signed.pdf"
    source.write_bytes(pdf)
    run = subprocess.run(["pdfsig", "-nssdir", db, str(source)], capture_output=True, timeout=60)
    return run.stdout.decode("utf-8") + run.stderr.decode("utf-8", "replace")


def test_the_key_never_leaves_the_token_and_signs_a_pdf_pdfsig_trusts(softhsm_token, tmp_path):
    with tokens.token_signer(softhsm_token.spec, softhsm_token.pin) as signer:
        assert certificates.common_name(certificates.load_certificate(signer.signing_cert)) == LEADER
        signed = signing.sign_pdf(_pdf(), signer, reason="Phê duyệt kết quả hồ sơ KQ-TEST")
    root = certificates.ensure_demo_pki(softhsm_token.pki)
    check = signing.verify_pdf(signed, [root])
    assert check.valid and check.trusted and check.signer_name == LEADER
    out = pdfsig_trusting(root, signed, tmp_path)
    assert "Signature Validation: Signature is Valid." in out
    assert "Certificate Validation: Certificate is Trusted." in out
    assert LEADER in out


def test_the_private_key_is_not_extractable(softhsm_token):
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    token = pkcs11.lib(softhsm_token.spec.module).get_token(token_label=TOKEN_LABEL)
    with token.open(user_pin=PIN) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=KEY_LABEL)
        assert key[Attribute.SENSITIVE] and not key[Attribute.EXTRACTABLE]


def test_a_wrong_or_empty_pin_is_refused_and_nothing_is_signed(softhsm_token):
    for pin in ("000000", ""):
        with pytest.raises(tokens.WrongPin), tokens.token_signer(softhsm_token.spec, pin):
            pytest.fail("the token opened with a wrong PIN")
    # The right PIN still works afterwards (SoftHSM counts, but a few tries do not lock it here).
    with tokens.token_signer(softhsm_token.spec, softhsm_token.pin) as signer:
        assert signer.signing_cert is not None


def test_a_missing_token_key_or_module_is_unavailable_not_a_pin_problem(softhsm_token):
    spec = softhsm_token.spec
    for wrong in (tokens.TokenSpec(spec.module, "khong-co", KEY_LABEL, KEY_LABEL),
                  tokens.TokenSpec(spec.module, TOKEN_LABEL, "khoa-khac", "khoa-khac"),
                  tokens.TokenSpec("/khong/co/module.so", TOKEN_LABEL, KEY_LABEL, KEY_LABEL)):
        with pytest.raises(tokens.TokenUnavailable), tokens.token_signer(wrong, softhsm_token.pin):
            pytest.fail(f"signed with {wrong}")
    with pytest.raises(tokens.TokenUnavailable):
        tokens.TokenSpec.from_setting({"module": spec.module, "token_label": TOKEN_LABEL})
