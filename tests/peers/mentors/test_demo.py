from __future__ import annotations

import pytest
from django.core.management import call_command

from commonroom.peers.mentors.models import MentorProfile, Mentorship
from commonroom.safety.models import Flag

pytestmark = pytest.mark.django_db


def test_demo_has_two_active_mentors_with_mentees_an_applicant_and_a_concern() -> None:
    call_command("seed_demo")
    active = MentorProfile.objects.filter(state="active").select_related("user")
    assert sorted(p.user.email for p in active) == ["alumni@demo.test", "mentor@demo.test"]
    for profile in active:
        current = Mentorship.objects.current().filter(mentor_profile=profile)
        assert 1 <= current.count() <= profile.max_mentees, profile.user.email
        for mentorship in current:
            assert mentorship.explanation
            assert mentorship.space.messages.count() == 2
    training = MentorProfile.objects.get(state="in_training")
    assert training.user.email == "grace@demo.test"
    assert training.training.filter(confirmed_at__isnull=False).count() == 2
    flag = Flag.objects.get()
    assert (flag.status, flag.raised_by.email) == ("open", "mentor@demo.test")  # type: ignore[union-attr]
    pairs = sorted(Mentorship.objects.values_list("mentor__email", "mentee__email"))
    call_command("seed_demo")
    assert sorted(Mentorship.objects.values_list("mentor__email", "mentee__email")) == pairs
    assert Flag.objects.count() == 1
