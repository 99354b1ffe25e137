"""RFC 4226 / RFC 6238 test vectors for the administrators' second factor."""

import base64

import pytest

from motcua.lib import totp

RFC_KEY = b"12345678901234567890"
RFC_SECRET = base64.b32encode(RFC_KEY).decode()


def test_hotp_matches_rfc_4226_appendix_d():
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [totp.hotp(RFC_KEY, counter) for counter in range(10)] == expected


@pytest.mark.parametrize(("unix_time", "code"), [
    (59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"),
    (2000000000, "69279037"), (20000000000, "65353130"),
])
def test_totp_matches_rfc_6238_appendix_b_sha1(unix_time, code):
    assert totp.hotp(RFC_KEY, totp.step_at(unix_time), digits=8) == code
    assert totp.code_at(RFC_SECRET, unix_time) == code[-6:]


def test_one_step_of_drift_is_accepted_two_are_not():
    now = 1_700_000_000
    for drift, accepted in ((-60, False), (-30, True), (0, True), (30, True), (60, False)):
        code = totp.code_at(RFC_SECRET, now + drift)
        assert (totp.matching_step(RFC_SECRET, code, now) is not None) is accepted, drift


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "abcdef", None])
def test_malformed_codes_never_match(bad):
    assert totp.matching_step(RFC_SECRET, bad, 1_700_000_000) is None


def test_new_secrets_are_160_bit_base32_and_the_uri_names_the_issuer():
    secret = totp.new_secret()
    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) == 20
    uri = totp.provisioning_uri(secret, "quantri", "motcua Thái Nguyên")
    assert uri.startswith("otpauth://totp/motcua%20Th%C3%A1i%20Nguy%C3%AAn%3Aquantri?") and f"secret={secret}" in uri
