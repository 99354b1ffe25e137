"""The admin site behind the same login as the back office, second factor included."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from motcua.office.security import otp_satisfied


class SecureAdminSite(admin.AdminSite):
    site_header = "Quản trị hệ thống một cửa Thái Nguyên"
    site_title = "motcua"

    def has_permission(self, request):
        return super().has_permission(request) and otp_satisfied(request)

    def login(self, request, extra_context=None):
        # Django's own admin login has no second factor and no lockout: send everyone to ours.
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('login')}?{urlencode({'next': target})}")
