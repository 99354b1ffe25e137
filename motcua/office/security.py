"""Login hardening: lockout after repeated failures and the administrators' second factor (TOTP).

The second factor is django-otp's: an authenticator app is an `otp_totp.TOTPDevice` (RFC 6238, one step
of tolerance either side, a used step never accepted twice), recovery codes are `otp_static` tokens, and
a session that passed it carries the device (`django_otp.login`), read back by its `OTPMiddleware` as
`request.user.is_verified()`.
"""

import logging
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core.models import Role
from motcua.lib.clientaddress import client_address
from motcua.office.models import LoginThrottle

logger = logging.getLogger("motcua.security")

# Failures are counted per username AND client address (docs/decisions.md): someone who knows an
# officer's login name can lock out only his own address. After each failure from an address the next
# attempt from it must wait (0, 0, 1 s, 2 s after the 1st-4th failure); the fifth locks that address for
# 15 minutes (security level 3). An attempt made during a wait is refused unchecked and counts as a failure.
MAX_FAILURES = 5
FAILURE_DELAYS = (timedelta(0), timedelta(0), timedelta(seconds=1), timedelta(seconds=2))
LOCK_DURATION = timedelta(minutes=15)
# Failures further apart than this do not add up: a typo last week does not count towards today's lock.
FAILURE_WINDOW = timedelta(minutes=15)
# An account that fails from this many addresses within the window is being guessed at from many
# machines: an alarm is logged (once per window) for the administrators, nobody is locked out.
ALARM_SOURCES = 5
DEVICE_NAME = "Ứng dụng xác thực"
PENDING_SESSION_KEY = "office_pending_login"
PENDING_MAX_AGE = timedelta(minutes=5)


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def source_of(request) -> str:
    """The client address a login attempt comes from (`lib.clientaddress`, as for the rate limits)."""
    return client_address(request)[:64]


def delay_after(failures: int) -> timedelta:
    """How long an address waits after its n-th failure in a row (the lock from MAX_FAILURES on)."""
    if failures >= MAX_FAILURES:
        return LOCK_DURATION
    return FAILURE_DELAYS[min(failures, len(FAILURE_DELAYS)) - 1] if failures > 0 else timedelta(0)


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused before its password is checked: a lock or a short wait."""

    until: datetime
    locked: bool


def locked_until(username: str, source: str = "", now=None):
    """When the username's wait or lock for this address ends, or None if it may try now."""
    now = now or timezone.now()
    until = (LoginThrottle.objects.filter(username=_key(username), source=source)
             .values_list("locked_until", flat=True).first())
    return until if until is not None and until > now else None


def refusal(username: str, source: str = "", now=None) -> Refusal | None:
    """The refusal of an attempt from this address now, or None. A refused attempt counts as a failure."""
    now = now or timezone.now()
    until = locked_until(username, source, now)
    if until is None:
        return None
    throttle = LoginThrottle.objects.get(username=_key(username), source=source)
    if throttle.failures == 0:  # already locked (the counter restarts at the lock)
        return Refusal(until, True)
    if register_failure(username, source, now):
        return Refusal(locked_until(username, source, now), True)
    return Refusal(locked_until(username, source, now) or until, False)


def register_failure(username: str, source: str = "", now=None) -> bool:
    """Count a failed password or code from this address; True when this failure locks it."""
    now = now or timezone.now()
    key = _key(username)
    with transaction.atomic():
        throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=key, source=source)
        fresh = throttle.last_failure_at is None or now - throttle.last_failure_at > FAILURE_WINDOW
        if fresh:
            throttle.failures = 0
        throttle.failures += 1
        throttle.last_failure_at = now
        locked = throttle.failures >= MAX_FAILURES
        throttle.locked_until = now + delay_after(throttle.failures)
        if locked:
            throttle.failures = 0
        throttle.save()
    if fresh:
        _alarm_if_many_sources(key, now)
    return locked


def failing_sources(username: str, now=None) -> int:
    """How many addresses failed to log in as this username within the window."""
    now = now or timezone.now()
    return LoginThrottle.objects.filter(username=_key(username), last_failure_at__gt=now - FAILURE_WINDOW).count()


def _alarm_if_many_sources(key: str, now) -> bool:
    """Log an alarm each time one more address starts failing on an account already failing from many."""
    sources = failing_sources(key, now)
    if sources < ALARM_SOURCES:
        return False
    logger.warning("Đăng nhập sai vào tài khoản %s từ %d địa chỉ khác nhau trong %d phút: có thể đang bị dò "
                   "mật khẩu.", key, sources, int(FAILURE_WINDOW.total_seconds() // 60))
    return True


def clear_failures(username: str, source: str = "") -> None:
    """A success from an address forgets that address's failures (others keep theirs)."""
    LoginThrottle.objects.filter(username=_key(username), source=source).delete()


def needs_second_factor(user) -> bool:
    """Administrators (by role, staff or superuser flag) must present a TOTP code at every login."""
    membership = getattr(user, "membership", None)
    return bool(user.is_staff or user.is_superuser
                or (membership is not None and membership.role == Role.ADMINISTRATOR))


def otp_satisfied(request) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    return not needs_second_factor(user) or user.is_verified()


def device_for(user) -> TOTPDevice:
    """The user's authenticator device: the confirmed one, else one created unconfirmed (with a fresh
    secret) on the first login that needs it."""
    device = (TOTPDevice.objects.devices_for_user(user, confirmed=None)
              .order_by("-confirmed", "pk").first())
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The device's secret in base32, as authenticator apps take it when typed in by hand."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def verify_code(device: TOTPDevice, code: str) -> bool:
    """Accept a code once: django-otp refuses a step at or before the last accepted one (no replay); the
    device row is locked meanwhile so that two tabs posting the same code cannot both succeed. The first
    accepted code confirms an enrolment."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != device.digits or not code.isdigit():
        return False
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not locked.verify_token(code):
            return False
        if not locked.confirmed:
            locked.confirmed = True
            locked.save(update_fields=["confirmed"])
    device.refresh_from_db()
    return True


def recovery_device(user, code: str) -> StaticDevice | None:
    """The recovery-code device (issued by another administrator in the admin) that accepts `code`, used
    up by it; None when the code is no recovery code of this user."""
    code = (code or "").strip().replace(" ", "").lower()
    if not code:
        return None
    with transaction.atomic():
        for device in StaticDevice.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None
