"""The demo program: realistic synthetic people, nobody real.

Seeding is idempotent: a person, group or role that exists is left as it is,
so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.models import (
    Enrollment,
    GroupKind,
    GroupMembership,
    Phase,
    Program,
    ProgramRole,
    Role,
    TherapyGroup,
)

PROGRAM_SLUG = "evening-adult-iop"
PROCESS_GROUP = "Tuesday & Thursday Evening Process Group"
SKILLS_GROUP = "Monday & Wednesday Skills Group"


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
        "mentor@demo.test",
        "Jo (peer mentor)",
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
)


def staff_emails() -> set[str]:
    return {p.email for p in DEMO_PEOPLE if p.role in {Role.FACILITATOR, Role.PROGRAM_ADMIN}}


@transaction.atomic
def seed() -> Program:
    program, _ = Program.objects.get_or_create(
        slug=PROGRAM_SLUG,
        defaults={"name": "Evening Adult IOP", "time_zone": "America/Chicago"},
    )
    groups = {
        PROCESS_GROUP: TherapyGroup.objects.get_or_create(
            program=program, name=PROCESS_GROUP, defaults={"kind": GroupKind.PROCESS}
        )[0],
        SKILLS_GROUP: TherapyGroup.objects.get_or_create(
            program=program, name=SKILLS_GROUP, defaults={"kind": GroupKind.SKILLS}
        )[0],
    }
    for person in DEMO_PEOPLE:
        _seed_person(program, groups, person)
    return program


def _seed_person(program: Program, groups: dict[str, TherapyGroup], person: DemoPerson) -> None:
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
        Enrollment.objects.get_or_create(
            user=user, program=program, defaults={"phase": person.phase}
        )
    if (
        person.group is not None
        and not GroupMembership.objects.filter(user=user, group=groups[person.group]).exists()
    ):
        GroupMembership.objects.create(
            user=user,
            group=groups[person.group],
            left_at=timezone.now() if person.left_group else None,
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
