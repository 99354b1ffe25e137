"""Administrators manage each other's second factor in the admin, in Vietnamese."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.office.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_lost_phone_is_removed_and_recovery_codes_are_issued_to_log_in_meanwhile(world, client_of):
    from django.contrib.auth import get_user_model
    from django.test import Client

    colleague = get_user_model().objects.create_user("quantri.hai", password=PASSWORD, is_staff=True,
                                                      is_superuser=True)
    lost = TOTPDevice.objects.create(user=colleague, name="Ứng dụng xác thực", confirmed=True)
    admin = client_of(world.admin)
    listing = admin.get("/admin/office/authenticatorapp/").content.decode()
    assert "quantri.hai" in listing and "Lần dùng gần nhất" in listing and "TOTP" not in listing
    assert lost.key not in admin.get(f"/admin/office/authenticatorapp/{lost.pk}/change/").content.decode()
    added = admin.get("/admin/office/authenticatorapp/add/")
    assert added.status_code == 403, added.status_code  # enrolled at login only
    admin.post(f"/admin/office/authenticatorapp/{lost.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(user=colleague).exists()

    form = admin.get("/admin/office/recoverycodes/add/").content.decode()
    assert "Người dùng" in form and "Mã dự phòng" in form
    response = admin.post("/admin/office/recoverycodes/add/", {
        "user": colleague.pk, "name": "Mã dự phòng", "confirmed": "on",
        "token_set-TOTAL_FORMS": "0", "token_set-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    device = StaticDevice.objects.get(user=colleague)
    codes = list(device.token_set.values_list("token", flat=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    page = admin.get(f"/admin/office/recoverycodes/{device.pk}/change/").content.decode()
    assert all(code in page for code in codes)

    # The colleague logs in with a code instead of his lost phone, once.
    colleague_client = Client()
    colleague_client.post("/dang-nhap/", {"username": "quantri.hai", "password": PASSWORD})
    assert colleague_client.post("/dang-nhap/ma-xac-thuc/", {"code": codes[0]}).status_code == 302
    assert colleague_client.get("/admin/").status_code == 200
    assert StaticDevice.objects.get(user=colleague).token_set.count() == 9
