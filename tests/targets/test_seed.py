"""The demo's targets: the campaign of seed 001, the plan of seed 003, unit and officer targets."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from motcua.core.models import Membership, Role
from motcua.targets.models import Scope, Target
from motcua.targets.progress import progress
from motcua.targets.seed import CAMPAIGN, PLAN_2025, seed_demo_targets


def test_seeding_is_idempotent_and_keeps_the_negotiation(world):
    leader = get_user_model().objects.create(username="phuong.lanhdao")
    Membership.objects.create(user=leader, unit=world.commune_a, role=Role.UNIT_LEADER)
    desk = get_user_model().objects.create(username="phuong.tiepnhan")
    Membership.objects.create(user=desk, unit=world.commune_a, role=Role.DESK_OFFICER)

    created = seed_demo_targets()
    assert created == Target.objects.count()
    assert seed_demo_targets() == 0
    assert Target.objects.count() == created

    campaign = {t.measure: t for t in Target.objects.current().filter(programme=CAMPAIGN, scope=Scope.PROVINCE)}
    assert {k: t.value for k, t in campaign.items()} == {
        "online": 92, "full_online": 100, "online_payment": 80, "satisfaction": 90, "digitisation": 98,
        "e_copies": 100}
    assert {(t.start, t.end) for t in campaign.values()} == {(date(2025, 10, 30), date(2025, 12, 13))}

    reduction = Target.objects.current().filter(measure="online_time_reduction").order_by("start")
    assert [t.value for t in reduction] == [20, 30]
    assert "10%" in reduction[0].note  # Bình Thành's proposal is kept beside the adopted value
    sign_in = Target.objects.filter(programme=PLAN_2025, measure="sign_in_minutes").order_by("created_at")
    assert [(t.value, t.is_current) for t in sign_in] == [(5, False), (8, True)]
    assert sign_in[0].superseded_by == sign_in[1] and "Bình Thành" in sign_in[1].reason

    unit_target = Target.objects.get(scope=Scope.UNIT, measure="online")
    assert unit_target.unit == world.commune_a and unit_target.value == Decimal(95)
    assert set(Target.objects.filter(scope=Scope.OFFICER).values_list("measure", flat=True)) == {
        "officer_assisted", "officer_digitised_share"}

    # Every seeded target has a progress, on a day in its period or after.
    for target in Target.objects.current():
        p = progress(target, today=date(2025, 12, 1))
        assert p.status in ("running", "not_started", "ended")
