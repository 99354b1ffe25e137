"""Pass 1 split across processes finds exactly what one sequential pass finds, with the right lines."""

import pytest

from motcua.interchange import dossier_check
from motcua.interchange.dossier_check import _ranges, check_dossiers
from motcua.interchange.reading import ProblemLog
from tests.conftest import dossier, write_folder

UNITS = {"19", "19.STC", "19.STC.DKKD", "05443", "05710"}
PROCEDURES = {"2.000046", "1.001193", "2.000815"}


def _folder(tmp_path):
    rows = [dossier(f"05443-251030-{n:04d}") for n in range(1, 301)]
    rows[120] = dossier("05443-251030-0121", channel="fax")            # line 121: bad value
    rows[250] = dossier("05443-251030-0007")                           # line 251: duplicate of line 7
    rows[299] = dossier("05443-251030-0300", unit="99999")            # line 300: unknown unit
    return write_folder(tmp_path / "f", dossiers=rows) / "dossiers.jsonl"


def _problems(log):
    return sorted((p.line, p.field) for p in log.problems)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_parallel_check_equals_the_sequential_one(tmp_path, monkeypatch, workers):
    path = _folder(tmp_path)
    monkeypatch.setattr(dossier_check, "PARALLEL_MIN_BYTES", 0)
    log = ProblemLog()
    assert check_dossiers(path, UNITS, PROCEDURES, log, workers=workers) == 300
    assert _problems(log) == [(121, "channel"), (251, "code"), (300, "unit")]
    assert log.total == 3


def test_ranges_cut_on_line_boundaries_and_number_lines(tmp_path):
    path = _folder(tmp_path)
    ranges = _ranges(path, 7)
    data = path.read_bytes()
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    for (start, end, first), following in zip(ranges, ranges[1:], strict=False):
        assert end == following[0] and data[end - 1:end] == b"\n"
        assert following[2] == first + data[start:end].count(b"\n")
