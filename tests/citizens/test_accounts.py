"""Accounts from claims (motcua.citizens.accounts) and who is a citizen (motcua.citizens.access)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from motcua.citizens.access import citizen_of, citizen_required
from motcua.citizens.accounts import ClaimsRefused, data_from_claims, sign_in_citizen
from motcua.citizens.models import Citizen
from motcua.core.models import Membership, Role

pytestmark = pytest.mark.django_db

CLAIMS = {"sub": "c467b299", "kind": "person", "name": "Nguyễn Văn An", "id_number": "019090000001",
          "birthdate": "1990-05-12", "gender": "male", "household_code": "05443-000001",
          "commune_code": "05443", "permanent_address": "Tổ 5, phường Phan Đình Phùng, tỉnh Thái Nguyên"}


@pytest.mark.parametrize("change", [{"sub": ""}, {"id_number": "01909000000"}, {"id_number": "01909000000X"},
                                    {"name": ""}, {"birthdate": "12/05/1990"},
                                    {"kind": "business", "tax_code": "46012"}])
def test_claims_that_cannot_make_an_account_are_refused(change):
    with pytest.raises(ClaimsRefused):
        data_from_claims({**CLAIMS, **change})


def test_an_officer_account_is_never_taken_over():
    officer = get_user_model().objects.create_user("019090000001", password="x" * 12)
    Membership.objects.create(user=officer, role=Role.DESK_OFFICER)
    with pytest.raises(ClaimsRefused):
        sign_in_citizen(CLAIMS)
    assert not Citizen.objects.exists()
    assert Membership.objects.get(user=officer).role == Role.DESK_OFFICER


def test_another_subject_with_the_same_number_is_refused():
    sign_in_citizen(CLAIMS)
    with pytest.raises(ClaimsRefused):
        sign_in_citizen({**CLAIMS, "sub": "someone-else"})
    assert Citizen.objects.get().subject == "c467b299"


def view(request):
    return HttpResponse(f"citizen {request.citizen.identifier}")


def test_citizen_required_sends_strangers_to_the_sign_in_and_refuses_officers():
    factory = RequestFactory()
    request = factory.get("/dich-vu-cong/ho-so-cua-toi/?trang=2")
    request.user = AnonymousUser()
    response = citizen_required(view)(request)
    assert response.status_code == 302
    assert response["Location"] == "/dich-vu-cong/dang-nhap/?next=%2Fdich-vu-cong%2Fho-so-cua-toi%2F%3Ftrang%3D2"

    officer = get_user_model().objects.create_user("stc.xuly", password="x" * 12)
    Membership.objects.create(user=officer, role=Role.PROCESSING_OFFICER)
    request.user = officer
    with pytest.raises(PermissionDenied):
        citizen_required(view)(request)
    assert citizen_of(officer) is None

    citizen = sign_in_citizen(CLAIMS)
    request.user = get_user_model().objects.get(pk=citizen.user_id)
    assert citizen_required(view)(request).content == b"citizen 019090000001"
    assert citizen_of(request.user) == citizen
    assert citizen_of(AnonymousUser()) is None


def test_a_citizen_role_without_a_citizen_row_is_not_a_citizen():
    user = get_user_model().objects.create_user("congdan", password="x" * 12)
    Membership.objects.create(user=user, role=Role.CITIZEN)
    assert citizen_of(user) is None
