"""Login with lockout, and the administrators' second factor (TOTP), enrolment included."""

import io
import math
from datetime import datetime

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import login as auth_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from motcua.office import security
from motcua.office.forms import LoginForm, OtpForm


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return candidate
    return reverse("office:queue")


def _locked_message(until) -> str:
    local = timezone.localtime(until)
    return _("Tài khoản tạm thời bị khóa trên máy này do đăng nhập sai %(n)d lần liên tiếp. Vui lòng thử lại "
             "sau %(time)s.") % {"n": security.MAX_FAILURES, "time": date_format(local, "H:i")}


def _refusal_message(refusal) -> str:
    if refusal.locked:
        return _locked_message(refusal.until)
    seconds = max(1, math.ceil((refusal.until - timezone.now()).total_seconds()))
    return _("Bạn đã nhập sai nhiều lần. Vui lòng chờ %(s)d giây rồi thử lại.") % {"s": seconds}


def _refused(request, template, context, form, refusal):
    form.add_error(None, _refusal_message(refusal))
    return render(request, template, context, status=403 if refusal.locked else 400)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method != "POST":
        if next_url and not request.user.is_authenticated:
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # The browser still holds a session that is no longer valid: it expired.
                messages.info(request, _("Phiên làm việc đã hết hạn (sau 15 phút không thao tác). Vui lòng đăng "
                                         "nhập lại; dữ liệu chưa gửi thành công không được lưu."))
            else:
                # A first visit from a link: nothing expired, the page is for officers.
                messages.info(request, _("Trang này dành cho cán bộ, công chức: vui lòng đăng nhập để xem. Công "
                                         "dân, doanh nghiệp đăng nhập tại trang Dịch vụ công trực tuyến."))
        return render(request, "office/login.html", {"form": LoginForm(), "next": next_url})
    form = LoginForm(request.POST)
    if not form.is_valid():
        return render(request, "office/login.html", {"form": form, "next": next_url}, status=400)
    username = form.cleaned_data["username"]
    source = security.source_of(request)
    refusal = security.refusal(username, source)
    if refusal is not None:
        return _refused(request, "office/login.html", {"form": form, "next": next_url}, form, refusal)
    user = authenticate(request, username=username, password=form.cleaned_data["password"])
    if user is None:
        if security.register_failure(username, source):
            form.add_error(None, _locked_message(security.locked_until(username, source)))
            return render(request, "office/login.html", {"form": form, "next": next_url}, status=403)
        form.add_error(None, _("Tên đăng nhập hoặc mật khẩu không đúng."))
        return render(request, "office/login.html", {"form": form, "next": next_url}, status=400)
    if security.needs_second_factor(user):
        # Not logged in yet: only the pending user is remembered, for a few minutes.
        request.session[security.PENDING_SESSION_KEY] = {
            "user_id": user.pk, "at": timezone.now().isoformat(), "next": next_url}
        return redirect("office:otp")
    security.clear_failures(username, source)
    auth_login(request, user)
    return redirect(_safe_next(request, next_url))


def _pending_user(request):
    """The user who passed the password step (or is logged in without the second factor), or None."""
    if request.user.is_authenticated:
        return request.user
    pending = request.session.get(security.PENDING_SESSION_KEY)
    if not pending:
        return None
    if timezone.now() - datetime.fromisoformat(pending["at"]) > security.PENDING_MAX_AGE:
        request.session.pop(security.PENDING_SESSION_KEY, None)
        return None
    return get_user_model().objects.filter(pk=pending["user_id"], is_active=True).first()


@csrf_protect
@never_cache
def otp_view(request):
    user = _pending_user(request)
    if user is None:
        messages.error(request, _("Phiên đăng nhập đã hết hạn. Vui lòng nhập lại tên đăng nhập và mật khẩu."))
        return redirect("login")
    if security.otp_satisfied(request):
        return redirect("office:queue")
    device = security.device_for(user)
    form = OtpForm(request.POST or None)
    context = {"form": form, "enrolling": not device.confirmed, "secret": None if device.confirmed else security.secret_of(device)}
    if request.method != "POST":
        return render(request, "office/otp.html", context)
    source = security.source_of(request)
    refusal = security.refusal(user.get_username(), source)
    if refusal is not None:
        return _refused(request, "office/otp.html", context, form, refusal)
    code = form.cleaned_data["code"] if form.is_valid() else ""
    if code and security.verify_code(device, code):
        verified_by = device
    else:  # a recovery code (issued by another administrator) stands in for the app, also while none is enrolled
        verified_by = security.recovery_device(user, code)
    if verified_by is None:
        if security.register_failure(user.get_username(), source):
            form.add_error(None, _locked_message(security.locked_until(user.get_username(), source)))
            return render(request, "office/otp.html", context, status=403)
        form.add_error(None, _("Mã xác thực không đúng hoặc đã được dùng. Vui lòng nhập mã mới trên ứng dụng."))
        return render(request, "office/otp.html", context, status=400)
    pending = request.session.pop(security.PENDING_SESSION_KEY, None) or {}
    security.clear_failures(user.get_username(), source)
    if not request.user.is_authenticated:
        auth_login(request, user)
    otp_login(request, verified_by)  # the session now carries the device: `request.user.is_verified()`
    return redirect(_safe_next(request, pending.get("next")))


@never_cache
def otp_qr(request):
    """The enrolment QR code, only while the pending user's device is not yet confirmed."""
    user = _pending_user(request)
    if user is None or not security.needs_second_factor(user):
        raise Http404
    device = security.device_for(user)
    if device.confirmed:
        raise Http404
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
