"""The back office's personas and their world, in one place.

Units: the province (19) → Sở Tài chính (19.STC) → its business registration office (19.STC.DKKD);
commune A = phường Phan Đình Phùng (05443), commune B = phường Linh Sơn (05710), commune C = xã Tân
Cương (05800). Personas: the desk officer, processing officer, leader and read-only colleague of A; the
desk officer of B, who must see nothing of A, and B's processing officer (for hand-overs to B); C's desk
officer; the processing officer of the department's office and the department's leader; a citizen; the
provincial monitor; an administrator (second factor).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import Authority, Procedure, ProcedureComponent
from motcua.core.models import Membership, Role
from motcua.lib.filetypes import PDF
from motcua.office import actions
from motcua.units.models import Unit

PASSWORD = "Mat-khau-rat-manh-2025"
CITIZEN_ID = "019090001234"
# A Wednesday morning, inside a working session: due times below are easy to check by hand.
AT = datetime.fromisoformat("2025-11-05T09:00:00+07:00")

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf_upload(name="to-khai.pdf", content=MINIMAL_PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(scope="session")
def password_hash():
    # Hashing with the real (slow, strong) hasher once per run instead of once per user and test.
    return make_password(PASSWORD)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class World:
    province: Unit
    department: Unit
    dkkd: Unit
    commune_a: Unit
    commune_b: Unit
    commune_c: Unit
    birth: Procedure
    business: Procedure
    copy: Procedure
    people: SimpleNamespace

    def __getattr__(self, name):
        return getattr(self.people, name)


def _unit(code, name, kind, parent=None, position=0):
    return Unit.objects.create(code=code, name=name, kind=kind, parent=parent, position=position)


def _procedure(code, name, field, level, limit, fee=0, position=0):
    return Procedure.objects.create(
        code=code, name=name, field=field, level=level, time_limit=Decimal(limit), time_unit="working_days",
        fee_vnd=fee, written_result=True, online_level="full", full_online_eligible=True,
        decision_date=date(2025, 6, 25), legal_effective_date=date(2025, 7, 1), position=position)


def _person(username, role, unit, full_name, password_hash, **flags):
    user = get_user_model().objects.create(username=username, password=password_hash, **flags)
    Membership.objects.create(user=user, unit=unit, role=role, full_name=full_name)
    return user


@pytest.fixture
def world(db, password_hash):
    province = _unit("19", "UBND tỉnh Thái Nguyên", "province")
    department = _unit("19.STC", "Sở Tài chính", "department", province, 1)
    dkkd = _unit("19.STC.DKKD", "Phòng Đăng ký kinh doanh, Sở Tài chính", "office", department, 2)
    commune_a = _unit("05443", "UBND phường Phan Đình Phùng", "commune", province, 3)
    commune_b = _unit("05710", "UBND phường Linh Sơn", "commune", province, 4)
    commune_c = _unit("05800", "UBND xã Tân Cương", "commune", province, 5)

    birth = _procedure("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", "commune", "1", position=1)
    business = _procedure("2.000046", "Đăng ký thành lập hộ kinh doanh", "Đăng ký kinh doanh", "province", "3",
                          fee=100000, position=2)
    copy = _procedure("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực", "commune", "0.5", fee=2000,
                      position=3)
    ProcedureComponent.objects.create(procedure=birth, name="Tờ khai đăng ký khai sinh", required=True, position=1)
    ProcedureComponent.objects.create(procedure=birth, name="Giấy chứng sinh", required=True, position=2)
    ProcedureComponent.objects.create(procedure=business, name="Giấy đề nghị đăng ký hộ kinh doanh", position=1)
    ProcedureComponent.objects.create(procedure=business, name="Bản sao giấy tờ pháp lý của chủ hộ", required=False,
                                      position=2)
    for unit in (commune_a, commune_b, commune_c):
        Authority.objects.create(unit=unit, procedure=birth)
        Authority.objects.create(unit=unit, procedure=copy)
    Authority.objects.create(unit=dkkd, procedure=business)

    h = password_hash
    people = SimpleNamespace(
        desk_a=_person("tiepnhan.pdp", Role.DESK_OFFICER, commune_a, "Nguyễn Thị Tiếp", h),
        processor_a=_person("chuyenvien.pdp", Role.PROCESSING_OFFICER, commune_a, "Trần Văn Xử", h),
        leader_a=_person("lanhdao.pdp", Role.UNIT_LEADER, commune_a, "Lê Văn Lãnh", h),
        viewer_a=_person("theodoi.pdp", Role.VIEWER, commune_a, "Phạm Thị Xem", h),
        desk_b=_person("tiepnhan.ls", Role.DESK_OFFICER, commune_b, "Hoàng Văn Bê", h),
        processor_b=_person("chuyenvien.ls", Role.PROCESSING_OFFICER, commune_b, "Ngô Văn Minh", h),
        desk_c=_person("tiepnhan.tc", Role.DESK_OFFICER, commune_c, "Đỗ Thị Xê", h),
        dept_processor=_person("chuyenvien.dkkd", Role.PROCESSING_OFFICER, dkkd, "Vũ Thị Kinh", h),
        dept_leader=_person("lanhdao.stc", Role.UNIT_LEADER, department, "Bùi Văn Tài", h),
        citizen=_person(CITIZEN_ID, Role.CITIZEN, None, "Nguyễn Văn An", h),
        monitor=_person("giamsat.tinh", Role.PROVINCIAL_MONITOR, province, "Đinh Thị Giám", h),
        admin=_person("quantri", Role.ADMINISTRATOR, province, "Quản Trị Viên", h, is_staff=True, is_superuser=True),
    )
    return World(province, department, dkkd, commune_a, commune_b, commune_c, birth, business, copy, people)


def receive(world, *, desk=None, procedure=None, unit=None, at=AT, applicant_name="Nguyễn Văn An",
            id_number=CITIZEN_ID, files=True):
    """A dossier received at a desk through the action, as the receipt view would do it."""
    desk = desk or world.desk_a
    procedure = procedure or world.birth
    unit = unit or world.commune_a
    components = [actions.ComponentInput(c.name, upload=pdf_upload() if files else None, kind=PDF if files else None,
                                         paper=not files)
                  for c in procedure.components.order_by("position")]
    return actions.do_receive(
        actor=desk, procedure=procedure, unit=unit, received_by=desk.membership.unit,
        applicant=actions.Applicant(applicant_name, id_number, "0912345678", "Tổ 5, phường Phan Đình Phùng"),
        components=components, token=actions.issue_token(desk), at=at)


@pytest.fixture
def dossier(world):
    """A birth registration received at commune A's desk, decided by commune A."""
    return receive(world)


@pytest.fixture
def client_of(client):
    """`client_of(user)`: a test client logged in as `user` (second factor marked done for administrators)."""
    from django.test import Client

    from tests.secondfactor import pass_second_factor

    def make(user):
        return pass_second_factor(Client(), user)
    return make
