"""The demo starts the remote-signing stand-in with the leader of Sở Tài chính (stc.lanhdao) enrolled, his
phone confirming by itself: a result he signs carries his own certificate (docs/signing.md §3)."""

import httpx

from motcua.core.models import Membership, Role
from motcua.demo.management.commands import demo
from motcua.office import pdfs
from motcua.results.certificates import common_name, load_certificate
from motcua.units.models import Unit


def test_the_demo_enrols_the_leader_and_points_the_settings_at_the_stand_in(db, settings, django_user_model):
    unit = Unit.objects.create(code="19.STC", name="Sở Tài chính", kind="department")
    user = django_user_model.objects.create(username=demo.REMOTE_SIGNING_LEADER)
    Membership.objects.create(user=user, unit=unit, role=Role.UNIT_LEADER, full_name="Lãnh đạo – Sở Tài chính")
    settings.MOTCUA_REMOTE_SIGNING_URL, settings.MOTCUA_REMOTE_SIGNERS = "", {}
    lines = []
    standin = demo.remote_signing_standin(type("Out", (), {"write": staticmethod(lines.append)}))
    try:
        assert settings.MOTCUA_REMOTE_SIGNING_URL == standin.url
        assert pdfs.remote_signing_id(user) == demo.REMOTE_SIGNING_LEADER
        signer = pdfs._remote_signer(demo.REMOTE_SIGNING_LEADER, "Phê duyệt kết quả hồ sơ DEMO")
        assert common_name(load_certificate(signer.signing_cert)) == "Lãnh đạo – Sở Tài chính"
        phone = standin.state()["signers"][demo.REMOTE_SIGNING_LEADER]["phone"]
        assert phone == {"answer": "confirm", "delay": demo.PHONE_DELAY}
        assert "ký số từ xa" in lines[0] and f"/phone/{demo.REMOTE_SIGNING_LEADER}" in lines[0]
        page = httpx.get(f"{standin.url}/phone/{demo.REMOTE_SIGNING_LEADER}")
        assert page.status_code == 200 and "Không có yêu cầu nào" in page.text
    finally:
        standin.stop()
