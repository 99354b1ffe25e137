"""Official-looking Vietnamese PDFs (văn bản hành chính) with reportlab, laid out after Decree 30/2020/NĐ-CP.

    render_official_document(title, issuer, number, date, paragraphs, table=None, qr_text=None,
                             signer_title=None, *, signer_name=None, place="Thái Nguyên",
                             recipients=None, qr_caption=None) -> bytes

Used for the receipt slip (giấy tiếp nhận hồ sơ và hẹn trả kết quả), the supplement request, the
refusal, the apology letter, the control sheet, the result, and later the weekly report.

Layout: the issuing body top left (a parent body on the first line when `issuer` has two lines, the
issuing body in bold, a short rule, "Số: …"), the national name and motto top right with a rule under
the motto and the italic place-and-date line; the title centred in bold (several lines allowed); the
body justified with a first-line indent; an optional table whose cells wrap (first row = header);
then the optional QR code and recipients on the left and the signer block on the right. Page numbers
appear from page 2, top centre.

Text is normalised to NFC and drawn with a TrueType font that has the Vietnamese glyphs (DejaVu Sans
from Debian's fonts-dejavu-core; otherwise the first font under the usual font folders that covers
Vietnamese), embedded as a subset with a ToUnicode map, so copied or extracted text is exact.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
DEFAULT_PLACE = "Thái Nguyên"

FONT_FAMILY = "MotcuaVi"
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_SEARCH_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts/Supplemental"),
    Path("C:/Windows/Fonts"),
)
PREFERRED_FALLBACKS = (
    "DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf", "LiberationSerif-Regular.ttf",
    "NotoSerif-Regular.ttf", "Arial.ttf", "Times New Roman.ttf", "times.ttf",
)
# Every precomposed Vietnamese letter: a font lacking any of them would print boxes.
VIETNAMESE_LETTERS = (
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệ"
    "ỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ"
)

PAGE_SIZE = A4
MARGINS = {"leftMargin": 30 * mm, "rightMargin": 15 * mm, "topMargin": 20 * mm, "bottomMargin": 20 * mm}
HEADER_RIGHT = 92 * mm  # the national name in 10.5 pt DejaVu Sans Bold is 85 mm: it stays on one line


class FontNotFoundError(RuntimeError):
    """No TrueType font with Vietnamese glyphs was found."""


# --------------------------------------------------------------------------- fonts


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register the Vietnamese font family with reportlab once; return its name (for styles).

    Faces: FONT_FAMILY (regular), -Bold, -Italic, -BoldItalic. Italic faces fall back to the upright
    ones when the font has none installed (fonts-dejavu-core has no oblique DejaVu Sans).
    """
    regular, bold, italic, bold_italic = find_font_files()
    faces = {
        FONT_FAMILY: regular,
        f"{FONT_FAMILY}-Bold": bold or regular,
        f"{FONT_FAMILY}-Italic": italic or regular,
        f"{FONT_FAMILY}-BoldItalic": bold_italic or bold or italic or regular,
    }
    for name, path in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        FONT_FAMILY,
        normal=FONT_FAMILY,
        bold=f"{FONT_FAMILY}-Bold",
        italic=f"{FONT_FAMILY}-Italic",
        boldItalic=f"{FONT_FAMILY}-BoldItalic",
    )
    return FONT_FAMILY


def find_font_files() -> tuple[Path, Path | None, Path | None, Path | None]:
    """(regular, bold, italic, bold italic) TTF paths: DejaVu Sans if present, else a font found by search.

    `MOTCUA_FONT_REGULAR` / `MOTCUA_FONT_BOLD` (environment) name the files explicitly.
    """
    explicit = os.environ.get("MOTCUA_FONT_REGULAR")
    if explicit:
        regular = Path(explicit)
        if not regular.is_file() or not _covers_vietnamese(regular):
            raise FontNotFoundError(f"MOTCUA_FONT_REGULAR={explicit} is not a TrueType font with Vietnamese glyphs")
        bold = Path(os.environ["MOTCUA_FONT_BOLD"]) if os.environ.get("MOTCUA_FONT_BOLD") else None
        return regular, bold if bold and bold.is_file() else None, None, None
    dejavu = DEJAVU_DIR / "DejaVuSans.ttf"
    if dejavu.is_file():
        return dejavu, *(_existing(DEJAVU_DIR / f"DejaVuSans-{s}.ttf") for s in ("Bold", "Oblique", "BoldOblique"))
    candidates = [p for d in FONT_SEARCH_DIRS if d.is_dir() for p in d.rglob("*.[tT][tT][fF]")]
    # Well-known text families first, in this order; then any other upright text font.
    rank = {name.lower(): i for i, name in enumerate(PREFERRED_FALLBACKS)}
    candidates.sort(key=lambda p: (rank.get(p.name.lower(), len(rank)), str(p)))
    for path in candidates:
        if any(word in path.stem.lower() for word in ("math", "symbol", "emoji", "icon", "mono")):
            continue
        if _style_of(path.stem) == "regular" and _covers_vietnamese(path):
            siblings = {_style_of(p.stem): p for p in path.parent.glob("*.[tT][tT][fF]") if _same_family(p, path)}
            return path, siblings.get("bold"), siblings.get("italic"), siblings.get("bolditalic")
    raise FontNotFoundError(
        "No TrueType font with Vietnamese glyphs found: install Debian's fonts-dejavu-core "
        f"({DEJAVU_DIR / 'DejaVuSans.ttf'}) or set MOTCUA_FONT_REGULAR / MOTCUA_FONT_BOLD."
    )


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


def _covers_vietnamese(path: Path) -> bool:
    try:
        cmap = TTFontFile(str(path)).charToGlyph
    except Exception:  # noqa: BLE001 - unreadable, collection or PostScript-outline font: not usable
        return False
    return all(ord(ch) in cmap for ch in VIETNAMESE_LETTERS)


_STYLE_WORDS = ("bolditalic", "boldoblique", "bold", "italic", "oblique")


def _style_of(stem: str) -> str:
    low = stem.lower().replace("-", "").replace("_", "")
    for word in _STYLE_WORDS:
        if low.endswith(word):
            return {"boldoblique": "bolditalic", "oblique": "italic"}.get(word, word)
    if low.endswith("regular") or not any(w in low for w in ("light", "thin", "black", "condensed", "mono")):
        return "regular"
    return "other"


def _family_stem(stem: str) -> str:
    low = stem.lower().replace("-", "").replace("_", "")
    for word in (*_STYLE_WORDS, "regular"):
        if low.endswith(word):
            return low[: -len(word)]
    return low


def _same_family(path: Path, regular: Path) -> bool:
    return _family_stem(path.stem) == _family_stem(regular.stem)


# --------------------------------------------------------------------------- document


@dataclass(frozen=True)
class SignatureBox:
    """Where the signer block left room for the signature: a 0-based page index and (x1, y1, x2, y2) in PDF
    points from the page's bottom-left corner, as pyHanko's signature field wants it."""

    page: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes
    signature_box: SignatureBox | None  # None when the document has no signer block


def render_official_document(*args, **kwargs) -> bytes:
    """The PDF bytes of `render_official_layout` (same arguments)."""
    return render_official_layout(*args, **kwargs).pdf


def render_official_layout(
    title: str,
    issuer: str,
    number: str,
    date: dt.date,
    paragraphs: list[str],
    table: list[list[str]] | None = None,
    qr_text: str | None = None,
    signer_title: str | None = None,
    *,
    signer_name: str | None = None,
    place: str = DEFAULT_PLACE,
    recipients: list[str] | None = None,
    qr_caption: str | None = None,
    field_lines: list[list[tuple[str, str]]] | None = None,
    intro: list[str] | None = None,
) -> RenderedDocument:
    """Render an A4 administrative document and return the PDF bytes.

    `issuer`: the issuing body, e.g. "UBND phường Phan Đình Phùng", or two lines "UBND tỉnh Thái Nguyên\\n
    Sở Tài chính" (parent body, then the issuing body), printed in capitals. `number`: "15/GTN" or
    "Số: 15/GTN". `date`: a date or datetime. `title`: printed as given, bold and centred; "\\n" breaks
    lines. `paragraphs`: plain text (no markup), one paragraph each. `table`: rows of cell texts, the
    first row being the header. `qr_text`: the QR code's content (e.g. the lookup address), drawn bottom
    left with `qr_caption` under it. `signer_title` (e.g. "Người tiếp nhận", "KT. Chủ tịch\\nPhó Chủ tịch")
    and `signer_name` form the signer block bottom right, with room for the signature; the result says
    where that room was drawn (`signature_box`), so a visible signature can be placed over it.
    `field_lines` (a result's "Nhãn: giá trị" lines, several fields side by side on one line) come after
    the `intro` paragraphs and before `paragraphs`.
    """
    font = register_fonts()
    styles = _styles(font)
    width = PAGE_SIZE[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]

    story = [_header(styles, issuer, number, date, place, width), Spacer(1, 8 * mm)]
    for line in _nfc(title).split("\n"):
        story.append(Paragraph(_text(line), styles["title"]))
    story.append(Spacer(1, 5 * mm))
    for text in intro or ():
        story.append(Paragraph(_text(text), styles["body"]))
    for line in field_lines or ():
        story.append(Paragraph(_field_line(line), styles["field"]))
    if field_lines:
        story.append(Spacer(1, 3 * mm))
    for text in paragraphs:
        story.append(Paragraph(_text(text), styles["body"]))
    if table:
        story += [Spacer(1, 2 * mm), _table(styles, table, width), Spacer(1, 4 * mm)]
    story.append(Spacer(1, 6 * mm))
    boxes: list[SignatureBox] = []
    footer = _footer(styles, width, qr_text, qr_caption, signer_title, signer_name, recipients, boxes)
    if footer is not None:
        story.append(KeepTogether([footer]))

    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        title=_nfc(title).replace("\n", " "),
        author=_nfc(issuer).replace("\n", " - "),
        subject=_nfc(title).replace("\n", " "),
        creator="motcua",
        lang="vi-VN",
        **MARGINS,
    )

    def later_pages(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 11)
        canvas.drawCentredString(PAGE_SIZE[0] / 2 + (MARGINS["leftMargin"] - MARGINS["rightMargin"]) / 2,
                                 PAGE_SIZE[1] - 12 * mm, str(document.page))
        canvas.restoreState()

    doc.build(story, onLaterPages=later_pages)
    return RenderedDocument(buffer.getvalue(), boxes[-1] if boxes else None)


def format_place_date(place: str, date: dt.date) -> str:
    """"Thái Nguyên, ngày 05 tháng 01 năm 2026": a leading zero for days below 10 and months 1 and 2
    (Decree 30/2020/NĐ-CP, Appendix I)."""
    if isinstance(date, dt.datetime):
        date = date.date()
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"{_nfc(place)}, ngày {date.day:02d} tháng {month} năm {date.year}"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    bold = f"{font}-Bold"
    base = ParagraphStyle("base", fontName=font, fontSize=12, leading=16)
    return {
        "issuer_parent": ParagraphStyle("issuer_parent", base, fontSize=11, leading=14, alignment=TA_CENTER),
        "issuer": ParagraphStyle("issuer", base, fontName=bold, fontSize=11, leading=14, alignment=TA_CENTER),
        "number": ParagraphStyle("number", base, fontSize=11, leading=14, alignment=TA_CENTER),
        "national": ParagraphStyle("national", base, fontName=bold, fontSize=10.5, leading=14, alignment=TA_CENTER),
        "motto": ParagraphStyle("motto", base, fontName=bold, fontSize=11.5, leading=15, alignment=TA_CENTER),
        "place_date": ParagraphStyle("place_date", base, fontName=f"{font}-Italic", fontSize=11, leading=14,
                                     alignment=TA_CENTER),
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=13, leading=18, alignment=TA_CENTER),
        "body": ParagraphStyle("body", base, alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=5),
        "field": ParagraphStyle("field", base, alignment=TA_LEFT, spaceAfter=3),
        "cell": ParagraphStyle("cell", base, fontSize=10, leading=13, alignment=TA_LEFT),
        "cell_head": ParagraphStyle("cell_head", base, fontName=bold, fontSize=10, leading=13, alignment=TA_CENTER),
        "signer_title": ParagraphStyle("signer_title", base, fontName=bold, fontSize=11.5, leading=15,
                                       alignment=TA_CENTER),
        "signer_name": ParagraphStyle("signer_name", base, fontName=bold, alignment=TA_CENTER),
        "recipients_head": ParagraphStyle("recipients_head", base, fontName=f"{font}-BoldItalic", fontSize=11,
                                          leading=14),
        "recipients": ParagraphStyle("recipients", base, fontSize=10, leading=13),
        "caption": ParagraphStyle("caption", base, fontSize=8.5, leading=11, alignment=TA_CENTER),
    }


def _header(styles, issuer, number, date, place, width) -> Table:
    issuer_lines = [line.strip() for line in _nfc(issuer).split("\n") if line.strip()]
    if not issuer_lines:
        raise ValueError("the issuing body (issuer) is required")
    left = [Paragraph(_text(line.upper()), styles["issuer_parent"]) for line in issuer_lines[:-1]]
    left.append(Paragraph(_text(issuer_lines[-1].upper()), styles["issuer"]))
    # A rule from a third to a half of the issuing body's name, centred under it.
    issuer_width = stringWidth(issuer_lines[-1].upper(), styles["issuer"].fontName, styles["issuer"].fontSize)
    rule = min(max(issuer_width * 0.4, 20 * mm), (width - HEADER_RIGHT) * 0.5)
    left.append(HRFlowable(width=rule, thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4,
                           hAlign="CENTER"))
    number = _nfc(number or "").strip()
    if not number.lower().startswith("số"):
        number = f"Số: {number}" if number else "Số:"
    left.append(Paragraph(_text(number), styles["number"]))

    right = [
        Paragraph(_text(NATIONAL_NAME), styles["national"]),
        Paragraph(_text(NATIONAL_MOTTO), styles["motto"]),
        # The rule under the motto is as long as the motto.
        HRFlowable(width=stringWidth(NATIONAL_MOTTO, styles["motto"].fontName, styles["motto"].fontSize),
                   thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=6, hAlign="CENTER"),
        Paragraph(_text(format_place_date(place, date)), styles["place_date"]),
    ]
    table = Table([[left, right]], colWidths=[width - HEADER_RIGHT, HEADER_RIGHT])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def _table(styles, rows: list[list[str]], width: float) -> Table:
    columns = max(len(row) for row in rows)
    rows = [list(row) + [""] * (columns - len(row)) for row in rows]
    widths = _column_widths(styles, rows, width)
    data = [
        [Paragraph(_text(str(cell)), styles["cell_head" if r == 0 else "cell"]) for cell in row]
        for r, row in enumerate(rows)
    ]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EDEDED")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _column_widths(styles, rows: list[list[str]], width: float) -> list[float]:
    """Each column gets at least its longest word (so "STT" never breaks), then a share of the rest that
    follows how much text it holds (capped, so one long cell does not starve the others)."""
    padding = 8 + 1
    minimum, wanted = [], []
    for i in range(len(rows[0])):
        lo = hi = 0.0
        for r, row in enumerate(rows):
            style = styles["cell_head" if r == 0 else "cell"]
            text = _nfc(str(row[i]))
            words = text.split() or [""]
            lo = max(lo, max(stringWidth(w, style.fontName, style.fontSize) for w in words) + padding)
            hi = max(hi, min(stringWidth(text, style.fontName, style.fontSize), 90 * mm) + padding)
        minimum.append(lo)
        wanted.append(max(hi, lo))
    if sum(minimum) >= width:
        return [width * m / sum(minimum) for m in minimum]
    extra = [w - m for w, m in zip(wanted, minimum, strict=True)]
    spare = width - sum(minimum)
    if sum(extra) <= 0:
        return [m + spare / len(minimum) for m in minimum]
    return [m + spare * e / sum(extra) for m, e in zip(minimum, extra, strict=True)]


def _footer(styles, width, qr_text, qr_caption, signer_title, signer_name, recipients,
            boxes: list | None = None) -> Table | None:
    left = []
    if qr_text:
        size = 28 * mm
        widget = QrCodeWidget(_nfc(qr_text), barLevel="M", barBorder=2, barWidth=size, barHeight=size)
        drawing = Drawing(size, size)
        drawing.add(widget)
        drawing.hAlign = "LEFT"
        left.append(drawing)
        if qr_caption:
            left.append(Paragraph(_text(qr_caption), ParagraphStyle("caption_l", styles["caption"], alignment=TA_LEFT)))
        left.append(Spacer(1, 3 * mm))
    if recipients:
        left.append(Paragraph("Nơi nhận:", styles["recipients_head"]))
        left += [Paragraph(_text(f"- {item}"), styles["recipients"]) for item in recipients]
    right = []
    if signer_title:
        right += [Paragraph(_text(line.upper()), styles["signer_title"]) for line in _nfc(signer_title).split("\n")]
        right.append(_SignatureSpace(24 * mm, boxes))
    if signer_name:
        if not right:
            right.append(_SignatureSpace(24 * mm, boxes))
        right.append(Paragraph(_text(signer_name), styles["signer_name"]))
    if not left and not right:
        return None
    half = width * 0.45
    table = Table([[left or "", right or ""]], colWidths=[width - half, half])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


class _SignatureSpace(Spacer):
    """The room left for the signature in the signer block; records where it was drawn (page, box)."""

    def __init__(self, height: float, found: list | None):
        super().__init__(1, height)
        self._found = found

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.height

    def draw(self):
        if self._found is None:
            return
        x, y = self.canv.absolutePosition(0, 0)
        box = (round(x, 2), round(y, 2), round(x + self.width, 2), round(y + self.height, 2))
        self._found.append(SignatureBox(self.canv.getPageNumber() - 1, box))


def _field_line(fields: list[tuple[str, str]]) -> str:
    """"Giới tính: <b>Nam</b>    Dân tộc: <b>Kinh</b>": one line of a result's fields, as paragraph markup."""
    return "&nbsp;&nbsp;&nbsp;&nbsp;".join(f"{_text(label)}: <b>{_text(value)}</b>" for label, value in fields)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _text(text: str) -> str:
    """Plain text to reportlab paragraph markup: NFC, XML-escaped, line breaks kept."""
    return escape(_nfc(text)).replace("\n", "<br/>")
