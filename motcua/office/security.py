"""Login hardening: lockout after repeated failures and the administrators' second factor (TOTP)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from motcua.core.models import Role
from motcua.lib import totp
from motcua.office.models import LoginThrottle, TotpDevice

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
# Failures further apart than this do not add up: a typo last week does not count towards today's lock.
FAILURE_WINDOW = timedelta(minutes=15)
OTP_SESSION_KEY = "office_otp_verified"
PENDING_SESSION_KEY = "office_pending_login"
PENDING_MAX_AGE = timedelta(minutes=5)


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def locked_until(username: str, now=None):
    """When the username's lock ends, or None if it is not locked."""
    now = now or timezone.now()
    until = LoginThrottle.objects.filter(username=_key(username)).values_list("locked_until", flat=True).first()
    return until if until is not None and until > now else None


def register_failure(username: str, now=None) -> bool:
    """Count a failed password or code; True when this failure locks the username."""
    now = now or timezone.now()
    with transaction.atomic():
        throttle, _ = LoginThrottle.objects.get_or_create(username=_key(username))
        if throttle.last_failure_at is None or now - throttle.last_failure_at > FAILURE_WINDOW:
            throttle.failures = 0
        throttle.failures += 1
        throttle.last_failure_at = now
        locked = throttle.failures >= MAX_FAILURES
        if locked:
            throttle.locked_until = now + LOCK_DURATION
            throttle.failures = 0
        throttle.save()
    return locked


def clear_failures(username: str) -> None:
    LoginThrottle.objects.filter(username=_key(username)).delete()


def needs_second_factor(user) -> bool:
    """Administrators (by role, staff or superuser flag) must present a TOTP code at every login."""
    membership = getattr(user, "membership", None)
    return bool(user.is_staff or user.is_superuser
                or (membership is not None and membership.role == Role.ADMINISTRATOR))


def otp_satisfied(request) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    return not needs_second_factor(user) or request.session.get(OTP_SESSION_KEY) is True


def device_for(user) -> TotpDevice:
    """The user's device, created unconfirmed (with a fresh secret) on the first login that needs it."""
    device, _ = TotpDevice.objects.get_or_create(user=user, defaults={"secret": totp.new_secret()})
    return device


def verify_code(device: TotpDevice, code: str, now=None) -> bool:
    """Accept a code once: the step must match and be newer than the last accepted one (no replay)."""
    now = now or timezone.now()
    step = totp.matching_step(device.secret, code, now.timestamp())
    if step is None or step <= device.last_step:
        return False
    # Compare-and-update so that two tabs posting the same code cannot both succeed.
    updated = TotpDevice.objects.filter(pk=device.pk, last_step=device.last_step).update(
        last_step=step, confirmed=True)
    return updated == 1
