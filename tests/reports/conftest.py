"""The weekly report is built from the province of tests/indicators/province.py and read back by officers."""

from tests.indicators.conftest import citizen, logged_in, monitor, province, ward_officer  # noqa: F401
