"""Every state change of the care app."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.access import InvitationUnavailable, check_open
from commonroom.care.models import Enrollment, Invitation, Phase, Program, ProgramRole, Role
from commonroom.care.tasks import send_invitation_email
from commonroom.core.audit import AuditAction, record
from commonroom.core.tasks import enqueue_with_change
from commonroom.core.validation import refuse


def do_invite_person(
    *,
    program: Program,
    email: str,
    role: str,
    language: str,
    invited_by: User,
    base_url: str,
) -> Invitation:
    email = email.strip().lower()
    if role not in Role.values:
        raise refuse("role", _("Choose one of the listed roles."), "invalid_role")
    # The language the invitation email is written in, and the new account's.
    if language not in dict(settings.LANGUAGES):
        raise refuse("language", _("Choose one of the listed languages."), "invalid_language")
    if ProgramRole.objects.filter(program=program, user__email__iexact=email).exists():
        raise refuse("email", _("This person already belongs to this program."), "already_member")
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                program=program,
                email=email,
                role=role,
                language=language,
                nonce=secrets.token_hex(16),
                invited_by=invited_by,
                created_at=now,
                expires_at=now + timedelta(days=settings.INVITATION_DAYS),
            )
            record(
                actor=invited_by,
                action=AuditAction.INVITATION_CREATE,
                target=invitation,
                detail={"role": role},
            )
            enqueue_with_change(send_invitation_email, invitation.pk, base_url)
    except IntegrityError as exc:
        raise refuse(
            "email",
            _("An invitation to this address is already open. Withdraw it first."),
            "already_invited",
        ) from exc
    return invitation


def do_revoke_invitation(*, invitation: Invitation, revoked_by: User) -> None:
    with transaction.atomic():
        updated = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if not updated:
            raise ValidationError(_("This invitation was already used or withdrawn."))
        record(actor=revoked_by, action=AuditAction.INVITATION_REVOKE, target=invitation)


def do_accept_invitation(*, invitation_id: int, user: User) -> ProgramRole:
    """Marks the invitation used and gives the person their role. The
    conditional UPDATE is what stops two tabs (or a replayed form) from using
    one invitation twice: only one of them changes the row."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        check_open(invitation)
        if invitation.email.lower() != user.email.lower():
            raise InvitationUnavailable("unknown")
        updated = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now(), accepted_by=user
        )
        if not updated:
            raise InvitationUnavailable("used")
        role, _created = ProgramRole.objects.get_or_create(
            user=user, program=invitation.program, role=invitation.role
        )
        if invitation.role == Role.PARTICIPANT:
            Enrollment.objects.get_or_create(
                user=user, program=invitation.program, defaults={"phase": Phase.INTAKE}
            )
        record(actor=user, action=AuditAction.INVITATION_ACCEPT, target=invitation, subject=user)
    return role
