"""Two copies of the same callback at the same moment, each on its own database connection: settled once.

PostgreSQL: the second waits for the order row's lock (select_for_update), then finds it settled. SQLite
(IMMEDIATE transactions): the second waits for the first one's write lock, then finds it settled.
"""

from datetime import timedelta

import pytest

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.payments import online
from motcua.payments.models import Callback, OrderState, Payment, PaymentOrder, Purpose, Verdict
from tests.dossiers.test_concurrency import together
from tests.payments.conftest import AT, platform_callback, receive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("copies", [2, 4])
def test_simultaneous_duplicates_settle_once(world, copies):
    dossier = receive(world, procedure=world.copy)
    order = online.start_order(dossier, purpose=Purpose.SUBMISSION, actor=world.citizen, at=AT)
    params = platform_callback(order, "GD-DUP", paid_at=AT + timedelta(minutes=2))

    def job(ready):
        ready()
        return online.handle_callback(dict(params))

    answers = together(*[job] * copies)
    assert all(not isinstance(a, Exception) for a in answers), answers
    assert all(a.status == 200 and a.code == "00" for a in answers)
    assert sorted(a.verdict for a in answers) == sorted([Verdict.ACCEPTED] + [Verdict.DUPLICATE] * (copies - 1))
    assert Payment.objects.count() == 1
    assert DossierEvent.objects.filter(dossier=dossier, action="payment").count() == 1
    assert PaymentOrder.objects.get().state == OrderState.SETTLED
    assert Dossier.objects.get(pk=dossier.pk).paid_online_at == AT + timedelta(minutes=2)
    assert Callback.objects.count() == copies
