"""Who is a citizen: `citizen_of(user)` and the `citizen_required` view decorator (the portal's views)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from motcua.citizens.models import Citizen
from motcua.core.models import Role


def citizen_of(user) -> Citizen | None:
    """The user's citizen account, if he is signed in as a citizen (role CITIZEN and a Citizen row)."""
    if user is None or not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    if membership is None or membership.role != Role.CITIZEN:
        return None
    try:
        return user.citizen
    except Citizen.DoesNotExist:
        return None


def citizen_required(view):
    """Not signed in: to the sign-in with `next` = this page. Signed in but not a citizen: 403. The view
    finds the citizen as `request.citizen`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('citizens:signin')}?{urlencode({'next': request.get_full_path()})}")
        citizen = citizen_of(request.user)
        if citizen is None:
            raise PermissionDenied("Trang này dành cho công dân, tổ chức đăng nhập bằng tài khoản định danh.")
        request.citizen = citizen
        return view(request, *args, **kwargs)

    return wrapped
