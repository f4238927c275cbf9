"""Every change to buddies: consent, requests, pairing, rhythm, ending.

Each action is transactional and audited; events go to the people's own
``user.<id>`` streams with ids only (registered in apps.py).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.models import COHORT_PHASES, Enrollment, Program, TherapyGroup
from commonroom.core.audit import AuditAction, record
from commonroom.core.validation import refuse
from commonroom.matching.pairing import BuddyGroup
from commonroom.peers.buddies import pool
from commonroom.peers.buddies.models import (
    BuddyMembership,
    BuddyOptIn,
    BuddyPair,
    BuddyRequest,
    PairingRun,
    RequestKind,
    RequestOutcome,
    Rhythm,
)
from commonroom.realtime import events
from commonroom.spaces import actions as space_actions
from commonroom.spaces.models import Space, SpaceKind, SpaceScope

SEED_MAX = 2**31 - 1


def _require_cohort(user: User, program: Program) -> None:
    if not Enrollment.objects.filter(user=user, program=program, phase__in=COHORT_PHASES).exists():
        raise refuse(
            None, _("Buddies are for people taking part in the program right now."), "not_enrolled"
        )


# --- consent and requests ---------------------------------------------------------


def do_set_opt_in(*, user: User, program: Program, consenting: bool) -> BuddyOptIn:
    """Opting out also withdraws a waiting request; a current pair goes on
    until someone ends it."""
    if consenting:
        _require_cohort(user, program)
    now = timezone.now()
    with transaction.atomic():
        opt_in, created = BuddyOptIn.objects.select_for_update().get_or_create(
            user=user,
            program=program,
            defaults={"opted_in_at": now, "withdrawn_at": None if consenting else now},
        )
        if not created and opt_in.consenting != consenting:
            if consenting:
                opt_in.opted_in_at, opt_in.withdrawn_at = now, None
            else:
                opt_in.withdrawn_at = now
            opt_in.save(update_fields=["opted_in_at", "withdrawn_at"])
        if not consenting:
            BuddyRequest.objects.filter(user=user, program=program, closed_at__isnull=True).update(
                closed_at=now, outcome=RequestOutcome.WITHDRAWN
            )
        record(
            actor=user,
            action=AuditAction.BUDDIES_OPT_IN if consenting else AuditAction.BUDDIES_OPT_OUT,
            target=opt_in,
            subject=user,
        )
    return opt_in


def do_request_buddy(*, user: User, program: Program) -> BuddyRequest:
    """ "I'd like a (new) buddy": opts the person in and waits for staff to
    run pairing. Asking twice returns the waiting request."""
    _require_cohort(user, program)
    if BuddyMembership.objects.filter(user=user, program=program, ended_at__isnull=True).exists():
        raise refuse(
            None,
            _("You have a buddy now. End that pairing first if you would like a new buddy."),
            "already_paired",
        )
    had_buddy = BuddyMembership.objects.filter(user=user, program=program).exists()
    now = timezone.now()
    with transaction.atomic():
        do_set_opt_in(user=user, program=program, consenting=True)
        BuddyMembership.objects.filter(
            user=user, program=program, notice_answered_at__isnull=True
        ).update(notice_answered_at=now)
        existing = BuddyRequest.objects.filter(
            user=user, program=program, closed_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                request = BuddyRequest.objects.create(
                    user=user,
                    program=program,
                    kind=RequestKind.NEW if had_buddy else RequestKind.FIRST,
                    created_at=now,
                )
        except IntegrityError:  # the same request from a second tab
            return BuddyRequest.objects.get(user=user, program=program, closed_at__isnull=True)
        record(actor=user, action=AuditAction.BUDDIES_REQUEST, target=request, subject=user)
    return request


def do_answer_notice(*, membership: BuddyMembership) -> None:
    """ "No thanks" to the offer of a new buddy after a pairing ended."""
    BuddyMembership.objects.filter(pk=membership.pk, notice_answered_at__isnull=True).update(
        notice_answered_at=timezone.now()
    )


# --- pairing ----------------------------------------------------------------------


def _space_for(program: Program, names: list[str]) -> Space:
    return Space.objects.create(
        program=program,
        scope=SpaceScope.BUDDY,
        kind=SpaceKind.CHECKIN,
        name=(_("Buddy space · %(names)s") % {"names": " & ".join(names)})[:120],
    )


def _form(*, run: PairingRun, staff: User, group: BuddyGroup, people: dict[int, User]) -> BuddyPair:
    members = [people[uid] for uid in group.members]
    space = _space_for(run.program, [m.display_name for m in members])
    space_actions.do_create_thread(space=space, author=staff, title=_("Our check-ins"))
    pair = BuddyPair.objects.create(
        program=run.program,
        run=run,
        space=space,
        explanation=group.explanation.as_dict(),
        score=group.explanation.total,
        formed_at=run.ran_at,
        rhythm_since=run.ran_at,
    )
    for member in members:
        BuddyMembership.objects.create(pair=pair, user=member, program=run.program)
        record(actor=staff, action=AuditAction.BUDDIES_PAIR_FORMED, target=pair, subject=member)
        events.append(
            f"user.{member.pk}", "buddy.paired", {"pair_id": pair.pk, "space_id": space.pk}
        )
    BuddyRequest.objects.filter(
        user__in=members, program=run.program, closed_at__isnull=True
    ).update(closed_at=run.ran_at, outcome=RequestOutcome.PAIRED)
    return pair


def stale() -> Exception:
    return refuse(
        "fingerprint",
        _(
            "Who is waiting for a buddy has changed since this preview (or someone "
            "already confirmed it). Nothing was saved: review the new proposal."
        ),
        "stale_preview",
    )


def do_confirm_pairing(
    *,
    staff: User,
    program: Program,
    group: TherapyGroup | None,
    seed: int,
    fingerprint: str,
) -> PairingRun:
    """Forms the previewed pairs, their spaces and first threads, in one
    transaction. The proposal is made again under the program's row lock and
    must match the preview's fingerprint; two staff confirming one preview
    both get here, the second finds the pool changed (and, should both read
    before either wrote, the unique fingerprint and the one-current-pair
    constraint refuse the second write)."""
    if not 0 <= seed <= SEED_MAX:
        raise refuse("seed", _("The seed must be a whole number from 0 to 2147483647."))
    try:
        with transaction.atomic():
            Program.objects.select_for_update().filter(pk=program.pk).first()
            proposal = pool.propose(program=program, group=group, seed=seed)
            if proposal.fingerprint != fingerprint:
                raise stale()
            result = proposal.result
            run = PairingRun.objects.create(
                program=program,
                group=group,
                run_by=staff,
                seed=seed,
                fingerprint=fingerprint,
                people_considered=len(proposal.people),
                pairs_formed=len(result.pairs),
                trios_formed=len(result.trios),
                offered_mentor=len(result.offer_mentor),
                not_eligible=len(result.not_eligible),
            )
            for buddy_group in result.groups:
                _form(run=run, staff=staff, group=buddy_group, people=proposal.people)
            record(
                actor=staff,
                action=AuditAction.BUDDIES_PAIRING_RUN,
                target=run,
                detail={
                    "pairs": run.pairs_formed,
                    "trios": run.trios_formed,
                    "offer_mentor": run.offered_mentor,
                    "group_id": group.pk if group else None,
                },
            )
    except IntegrityError as exc:
        raise stale() from exc
    return run


# --- a pair's own choices ---------------------------------------------------------


def do_set_rhythm(*, pair: BuddyPair, by: User, rhythm: str) -> BuddyPair:
    if rhythm not in Rhythm.values:
        raise refuse(
            "rhythm", _("Choose a rhythm: every day, or every other day."), "invalid_choice"
        )
    if pair.ended_at is not None:
        raise refuse(None, _("This pairing has ended."), "already_ended")
    if pair.rhythm == rhythm:
        return pair
    with transaction.atomic():
        before = pair.rhythm
        pair.rhythm = rhythm
        # Windows start afresh the day after a change (rhythm.py).
        pair.rhythm_since = timezone.now()
        pair.save(update_fields=["rhythm", "rhythm_since"])
        record(
            actor=by,
            action=AuditAction.BUDDIES_RHYTHM,
            target=pair,
            subject=by,
            detail={"from": before, "to": rhythm},
        )
    return pair


def do_end_pair(*, pair: BuddyPair, by: User) -> BuddyPair:
    """No-fault: any member ends it (for a trio, for all three), no reason
    asked. The space closes for
    the members at once (access.py; open sockets re-check on delivery); the
    others are told kindly and offered a new buddy."""
    now = timezone.now()
    with transaction.atomic():
        updated = BuddyPair.objects.filter(pk=pair.pk, ended_at__isnull=True).update(
            ended_at=now, ended_by=by
        )
        if not updated:  # already ended, perhaps by the other buddy a moment ago
            raise refuse(None, _("This pairing has already ended."), "already_ended")
        members = list(BuddyMembership.objects.filter(pair=pair).select_related("user"))
        BuddyMembership.objects.filter(pair=pair).update(ended_at=now)
        BuddyMembership.objects.filter(pair=pair, user=by).update(notice_answered_at=now)
        for membership in members:
            record(
                actor=by,
                action=AuditAction.BUDDIES_PAIR_ENDED,
                target=pair,
                subject=membership.user,
            )
            events.append(f"user.{membership.user_id}", "buddy.ended", {"pair_id": pair.pk})
    pair.refresh_from_db()
    return pair
