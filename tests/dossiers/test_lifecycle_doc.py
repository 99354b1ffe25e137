"""docs/lifecycle.md lists exactly the transitions of the state machine's table."""

import re
from pathlib import Path

from motcua.dossiers.lifecycle import TRANSITIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md"


def test_the_documented_table_is_the_code_table():
    rows = re.findall(r"^\| (\d+) [^|]+\| `(\w+)` [^|]+\| (\d+) ", DOC.read_text(encoding="utf-8"), flags=re.M)
    documented = {(int(a), action): int(b) for a, action, b in rows}
    assert documented == {(int(s), a): int(t) for (s, a), t in TRANSITIONS.items()}
