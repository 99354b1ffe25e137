"""The visible signature: the renderer reports where the signer block left room, the signature field is placed
there with a stamp ("Ký bởi", "Cơ quan", "Thời gian ký") drawn in a font with the Vietnamese glyphs, and both
validators still accept the signature. No database; pdfsig and pdftotext are required (poppler-utils)."""

import datetime as dt
import re
import subprocess
from html import unescape
from io import BytesIO

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.results.certificates import demo_signer, ensure_demo_pki
from motcua.results.documents import PAGE_SIZE, render_official_layout
from motcua.results.signing import VisibleSignature, sign_pdf, verify_pdf
from tests.results.test_signing import pdfsig, tool

UNIT = ("05443", "UBND phường Phan Đình Phùng")
AGENCY = "Ủy ban nhân dân phường Phan Đình Phùng, tỉnh Thái Nguyên (Bộ phận Một cửa)"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pki")
    return directory, ensure_demo_pki(directory)


def _layout(paragraphs=("Chứng thực bản sao đúng với bản chính.",)):
    return render_official_layout(
        "TRÍCH LỤC KHAI SINH\n(Bản chính)", UNIT[1], "7/TLKS", dt.date(2026, 1, 5), list(paragraphs),
        signer_title="Người ký trích lục", signer_name="Lê Văn Lãnh",
        field_lines=[[("Họ, chữ đệm, tên", "NGUYỄN MINH KHÔI")], [("Giới tính", "Nam"), ("Dân tộc", "Kinh")]])


def _signed(pki, layout):
    directory, _root = pki
    box = layout.signature_box
    return sign_pdf(layout.pdf, demo_signer(directory, *UNIT),
                    visible=VisibleSignature(box.page, box.box, UNIT[1], AGENCY))


def _field(content: bytes):
    reader = PdfFileReader(BytesIO(content), strict=False)
    fields = [f.get_object() for f in reader.root["/AcroForm"]["/Fields"]]
    field = next(f for f in fields if f["/T"] == "ChuKyDonVi")
    pages = [i for i, page in enumerate(reader.root["/Pages"]["/Kids"])
             if any(a.get_object() is field or a.get_object().get("/Parent") is field
                    for a in page.get_object().get("/Annots", []))]
    return field, pages


def _words(content: bytes, tmp_path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, x1, y1, x2, y2) in PDF points from the bottom-left corner, as pdftotext -bbox reads them."""
    source = tmp_path / "words.pdf"
    source.write_bytes(content)
    run = subprocess.run([tool("pdftotext"), "-bbox", "-f", str(page + 1), "-l", str(page + 1), str(source), "-"],
                         capture_output=True, check=True)
    height = PAGE_SIZE[1]
    return [(unescape(w).strip(), float(x1), height - float(y2), float(x2), height - float(y1))
            for x1, y1, x2, y2, w in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                                                  r"([^<]*)</word>", run.stdout.decode("utf-8")) if w.strip()]


def test_the_renderer_reports_the_room_left_for_the_signature():
    box = _layout().signature_box
    x1, y1, x2, y2 = box.box
    assert box.page == 0
    assert round(y2 - y1) == 68  # 24 mm
    assert x1 > PAGE_SIZE[0] / 2 and x2 == pytest.approx(PAGE_SIZE[0] - 15 * 72 / 25.4, abs=0.5)  # right column
    # A document without a signer block has no room, and a long one carries the block to its last page.
    assert render_official_layout("THÔNG BÁO", UNIT[1], "1", dt.date(2026, 1, 5), ["Nội dung."]).signature_box is None
    long = _layout(["Đoạn văn dài để văn bản sang trang thứ hai. " * 12] * 8)
    assert long.signature_box.page == 1


def test_the_visible_signature_sits_over_the_signer_block_and_validates(pki, tmp_path):
    layout = _layout()
    content = _signed(pki, layout)

    field, pages = _field(content)
    assert pages == [layout.signature_box.page]
    assert [float(v) for v in field["/Rect"]] == pytest.approx(layout.signature_box.box, abs=0.01)
    appearance = field["/AP"]["/N"].get_object()
    assert len(appearance.data) > 100 and b"TJ" in appearance.data  # a drawn text stamp, not an empty stream

    root = load_cert_from_pemder(str(pki[1]))
    signature = PdfFileReader(BytesIO(content), strict=False).embedded_signatures[0]
    status = validate_pdf_signature(signature, signer_validation_context=ValidationContext(
        trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail"))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert verify_pdf(content, [pki[1]]).valid
    out = pdfsig(content, tmp_path, "-nocert")
    assert "Signature Validation: Signature is Valid." in out and "Total document signed" in out

    # The stamp reads back exactly, Vietnamese letters included, and stays inside its box: the font's
    # widths are right (a 2048-unit font read as a 1000-unit one would spill out, letter-spaced).
    words = _words(content, tmp_path, 0)
    x1, y1, x2, y2 = layout.signature_box.box
    inside = [w for w in words if w[1] >= x1 - 0.5 and w[3] <= x2 + 0.5 and w[2] >= y1 - 0.5 and w[4] <= y2 + 0.5]
    text = " ".join(" ".join(w[0] for w in inside).split())
    assert re.fullmatch(re.escape(f"Ký bởi: {UNIT[1]} Cơ quan: {AGENCY} Thời gian ký: ") + r"\d\d/\d\d/\d{4} \d\d:\d\d",
                        text), text
    outside = " ".join(w[0] for w in words if w not in inside)
    assert "Ký bởi" not in outside and "Thời gian ký" not in outside and "Bộ phận Một cửa" not in outside


def test_without_a_box_the_signature_stays_invisible(pki):
    directory, root = pki
    content = sign_pdf(_layout().pdf, demo_signer(directory, *UNIT))
    field, _pages = _field(content)
    assert [float(v) for v in field.get("/Rect", [0, 0, 0, 0])] == [0, 0, 0, 0]
    assert verify_pdf(content, [root]).valid
