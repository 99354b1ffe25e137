"""Dossier codes: {unit}-{YYMMDD}-{NNNN}, unique and never reused."""

import threading
from datetime import date

import pytest
from django.db import connection

from motcua.dossiers.numbering import next_dossier_code
from motcua.lib.dossier_codes import format_dossier_code, parse_dossier_code


def test_format_and_parse():
    assert format_dossier_code("05443", date(2025, 10, 30), 7) == "05443-251030-0007"
    assert format_dossier_code("05443", date(2025, 10, 30), 12345) == "05443-251030-12345"
    assert parse_dossier_code("19.STC-251030-0012") == ("19.STC", date(2025, 10, 30), 12)
    with pytest.raises(ValueError):
        parse_dossier_code("05443-2510-01")


@pytest.mark.django_db
def test_sequence_counts_per_unit_and_day():
    day = date(2025, 10, 30)
    assert [next_dossier_code("A", day) for _ in range(3)] == ["A-251030-0001", "A-251030-0002", "A-251030-0003"]
    assert next_dossier_code("B", day) == "B-251030-0001"
    assert next_dossier_code("A", date(2025, 10, 31)) == "A-251031-0001"


@pytest.mark.django_db(transaction=True)
def test_codes_are_unique_under_concurrency():
    codes, errors = [], []

    def issue():
        try:
            for _ in range(10):
                codes.append(next_dossier_code("C", date(2025, 11, 3)))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(codes) == 40 and len(set(codes)) == 40
