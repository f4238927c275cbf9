from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commonroom.accounts.models import User
from commonroom.care.models import Enrollment, GroupMembership, ProgramRole
from commonroom.core import access as core_access

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        ProgramRole.objects.count(),
        Enrollment.objects.count(),
        GroupMembership.objects.count(),
    )


def test_seeding_twice_changes_nothing() -> None:
    call_command("seed_demo")
    first = _counts()
    passwords = dict(User.objects.values_list("email", "password"))
    call_command("seed_demo")
    assert _counts() == first
    assert dict(User.objects.values_list("email", "password")) == passwords


def test_demo_has_the_documented_accounts() -> None:
    call_command("seed_demo")
    by_email = {u.email: u for u in User.objects.all()}
    for email in (
        "admin@demo.test",
        "facilitator@demo.test",
        "mentor@demo.test",
        "participant@demo.test",
        "participant2@demo.test",
        "outsider@demo.test",
        "alumni@demo.test",
    ):
        assert by_email[email].check_password("recovery-together"), email
    participant = by_email["participant@demo.test"]
    assert core_access.are_peers(participant, by_email["participant2@demo.test"].pk)
    assert not core_access.are_peers(participant, by_email["outsider@demo.test"].pk)
    assert not core_access.are_peers(participant, by_email["alumni@demo.test"].pk)
    assert core_access.is_staff_member(by_email["admin@demo.test"])
    assert core_access.is_staff_member(by_email["facilitator@demo.test"])
    assert not core_access.is_staff_member(by_email["mentor@demo.test"])
    assert Enrollment.objects.get(user=by_email["alumni@demo.test"]).is_alumnus


def test_seed_demo_refuses_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="COMMONROOM_ENV=production"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_demo_refuses_in_production_before_migrating_or_serving(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PRODUCTION = True
    called: list[str] = []
    monkeypatch.setattr(
        "commonroom.core.management.commands.demo.call_command",
        lambda name, **kwargs: called.append(name),
    )
    with pytest.raises(CommandError, match="COMMONROOM_ENV=production"):
        call_command("demo")
    assert called == []
    assert not User.objects.exists()
