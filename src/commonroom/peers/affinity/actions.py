"""Every change to the catalogue and to requests to join.

Membership changes go through care's ``do_place_in_group`` and
``do_remove_from_group``, which check capacity, couples and do-not-pair, and
close the person's open sockets so their pages re-check access.

Notifications travel only on the person's own ``user.<id>`` stream and carry
ids and a status: never the group's name, which can reveal an identity or a
diagnosis to whoever sees a screen or a log.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.actions import (
    do_create_group,
    do_place_in_group,
    do_remove_from_group,
    do_update_group,
)
from commonroom.care.models import GroupKind, GroupMembership, Program, TherapyGroup
from commonroom.core import access as core_access
from commonroom.core.audit import AuditAction, audited_reads, record
from commonroom.core.validation import refuse
from commonroom.peers.affinity import access
from commonroom.peers.affinity.models import (
    DESCRIPTION_MAX_CHARS,
    NOTE_MAX_CHARS,
    AffinityGroup,
    JoinRequest,
    RequestStatus,
)
from commonroom.realtime import events

ENTRY_FIELDS = frozenset({"name", "description", "accepting_requests"})
AFFINITY_GROUP_CAPACITY = 30


def _check_text(field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise refuse(
            field,
            _("This can be at most %(max)d characters; it has %(count)d.")
            % {"max": limit, "count": len(value)},
            "too_long",
        )
    return value


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise refuse("name", _("An affinity group needs a name."), "required")
    if len(name) > 120:
        raise refuse("name", _("A name can be at most 120 characters."), "too_long")
    return name


# --- the catalogue (program admins) ----------------------------------------


def do_create_affinity_group(
    *, program: Program, name: str, description: str, created_by: User
) -> AffinityGroup:
    name = _check_name(name)
    description = _check_text("description", description, DESCRIPTION_MAX_CHARS)
    key = slugify(name).replace("-", "_")[:40] or "group"
    taken = set(AffinityGroup.objects.filter(program=program).values_list("key", flat=True))
    base, n = key, 2
    while key in taken:
        key = f"{base[:36]}_{n}"
        n += 1
    try:
        with transaction.atomic():
            affinity = AffinityGroup.objects.create(
                program=program,
                key=key,
                name=name,
                description=description,
                position=len(taken),
            )
            record(actor=created_by, action=AuditAction.AFFINITY_CREATE, target=affinity)
    except IntegrityError as exc:
        raise refuse(
            "name", _("This program already has an affinity group with that name."), "invalid"
        ) from exc
    return affinity


def do_update_affinity_group(
    *,
    affinity: AffinityGroup,
    changed_by: User,
    changes: dict[str, Any],
    facilitator_ids: Iterable[int] | None = None,
) -> AffinityGroup:
    """Renames, describes, opens or closes requests, and sets who leads the
    group. Naming leads for an entry that has no group yet starts its group
    (kind affinity, which brings its spaces)."""
    unknown = set(changes) - ENTRY_FIELDS
    if unknown:
        raise refuse(sorted(unknown)[0], _("This field cannot be changed here."), "invalid")
    if "name" in changes:
        changes["name"] = _check_name(changes["name"])
    if "description" in changes:
        changes["description"] = _check_text(
            "description", changes["description"], DESCRIPTION_MAX_CHARS
        )
    if "accepting_requests" in changes:
        changes["accepting_requests"] = bool(changes["accepting_requests"])
    leads = sorted(set(facilitator_ids)) if facilitator_ids is not None else None
    if leads is not None and affinity.group_id is None and not leads:
        raise refuse("facilitators", _("Choose at least one facilitator to lead it."), "required")
    try:
        with transaction.atomic():
            for name, value in changes.items():
                setattr(affinity, name, value)
            affinity.save()
            if leads is not None:
                _set_leads(affinity, leads, changed_by)
            record(
                actor=changed_by,
                action=AuditAction.AFFINITY_UPDATE,
                target=affinity,
                detail={"fields": sorted(changes) + (["leads"] if leads is not None else [])},
            )
    except IntegrityError as exc:
        raise refuse(
            "name", _("This program already has an affinity group with that name."), "invalid"
        ) from exc
    if (
        "name" in changes
        and affinity.group is not None
        and affinity.group.name != affinity.name
        # The group's name follows the entry's when it is free in the program.
        and not TherapyGroup.objects.filter(
            program_id=affinity.program_id, name=affinity.name
        ).exists()
    ):
        do_update_group(
            group=affinity.group, changed_by=changed_by, changes={"name": affinity.name}
        )
    return affinity


def _set_leads(affinity: AffinityGroup, leads: list[int], changed_by: User) -> None:
    if affinity.group is None:
        name = affinity.name
        if TherapyGroup.objects.filter(program_id=affinity.program_id, name=name).exists():
            name = f"{name} ({_('affinity')})"
        affinity.group = do_create_group(
            program=affinity.program,
            name=name,
            kind=GroupKind.AFFINITY,
            created_by=changed_by,
            capacity=AFFINITY_GROUP_CAPACITY,
            facilitator_ids=leads,
        )
        affinity.save(update_fields=["group", "updated_at"])
    else:
        if not leads:
            raise refuse(
                "facilitators", _("A running group needs at least one facilitator."), "required"
            )
        do_update_group(
            group=affinity.group, changed_by=changed_by, changes={}, facilitator_ids=leads
        )


def do_attach_group(
    *, affinity: AffinityGroup, group: TherapyGroup, changed_by: User
) -> AffinityGroup:
    """Links an existing affinity-kind therapy group of the program."""
    if group.program_id != affinity.program_id or group.kind != GroupKind.AFFINITY:
        raise refuse("group", _("Choose one of this program's affinity groups."), "invalid")
    if AffinityGroup.objects.filter(group=group).exclude(pk=affinity.pk).exists():
        raise refuse("group", _("That group already runs another catalogue entry."), "invalid")
    with transaction.atomic():
        affinity.group = group
        affinity.save(update_fields=["group", "updated_at"])
        record(actor=changed_by, action=AuditAction.AFFINITY_ATTACH, target=affinity)
    return affinity


def do_archive_affinity_group(*, affinity: AffinityGroup, archived_by: User) -> AffinityGroup:
    """Takes the entry out of the catalogue and closes its pending requests
    (the people who asked are told, as for a decline). Members stay in the
    therapy group until an admin archives or empties it."""
    if affinity.archived_at is not None:
        raise refuse(None, _("This affinity group is already archived."), "archived")
    now = timezone.now()
    with transaction.atomic():
        affinity.archived_at = now
        affinity.accepting_requests = False
        affinity.save(update_fields=["archived_at", "accepting_requests", "updated_at"])
        for pending in JoinRequest.objects.select_for_update().filter(
            affinity=affinity, status=RequestStatus.PENDING
        ):
            _decide(pending, RequestStatus.DECLINED, archived_by, "", now)
        record(actor=archived_by, action=AuditAction.AFFINITY_ARCHIVE, target=affinity)
    return affinity


# --- requests to join --------------------------------------------------------


def record_queue_read(*, viewer: User, requests: list[JoinRequest]) -> None:
    """A request says who wants to join which group, with their own note:
    a staff read of the queue is written to the audit log, one entry per
    person whose request was shown."""
    if not requests:
        return
    audited_reads(
        viewer,
        action=AuditAction.AFFINITY_QUEUE_READ,
        rows=requests,
        subject_of=lambda item: item.person,
        ids_key="request_ids",
    )


def _notify_staff(affinity: AffinityGroup, request_id: int) -> None:
    staff = core_access.program_admin_ids(affinity.program_id)
    if affinity.group_id is not None:
        staff |= set(
            TherapyGroup.facilitators.through.objects.filter(
                therapygroup_id=affinity.group_id
            ).values_list("user_id", flat=True)
        )
    for user_id in sorted(staff):
        events.append(f"user.{user_id}", "affinity.request", {"request_id": request_id})


def do_ask_to_join(*, person: User, affinity: AffinityGroup, note: str) -> JoinRequest:
    note = _check_text("note", note, NOTE_MAX_CHARS)
    if not access.may_ask_to_join(person, affinity):
        raise refuse(
            None,
            _("Only people in intake, active or step-down in this program can ask to join."),
            "not_in_cohort",
        )
    if affinity.archived_at is not None or affinity.group_id is None:
        raise refuse(None, _("This affinity group is not running."), "not_running")
    if not affinity.accepting_requests:
        raise refuse(None, _("This group is not taking requests right now."), "closed")
    if GroupMembership.objects.filter(
        group_id=affinity.group_id, user_id=person.pk, left_at__isnull=True
    ).exists():
        raise refuse(None, _("You are already in this group."), "already_member")
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(affinity=affinity, person=person, note=note)
            # The note is the person's own words: never in the audit detail.
            record(
                actor=person,
                action=AuditAction.AFFINITY_REQUEST,
                target=join_request,
                subject=person,
            )
            _notify_staff(affinity, join_request.pk)
    except IntegrityError as exc:
        raise refuse(
            None, _("You already asked to join; a facilitator will answer soon."), "pending"
        ) from exc
    return join_request


def _decide(
    join_request: JoinRequest, status: str, decided_by: User, message: str, now: Any
) -> None:
    join_request.status = status
    join_request.decided_by = decided_by
    join_request.decided_at = now
    join_request.decision_message = message
    join_request.save(update_fields=["status", "decided_by", "decided_at", "decision_message"])
    record(
        actor=decided_by,
        action=AuditAction(f"affinity.request.{status}"),
        target=join_request,
        subject=join_request.person,
    )
    events.append(
        f"user.{join_request.person_id}",
        "affinity.decision",
        {"request_id": join_request.pk, "status": status},
    )


def _locked_pending(join_request: JoinRequest) -> JoinRequest:
    """Re-reads the request under a lock: two facilitators deciding at once,
    or a decision racing a withdrawal, must not both win."""
    locked = (
        JoinRequest.objects.select_for_update().select_related("person").get(pk=join_request.pk)
    )
    if locked.status != RequestStatus.PENDING:
        raise refuse(
            None,
            _("This request was already %(status)s.")
            % {"status": RequestStatus(locked.status).label.lower()},
            "already_decided",
        )
    return locked


def do_decide_join_request(
    *, join_request: JoinRequest, decided_by: User, approve: bool, message: str = ""
) -> JoinRequest:
    """Approving places the person in the group (care's rules on capacity,
    couples and do-not-pair apply); declining may carry a kind message."""
    message = _check_text("message", message, NOTE_MAX_CHARS)
    affinity = join_request.affinity
    if approve and affinity.group_id is None:
        raise refuse(None, _("This affinity group is not running."), "not_running")
    with transaction.atomic():
        locked = _locked_pending(join_request)
        now = timezone.now()
        if approve:
            assert affinity.group_id is not None
            do_place_in_group(
                group_id=affinity.group_id, user_id=locked.person_id, placed_by=decided_by
            )
        _decide(
            locked,
            RequestStatus.APPROVED if approve else RequestStatus.DECLINED,
            decided_by,
            message,
            now,
        )
    return locked


def do_withdraw_join_request(*, join_request: JoinRequest, person: User) -> JoinRequest:
    if join_request.person_id != person.pk:
        raise refuse(None, _("Only the person who asked can withdraw."), "not_yours")
    with transaction.atomic():
        locked = _locked_pending(join_request)
        locked.status = RequestStatus.WITHDRAWN
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        record(
            actor=person,
            action=AuditAction.AFFINITY_REQUEST_WITHDRAWN,
            target=locked,
            subject=person,
        )
    return locked


def do_leave_affinity_group(*, affinity: AffinityGroup, person: User) -> None:
    """Leaving is private: no event to the group, only care's audit entry and
    the closing of the person's own sockets."""
    if (
        affinity.group_id is None
        or not GroupMembership.objects.filter(
            group_id=affinity.group_id, user_id=person.pk, left_at__isnull=True
        ).exists()
    ):
        raise refuse(None, _("You are not in this group."), "not_member")
    do_remove_from_group(group_id=affinity.group_id, user_id=person.pk, removed_by=person)
