"""Couples in treatment and the do-not-pair list."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.models import (
    CoupleLink,
    CouplePolicy,
    DoNotPair,
    Enrollment,
    Program,
    ProgramRole,
)
from commonroom.core.audit import AuditAction, record
from commonroom.core.validation import refuse


def _ordered(first_id: int, second_id: int, field: str) -> tuple[int, int]:
    if first_id == second_id:
        raise refuse(field, _("Choose two different people."), "same_person")
    return (first_id, second_id) if first_id < second_id else (second_id, first_id)


def do_link_couple(
    *, program: Program, first_id: int, second_id: int, policy: str, linked_by: User
) -> CoupleLink:
    """Links two enrolled participants as partners. A person is in at most
    one couple per program."""
    if policy not in CouplePolicy.values:
        raise refuse("policy", _("Choose together or apart."), "invalid")
    a, b = _ordered(first_id, second_id, "second")
    enrolled = set(
        Enrollment.objects.filter(program=program, user_id__in=[a, b]).values_list(
            "user_id", flat=True
        )
    )
    if enrolled != {a, b}:
        raise refuse("second", _("Both partners must be enrolled in this program."), "not_enrolled")
    taken = CoupleLink.objects.filter(program=program).filter(
        Q(person_a_id__in=[a, b]) | Q(person_b_id__in=[a, b])
    )
    if taken.exists():
        raise refuse(
            "second", _("One of these people is already linked to a partner."), "already_linked"
        )
    try:
        with transaction.atomic():
            couple = CoupleLink.objects.create(
                program=program, person_a_id=a, person_b_id=b, policy=policy, linked_by=linked_by
            )
            for person_id in (a, b):
                record(
                    actor=linked_by,
                    action=AuditAction.COUPLE_LINK,
                    target=couple,
                    subject=User.objects.get(pk=person_id),
                    detail={"policy": policy},
                )
    except IntegrityError as exc:
        raise refuse("second", _("These two are already linked."), "invalid") from exc
    return couple


def do_set_couple_policy(*, couple: CoupleLink, policy: str, changed_by: User) -> CoupleLink:
    if policy not in CouplePolicy.values:
        raise refuse("policy", _("Choose together or apart."), "invalid")
    with transaction.atomic():
        couple.policy = policy
        couple.save(update_fields=["policy", "updated_at"])
        for person_id in (couple.person_a_id, couple.person_b_id):
            record(
                actor=changed_by,
                action=AuditAction.COUPLE_POLICY,
                target=couple,
                subject=User.objects.get(pk=person_id),
                detail={"policy": policy},
            )
    return couple


def do_unlink_couple(*, couple: CoupleLink, unlinked_by: User) -> None:
    with transaction.atomic():
        for person_id in (couple.person_a_id, couple.person_b_id):
            record(
                actor=unlinked_by,
                action=AuditAction.COUPLE_UNLINK,
                target=couple,
                subject=User.objects.get(pk=person_id),
            )
        couple.delete()


def do_add_do_not_pair(
    *, program: Program, first_id: int, second_id: int, reason: str, recorded_by: User
) -> DoNotPair:
    reason = reason.strip()
    if not reason:
        raise refuse("reason", _("Record the reason; only staff will see it."), "required")
    a, b = _ordered(first_id, second_id, "second")
    members = set(
        ProgramRole.objects.filter(program=program, user_id__in=[a, b]).values_list(
            "user_id", flat=True
        )
    )
    if members != {a, b}:
        raise refuse("second", _("Both people must belong to this program."), "not_in_program")
    try:
        with transaction.atomic():
            entry = DoNotPair.objects.create(
                program=program,
                person_a_id=a,
                person_b_id=b,
                reason=reason,
                recorded_by=recorded_by,
            )
            for person_id in (a, b):
                record(
                    actor=recorded_by,
                    action=AuditAction.DO_NOT_PAIR_ADD,
                    target=entry,
                    subject=User.objects.get(pk=person_id),
                )
    except IntegrityError as exc:
        raise refuse(
            "second", _("These two are already on the do-not-pair list."), "already_listed"
        ) from exc
    return entry


def do_remove_do_not_pair(*, entry: DoNotPair, removed_by: User) -> None:
    with transaction.atomic():
        for person_id in (entry.person_a_id, entry.person_b_id):
            record(
                actor=removed_by,
                action=AuditAction.DO_NOT_PAIR_REMOVE,
                target=entry,
                subject=User.objects.get(pk=person_id),
            )
        entry.delete()
