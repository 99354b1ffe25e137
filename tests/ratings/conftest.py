"""Ratings' world: the back office's units, procedures and personas (tests/office/conftest.py), the portal's
citizens (tests/portal/conftest.py), and dossiers taken through the office's actions to "returned"."""

from datetime import timedelta

import pytest

from motcua.dossiers.models import Dossier
from motcua.lib.filetypes import PDF
from motcua.office import actions
from tests.office.conftest import (  # noqa: F401
    AT,
    CITIZEN_ID,
    MINIMAL_PDF,
    client_of,
    media_root,
    password_hash,
    pdf_upload,
    world,
)
from tests.portal.conftest import citizen_client, other_client, portal_world  # noqa: F401

EMAIL = "an.nguyen@example.vn"


def fresh(dossier) -> Dossier:
    return Dossier.objects.select_related("procedure", "unit", "received_by").get(pk=dossier.pk)


def resolved(w, *, desk=None, procedure=None, unit=None, at=AT, email=EMAIL, phone="0912345678",
             id_number=CITIZEN_ID):
    """A dossier received at `desk`, processed and signed by its unit: ready to be returned."""
    desk = desk or w.desk_a
    procedure = procedure or w.birth
    unit = unit or w.commune_a
    components = [actions.ComponentInput(c.name, upload=pdf_upload(), kind=PDF)
                  for c in procedure.components.order_by("position")]
    dossier = actions.do_receive(
        actor=desk, procedure=procedure, unit=unit, received_by=desk.membership.unit,
        applicant=actions.Applicant("Nguyễn Văn An", id_number, phone, "Tổ 5, phường Phan Đình Phùng",
                                    email=email),
        components=components, token=actions.issue_token(desk), at=at)
    actions.do_assign(dossier, actor=w.leader_a, assignee=w.processor_a, version=dossier.version,
                      at=at + timedelta(minutes=5))
    dossier = fresh(dossier)
    actions.do_resolve(dossier, actor=w.processor_a, result_text="Cấp Giấy khai sinh.", version=dossier.version,
                       at=at + timedelta(minutes=30))
    dossier = fresh(dossier)
    actions.do_approve_and_sign(dossier, actor=w.leader_a, version=dossier.version, signed_pdf=MINIMAL_PDF,
                                signer_name=unit.name, at=at + timedelta(minutes=45))
    return fresh(dossier)


def returned(w, *, at=AT, **kwargs):
    """A dossier whose result was returned one hour after `at`."""
    dossier = resolved(w, at=at, **kwargs)
    actions.do_return(dossier, actor=kwargs.get("desk") or w.desk_a, version=dossier.version,
                      at=at + timedelta(hours=1))
    return fresh(dossier)


@pytest.fixture
def dossier(world):  # noqa: F811
    return returned(world)
