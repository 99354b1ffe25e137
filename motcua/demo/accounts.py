"""Demo logins, one per role of `motcua.core.models.Role`, for trying the system after `motcua demo`.

DEMO ONLY: every account shares one published password. Never run this against a real database; the
`demo` command is the only caller.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from motcua.core.models import Membership, Role
from motcua.demo import reference as ref
from motcua.units.models import Unit, UnitKind

DEMO_PASSWORD = "motcua-demo-2025"  # demo only, printed by `motcua demo`
FINANCE_SHORT_NAME = "Sở Tài chính"
DEMO_WARD = "Phường Phan Đình Phùng"
DEMO_COMMUNE = "Xã Đại Từ"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit_code: str | None
    full_name: str
    superuser: bool = False

    @property
    def password(self) -> str:
        return DEMO_PASSWORD


def _pick_commune(communes: list[Unit], wanted: str, prefix: str, exclude: Unit | None = None) -> Unit | None:
    """The commune named `wanted` if the package has it, else the first whose name starts with `prefix`."""
    by_name = {u.name.casefold(): u for u in communes}
    found = by_name.get(f"UBND {wanted}".casefold())
    if found is not None and found != exclude:
        return found
    return next((u for u in communes if u.name.casefold().startswith(f"ubnd {prefix}".casefold())
                 and u != exclude), None)


def demo_accounts() -> list[DemoAccount]:
    """The accounts to create, given the units in the database."""
    province = Unit.objects.filter(code=ref.PROVINCE_CODE).first()
    finance = Unit.objects.filter(kind=UnitKind.DEPARTMENT, name__startswith=FINANCE_SHORT_NAME).order_by(
        "position").first()
    communes = list(Unit.objects.filter(kind=UnitKind.COMMUNE).order_by("position", "id"))
    ward = _pick_commune(communes, DEMO_WARD, "phường")
    commune = _pick_commune(communes, DEMO_COMMUNE, "xã", exclude=ward)
    accounts = [
        DemoAccount("admin", Role.ADMINISTRATOR, province and province.code, "Quản trị hệ thống", superuser=True),
        DemoAccount("giamsat", Role.PROVINCIAL_MONITOR, province and province.code, "Giám sát cấp tỉnh"),
    ]
    officers = ((Role.DESK_OFFICER, "tiepnhan", "Cán bộ tiếp nhận"), (Role.PROCESSING_OFFICER, "xuly", "Chuyên viên xử lý"),
                (Role.UNIT_LEADER, "lanhdao", "Lãnh đạo"))
    for prefix, unit in (("stc", finance), ("phuong", ward), ("xa", commune)):
        if unit is None:
            continue
        accounts += [DemoAccount(f"{prefix}.{suffix}", role, unit.code, f"{label} – {unit.name}")
                     for role, suffix, label in officers]
    # Any other role (e.g. the read-only viewer) gets one account in Sở Tài chính, so that every role
    # of `Role` can be tried, including roles added after this list was written. Citizens have no password
    # here: they sign in through the identity provider (the demo's stand-in seeds them, docs/interop-identity.md).
    covered = {a.role for a in accounts} | {Role.CITIZEN}
    home = finance or province
    for role in Role:
        if role not in covered:
            accounts.append(DemoAccount(f"stc.{role.value}" if finance else f"demo.{role.value}", role,
                                        home and home.code, f"{role.label} – {home.name if home else ''}"))
    return accounts


# The password login that citizens had before the portal signed them in through the identity provider.
RETIRED_ACCOUNTS = ("congdan",)


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    """Create or refresh the demo accounts; running it again changes nothing.

    The password is hashed once and the hash shared by all accounts: a deliberate shortcut for demo
    logins that share one published password anyway (a hash costs about 0.3 s on a small machine).
    """
    User = get_user_model()
    accounts = demo_accounts()
    units = {u.code: u for u in Unit.objects.filter(code__in=[a.unit_code for a in accounts if a.unit_code])}
    users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in accounts])}
    shared = next((u.password for u in users.values() if check_password(DEMO_PASSWORD, u.password)), None)
    shared = shared or make_password(DEMO_PASSWORD)
    for account in accounts:
        user = users.get(account.username) or User(username=account.username)
        wanted = (account.superuser, account.superuser, True, shared)
        if user.pk is None or (user.is_superuser, user.is_staff, user.is_active, user.password) != wanted:
            user.is_superuser, user.is_staff, user.is_active, user.password = wanted
            user.save()
        Membership.objects.update_or_create(user=user, defaults={
            "unit": units.get(account.unit_code), "role": account.role, "full_name": account.full_name})
    User.objects.filter(username__in=RETIRED_ACCOUNTS, is_active=True).update(is_active=False)
    return accounts
