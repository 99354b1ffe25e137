"""A citizen account from the identity provider's claims: create or update the Django user, the Citizen and
the citizen's Membership, with the audit row, in one transaction. Plain functions, no web layer."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.citizens.models import AccountEvent, Citizen, Kind
from motcua.core.models import Membership, Role

ID_NUMBER = re.compile(r"\d{12}")
TAX_CODE = re.compile(r"\d{10}(-?\d{3})?")
SEX = {"male": "Nam", "female": "Nữ"}
# Citizen fields refreshed from the claims at every sign-in.
DATA_FIELDS = ("kind", "id_number", "tax_code", "full_name", "organization_name", "birth_date", "sex",
               "permanent_address", "commune_code", "household_code", "phone", "email")


class ClaimsRefused(ValueError):
    """The claims cannot make a citizen account (missing or malformed data, or an account conflict)."""


def data_from_claims(claims: dict) -> dict:
    """The Citizen's fields from OIDC claims (docs/interop-identity.md), or ClaimsRefused."""
    subject = str(claims.get("sub") or "").strip()
    if not subject:
        raise ClaimsRefused("thiếu sub")
    id_number = str(claims.get("id_number") or claims.get("so_dinh_danh") or "").strip()
    tax_code = str(claims.get("tax_code") or "").strip()
    business = claims.get("kind") == "business" or (tax_code and not id_number)
    if business:
        if not TAX_CODE.fullmatch(tax_code):
            raise ClaimsRefused(f"mã số thuế không hợp lệ: {tax_code!r}")
    elif not ID_NUMBER.fullmatch(id_number):
        raise ClaimsRefused(f"số định danh cá nhân không hợp lệ: {id_number!r}")
    name = str(claims.get("name") or claims.get("organization_name") or "").strip()
    if not name:
        raise ClaimsRefused("thiếu họ tên")
    birth_date = None
    if claims.get("birthdate"):
        try:
            birth_date = date.fromisoformat(str(claims["birthdate"]))
        except ValueError as exc:
            raise ClaimsRefused(f"ngày sinh không hợp lệ: {claims['birthdate']!r}") from exc
    address = claims.get("address")
    formatted = address.get("formatted", "") if isinstance(address, dict) else str(address or "")
    return {
        "subject": subject,
        "kind": Kind.BUSINESS if business else Kind.PERSON,
        "id_number": "" if business else id_number,
        "tax_code": tax_code,
        "full_name": name[:255],
        "organization_name": str(claims.get("organization_name") or "")[:500],
        "birth_date": birth_date,
        "sex": SEX.get(str(claims.get("gender") or ""), str(claims.get("gender") or ""))[:10],
        "permanent_address": str(claims.get("permanent_address") or formatted)[:500],
        "commune_code": str(claims.get("commune_code") or "")[:10],
        "household_code": str(claims.get("household_code") or "")[:20],
        "phone": str(claims.get("phone_number") or "")[:20],
        "email": str(claims.get("email") or "")[:254],
    }


@transaction.atomic
def sign_in_citizen(claims: dict, ip: str | None = None) -> Citizen:
    """The citizen of these claims, created or brought up to date, with an audit row of what changed.

    The account is found by the provider's subject; its username is the identifier the dossiers carry
    (id number or tax code). An existing account of that name that is not this citizen's (an officer's, or
    another subject's) is never taken over: ClaimsRefused.
    """
    data = data_from_claims(claims)
    identifier = data["tax_code"] if data["kind"] == Kind.BUSINESS else data["id_number"]
    User = get_user_model()
    citizen = Citizen.objects.select_related("user").filter(subject=data["subject"]).first()
    holder = User.objects.filter(username=identifier).first()
    if holder is not None and (citizen is None or holder.pk != citizen.user_id):
        raise ClaimsRefused(f"tài khoản {identifier} đã thuộc về người khác")
    membership = Membership.objects.filter(user_id=citizen.user_id).first() if citizen else None
    if membership is not None and membership.role != Role.CITIZEN:
        raise ClaimsRefused(f"tài khoản {identifier} không phải tài khoản công dân")

    if citizen is None:
        user = User(username=identifier, first_name=data["full_name"][:150], email=data["email"])
        user.set_unusable_password()
        user.save()
        citizen = Citizen.objects.create(user=user, **data)
        AccountEvent.objects.create(citizen=citizen, action=AccountEvent.Action.CREATED, ip=ip,
                                    changes={f: [None, _plain(data[f])] for f in DATA_FIELDS if data[f]})
    else:
        changes = {f: [_plain(getattr(citizen, f)), _plain(data[f])] for f in DATA_FIELDS
                   if getattr(citizen, f) != data[f]}
        for field in DATA_FIELDS:
            setattr(citizen, field, data[field])
        citizen.save()
        user = citizen.user
        if (user.username, user.first_name, user.email) != (identifier, data["full_name"][:150], data["email"]):
            user.username, user.first_name, user.email = identifier, data["full_name"][:150], data["email"]
            user.save(update_fields=["username", "first_name", "email"])
        AccountEvent.objects.create(citizen=citizen, action=AccountEvent.Action.SIGNED_IN, ip=ip, changes=changes)
    if not user.is_active:
        raise ClaimsRefused(f"tài khoản {identifier} đã bị khóa")
    Membership.objects.update_or_create(user=user, defaults={"role": Role.CITIZEN, "unit": None,
                                                             "full_name": data["full_name"]})
    return citizen


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value
