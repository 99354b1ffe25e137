"""Test clients logged in as the back office leaves them, second factor included for administrators."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.office.security import needs_second_factor


def pass_second_factor(client: Client, user) -> Client:
    """Log `client` in as `user`; for an administrator, mark the session as having passed the second factor
    the way the code page does (`django_otp.login`: the session names a confirmed device of the user)."""
    client.force_login(user)
    if needs_second_factor(user):
        device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
                  or TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=True))
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
