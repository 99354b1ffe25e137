"""The identity stand-in's own pages: the sign-in page and the token-protected `/_standin/` control paths.

Control (header `Authorization: Bearer <token>`, the `--token` given at start):
- `POST /_standin/faults` (faults.py), `POST /_standin/down`, `POST /_standin/clear`, `GET /_standin/state`;
- `POST /_standin/reset`: no faults, every grant, token and session forgotten (the people stay);
- `GET /_standin/people`: `{"password": the demo password, "people": [every seeded record]}`.
"""

from __future__ import annotations

import json
import os
import secrets

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.contrib.sessions.models import Session
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from motcua.standins.base import down_seconds
from motcua.standins.identity.faults import FAULTS, Invalid, validate
from motcua.standins.identity.people.models import Person
from motcua.standins.identity.population import DEMO_PASSWORD


class SignInForm(AuthenticationForm):
    username = forms.CharField(label="Số định danh cá nhân / Mã số thuế", max_length=14,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username",
                                                             "inputmode": "numeric"}))
    password = forms.CharField(label="Mật khẩu", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    error_messages = {
        "invalid_login": "Số định danh (mã số thuế) hoặc mật khẩu không đúng. Vui lòng kiểm tra và nhập lại.",
        "inactive": "Tài khoản định danh này đã bị khóa.",
    }


class SignInView(LoginView):
    template_name = "identity/login.html"
    form_class = SignInForm


def home(request):
    return HttpResponse("Bản giả lập nhà cung cấp định danh (OpenID Connect) — "
                        "/.well-known/openid-configuration", content_type="text/plain; charset=utf-8")


def _control(method: str):
    def wrap(view):
        @csrf_exempt
        def guarded(request):
            expected = f"Bearer {os.environ.get('MOTCUA_IDENTITY_TOKEN', '')}"
            if not secrets.compare_digest(request.headers.get("Authorization", ""), expected):
                return JsonResponse({"error": "Authorization: thiếu hoặc sai mã xác thực (Bearer)"}, status=401)
            if request.method != method:
                return JsonResponse({"error": f"chỉ nhận {method}"}, status=405, headers={"Allow": method})
            try:
                payload = json.loads(request.body.decode("utf-8")) if request.body.strip() else None
                return view(request, payload)
            except (UnicodeDecodeError, json.JSONDecodeError, Invalid) as exc:
                return JsonResponse({"error": str(exc)}, status=400)
        return guarded
    return wrap


@_control("POST")
def control_faults(request, payload):
    return JsonResponse({"faults_pending": FAULTS.add_faults(validate(payload))})


@_control("POST")
def control_down(request, payload):
    FAULTS.set_down(down_seconds(payload or {}))
    return JsonResponse({"down": True})


@_control("POST")
def control_clear(request, payload):
    FAULTS.clear()
    return JsonResponse({"cleared": True})


@_control("GET")
def control_state(request, payload):
    return JsonResponse({**FAULTS.snapshot(), "people": Person.objects.count(),
                         "grants": get_grant_model().objects.count(),
                         "access_tokens": get_access_token_model().objects.count()})


@_control("POST")
def control_reset(request, payload):
    FAULTS.clear()
    for model in (get_refresh_token_model(), get_access_token_model(), get_id_token_model(), get_grant_model()):
        model.objects.all().delete()
    Session.objects.all().delete()
    return JsonResponse({"reset": True})


@_control("GET")
def control_people(request, payload):
    people = [p.data for p in Person.objects.order_by("pk")]
    return JsonResponse({"password": DEMO_PASSWORD, "people": people}, json_dumps_params={"ensure_ascii": False})
