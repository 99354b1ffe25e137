"""The admin is read-only for the records that change only through the actions (dossiers and their events,
payments, payment orders, electronic results, feedback and its events), even for a superuser."""

from datetime import timedelta

import pytest
from django.contrib import admin as django_admin
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.feedback.models import Feedback, FeedbackEvent
from motcua.office.models import DossierResult
from motcua.payments.models import Payment, PaymentOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world, dossier):
    now = timezone.now()
    payment = Payment.objects.create(dossier=dossier, amount_vnd=2000, method="cash", paid_at=now)
    order = PaymentOrder.objects.create(code="DH-0001", dossier=dossier, purpose="submission", amount_vnd=2000,
                                        description="Lệ phí", created_at=now, expires_at=now + timedelta(hours=1))
    feedback = Feedback.objects.create(code="PA-0001", unit=world.commune_a, received_at=now, subject="Chậm")
    return {"dossiers/dossier": dossier, "payments/payment": payment, "payments/paymentorder": order,
            "feedback/feedback": feedback}


def test_the_superuser_can_look_but_not_add_change_or_delete(world, records, client_of):
    admin = client_of(world.admin)
    assert world.admin.is_superuser
    for path, obj in records.items():
        model = type(obj)
        before = model.objects.count()
        listing = admin.get(f"/admin/{path}/")
        assert listing.status_code == 200, path
        assert f"/admin/{path}/add/" not in listing.content.decode(), path
        assert admin.get(f"/admin/{path}/add/").status_code == 403, path
        assert admin.post(f"/admin/{path}/add/", {}).status_code == 403, path
        view = admin.get(f"/admin/{path}/{obj.pk}/change/")
        # The view-only page: no form to save, no link to delete.
        assert view.status_code == 200, path
        page = view.content.decode()
        assert 'name="_save"' not in page and f"/admin/{path}/{obj.pk}/delete/" not in page, path
        assert admin.post(f"/admin/{path}/{obj.pk}/change/", {}).status_code == 403, path
        assert admin.get(f"/admin/{path}/{obj.pk}/delete/").status_code == 403, path
        assert admin.post(f"/admin/{path}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403, path
        bulk = admin.post(f"/admin/{path}/", {"action": "delete_selected", "_selected_action": [obj.pk],
                                               "post": "yes"})
        assert bulk.status_code in (200, 302, 403), path
        assert model.objects.count() == before and model.objects.filter(pk=obj.pk).exists(), path


def test_events_and_results_have_no_admin_of_their_own_and_inlines_are_read_only(world, dossier, rf):
    for model in (DossierEvent, FeedbackEvent, DossierResult):
        assert not django_admin.site.is_registered(model), model
    request = rf.get("/admin/")
    request.user = world.admin
    dossier_admin = django_admin.site._registry[Dossier]
    assert not dossier_admin.has_add_permission(request)
    for inline in dossier_admin.get_inline_instances(request, dossier):
        assert not inline.has_add_permission(request, dossier), inline
        assert not inline.has_change_permission(request, dossier), inline
        assert not inline.has_delete_permission(request, dossier), inline
    for model in (Dossier, Payment, PaymentOrder, Feedback):
        model_admin = django_admin.site._registry[model]
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
