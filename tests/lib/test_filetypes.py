"""Upload kinds are read from the content; names only make a mismatch visible."""

import io
import os
import sys
import zipfile
from pathlib import Path

import pytest

from motcua.lib.filetypes import (
    HEAD_BYTES,
    JPEG,
    PDF,
    PNG,
    UploadRefused,
    check_upload,
    claimed_by_name,
    sniff,
)


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


# Real files, made by the libraries that write them, through the one upload rule (`check_upload`).

def _pdf() -> bytes:
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "To khai")
    page.save()
    return buffer.getvalue()


def _image(format_: str) -> bytes:
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format=format_)
    return buffer.getvalue()


def _docx() -> bytes:
    """A minimal WordprocessingML package, as Word writes it ([Content_Types].xml first)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.'
                         'org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
                         'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        package.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                         'wordprocessingml/2006/main"><w:body/></w:document>')
    return buffer.getvalue()


def _xlsx() -> bytes:
    import openpyxl
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def _check(name: str, content: bytes, limit: int = 10 * 1024 * 1024):
    return check_upload(name, len(content), content[:HEAD_BYTES], limit)


@pytest.mark.parametrize(("name", "make", "kind"), [
    ("to-khai.pdf", _pdf, PDF), ("anh.png", lambda: _image("PNG"), PNG), ("anh.jpg", lambda: _image("JPEG"), JPEG),
    ("scan", _pdf, PDF),  # no extension: the content alone decides
])
def test_real_files_of_the_accepted_kinds_pass(name, make, kind):
    assert _check(name, make()) == kind


@pytest.mark.parametrize(("name", "make"), [
    ("don.docx", _docx), ("bang.xlsx", _xlsx), ("anh.gif", lambda: _image("GIF")),
    ("giay-to.pdf", lambda: Path(os.path.realpath(sys.executable)).read_bytes()[:HEAD_BYTES]),  # an executable
    ("giay-to.pdf", lambda: b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
    ("ghi-chu.pdf", lambda: "Giấy tờ bằng chữ thường".encode()),
])
def test_other_files_are_refused_whatever_their_name(name, make):
    with pytest.raises(UploadRefused, match="không phải tệp PDF, PNG hoặc JPEG"):
        _check(name, make())


def test_a_name_that_lies_about_an_accepted_kind_is_refused():
    with pytest.raises(UploadRefused, match="mang tên tệp PDF nhưng nội dung là PNG"):
        _check("to-khai.pdf", _image("PNG"))


def test_size_rules_come_before_the_content():
    with pytest.raises(UploadRefused, match="rỗng"):
        check_upload("to-khai.pdf", 0, b"", 1024)
    with pytest.raises(UploadRefused, match=r"1,5 MB, vượt quá giới hạn 1,0 MB"):
        check_upload("to-khai.pdf", 1024 * 1024 * 3 // 2, _pdf()[:HEAD_BYTES], 1024 * 1024)
