"""The alumni network over the API: parity with the pages, through
peers/alumni/access.py and peers/alumni/actions.py."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from commonroom.accounts.models import User
from commonroom.api.pagination import paged
from commonroom.care.models import Program
from commonroom.core.validation import refuse
from commonroom.gatherings.api import gathering_out
from commonroom.peers.alumni import access, actions, queries
from commonroom.peers.alumni.models import VolunteerOpportunity, VolunteerSignup
from commonroom.peers.alumni.schemas import (
    AlumniSettingsIn,
    AlumniSettingsOut,
    OpportunityIn,
    OpportunityOut,
    ProgramNetworkOut,
    SignupOut,
    StaffSignupOut,
)
from commonroom.peers.alumni.views import access_ends_for, open_opportunities, program_section
from commonroom.spaces.checkins import zone_of

router = Router(tags=["alumni network"])


def _viewer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _opportunity(
    opportunity: VolunteerOpportunity, viewer: User, *, spots_left: int, my_status: str | None
) -> dict[str, Any]:
    when = opportunity.when
    return {
        "id": opportunity.pk,
        "program_id": opportunity.program_id,
        "kind": opportunity.kind,
        "title": opportunity.title,
        "description": opportunity.description,
        "when": when,
        "when_local": None if when is None else when.astimezone(zone_of(viewer)),
        "spots": opportunity.spots,
        "spots_left": spots_left,
        "closed": opportunity.closed_at is not None,
        "my_status": my_status,
    }


def _one(opportunity: VolunteerOpportunity, viewer: User) -> dict[str, Any]:
    mine = (
        VolunteerSignup.objects.filter(opportunity=opportunity, user=viewer)
        .values_list("status", flat=True)
        .first()
    )
    return _opportunity(
        opportunity, viewer, spots_left=queries.spots_left(opportunity), my_status=mine
    )


def _signup(signup: VolunteerSignup) -> dict[str, Any]:
    return {
        "id": signup.pk,
        "opportunity_id": signup.opportunity_id,
        "status": signup.status,
        "updated_at": signup.updated_at,
    }


@router.get("/alumni", response=list[ProgramNetworkOut])
@paged
def network(request: HttpRequest) -> list[dict[str, Any]]:
    """Your alumni networks (or, for staff, those of your programs): alumni
    spaces, upcoming gatherings, open volunteer opportunities, the policy."""
    viewer = _viewer(request)
    programs = list(access.network_programs(viewer))
    if not programs:
        raise Http404
    now = timezone.now()
    result = []
    for program in programs:
        section = program_section(viewer, program, now=now)
        result.append(
            {
                "program_id": program.pk,
                "program_name": program.name,
                "alumni_access_months": section["months"],
                "my_access_ends_at": access_ends_for(viewer, program),
                "is_staff": section["is_staff"],
                "alumni_spaces": [{"id": s.pk, "name": s.shown_name} for s in section["spaces"]],
                "gatherings": [
                    gathering_out(row.gathering, viewer, [row]) for row in section["gatherings"]
                ],
                "opportunities": [
                    _opportunity(
                        item["opportunity"],
                        viewer,
                        spots_left=item["spots_left"],
                        my_status=item["my_status"],
                    )
                    for item in open_opportunities(viewer, {program.pk}, now=now)
                ],
            }
        )
    return result


@router.get("/alumni/opportunities", response=list[OpportunityOut])
@paged
def list_opportunities(request: HttpRequest) -> list[dict[str, Any]]:
    viewer = _viewer(request)
    items = open_opportunities(viewer, access.network_program_ids(viewer), now=timezone.now())
    return [
        _opportunity(i["opportunity"], viewer, spots_left=i["spots_left"], my_status=i["my_status"])
        for i in items
    ]


@router.post("/alumni/opportunities", response={201: OpportunityOut})
def create_opportunity(request: HttpRequest, payload: OpportunityIn) -> tuple[int, dict[str, Any]]:
    """Staff of the program post an opportunity for its alumni."""
    viewer = _viewer(request)
    if payload.program_id not in access.staff_program_ids(viewer):
        raise refuse("program_id", _("Choose a program you are staff of."), "not_staff")
    program = Program.objects.get(pk=payload.program_id)
    opportunity = actions.do_create_opportunity(
        program=program, created_by=viewer, fields=payload.dict(exclude={"program_id"})
    )
    return 201, _one(opportunity, viewer)


@router.get("/alumni/opportunities/{opportunity_id}", response=OpportunityOut)
def get_opportunity(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    viewer = _viewer(request)
    return _one(access.access_opportunity(viewer, opportunity_id), viewer)


@router.post("/alumni/opportunities/{opportunity_id}/signup", response=SignupOut)
def sign_up(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    """Alumni only; signing up twice returns the same sign-up."""
    viewer = _viewer(request)
    opportunity = access.access_opportunity(viewer, opportunity_id, for_signup=True)
    return _signup(actions.do_sign_up(opportunity=opportunity, user=viewer))


@router.post("/alumni/opportunities/{opportunity_id}/withdraw", response=SignupOut)
def withdraw(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    viewer = _viewer(request)
    opportunity = access.access_opportunity(viewer, opportunity_id, for_signup=True)
    return _signup(actions.do_withdraw(opportunity=opportunity, user=viewer))


@router.post("/alumni/opportunities/{opportunity_id}/close", response=OpportunityOut)
def close(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    """Staff: no more sign-ups (those signed up keep their place)."""
    viewer = _viewer(request)
    opportunity = access.access_opportunity(viewer, opportunity_id, for_staff=True)
    return _one(actions.do_close_opportunity(opportunity=opportunity, closed_by=viewer), viewer)


@router.get("/alumni/opportunities/{opportunity_id}/signups", response=list[StaffSignupOut])
@paged
def signups(request: HttpRequest, opportunity_id: int) -> list[dict[str, Any]]:
    """Staff of the program: who signed up (display names only)."""
    viewer = _viewer(request)
    opportunity = access.access_opportunity(viewer, opportunity_id, for_staff=True)
    return [
        _signup(s) | {"display_name": s.user.display_name}
        for s in opportunity.signups.select_related("user").order_by("created_at")
    ]


@router.post("/alumni/signups/{signup_id}/confirm", response=SignupOut)
def confirm(request: HttpRequest, signup_id: int) -> dict[str, Any]:
    viewer = _viewer(request)
    signup = access.access_signup(viewer, signup_id)
    return _signup(actions.do_confirm_signup(signup=signup, confirmed_by=viewer))


@router.get("/alumni/programs/{program_id}/settings", response=AlumniSettingsOut)
def get_settings(request: HttpRequest, program_id: int) -> dict[str, Any]:
    viewer = _viewer(request)
    program = access.access_network_program(viewer, program_id, for_settings=True)
    return {"program_id": program.pk, "alumni_access_months": access.access_months(program.pk)}


@router.put("/alumni/programs/{program_id}/settings", response=AlumniSettingsOut)
def put_settings(
    request: HttpRequest, program_id: int, payload: AlumniSettingsIn
) -> dict[str, Any]:
    """Program admins: how long alumni stay in the network."""
    viewer = _viewer(request)
    program = access.access_network_program(viewer, program_id, for_settings=True)
    row = actions.do_set_alumni_access(
        program=program, months=payload.alumni_access_months, updated_by=viewer
    )
    return {"program_id": program.pk, "alumni_access_months": row.alumni_access_months}
