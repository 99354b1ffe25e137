"""Logins, second factor, lockout, idle sessions, headers and CSRF."""

import base64
import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.dossiers.models import DossierEvent
from tests.office.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password=PASSWORD, **extra):
    return client.post("/dang-nhap/", {"username": username, "password": password, **extra})


def _logged_in(client):
    return "_auth_user_id" in client.session


def test_passwords_are_stored_with_a_strong_hasher(world):
    assert get_hasher().algorithm == "pbkdf2_sha256"
    assert world.desk_a.password.startswith("pbkdf2_sha256$")
    assert world.desk_a.check_password(PASSWORD)


def test_an_officer_logs_in_and_lands_on_the_queue(world, client):
    response = _login(client, "tiepnhan.pdp")
    assert response.status_code == 302 and response["Location"] == "/hang-doi/"
    assert _logged_in(client)


def test_five_failures_lock_the_username_for_fifteen_minutes(world):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            assert _login(client, "tiepnhan.pdp", "sai-mat-khau").status_code == 400
        fifth = _login(client, "tiepnhan.pdp", "sai-mat-khau")
        assert fifth.status_code == 403 and "tạm thời bị khóa" in fifth.content.decode()
        right_password = _login(client, "tiepnhan.pdp")
        assert right_password.status_code == 403 and not _logged_in(client)
        # Other accounts are not affected.
        assert _login(Client(), "chuyenvien.pdp").status_code == 302
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert _login(client, "tiepnhan.pdp").status_code == 403
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert _login(client, "tiepnhan.pdp").status_code == 302 and _logged_in(client)


def test_unknown_usernames_are_locked_the_same_way(world, client):
    for _ in range(5):
        _login(client, "khong-ton-tai", "x")
    response = _login(client, "khong-ton-tai", "x")
    assert response.status_code == 403 and "tạm thời bị khóa" in response.content.decode()


def test_administrators_need_a_totp_code_after_the_password(world, client):
    response = _login(client, "quantri", next="/admin/")
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/ma-xac-thuc/"
    assert not _logged_in(client)  # the password alone logs nobody in
    assert client.get("/hang-doi/").status_code == 302
    page = client.get("/dang-nhap/ma-xac-thuc/").content.decode()
    # First login: enrolment, with the secret typed by hand (base32) and its QR code.
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1)
    assert client.get("/dang-nhap/ma-xac-thuc/ma-qr.svg")["Content-Type"] == "image/svg+xml"
    assert client.post("/dang-nhap/ma-xac-thuc/", {"code": "000000"}).status_code == 400
    assert not _logged_in(client)
    # The code an authenticator app shows, computed by another implementation than the server's.
    code = pyotp.TOTP(secret).now()
    response = client.post("/dang-nhap/ma-xac-thuc/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert _logged_in(client) and client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.get(user=world.admin).confirmed
    assert secret not in client.get("/dang-nhap/ma-xac-thuc/").content.decode()  # shown while enrolling only
    # The same code cannot be replayed for a second login.
    other = Client()
    _login(other, "quantri")
    assert other.post("/dang-nhap/ma-xac-thuc/", {"code": code}).status_code == 400
    assert not _logged_in(other)


def test_the_enrolment_link_an_app_reads_carries_the_issuer_and_the_secret(world, client):
    _login(client, "quantri")
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", client.get("/dang-nhap/ma-xac-thuc/").content.decode())[1]
    parsed = pyotp.parse_uri(TOTPDevice.objects.get(user=world.admin).config_url)
    assert (parsed.secret, parsed.issuer, parsed.name, parsed.digits, parsed.interval) == (
        secret, "motcua Thái Nguyên", "motcua Thái Nguyên:quantri", 6, 30)
    assert client.get("/dang-nhap/ma-xac-thuc/ma-qr.svg").content.startswith(b"<?xml")


def test_an_enrolled_administrator_logs_in_with_the_app_s_code_within_a_step_of_drift(world):
    device = TOTPDevice.objects.create(user=world.admin, name="Ứng dụng xác thực", confirmed=True)
    app = pyotp.TOTP(base64.b32encode(device.bin_key).decode())
    now = timezone.now()
    for hour, (drift, accepted) in enumerate(((-95, False), (-30, True), (30, True), (95, False))):
        # django-otp follows a phone's drift once it has accepted a code (OTP_TOTP_SYNC): each case starts from
        # a phone that never drifted.
        TOTPDevice.objects.filter(pk=device.pk).update(drift=0)
        client = Client()
        with time_machine.travel(now + timedelta(hours=hour), tick=False):
            _login(client, "quantri")
            code = app.at(timezone.now().timestamp() + drift)
            response = client.post("/dang-nhap/ma-xac-thuc/", {"code": code})
            assert (response.status_code == 302) is accepted, drift
            assert _logged_in(client) is accepted


def test_wrong_codes_count_towards_the_lockout(world):
    TOTPDevice.objects.create(user=world.admin, name="Ứng dụng xác thực", confirmed=True)
    client = Client()
    _login(client, "quantri")
    for _ in range(4):
        assert client.post("/dang-nhap/ma-xac-thuc/", {"code": "123456"}).status_code in (400, 403)
    fifth = client.post("/dang-nhap/ma-xac-thuc/", {"code": "123456"})
    assert fifth.status_code == 403 and "tạm thời bị khóa" in fifth.content.decode()
    assert not _logged_in(client)


def test_a_recovery_code_stands_in_for_the_app_once(world):
    TOTPDevice.objects.create(user=world.admin, name="Ứng dụng xác thực", confirmed=True)
    recovery = StaticDevice.objects.create(user=world.admin, name="Mã dự phòng", confirmed=True)
    recovery.token_set.create(token="ab12cd34")
    client = Client()
    _login(client, "quantri")
    assert client.post("/dang-nhap/ma-xac-thuc/", {"code": "AB12 CD34"}).status_code == 302
    assert _logged_in(client) and client.get("/admin/").status_code == 200
    again = Client()
    _login(again, "quantri")
    assert again.post("/dang-nhap/ma-xac-thuc/", {"code": "ab12cd34"}).status_code == 400  # used up


def test_an_admin_session_without_the_second_factor_opens_neither_the_office_nor_the_admin(world):
    client = Client()
    client.force_login(world.admin)
    assert client.get("/hang-doi/")["Location"] == "/dang-nhap/ma-xac-thuc/"
    admin_login = client.get("/admin/")["Location"]
    assert admin_login.startswith("/admin/login/")
    assert client.get(admin_login)["Location"] == "/dang-nhap/?next=%2Fadmin%2F"  # ours, never Django's


def test_sessions_expire_after_fifteen_idle_minutes(world, dossier):
    assert settings.SESSION_COOKIE_AGE == 15 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        client.force_login(world.processor_a)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert client.get("/hang-doi/").status_code == 200  # activity keeps the session alive
    with time_machine.travel(start + timedelta(minutes=24), tick=False):
        assert client.get("/hang-doi/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=40), tick=False):
        response = client.post(f"/ho-so/{dossier.code}/yeu-cau-bo-sung/",
                               {"version": dossier.version, "reason": "Bổ sung"})
        # Back to the dossier's page after logging in again, not to the POST-only action URL.
        assert response.status_code == 302 and response["Location"] == f"/dang-nhap/?next=/ho-so/{dossier.code}/"
        page = client.get(response["Location"]).content.decode()
        assert "Phiên làm việc đã hết hạn" in page
    assert not DossierEvent.objects.filter(action="request_supplement").exists()


def test_security_headers_are_on_every_page(world, client_of, client):
    for response in (client_of(world.desk_a).get("/hang-doi/"), client.get("/dang-nhap/")):
        assert response["Content-Security-Policy"] == "default-src 'self'; style-src 'self' 'unsafe-inline'"
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_every_form_carries_a_csrf_token_and_a_post_without_it_is_refused(world, dossier):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.leader_a)
    page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    forms = re.findall(r'<form[^>]*method="post"', page)
    assert forms and len(forms) == page.count('name="csrfmiddlewaretoken"')
    response = client.post(f"/ho-so/{dossier.code}/yeu-cau-bo-sung/", {"version": 1, "reason": "Bổ sung"})
    assert response.status_code == 403
    assert not DossierEvent.objects.filter(action="request_supplement").exists()
