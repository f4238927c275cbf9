"""Every state change of the alumni network: its access policy, volunteer
opportunities and sign-ups. Transactional and audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.models import Program
from commonroom.core.audit import AuditAction, record
from commonroom.core.validation import refuse
from commonroom.gatherings.fields import choice_field, optional_int, text_field
from commonroom.meetings import schedule
from commonroom.peers.alumni import queries
from commonroom.peers.alumni.models import (
    DESCRIPTION_MAX_CHARS,
    HOLDING,
    MAX_ACCESS_MONTHS,
    MAX_SPOTS,
    TITLE_MAX_CHARS,
    AlumniNetworkSettings,
    SignupStatus,
    VolunteerKind,
    VolunteerOpportunity,
    VolunteerSignup,
)


def do_set_alumni_access(
    *, program: Program, months: object, updated_by: User
) -> AlumniNetworkSettings:
    value = optional_int(months, "alumni_access_months", 0, MAX_ACCESS_MONTHS)
    if value is None:
        raise refuse("alumni_access_months", _("This field is required."), "required")
    with transaction.atomic():
        row, _created = AlumniNetworkSettings.objects.update_or_create(
            program=program,
            defaults={
                "alumni_access_months": value,
                "updated_by": updated_by,
                "updated_at": timezone.now(),
            },
        )
        record(
            actor=updated_by,
            action=AuditAction.ALUMNI_SETTINGS,
            target=row,
            detail={"alumni_access_months": value},
        )
    return row


def _when(value: object, program: Program, *, now: datetime) -> datetime | None:
    if value is None or value == "":
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value).strip())
    if parsed is None:
        raise refuse("when", _("Enter a date and time, e.g. 2026-12-03 19:00."))
    if parsed.tzinfo is None:
        parsed = schedule.to_utc(parsed, schedule.zone_from_name(str(program.time_zone)))
    if parsed <= now:
        raise refuse("when", _("Choose a time in the future."), "in_the_past")
    return parsed


def do_create_opportunity(
    *, program: Program, created_by: User, fields: Mapping[str, object]
) -> VolunteerOpportunity:
    """Staff of the program post an opportunity (the caller checked)."""
    now = timezone.now()
    cleaned = {
        "kind": choice_field(fields.get("kind"), "kind", VolunteerKind),
        "title": text_field(fields.get("title"), "title", TITLE_MAX_CHARS, required=True),
        "description": text_field(fields.get("description"), "description", DESCRIPTION_MAX_CHARS),
        "when": _when(fields.get("when"), program, now=now),
        "spots": optional_int(fields.get("spots"), "spots", 1, MAX_SPOTS),
    }
    if cleaned["spots"] is None:
        raise refuse("spots", _("This field is required."), "required")
    with transaction.atomic():
        opportunity = VolunteerOpportunity.objects.create(
            program=program, created_by=created_by, **cleaned
        )
        record(
            actor=created_by,
            action=AuditAction.VOLUNTEER_CREATE,
            target=opportunity,
            detail={"kind": opportunity.kind, "spots": opportunity.spots},
        )
    return opportunity


def _check_open(opportunity: VolunteerOpportunity, now: datetime) -> None:
    if opportunity.closed_at is not None:
        raise refuse(None, _("This opportunity is closed."), "closed")
    if opportunity.when is not None and opportunity.when <= now:
        raise refuse(None, _("This opportunity has already taken place."), "in_the_past")


def do_sign_up(*, opportunity: VolunteerOpportunity, user: User) -> VolunteerSignup:
    """Signs up, or signs up again after withdrawing (the same row). Refused
    when every spot is taken."""
    now = timezone.now()
    _check_open(opportunity, now)
    with transaction.atomic():
        # The opportunity's row lock serialises sign-ups, so two people
        # cannot both take the last spot.
        # Counted afresh on the locked row, never from a list's annotation.
        locked = VolunteerOpportunity.objects.select_for_update().get(pk=opportunity.pk)
        signup = VolunteerSignup.objects.filter(opportunity=opportunity, user=user).first()
        if signup is not None and signup.status in HOLDING:
            return signup
        if queries.spots_left(locked) == 0:
            raise refuse(None, _("Every spot is taken."), "full")
        if signup is None:
            signup = VolunteerSignup.objects.create(
                opportunity=opportunity, user=user, status=SignupStatus.SIGNED_UP
            )
        else:
            signup.status = SignupStatus.SIGNED_UP
            signup.confirmed_by = None
            signup.updated_at = now
            signup.save(update_fields=["status", "confirmed_by", "updated_at"])
        record(actor=user, action=AuditAction.VOLUNTEER_SIGN_UP, target=signup, subject=user)
    return signup


def do_withdraw(*, opportunity: VolunteerOpportunity, user: User) -> VolunteerSignup:
    with transaction.atomic():
        signup = (
            VolunteerSignup.objects.select_for_update()
            .filter(opportunity=opportunity, user=user)
            .first()
        )
        if signup is None:
            raise refuse(None, _("You have not signed up for this."), "not_signed_up")
        if signup.status != SignupStatus.WITHDRAWN:
            signup.status = SignupStatus.WITHDRAWN
            signup.confirmed_by = None
            signup.updated_at = timezone.now()
            signup.save(update_fields=["status", "confirmed_by", "updated_at"])
            record(actor=user, action=AuditAction.VOLUNTEER_WITHDRAW, target=signup, subject=user)
    return signup


def do_confirm_signup(*, signup: VolunteerSignup, confirmed_by: User) -> VolunteerSignup:
    with transaction.atomic():
        locked = VolunteerSignup.objects.select_for_update().get(pk=signup.pk)
        if locked.status == SignupStatus.WITHDRAWN:
            raise refuse(None, _("This person withdrew."), "withdrawn")
        if locked.status != SignupStatus.CONFIRMED:
            locked.status = SignupStatus.CONFIRMED
            locked.confirmed_by = confirmed_by
            locked.updated_at = timezone.now()
            locked.save(update_fields=["status", "confirmed_by", "updated_at"])
            record(
                actor=confirmed_by,
                action=AuditAction.VOLUNTEER_CONFIRM,
                target=locked,
                subject=locked.user,
            )
    return locked


def do_close_opportunity(
    *, opportunity: VolunteerOpportunity, closed_by: User
) -> VolunteerOpportunity:
    """No more sign-ups; those who signed up keep their place."""
    with transaction.atomic():
        locked = VolunteerOpportunity.objects.select_for_update().get(pk=opportunity.pk)
        if locked.closed_at is None:
            locked.closed_at = timezone.now()
            locked.save(update_fields=["closed_at", "updated_at"])
            record(actor=closed_by, action=AuditAction.VOLUNTEER_CLOSE, target=locked)
    return locked
