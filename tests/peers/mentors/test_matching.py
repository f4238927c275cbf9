"""Staff matching: a preview with the reason for each match, confirmed only
while nothing changed, never past a mentor's capacity, never a partner or a
do-not-pair pair."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import CoupleLink, DoNotPair, IntakePreferences, Program
from commonroom.peers.mentors import actions, queries
from commonroom.peers.mentors import pool as mentor_pool
from commonroom.peers.mentors.models import MentorProfile, Mentorship
from tests import factories
from tests.peers.mentors.conftest import make_active_mentor

pytestmark = pytest.mark.django_db


def _mentees(program: Program, group: Any, n: int) -> list[User]:
    people = []
    for i in range(n):
        person = factories.UserFactory(display_name=f"Mentee {i}")
        factories.enroll(person, program)
        factories.join(person, group)
        actions.do_request_mentor(mentee=person, program=program, lived_experience_wanted=[])
        people.append(person)
    return people


def test_preview_explains_each_match(
    mentor_profile: MentorProfile, participant: User, program: Program, admin: User
) -> None:
    IntakePreferences.objects.create(user=participant, languages=["en"])
    actions.do_request_mentor(mentee=participant, program=program, lived_experience_wanted=[])
    preview = queries.preview(program)
    assert [(line.mentor.pk, line.mentee.pk) for line in preview.lines] == [
        (mentor_profile.user_id, participant.pk)
    ]
    assert ("Speak a common language", 2.0) in preview.lines[0].reasons


def test_confirm_stores_the_explanation_and_starts_the_space(
    mentor_profile: MentorProfile, participant: User, program: Program, admin: User
) -> None:
    IntakePreferences.objects.create(user=participant, languages=["en"])
    actions.do_request_mentor(mentee=participant, program=program, lived_experience_wanted=[])
    fingerprint = queries.preview(program).fingerprint
    [mentorship] = actions.do_confirm_matching(program=program, fingerprint=fingerprint, by=admin)
    assert mentorship.explanation == {"shared_language": 2.0}
    assert mentorship.request is not None
    assert mentorship.request.status == "matched"


def test_a_stale_preview_is_refused(
    mentor_profile: MentorProfile, participant: User, groupmate: User, program: Program, admin: User
) -> None:
    actions.do_request_mentor(mentee=participant, program=program, lived_experience_wanted=[])
    fingerprint = queries.preview(program).fingerprint
    actions.do_request_mentor(mentee=groupmate, program=program, lived_experience_wanted=[])
    with pytest.raises(ValidationError) as exc:
        actions.do_confirm_matching(program=program, fingerprint=fingerprint, by=admin)
    assert exc.value.error_dict["fingerprint"][0].code == "stale_preview"
    assert not Mentorship.objects.exists()


def test_capacity_is_never_exceeded_even_with_a_stale_preview(
    mentor: User,
    program: Program,
    group: Any,
    admin: User,
) -> None:
    profile = make_active_mentor(mentor, program, admin, max_mentees=2)
    _mentees(program, group, 4)
    first = queries.preview(program).fingerprint
    assert len(actions.do_confirm_matching(program=program, fingerprint=first, by=admin)) == 2
    # Confirming the same (now stale) preview again must not add anyone.
    with pytest.raises(ValidationError):
        actions.do_confirm_matching(program=program, fingerprint=first, by=admin)
    # Nor does a fresh preview: the mentor is full.
    fresh = queries.preview(program)
    assert fresh.lines == []
    assert len(fresh.unassigned) == 2
    assert profile.mentorships.filter(ended_at__isnull=True).count() == 2


def test_capacities_hold_across_several_mentors(
    mentor: User, alumnus: User, program: Program, group: Any, admin: User
) -> None:
    make_active_mentor(mentor, program, admin, max_mentees=1)
    make_active_mentor(alumnus, program, admin, max_mentees=3)
    _mentees(program, group, 6)
    fingerprint = queries.preview(program).fingerprint
    created = actions.do_confirm_matching(program=program, fingerprint=fingerprint, by=admin)
    assert len(created) == 4
    for profile in MentorProfile.objects.all():
        assert profile.mentorships.filter(ended_at__isnull=True).count() <= profile.max_mentees


def test_partners_and_do_not_pair_are_never_matched(
    mentor: User, participant: User, groupmate: User, program: Program, admin: User
) -> None:
    make_active_mentor(mentor, program, admin, max_mentees=5)
    a, b = sorted([mentor, participant], key=lambda u: u.pk)
    CoupleLink.objects.create(program=program, person_a=a, person_b=b)
    a, b = sorted([mentor, groupmate], key=lambda u: u.pk)
    DoNotPair.objects.create(program=program, person_a=a, person_b=b, reason="neighbours")
    for person in (participant, groupmate):
        actions.do_request_mentor(mentee=person, program=program, lived_experience_wanted=[])
    preview = queries.preview(program)
    assert preview.lines == []
    assert {p.pk for p in preview.unassigned} == {participant.pk, groupmate.pk}


def test_only_ticked_pairs_are_started(
    mentor: User, program: Program, group: Any, admin: User
) -> None:
    make_active_mentor(mentor, program, admin, max_mentees=3)
    people = _mentees(program, group, 2)
    fingerprint = queries.preview(program).fingerprint
    created = actions.do_confirm_matching(
        program=program, fingerprint=fingerprint, by=admin, only=[(mentor.pk, people[1].pk)]
    )
    assert [m.mentee_id for m in created] == [people[1].pk]


def test_a_mentor_without_the_current_agreement_is_not_matched(
    mentor_profile: MentorProfile, participant: User, program: Program, admin: User
) -> None:
    actions.do_publish_boundaries(
        program=program, body="A new version of the boundaries agreement.", published_by=admin
    )
    actions.do_request_mentor(mentee=participant, program=program, lived_experience_wanted=[])
    assert mentor_pool.build_pool(program).mentors == []


def test_matching_page_previews_and_confirms(
    admin_client: Client, mentor_profile: MentorProfile, participant: User, program: Program
) -> None:
    actions.do_request_mentor(mentee=participant, program=program, lived_experience_wanted=[])
    page = admin_client.get(f"/programs/{program.pk}/mentors/matching/").content.decode()
    assert "Sam" in page
    fingerprint = queries.preview(program).fingerprint
    response = admin_client.post(
        f"/programs/{program.pk}/mentors/matching/",
        {"fingerprint": fingerprint, "pair": [f"{mentor_profile.user_id}:{participant.pk}"]},
    )
    assert response.status_code == 302
    assert Mentorship.objects.filter(mentee=participant).exists()
    roster = admin_client.get(f"/programs/{program.pk}/mentors/").content.decode()
    assert "1 / 2" in roster


def test_matching_api_preview_and_confirm(
    admin: User, mentor_profile: MentorProfile, participant: User, program: Program, api_as: Any
) -> None:
    IntakePreferences.objects.create(user=participant, languages=["en"])
    actions.do_request_mentor(mentee=participant, program=program, lived_experience_wanted=[])
    api = api_as(admin)
    preview = api.get(f"/mentors/programs/{program.pk}/matching").json()
    assert len(preview["matches"]) == 1
    assert preview["matches"][0]["reasons"] == [
        {"factor": "shared_language", "label": "Speak a common language", "points": 2.0}
    ]
    stale = api.post(f"/mentors/programs/{program.pk}/matching", {"fingerprint": "0" * 32})
    assert stale.status_code == 422
    assert stale.json()["error"] == {
        "code": "stale_preview",
        "message": stale.json()["error"]["message"],
        "field": "fingerprint",
    }
    response = api.post(
        f"/mentors/programs/{program.pk}/matching", {"fingerprint": preview["fingerprint"]}
    )
    assert response.status_code == 201
    assert response.json()[0]["mentee"]["id"] == participant.pk


def test_weekly_hours_follow_the_persons_time_zone() -> None:
    import datetime as dt

    hours = mentor_pool.weekly_utc_hours(
        [{"day": 0, "start": "18:00", "end": "20:00"}],
        "America/Chicago",
        week_of=dt.date(2026, 1, 7),
    )
    # Monday 18:00-20:00 in Chicago (UTC-6) is Tuesday 00:00-02:00 UTC.
    assert hours == frozenset({24, 25})


def test_both_are_told_by_email_without_names(
    mentor_profile: MentorProfile,
    participant: User,
    program: Program,
    admin: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core import mail

    actions.do_request_mentor(mentee=participant, program=program, lived_experience_wanted=[])
    fingerprint = queries.preview(program).fingerprint
    with django_capture_on_commit_callbacks(execute=True):
        [mentorship] = actions.do_confirm_matching(
            program=program, fingerprint=fingerprint, by=admin
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["mentor@example.org", "participant@example.org"]
    to_mentee = next(m for m in mail.outbox if m.to == ["participant@example.org"])
    assert "Jo" not in to_mentee.body
    to_mentor = next(m for m in mail.outbox if m.to == ["mentor@example.org"])
    assert "Sam" not in to_mentor.body
    mentorship.refresh_from_db()
    assert mentorship.notified_at is not None


def test_roster_queries_stay_constant_as_mentors_grow(
    admin: User, admin_client: Client, program: Program, group: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_mentors(n: int) -> None:
        for _ in range(n):
            person = factories.UserFactory()
            factories.enroll(person, program, "completed")
            make_active_mentor(person, program, admin)
        _mentees(program, group, n)
        actions.do_confirm_matching(
            program=program, fingerprint=queries.preview(program).fingerprint, by=admin
        )

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(f"/programs/{program.pk}/mentors/").status_code == 200
        return len(captured)

    add_mentors(2)
    count()
    few = count()
    add_mentors(4)
    assert count() == few
