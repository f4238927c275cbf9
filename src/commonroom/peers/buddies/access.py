"""Who may see a buddy pair, its space and its check-ins, and who runs pairing.

- A pair's space is read by its current members while they take part in the
  program (an intake, active or step-down enrollment), and moderated by the
  facilitators of either member's therapy groups; the program's admins see
  every space of their program (spaces/access.py adds them). Nobody else:
  not groupmates, mentors, alumni or other facilitators.
- When a pair ends, its space is gone for its members at once; staff keep
  reading it (a safety record).
- Pairing is run by program admins for the program or any of its groups,
  and by facilitators for the groups they run.

Denied answers are 404s, so ids tell nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from commonroom.accounts.models import User
from commonroom.care.models import COHORT_PHASES, Enrollment, Program, TherapyGroup
from commonroom.core import access as core_access
from commonroom.peers.buddies.models import BuddyMembership, BuddyPair
from commonroom.spaces import access as space_access
from commonroom.spaces.models import Space, SpaceScope


def _in_cohort(uid: int) -> Exists:
    """The person takes part in the space's program now."""
    return Exists(
        Enrollment.objects.filter(
            user_id=uid, program_id=OuterRef("program_id"), phase__in=COHORT_PHASES
        )
    )


def _members_q(uid: int) -> Q:
    """Spaces of the current pairs this person is in, while in the cohort."""
    return Q(
        Exists(
            BuddyMembership.objects.filter(
                pair__space_id=OuterRef("pk"),
                user_id=uid,
                ended_at__isnull=True,
                pair__ended_at__isnull=True,
            )
        )
    ) & Q(_in_cohort(uid))


def _staff_q(uid: int) -> Q:
    """Spaces of pairs with a member in a therapy group this person runs."""
    return Q(
        Exists(
            BuddyMembership.objects.filter(
                pair__space_id=OuterRef("pk"),
                user__group_memberships__left_at__isnull=True,
                user__group_memberships__group__facilitators__pk=uid,
            )
        )
    )


def _member_ids(space: Space) -> set[int]:
    """Who receives the space's events besides the program's admins."""
    pair = BuddyPair.objects.filter(space=space).first()
    if pair is None:
        return set()
    everyone = list(BuddyMembership.objects.filter(pair=pair).values_list("user_id", "ended_at"))
    staff = set(
        TherapyGroup.objects.filter(
            memberships__user_id__in=[uid for uid, _ in everyone],
            memberships__left_at__isnull=True,
        ).values_list("facilitators", flat=True)
    )
    peers: set[int] = set()
    if pair.ended_at is None:
        current = [uid for uid, ended in everyone if ended is None]
        peers = set(
            Enrollment.objects.filter(
                user_id__in=current, program_id=pair.program_id, phase__in=COHORT_PHASES
            ).values_list("user_id", flat=True)
        )
    return {uid for uid in staff | peers if uid is not None}


def register() -> None:
    space_access.register_scope(
        SpaceScope.BUDDY,
        space_access.ScopeRule(members=_members_q, staff=_staff_q, member_ids=_member_ids),
    )
    from commonroom.spaces import checkins
    from commonroom.spaces.models import CheckInAudience

    checkins.register_audience_space(CheckInAudience.BUDDY, current_pair_space)


# --- a person's own pair -------------------------------------------------------------


def current_pair(user: User | AnonymousUser, program_id: int | None = None) -> BuddyPair | None:
    """The person's current pair (in ``program_id``, or their first)."""
    if not core_access.is_signed_in(user):
        return None
    memberships = BuddyMembership.objects.filter(
        user_id=core_access.viewer_id(user), ended_at__isnull=True
    )
    if program_id is not None:
        memberships = memberships.filter(program_id=program_id)
    membership = memberships.select_related("pair", "pair__space").order_by("pk").first()
    return membership.pair if membership else None


def current_pair_space(user: User, program: Program) -> Space | None:
    """Where a check-in for "my buddy" goes: the current pair's space, if the
    person may read it (a pair whose member left the cohort has none)."""
    pair = current_pair(user, program.pk)
    if pair is None or not space_access.can_see(user, pair.space_id):
        return None
    return pair.space


def access_own_pair(viewer: User | AnonymousUser, pair_id: int) -> BuddyPair:
    """A current pair the viewer is a member of; 404 otherwise (someone
    else's pair, an unknown id, or one that has ended)."""
    if not core_access.is_signed_in(viewer):
        raise Http404
    pair = (
        BuddyPair.objects.current()
        .filter(
            pk=pair_id,
            memberships__user_id=core_access.viewer_id(viewer),
            memberships__ended_at__isnull=True,
        )
        .select_related("space", "program")
        .first()
    )
    if pair is None:
        raise Http404
    return pair


def access_own_membership(viewer: User | AnonymousUser, pair_id: int) -> BuddyMembership:
    """The viewer's membership of a pair, current or ended (for answering the
    notice after it ended)."""
    if not core_access.is_signed_in(viewer):
        raise Http404
    membership = (
        BuddyMembership.objects.filter(pair_id=pair_id, user_id=core_access.viewer_id(viewer))
        .select_related("pair")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


# --- staff -----------------------------------------------------------------------------


def pairable_groups(viewer: User | AnonymousUser) -> QuerySet[TherapyGroup]:
    """Therapy groups whose cohort this person may pair."""
    if not core_access.is_signed_in(viewer):
        return TherapyGroup.objects.none()
    return TherapyGroup.objects.filter(
        Q(pk__in=core_access.facilitated_group_ids(viewer))
        | Q(program_id__in=core_access.administered_program_ids(viewer))
    ).order_by("program_id", "name", "pk")


def pairable_programs(viewer: User | AnonymousUser) -> QuerySet[Program]:
    return Program.objects.filter(pk__in=core_access.administered_program_ids(viewer)).order_by(
        "name", "pk"
    )


def access_pairing_scope(
    viewer: User | AnonymousUser, *, scope: str, scope_id: int
) -> tuple[Program, TherapyGroup | None]:
    """(program, group) for a pairing run the viewer may make; 404 otherwise."""
    if scope == "group":
        group = pairable_groups(viewer).filter(pk=scope_id).select_related("program").first()
        if group is None:
            raise Http404
        return group.program, group
    if scope == "program":
        program = pairable_programs(viewer).filter(pk=scope_id).first()
        if program is None:
            raise Http404
        return program, None
    raise Http404


def is_buddy_staff(viewer: User | AnonymousUser) -> bool:
    return pairable_groups(viewer).exists() or pairable_programs(viewer).exists()


def pairs_for_staff(viewer: User | AnonymousUser) -> QuerySet[BuddyPair]:
    """Pairs with a member in a group this person runs, or in a program they
    administer."""
    if not core_access.is_signed_in(viewer):
        return BuddyPair.objects.none()
    uid = core_access.viewer_id(viewer)
    facilitated = Exists(
        BuddyMembership.objects.filter(
            pair_id=OuterRef("pk"),
            user__group_memberships__left_at__isnull=True,
            user__group_memberships__group__facilitators__pk=uid,
        )
    )
    return BuddyPair.objects.filter(
        facilitated | Q(program_id__in=core_access.administered_program_ids(viewer))
    )


def access_pair_for_staff(viewer: User | AnonymousUser, pair_id: int) -> BuddyPair:
    pair = pairs_for_staff(viewer).filter(pk=pair_id).first()
    if pair is None:
        raise Http404
    return pair
