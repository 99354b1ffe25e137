"""Dossier codes per Circular 01/2018/TT-VPCP: `{unit identifier}-{YYMMDD}-{NNNN}`.

The sequence number has at least four digits and grows past 9999 if a unit receives more in a day.
"""

import re
from datetime import date

CODE_RE = re.compile(r"^(?P<unit>.+)-(?P<day>\d{6})-(?P<seq>\d{4,})$")


def format_dossier_code(unit_code: str, day: date, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("sequence numbers start at 1")
    return f"{unit_code}-{day:%y%m%d}-{sequence:04d}"


def parse_dossier_code(code: str) -> tuple[str, date, int]:
    match = CODE_RE.match(code)
    if match is None:
        raise ValueError(f"not a dossier code: {code!r}")
    raw = match["day"]
    return match["unit"], date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:])), int(match["seq"])
