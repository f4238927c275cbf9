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
    GroupMembership,
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


def _facilitated_program_ids(viewer: User | AnonymousUser) -> set[int]:
    groups = core_access.facilitated_group_ids(viewer)
    if not groups:
        return set()
    return set(TherapyGroup.objects.filter(pk__in=groups).values_list("program_id", flat=True))


def _enrolled_program_ids(viewer: User | AnonymousUser, phases: frozenset[str]) -> set[int]:
    return set(
        Enrollment.objects.filter(
            user_id=core_access.viewer_id(viewer), phase__in=phases
        ).values_list("program_id", flat=True)
    )


def staff_filter(viewer: User | AnonymousUser) -> Q:
    """The spaces this person moderates."""
    facilitated = core_access.facilitated_group_ids(viewer)
    return (
        Q(program_id__in=core_access.administered_program_ids(viewer))
        | Q(scope=SpaceScope.GROUP, group_id__in=facilitated)
        | Q(scope=SpaceScope.PROGRAM, program_id__in=_facilitated_program_ids(viewer))
        | _registered(viewer, lambda rule: rule.staff)
    )


def member_filter(viewer: User | AnonymousUser) -> Q:
    """The spaces this person belongs to as a peer."""
    return (
        Q(
            scope=SpaceScope.PROGRAM,
            program_id__in=_enrolled_program_ids(viewer, COHORT_PHASES),
        )
        | Q(scope=SpaceScope.GROUP, group_id__in=core_access.cohort_group_ids(viewer))
        | _registered(viewer, lambda rule: rule.members)
    )


def spaces_visible_to(viewer: User | AnonymousUser) -> QuerySet[Space]:
    if not core_access.is_signed_in(viewer):
        return Space.objects.none()
    return (
        Space.objects.filter(member_filter(viewer) | staff_filter(viewer))
        .select_related("program", "group")
        .distinct()
    )


def is_moderator(viewer: User | AnonymousUser, space: Space) -> bool:
    if not core_access.is_signed_in(viewer):
        return False
    return Space.objects.filter(staff_filter(viewer), pk=space.pk).exists()


def can_see(viewer: User | AnonymousUser, space_id: int) -> bool:
    """The same rule as ``spaces_visible_to`` for one space, in a fixed number
    of queries (the space, plus the alumni rule's periods): sockets ask it when
    they subscribe, live events ask ``member_ids`` (tests/spaces/
    test_access_equivalence.py checks that all of them agree)."""
    if not core_access.is_signed_in(viewer):
        return False
    if viewer.is_superuser:
        return Space.objects.filter(pk=space_id).exists()
    uid = core_access.viewer_id(viewer)
    enrolled = Enrollment.objects.filter(user_id=uid, program_id=OuterRef("program_id"))
    facilitates_group = TherapyGroup.facilitators.through.objects.filter(
        therapygroup_id=OuterRef("group_id"), user_id=uid
    )
    facilitates_in_program = TherapyGroup.objects.filter(
        program_id=OuterRef("program_id"), facilitators__pk=uid
    )
    in_group_cohort = GroupMembership.objects.filter(
        user_id=uid, group_id=OuterRef("group_id"), left_at__isnull=True
    ).filter(
        Exists(
            Enrollment.objects.filter(
                user_id=uid, program_id=OuterRef("group__program_id"), phase__in=COHORT_PHASES
            )
        )
    )
    admin = ProgramRole.objects.filter(
        user_id=uid, program_id=OuterRef("program_id"), role=Role.PROGRAM_ADMIN
    )
    return (
        Space.objects.filter(pk=space_id)
        .filter(
            Exists(admin)
            | Q(scope=SpaceScope.GROUP) & (Exists(facilitates_group) | Exists(in_group_cohort))
            | Q(scope=SpaceScope.PROGRAM)
            & (Exists(facilitates_in_program) | Exists(enrolled.filter(phase__in=COHORT_PHASES)))
            | _registered(viewer, lambda rule: rule.members)
            | _registered(viewer, lambda rule: rule.staff)
        )
        .exists()
    )


class AgreementNeeded(Exception):
    def __init__(self, program_id: int) -> None:
        super().__init__(program_id)
        self.program_id = program_id


def access_space(
    viewer: User | AnonymousUser, space_id: int, *, for_moderation: bool = False
) -> Space:
    """The space, or 404 for anyone it is not shown to. A participant who has
    not accepted the program's current group agreement is sent to it first."""
    space = spaces_visible_to(viewer).filter(pk=space_id).first()
    if space is None:
        raise Http404
    moderator = is_moderator(viewer, space)
    if for_moderation and not moderator:
        raise Http404
    if not moderator and care_access.needs_agreement(viewer, space.program_id) is not None:
        raise AgreementNeeded(space.program_id)
    return space


def member_ids(space: Space) -> set[int]:
    """Everyone who receives this space's events: peers and staff."""
    from commonroom.care.models import ProgramRole, Role

    staff = set(
        ProgramRole.objects.filter(
            program_id=space.program_id, role=Role.PROGRAM_ADMIN
        ).values_list("user_id", flat=True)
    )
    rule = SCOPE_RULES.get(space.scope)
    if rule is not None:
        return {uid for uid in staff | rule.member_ids(space) if uid is not None}
    if space.scope not in (SpaceScope.GROUP, SpaceScope.PROGRAM):
        return staff  # an owning app that is not installed: its peers are unknown
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
    else:
        staff |= set(
            TherapyGroup.objects.filter(program_id=space.program_id).values_list(
                "facilitators", flat=True
            )
        )
        peers = set(
            Enrollment.objects.filter(
                program_id=space.program_id, phase__in=COHORT_PHASES
            ).values_list("user_id", flat=True)
        )
    return {uid for uid in staff | peers if uid is not None}


def access_thread(viewer: User | AnonymousUser, thread_id: int) -> Thread:
    """The thread, through its space's rules (404, or AgreementNeeded)."""
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
