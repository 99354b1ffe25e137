"""The small province of tests/indicators (every population non-trivial) and its personas."""

from tests.indicators.conftest import citizen, logged_in, monitor, province, ward_officer  # noqa: F401
