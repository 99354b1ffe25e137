"""The move of the administrators' authenticator secrets into django-otp keeps enrolled phones working."""

import base64

import pyotp
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("office", "0003_login_throttle_per_source")]
AFTER = [("office", "0004_second_factor_devices_to_django_otp")]


@pytest.mark.django_db(transaction=True)
def test_an_enrolled_secret_moves_into_a_totp_device_that_accepts_the_same_app():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    user = old_apps.get_model("auth", "User").objects.create(username="quantri.cu", is_staff=True)
    secret = base64.b32encode(b"12345678901234567890").decode().rstrip("=")
    old_apps.get_model("office", "TotpDevice").objects.create(user=user, secret=secret, confirmed=True,
                                                             last_step=1000)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    from django_otp.plugins.otp_totp.models import TOTPDevice
    device = TOTPDevice.objects.get(user_id=user.pk)
    assert device.confirmed and device.last_t == 1000 and (device.step, device.digits, device.tolerance) == (30, 6, 1)
    assert device.bin_key == b"12345678901234567890"
    assert device.verify_token(pyotp.TOTP(secret).now())  # the phone enrolled before the move


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    """Later office migrations (if any) are applied again for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
