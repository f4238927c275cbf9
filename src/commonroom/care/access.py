"""Access to programs and invitations."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from commonroom.accounts.models import User
from commonroom.care.models import Invitation, Program
from commonroom.core import access as core_access

SESSION_KEY = "commonroom_invitation_id"


class InvitationUnavailable(Exception):
    """An invitation link that cannot be used, with the reason people are told."""

    MESSAGES = {
        "unknown": _("This invitation link is not valid. Check that you copied all of it."),
        "expired": _("This invitation has expired. Ask your program for a new one."),
        "used": _("This invitation has already been used. Sign in instead."),
        "revoked": _("This invitation was withdrawn. Ask your program for a new one."),
        "missing": _("Sign-up needs an invitation from your program."),
    }

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.reason])


def programs_administered_by(viewer: User | AnonymousUser) -> QuerySet[Program]:
    return Program.objects.filter(pk__in=core_access.administered_program_ids(viewer))


def access_program(
    viewer: User | AnonymousUser, program_id: int, *, for_write: bool = False
) -> Program:
    """Program admins (and site superusers) may see and manage a program."""
    program = programs_administered_by(viewer).filter(pk=program_id).first()
    if program is None:
        raise Http404
    return program


def invitation_from_token(raw: str) -> Invitation:
    """The invitation a link names, or InvitationUnavailable saying why not."""
    from commonroom.care.tokens import invitation_token, parse_invitation_token

    invitation_id = parse_invitation_token(raw)
    invitation = Invitation.objects.filter(pk=invitation_id).first() if invitation_id else None
    if invitation is None or not constant_time_compare(invitation_token(invitation), raw):
        raise InvitationUnavailable("unknown")
    return check_open(invitation)


def check_open(invitation: Invitation) -> Invitation:
    if invitation.accepted_at is not None:
        raise InvitationUnavailable("used")
    if invitation.revoked_at is not None:
        raise InvitationUnavailable("revoked")
    if invitation.expires_at <= timezone.now():
        raise InvitationUnavailable("expired")
    return invitation


def invitation_in_session(request: HttpRequest | None) -> Invitation | None:
    if request is None or not hasattr(request, "session"):
        return None
    invitation_id = request.session.get(SESSION_KEY)
    if not invitation_id:
        return None
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        return None
    try:
        return check_open(invitation)
    except InvitationUnavailable:
        return None


def remember_invitation(request: HttpRequest, invitation: Invitation) -> None:
    request.session[SESSION_KEY] = invitation.pk


def forget_invitation(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
