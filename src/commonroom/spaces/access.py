"""Who may see, post in and moderate a peer space, and who receives its events.

Membership is derived, never stored: the program's spaces belong to its active
cohort (intake, active, step-down), a therapy group's spaces to the group's
active cohort. Staff (the program's admins; a group's facilitators for its
spaces, and any facilitator of the program for program-wide spaces) see and
moderate them. Other scopes are defined by the app that owns them through
``register_scope``: alumni spaces by the alumni network (people in it for the
program's access period), buddy and mentorship spaces by their relationship. Moving
out of a group or changing phase changes these answers at once; open sockets
are told to re-check (see spaces/events.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care import access as care_access
from commonroom.care.models import (
    COHORT_PHASES,
    Enrollment,
    ProgramRole,
    Role,
    TherapyGroup,
)
from commonroom.core import access as core_access
from commonroom.core.validation import refuse
from commonroom.spaces.models import Message, Space, SpaceScope, Thread


@dataclass(frozen=True)
class ScopeRule:
    """How another app derives who belongs to the spaces of a scope it owns
    (a buddy pair's space, a mentorship's space). Each Q filters ``Space``
    rows and may correlate on the space with ``OuterRef("pk")``; the scope
    itself is added here. Program admins see every space of their program
    whatever the rule says."""

    members: Callable[[int], Q]  # spaces this user id belongs to as a peer
    staff: Callable[[int], Q]  # spaces this user id moderates (besides admins)
    member_ids: Callable[[Space], set[int]]  # everyone but admins who receives its events


SCOPE_RULES: dict[str, ScopeRule] = {}


def register_scope(scope: str, rule: ScopeRule) -> None:
    """Called from the owning app's ``AppConfig.ready``."""
    SCOPE_RULES[scope] = rule


def _registered(viewer: User | AnonymousUser, part: Callable[[ScopeRule], Callable[[int], Q]]) -> Q:
    combined = Q(pk__in=[])
    if viewer.pk is None:
        return combined
    uid = core_access.viewer_id(viewer)
    for scope, rule in SCOPE_RULES.items():
        combined |= Q(scope=scope) & part(rule)(uid)
    return combined


def staff_filter(viewer: User | AnonymousUser) -> Q:
    """The spaces this person moderates: every space of a program they are
    admin of, their own groups' spaces, the program-wide spaces of a program
    they are staff of, and what a registered scope says."""
    if not core_access.is_signed_in(viewer):
        return Q(pk__in=[])
    uid = core_access.viewer_id(viewer)
    admin = ProgramRole.objects.filter(
        user_id=uid, program_id=OuterRef("program_id"), role=Role.PROGRAM_ADMIN
    )
    facilitates = TherapyGroup.facilitators.through.objects.filter(
        therapygroup_id=OuterRef("group_id"), user_id=uid
    )
    return (
        Q(Exists(admin))
        | Q(scope=SpaceScope.GROUP) & Q(Exists(facilitates))
        | Q(scope=SpaceScope.PROGRAM) & Q(core_access.is_program_staff(uid, OuterRef("program_id")))
        | _registered(viewer, lambda rule: rule.staff)
    )


def member_filter(viewer: User | AnonymousUser) -> Q:
    """The spaces this person belongs to as a peer: their program's while in
    its cohort, their groups' while in the group's cohort, and what a
    registered scope says."""
    if not core_access.is_signed_in(viewer):
        return Q(pk__in=[])
    uid = core_access.viewer_id(viewer)
    in_program = Enrollment.objects.filter(
        user_id=uid, program_id=OuterRef("program_id"), phase__in=COHORT_PHASES
    )
    in_group = core_access.cohort_memberships().filter(user_id=uid, group_id=OuterRef("group_id"))
    return (
        Q(scope=SpaceScope.PROGRAM) & Q(Exists(in_program))
        | Q(scope=SpaceScope.GROUP) & Q(Exists(in_group))
        | _registered(viewer, lambda rule: rule.members)
    )


def spaces_visible_to(viewer: User | AnonymousUser) -> QuerySet[Space]:
    """The space rule. Everything else asks it: ``can_see`` for one space,
    ``member_ids`` from the other side (tests/spaces/
    test_access_equivalence.py proves they agree for every persona)."""
    if not core_access.is_signed_in(viewer):
        return Space.objects.none()
    spaces = Space.objects.select_related("program", "group")
    if viewer.is_superuser:
        return spaces.all()
    return spaces.filter(member_filter(viewer) | staff_filter(viewer))


def is_moderator(viewer: User | AnonymousUser, space: Space) -> bool:
    if not core_access.is_signed_in(viewer):
        return False
    if viewer.is_superuser:
        return True
    return Space.objects.filter(staff_filter(viewer), pk=space.pk).exists()


def can_see(viewer: User | AnonymousUser, space_id: int) -> bool:
    """``spaces_visible_to`` for one space, in one query (plus what a
    registered scope reads in Python, such as the alumni periods)."""
    return spaces_visible_to(viewer).filter(pk=space_id).exists()


def can_read(viewer: User | AnonymousUser, space_id: int) -> bool:
    """What a socket may subscribe to: what ``access_space`` would show,
    the agreement gate included."""
    program_id = spaces_visible_to(viewer).filter(pk=space_id).values_list("program_id").first()
    return program_id is not None and care_access.needs_agreement(viewer, program_id[0]) is None


def access_space(
    viewer: User | AnonymousUser, space_id: int, *, for_moderation: bool = False
) -> Space:
    """The space, or 404 for anyone it is not shown to. A participant who has
    not accepted the program's current group agreement gets
    ``AgreementRequired`` (answered once, by the page middleware and the API)."""
    space = spaces_visible_to(viewer).filter(pk=space_id).first()
    if space is None:
        raise Http404
    if for_moderation and not is_moderator(viewer, space):
        raise Http404
    care_access.require_current_agreement(viewer, space.program_id)
    return space


def member_ids(space: Space) -> set[int]:
    """Everyone ``spaces_visible_to`` shows this space to (site superusers
    aside), read from the space's side for a live event: peers and staff."""
    staff = set(
        ProgramRole.objects.filter(
            program_id=space.program_id, role=Role.PROGRAM_ADMIN
        ).values_list("user_id", flat=True)
    )
    rule = SCOPE_RULES.get(space.scope)
    if rule is not None:
        return {uid for uid in staff | rule.member_ids(space) if uid is not None}
    if space.scope == SpaceScope.GROUP:
        assert space.group_id is not None
        staff |= set(
            TherapyGroup.objects.filter(pk=space.group_id).values_list("facilitators", flat=True)
        )
        peers = set(
            core_access.cohort_memberships()
            .filter(group_id=space.group_id)
            .values_list("user_id", flat=True)
        )
    elif space.scope == SpaceScope.PROGRAM:
        staff |= core_access.program_staff_ids(space.program_id)
        peers = set(
            Enrollment.objects.filter(
                program_id=space.program_id, phase__in=COHORT_PHASES
            ).values_list("user_id", flat=True)
        )
    else:
        peers = set()  # an owning app that is not installed: its peers are unknown
    return {uid for uid in staff | peers if uid is not None}


def reader_ids(space: Space) -> set[int]:
    """Who receives this space's live events now: ``member_ids`` less anyone
    the agreement gate holds back, exactly as ``can_read`` answers each."""
    members = member_ids(space)
    return members - care_access.held_back_by_agreement(space.program_id, members)


def access_thread(viewer: User | AnonymousUser, thread_id: int) -> Thread:
    """The thread, through its space's rules (404, or AgreementRequired)."""
    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is None:
        raise Http404
    thread.space = access_space(viewer, thread.space_id)
    return thread


def access_message(viewer: User | AnonymousUser, message_id: int) -> Message:
    """The message, through its space's rules. A message a moderator hid is
    not found for peers."""
    message = Message.objects.filter(pk=message_id).select_related("thread", "author").first()
    if message is None:
        raise Http404
    space = access_space(viewer, message.space_id)
    if message.hidden_at is not None and not is_moderator(viewer, space):
        raise Http404
    message.space = space
    message.thread.space = space
    return message


def reply_parent(thread: Thread, parent_id: object) -> Message | None:
    """The message a reply answers: ``None`` for no reply, else a message of
    this thread that peers can still see. Pages send the id as text, the API
    as a number; both are refused the same way."""
    if parent_id is None or parent_id == "":
        return None
    raw = str(parent_id)
    parent = (
        Message.objects.filter(pk=int(raw), thread=thread, hidden_at__isnull=True).first()
        if raw.isdigit()
        else None
    )
    if parent is None:
        raise refuse("parent_id", _("The message you replied to is not in this thread."))
    return parent
