"""What the leader is told when signing, and what the dossier page says of the result's copy: queued, not
"put into the data store", until the store acknowledges it."""

import pytest

from motcua.datastore import store
from motcua.dossiers.models import Dossier
from motcua.office import actions
from motcua.outbox.models import Item, State
from motcua.outbox.worker import Worker
from tests.office.conftest import receive

pytestmark = pytest.mark.django_db


def _resolved(world, id_number):
    dossier = receive(world, id_number=id_number)
    actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a, version=dossier.version)
    dossier = Dossier.objects.get(pk=dossier.pk)
    actions.do_resolve(dossier, actor=world.processor_a, result_text="Cấp Giấy khai sinh.", version=dossier.version)
    return Dossier.objects.get(pk=dossier.pk)


def _sign(client, dossier):
    return client.post(f"/ho-so/{dossier.code}/phe-duyet-ky-so/", {"version": dossier.version, "reviewed": "on"},
                       follow=True)


def test_signing_says_the_copy_will_be_sent_and_the_page_follows_the_store(world, client_of, store_settings,
                                                                           datastore_standin):
    dossier = _resolved(world, "019090001234")
    leader = client_of(world.leader_a)
    page = _sign(leader, dossier).content.decode()
    assert ("bản sao kết quả sẽ được gửi vào kho dữ liệu cá nhân của người có kết quả" in page)
    assert "đã được đưa vào kho dữ liệu" not in page
    assert "đang chờ gửi vào kho dữ liệu cá nhân" in page
    assert Item.objects.get(kind=store.KIND).state == State.WAITING

    Worker(kinds=[store.KIND]).run(until_idle=True)
    page = leader.get(f"/ho-so/{dossier.code}/").content.decode()
    assert "Kho dữ liệu cá nhân đã xác nhận lưu bản sao kết quả." in page
    assert Dossier.objects.get(pk=dossier.pk).result_to_data_store


def test_without_an_identity_number_the_leader_is_told_nothing_is_sent(world, client_of):
    dossier = _resolved(world, "")
    page = _sign(client_of(world.leader_a), dossier).content.decode()
    assert "không có số định danh cá nhân của người có kết quả nên bản sao kết quả không được gửi" in page
    assert "Không gửi: hồ sơ không có số định danh cá nhân" in page
    assert not Item.objects.filter(kind=store.KIND).exists()


def test_a_refused_copy_shows_the_store_s_reason(world, client_of, store_settings, datastore_standin):
    dossier = _resolved(world, "019090001234")
    leader = client_of(world.leader_a)
    _sign(leader, dossier)
    datastore_standin.faults([{"kind": "status", "status": 400,
                               "body": {"KetQua": "LOI", "MoTa": "SoDinhDanh: không có trong CSDL dân cư"}}])
    Worker(kinds=[store.KIND]).run(until_idle=True)
    page = leader.get(f"/ho-so/{dossier.code}/").content.decode()
    assert "Kho dữ liệu cá nhân từ chối bản sao kết quả: HTTP 400: SoDinhDanh: không có trong CSDL dân cư" in page
