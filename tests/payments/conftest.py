"""Online payment's world: the back office's personas (tests/office/conftest.py), payment settings, a dossier
with a fee owned by the citizen persona, and `platform_callback(order, …)`: the callback the platform would
send, signed with the merchant's secret."""

from datetime import timedelta

import pytest

from motcua.lib import hmacsign
from motcua.lib.vnformat import national_time
from motcua.office import actions
from tests.office.conftest import AT, client_of, media_root, password_hash, receive, world  # noqa: F401

MERCHANT = "MOTCUA-TEST"
SECRET = "bi-mat-cua-doi-tac-thanh-toan"
TOKEN = "doi-soat-token"


@pytest.fixture(autouse=True)
def payment_settings(settings):
    settings.MOTCUA_PAYMENT_URL = "http://nen-tang.invalid"
    settings.MOTCUA_PAYMENT_MERCHANT = MERCHANT
    settings.MOTCUA_PAYMENT_SECRET = SECRET
    settings.MOTCUA_PAYMENT_TOKEN = TOKEN
    settings.MOTCUA_PAYMENT_SITE_URL = "http://motcua.test"
    settings.MOTCUA_PAYMENT_ORDER_SECONDS = 15 * 60
    return settings


@pytest.fixture
def fee_dossier(world):  # noqa: F811
    """A certified copy (2.000 đồng fee) received at commune A's desk for the citizen persona."""
    return receive(world, procedure=world.copy)


def processing(world, dossier):  # noqa: F811
    actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a, version=dossier.version,
                      at=AT + timedelta(minutes=5))
    dossier.refresh_from_db()
    return dossier


def platform_callback(order, transaction_id="GD0001", *, amount=None, result="00", paid_at=None,
                      secret=SECRET, **extra):
    fields = {"MaDoiTac": MERCHANT, "MaDonHang": order.code, "SoTien": order.amount_vnd if amount is None else amount,
              "MaGiaoDich": transaction_id, "KetQua": result,
              "ThoiGianThanhToan": national_time(paid_at or order.created_at + timedelta(minutes=2)), **extra}
    return hmacsign.signed(fields, secret)


@pytest.fixture
def platform(tmp_path, settings):
    """The payment platform's stand-in as its own process, motcua's payment settings pointing at it."""
    from motcua.standins.process import StandinProcess

    standin = StandinProcess(module="motcua.standins.payment", token=TOKEN,
                             state_file=tmp_path / "payment-standin.json",
                             extra_args=("--merchant", f"{MERCHANT}={SECRET}", "--callback-tries", "5"))
    standin.start()
    settings.MOTCUA_PAYMENT_URL = standin.url
    settings.MOTCUA_PAYMENT_TIMEOUT = 5
    try:
        yield standin
    finally:
        standin.stop()
