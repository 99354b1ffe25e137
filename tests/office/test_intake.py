"""The online intake queue: the desk's waiting online submissions, scoped, ordered and coloured like the work
queue; accepting one from it; the online application on the dossier page."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from motcua.applications import drafts, submission
from motcua.applications.definitions import load_forms
from motcua.catalog.models import Authority, Procedure
from motcua.dossiers.constants import Channel, Status
from motcua.dossiers.models import Dossier, DossierEvent, Handover
from motcua.office import actions
from motcua.office.clock import URGENCY_COLOURS, URGENCY_LABELS
from motcua.outbox.models import Item
from tests.office.conftest import AT, CITIZEN_ID, pdf_upload, receive

pytestmark = pytest.mark.django_db
NOW = AT + timedelta(hours=1)  # Wednesday 5/11/2025 10:00
DOCUMENT_LABEL = "Tên giấy tờ, văn bản cần chứng thực"
KNOWN = {"full_name": "Nguyễn Văn An", "id_number": CITIZEN_ID, "permanent_address": "Tổ 5, phường Phan Đình Phùng",
         "phone": "0912345678", "email": "an@example.vn"}


@pytest.fixture
def forms(world):
    """The forms as data, and a ten-day procedure of commune A (a catalog form without components)."""
    long = Procedure.objects.create(
        code="1.000999", name="Thủ tục mười ngày", field="Đất đai", level="commune", time_limit=Decimal(10),
        time_unit="working_days", online_level="full", full_online_eligible=True, decision_date=date(2025, 6, 25),
        legal_effective_date=date(2025, 7, 1), position=9)
    Authority.objects.create(unit=world.commune_a, procedure=long)
    load_forms()
    return long


def file_online(world, procedure, unit, at, *, owner=None, known=KNOWN, answers=None):
    """An application filed online by the citizen through the applications module, as the portal does."""
    owner = owner or world.citizen
    draft = drafts.open_draft(owner, procedure, signed_in_at=at - timedelta(minutes=5))
    spec_answers = answers or ({"document_name": "Bằng tốt nghiệp", "copies": "2"} if procedure.code == "2.000815"
                               else {"request": "Đề nghị giải quyết."})
    assert drafts.save_answers(draft, spec_answers, known, unit.pk) == {}
    if procedure.code == "2.000815":
        drafts.attach_upload(draft, "original_scan", pdf_upload("ban-chinh.pdf"))
    return submission.submit(draft, submission.Applicant(known["id_number"], known), actor=owner,
                             signed_in_at=draft.signed_in_at, at=at)


@pytest.fixture
def waiting(world, forms):
    overdue = file_online(world, world.copy, world.commune_a, AT - timedelta(days=2))  # due Monday noon
    soon = file_online(world, world.copy, world.commune_a, AT)  # half a day: due today
    later = file_online(world, forms, world.commune_a, AT - timedelta(minutes=30))  # ten days
    elsewhere = file_online(world, world.copy, world.commune_b, AT)
    accepted = file_online(world, world.copy, world.commune_a, AT - timedelta(minutes=10))
    actions.do_accept_online(accepted, actor=world.desk_a, version=accepted.version, at=AT)
    return {"overdue": overdue, "soon": soon, "later": later, "elsewhere": elsewhere, "accepted": accepted}


ROW = re.compile(r'<tr data-urgency="(\w+)" data-code="([^"]+)">(.*?)</tr>', re.S)


def _rows(client):
    response = client.get("/tiep-nhan-truc-tuyen/")
    assert response.status_code == 200
    return [(urgency, code, body) for urgency, code, body in ROW.findall(response.content.decode())]


def test_the_intake_lists_the_waiting_submissions_most_urgent_first_in_the_queue_colours(world, waiting, client_of):
    with time_machine.travel(NOW, tick=False):
        rows = _rows(client_of(world.desk_a))
    w = waiting
    assert [(u, c) for u, c, _ in rows] == [("overdue", w["overdue"].code), ("due_soon", w["soon"].code),
                                            ("in_time", w["later"].code)]
    for urgency, _code, body in rows:
        background, text = URGENCY_COLOURS[urgency]
        assert f"background:{background};color:{text}" in body
        assert str(URGENCY_LABELS[urgency]) in body
    overdue_row = rows[0][2]
    assert "Chứng thực bản sao từ bản chính" in overdue_row and "Nguyễn Văn An" in overdue_row
    assert "03/11/2025 09:00" in overdue_row  # submitted at, dd/mm/yyyy HH:MM
    assert "Nộp có hỗ trợ" not in overdue_row


def test_the_intake_is_scoped_to_the_desks_units(world, waiting, client_of):
    with time_machine.travel(NOW, tick=False):
        b_rows = _rows(client_of(world.desk_b))
        c_rows = _rows(client_of(world.desk_c))
        leader_rows = _rows(client_of(world.leader_a))
    assert [c for _, c, _ in b_rows] == [waiting["elsewhere"].code]
    assert c_rows == []  # another unit's desk sees nothing of A's or B's
    assert len(leader_rows) == 3  # a leader of A is a desk role too


@pytest.mark.parametrize("persona", ["processor_a", "viewer_a", "citizen"])
def test_other_roles_may_not_open_the_intake(world, waiting, client_of, persona):
    assert client_of(getattr(world, persona)).get("/tiep-nhan-truc-tuyen/").status_code == 403


def test_the_navigation_links_the_intake_for_the_desk_only(world, client_of):
    assert 'href="/tiep-nhan-truc-tuyen/"' in client_of(world.desk_a).get("/hang-doi/").content.decode()
    assert 'href="/tiep-nhan-truc-tuyen/"' not in client_of(world.processor_a).get("/hang-doi/").content.decode()


def test_accepting_from_the_intake_receives_the_dossier_and_tells_the_applicant(world, waiting, client_of):
    dossier = waiting["soon"]
    client = client_of(world.desk_a)
    page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert f'action="/ho-so/{dossier.code}/tiep-nhan/"' in page
    response = client.post(f"/ho-so/{dossier.code}/tiep-nhan/", {"version": dossier.version})
    assert response.status_code == 302
    stored = Dossier.objects.get(pk=dossier.pk)
    assert (stored.status, stored.holder, stored.channel) == (Status.RECEIVED, world.commune_a, Channel.ONLINE)
    step = Handover.objects.get(dossier=dossier)
    assert (step.unit, step.due_at, step.released_at) == (world.commune_a, dossier.due_at, None)
    assert list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True).order_by("id")) == [
        "create", "receive"]
    # The receipt notice goes to the e-mail and phone the application gave.
    notices = Item.objects.filter(kind__startswith="notify.", key__startswith=f"{dossier.code}:receipt:")
    assert sorted(notices.values_list("kind", flat=True)) == ["notify.email", "notify.sms"]
    with time_machine.travel(NOW, tick=False):
        assert dossier.code not in [c for _, c, _ in _rows(client)]


def test_a_posted_twice_acceptance_notifies_once(world, waiting, client_of):
    dossier = waiting["soon"]
    client = client_of(world.desk_a)
    client.post(f"/ho-so/{dossier.code}/tiep-nhan/", {"version": dossier.version})
    client.post(f"/ho-so/{dossier.code}/tiep-nhan/", {"version": dossier.version})
    assert Item.objects.filter(kind="notify.email", key__startswith=f"{dossier.code}:receipt:").count() == 1
    assert Handover.objects.filter(dossier=dossier).count() == 1


def test_the_dossier_page_shows_the_online_application(world, waiting, client_of):
    dossier = waiting["soon"]
    page = client_of(world.desk_a).get(f"/ho-so/{dossier.code}/").content.decode()
    section = page[page.index('id="application"'):]
    assert "Yêu cầu chứng thực bản sao từ bản chính" in section and "phiên bản 1" in section
    answers = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", section[:section.index("</dl>")], re.S)
    shown = {label: value.strip() for label, value in answers}
    assert shown[DOCUMENT_LABEL] == "Bằng tốt nghiệp"
    filled = [label for label, value in answers if "(từ CSDL dân cư)" in value]
    typed = [label for label, value in answers if "(từ CSDL dân cư)" not in value]
    assert "Số định danh cá nhân của người yêu cầu" in filled and len(filled) == 5
    assert all("Nguyễn Văn An" not in label for label in typed)
    assert "Nộp trực tuyến có hỗ trợ" not in section
    # A dossier received at the desk has no online application section.
    paper = receive(world)
    assert 'id="application"' not in client_of(world.desk_a).get(f"/ho-so/{paper.code}/").content.decode()


def test_components_taken_from_the_data_store_are_marked(world, waiting, client_of):
    dossier = waiting["soon"]
    component = dossier.components.get()
    type(component).objects.filter(pk=component.pk).update(from_data_store=True)
    page = client_of(world.desk_a).get(f"/ho-so/{dossier.code}/").content.decode()
    section = page[page.index('id="application-components"'):]
    assert "(từ kho dữ liệu)" in section[:section.index("</ul>")]
