"""factory_boy factories for the domain."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP

from commonroom.accounts.models import User
from commonroom.care.models import (
    Enrollment,
    GroupMembership,
    Phase,
    Program,
    ProgramRole,
    Role,
    TherapyGroup,
)

PASSWORD = "a-long-test-password"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Peer {n}")
    legal_name = factory.Sequence(lambda n: f"Legal Name {n}")
    pronouns = "they/them"
    time_zone = "America/Chicago"

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: object) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")


class TherapyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TherapyGroup

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Group {n}")


def add_role(user: User, program: Program, role: str) -> ProgramRole:
    return ProgramRole.objects.get_or_create(user=user, program=program, role=role)[0]


def enroll(user: User, program: Program, phase: str = Phase.ACTIVE) -> Enrollment:
    add_role(user, program, Role.PARTICIPANT)
    return Enrollment.objects.update_or_create(
        user=user, program=program, defaults={"phase": phase}
    )[0]


def join(user: User, group: TherapyGroup) -> GroupMembership:
    return GroupMembership.objects.create(user=user, group=group)


def enable_totp(user: User, secret: str = TOTP_SECRET) -> None:
    TOTP.activate(user, secret)
