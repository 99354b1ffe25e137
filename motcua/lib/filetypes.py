"""What an uploaded file really is, read from its first bytes (magic numbers), never from its name.

A file called `giay-to.pdf` that starts with PNG bytes is a PNG; one that starts with neither is refused.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str


PDF = FileKind("application/pdf", "pdf")
PNG = FileKind("image/png", "png")
JPEG = FileKind("image/jpeg", "jpg")

_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)
HEAD_BYTES = 16


def sniff(head: bytes) -> FileKind | None:
    """The kind of a file from its first bytes, or None when it is not an accepted kind."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    return None
