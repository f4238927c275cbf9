"""The access-policy matrix: persona x object x action, over HTML and API.

Peers see display name and pronouns; staff for a person see the rest; anyone
else gets a 404 so ids leak nothing; anonymous visitors get only sign-in and
help pages.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from commonroom.accounts.models import User
from commonroom.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PEER_ONLY = {"display_name", "pronouns"}
PRIVATE_VALUES = ("Samuel Private", "participant@example.org", "Captions please")

# viewer -> what they may see of the participant's profile
PROFILE_OF_PARTICIPANT = {
    "participant": "self",
    "groupmate": "peer",
    "outsider": None,
    "facilitator": "staff",
    "other_facilitator": None,
    "mentor": None,
    "alumnus": None,
    "admin": "staff",
}


@pytest.mark.parametrize(("viewer", "expected"), PROFILE_OF_PARTICIPANT.items())
def test_profile_of_participant_over_html(
    request: pytest.FixtureRequest, participant: User, viewer: str, expected: str | None
) -> None:
    client: Client = request.getfixturevalue(f"{viewer}_client")
    response = client.get(f"/people/{participant.pk}/")
    if expected is None:
        assert response.status_code == 404
        assert "Sam" not in response.content.decode()
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sam" in html
    for value in PRIVATE_VALUES:
        assert (value in html) is (expected != "peer"), value


@pytest.mark.parametrize(("viewer", "expected"), PROFILE_OF_PARTICIPANT.items())
def test_profile_of_participant_over_api(
    request: pytest.FixtureRequest,
    api_as: object,
    participant: User,
    viewer: str,
    expected: str | None,
) -> None:
    api = api_as(request.getfixturevalue(viewer))  # type: ignore[operator]
    response = api.get(f"/people/{participant.pk}")
    if expected is None:
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}
        return
    assert response.status_code == 200
    body = response.json()
    assert body["visibility"] == expected
    shown = set(body) - {"id", "visibility"}
    if expected == "peer":
        assert shown == PEER_ONLY
    else:
        assert {"legal_name", "email", "accessibility_needs"} <= shown


def test_unknown_person_and_hidden_person_answer_the_same(
    outsider_client: Client, participant: User
) -> None:
    hidden = outsider_client.get(f"/people/{participant.pk}/")
    missing = outsider_client.get("/people/987654/")
    assert hidden.status_code == missing.status_code == 404
    main = re.compile(rb"<main.*</main>", re.DOTALL)
    assert main.search(hidden.content).group(0) == main.search(missing.content).group(0)  # type: ignore[union-attr]


def test_alumnus_is_no_longer_a_peer_of_the_active_group(
    alumnus_client: Client, groupmate_client: Client, participant: User, alumnus: User
) -> None:
    assert alumnus_client.get(f"/people/{participant.pk}/").status_code == 404
    assert groupmate_client.get(f"/people/{alumnus.pk}/").status_code == 404


def test_completing_the_program_ends_peer_visibility_at_once(
    groupmate_client: Client, participant: User
) -> None:
    assert groupmate_client.get(f"/people/{participant.pk}/").status_code == 200
    participant.enrollments.update(phase="completed")
    assert groupmate_client.get(f"/people/{participant.pk}/").status_code == 404


def test_staff_reads_of_a_profile_are_audited(
    facilitator_client: Client, participant: User, facilitator: User
) -> None:
    facilitator_client.get(f"/people/{participant.pk}/")
    entry = AuditEntry.objects.get(action="profile.read")
    assert entry.actor_id == facilitator.pk
    assert entry.subject_id == participant.pk


def test_peer_reads_are_not_protected_data(groupmate_client: Client, participant: User) -> None:
    groupmate_client.get(f"/people/{participant.pk}/")
    assert not AuditEntry.objects.filter(action="profile.read").exists()


# --- anonymous visitors ------------------------------------------------------

ANONYMOUS_ALLOWED = {
    "/accounts/login/": 200,
    "/accounts/password/reset/": 200,
    "/help/": 200,
    "/healthz": 200,
    "/readyz": 200,
    "/api/v1/openapi.json": 200,
}
SIGN_IN_REQUIRED_HTML = [
    "/",
    "/profile/",
    "/people/{participant}/",
    "/programs/{program}/invitations/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/email/",
    "/accounts/password/change/",
]
SIGN_IN_REQUIRED_API = [
    "/api/v1/me",
    "/api/v1/people/{participant}",
    "/api/v1/programs/administered",
    "/api/v1/programs/{program}/invitations",
]


@pytest.mark.parametrize(("path", "status"), ANONYMOUS_ALLOWED.items())
def test_anonymous_may_open_sign_in_and_help_pages(
    anonymous_client: Client, path: str, status: int
) -> None:
    assert anonymous_client.get(path).status_code == status


@pytest.mark.parametrize("path", SIGN_IN_REQUIRED_HTML)
def test_anonymous_is_sent_to_sign_in(
    anonymous_client: Client, participant: User, program: object, path: str
) -> None:
    url = path.format(participant=participant.pk, program=program.pk)  # type: ignore[attr-defined]
    response = anonymous_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", SIGN_IN_REQUIRED_API)
def test_anonymous_gets_401_from_the_api(
    anonymous_client: Client, participant: User, program: object, path: str
) -> None:
    url = path.format(participant=participant.pk, program=program.pk)  # type: ignore[attr-defined]
    response = anonymous_client.get(url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_anonymous_cannot_open_the_admin_site(anonymous_client: Client) -> None:
    response = anonymous_client.get("/site-admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def _our_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern) in {"accounts/", "site-admin/"}:
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                names.add(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns)
    return names


def test_every_route_is_classified_in_this_matrix() -> None:
    """A new page or endpoint must be added here, so its refusal is tested."""
    classified = {
        # foundation: this file
        "", "help/", "language/", "healthz", "readyz", "profile/", "people/<int:person_id>/",
        # idle sign-out warning: tests/accounts/test_idle.py
        "idle/",
        "api/v1/", "api/v1/openapi.json", "api/v1/auth/token", "api/v1/me",
        "api/v1/people/<person_id>", "api/v1/programs/administered",
        # invitations: tests/care/test_invitations.py
        "invite/<str:token>/", "programs/<int:program_id>/invitations/",
        "programs/<int:program_id>/invitations/<int:invitation_id>/revoke/",
        "api/v1/programs/<program_id>/invitations",
        "api/v1/programs/<program_id>/invitations/<invitation_id>",
        # care structure: tests/care/test_care_access_matrix.py and the subject files
        "programs/<int:program_id>/", "programs/<int:program_id>/settings/",
        "programs/<int:program_id>/tracks/", "programs/<int:program_id>/groups/new/",
        "programs/<int:program_id>/enrollments/", "programs/<int:program_id>/couples/",
        "programs/<int:program_id>/do-not-pair/", "programs/<int:program_id>/agreement/",
        "programs/<int:program_id>/agreement/publish/", "groups/<int:group_id>/",
        "groups/<int:group_id>/edit/", "enrollments/<int:enrollment_id>/",
        "enrollments/<int:enrollment_id>/phase/", "enrollments/<int:enrollment_id>/place/",
        "enrollments/<int:enrollment_id>/groups/<int:group_id>/leave/",
        "couples/<int:couple_id>/policy/", "couples/<int:couple_id>/unlink/",
        "do-not-pair/<int:entry_id>/remove/", "preferences/", "people/<int:person_id>/audit/",
        "api/v1/programs/<program_id>", "api/v1/programs/<program_id>/tracks",
        "api/v1/programs/<program_id>/groups", "api/v1/groups/<group_id>",
        "api/v1/groups/<group_id>/roster", "api/v1/groups/<group_id>/members",
        "api/v1/groups/<group_id>/members/<user_id>", "api/v1/programs/<program_id>/enrollments",
        "api/v1/enrollments/<enrollment_id>", "api/v1/enrollments/<enrollment_id>/history",
        "api/v1/enrollments/<enrollment_id>/phase", "api/v1/enrollments/<enrollment_id>/move",
        "api/v1/programs/<program_id>/couples", "api/v1/couples/<couple_id>",
        "api/v1/programs/<program_id>/do-not-pair", "api/v1/do-not-pair/<entry_id>",
        "api/v1/programs/<program_id>/agreement", "api/v1/programs/<program_id>/agreement/accept",
        "api/v1/me/preferences", "api/v1/people/<person_id>/preferences",
        "api/v1/people/<person_id>/audit",
        # live sessions: tests/meetings/test_sessions.py and test_meetings_access.py
        "sessions/", "sessions/<int:session_id>/", "sessions/<int:session_id>/join/",
        "sessions/<int:session_id>/help/",
        "sessions/<int:session_id>/help/<int:request_id>/resolve/",
        "sessions/<int:session_id>/attendance/finalise/",
        "sessions/<int:session_id>/attendance/<int:user_id>/", "sessions/<int:session_id>/note/",
        "tech-check/", "groups/<int:group_id>/schedule/", "series/<int:series_id>/exceptions/",
        "programs/<int:program_id>/minimums/", "calendar/feeds/", "calendar/feeds/revoke/",
        "calendar/<str:secret>.ics",
        "api/v1/sessions", "api/v1/sessions/<session_id>", "api/v1/sessions/<session_id>/join",
        "api/v1/sessions/<session_id>/attendance",
        "api/v1/sessions/<session_id>/attendance/finalise",
        "api/v1/sessions/<session_id>/attendance/<user_id>", "api/v1/groups/<group_id>/series",
        "api/v1/series/<series_id>/exceptions", "api/v1/me/calendar-feeds",
        "api/v1/programs/<program_id>/minimums",
        # facilitator console, breakouts, prompts, co-leads: tests/meetings/test_console.py
        "sessions/<int:session_id>/console/", "sessions/<int:session_id>/console/live/",
        "sessions/<int:session_id>/shares/<int:user_id>/",
        "sessions/<int:session_id>/breakouts/plan/",
        "sessions/<int:session_id>/breakouts/<slug:action>/",
        "sessions/<int:session_id>/prompt/", "sessions/<int:session_id>/prompts/new/",
        "sessions/<int:session_id>/co-lead/", "sessions/<int:session_id>/co-lead/opt-in/",
        "sessions/<int:session_id>/my-breakout/", "sessions/<int:session_id>/my-breakout/ask/",
        "sessions/<int:session_id>/my-breakout/join/",
        "api/v1/sessions/<session_id>/console", "api/v1/sessions/<session_id>/shares",
        "api/v1/sessions/<session_id>/shares/<user_id>", "api/v1/sessions/<session_id>/breakouts",
        "api/v1/sessions/<session_id>/breakouts/move",
        "api/v1/sessions/<session_id>/breakouts/open",
        "api/v1/sessions/<session_id>/breakouts/extend",
        "api/v1/sessions/<session_id>/breakouts/broadcast",
        "api/v1/sessions/<session_id>/breakouts/close",
        "api/v1/sessions/<session_id>/my-breakout", "api/v1/sessions/<session_id>/my-breakout/ask",
        "api/v1/sessions/<session_id>/prompt", "api/v1/sessions/<session_id>/co-lead/opt-in",
        # peer spaces, threads and messages: tests/spaces/
        "spaces/", "spaces/<int:space_id>/", "spaces/<int:space_id>/threads/",
        "threads/<int:thread_id>/", "threads/<int:thread_id>/live/",
        "threads/<int:thread_id>/messages/", "messages/<int:message_id>/edit/",
        "messages/<int:message_id>/delete/", "messages/<int:message_id>/reactions/",
        "messages/<int:message_id>/history/",
        "api/v1/spaces", "api/v1/spaces/<space_id>", "api/v1/spaces/<space_id>/threads",
        "api/v1/spaces/<space_id>/events", "api/v1/threads/<thread_id>",
        "api/v1/threads/<thread_id>/messages", "api/v1/messages/<message_id>",
        "api/v1/messages/<message_id>/reactions",
        # check-ins: tests/spaces/test_checkins*.py
        "checkins/", "checkins/staff/", "groups/<int:group_id>/checkins/",
        "api/v1/checkins", "api/v1/me/checkins", "api/v1/groups/<group_id>/checkins",
        # search: tests/spaces/test_search.py
        "search/", "api/v1/search",
        # moderation over HTML: tests/spaces/test_moderation_pages.py
        "messages/<int:message_id>/report/", "messages/<int:message_id>/hide/",
        "messages/<int:message_id>/mute/", "messages/<int:message_id>/note/",
        "threads/<int:thread_id>/lock/", "moderation/", "moderation/<int:report_id>/handled/",
        "api/v1/messages/<message_id>/report", "api/v1/messages/<message_id>/hide",
        "api/v1/messages/<message_id>/mute", "api/v1/threads/<thread_id>/lock",
        "api/v1/moderation/reports", "api/v1/moderation/reports/<report_id>/handled",
        # notifications and the digest: tests/spaces/test_digest.py
        "notifications/",
        # resources: tests/spaces/test_resources.py
        "spaces/<int:space_id>/resources/", "resources/<int:resource_id>/file/",
        "resources/<int:resource_id>/pin/", "resources/<int:resource_id>/remove/",
        "api/v1/spaces/<space_id>/resources", "api/v1/spaces/<space_id>/resources/link",
        "api/v1/spaces/<space_id>/resources/file",
        # goals and milestones: tests/spaces/test_goals.py and test_milestones.py
        "goals/", "goals/<int:goal_id>/progress/", "goals/<int:goal_id>/close/",
        "groups/<int:group_id>/goals/", "milestones/", "milestones/counter/",
        "milestones/<int:milestone_id>/share/", "milestones/<int:milestone_id>/dismiss/",
        "api/v1/me/goals", "api/v1/goals/<goal_id>/progress", "api/v1/goals/<goal_id>/done",
        "api/v1/goals/<goal_id>/drop", "api/v1/groups/<group_id>/goals", "api/v1/me/milestones",
        "api/v1/milestones/<milestone_id>/share", "api/v1/milestones/<milestone_id>/dismiss",
        "api/v1/me/recovery-counter",
        # affinity groups: tests/peers/affinity/
        "affinity/", "affinity/<int:affinity_id>/", "affinity/<int:affinity_id>/ask/",
        "affinity/<int:affinity_id>/leave/", "affinity/<int:affinity_id>/edit/",
        "affinity/<int:affinity_id>/archive/", "affinity/requests/",
        "affinity/requests/<int:request_id>/withdraw/",
        "affinity/requests/<int:request_id>/decide/", "programs/<int:program_id>/affinity/",
        "api/v1/affinity/groups", "api/v1/affinity/groups/<affinity_id>",
        "api/v1/affinity/groups/<affinity_id>/members",
        "api/v1/affinity/groups/<affinity_id>/requests",
        "api/v1/affinity/groups/<affinity_id>/leave", "api/v1/affinity/me/requests",
        "api/v1/affinity/requests/<request_id>/withdraw", "api/v1/affinity/queue",
        "api/v1/affinity/requests/<request_id>/decision",
        "api/v1/affinity/programs/<program_id>/catalogue",
        # gatherings: tests/gatherings/test_gathering_access.py and test_feed.py
        "gatherings/", "gatherings/new/", "gatherings/calendar/",
        "gatherings/calendar/<str:secret>.ics", "api/v1/gatherings/calendar-feeds",
        "gatherings/<int:gathering_id>/",
        "gatherings/<int:gathering_id>/edit/", "gatherings/<int:gathering_id>/rsvp/",
        "gatherings/<int:gathering_id>/cancel/",
        "api/v1/gatherings", "api/v1/gatherings/<gathering_id>",
        "api/v1/gatherings/<gathering_id>/attendees", "api/v1/gatherings/<gathering_id>/cancel",
        "api/v1/gatherings/<gathering_id>/rsvps", "api/v1/gatherings/rsvps/<rsvp_id>",
        # alumni network: tests/peers/alumni/test_alumni_access.py
        "alumni/", "alumni/opportunities/new/", "alumni/opportunities/<int:opportunity_id>/",
        "alumni/opportunities/<int:opportunity_id>/signup/",
        "alumni/opportunities/<int:opportunity_id>/withdraw/",
        "alumni/opportunities/<int:opportunity_id>/close/",
        "api/v1/alumni/opportunities/<opportunity_id>/close",
        "alumni/programs/<int:program_id>/settings/", "alumni/signups/<int:signup_id>/confirm/",
        "api/v1/alumni", "api/v1/alumni/opportunities",
        "api/v1/alumni/opportunities/<opportunity_id>",
        "api/v1/alumni/opportunities/<opportunity_id>/signup",
        "api/v1/alumni/opportunities/<opportunity_id>/signups",
        "api/v1/alumni/opportunities/<opportunity_id>/withdraw",
        "api/v1/alumni/programs/<program_id>/settings", "api/v1/alumni/signups/<signup_id>/confirm",
        # accountability buddies: tests/peers/buddies/
        "buddy/", "buddy/opt-in/", "buddy/request/", "buddy/pairs/<int:pair_id>/rhythm/",
        "buddy/pairs/<int:pair_id>/end/", "buddy/pairs/<int:pair_id>/no-thanks/",
        "buddies/staff/", "buddies/run/<slug:scope>/<int:scope_id>/",
        "api/v1/buddies/me", "api/v1/buddies/me/consent", "api/v1/buddies/me/request",
        "api/v1/buddies/pairs/<pair_id>/rhythm", "api/v1/buddies/pairs/<pair_id>/end",
        "api/v1/buddies/pairings/preview", "api/v1/buddies/pairings", "api/v1/buddies/health",
        # peer mentors: tests/peers/mentors/test_mentor_access.py
        "mentoring/", "mentoring/profiles/<int:profile_id>/",
        "mentoring/profiles/<int:profile_id>/details/",
        "mentoring/profiles/<int:profile_id>/training/",
        "mentoring/profiles/<int:profile_id>/training/confirm/",
        "mentoring/profiles/<int:profile_id>/sign/", "mentoring/profiles/<int:profile_id>/state/",
        "programs/<int:program_id>/mentors/", "programs/<int:program_id>/mentors/matching/",
        "my-mentor/", "my-mentor/requests/<int:request_id>/withdraw/",
        "mentorships/<int:mentorship_id>/", "mentorships/<int:mentorship_id>/end/",
        "mentorships/<int:mentorship_id>/concern/",
        "api/v1/mentors/me", "api/v1/mentors/apply", "api/v1/mentors/profiles/<profile_id>",
        "api/v1/mentors/profiles/<profile_id>/training",
        "api/v1/mentors/profiles/<profile_id>/training/confirm",
        "api/v1/mentors/profiles/<profile_id>/sign", "api/v1/mentors/profiles/<profile_id>/state",
        "api/v1/mentors/programs/<program_id>/roster",
        "api/v1/mentors/programs/<program_id>/settings",
        "api/v1/mentors/programs/<program_id>/matching", "api/v1/mentors/mentorships",
        "api/v1/mentors/mentorships/<mentorship_id>",
        "api/v1/mentors/mentorships/<mentorship_id>/end",
        "api/v1/mentors/mentorships/<mentorship_id>/concern", "api/v1/mentors/requests",
        "api/v1/mentors/requests/<request_id>/withdraw",
        # flags: tests/safety/test_flags.py
        "flags/", "flags/<int:flag_id>/status/", "api/v1/flags", "api/v1/flags/<flag_id>",
        "api/v1/flags/<flag_id>/status",
    }  # fmt: skip
    assert _our_routes() == classified
