"""`motcua demo` and `motcua generate_demo`, and the demo logins."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from motcua.core.models import Membership, Role
from motcua.demo.accounts import DEMO_PASSWORD, create_demo_accounts
from motcua.demo.reference import load_reference
from motcua.dossiers.models import Dossier


@pytest.mark.django_db
def test_demo_accounts_cover_every_role_and_are_idempotent():
    load_reference()
    accounts = create_demo_accounts()
    # Every role but the citizens', who sign in through the identity provider, not with a demo password.
    assert {a.role for a in accounts} == set(Role.values) - {Role.CITIZEN}
    validate_password(DEMO_PASSWORD)  # the project's own password rules accept the demo password
    create_demo_accounts()
    assert Membership.objects.count() == len(accounts)
    admin = authenticate(username="admin", password=DEMO_PASSWORD)
    assert admin is not None and admin.is_superuser and admin.membership.unit.code == "19"
    assert Membership.objects.get(user__username="stc.xuly").unit.name.startswith("Sở Tài chính")
    assert Membership.objects.get(user__username="phuong.lanhdao").unit.name == "UBND Phường Phan Đình Phùng"
    assert Membership.objects.get(user__username="xa.tiepnhan").unit.name.startswith("UBND Xã")


@pytest.mark.django_db(transaction=True)
def test_demo_generates_once_then_serves_what_it_has(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("demo", dossiers=400, no_serve=True, stdout=out)
    assert Dossier.objects.count() == 400
    assert (tmp_path / "demo-data" / "dossiers.jsonl").exists()
    call_command("demo", dossiers=900, no_serve=True, stdout=out)
    assert Dossier.objects.count() == 400  # already has dossiers: no generation without --reset
    call_command("demo", dossiers=300, no_serve=True, reset=True, stdout=out)
    assert Dossier.objects.count() == 300
    call_command("demo", dossiers=400, no_serve=True, reset=True, stdout=out)
    assert Dossier.objects.count() == 400  # the same folder as the first run is imported again after a reset


def test_generate_demo_writes_the_folder_only(tmp_path):
    call_command("generate_demo", str(tmp_path / "x"), dossiers=50, seed=3, end="2025-12-31", stdout=StringIO())
    assert sum(1 for _ in (tmp_path / "x" / "dossiers.jsonl").open()) == 50
