"""The access matrix: persona x route x channel, generated.

Every page route the URL resolver knows and every operation the OpenAPI
schema (/api/v1/openapi.json) lists must have a row in ROUTES or
OPERATIONS below, or ``test_every_route_and_operation_has_a_row`` fails: a
new page or endpoint cannot ship without saying who is refused. The
websocket column is tests/realtime/test_stream_access.py.

How to add a row
----------------
1. Find the route as the failing test prints it, e.g.
   ``"sessions/<int:session_id>/arrive/"`` or
   ``"POST /api/v1/sessions/{session_id}/arrival"``.
2. Add ``"<route>": Row("<METHOD>", POLICY)`` to ROUTES (pages) or
   ``"<METHOD> <path>": POLICY`` to OPERATIONS (API). Choose the POLICY that
   says who may use it (see POLICIES below; add one if none fits, naming
   the personas who are *shown* the route: everyone else must get a 404).
3. If the route's ids are of objects the WORLD does not build (see
   ``world_ids``), either add the object there, or use ``Row(...,
   world=False)`` / ``Op(POLICY, world=False)`` and name the file that tests
   its persona refusals in a comment: such a row is then only checked for
   anonymous visitors and for not answering 500.

The personas are the conftest fixtures; ``pending_member`` is a member of
group A who has not accepted the program's current agreement (every other
persona has). Each request runs in a savepoint that is rolled back, so one
world serves every row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from commonroom.accounts.actions import do_issue_api_token
from commonroom.accounts.models import User
from commonroom.care.models import Enrollment, Program, TherapyGroup
from commonroom.core import access as core_access
from commonroom.spaces import actions
from commonroom.spaces.models import Report, Resource, Space, SpaceKind, SpaceScope, Thread
from tests.conftest import signed_in_client
from tests.core import matrix_support as m

pytestmark = pytest.mark.django_db

PERSONAS = [
    "participant",
    "groupmate",
    "outsider",
    "facilitator",
    "other_facilitator",
    "mentor",
    "alumnus",
    "admin",
    "pending_member",
    "anonymous",
]


# --- the table ------------------------------------------------------------------------
#
# One letter per persona, in PERSONAS order:
#   participant groupmate outsider facilitator other_facilitator mentor alumnus
#   admin pending_member anonymous
# Y shown (not refused by the access policy)   n 404 (refused, nothing said)
# A sent to the group agreement (page) / 403 agreement_required (API)
# L sent to sign in (page) / 401 (API)          F 403 with another reason
# I the input was refused (400/422) after the access check let the person in
#
# A route must never answer 500, whoever asks.

EVERYONE = "YYYYYYYYYY"  # public: health checks, help, sign-in
SIGNED_IN = "YYYYYYYYYL"  # one's own things, or lists filtered to what each may see
GROUP_A = "YYnYnnnYAL"  # group A's cohort and staff; the pending member is sent to the agreement
MODERATORS_OF_A = "nnnYnnnYAL"  # group A's facilitator and the program admin
STAFF_OF_A = "nnnYnnnYnL"  # the staff of the participant or of group A
STAFF = "nnnYYnnYnL"  # staff of the program
ADMIN = "nnnnnnnYnL"  # the program's admins
PARTICIPANT_AND_STAFF = "YnnYnnnYnL"  # the participant's own record and their staff
COHORT = "YYYnnnnnYL"  # people in the program's active cohort
# Validation runs before the access check, so a refused persona cannot be told
# from an allowed one here: their persona refusals are in the subject's tests.
INPUT_FIRST = "IIIIIIIIIL"


# Where the persona refusals of the rows the world has no object for are tested.
AFFINITY = "tests/peers/affinity/test_privacy.py"
GATHERINGS = "tests/gatherings/test_gathering_access.py"
ALUMNI = "tests/peers/alumni/test_alumni_access.py"
MENTORS = "tests/peers/mentors/test_mentor_access.py"
BUDDIES = "tests/peers/buddies/test_access.py"
RELATIONS = "tests/care/test_relations.py"
INVITATIONS = "tests/care/test_invitations.py"
GOALS = "tests/spaces/test_goals.py"
MILESTONES = "tests/spaces/test_milestones.py"
FLAGS = "tests/safety/test_flags.py"
CALENDAR = "tests/meetings/test_calendar.py"
CONSOLE = "tests/meetings/test_console_refusals.py"
SESSIONS = "tests/meetings/test_sessions.py"


@dataclass(frozen=True)
class Row:
    """How one route or operation is called and whom it refuses. A row with
    ``tested_in`` instead of an expectation has ids the world does not
    build: only anonymous visitors (and "never 500") are checked here."""

    method: str
    expect: str | None = None
    tested_in: str | None = None


ROUTES: dict[str, Row] = {
    "": Row("GET", SIGNED_IN),
    "affinity/": Row("GET", SIGNED_IN),
    "idle/": Row("GET", SIGNED_IN),
    "affinity/<int:affinity_id>/": Row("GET", tested_in=AFFINITY),
    "affinity/<int:affinity_id>/archive/": Row("GET", tested_in=AFFINITY),
    "affinity/<int:affinity_id>/ask/": Row("GET", tested_in=AFFINITY),
    "affinity/<int:affinity_id>/edit/": Row("GET", tested_in=AFFINITY),
    "affinity/<int:affinity_id>/leave/": Row("GET", tested_in=AFFINITY),
    "affinity/requests/": Row("GET", SIGNED_IN),
    "affinity/requests/<int:request_id>/decide/": Row("GET", tested_in=AFFINITY),
    "affinity/requests/<int:request_id>/withdraw/": Row("GET", tested_in=AFFINITY),
    "alumni/": Row("GET", "nnnYYYYYnL"),
    "alumni/opportunities/<int:opportunity_id>/": Row("GET", tested_in=ALUMNI),
    "alumni/opportunities/<int:opportunity_id>/close/": Row("GET", tested_in=ALUMNI),
    "alumni/opportunities/<int:opportunity_id>/signup/": Row("GET", tested_in=ALUMNI),
    "alumni/opportunities/<int:opportunity_id>/withdraw/": Row("GET", tested_in=ALUMNI),
    "alumni/opportunities/new/": Row("GET", STAFF),
    "alumni/programs/<int:program_id>/settings/": Row("GET", ADMIN),
    "alumni/signups/<int:signup_id>/confirm/": Row("GET", tested_in=ALUMNI),
    "buddies/run/<slug:scope>/<int:scope_id>/": Row("GET", tested_in=BUDDIES),
    "buddies/staff/": Row("GET", STAFF),
    "buddy/": Row("GET", SIGNED_IN),
    "buddy/opt-in/": Row("POST", COHORT),
    "buddy/pairs/<int:pair_id>/end/": Row("GET", tested_in=BUDDIES),
    "buddy/pairs/<int:pair_id>/no-thanks/": Row("GET", tested_in=BUDDIES),
    "buddy/pairs/<int:pair_id>/rhythm/": Row("GET", tested_in=BUDDIES),
    "buddy/request/": Row("POST", COHORT),
    "calendar/<str:secret>.ics": Row("GET", tested_in=CALENDAR),
    "calendar/feeds/": Row("POST", SIGNED_IN),
    "calendar/feeds/revoke/": Row("POST", SIGNED_IN),
    "checkins/": Row("GET", SIGNED_IN),
    "checkins/staff/": Row("GET", STAFF),
    "couples/<int:couple_id>/policy/": Row("GET", tested_in=RELATIONS),
    "couples/<int:couple_id>/unlink/": Row("GET", tested_in=RELATIONS),
    "do-not-pair/<int:entry_id>/remove/": Row("GET", tested_in=RELATIONS),
    "enrollments/<int:enrollment_id>/": Row("GET", PARTICIPANT_AND_STAFF),
    "enrollments/<int:enrollment_id>/groups/<int:group_id>/leave/": Row("POST", ADMIN),
    "enrollments/<int:enrollment_id>/phase/": Row("POST", "nnnInnnInL"),
    "enrollments/<int:enrollment_id>/place/": Row("POST", "nnnnnnnInL"),
    "flags/": Row("GET", STAFF),
    "flags/<int:flag_id>/status/": Row("GET", tested_in=FLAGS),
    "gatherings/": Row("GET", SIGNED_IN),
    "gatherings/<int:gathering_id>/": Row("GET", tested_in=GATHERINGS),
    "gatherings/<int:gathering_id>/cancel/": Row("GET", tested_in=GATHERINGS),
    "gatherings/<int:gathering_id>/edit/": Row("GET", tested_in=GATHERINGS),
    "gatherings/<int:gathering_id>/rsvp/": Row("GET", tested_in=GATHERINGS),
    "gatherings/calendar/": Row("POST", SIGNED_IN),
    "gatherings/calendar/<str:secret>.ics": Row("GET", tested_in=GATHERINGS),
    "gatherings/new/": Row("GET", STAFF),
    "goals/": Row("GET", SIGNED_IN),
    "goals/<int:goal_id>/close/": Row("GET", tested_in=GOALS),
    "goals/<int:goal_id>/progress/": Row("GET", tested_in=GOALS),
    "groups/<int:group_id>/": Row("GET", GROUP_A),
    "groups/<int:group_id>/checkins/": Row("GET", STAFF_OF_A),
    "groups/<int:group_id>/edit/": Row("GET", ADMIN),
    "groups/<int:group_id>/goals/": Row("GET", STAFF_OF_A),
    "groups/<int:group_id>/schedule/": Row("GET", "nnnnnnnYAL"),
    "healthz": Row("GET", EVERYONE),
    "help/": Row("GET", EVERYONE),
    "invite/<str:token>/": Row("GET", tested_in=INVITATIONS),
    "language/": Row("POST", EVERYONE),
    "mentoring/": Row("GET", SIGNED_IN),
    "mentoring/profiles/<int:profile_id>/": Row("GET", tested_in=MENTORS),
    "mentoring/profiles/<int:profile_id>/details/": Row("GET", tested_in=MENTORS),
    "mentoring/profiles/<int:profile_id>/sign/": Row("GET", tested_in=MENTORS),
    "mentoring/profiles/<int:profile_id>/state/": Row("GET", tested_in=MENTORS),
    "mentoring/profiles/<int:profile_id>/training/": Row("GET", tested_in=MENTORS),
    "mentoring/profiles/<int:profile_id>/training/confirm/": Row("GET", tested_in=MENTORS),
    "mentorships/<int:mentorship_id>/": Row("GET", tested_in=MENTORS),
    "mentorships/<int:mentorship_id>/concern/": Row("GET", tested_in=MENTORS),
    "mentorships/<int:mentorship_id>/end/": Row("GET", tested_in=MENTORS),
    "messages/<int:message_id>/delete/": Row("POST", "YnnnnnnnAL"),
    "messages/<int:message_id>/edit/": Row("GET", "YnnnnnnnAL"),
    "messages/<int:message_id>/hide/": Row("POST", MODERATORS_OF_A),
    "messages/<int:message_id>/history/": Row("GET", MODERATORS_OF_A),
    "messages/<int:message_id>/mute/": Row("POST", MODERATORS_OF_A),
    "messages/<int:message_id>/note/": Row("POST", MODERATORS_OF_A),
    "messages/<int:message_id>/reactions/": Row("POST", GROUP_A),
    "messages/<int:message_id>/report/": Row("POST", GROUP_A),
    "milestones/": Row("GET", SIGNED_IN),
    "milestones/<int:milestone_id>/dismiss/": Row("GET", tested_in=MILESTONES),
    "milestones/<int:milestone_id>/share/": Row("GET", tested_in=MILESTONES),
    "milestones/counter/": Row("POST", INPUT_FIRST),
    "moderation/": Row("GET", STAFF),
    "moderation/<int:report_id>/handled/": Row("POST", STAFF_OF_A),
    "my-mentor/": Row("GET", SIGNED_IN),
    "my-mentor/requests/<int:request_id>/withdraw/": Row("GET", tested_in=MENTORS),
    "notifications/": Row("GET", SIGNED_IN),
    "people/<int:person_id>/": Row("GET", "YYnYnnnYYL"),
    "people/<int:person_id>/audit/": Row("GET", ADMIN),
    "preferences/": Row("GET", SIGNED_IN),
    "profile/": Row("GET", SIGNED_IN),
    "programs/<int:program_id>/": Row("GET", ADMIN),
    "programs/<int:program_id>/affinity/": Row("GET", ADMIN),
    "programs/<int:program_id>/agreement/": Row("GET", SIGNED_IN),
    "programs/<int:program_id>/agreement/publish/": Row("POST", ADMIN),
    "programs/<int:program_id>/couples/": Row("GET", ADMIN),
    "programs/<int:program_id>/do-not-pair/": Row("GET", ADMIN),
    "programs/<int:program_id>/enrollments/": Row("GET", ADMIN),
    "programs/<int:program_id>/groups/new/": Row("GET", ADMIN),
    "programs/<int:program_id>/invitations/": Row("GET", ADMIN),
    "programs/<int:program_id>/invitations/<int:invitation_id>/revoke/": Row(
        "GET", tested_in=INVITATIONS
    ),
    "programs/<int:program_id>/mentors/": Row("GET", ADMIN),
    "programs/<int:program_id>/mentors/matching/": Row("GET", ADMIN),
    "programs/<int:program_id>/minimums/": Row("GET", ADMIN),
    "programs/<int:program_id>/settings/": Row("POST", "nnnnnnnInL"),
    "programs/<int:program_id>/tracks/": Row("POST", "nnnnnnnInL"),
    "readyz": Row("GET", EVERYONE),
    "resources/<int:resource_id>/file/": Row("GET", GROUP_A),
    "resources/<int:resource_id>/pin/": Row("POST", STAFF_OF_A),
    "resources/<int:resource_id>/remove/": Row("POST", "nYnYnnnYAL"),
    "search/": Row("GET", SIGNED_IN),
    "series/<int:series_id>/exceptions/": Row("POST", ADMIN),
    "sessions/": Row("GET", SIGNED_IN),
    "sessions/<int:session_id>/": Row("GET", GROUP_A),
    "sessions/<int:session_id>/attendance/<int:user_id>/": Row("POST", STAFF_OF_A),
    "sessions/<int:session_id>/attendance/finalise/": Row("POST", STAFF_OF_A),
    "sessions/<int:session_id>/breakouts/<slug:action>/": Row("GET", tested_in=CONSOLE),
    "sessions/<int:session_id>/breakouts/plan/": Row("POST", STAFF_OF_A),
    "sessions/<int:session_id>/co-lead/": Row("POST", STAFF_OF_A),
    "sessions/<int:session_id>/co-lead/opt-in/": Row("POST", "YYnnnnnnAL"),
    "sessions/<int:session_id>/console/": Row("GET", STAFF_OF_A),
    "sessions/<int:session_id>/console/live/": Row("GET", STAFF_OF_A),
    "sessions/<int:session_id>/help/": Row("POST", GROUP_A),
    "sessions/<int:session_id>/help/<int:request_id>/resolve/": Row("GET", tested_in=SESSIONS),
    # The signed room link (GET); without its token a member is sent back to
    # the session page, which is "shown" here.
    "sessions/<int:session_id>/join/": Row("GET", GROUP_A),
    "sessions/<int:session_id>/my-breakout/": Row("GET", GROUP_A),
    "sessions/<int:session_id>/my-breakout/ask/": Row("POST", "nnnnnnnnAL"),
    "sessions/<int:session_id>/my-breakout/join/": Row("GET", "nnnnnnnnAL"),
    "sessions/<int:session_id>/note/": Row("POST", STAFF_OF_A),
    "sessions/<int:session_id>/prompt/": Row("POST", "nnnnnnnnnL"),
    "sessions/<int:session_id>/prompts/new/": Row("POST", STAFF_OF_A),
    "sessions/<int:session_id>/shares/<int:user_id>/": Row("POST", STAFF_OF_A),
    "spaces/": Row("GET", SIGNED_IN),
    "spaces/<int:space_id>/": Row("GET", GROUP_A),
    "spaces/<int:space_id>/resources/": Row("GET", GROUP_A),
    "spaces/<int:space_id>/threads/": Row("POST", "IInInnnIAL"),
    "tech-check/": Row("GET", SIGNED_IN),
    "threads/<int:thread_id>/": Row("GET", GROUP_A),
    "threads/<int:thread_id>/live/": Row("GET", GROUP_A),
    "threads/<int:thread_id>/lock/": Row("POST", MODERATORS_OF_A),
    "threads/<int:thread_id>/messages/": Row("POST", "IInInnnIAL"),
}
OPERATIONS: dict[str, Row] = {
    "DELETE /api/v1/auth/token": Row("DELETE", SIGNED_IN),
    "DELETE /api/v1/couples/{couple_id}": Row("DELETE", tested_in=RELATIONS),
    "DELETE /api/v1/do-not-pair/{entry_id}": Row("DELETE", tested_in=RELATIONS),
    "DELETE /api/v1/groups/{group_id}/members/{user_id}": Row("DELETE", ADMIN),
    "DELETE /api/v1/me/calendar-feeds": Row("DELETE", SIGNED_IN),
    "DELETE /api/v1/messages/{message_id}": Row("DELETE", "YInInnnIAL"),
    "DELETE /api/v1/programs/{program_id}/invitations/{invitation_id}": Row(
        "DELETE", tested_in=INVITATIONS
    ),
    "DELETE /api/v1/sessions/{session_id}/shares/{user_id}": Row("DELETE", STAFF_OF_A),
    "GET /api/v1/affinity/groups": Row("GET", SIGNED_IN),
    "GET /api/v1/affinity/groups/{affinity_id}": Row("GET", tested_in=AFFINITY),
    "GET /api/v1/affinity/groups/{affinity_id}/members": Row("GET", tested_in=AFFINITY),
    "GET /api/v1/affinity/me/requests": Row("GET", SIGNED_IN),
    "GET /api/v1/affinity/programs/{program_id}/catalogue": Row("GET", ADMIN),
    "GET /api/v1/affinity/queue": Row("GET", SIGNED_IN),
    "GET /api/v1/alumni": Row("GET", "nnnYYYYYnL"),
    "GET /api/v1/alumni/opportunities": Row("GET", SIGNED_IN),
    "GET /api/v1/alumni/opportunities/{opportunity_id}": Row("GET", tested_in=ALUMNI),
    "GET /api/v1/alumni/opportunities/{opportunity_id}/signups": Row("GET", tested_in=ALUMNI),
    "GET /api/v1/alumni/programs/{program_id}/settings": Row("GET", ADMIN),
    "GET /api/v1/buddies/health": Row("GET", STAFF),
    "GET /api/v1/buddies/me": Row("GET", COHORT),
    "GET /api/v1/buddies/pairings/preview": Row("GET", INPUT_FIRST),
    "GET /api/v1/enrollments/{enrollment_id}": Row("GET", PARTICIPANT_AND_STAFF),
    "GET /api/v1/enrollments/{enrollment_id}/history": Row("GET", PARTICIPANT_AND_STAFF),
    "GET /api/v1/flags": Row("GET", STAFF),
    "GET /api/v1/flags/{flag_id}": Row("GET", tested_in=FLAGS),
    "GET /api/v1/gatherings": Row("GET", SIGNED_IN),
    "GET /api/v1/gatherings/{gathering_id}": Row("GET", tested_in=GATHERINGS),
    "GET /api/v1/gatherings/{gathering_id}/attendees": Row("GET", tested_in=GATHERINGS),
    "GET /api/v1/groups/{group_id}": Row("GET", GROUP_A),
    "GET /api/v1/groups/{group_id}/checkins": Row("GET", STAFF_OF_A),
    "GET /api/v1/groups/{group_id}/goals": Row("GET", STAFF_OF_A),
    "GET /api/v1/groups/{group_id}/roster": Row("GET", GROUP_A),
    "GET /api/v1/groups/{group_id}/series": Row("GET", GROUP_A),
    "GET /api/v1/me": Row("GET", SIGNED_IN),
    "GET /api/v1/me/checkins": Row("GET", SIGNED_IN),
    "GET /api/v1/me/goals": Row("GET", SIGNED_IN),
    "GET /api/v1/me/milestones": Row("GET", SIGNED_IN),
    "GET /api/v1/me/preferences": Row("GET", SIGNED_IN),
    "GET /api/v1/mentors/me": Row("GET", SIGNED_IN),
    "GET /api/v1/mentors/mentorships": Row("GET", SIGNED_IN),
    "GET /api/v1/mentors/mentorships/{mentorship_id}": Row("GET", tested_in=MENTORS),
    "GET /api/v1/mentors/profiles/{profile_id}": Row("GET", tested_in=MENTORS),
    "GET /api/v1/mentors/programs/{program_id}/matching": Row("GET", ADMIN),
    "GET /api/v1/mentors/programs/{program_id}/roster": Row("GET", ADMIN),
    "GET /api/v1/mentors/requests": Row("GET", SIGNED_IN),
    "GET /api/v1/moderation/reports": Row("GET", SIGNED_IN),
    "GET /api/v1/people/{person_id}": Row("GET", "YYnYnnnYYL"),
    "GET /api/v1/people/{person_id}/audit": Row("GET", ADMIN),
    "GET /api/v1/people/{person_id}/preferences": Row("GET", STAFF_OF_A),
    "GET /api/v1/programs/administered": Row("GET", SIGNED_IN),
    "GET /api/v1/programs/{program_id}": Row("GET", ADMIN),
    "GET /api/v1/programs/{program_id}/agreement": Row("GET", SIGNED_IN),
    "GET /api/v1/programs/{program_id}/couples": Row("GET", SIGNED_IN),
    "GET /api/v1/programs/{program_id}/do-not-pair": Row("GET", ADMIN),
    "GET /api/v1/programs/{program_id}/enrollments": Row("GET", ADMIN),
    "GET /api/v1/programs/{program_id}/groups": Row("GET", SIGNED_IN),
    "GET /api/v1/programs/{program_id}/invitations": Row("GET", ADMIN),
    "GET /api/v1/programs/{program_id}/minimums": Row("GET", ADMIN),
    "GET /api/v1/programs/{program_id}/tracks": Row("GET", ADMIN),
    "GET /api/v1/search": Row("GET", INPUT_FIRST),
    "GET /api/v1/sessions": Row("GET", SIGNED_IN),
    "GET /api/v1/sessions/{session_id}": Row("GET", GROUP_A),
    "GET /api/v1/sessions/{session_id}/attendance": Row("GET", STAFF_OF_A),
    "GET /api/v1/sessions/{session_id}/console": Row("GET", STAFF_OF_A),
    "GET /api/v1/sessions/{session_id}/my-breakout": Row("GET", GROUP_A),
    "GET /api/v1/spaces": Row("GET", SIGNED_IN),
    "GET /api/v1/spaces/{space_id}": Row("GET", GROUP_A),
    "GET /api/v1/messages/{message_id}/moderation-notes": Row("GET", MODERATORS_OF_A),
    "GET /api/v1/spaces/{space_id}/events": Row("GET", GROUP_A),
    "GET /api/v1/spaces/{space_id}/resources": Row("GET", GROUP_A),
    "GET /api/v1/spaces/{space_id}/threads": Row("GET", GROUP_A),
    "GET /api/v1/threads/{thread_id}": Row("GET", GROUP_A),
    "GET /api/v1/threads/{thread_id}/messages": Row("GET", GROUP_A),
    "PATCH /api/v1/affinity/groups/{affinity_id}": Row("PATCH", tested_in=AFFINITY),
    "PATCH /api/v1/couples/{couple_id}": Row("PATCH", tested_in=RELATIONS),
    "PATCH /api/v1/gatherings/rsvps/{rsvp_id}": Row("PATCH", tested_in=GATHERINGS),
    "PATCH /api/v1/gatherings/{gathering_id}": Row("PATCH", tested_in=GATHERINGS),
    "PATCH /api/v1/groups/{group_id}": Row("PATCH", ADMIN),
    "PATCH /api/v1/me": Row("PATCH", SIGNED_IN),
    "PATCH /api/v1/me/preferences": Row("PATCH", SIGNED_IN),
    "PATCH /api/v1/mentors/profiles/{profile_id}": Row("PATCH", tested_in=MENTORS),
    "PATCH /api/v1/messages/{message_id}": Row("PATCH", "YInInnnIAL"),
    "PATCH /api/v1/programs/{program_id}": Row("PATCH", ADMIN),
    "PATCH /api/v1/sessions/{session_id}/attendance/{user_id}": Row("PATCH", "nnnInnnInL"),
    "POST /api/v1/affinity/groups/{affinity_id}/leave": Row("POST", tested_in=AFFINITY),
    "POST /api/v1/affinity/groups/{affinity_id}/requests": Row("POST", tested_in=AFFINITY),
    "POST /api/v1/affinity/programs/{program_id}/catalogue": Row("POST", ADMIN),
    "POST /api/v1/affinity/requests/{request_id}/decision": Row("POST", tested_in=AFFINITY),
    "POST /api/v1/affinity/requests/{request_id}/withdraw": Row("POST", tested_in=AFFINITY),
    "POST /api/v1/alumni/opportunities": Row("POST", INPUT_FIRST),
    "POST /api/v1/alumni/opportunities/{opportunity_id}/close": Row("POST", tested_in=ALUMNI),
    "POST /api/v1/alumni/opportunities/{opportunity_id}/signup": Row("POST", tested_in=ALUMNI),
    "POST /api/v1/alumni/opportunities/{opportunity_id}/withdraw": Row("POST", tested_in=ALUMNI),
    "POST /api/v1/alumni/signups/{signup_id}/confirm": Row("POST", tested_in=ALUMNI),
    "POST /api/v1/auth/token": Row("POST", "IIIIIIIIII"),
    "POST /api/v1/buddies/me/consent": Row("POST", COHORT),
    "POST /api/v1/buddies/me/request": Row("POST", COHORT),
    "POST /api/v1/buddies/pairings": Row("POST", tested_in=BUDDIES),
    "POST /api/v1/buddies/pairs/{pair_id}/end": Row("POST", tested_in=BUDDIES),
    "POST /api/v1/buddies/pairs/{pair_id}/rhythm": Row("POST", tested_in=BUDDIES),
    "POST /api/v1/checkins": Row("POST", "IIInnnnnIL"),
    "POST /api/v1/enrollments/{enrollment_id}/move": Row("POST", "nnnnnnnInL"),
    "POST /api/v1/enrollments/{enrollment_id}/phase": Row("POST", "nnnInnnInL"),
    "POST /api/v1/flags/{flag_id}/status": Row("POST", tested_in=FLAGS),
    "POST /api/v1/gatherings": Row("POST", INPUT_FIRST),
    "POST /api/v1/gatherings/calendar-feeds": Row("POST", SIGNED_IN),
    "POST /api/v1/gatherings/{gathering_id}/cancel": Row("POST", tested_in=GATHERINGS),
    "POST /api/v1/gatherings/{gathering_id}/rsvps": Row("POST", tested_in=GATHERINGS),
    "POST /api/v1/goals/{goal_id}/done": Row("POST", tested_in=GOALS),
    "POST /api/v1/goals/{goal_id}/drop": Row("POST", tested_in=GOALS),
    "POST /api/v1/goals/{goal_id}/progress": Row("POST", tested_in=GOALS),
    "POST /api/v1/groups/{group_id}/members": Row("POST", "nnnnnnnInL"),
    "POST /api/v1/groups/{group_id}/series": Row("POST", INPUT_FIRST),
    "POST /api/v1/me/calendar-feeds": Row("POST", SIGNED_IN),
    "POST /api/v1/me/goals": Row("POST", INPUT_FIRST),
    "POST /api/v1/mentors/apply": Row("POST", "IIIIIYYIIL"),
    "POST /api/v1/mentors/mentorships/{mentorship_id}/concern": Row("POST", tested_in=MENTORS),
    "POST /api/v1/mentors/mentorships/{mentorship_id}/end": Row("POST", tested_in=MENTORS),
    "POST /api/v1/mentors/profiles/{profile_id}/sign": Row("POST", tested_in=MENTORS),
    "POST /api/v1/mentors/profiles/{profile_id}/state": Row("POST", tested_in=MENTORS),
    "POST /api/v1/mentors/profiles/{profile_id}/training": Row("POST", tested_in=MENTORS),
    "POST /api/v1/mentors/profiles/{profile_id}/training/confirm": Row("POST", tested_in=MENTORS),
    "POST /api/v1/mentors/programs/{program_id}/matching": Row("POST", "nnnnnnnInL"),
    "POST /api/v1/mentors/requests": Row("POST", "YYYIIIIIYL"),
    "POST /api/v1/mentors/requests/{request_id}/withdraw": Row("POST", tested_in=MENTORS),
    "POST /api/v1/messages/{message_id}/hide": Row("POST", MODERATORS_OF_A),
    "POST /api/v1/messages/{message_id}/moderation-notes": Row("POST", MODERATORS_OF_A),
    "POST /api/v1/messages/{message_id}/mute": Row("POST", MODERATORS_OF_A),
    "POST /api/v1/messages/{message_id}/reactions": Row("POST", "IInInnnIAL"),
    "POST /api/v1/messages/{message_id}/report": Row("POST", GROUP_A),
    "POST /api/v1/milestones/{milestone_id}/dismiss": Row("POST", tested_in=MILESTONES),
    "POST /api/v1/milestones/{milestone_id}/share": Row("POST", tested_in=MILESTONES),
    "POST /api/v1/moderation/reports/{report_id}/handled": Row("POST", STAFF_OF_A),
    "POST /api/v1/programs/{program_id}/agreement": Row("POST", ADMIN),
    "POST /api/v1/programs/{program_id}/agreement/accept": Row("POST", SIGNED_IN),
    "POST /api/v1/programs/{program_id}/couples": Row("POST", "nnnnnnnInL"),
    "POST /api/v1/programs/{program_id}/do-not-pair": Row("POST", "nnnnnnnInL"),
    "POST /api/v1/programs/{program_id}/groups": Row("POST", ADMIN),
    "POST /api/v1/programs/{program_id}/invitations": Row("POST", INPUT_FIRST),
    "POST /api/v1/programs/{program_id}/tracks": Row("POST", ADMIN),
    "POST /api/v1/series/{series_id}/exceptions": Row("POST", "nnnnnnnInL"),
    "POST /api/v1/sessions/{session_id}/attendance/finalise": Row("POST", "nnnInnnInL"),
    "POST /api/v1/sessions/{session_id}/breakouts": Row("POST", "nnnInnnInL"),
    "POST /api/v1/sessions/{session_id}/breakouts/broadcast": Row("POST", "nnnnnnnnnL"),
    "POST /api/v1/sessions/{session_id}/breakouts/close": Row("POST", "nnnnnnnnnL"),
    "POST /api/v1/sessions/{session_id}/breakouts/extend": Row("POST", "nnnnnnnnnL"),
    "POST /api/v1/sessions/{session_id}/breakouts/move": Row("POST", "nnnnnnnnnL"),
    "POST /api/v1/sessions/{session_id}/breakouts/open": Row("POST", "nnnnnnnnnL"),
    "POST /api/v1/sessions/{session_id}/co-lead/opt-in": Row("POST", "YYnnnnnnAL"),
    "POST /api/v1/sessions/{session_id}/join": Row("POST", GROUP_A),
    "POST /api/v1/sessions/{session_id}/my-breakout/ask": Row("POST", "nnnnnnnnAL"),
    "POST /api/v1/sessions/{session_id}/prompt": Row("POST", STAFF_OF_A),
    "POST /api/v1/sessions/{session_id}/shares": Row("POST", STAFF_OF_A),
    "POST /api/v1/spaces/{space_id}/resources/file": Row("POST", INPUT_FIRST),
    "POST /api/v1/spaces/{space_id}/resources/link": Row("POST", "IInInnnIAL"),
    "POST /api/v1/spaces/{space_id}/threads": Row("POST", GROUP_A),
    "POST /api/v1/threads/{thread_id}/lock": Row("POST", MODERATORS_OF_A),
    "POST /api/v1/threads/{thread_id}/messages": Row("POST", GROUP_A),
    "PUT /api/v1/alumni/programs/{program_id}/settings": Row("PUT", ADMIN),
    "PUT /api/v1/me/recovery-counter": Row("PUT", INPUT_FIRST),
    "PUT /api/v1/mentors/programs/{program_id}/settings": Row("PUT", ADMIN),
}


# --- the world: one object behind every id the matrix fills in ----------------------


@dataclass
class World:
    ids: dict[str, int]
    callers: dict[str, m.Caller] = field(default_factory=dict)


@pytest.fixture
def world(
    request: pytest.FixtureRequest,
    settings: Any,
    tmp_path: Path,
    program: Program,
    group: TherapyGroup,
    participant: User,
    groupmate: User,
    pending_member: User,
    admin: User,
) -> World:
    """Group A's space with a thread, a message, a report and a file; the
    group's schedule with one session; the participant's enrollment."""
    from commonroom.meetings.models import Session, SharingPrompt
    from commonroom.meetings.scheduling import do_create_series

    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "plan.pdf").write_bytes(b"%PDF-1.7\nplan")
    space = Space.objects.create(
        program=program, scope=SpaceScope.GROUP, group=group, kind=SpaceKind.GENERAL, name="A"
    )
    thread = Thread.objects.create(space=space, title="How was your week?", created_by=participant)
    message, _ = actions.do_post_message(
        space=space, author=participant, body="A hard week", client_id=uuid.uuid4(), thread=thread
    )
    report = Report.objects.create(message=message, reported_by=groupmate, reason="Worried")
    resource = Resource.objects.create(
        space=space,
        posted_by=groupmate,
        title="Plan",
        file="resources/plan.pdf",
        content_type="application/pdf",
        size=13,
    )
    series = do_create_series(
        group=group,
        created_by=admin,
        title="Evening group",
        rule="FREQ=WEEKLY;BYDAY=MO,WE,TH",
        start_date=timezone.localdate(),
        local_start=dt.time(18, 0),
        duration_minutes=180,
    )
    session = Session.objects.filter(series=series).order_by("starts_at").first()
    assert session is not None
    # Live now, so joining, breakouts and help are open to those allowed.
    session.starts_at = timezone.now() - dt.timedelta(minutes=5)
    session.ends_at = session.starts_at + dt.timedelta(hours=3)
    session.save()
    prompt = SharingPrompt.objects.create(program=program, text="What helped this week?")
    ids = {
        "prompt_id": prompt.pk,
        "program_id": program.pk,
        "group_id": group.pk,
        # A move from the group to itself: past the access check, refused as input.
        "from_group_id": group.pk,
        "to_group_id": group.pk,
        "space_id": space.pk,
        "thread_id": thread.pk,
        "message_id": message.pk,
        "report_id": report.pk,
        "resource_id": resource.pk,
        "person_id": participant.pk,
        "user_id": participant.pk,
        "enrollment_id": Enrollment.objects.get(user=participant).pk,
        "series_id": series.pk,
        "session_id": session.pk,
    }
    return World(ids=ids)


def caller_for(request: pytest.FixtureRequest, persona: str) -> m.Caller:
    if persona == "anonymous":
        return m.Caller(Client(), None)
    user: User = request.getfixturevalue(persona)
    _token, raw = do_issue_api_token(user=user, mfa_verified=core_access.is_staff_member(user))
    return m.Caller(signed_in_client(user), raw)


# --- the tests ------------------------------------------------------------------------


def test_every_route_and_operation_has_a_row() -> None:
    """A new page or operation must say whom it refuses (see the top of
    this file); a removed one must lose its row."""
    assert sorted(m.html_routes() ^ ROUTES.keys()) == []
    assert sorted(m.api_operations().keys() ^ OPERATIONS.keys()) == []


def test_every_row_uses_only_known_outcomes() -> None:
    for key, row in {**ROUTES, **OPERATIONS}.items():
        assert (row.expect is None) is (row.tested_in is not None), key
        assert row.expect is None or (
            len(row.expect) == len(PERSONAS) and set(row.expect) <= set(LETTERS)
        ), key


LETTERS = {
    "Y": m.SHOWN,
    "n": m.HIDDEN,
    "A": m.AGREEMENT,
    "L": m.LOGIN,
    "F": m.FORBIDDEN,
    "I": m.INVALID,
}


def _request(caller: m.Caller, key: str, row: Row, ids: dict[str, Any]) -> tuple[str, Any]:
    if key in OPERATIONS:
        path = key.split(" ", 1)[1]
        url = m.fill(path, ids)
        body = m.body_for(m.api_operations()[key], ids) if row.method != "GET" else None
        response = caller.api(row.method, url, body)
    else:
        url = "/" + m.fill(key, ids)
        response = caller.page(row.method, url)
    return m.outcome(response, url), response


# What only the participant and their staff may read of them (conftest's
# participant): no page or answer may show it to anyone else.
PRIVATE_OF_PARTICIPANT = ("Samuel Private", "participant@example.org", "Captions please")
SEES_PARTICIPANTS_PRIVATE = {"participant", "facilitator", "admin"}


def _leaks(persona: str, response: Any) -> list[str]:
    if persona in SEES_PARTICIPANTS_PRIVATE or getattr(response, "streaming", False):
        return []
    text = response.content.decode(errors="replace")
    return [value for value in PRIVATE_OF_PARTICIPANT if value in text]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_is_refused_where_the_matrix_says(
    request: pytest.FixtureRequest, world: World, persona: str
) -> None:
    """One column of the matrix: every page and operation whose ids the
    world builds, as this persona; and whatever it is shown, nothing private
    of the participant unless it is theirs or it is their staff."""
    caller = caller_for(request, persona)
    column = PERSONAS.index(persona)
    wrong = []
    for key, row in {**ROUTES, **OPERATIONS}.items():
        if row.expect is None:
            continue
        expected = LETTERS[row.expect[column]]
        got, response = _request(caller, key, row, world.ids)
        if got != expected:
            wrong.append(f"{key}: expected {expected}, got {got}")
        if leaked := _leaks(persona, response):
            wrong.append(f"{key}: shows the participant's {leaked}")
    assert not wrong, "\n".join(wrong)


def test_anonymous_is_sent_to_sign_in_where_the_world_has_no_object(
    anonymous_client: Client,
) -> None:
    """The rows tested elsewhere: an anonymous visitor is refused before any
    id is looked up (token and secret links answer 404 to a wrong one)."""
    caller = m.Caller(anonymous_client, None)
    ids = _NO_OBJECT
    wrong = []
    for key, row in {**ROUTES, **OPERATIONS}.items():
        if row.expect is not None:
            continue
        got, _response = _request(caller, key, row, ids)
        expected = ANONYMOUS_OPENS.get(key, m.HIDDEN if "<str:" in key else m.LOGIN)
        if got != expected:
            wrong.append(f"{key}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


# Links that work without signing in: a wrong one says so on the page.
ANONYMOUS_OPENS = {"invite/<str:token>/": m.SHOWN}


class _AnyId(dict[str, Any]):
    def __missing__(self, key: str) -> Any:
        return "no-such-link" if key in {"token", "secret", "action", "scope"} else 987654


_NO_OBJECT = _AnyId()
