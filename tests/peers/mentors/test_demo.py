from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

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


def test_demo_pages_show_the_mentoring() -> None:
    from commonroom.accounts.models import User
    from tests.conftest import signed_in_client

    call_command("seed_demo")
    jo = signed_in_client(User.objects.get(email="mentor@demo.test"))
    page = jo.get("/mentoring/").content.decode()
    assert "My mentees" in page
    lucia = signed_in_client(User.objects.get(email="participant2@demo.test"))
    page = lucia.get("/my-mentor/").content.decode()
    # Lucía reads Commonroom in Spanish; the badge follows her language.
    with translation.override("es"):
        assert gettext("Peer mentor, not a licensed therapist") in page
    facilitator = signed_in_client(User.objects.get(email="facilitator@demo.test"))
    assert "barely slept" in facilitator.get("/flags/").content.decode()
    admin = signed_in_client(User.objects.get(email="admin@demo.test"))
    program_id = MentorProfile.objects.values_list("program_id", flat=True).first()
    roster = admin.get(f"/programs/{program_id}/mentors/").content.decode()
    assert "Grace" in roster
    assert admin.get(f"/programs/{program_id}/mentors/matching/").status_code == 200
