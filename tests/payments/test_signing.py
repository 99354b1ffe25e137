"""The signature both sides compute (motcua/lib/hmacsign.py): fields sorted by name, k=v joined with &."""

import hashlib
import hmac

from motcua.lib import hmacsign


def test_the_signed_text_is_the_fields_sorted_by_name_without_the_signature():
    fields = {"SoTien": 2000, "MaDonHang": "TT1", "ChuKy": "ignored", "MaDoiTac": "M"}
    assert hmacsign.canonical(fields) == "MaDoiTac=M&MaDonHang=TT1&SoTien=2000"


def test_the_signature_is_hmac_sha256_hex_of_that_text():
    expected = hmac.new(b"secret", b"a=1&b=x y", hashlib.sha256).hexdigest()
    assert hmacsign.signature({"b": "x y", "a": 1}, "secret") == expected
    assert hmacsign.signed({"b": "x y", "a": 1}, "secret") == {"a": "1", "b": "x y", "ChuKy": expected}


def test_the_order_of_the_fields_given_does_not_matter():
    assert hmacsign.signature({"a": "1", "b": "2"}, "k") == hmacsign.signature({"b": "2", "a": "1"}, "k")


def test_any_change_breaks_the_signature():
    good = hmacsign.signed({"MaDonHang": "TT1", "SoTien": "2000"}, "k")
    assert hmacsign.verify(good, "k")
    assert not hmacsign.verify({**good, "SoTien": "20000"}, "k")
    assert not hmacsign.verify({**good, "Them": "1"}, "k")
    assert not hmacsign.verify({k: v for k, v in good.items() if k != "SoTien"}, "k")
    assert not hmacsign.verify(good, "another secret")
    assert not hmacsign.verify({k: v for k, v in good.items() if k != "ChuKy"}, "k")
    assert not hmacsign.verify({**good, "ChuKy": ""}, "k")
    assert not hmacsign.verify(good, "")
