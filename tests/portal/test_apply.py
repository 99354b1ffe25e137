"""The portal's pages for applying and following, through the web layer: a citizen applies, sees his
dossier, answers a supplement request; nobody else's draft, dossier or document is reachable (404)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from motcua.applications.models import Draft, Submission
from motcua.dossiers.constants import PauseKind, Status
from motcua.dossiers.models import Dossier
from motcua.office import actions
from tests.office.conftest import CITIZEN_ID, MINIMAL_PDF

ANSWERS = {"relationship": "Mẹ", "child_name": "Nguyễn Minh Khôi", "child_sex": "Nam", "child_birth_date": "01/11/2025",
           "child_birth_place": "Bệnh viện A Thái Nguyên", "child_ethnicity": "Kinh", "mother_name": "Lê Thị Hoa",
           "mother_id_number": "019195001111", "commitment": "on"}


def _signed_in(client, minutes_ago=4):
    session = client.session
    session["signed_in_at"] = (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()
    session.save()


def apply_online(client, world, **extra):
    response = client.get(reverse("portal:apply", args=[world.birth.code]))
    assert response.status_code == 302
    draft = Draft.objects.get(owner=world.citizen)
    data = {**ANSWERS, "unit": str(world.commune_a.pk), "action": "submit",
            "file_birth_certificate": SimpleUploadedFile("giay-chung-sinh.pdf", MINIMAL_PDF), **extra}
    return draft, client.post(reverse("portal:draft", args=[draft.pk]), data)


def test_the_draft_page_shows_the_population_data_and_does_not_ask_it(citizen_client, portal_world):
    citizen_client.get(reverse("portal:apply", args=[portal_world.birth.code]))
    draft = Draft.objects.get(owner=portal_world.citizen)
    assert draft.unit == portal_world.commune_a  # the citizen's own commune, by default
    page = citizen_client.get(reverse("portal:draft", args=[draft.pk])).content.decode()
    assert "Nguyễn Văn An" in page and "không cần khai lại" in page
    assert 'name="applicant_name"' not in page and 'name="child_name"' in page


def test_a_citizen_applies_and_gets_the_dossier_code_and_due_time_at_once(citizen_client, portal_world):
    _signed_in(citizen_client)
    draft, response = apply_online(citizen_client, portal_world)
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("portal:dossier", args=[dossier.code])
    assert dossier.status == Status.SUBMITTED and dossier.citizen_data
    assert 200 <= Submission.objects.get().seconds_from_sign_in <= 300
    page = citizen_client.get(response["Location"]).content.decode()
    assert dossier.code in page and "Mới đăng ký" in page and "Hẹn trả kết quả" in page
    # Posted again (back button, double click): one dossier, sent to it.
    again = citizen_client.post(reverse("portal:draft", args=[draft.pk]), {**ANSWERS, "action": "submit"})
    assert again.status_code == 302 and Dossier.objects.count() == 1


def test_errors_are_shown_next_to_their_fields_and_nothing_is_filed(citizen_client, portal_world):
    _draft, response = apply_online(citizen_client, portal_world, child_birth_date="2025-11-01", mother_name="",
                                    file_birth_certificate=SimpleUploadedFile("giay.pdf", b"GIF89a not a pdf"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="f_child_birth_date_error"' in page and "ngày/tháng/năm" in page
    assert "Vui lòng nhập thông tin này." in page and "không phải tệp PDF" in page
    assert Dossier.objects.count() == 0


def test_autosave_keeps_the_answers(citizen_client, portal_world):
    citizen_client.get(reverse("portal:apply", args=[portal_world.birth.code]))
    draft = Draft.objects.get(owner=portal_world.citizen)
    response = citizen_client.post(reverse("portal:autosave", args=[draft.pk]),
                                   {"child_name": "Khôi", "child_birth_date": "99/99/2025"})
    body = response.json()
    assert body["saved"] and set(body["errors"]) == {"child_birth_date"}
    draft.refresh_from_db()
    assert draft.answers["child_name"] == "Khôi"


@pytest.fixture
def filed(citizen_client, portal_world):
    _signed_in(citizen_client, minutes_ago=3)
    apply_online(citizen_client, portal_world)
    return Dossier.objects.get()


def test_nobody_else_reaches_a_citizens_draft_dossier_or_documents(filed, other_client, client, portal_world,
                                                                  client_of):
    draft = Draft.objects.get(owner=portal_world.citizen)
    code = filed.code
    for url in (reverse("portal:draft", args=[draft.pk]), reverse("portal:dossier", args=[code]),
                reverse("portal:result_pdf", args=[code]), reverse("portal:verify_result", args=[code])):
        assert other_client.get(url).status_code == 404, url
    assert other_client.post(reverse("portal:autosave", args=[draft.pk]), {}).status_code == 404
    assert other_client.post(reverse("portal:answer_supplement", args=[code]), {"note": "x"}).status_code == 404
    assert code not in other_client.get(reverse("portal:my_dossiers")).content.decode()
    # Not signed in: to the sign-in; an officer is not a citizen: 403.
    response = client.get(reverse("portal:dossier", args=[code]))
    assert response.status_code == 302 and reverse("citizens:signin") in response["Location"]
    assert client_of(portal_world.desk_a).get(reverse("portal:my_dossiers")).status_code == 403


def test_the_citizen_answers_a_supplement_request_online_and_the_clock_runs_again(filed, citizen_client,
                                                                                  portal_world):
    actions.do_accept_online(filed, actor=portal_world.desk_a, version=filed.version)
    actions.do_assign(filed, actor=portal_world.processor_a, assignee=portal_world.processor_a, version=filed.version)
    actions.do_request_supplement(filed, actor=portal_world.processor_a, reason="Giấy chứng sinh bị mờ",
                                  version=filed.version)
    page = citizen_client.get(reverse("portal:dossier", args=[filed.code])).content.decode()
    assert "Giấy chứng sinh bị mờ" in page and "Gửi bổ sung" in page
    filed.refresh_from_db()
    response = citizen_client.post(reverse("portal:answer_supplement", args=[filed.code]), {
        "version": filed.version, "name": "Giấy chứng sinh (bản rõ)",
        "file": SimpleUploadedFile("giay-chung-sinh-ro.pdf", MINIMAL_PDF)})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == Status.PROCESSING
    pause = filed.pauses.get(kind=PauseKind.SUPPLEMENT)
    assert pause.completed_at is not None
    assert filed.components.filter(name="Giấy chứng sinh (bản rõ)").exists()
    assert filed.events.filter(action="complete_supplement", actor=portal_world.citizen).exists()


def test_the_public_look_up_shows_the_status_only_with_the_right_digits(filed, client):
    url = reverse("portal:lookup")
    found = client.get(url, {"ma": filed.code, "so": CITIZEN_ID[-4:]}).content.decode()
    assert "Mới đăng ký" in found and "Nguyễn Văn An" not in found
    assert "Không tìm thấy" in client.get(url, {"ma": filed.code, "so": "0000"}).content.decode()
    assert "Không tìm thấy" in client.get(url, {"ma": filed.code, "so": CITIZEN_ID[-3:]}).content.decode()
    by_phone = client.get(url, {"ma": filed.code, "so": "5678"}).content.decode()
    assert "Mới đăng ký" in by_phone  # the phone 0912345678 ends with 5678


def test_the_sign_in_to_submission_page_is_for_the_provincial_office(filed, client_of, portal_world):
    page = client_of(portal_world.monitor).get(reverse("portal:submission_times"))
    assert page.status_code == 200
    text = page.content.decode()
    assert portal_world.birth.code in text and "Đạt" in text
    assert client_of(portal_world.desk_a).get(reverse("portal:submission_times")).status_code == 403


def _owned_objects(world, dossier):
    """One object of each kind the portal's URLs name, all belonging to the citizen of `world`."""
    from datetime import date

    from motcua.feedback.constants import Channel
    from motcua.feedback.lifecycle import receive
    from motcua.feedback.models import Feedback
    from motcua.surveys.models import Invitation, Opening, Survey

    item = receive(Feedback(unit=world.commune_a, channel=Channel.PORTAL, about="dossier", dossier=dossier,
                            subject="Chậm trả kết quả", content="Hồ sơ chưa có kết quả.", submitted_by=world.citizen,
                            submitter_name="Nguyễn Văn An", submitter_phone="0912345678")).feedback
    now = timezone.now()
    survey = Survey.objects.create(title="Khảo sát", questions=[], created_at=now, updated_at=now)
    opening = Opening.objects.create(survey=survey, name="Đợt 1", opens_on=date(2025, 1, 1),
                                     closes_on=date(2099, 1, 1), returned_from=date(2025, 1, 1),
                                     returned_to=date(2099, 1, 1), created_at=now)
    invitation = Invitation.objects.create(opening=opening, id_number=CITIZEN_ID, procedure=world.birth,
                                           unit=world.commune_a, token_hash="x" * 64, created_at=now)
    return {"draft": Draft.objects.get(owner=world.citizen).pk, "dossier": dossier.code, "feedback": item.code,
            "invitation": invitation.pk}


# Which object each URL parameter names, by URL name (the rest name a dossier by its code).
OBJECT_OF = {"draft": ("pk", "draft"), "autosave": ("pk", "draft"), "survey_answer": ("pk", "invitation")}
# Capability URLs: holding the token is the permission (tests/surveys and tests/ratings test their tokens).
CAPABILITY_URLS = {"survey_token"}


def test_every_portal_url_with_an_object_is_404_for_another_citizen(filed, other_client, portal_world):
    """Walks the portal's and the payments' URL patterns: each one naming a draft, a dossier, a feedback item
    or an invitation of the citizen answers 404 (or 405) to another citizen, GET and POST; a new pattern
    with a parameter fails here until this walk knows what it names."""
    from motcua.payments.urls import urlpatterns as payment_patterns
    from motcua.portal.urls import urlpatterns

    owned = _owned_objects(portal_world, filed)
    public = {"procedure", "apply"}  # a procedure's code is public; applying opens the visitor's own draft
    checked = set()
    for namespace, patterns in (("portal", urlpatterns), ("payments", payment_patterns)):
        for pattern in patterns:
            params = set(pattern.pattern.converters)
            if not params or pattern.name in public | CAPABILITY_URLS:
                continue
            if pattern.name == "return":  # a payment order's page: tests/payments walks it with real orders
                continue
            if pattern.name in OBJECT_OF:
                param, kind = OBJECT_OF[pattern.name]
            elif pattern.name.startswith("my_feedback"):
                param, kind = "code", "feedback"
            else:
                param, kind = "code", "dossier"
            assert params == {param}, f"{pattern.name}: tell this walk what {params} names"
            url = reverse(f"{namespace}:{pattern.name}", kwargs={param: owned[kind]})
            assert other_client.get(url).status_code in (404, 405), url
            assert other_client.post(url, {"version": filed.version, "note": "x"}).status_code in (404, 405), url
            checked.add(pattern.name)
    assert {"draft", "dossier", "result_pdf", "rate", "my_feedback_item", "survey_answer", "start"} <= checked


def test_ids_in_forms_are_written_without_thousand_separators(citizen_client, portal_world):
    """USE_THOUSAND_SEPARATOR would write unit 12345 as "12.345" in an option's value (seen on PostgreSQL,
    whose ids grow past 1,000 during a test run): the form would then post a unit that does not exist."""
    from motcua.catalog.models import Authority
    from motcua.units.models import Unit

    far = Unit.objects.create(pk=12345, code="05999", name="UBND xã Xa Xôi", kind="commune",
                              parent=portal_world.province)
    Authority.objects.create(unit=far, procedure=portal_world.birth)
    citizen_client.get(reverse("portal:apply", args=[portal_world.birth.code]))
    draft = Draft.objects.get(owner=portal_world.citizen)
    page = citizen_client.get(reverse("portal:draft", args=[draft.pk])).content.decode()
    assert '<option value="12345">' in page
    assert citizen_client.post(reverse("portal:draft", args=[draft.pk]), {"unit": "12345", "action": "save"}
                               ).status_code == 302
    draft.refresh_from_db()
    assert draft.unit_id == 12345


def test_field_limits_are_written_as_plain_numbers(citizen_client, portal_world):
    """A 2,000-character field: `maxlength="2.000"` (the Vietnamese thousands separator) is read by a
    browser as 2 characters."""
    citizen_client.get(reverse("portal:apply", args=[portal_world.business.code]))
    draft = Draft.objects.get(owner=portal_world.citizen)
    page = citizen_client.get(reverse("portal:draft", args=[draft.pk])).content.decode()
    assert 'maxlength="2000"' in page and 'maxlength="2.000"' not in page
