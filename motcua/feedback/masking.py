"""Personal data hidden from a published answer (Decree 13/2023 on personal data): names, phone numbers,
identity and tax numbers, e-mail addresses. What cannot be recognised by its shape (a name) is masked when
the caller names it (the submitter, the officer) or when it follows a form of address ("ông Nguyễn Văn
An"); the officer publishing still reads the text before it goes out.
"""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Vietnamese phone numbers: 0 or +84 / 84, then 9 digits, with optional spaces, dots or dashes.
PHONE = re.compile(r"(?<![\w])(?:\+?84|0)(?:[\s.-]?\d){9}(?![\w])")
# Identity card (9 digits), citizen identity (12), personal tax code (10 or 13 with a dash), social
# insurance (10): any run of 9 to 13 digits standing alone.
NUMBER = re.compile(r"(?<![\w-])\d{9,13}(?:-\d{3})?(?![\w-])")
BRANCH_TAX_CODE = re.compile(r"(?<![\w-])\d{10}-\d{3}(?![\w-])")
UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
WORD = rf"[{UPPER}][^\W\d_]+"
ADDRESSED = re.compile(
    rf"\b(ông|bà|anh|chị|cô|chú|bác|em|cháu|đồng chí|cán bộ|công chức)\s+({WORD}(?:\s+{WORD}){{0,4}})",
    re.IGNORECASE | re.UNICODE)

EMAIL_MASK = "[thư điện tử đã ẩn]"
PHONE_MASK = "[số điện thoại đã ẩn]"
NUMBER_MASK = "[số giấy tờ đã ẩn]"


def initials(name: str) -> str:
    """"Nguyễn Văn An" -> "N.V.A."."""
    return "".join(f"{part[0].upper()}." for part in name.split() if part)


def mask_personal_data(text: str, names=()) -> str:
    """`text` with e-mails, phone numbers and identity numbers replaced by a note, and the given `names`
    and names after a form of address replaced by their initials."""
    text = EMAIL.sub(EMAIL_MASK, text)
    text = BRANCH_TAX_CODE.sub(NUMBER_MASK, text)  # before phones: its first 10 digits look like one
    text = PHONE.sub(PHONE_MASK, text)
    text = NUMBER.sub(NUMBER_MASK, text)
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", initials(name), text, flags=re.IGNORECASE)

    def _addressed(match):
        words = match.group(2).split()
        # Case-insensitive matching lets "ông" match "Ông"; the name itself must be capitalised.
        kept = []
        for word in words:
            if not word[0].isupper():
                break
            kept.append(word)
        if not kept:
            return match.group(0)
        rest = match.group(2)[len(" ".join(kept)):]
        return f"{match.group(1)} {initials(' '.join(kept))}{rest}"

    return ADDRESSED.sub(_addressed, text)
