"""What an uploaded file really is, read from its first bytes (magic numbers), never from its name.

A file called `giay-to.pdf` that starts with PNG bytes is a PNG; one that starts with neither is refused.
The signatures are puremagic's (a maintained, pure-Python magic database), not a list kept here.
"""

from dataclasses import dataclass

import puremagic


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    label: str


PDF = FileKind("application/pdf", "pdf", "PDF")
PNG = FileKind("image/png", "png", "PNG")
JPEG = FileKind("image/jpeg", "jpg", "JPEG")
# What a file name claims; a name that claims one kind over the content of another is refused, because
# the stored copy would be served (and pushed to the citizen's data store) as something it is not.
_BY_EXTENSION = {"pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG}

_BY_CONTENT_TYPE = {kind.content_type: kind for kind in (PDF, PNG, JPEG)}
# Enough of the start of a file for every signature in puremagic's database that lies near the start.
HEAD_BYTES = 4096


def sniff(head: bytes) -> FileKind | None:
    """The kind of a file from its first bytes, or None when it is not an accepted kind.

    puremagic ranks every signature that matches; only the best-ranked ones count (several may tie: a PDF
    header also matches FDF's), so a file whose strongest signature is another kind is not taken for
    one of ours because a weaker, shorter signature happens to match too.
    """
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):  # no signature matches, or nothing to read
        return None
    best = max((match.confidence for match in matches), default=None)
    for match in matches:
        if match.confidence == best and match.mime_type in _BY_CONTENT_TYPE:
            return _BY_CONTENT_TYPE[match.mime_type]
    return None


def claimed_by_name(name: str) -> FileKind | None:
    """The kind a file name claims by its extension, or None when it claims no accepted kind."""
    _, dot, extension = (name or "").rpartition(".")
    return _BY_EXTENSION.get(extension.lower()) if dot else None


class UploadRefused(ValueError):
    """An uploaded file that cannot be accepted; the message (Vietnamese) names the file."""


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",") if size >= 1024 * 1024 else f"{size // 1024} KB"


def check_upload(name: str, size: int, head: bytes, limit: int) -> FileKind:
    """The real kind of an uploaded file from its first bytes, refused (UploadRefused) when too big, empty,
    not a PDF/PNG/JPEG, or named as another kind than its content. The back office's and the portal's one
    check."""
    if size > limit:
        raise UploadRefused(f"Tệp “{name}” có dung lượng {_size_text(size)}, vượt quá giới hạn {_size_text(limit)}.")
    if size == 0:
        raise UploadRefused(f"Tệp “{name}” rỗng.")
    kind = sniff(head)
    if kind is None:
        raise UploadRefused(
            f"Tệp “{name}” không phải tệp PDF, PNG hoặc JPEG (hệ thống kiểm tra nội dung tệp, không dựa vào tên "
            "tệp). Vui lòng quét hoặc tải lên đúng tệp.")
    claimed = claimed_by_name(name)
    if claimed is not None and claimed != kind:
        raise UploadRefused(
            f"Tệp “{name}” mang tên tệp {claimed.label} nhưng nội dung là {kind.label}. Vui lòng kiểm tra lại tệp "
            "trước khi tải lên.")
    return kind
