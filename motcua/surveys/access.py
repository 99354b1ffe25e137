"""Who defines surveys and reads their results: the provincial office (provincial monitors and
administrators). Any other officer or a citizen gets 403; someone not signed in goes to the login.

Surveys sit below the back office in the layers, so the office's `office_required` cannot be imported
here; whether an administrator passed the second factor is asked of django-otp, as the office does
(`request.user.is_verified()`, set by its OTPMiddleware from the device the code page logged in).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from motcua.core.models import Role

DEFINERS = frozenset({Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR})


def role_of(user) -> str | None:
    membership = getattr(user, "membership", None)
    if membership is not None:
        return membership.role
    return Role.ADMINISTRATOR if user.is_superuser else None


def may_define(user) -> bool:
    return user.is_authenticated and role_of(user) in DEFINERS


def _needs_second_factor(user) -> bool:
    return bool(user.is_staff or user.is_superuser or role_of(user) == Role.ADMINISTRATOR)


def definer_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path() if request.method in ("GET", "HEAD")
                                     else reverse("surveys:list"))
        if _needs_second_factor(request.user) and not request.user.is_verified():
            return redirect("office:otp")
        if not may_define(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped
