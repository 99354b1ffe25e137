"""The national generator: real provinces and communes, Parquet that imports, and derived columns that
give the live engine's numbers once the province is in the database."""

from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.indicators import service
from motcua.national import engines
from motcua.national import layout as L
from motcua.national.generator import generate
from motcua.units.models import Unit

from .conftest import first_difference

pytestmark = pytest.mark.django_db


def test_a_generated_province_imports_and_gives_the_live_engines_numbers(tmp_path):
    written = generate(tmp_path / "vn", dossiers=1200, provinces=2, seed=5)
    assert set(written) == {"01", "04"} and sum(written.values()) == 1200
    folder = tmp_path / "vn" / "04"  # Cao Bằng: its real communes
    assert L.is_parquet_folder(folder)
    call_command("import", str(folder), "--no-progress", stdout=StringIO())
    assert Unit.objects.get(kind="province").name == "UBND tỉnh Cao Bằng"
    assert Unit.objects.filter(kind="commune").count() > 40
    tz = timezone.get_current_timezone()
    for date_from, date_to, now in ((date(2026, 1, 1), date(2026, 12, 31), datetime(2026, 7, 15, 9, tzinfo=tz)),
                                    (date(2026, 3, 1), date(2026, 3, 31), None),
                                    (date(2026, 10, 1), date(2026, 12, 31), datetime(2026, 11, 20, 16, tzinfo=tz))):
        expected = service.index_json(date_from, date_to, now=now)
        got = engines.index_json(folder, "duckdb", date_from, date_to, now=now)
        assert got == expected, first_difference(got, expected)
        assert expected["units"][0]["indicators"][4]["denominator"] > 0  # 2.1 has dossiers under processing


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_the_national_run_computes_and_ranks_every_province(tmp_path, engine):
    """One scan over every province's dossiers gives each province exactly its JSON computed alone."""
    import pyarrow.parquet as pq

    from motcua.national.nationwide import national_index, write_national

    generate(tmp_path / "vn", dossiers=3000, provinces=3, seed=9)
    result = national_index(tmp_path / "vn", engine, date(2026, 1, 1), date(2026, 12, 31),
                            now=datetime(2027, 1, 1, tzinfo=timezone.get_current_timezone()))
    assert [p["code"] for p in sorted(result["provinces"], key=lambda p: p["code"])] == ["01", "04", "08"]
    totals = [p["total"] for p in result["provinces"]]
    assert totals == sorted(totals, reverse=True) and result["provinces"][0]["rank"] == 1
    for province in result["provinces"]:
        own = result["results"][province["code"]]
        assert own["units"][0]["total"] == province["total"]
        assert len(own["units"]) > 20  # the province, its departments and every commune
        # The same as computing the province alone.
        assert own == engines.index_json(tmp_path / "vn" / province["code"], engine, date(2026, 1, 1),
                                         date(2026, 12, 31),
                                         now=datetime(2027, 1, 1, tzinfo=timezone.get_current_timezone()))
    write_national(result, tmp_path / "out")
    table = pq.read_table(tmp_path / "out" / "units.parquet")
    assert table.num_rows == sum(len(r["units"]) for r in result["results"].values())
