"""The demo program: realistic synthetic people, nobody real.

Seeding is idempotent: a person, group or role that exists is left as it is,
so running it twice changes nothing.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commonroom.accounts.models import User

if TYPE_CHECKING:
    from commonroom.meetings.models import Session, SessionSeries
from commonroom.care.models import (
    AgreementAcceptance,
    AgreementVersion,
    CoupleLink,
    CouplePolicy,
    DoNotPair,
    Enrollment,
    GroupKind,
    GroupMembership,
    IntakePreferences,
    LevelOfCare,
    Phase,
    PhaseChange,
    Population,
    Program,
    ProgramRole,
    Role,
    TherapyGroup,
    Track,
)

PROGRAM_SLUG = "evening-adult-iop"
PROCESS_GROUP = "Tuesday & Thursday Evening Process Group"
SKILLS_GROUP = "Monday & Wednesday Skills Group"
AFFINITY_GROUP = "LGBTQ+ Affinity Group"
MORNING_GROUP = "Morning Process Group"

AGREEMENT = """What is said here stays here. We keep each other's names and stories private.
Join from a private space where nobody else can hear, and use headphones if you can.
Camera-off listening is fine. Come as you are.
No recording, screenshots or photos of the group, ever.
One person speaks at a time; we do not interrupt.
We respect share time: everyone who wants to speak gets a turn.
If a rule is broken, the facilitator will talk with you privately first.
Repeated or serious breaks, like sharing someone's story outside the group, can mean leaving it."""


@dataclass(frozen=True)
class DemoPerson:
    email: str
    display_name: str
    legal_name: str
    pronouns: str
    role: str
    phase: str | None = None
    group: str | None = None
    facilitates: str | None = None
    also_in: str | None = None
    language: str = "en"
    time_zone: str = "America/Chicago"
    left_group: bool = False


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("admin@demo.test", "Dana (admin)", "Dana Whitfield", "she/her", Role.PROGRAM_ADMIN),
    DemoPerson(
        "facilitator@demo.test",
        "Marcus, LCSW",
        "Marcus Reyes",
        "he/him",
        Role.FACILITATOR,
        facilitates=PROCESS_GROUP,
    ),
    DemoPerson(
        "facilitator2@demo.test",
        "Priya, LPC",
        "Priya Natarajan",
        "she/her",
        Role.FACILITATOR,
        facilitates=SKILLS_GROUP,
    ),
    DemoPerson(
        "facilitator3@demo.test",
        "Alex, LMFT",
        "Alex Kim",
        "they/them",
        Role.FACILITATOR,
        facilitates=AFFINITY_GROUP,
    ),
    DemoPerson(
        "mentor@demo.test",
        "Jo",
        "Joanna Brooks",
        "she/they",
        Role.PEER_MENTOR,
        phase=Phase.COMPLETED,
    ),
    DemoPerson(
        "participant@demo.test",
        "Sam",
        "Samuel Okafor",
        "he/him",
        Role.PARTICIPANT,
        phase=Phase.ACTIVE,
        group=PROCESS_GROUP,
    ),
    DemoPerson(
        "participant2@demo.test",
        "Lucía",
        "Lucía Fernández",
        "she/her",
        Role.PARTICIPANT,
        phase=Phase.ACTIVE,
        group=PROCESS_GROUP,
        language="es",
        time_zone="America/New_York",
    ),
    DemoPerson(
        "outsider@demo.test",
        "Riley",
        "Riley Chen",
        "they/them",
        Role.PARTICIPANT,
        phase=Phase.ACTIVE,
        group=SKILLS_GROUP,
        time_zone="America/Denver",
    ),
    DemoPerson(
        "alumni@demo.test",
        "Andre",
        "Andre Williams",
        "he/him",
        Role.PARTICIPANT,
        phase=Phase.COMPLETED,
        group=PROCESS_GROUP,
        left_group=True,
    ),
    # The rest of the cohort, so the groups look like groups.
    DemoPerson(
        "kay@demo.test",
        "Kay",
        "Kayla Morgan",
        "she/her",
        Role.PARTICIPANT,
        phase=Phase.ACTIVE,
        group=PROCESS_GROUP,
        also_in=AFFINITY_GROUP,
    ),
    DemoPerson(
        "tomas@demo.test",
        "Tomás",
        "Tomás Herrera",
        "he/him",
        Role.PARTICIPANT,
        phase=Phase.STEP_DOWN,
        group=PROCESS_GROUP,
        language="es",
    ),
    DemoPerson(
        "bea@demo.test",
        "Bea",
        "Beatrice Lang",
        "",
        Role.PARTICIPANT,
        phase=Phase.INTAKE,
        group=PROCESS_GROUP,
    ),
    DemoPerson(
        "noor@demo.test",
        "Noor",
        "Noor Haddad",
        "she/her",
        Role.PARTICIPANT,
        phase=Phase.ACTIVE,
        group=SKILLS_GROUP,
    ),
    DemoPerson(
        "jamal@demo.test",
        "Jamal",
        "Jamal Carter",
        "he/him",
        Role.PARTICIPANT,
        phase=Phase.ACTIVE,
        group=SKILLS_GROUP,
    ),
    DemoPerson(
        "mei@demo.test", "Mei", "Mei Tanaka", "she/her", Role.PARTICIPANT, phase=Phase.DISCHARGED
    ),
    DemoPerson(
        "ren@demo.test",
        "Ren",
        "Ren Alvarez",
        "they/them",
        Role.PARTICIPANT,
        phase=Phase.ACTIVE,
        group=MORNING_GROUP,
        also_in=AFFINITY_GROUP,
        time_zone="America/Los_Angeles",
    ),
    DemoPerson(
        "grace@demo.test",
        "Grace",
        "Grace Osei",
        "she/her",
        Role.PARTICIPANT,
        phase=Phase.STEP_DOWN,
        group=MORNING_GROUP,
    ),
)

# The path each phase took, for a believable history.
PHASE_PATHS: dict[str, list[str]] = {
    Phase.INTAKE: [],
    Phase.ACTIVE: [Phase.ACTIVE],
    Phase.STEP_DOWN: [Phase.ACTIVE, Phase.STEP_DOWN],
    Phase.COMPLETED: [Phase.ACTIVE, Phase.STEP_DOWN, Phase.COMPLETED],
    Phase.DISCHARGED: [Phase.ACTIVE, Phase.DISCHARGED],
}
PHASE_REASONS: dict[str, str] = {
    Phase.ACTIVE: "Intake assessment complete; starting groups.",
    Phase.STEP_DOWN: "Meeting goals; stepping down to fewer sessions.",
    Phase.COMPLETED: "Completed the program.",
    Phase.DISCHARGED: "Transferred to a higher level of care.",
}


def staff_emails() -> set[str]:
    return {p.email for p in DEMO_PEOPLE if p.role in {Role.FACILITATOR, Role.PROGRAM_ADMIN}}


class DemoRefused(Exception):
    """The demo's staff sign in with a published password and TOTP secret:
    seeding them into a production database would hand it to anyone."""


def refuse_in_production() -> None:
    if settings.PRODUCTION:
        raise DemoRefused(
            "The demo is never seeded when COMMONROOM_ENV=production: its staff "
            "accounts use a published password and TOTP secret."
        )


@transaction.atomic
def seed() -> Program:
    refuse_in_production()
    program, _ = Program.objects.get_or_create(
        slug=PROGRAM_SLUG,
        defaults={
            "name": "Evening Adult IOP",
            "time_zone": "America/Chicago",
            "languages_offered": ["en", "es"],
        },
    )
    track, _ = Track.objects.get_or_create(
        program=program,
        name="Adult IOP",
        defaults={
            "level_of_care": LevelOfCare.IOP,
            "population": Population.ADULT,
            "weekly_minimum_hours": 9,
        },
    )
    specs = {
        PROCESS_GROUP: (GroupKind.PROCESS, "FREQ=WEEKLY;BYDAY=TU,TH", time(18, 0)),
        SKILLS_GROUP: (GroupKind.SKILLS, "FREQ=WEEKLY;BYDAY=MO,WE", time(18, 0)),
        MORNING_GROUP: (GroupKind.PROCESS, "FREQ=WEEKLY;BYDAY=MO,WE,FR", time(9, 0)),
        AFFINITY_GROUP: (GroupKind.AFFINITY, "FREQ=WEEKLY;BYDAY=SA", time(11, 0)),
    }
    groups = {
        name: TherapyGroup.objects.get_or_create(
            program=program,
            name=name,
            defaults={
                "kind": kind,
                "track": track,
                "session_pattern": pattern,
                "session_start": start,
                "session_minutes": 90 if kind == GroupKind.AFFINITY else 180,
            },
        )[0]
        for name, (kind, pattern, start) in specs.items()
    }
    for person in DEMO_PEOPLE:
        _seed_person(program, groups, person, track)
    groups[MORNING_GROUP].facilitators.add(_user("facilitator2@demo.test"))
    _seed_relations(program)
    _seed_sessions(groups)
    _seed_spaces(program, groups)
    _seed_affinity(program, groups)
    _seed_alumni(program)
    _seed_buddies(program, groups)
    _seed_mentors(program)
    return program


# (space kind, thread title, [(author, text)]) for the evening group's spaces.
DEMO_THREADS = (
    (
        "general",
        "How are evenings going?",
        [
            (
                "participant2",
                "Evenings are the hardest part for me. I've started walking after dinner.",
            ),
            ("kay", "Same here. Walking helps, and calling someone before 9 pm."),
            (
                "participant",
                "I tried the walk idea yesterday. It made a difference, thank you @Lucía.",
            ),
        ],
    ),
    (
        "goals",
        "My goal this week: three meetings",
        [
            ("tomas", "Goal: three support meetings this week, plus group."),
            ("tomas", "Progress: two done. One left for Saturday."),
            ("participant2", "You've got this!"),
        ],
    ),
)


def _seed_spaces(program: Program, groups: dict[str, TherapyGroup]) -> None:
    """Default spaces for every group and a few conversations in the evening
    group's, written through the same actions people use. Runs once."""
    import uuid

    from commonroom.spaces import actions
    from commonroom.spaces.models import Message, Space
    from commonroom.spaces.provisioning import ensure_default_spaces

    ensure_default_spaces(program)
    group = groups[PROCESS_GROUP]
    if Message.objects.filter(space__group=group).exists():
        return
    for kind, title, posts in DEMO_THREADS:
        space = Space.objects.get(group=group, kind=kind)
        thread = actions.do_create_thread(
            space=space, author=_user(f"{posts[0][0]}@demo.test"), title=title
        )
        for index, (name, text) in enumerate(posts):
            actions.do_post_message(
                space=space,
                author=_user(f"{name}@demo.test"),
                body=text,
                # Fixed ids keep the demo deterministic (and a rerun a no-op).
                client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"demo:{title}:{index}"),
                thread=thread,
            )
    _seed_checkins(program)
    _seed_community(program, group)


GRATEFUL = (
    "my sister's call",
    "a good night's sleep",
    "coffee with a friend",
    "my dog",
    "the group last night",
    "a quiet morning walk",
    "finishing a hard shift",
    "",
)


def _seed_checkins(program: Program) -> None:
    """Three weeks of daily check-ins for four people of the evening group,
    with the gaps real weeks have: a seeded random walk, mostly shared with
    the group, some for facilitators only."""
    import random
    import uuid
    from decimal import Decimal

    from commonroom.spaces.checkins import do_check_in
    from commonroom.spaces.models import Message

    rng = random.Random(20261128)  # noqa: S311 - synthetic demo data, not a secret
    now = timezone.now()
    for email in (
        "participant@demo.test",
        "participant2@demo.test",
        "kay@demo.test",
        "tomas@demo.test",
    ):
        person = _user(email)
        mood, craving = rng.randint(4, 7), rng.randint(2, 6)
        for days_ago in range(21, -1, -1):
            if rng.random() < 0.2:
                continue  # a missed day
            mood = max(1, min(10, mood + rng.choice((-1, 0, 0, 1))))
            craving = max(0, min(10, craving + rng.choice((-1, -1, 0, 1))))
            at = now - timedelta(days=days_ago, hours=rng.randint(0, 3))
            checkin, _created = do_check_in(
                user=person,
                program=program,
                mood=mood,
                craving=craving,
                sleep_hours=Decimal(rng.choice(("5.5", "6", "6.5", "7", "7.5", "8"))),
                grateful_for=rng.choice(GRATEFUL),
                # participant@demo.test has not accepted the group agreement
                # yet (the demo shows that step), so shares with staff only.
                audience="facilitators"
                if email == "participant@demo.test" or rng.random() < 0.25
                else "group",
                client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"demo:checkin:{email}:{days_ago}"),
                now=at,
            )
            if checkin.message_id:
                # Posted "now" by the action; the demo dates it to its day.
                Message.objects.filter(pk=checkin.message_id).update(created_at=at)


# (group, facilitator who ran pairing, the two members, rhythm, share of
# windows each member keeps): Tomás has let several slip lately, so the pair
# shows "repeated misses" on Marcus's list.
DEMO_BUDDIES = (
    (PROCESS_GROUP, "facilitator", ("kay", 0.9), ("tomas", 0.45), "daily"),
    (SKILLS_GROUP, "facilitator2", ("noor", 0.85), ("jamal", 0.8), "every_other_day"),
    (MORNING_GROUP, "facilitator2", ("ren", 0.95), ("grace", 0.9), "daily"),
)
BUDDY_HISTORY_DAYS = 15


def _seed_buddies(program: Program, groups: dict[str, TherapyGroup]) -> None:
    """Three buddy pairs formed two weeks ago through the real pairing run,
    with a seeded history of kept and missed buddy check-ins (and the misses
    the daily check records), and Lucía's open request. Runs once."""
    import random
    import uuid
    from decimal import Decimal

    from commonroom.peers.buddies import actions, pool, rhythm, tasks
    from commonroom.peers.buddies.models import BuddyMiss, BuddyPair, PairingRun, Rhythm
    from commonroom.spaces.checkins import do_check_in, zone_of
    from commonroom.spaces.models import Message, Thread

    if BuddyPair.objects.filter(program=program).exists():
        return
    rng = random.Random(20261206)  # noqa: S311 - synthetic demo data, not a secret
    now = timezone.now()
    formed = (now - timedelta(days=BUDDY_HISTORY_DAYS)).replace(microsecond=0)
    for group_name, staff, first, second, pace in DEMO_BUDDIES:
        for name, _share in (first, second):
            actions.do_set_opt_in(user=_user(f"{name}@demo.test"), program=program, consenting=True)
        group = groups[group_name]
        proposal = pool.propose(program=program, group=group, seed=1)
        run = actions.do_confirm_pairing(
            staff=_user(f"{staff}@demo.test"),
            program=program,
            group=group,
            seed=1,
            fingerprint=proposal.fingerprint,
        )
        PairingRun.objects.filter(pk=run.pk).update(ran_at=formed)
        pair = BuddyPair.objects.get(run=run)
        BuddyPair.objects.filter(pk=pair.pk).update(
            formed_at=formed, rhythm_since=formed, rhythm=pace
        )
        pair.refresh_from_db()
        Thread.objects.filter(space=pair.space).update(created_at=formed)
        for name, share in (first, second):
            person = _user(f"{name}@demo.test")
            zone = zone_of(person)
            membership = pair.memberships.get(user=person)
            windows = rhythm.ended_windows(
                since=formed,
                days=Rhythm(pace).days,
                zone=zone,
                today=now.astimezone(zone).date(),
            )
            for index, window in enumerate(windows):
                # Someone slipping (a share under one half) kept up until the
                # last week and has missed two of every three windows since.
                recent = index >= len(windows) - 7 // Rhythm(pace).days
                if share < 0.5 and recent:
                    keep = index % 3 == 0
                else:
                    keep = rng.random() < max(share, 0.85 if share < 0.5 else 0.0)
                if not keep:
                    continue
                at = datetime.combine(window.end, time(19, rng.randint(0, 59)), zone)
                checkin, _created = do_check_in(
                    user=person,
                    program=program,
                    mood=rng.randint(4, 8),
                    craving=rng.randint(0, 5),
                    sleep_hours=Decimal(rng.choice(("6", "6.5", "7", "7.5", "8"))),
                    grateful_for=rng.choice(GRATEFUL),
                    audience="buddy",
                    client_id=uuid.uuid5(
                        uuid.NAMESPACE_URL, f"demo:buddy:{name}:{window.end.isoformat()}"
                    ),
                    now=at,
                )
                if checkin.message_id:
                    Message.objects.filter(pk=checkin.message_id).update(created_at=at)
            for window in windows:
                miss = tasks.record_miss(membership.pk, window.end)
                if miss is not None:
                    BuddyMiss.objects.filter(pk=miss.pk).update(
                        created_at=datetime.combine(
                            window.end + timedelta(days=1), time(0, 30), zone
                        )
                    )
    actions.do_request_buddy(user=_user("participant2@demo.test"), program=program)


def _seed_community(program: Program, group: TherapyGroup) -> None:
    """Resources, a celebration with reactions, and one open report."""
    import uuid

    from commonroom.spaces import actions, moderation, resources
    from commonroom.spaces.models import Message, Space

    admin = _user("admin@demo.test")
    shelf = Space.objects.get(program=program, scope="program", kind="resources")
    for index, (title, url) in enumerate(
        (
            (
                "SAMHSA National Helpline (free, confidential, 24/7)",
                "https://www.samhsa.gov/find-help/helplines/national-helpline",
            ),
            (
                "Box breathing in four steps",
                "https://www.va.gov/WHOLEHEALTHLIBRARY/tools/box-breathing.asp",
            ),
        )
    ):
        resource, _created = resources.do_share_link(
            space=shelf,
            posted_by=admin,
            title=title,
            url=url,
            client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"demo:resource:{index}"),
        )
        if index == 0:
            resources.do_set_pinned(resource=resource, by=admin, pinned=True)
    party = Space.objects.get(program=program, scope="program", kind="celebrations")
    kay = _user("kay@demo.test")
    thread = actions.do_create_thread(space=party, author=kay, title="30 days today")
    news, _created = actions.do_post_message(
        space=party,
        author=kay,
        body="30 days today. Thank you all for the check-ins on the hard evenings.",
        client_id=uuid.uuid5(uuid.NAMESPACE_URL, "demo:celebration"),
        thread=thread,
    )
    for email, kind in (
        ("participant@demo.test", "clap"),
        ("participant2@demo.test", "heart"),
        ("tomas@demo.test", "strong"),
    ):
        actions.do_toggle_reaction(message=news, user=_user(email), kind=kind)
    general = (
        Message.objects.filter(space__group=group, space__kind="general").order_by("pk").first()
    )
    if general is not None:
        moderation.do_report(
            message=general,
            reporter=_user("tomas@demo.test"),
            reason="Not sure this is okay to share here; can someone check?",
        )


SERIES_TITLES = {
    PROCESS_GROUP: "Evening group",
    SKILLS_GROUP: "Skills workshop",
    MORNING_GROUP: "Morning group",
    AFFINITY_GROUP: "Saturday circle",
}


def _seed_sessions(groups: dict[str, TherapyGroup]) -> None:
    """A schedule for every group and last week's sessions of the evening
    group with attendance, so the roster and weekly hours have something to
    show."""
    from commonroom.meetings.actions import do_record_presence
    from commonroom.meetings.models import Session, SessionSeries
    from commonroom.meetings.scheduling import sync_series

    today = timezone.localdate()
    for name, group in groups.items():
        series = SessionSeries.objects.filter(group=group).first()
        if series is None:
            assert group.session_start is not None
            series = SessionSeries.objects.create(
                group=group,
                title=SERIES_TITLES[name],
                rule=group.session_pattern,
                start_date=today - timedelta(days=28),
                local_start=group.session_start,
                duration_minutes=group.session_minutes,
                slot_label="Morning" if group.session_start.hour < 12 else "Evening",
                curriculum="adult-iop" if group.kind == GroupKind.PROCESS else "",
            )
        sync_series(series)
    evening = SessionSeries.objects.get(group=groups[PROCESS_GROUP])
    if evening.sessions.filter(ends_at__lt=timezone.now()).exists():
        return
    zone = zoneinfo.ZoneInfo("America/Chicago")
    monday = today - timedelta(days=today.weekday() + 7)
    attendees = {
        "participant@demo.test": [(0, 180), (5, 175)],
        "participant2@demo.test": [(12, 168), (0, 180)],
        "kay@demo.test": [(0, 120), (0, 180)],
        "tomas@demo.test": [(0, 180), (0, 180)],
        "bea@demo.test": [(25, 155), (0, 180)],
    }
    past = []
    for offset, day in enumerate((1, 3)):  # last Tuesday and Thursday
        start = datetime.combine(monday + timedelta(days=day), time(18, 0), tzinfo=zone)
        session = Session.objects.create(
            series=evening,
            original_date=monday + timedelta(days=day),
            starts_at=start,
            ends_at=start + timedelta(minutes=180),
        )
        for email, visits in attendees.items():
            late, minutes = visits[offset]
            person = _user(email)
            do_record_presence(
                session=session,
                user=person,
                kind="join",
                source="join_click",
                at=start + timedelta(minutes=late),
            )
            do_record_presence(
                session=session,
                user=person,
                kind="leave",
                source="join_click",
                at=start + timedelta(minutes=late + minutes),
            )
        past.append(session)
    _seed_console_history(evening, past)


# Who shared (and roughly how long) or passed in last week's two sessions.
DEMO_SHARES = (
    (("participant", "medium"), ("participant2", "brief"), ("kay", "long"), ("tomas", "passed")),
    (("participant2", "medium"), ("kay", "medium"), ("bea", "brief"), ("tomas", "brief")),
)
# Last week's breakout rooms: nobody meets the same person twice.
DEMO_ROOMS = (
    (("participant", "kay"), ("participant2", "tomas", "bea")),
    (("participant", "tomas"), ("participant2", "kay", "bea")),
)


def _seed_console_history(evening: SessionSeries, past: list[Session]) -> None:
    """Shares, breakout rooms, prompts and co-leads for last week's sessions,
    and the prompt and co-lead of the next one, as a facilitator would have
    left them. Runs once, with the sessions it decorates."""
    from commonroom.meetings import console
    from commonroom.meetings.models import (
        BreakoutRoom,
        BreakoutRound,
        CoLeadOptIn,
        RoundStatus,
        SessionPlan,
        ShareLog,
        SharingPrompt,
    )

    facilitator = _user("facilitator@demo.test")
    console.sync_starter_library()
    library = {p.key: p for p in SharingPrompt.objects.filter(program__isnull=True)}
    for key in ("grateful-this-week", "kindness-received"):
        assert key in library, key
    # They opted in three weeks ago, in this order, before last week's turns.
    for place, email in enumerate(
        ("participant2@demo.test", "kay@demo.test", "participant@demo.test")
    ):
        CoLeadOptIn.objects.get_or_create(
            group=evening.group,
            user=_user(email),
            defaults={"opted_in_at": timezone.now() - timedelta(days=21, minutes=-place)},
        )
    for index, session in enumerate(past):
        for step, (name, length) in enumerate(DEMO_SHARES[index]):
            ShareLog.objects.create(
                session=session,
                user=_user(f"{name}@demo.test"),
                logged_by=facilitator,
                at=session.starts_at + timedelta(minutes=20 + 12 * step),
                kind="passed" if length == "passed" else "shared",
                length="" if length == "passed" else length,
            )
        opened = session.starts_at + timedelta(minutes=90)
        breakout = BreakoutRound.objects.create(
            session=session,
            status=RoundStatus.CLOSED,
            duration_minutes=15,
            created_by=facilitator,
            created_at=opened,
            opened_at=opened,
            ends_at=opened + timedelta(minutes=15),
        )
        for number, names in enumerate(DEMO_ROOMS[index], start=1):
            room = BreakoutRoom.objects.create(round=breakout, number=number)
            room.members.set([_user(f"{n}@demo.test") for n in names])
        SessionPlan.objects.create(
            session=session,
            prompt=library[("grateful-this-week", "kindness-received")[index]],
            co_lead=_user(("participant2@demo.test", "kay@demo.test")[index]),
        )
    upcoming = evening.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    if upcoming is not None:
        suggestion = console.prompt_suggestions(upcoming, facilitator)
        if suggestion:
            console.do_choose_prompt(
                session=upcoming, prompt=suggestion[0][0], chosen_by=facilitator
            )
        console.do_assign_co_lead(session=upcoming)


# (email, note, declined with) requests to join the affinity group.
DEMO_AFFINITY_REQUESTS = (
    ("tomas@demo.test", "I would like somewhere to talk about coming out to my family.", None),
    ("bea@demo.test", "", None),
    (
        "jamal@demo.test",
        "",
        "This group is for LGBTQ+ people. The men's group starts next month; "
        "I have told its facilitator you may ask.",
    ),
)


def _seed_affinity(program: Program, groups: dict[str, TherapyGroup]) -> None:
    """The LGBTQ+ entry of the catalogue runs the demo's affinity group; two
    requests wait in its facilitator's queue and one was declined kindly.
    Requests are made once, through the same actions people use."""
    from commonroom.peers.affinity.actions import do_ask_to_join, do_decide_join_request
    from commonroom.peers.affinity.catalogue import install_default_catalogue
    from commonroom.peers.affinity.models import AffinityGroup, JoinRequest

    install_default_catalogue(program)
    entry = AffinityGroup.objects.get(program=program, key="lgbtq")
    if entry.group_id is None:
        entry.group = groups[AFFINITY_GROUP]
        entry.description = (
            "A weekly space for lesbian, gay, bisexual, transgender, queer and "
            "questioning people in recovery: coming out, family, dating and "
            "community, without having to explain yourself first."
        )
        entry.save(update_fields=["group", "description", "updated_at"])
    lead = _user("facilitator3@demo.test")
    for email, note, declined_with in DEMO_AFFINITY_REQUESTS:
        person = _user(email)
        if JoinRequest.objects.filter(affinity=entry, person=person).exists():
            continue
        join_request = do_ask_to_join(person=person, affinity=entry, note=note)
        if declined_with is not None:
            do_decide_join_request(
                join_request=join_request, decided_by=lead, approve=False, message=declined_with
            )


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _seed_mentors(program: Program) -> None:
    """Two active mentors (Jo and Andre) with mentees, matched by the real
    matching; Grace, in step-down, partway through training; one open concern
    from Jo. Written through the actions people use. Runs once."""
    import uuid

    from commonroom.peers.mentors import actions
    from commonroom.peers.mentors import pool as mentor_pool
    from commonroom.peers.mentors.models import MentorProfile, TrainingTopic
    from commonroom.spaces import actions as space_actions

    if MentorProfile.objects.filter(program=program).exists():
        return
    admin = _user("admin@demo.test")
    evenings = [{"day": d, "start": "18:00", "end": "21:00"} for d in (0, 2, 4)]
    weekends = [{"day": d, "start": "10:00", "end": "14:00"} for d in (5, 6)]
    for email, prefs in (
        ("mentor@demo.test", {"languages": ["en", "es"], "availability": evenings + weekends}),
        ("alumni@demo.test", {"languages": ["en"], "availability": evenings}),
        ("kay@demo.test", {"languages": ["en"], "availability": weekends}),
        ("ren@demo.test", {"languages": ["en"], "availability": evenings}),
    ):
        IntakePreferences.objects.get_or_create(user=_user(email), defaults=prefs)
    actions.do_set_mentor_settings(program=program, step_down_may_apply=True, changed_by=admin)
    trained_on = timezone.localdate() - timedelta(days=30)
    mentors = {
        "mentor@demo.test": {
            "languages": ["en", "es"],
            "gender": "woman",
            "faith": "secular",
            "lived_experience": ["alcohol", "anxiety", "parenting"],
            "max_mentees": 2,
        },
        "alumni@demo.test": {
            "languages": ["en"],
            "gender": "man",
            "faith": "spiritual",
            "lived_experience": ["opioids", "mat", "work"],
            "max_mentees": 2,
        },
        "grace@demo.test": {"languages": ["en"], "gender": "woman", "max_mentees": 1},
    }
    for email, details in mentors.items():
        person = _user(email)
        profile = actions.do_apply_to_mentor(
            user=person,
            program=program,
            motivation="Someone walked with me; I would like to do the same.",
            details=details,
        )
        actions.do_start_training(profile=profile, by=admin)
        topics = TrainingTopic.values if email != "grace@demo.test" else TrainingTopic.values[:2]
        for topic in topics:
            actions.do_record_training(
                profile=profile, topic=topic, completed_on=trained_on, recorded_by=person
            )
            actions.do_confirm_training(profile=profile, topic=topic, confirmed_by=admin)
        if email == "grace@demo.test":
            continue  # still in training
        actions.do_sign_boundaries(profile=profile, user=person, version=1)
        actions.do_activate_mentor(profile=profile, by=admin)
    wanted = {
        "participant2@demo.test": ["anxiety"],
        "participant@demo.test": ["work"],
        "kay@demo.test": ["alcohol"],
        "ren@demo.test": [],
    }
    for email, tags in wanted.items():
        actions.do_request_mentor(
            mentee=_user(email), program=program, lived_experience_wanted=tags
        )
    fingerprint = mentor_pool.build_pool(program).fingerprint
    created = actions.do_confirm_matching(program=program, fingerprint=fingerprint, by=admin)
    for mentorship in created:
        thread = space_actions.do_create_thread(
            space=mentorship.space, author=mentorship.mentor, title="Getting to know each other"
        )
        for index, (author, text) in enumerate(
            (
                (mentorship.mentor, "Hi! I'm glad we're matched. When is a good time to talk?"),
                (
                    mentorship.mentee,
                    "Hi, thank you. Evenings are hard for me; weekends are easier.",
                ),
            )
        ):
            space_actions.do_post_message(
                space=mentorship.space,
                author=author,
                body=text,
                client_id=uuid.uuid5(
                    uuid.NAMESPACE_URL, f"demo:mentorship:{mentorship.mentee_id}:{index}"
                ),
                thread=thread,
            )
    jo = _user("mentor@demo.test")
    first = next((m for m in created if m.mentor_id == jo.pk), None)
    if first is not None:
        actions.do_raise_concern(
            mentorship=first,
            kind="wellbeing",
            note="Said they have barely slept this week and sounded very low.",
            by=jo,
        )


def _seed_relations(program: Program) -> None:
    admin = _user("admin@demo.test")
    kay, jamal = _user("kay@demo.test"), _user("jamal@demo.test")
    a, b = sorted([kay, jamal], key=lambda u: u.pk)
    CoupleLink.objects.get_or_create(
        program=program,
        person_a=a,
        person_b=b,
        defaults={"policy": CouplePolicy.APART, "linked_by": admin},
    )
    noor, tomas = _user("noor@demo.test"), _user("tomas@demo.test")
    a, b = sorted([noor, tomas], key=lambda u: u.pk)
    DoNotPair.objects.get_or_create(
        program=program,
        person_a=a,
        person_b=b,
        defaults={"reason": "Outside relationship: they are neighbours.", "recorded_by": admin},
    )
    agreement, _ = AgreementVersion.objects.get_or_create(
        program=program, version=1, defaults={"body": AGREEMENT, "published_by": admin}
    )
    # Everyone but participant@demo.test has accepted, so the demo shows the
    # agreement step once.
    for email in (
        "participant2@demo.test",
        "outsider@demo.test",
        "kay@demo.test",
        "tomas@demo.test",
        "noor@demo.test",
        "jamal@demo.test",
        "ren@demo.test",
        "grace@demo.test",
        "mentor@demo.test",
        "alumni@demo.test",
        "bea@demo.test",
    ):
        AgreementAcceptance.objects.get_or_create(agreement=agreement, user=_user(email))
    IntakePreferences.objects.get_or_create(
        user=_user("participant@demo.test"),
        defaults={
            "languages": ["en"],
            "availability": [
                {"day": 1, "start": "18:00", "end": "21:00"},
                {"day": 3, "start": "18:00", "end": "21:00"},
            ],
            "camera_comfort": "sometimes",
        },
    )
    IntakePreferences.objects.get_or_create(
        user=_user("participant2@demo.test"),
        defaults={
            "languages": ["es", "en"],
            "camera_comfort": "off",
            "mentor_gender_preference": "woman",
        },
    )


def _seed_person(
    program: Program, groups: dict[str, TherapyGroup], person: DemoPerson, track: Track
) -> None:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User.objects.create_user(
            person.email,
            settings.DEMO_PASSWORD,
            display_name=person.display_name,
            legal_name=person.legal_name,
            pronouns=person.pronouns,
            preferred_language=person.language,
            time_zone=person.time_zone,
        )
    EmailAddress.objects.get_or_create(
        user=user, email=person.email, defaults={"verified": True, "primary": True}
    )
    ProgramRole.objects.get_or_create(user=user, program=program, role=person.role)
    if (
        person.role in {Role.FACILITATOR, Role.PROGRAM_ADMIN}
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        TOTP.activate(user, settings.DEMO_TOTP_SECRET)
    if person.phase is not None:
        enrollment, created = Enrollment.objects.get_or_create(
            user=user, program=program, defaults={"phase": person.phase, "track": track}
        )
        if created:
            previous: str = Phase.INTAKE
            for step in PHASE_PATHS[person.phase]:
                PhaseChange.objects.create(
                    enrollment=enrollment,
                    from_phase=previous,
                    to_phase=step,
                    reason=PHASE_REASONS[step],
                    changed_by=User.objects.filter(email="facilitator@demo.test").first(),
                )
                previous = step
    if (
        person.group is not None
        and not GroupMembership.objects.filter(user=user, group=groups[person.group]).exists()
    ):
        GroupMembership.objects.create(
            user=user,
            group=groups[person.group],
            joined_at=timezone.now() - timedelta(days=35),
            left_at=timezone.now() if person.left_group else None,
        )
    if (
        person.also_in is not None
        and not GroupMembership.objects.filter(user=user, group=groups[person.also_in]).exists()
    ):
        GroupMembership.objects.create(
            user=user, group=groups[person.also_in], joined_at=timezone.now() - timedelta(days=35)
        )
    if person.facilitates is not None:
        groups[person.facilitates].facilitators.add(user)


def accounts_table() -> str:
    lines = [f"Demo accounts (password: {settings.DEMO_PASSWORD})"]
    for email, label in (
        ("admin@demo.test", "program admin (TOTP)"),
        ("facilitator@demo.test", "facilitator (TOTP)"),
        ("mentor@demo.test", "peer mentor"),
        ("participant@demo.test", "participant"),
        ("participant2@demo.test", "participant, same group"),
        ("outsider@demo.test", "participant, another group"),
        ("alumni@demo.test", "alumnus"),
    ):
        lines.append(f"  {email:<26} {label}")
    lines.append(f"Staff TOTP secret: {settings.DEMO_TOTP_SECRET} (add it to an authenticator app)")
    return "\n".join(lines)


def _seed_alumni(program: Program) -> None:
    """A monthly alumni reunion next week with RSVPs, an alumni-led workshop
    for the whole program, and two volunteer opportunities with sign-ups,
    written through the same actions people use. Runs once: dates are
    relative to the day it runs, in the program's zone."""
    from commonroom.gatherings import actions as gatherings
    from commonroom.gatherings.models import Gathering
    from commonroom.peers.alumni import actions as alumni

    if Gathering.objects.filter(program=program).exists():
        return
    base_url = "http://127.0.0.1:8000/"
    admin, andre, jo = (
        _user("admin@demo.test"),
        _user("alumni@demo.test"),
        _user("mentor@demo.test"),
    )
    zone = zoneinfo.ZoneInfo(program.time_zone)
    reunion_day = timezone.localtime(timezone.now(), zone).date() + timedelta(days=7)
    ordinal = (reunion_day.day - 1) // 7 + 1
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[reunion_day.weekday()]
    reunion = gatherings.do_create_gathering(
        program=program,
        created_by=admin,
        fields={
            "title": "Monthly alumni reunion",
            "description": "An hour to catch up, celebrate milestones and welcome new alumni.",
            "kind": "reunion",
            "audience": "alumni",
            "host_id": admin.pk,
            "starts_at": datetime.combine(reunion_day, time(19, 0)),
            "recurrence": f"FREQ=MONTHLY;BYDAY={-1 if ordinal == 5 else ordinal}{weekday}",
            "duration_minutes": 60,
            "join_url": "https://meet.example.org/alumni-reunion",
        },
    )
    workshop_day = reunion_day + timedelta(days=3)
    workshop = gatherings.do_create_gathering(
        program=program,
        created_by=admin,
        fields={
            "title": "Life after IOP: an alumni-led workshop",
            "description": "Andre shares what helped in the first months after the program.",
            "kind": "workshop",
            "audience": "program",
            "host_id": andre.pk,
            "starts_at": datetime.combine(workshop_day, time(18, 30)),
            "duration_minutes": 75,
            "capacity": 12,
            "place": "Online",
        },
    )
    for gathering, person, answer in (
        (reunion, andre, "going"),
        (reunion, jo, "going"),
        (reunion, _user("facilitator@demo.test"), "maybe"),
        (workshop, _user("participant2@demo.test"), "going"),
        (workshop, jo, "maybe"),
    ):
        gatherings.do_rsvp(
            gathering=gathering,
            user=person,
            occurrence_date=gathering.starts_at.astimezone(zone).date(),
            response=answer,
            base_url=base_url,
        )
    panel = alumni.do_create_opportunity(
        program=program,
        created_by=admin,
        fields={
            "kind": "panel",
            "title": "Speak on the family-night panel",
            "description": "Three alumni share what recovery looks like at home.",
            "when": datetime.combine(reunion_day + timedelta(days=14), time(18, 0)),
            "spots": 3,
        },
    )
    mentoring = alumni.do_create_opportunity(
        program=program,
        created_by=admin,
        fields={
            "kind": "mentoring",
            "title": "Peer mentor for the next cohort",
            "description": "Training first; then an hour a week with one or two mentees.",
            "spots": 4,
        },
    )
    alumni.do_confirm_signup(
        signup=alumni.do_sign_up(opportunity=panel, user=andre), confirmed_by=admin
    )
    alumni.do_sign_up(opportunity=mentoring, user=jo)
