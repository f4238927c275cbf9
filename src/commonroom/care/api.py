"""Program administration over the API: invitations."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router

from commonroom.accounts.models import User
from commonroom.api.errors import ApiError
from commonroom.care import access as care_access
from commonroom.care.actions import do_invite_person, do_revoke_invitation
from commonroom.care.models import Invitation, Program
from commonroom.care.schemas import InvitationIn, InvitationOut, ProgramOut

router = Router(tags=["programs"])


@router.get("/programs/administered", response=list[ProgramOut], summary="Programs the caller runs")
def administered_programs(request: HttpRequest) -> list[Program]:
    return list(care_access.programs_administered_by(request.user).order_by("name"))


@router.get("/programs/{program_id}/invitations", response=list[InvitationOut])
def list_invitations(request: HttpRequest, program_id: int) -> list[Invitation]:
    program = care_access.access_program(request.user, program_id)
    return list(program.invitations.order_by("-created_at")[:500])


@router.post("/programs/{program_id}/invitations", response={201: InvitationOut})
def create_invitation(
    request: HttpRequest, program_id: int, payload: InvitationIn
) -> tuple[int, Invitation]:
    program = care_access.access_program(request.user, program_id, for_write=True)
    assert isinstance(request.user, User)
    if payload.language not in dict(settings.LANGUAGES):
        raise ApiError(422, "invalid", "Choose en or es.", "language")
    invitation = do_invite_person(
        program=program,
        email=str(payload.email),
        role=payload.role,
        language=payload.language,
        invited_by=request.user,
        base_url=request.build_absolute_uri("/"),
    )
    return 201, invitation


@router.delete("/programs/{program_id}/invitations/{invitation_id}", response={204: None})
def revoke_invitation(request: HttpRequest, program_id: int, invitation_id: int) -> HttpResponse:
    program = care_access.access_program(request.user, program_id, for_write=True)
    invitation = program.invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    assert isinstance(request.user, User)
    do_revoke_invitation(invitation=invitation, revoked_by=request.user)
    return HttpResponse(status=204)
