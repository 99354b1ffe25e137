"""Signing a set of fields with HMAC-SHA256, the way payment platforms do (interop.md §2).

The signed text is every field except the signature itself, sorted by name, written `name=value` and joined
with `&`, values as they are (no URL encoding): `MaDoiTac=M&MaDonHang=TT1&SoTien=2000`. The signature is the
lowercase hex digest. motcua and the payment platform's stand-in sign and check with these functions, so
the two sides can never drift apart. Pure, stdlib only.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SIGNATURE_FIELD = "ChuKy"


def canonical(fields: Mapping[str, object]) -> str:
    """The text that is signed: the fields but the signature, sorted by name, `k=v` joined with `&`."""
    return "&".join(f"{name}={fields[name]}" for name in sorted(fields) if name != SIGNATURE_FIELD)


def signature(fields: Mapping[str, object], secret: str) -> str:
    if not secret:
        raise ValueError("an empty secret signs nothing")
    return hmac.new(secret.encode("utf-8"), canonical(fields).encode("utf-8"), hashlib.sha256).hexdigest()


def signed(fields: Mapping[str, object], secret: str) -> dict[str, str]:
    """The fields as strings with their signature added under `ChuKy`."""
    out = {name: str(value) for name, value in fields.items() if name != SIGNATURE_FIELD}
    out[SIGNATURE_FIELD] = signature(out, secret)
    return out


def verify(fields: Mapping[str, object], secret: str) -> bool:
    """True when `fields` carry a signature that matches them (compared in constant time)."""
    given = fields.get(SIGNATURE_FIELD)
    if not isinstance(given, str) or not given or not secret:
        return False
    return hmac.compare_digest(given.lower(), signature(fields, secret))
