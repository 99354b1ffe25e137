"""Search keys for Vietnamese text: lower case, diacritics removed, đ → d, spaces collapsed.

"Đăng ký khai sinh", "dang ky khai sinh" and "ĐĂNG KÝ  KHAI SINH" all fold to "dang ky khai sinh".
"""

import unicodedata


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Đ/đ is a letter of its own, not d with a combining mark, so NFD leaves it alone.
    stripped = stripped.replace("đ", "d").replace("Đ", "d")
    return " ".join(stripped.lower().split())


def matches(query: str, *texts: str) -> bool:
    """True when every word of `query` occurs in one of `texts`, ignoring case and diacritics."""
    words = fold(query).split()
    haystack = " ".join(fold(t) for t in texts)
    return all(word in haystack for word in words)
