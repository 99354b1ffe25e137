"""Citizens' sign-in through the identity provider (OpenID Connect, docs/interop-identity.md).

`dang-nhap/` starts the flow (keeps a safe `next`), `dang-nhap/ve/` is the provider's redirect back: the code
is exchanged, the ID token checked, the account made or brought up to date from the claims, the citizen
signed in. Every failure is a Vietnamese page with a retry link (never a 500) and a log line. Both are
rate-limited per address (MOTCUA_SIGNIN_RATE).
"""

from __future__ import annotations

import logging

from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from django.conf import settings
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit
from joserfc.errors import JoseError
from requests import RequestException

from motcua.citizens.access import citizen_of
from motcua.citizens.accounts import ClaimsRefused, sign_in_citizen
from motcua.citizens.models import AccountEvent
from motcua.citizens.oidc import NotConfigured, provider

log = logging.getLogger(__name__)

DEFAULT_NEXT = "/dich-vu-cong/ho-so-cua-toi/"
NEXT_KEY = "citizens_next"
BACKEND = "django.contrib.auth.backends.ModelBackend"

MESSAGES = {
    "not_configured": "Chức năng đăng nhập bằng tài khoản định danh chưa được cấu hình.",
    "unavailable": "Hệ thống định danh điện tử đang tạm thời không phản hồi. Vui lòng thử lại sau ít phút.",
    "state": "Phiên đăng nhập không hợp lệ hoặc đã hết hạn (có thể do mở nhiều cửa sổ đăng nhập). "
             "Vui lòng đăng nhập lại.",
    "denied": "Bạn đã không đồng ý đăng nhập, hoặc hệ thống định danh đã từ chối yêu cầu đăng nhập.",
    "token": "Không xác thực được thông tin đăng nhập nhận từ hệ thống định danh. Vui lòng đăng nhập lại.",
    "account": "Không thể dùng tài khoản định danh này để đăng nhập dịch vụ công. "
               "Vui lòng liên hệ Bộ phận Một cửa để được hỗ trợ.",
}


def signin_rate(group, request):
    return settings.MOTCUA_SIGNIN_RATE


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return DEFAULT_NEXT


def _failure(request, reason: str, status: int = 502):
    return render(request, "citizens/signin_error.html",
                  {"message": MESSAGES[reason], "retry": reverse("citizens:signin")}, status=status)


def _redirect_uri(request) -> str:
    return settings.MOTCUA_OIDC_REDIRECT_URI or request.build_absolute_uri(reverse("citizens:callback"))


@require_GET
@ratelimit(group="citizens.signin", key="ip", rate=signin_rate, block=False)
def signin(request):
    if getattr(request, "limited", False):
        return too_many(request)
    next_url = _safe_next(request, request.GET.get("next"))
    if citizen_of(request.user) is not None:
        return redirect(next_url)
    try:
        response = provider().authorize_redirect(request, _redirect_uri(request))
    except NotConfigured:
        log.error("citizen sign-in: MOTCUA_OIDC_ISSUER is not set")
        return _failure(request, "not_configured", 503)
    except (RequestException, OAuthError, ValueError) as exc:
        log.warning("citizen sign-in: the identity provider's discovery failed: %r", exc)
        return _failure(request, "unavailable", 503)
    request.session[NEXT_KEY] = next_url
    return response


@require_GET
@ratelimit(group="citizens.signin", key="ip", rate=signin_rate, block=False)
def callback(request):
    if getattr(request, "limited", False):
        return too_many(request)
    try:
        token = provider().authorize_access_token(request)
    except NotConfigured:
        log.error("citizen sign-in: MOTCUA_OIDC_ISSUER is not set")
        return _failure(request, "not_configured", 503)
    except MismatchingStateError as exc:
        log.warning("citizen sign-in refused: state mismatch (%s)", exc)
        return _failure(request, "state", 400)
    except OAuthError as exc:
        if request.GET.get("error"):
            log.info("citizen sign-in: the provider answered %s (%s)", exc.error, exc.description)
            return _failure(request, "denied", 400)
        log.warning("citizen sign-in: the token exchange failed: %s %s", exc.error, exc.description)
        return _failure(request, "token", 502)
    except JoseError as exc:
        log.warning("citizen sign-in: the ID token is not valid: %r", exc)
        return _failure(request, "token", 502)
    except (RequestException, ValueError) as exc:
        # A provider down or answering something that is not JSON (503 pages, proxies).
        log.warning("citizen sign-in: the identity provider did not answer properly: %r", exc)
        return _failure(request, "unavailable", 503)
    claims = dict(token.get("userinfo") or {})
    if not claims:
        log.warning("citizen sign-in: no ID token in the provider's answer")
        return _failure(request, "token", 502)
    try:
        citizen = sign_in_citizen(claims, ip=request.META.get("REMOTE_ADDR"))
    except ClaimsRefused as exc:
        log.warning("citizen sign-in refused for sub %s: %s", claims.get("sub"), exc)
        return _failure(request, "account", 403)
    next_url = _safe_next(request, request.session.pop(NEXT_KEY, None))
    login(request, citizen.user, backend=BACKEND)  # a new session key: no fixation
    request.session["signed_in_at"] = timezone.now().isoformat()
    return redirect(next_url)


@require_POST
def signout(request):
    citizen = citizen_of(request.user)
    if citizen is not None:
        AccountEvent.objects.create(citizen=citizen, action=AccountEvent.Action.SIGNED_OUT,
                                    ip=request.META.get("REMOTE_ADDR"))
    logout(request)
    return redirect("/")


def too_many(request):
    log.warning("citizen sign-in rate-limited for %s", request.META.get("REMOTE_ADDR"))
    response = render(request, "citizens/too_many.html", {"retry": reverse("citizens:signin")}, status=429)
    response["Retry-After"] = "60"
    return response
