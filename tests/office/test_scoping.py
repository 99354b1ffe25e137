"""One scoping method for every view: outside one's scope a dossier and each of its documents are
"not found"; inside it, everything opens."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.office import actions
from tests.office.conftest import AT, CITIZEN_ID, receive

pytestmark = pytest.mark.django_db

ACTION_URLS = ["accept", "refuse", "withdraw", "assign", "hand_over", "request_supplement", "complete_supplement",
               "request_fees", "fees_paid", "apologize", "stop", "resolve", "sign", "return_result"]


def _reload(dossier):
    return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def full_dossier(world):
    """A dossier with every kind of document: component file, supplement request, apology, signed result."""
    with time_machine.travel(AT, tick=False):
        dossier = receive(world, procedure=world.business, unit=world.dkkd)
        actions.do_request_supplement(dossier, actor=world.dept_processor, reason="Bổ sung", version=dossier.version)
        actions.do_complete_supplement(dossier, actor=world.desk_a, version=dossier.version)
        actions.do_apologize(dossier, actor=world.dept_processor, reason="Chờ xác minh",
                             new_due=AT + timedelta(days=7), version=dossier.version)
        actions.do_resolve(dossier, actor=world.dept_processor, result_text="Cấp giấy chứng nhận.",
                           version=dossier.version)
    from motcua.office import pdfs

    signed, name = pdfs.signed_result(dossier, actions.result_code(dossier), AT, "Bùi Văn Tài")
    actions.do_approve_and_sign(dossier, actor=world.dept_leader, version=dossier.version, signed_pdf=signed,
                                signer_name=name)
    return _reload(dossier)


@pytest.fixture
def refused_dossier(world):
    dossier = receive(world, applicant_name="Trần Thị Bình", id_number="019090009999")
    return actions.do_refuse_at_receipt(dossier, actor=world.desk_a, reason="Thiếu giấy tờ", version=dossier.version)


def _document_urls(dossier, refused):
    component = dossier.components.exclude(file="").first()
    apology = dossier.events.filter(action="apologize").first()
    urls = [reverse("office:dossier", args=[dossier.code]),
            reverse("office:receipt_pdf", args=[dossier.code]),
            reverse("office:control_sheet_pdf", args=[dossier.code]),
            reverse("office:component_file", args=[dossier.code, component.pk]),
            reverse("office:supplement_pdf", args=[dossier.code]),
            reverse("office:apology_pdf", args=[dossier.code, apology.pk]),
            reverse("office:result_pdf", args=[dossier.code]),
            reverse("office:verify_result", args=[dossier.code])]
    urls.append(reverse("office:refusal_pdf", args=[refused.code]))
    return urls


def test_inside_the_scope_every_page_and_document_opens(world, full_dossier, refused_dossier, client_of):
    client = client_of(world.desk_a)  # the receiving desk of both
    for url in _document_urls(full_dossier, refused_dossier):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Chữ ký số hợp lệ" in client.get(reverse("office:verify_result", args=[full_dossier.code])).content.decode()


@pytest.mark.parametrize("person", ["desk_b", "desk_c", "citizen"])
def test_outside_the_scope_every_page_and_document_is_not_found(world, full_dossier, refused_dossier, client_of,
                                                                person):
    client = client_of(getattr(world, person))
    for url in _document_urls(full_dossier, refused_dossier):
        expected = 403 if person == "citizen" else 404  # citizens have no back office at all
        assert client.get(url).status_code == expected, url


def test_outside_the_scope_every_action_is_not_found_and_changes_nothing(world, full_dossier, client_of):
    client = client_of(world.desk_b)
    before = full_dossier.events.count()
    for name in ACTION_URLS:
        response = client.post(reverse(f"office:{name}", args=[full_dossier.code]), {"version": full_dossier.version})
        assert response.status_code == 404, name
    assert full_dossier.events.count() == before


def test_the_queue_lists_nothing_outside_the_scope(world, full_dossier, client_of):
    page = client_of(world.desk_b).get("/hang-doi/", {"status": ""}).content.decode()
    assert full_dossier.code not in page and "Nguyễn Văn An" not in page
    assert full_dossier.code in client_of(world.desk_a).get("/hang-doi/").content.decode()


def test_anonymous_users_are_sent_to_the_login(world, full_dossier, client):
    for url in ["/hang-doi/", "/tiep-nhan/", reverse("office:dossier", args=[full_dossier.code]),
                reverse("office:result_pdf", args=[full_dossier.code])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/?next="), url


def test_visible_to_follows_the_unit_tree_the_roles_and_the_hand_overs(world):
    local = receive(world)  # commune A decides
    business = receive(world, procedure=world.business, unit=world.dkkd)  # received by A, decided by the office
    other = receive(world, desk=world.desk_b, unit=world.commune_b, id_number="019090005555")

    def visible(user):
        return set(Dossier.objects.visible_to(user).values_list("code", flat=True))

    assert visible(world.desk_a) == visible(world.viewer_a) == {local.code, business.code}
    assert visible(world.desk_b) == {other.code}
    assert visible(world.dept_leader) == {business.code}  # the department sees its office's dossiers
    assert visible(world.dept_processor) == {business.code}
    assert visible(world.monitor) == visible(world.admin) == {local.code, business.code, other.code}
    assert visible(world.citizen) == {local.code, business.code}  # filed under his identity number
    assert world.citizen.username == CITIZEN_ID
    assert visible(AnonymousUser()) == set()


def test_a_unit_that_once_held_a_dossier_keeps_seeing_it(world):
    dossier = receive(world, procedure=world.business, unit=world.dkkd)
    dossier = actions.do_assign(dossier, actor=world.dept_processor, assignee=world.dept_processor,
                                version=dossier.version)
    dossier = actions.do_hand_over(dossier, actor=world.dept_processor, to_unit=world.commune_c, days=1,
                                   version=dossier.version)
    assert Dossier.objects.visible_to(world.desk_c).filter(pk=dossier.pk).exists()
    actions.do_hand_over(dossier, actor=world.desk_c, to_unit=world.commune_b, days=1, version=dossier.version)
    assert Dossier.objects.visible_to(world.desk_c).filter(pk=dossier.pk).exists()
    assert Dossier.objects.visible_to(world.desk_b).filter(pk=dossier.pk).exists()
