"""Buddies over the API, under /api/v1/buddies/: parity with the pages,
through access.py and actions.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from commonroom.accounts.models import User
from commonroom.api.errors import ApiError
from commonroom.api.pagination import paged
from commonroom.care.models import Program
from commonroom.peers.buddies import access, actions, pool, queries, why
from commonroom.peers.buddies.actions import SEED_MAX
from commonroom.spaces.checkins import checkin_program

router = Router(tags=["buddies"])


class BuddyPersonOut(Schema):
    id: int
    display_name: str
    pronouns: str


class PairOut(Schema):
    id: int
    space_id: int
    rhythm: str = Field(description="daily or every_other_day")
    formed_at: dt.datetime
    buddies: list[BuddyPersonOut] = Field(description="The others in the pair: name and pronouns.")
    why: list[str] = Field(description="Why you were matched, in plain words.")


class BuddyRequestOut(Schema):
    id: int
    kind: str
    created_at: dt.datetime


class MyBuddyOut(Schema):
    consenting: bool
    request: BuddyRequestOut | None
    pair: PairOut | None
    ended_pair_id: int | None = Field(
        description="Set when your buddy ended your last pairing: you are offered a new buddy."
    )
    nudged: bool


class ConsentIn(Schema):
    consenting: bool


class RhythmIn(Schema):
    rhythm: str = Field(description="daily or every_other_day")


class ProposedGroupOut(Schema):
    members: list[BuddyPersonOut]
    explanation: dict[str, float] = Field(description="Points per factor (names only).")
    total: float


class BuddyPreviewOut(Schema):
    program_id: int
    group_id: int | None
    seed: int
    fingerprint: str = Field(description="Send back to confirm; a changed pool refuses it.")
    pairs: list[ProposedGroupOut]
    trios: list[ProposedGroupOut]
    offer_mentor: list[BuddyPersonOut]
    not_eligible: list[BuddyPersonOut]


class BuddyConfirmIn(Schema):
    scope: str = Field(description="program or group")
    scope_id: int
    seed: int = Field(ge=0, le=SEED_MAX)
    fingerprint: str = Field(max_length=64)


class RunOut(Schema):
    id: int
    pairs_formed: int
    trios_formed: int
    offered_mentor: int
    not_eligible: int


class MemberHealthOut(Schema):
    person: BuddyPersonOut
    kept: int
    expected: int
    repeated_misses: bool


class PairHealthOut(Schema):
    id: int
    space_id: int
    rhythm: str
    formed_at: dt.datetime
    ended_at: dt.datetime | None
    last_contact: dt.datetime | None
    members: list[MemberHealthOut]


def _viewer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "display_name": user.display_name, "pronouns": user.pronouns}


def _program(viewer: User) -> Program:
    program = checkin_program(viewer)
    if program is None:
        raise Http404
    return program


def _me(viewer: User) -> dict[str, Any]:
    state = queries.my_buddy(viewer, _program(viewer))
    pair = None
    if state.pair is not None:
        pair = {
            "id": state.pair.pk,
            "space_id": state.pair.space_id,
            "rhythm": state.pair.rhythm,
            "formed_at": state.pair.formed_at,
            "buddies": [_person(b) for b in state.buddies],
            "why": [str(s) for s in why.for_pair(state.pair.explanation)],
        }
    return {
        "consenting": bool(state.opt_in and state.opt_in.consenting),
        "request": (
            {
                "id": state.request.pk,
                "kind": state.request.kind,
                "created_at": state.request.created_at,
            }
            if state.request
            else None
        ),
        "pair": pair,
        "ended_pair_id": state.ended_notice.pair_id if state.ended_notice else None,
        "nudged": state.nudged,
    }


@router.get("/buddies/me", response=MyBuddyOut)
def my_buddy(request: HttpRequest) -> dict[str, Any]:
    return _me(_viewer(request))


@router.post("/buddies/me/consent", response=MyBuddyOut)
def set_consent(request: HttpRequest, payload: ConsentIn) -> dict[str, Any]:
    viewer = _viewer(request)
    actions.do_set_opt_in(user=viewer, program=_program(viewer), consenting=payload.consenting)
    return _me(viewer)


@router.post("/buddies/me/request", response={201: MyBuddyOut})
def request_buddy(request: HttpRequest) -> tuple[int, dict[str, Any]]:
    viewer = _viewer(request)
    actions.do_request_buddy(user=viewer, program=_program(viewer))
    return 201, _me(viewer)


@router.post("/buddies/pairs/{pair_id}/rhythm", response=MyBuddyOut)
def set_rhythm(request: HttpRequest, pair_id: int, payload: RhythmIn) -> dict[str, Any]:
    viewer = _viewer(request)
    pair = access.access_own_pair(viewer, pair_id)
    actions.do_set_rhythm(pair=pair, by=viewer, rhythm=payload.rhythm)
    return _me(viewer)


@router.post("/buddies/pairs/{pair_id}/end", response=MyBuddyOut)
def end_pair(request: HttpRequest, pair_id: int) -> dict[str, Any]:
    """No reason asked. The pair's space closes for its members at once."""
    viewer = _viewer(request)
    pair = access.access_own_pair(viewer, pair_id)
    actions.do_end_pair(pair=pair, by=viewer)
    return _me(viewer)


# --- staff -----------------------------------------------------------------------


def _groups_out(proposal: pool.Proposal, groups: Any) -> list[dict[str, Any]]:
    return [
        {
            "members": [_person(proposal.people[i]) for i in g.members],
            "explanation": g.explanation.as_dict(),
            "total": g.explanation.total,
        }
        for g in groups
    ]


@router.get("/buddies/pairings/preview", response=BuddyPreviewOut)
def preview(request: HttpRequest, scope: str, scope_id: int, seed: int = 0) -> dict[str, Any]:
    """A proposal for a program (admins) or a therapy group's cohort
    (its facilitators, the program's admins). Nothing is saved."""
    viewer = _viewer(request)
    program, group = access.access_pairing_scope(viewer, scope=scope, scope_id=scope_id)
    if not 0 <= seed <= SEED_MAX:
        raise ApiError(422, "invalid", "seed: must be from 0 to 2147483647.", "seed")
    proposal = pool.propose(program=program, group=group, seed=seed)
    pool.record_preview(viewer, proposal)
    result = proposal.result
    return {
        "program_id": program.pk,
        "group_id": group.pk if group else None,
        "seed": seed,
        "fingerprint": proposal.fingerprint,
        "pairs": _groups_out(proposal, result.pairs),
        "trios": _groups_out(proposal, result.trios),
        "offer_mentor": [_person(proposal.people[i]) for i in result.offer_mentor],
        "not_eligible": [_person(proposal.people[i]) for i in result.not_eligible],
    }


@router.post("/buddies/pairings", response={201: RunOut})
def confirm(request: HttpRequest, payload: BuddyConfirmIn) -> tuple[int, Any]:
    """Forms the previewed pairs; 409 ``stale_preview`` if the pool changed
    or the preview was already confirmed."""
    viewer = _viewer(request)
    program, group = access.access_pairing_scope(
        viewer, scope=payload.scope, scope_id=payload.scope_id
    )
    try:
        run = actions.do_confirm_pairing(
            staff=viewer,
            program=program,
            group=group,
            seed=payload.seed,
            fingerprint=payload.fingerprint,
        )
    except ValidationError as exc:
        raise ApiError(409, "stale_preview", " ".join(exc.messages), "fingerprint") from exc
    return 201, run


@router.get("/buddies/health", response=list[PairHealthOut])
@paged
def health(request: HttpRequest) -> list[dict[str, Any]]:
    """Pairs of the groups you run (or the programs you administer)."""
    viewer = _viewer(request)
    if not access.is_buddy_staff(viewer):
        raise Http404
    rows = queries.pair_health(access.pairs_for_staff(viewer))
    queries.record_health_read(viewer, rows)
    return [
        {
            "id": row.pair.pk,
            "space_id": row.pair.space_id,
            "rhythm": row.pair.rhythm,
            "formed_at": row.pair.formed_at,
            "ended_at": row.pair.ended_at,
            "last_contact": row.last_contact,
            "members": [
                {
                    "person": _person(m.user),
                    "kept": m.kept,
                    "expected": m.expected,
                    "repeated_misses": m.repeated,
                }
                for m in row.members
            ],
        }
        for row in rows
    ]
