"""`motcua fix-first`, the page and the API: the same object, clear errors, and who may see which unit."""

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from motcua.core.models import Role
from motcua.dossiers.models import Dossier
from motcua.fixfirst.engine import fix_first
from motcua.indicators.openapi import SPEC
from tests.indicators.conftest import _person
from tests.indicators.province import COMMUNE_C, FINANCE, PROVINCE, WARD_A, WEEK
from tests.indicators.test_api import _check as check_schema

pytestmark = pytest.mark.django_db

PERIOD = {"from": WEEK[0].isoformat(), "to": WEEK[1].isoformat()}
PAGE_PERIOD = {"tu_ngay": WEEK[0].isoformat(), "den_ngay": WEEK[1].isoformat()}


@pytest.fixture
def ward_leader(province):
    return _person("lanhdao.pdp", Role.UNIT_LEADER, WARD_A)


@pytest.fixture
def finance_leader(province):
    return _person("lanhdao.stc", Role.UNIT_LEADER, FINANCE)


def run(*args) -> str:
    out = StringIO()
    call_command("fix-first", *args, stdout=out)
    return out.getvalue()


# -- the command --------------------------------------------------------------------------------------


def test_the_command_prints_the_engine_object(province):
    printed = json.loads(run("--from", "2025-10-13", "--to", "2025-10-19", "--unit", WARD_A, "--json"))
    assert printed == fix_first(*WEEK, unit_code=WARD_A)
    assert printed["actions"][0]["gain"] > 0


def test_the_command_prints_a_table_without_json(province):
    table = run("--from", "2025-10-13", "--to", "2025-10-19", "--unit", WARD_A)
    assert "Đồng bộ các hồ sơ này lên Cổng DVCQG" in table and "1.4" in table


@pytest.mark.parametrize("args, message", [
    (("--from", "2025-10-13", "--to", "2025-10-19", "--unit", "nope"), "--unit: không có đơn vị mã nope"),
    (("--from", "13/10/2025", "--to", "2025-10-19", "--unit", WARD_A), "--from: không phải ngày"),
    (("--from", "2025-10-19", "--to", "2025-10-13", "--unit", WARD_A), "--to phải không trước --from"),
    (("--from", "2025-10-13", "--to", "2025-10-19", "--unit", WARD_A, "--rules", "nope"), "--rules"),
])
def test_the_command_refuses_bad_input_like_motcua_index(province, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_the_command_needs_a_unit(province):
    with pytest.raises(CommandError, match="--unit"):
        run("--from", "2025-10-13", "--to", "2025-10-19")


def test_motcua_fix_first_exits_1_with_the_message_on_stderr(tmp_path):
    env = {**os.environ, "MOTCUA_VAR_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "motcua.cli", "fix-first", "--from", "2025-13-01", "--to",
                           "2025-10-19", "--unit", WARD_A, "--json"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 1
    assert "--from: không phải ngày YYYY-MM-DD" in done.stderr and done.stdout == ""


# -- the API ------------------------------------------------------------------------------------------


def test_the_api_needs_a_back_office_login(client, province):
    response = client.get("/api/v1/fix-first", {**PERIOD, "unit": WARD_A})
    assert response.status_code == 401
    assert "đăng nhập" in response.json()["error"]["message"]


def test_the_api_gives_the_command_object_to_a_monitor(logged_in, monitor):
    response = logged_in(monitor).get("/api/v1/fix-first", {**PERIOD, "unit": WARD_A})
    assert response.status_code == 200 and response["Cache-Control"] == "no-cache"
    assert response.json() == fix_first(*WEEK, unit_code=WARD_A)


def test_a_unit_leader_gets_his_unit_only(logged_in, ward_leader):
    client = logged_in(ward_leader)
    assert client.get("/api/v1/fix-first", {**PERIOD, "unit": WARD_A}).status_code == 200
    for other in (COMMUNE_C, PROVINCE):
        response = client.get("/api/v1/fix-first", {**PERIOD, "unit": other})
        assert response.status_code == 403, other
        assert other in response.json()["error"]["message"]


def test_a_leader_sees_the_units_below_his(logged_in, finance_leader):
    assert logged_in(finance_leader).get("/api/v1/fix-first", {**PERIOD, "unit": "19.STC.DKKD"}).status_code == 200


def test_other_roles_are_refused(logged_in, ward_officer, citizen):
    for user in (ward_officer, citizen):
        assert logged_in(user).get("/api/v1/fix-first", {**PERIOD, "unit": WARD_A}).status_code == 403


@pytest.mark.parametrize("query, status, parameter", [
    ({"from": "2025-10-13", "to": "2025-10-19"}, 400, "unit"),
    ({"from": "2025-10-19", "to": "2025-10-13", "unit": WARD_A}, 400, "to"),
    ({"from": "hôm qua", "to": "2025-10-19", "unit": WARD_A}, 400, "from"),
    ({**PERIOD, "unit": WARD_A, "rules": "nope"}, 400, "rules"),
    ({**PERIOD, "unit": WARD_A, "limit": "3"}, 400, "limit"),
    ({**PERIOD, "unit": "nope"}, 404, "unit"),
])
def test_the_api_names_the_bad_parameter(logged_in, monitor, query, status, parameter):
    response = logged_in(monitor).get("/api/v1/fix-first", query)
    assert response.status_code == status
    assert response.json()["error"]["parameter"] == parameter


# -- the page -----------------------------------------------------------------------------------------


def test_the_page_lists_actions_best_first_with_dossier_links(logged_in, ward_leader):
    response = logged_in(ward_leader).get(reverse("fixfirst:page"), PAGE_PERIOD)  # his unit by default
    assert response.status_code == 200
    html = response.content.decode()
    result = fix_first(*WEEK, unit_code=WARD_A)
    immediate = [a for a in result["actions"] if a["at_stake"] is None]
    positions = [html.index(f'data-kind="{a["kind"]}" data-indicator="{a["indicator"]}"') for a in immediate]
    assert positions == sorted(positions)  # best first
    sync = next(a for a in result["actions"] if a["kind"] == "sync")
    for code in sync["dossiers"]:
        assert f'href="{reverse("office:dossier", args=[code])}"' in html
    assert "59,20" in html  # the total, written the Vietnamese way


def test_the_page_refuses_another_unit_to_a_leader(logged_in, ward_leader):
    client = logged_in(ward_leader)
    assert client.get(reverse("fixfirst:page"), {**PAGE_PERIOD, "don_vi": COMMUNE_C}).status_code == 403
    assert client.get(reverse("fixfirst:page"), {**PAGE_PERIOD, "don_vi": "nope"}).status_code == 400


def test_the_page_is_for_leaders_and_monitors_only(client, logged_in, monitor, ward_officer):
    assert client.get(reverse("fixfirst:page")).status_code == 302  # to the login
    assert logged_in(ward_officer).get(reverse("fixfirst:page")).status_code == 403
    response = logged_in(monitor).get(reverse("fixfirst:page"), {**PAGE_PERIOD, "don_vi": COMMUNE_C})
    assert response.status_code == 200


def test_a_monitor_gets_every_listed_dossier_linked(logged_in, monitor):
    # A monitor sees every dossier: every listed dossier is linked.
    html = logged_in(monitor).get(reverse("fixfirst:page"), {**PAGE_PERIOD, "don_vi": PROVINCE}).content.decode()
    codes = {c for a in fix_first(*WEEK, unit_code=PROVINCE)["actions"] for c in a["dossiers"]}
    assert codes and all(f'href="{reverse("office:dossier", args=[c])}"' in html for c in codes)
    assert Dossier.objects.filter(code__in=codes).count() == len(codes)


def test_api_answers_follow_the_openapi_document(client, logged_in, monitor, ward_leader):
    operation = SPEC["paths"]["/fix-first"]["get"]
    assert client.get("/api/v1/fix-first", {**PERIOD, "unit": WARD_A}).status_code == 401
    cases = [(monitor, {**PERIOD, "unit": PROVINCE}), (monitor, {**PERIOD, "unit": "nope"}),
             (monitor, {"from": "x", "to": "2025-10-19", "unit": WARD_A}), (ward_leader, {**PERIOD, "unit": PROVINCE})]
    for user, query in cases:
        response = logged_in(user).get("/api/v1/fix-first", query)
        schema = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
        check_schema(schema, response.json())
    response = logged_in(monitor).get("/api/v1/fix-first", {**PERIOD, "unit": PROVINCE})
    assert response.status_code == 200 and response.json()["actions"]
    assert response.json()["unit"] == PROVINCE
