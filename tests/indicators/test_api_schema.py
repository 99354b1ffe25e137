"""Schemathesis over docs/openapi.json: generated requests to every documented operation, answered by the
WSGI application in process, never a 5xx, and every response as the document says (status, content type,
headers, body schema), any other method a 405. Not checked: that every schema-valid request is accepted,
since some rules span parameters or the database (`to` not before `from`, years 2000–2100 and at most 10
years, a `unit` that exists) and are answered with the documented 400 and 404. Bounded and deterministic (derandomized, 50 examples per operation), so it runs in CI.
"""

from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from motcua.interchange.importer import import_folder

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"

schema = schemathesis.openapi.from_path(DOCUMENT)
schema.app = get_wsgi_application()


@pytest.fixture
def imported(transactional_db, small_folder):
    # The WSGI app runs outside the test's transaction wrapper in the same thread; a transactional
    # database lets it see the imported units and dossiers on PostgreSQL and SQLite alike.
    import_folder(small_folder)


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@hypothesis_settings(max_examples=50, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_the_api_answers_as_documented_and_never_with_a_server_error(imported, settings, case):
    settings.MOTCUA_API_RATE = ""  # the rate limit has its own tests; here every generated request is answered
    # A WSGI server always sets the client's address (the rate limit keys on it).
    case.call_and_validate(environ_overrides={"REMOTE_ADDR": "203.0.113.7"},
                           excluded_checks=[positive_data_acceptance])
