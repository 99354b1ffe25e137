"""Upload kinds are read from the content; names only make a mismatch visible."""

import pytest

from motcua.lib.filetypes import JPEG, PDF, PNG, claimed_by_name, sniff


@pytest.mark.parametrize(("head", "kind"), [
    (b"%PDF-1.7\n%\xe2\xe3", PDF), (b"\x89PNG\r\n\x1a\n\x00\x00", PNG), (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
    (b"GIF89a", None), (b"PK\x03\x04", None), (b"", None), (b"%PD", None), (b"<html>", None),
])
def test_sniff_reads_magic_bytes(head, kind):
    assert sniff(head) == kind


@pytest.mark.parametrize(("name", "kind"), [
    ("to-khai.PDF", PDF), ("anh.jpeg", JPEG), ("anh.jpg", JPEG), ("scan.png", PNG), ("scan", None),
    ("giay-to.docx", None), ("", None),
])
def test_claimed_by_name(name, kind):
    assert claimed_by_name(name) == kind
