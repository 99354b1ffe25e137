"""Payments: the first online payment sets the moment indicator 3.7 reads; bad payments change nothing."""

from datetime import datetime

import pytest

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.interchange.importer import import_folder
from motcua.payments.actions import PaymentError, do_record_payment
from motcua.payments.models import Payment

pytestmark = pytest.mark.django_db
AT = datetime.fromisoformat("2025-11-04T10:00:00+07:00")


@pytest.fixture
def unpaid(small_folder):
    import_folder(small_folder)
    return Dossier.objects.get(code="05710-251104-0001")


def test_first_online_payment_sets_paid_online_at_and_is_audited(unpaid):
    do_record_payment(unpaid, 2000, "online", reference="VNPAY-1", paid_at=AT)
    do_record_payment(unpaid, 2000, "online", reference="VNPAY-2", paid_at=AT.replace(hour=11))
    assert Dossier.objects.get(pk=unpaid.pk).paid_online_at == AT
    assert DossierEvent.objects.filter(dossier=unpaid, action="payment").count() == 2


def test_cash_payment_does_not_count_as_online(unpaid):
    do_record_payment(unpaid, 2000, "cash", paid_at=AT)
    assert Dossier.objects.get(pk=unpaid.pk).paid_online_at is None


@pytest.mark.parametrize(("amount", "method"), [(0, "online"), (-5, "cash"), (100, "bitcoin")])
def test_bad_payments_are_refused_and_nothing_is_written(unpaid, amount, method):
    with pytest.raises(PaymentError):
        do_record_payment(unpaid, amount, method, paid_at=AT)
    assert not Payment.objects.exists() and not DossierEvent.objects.exclude(action="import").exists()


def test_the_same_transaction_is_recorded_once(unpaid):
    do_record_payment(unpaid, 2000, "online", reference="VNPAY-1", paid_at=AT)
    with pytest.raises(PaymentError):
        do_record_payment(unpaid, 2000, "online", reference="VNPAY-1", paid_at=AT)
    assert Payment.objects.count() == 1
