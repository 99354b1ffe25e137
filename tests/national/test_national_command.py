"""`motcua national DIR …`: the national run from the command line, its files, its ranking table in
Vietnamese and its errors naming the argument; and the national comparison page that reads what it
publishes (/chi-so/toan-quoc/), with the empty state when nothing is published."""

import json
import re
from datetime import date, datetime
from io import StringIO

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from motcua.lib.vnformat import number
from motcua.national import engines
from motcua.national.generator import generate
from motcua.units.models import Unit
from tests.office.conftest import client_of, password_hash, world  # noqa: F401

pytestmark = pytest.mark.django_db

PAGE = reverse("national:comparison")
NOW = "2026-11-20T16:00:00+07:00"  # inside the period: t is now


@pytest.fixture(scope="module")
def country(tmp_path_factory):
    folder = tmp_path_factory.mktemp("vn")
    generate(folder, dossiers=2400, provinces=3, seed=13)
    return folder


def run(country, out, *extra, engine="duckdb"):
    stdout = StringIO()
    call_command("national", str(country), "--from", "2026-01-01", "--to", "2026-12-31", "--engine", engine,
                 "--out", str(out), "--now", NOW, *extra, stdout=stdout)
    return stdout.getvalue()


def test_the_command_writes_the_national_result_and_prints_the_ranking(country, tmp_path):
    printed = run(country, tmp_path / "out")
    result = json.loads((tmp_path / "out" / "national.json").read_text(encoding="utf-8"))
    assert [p["rank"] for p in result["provinces"]] == [1, 2, 3]
    assert result["evaluated_at"] == NOW
    for p in result["provinces"]:
        # Each province as computed alone from its folder.
        alone = engines.index_json(country / p["code"], "duckdb", date(2026, 1, 1), date(2026, 12, 31),
                                   now=datetime.fromisoformat(NOW))
        assert result["results"][p["code"]] == alone
        assert p["total"] == alone["units"][0]["total"] and p["groups"] == alone["units"][0]["groups"]
        # One line of the table: rank, code, name, total with a decimal comma.
        line = re.search(rf"^\s*{p['rank']}\s+{p['code']}\s+(.+?)\s+([\d.,]+)$", printed, re.M)
        assert line and line.group(2) == number(p["total"], 2) and "," in line.group(2)
        assert p["name"].startswith(line.group(1)[:20])
    assert "Hạng" in printed and "Tổng điểm" in printed
    units = pq.read_table(tmp_path / "out" / "units.parquet")
    assert units.num_rows == sum(len(r["units"]) for r in result["results"].values())


@pytest.mark.parametrize("args, named", [
    (("--from", "2026-13-01"), "--from"),
    (("--to", "31/12/2026"), "--to"),
    (("--from", "2026-12-31", "--to", "2026-01-01"), "--to"),
    (("--engine", "pandas"), "--engine"),
    (("--rules", "khong-co"), "--rules"),
    (("--now", "hôm qua"), "--now"),
])
def test_bad_input_is_refused_naming_the_argument(country, tmp_path, args, named):
    options = {"--from": "2026-01-01", "--to": "2026-12-31", "--engine": "duckdb", "--out": str(tmp_path / "o")}
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError, match=re.escape(named)):
        call_command("national", str(country), *[x for pair in options.items() for x in pair], stdout=StringIO())
    assert not (tmp_path / "o").exists()


def test_a_folder_that_is_missing_or_holds_no_province_is_refused(tmp_path):
    for folder in (tmp_path / "khong-co", tmp_path):
        with pytest.raises(CommandError, match="DIR"):
            call_command("national", str(folder), "--from", "2026-01-01", "--to", "2026-12-31", "--engine", "duckdb",
                         "--out", str(tmp_path / "o"), stdout=StringIO())


# -- the page ------------------------------------------------------------------------------------------


def test_without_a_published_result_the_page_says_so(world, client_of, settings, tmp_path):  # noqa: F811
    settings.MOTCUA_NATIONAL_DIR = tmp_path / "national"
    response = client_of(world.desk_a).get(PAGE)
    assert response.status_code == 200
    assert "Chưa có kết quả toàn quốc" in response.content.decode()


def test_the_page_compares_the_province_with_the_published_national_result(world, client_of, settings,  # noqa: F811
                                                                           country, tmp_path):
    settings.MOTCUA_NATIONAL_DIR = tmp_path / "national"
    run(country, settings.MOTCUA_NATIONAL_DIR)
    result = json.loads((tmp_path / "national" / "national.json").read_text(encoding="utf-8"))
    heads = {code: r["units"][0] for code, r in result["results"].items()}
    totals = sorted(h["total"] for h in heads.values())
    code = sorted(heads)[1]
    Unit.objects.filter(pk=world.province.pk).update(code=code)  # the installation is this province

    client = client_of(world.desk_a)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    rank = 1 + sum(h["total"] > heads[code]["total"] for h in heads.values())
    assert f"Hạng <b>{rank}</b>/3" in html
    assert re.search(rf'id="own-total">{re.escape(number(heads[code]["total"], 2))}<', html)
    assert re.search(rf'id="median-total">{re.escape(number(totals[1], 2))}<', html)  # the middle of three
    for group in heads[code]["groups"]:
        row = re.search(rf'<tr data-group="{group["id"]}"><td>[^<]*</td><td class="num">([^<]+)</td>', html)
        assert row and row.group(1) == number(group["points"], 2)
    ranking = re.findall(r'<tr data-code="(\d+)"', html)
    assert ranking == [c for c, _ in sorted(heads.items(), key=lambda item: (-item[1]["total"], item[0]))]
    assert "01/01/2026" in html and "31/12/2026" in html

    # Any province on request; one not in the result is a bad request, not an error.
    other = sorted(heads)[0]
    assert heads[other]["name"] in client.get(PAGE, {"tinh": other}).content.decode()
    assert client.get(PAGE, {"tinh": "99"}).status_code == 400
    # The index page links here.
    assert PAGE in client.get(reverse("indicators:table")).content.decode()


def test_only_officers_open_the_page(world, client, client_of):  # noqa: F811
    assert client.get(PAGE).status_code == 302
    assert client_of(world.citizen).get(PAGE).status_code in (302, 403)
