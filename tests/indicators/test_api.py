"""GET /api/v1/index and /api/v1/index/extras: the command's JSON over HTTP, errors that name the parameter,
and a committed OpenAPI document that matches the code."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from motcua.indicators import service
from motcua.indicators.openapi import SPEC
from motcua.interchange.importer import import_folder

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(small_folder):
    import_folder(small_folder)


def test_index_is_the_json_of_the_command(client, imported):
    out = StringIO()
    call_command("index", "--from", "2025-10-01", "--to", "2025-11-30", "--json", stdout=out)
    response = client.get("/api/v1/index", {"from": "2025-10-01", "to": "2025-11-30"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == json.loads(out.getvalue())
    assert "UBND tỉnh Thái Nguyên" in response.content.decode("utf-8")  # UTF-8, not \u escapes


def test_index_for_one_unit_and_a_rule_set(client, imported):
    response = client.get("/api/v1/index", {"from": "2025-10-01", "to": "2025-11-30", "unit": "05443",
                                            "rules": "qd766-threshold80"})
    body = response.json()
    assert body["rules"]["name"] == "qd766-threshold80"
    assert [u["code"] for u in body["units"]] == ["05443"]
    assert body == service.index_json(date(2025, 10, 1), date(2025, 11, 30), unit_code="05443",
                                      rules="qd766-threshold80", from_scratch=True) | {
        "evaluated_at": body["evaluated_at"]}


def test_extras(client, imported):
    response = client.get("/api/v1/index/extras", {"from": "2025-10-01", "to": "2025-11-30", "unit": "05443"})
    assert response.status_code == 200
    assert response.json() == service.extras_json(date(2025, 10, 1), date(2025, 11, 30), unit_code="05443",
                                                  from_scratch=True) | {
        "evaluated_at": response.json()["evaluated_at"]}


@pytest.mark.parametrize(("path", "query", "parameter"), [
    ("/api/v1/index", {"to": "2025-11-30"}, "from"),
    ("/api/v1/index", {"from": "2025-10-01"}, "to"),
    ("/api/v1/index", {"from": "1/10/2025", "to": "2025-11-30"}, "from"),
    ("/api/v1/index", {"from": "2025-10-01", "to": "2025-02-30"}, "to"),
    ("/api/v1/index", {"from": "20251001", "to": "2025-11-30"}, "from"),
    ("/api/v1/index", {"from": "2025-11-01", "to": "2025-10-01"}, "to"),
    ("/api/v1/index", {"from": "2025-10-01", "to": "2025-11-30", "rules": "qd999"}, "rules"),
    ("/api/v1/index", {"from": "2025-10-01", "to": "2025-11-30", "form": "x"}, "form"),
    ("/api/v1/index/extras", {"from": "2025-10-01", "to": "2025-11-30", "rules": "qd766"}, "rules"),
    ("/api/v1/index/extras", {"from": "", "to": "2025-11-30"}, "from"),
])
def test_bad_parameters_are_400_naming_the_parameter(client, imported, path, query, parameter):
    response = client.get(path, query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["parameter"] == parameter
    assert f"“{parameter}”" in error["message"]


def test_a_repeated_parameter_is_400(client, imported):
    response = client.get("/api/v1/index?from=2025-10-01&from=2025-10-02&to=2025-11-30")
    assert response.status_code == 400 and response.json()["error"]["parameter"] == "from"


@pytest.mark.parametrize("path", ["/api/v1/index", "/api/v1/index/extras"])
def test_unknown_unit_is_404(client, imported, path):
    response = client.get(path, {"from": "2025-10-01", "to": "2025-11-30", "unit": "99999"})
    assert response.status_code == 404
    assert response.json()["error"] == {"parameter": "unit",
                                        "message": "Tham số “unit”: không có đơn vị mã “99999”."}


def test_only_get(client, imported):
    assert client.post("/api/v1/index?from=2025-10-01&to=2025-11-30").status_code == 405


def test_public_without_login(client, imported):
    """Aggregates are published openly (as the national portal does): no session is needed."""
    response = client.get("/api/v1/index", {"from": "2025-10-01", "to": "2025-10-31"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"


def test_committed_openapi_document_is_current():
    call_command("openapi", "--check", stdout=StringIO())


def _check(schema: dict, value, path="$"):
    """A small validator for the subset of JSON Schema the document uses."""
    if "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    python = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
              "null": type(None)}
    if kinds:
        assert any(isinstance(value, python[k]) and not (k in ("integer", "number") and isinstance(value, bool))
                   for k in kinds), f"{path}: {value!r} is not {kinds}"
    if "enum" in schema:
        assert value in schema["enum"], f"{path}: {value!r} not in {schema['enum']}"
    if isinstance(value, dict):
        assert set(schema.get("required", ())) <= set(value), f"{path}: missing {schema.get('required')}"
        if schema.get("additionalProperties") is False:
            assert set(value) <= set(schema["properties"]), f"{path}: extra keys {set(value)}"
        for key, item in value.items():
            if key in schema.get("properties", {}):
                _check(schema["properties"][key], item, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            _check(schema["items"], item, f"{path}[{i}]")


def test_responses_follow_the_documented_schemas(client, imported):
    paths = SPEC["paths"]
    for path, query in (("/index", {"from": "2025-10-01", "to": "2025-11-30"}),
                        ("/index/extras", {"from": "2025-10-01", "to": "2025-11-30"}),
                        ("/index", {"from": "x", "to": "2025-11-30"}),
                        ("/index", {"from": "2025-10-01", "to": "2025-11-30", "unit": "nope"})):
        response = client.get("/api/v1" + path, query)
        documented = paths[path]["get"]["responses"][str(response.status_code)]
        _check(documented["content"]["application/json"]["schema"], response.json())
