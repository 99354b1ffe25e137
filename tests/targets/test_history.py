"""Targets as data with history: a change supersedes, the old row stays, current() excludes it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from motcua.targets import history
from motcua.targets.models import Scope, Target


def plan_target(w, **more):
    content = dict(measure="online_time_reduction", scope=Scope.PROVINCE, value=Decimal(20),
                   start=date(2025, 1, 1), end=date(2025, 12, 31), programme="Kế hoạch năm 2025 (QĐ 1565)",
                   document_number="339/SKHCN-CĐS", document_title="Dự thảo")
    content.update(more)
    return history.create_target(by=w.monitor, reason="Dự thảo", **content)


def test_a_change_supersedes_and_keeps_the_old(world):
    old = plan_target(world)
    new = history.change_target(old, by=world.monitor, value=Decimal(10),
                                reason="Góp ý của UBND xã Bình Thành: 10% năm 2025")
    old.refresh_from_db()
    assert old.value == Decimal(20) and old.document_title == "Dự thảo"  # content untouched
    assert old.superseded_by == new and old.superseded_at is not None and old.changed_by == world.monitor
    assert old.superseded_reason.startswith("Góp ý")
    assert new.value == Decimal(10) and new.programme == old.programme and new.created_by == world.monitor
    assert list(Target.objects.current()) == [new]
    assert set(Target.objects.all()) == {old, new}
    assert new.lineage() == [new, old]


def test_a_superseded_target_cannot_be_changed_again(world):
    old = plan_target(world)
    history.change_target(old, by=world.monitor, value=Decimal(10), reason="lần 1")
    stale = Target.objects.get(pk=old.pk)
    stale.superseded_at = None  # a page loaded before the change
    with pytest.raises(history.TargetChanged):
        history.change_target(stale, by=world.admin, value=Decimal(30), reason="lần 2")
    assert Target.objects.count() == 2


def test_withdraw_and_the_rules(world):
    target = plan_target(world)
    with pytest.raises(ValidationError):
        history.withdraw_target(target, by=world.monitor, reason=" ")
    history.withdraw_target(target, by=world.monitor, reason="Không còn áp dụng")
    assert not Target.objects.current().exists() and Target.objects.count() == 1
    with pytest.raises(ValidationError):
        history.change_target(plan_target(world), by=world.monitor, value=Decimal(10), reason="")
    with pytest.raises(ValidationError) as error:
        plan_target(world, value=Decimal(120))
    assert "value" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        plan_target(world, measure="officer_late")  # an officer measure at the province's scope
    assert "scope" in error.value.message_dict
    with pytest.raises(ValidationError):
        plan_target(world, scope=Scope.UNIT)  # no unit
    officer = history.create_target(measure="officer_late", scope=Scope.OFFICER, officer=world.processor_a,
                                    value=Decimal(0), comparison="le", start=date(2025, 11, 1),
                                    end=date(2025, 11, 30), programme="Chiến dịch")
    assert officer.unit == world.commune_a  # the officer's unit, for scoping


def test_active_on(world):
    target = plan_target(world)
    assert list(Target.objects.active_on(date(2025, 6, 1))) == [target]
    assert not Target.objects.active_on(date(2026, 1, 1)).exists()
