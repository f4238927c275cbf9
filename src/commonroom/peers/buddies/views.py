"""Buddy pages: "My buddy" for participants, pair health and "Run pairing"
for staff. Writes go through actions.py; rules live in access.py."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commonroom.accounts.models import User
from commonroom.core.http import signed_in_user
from commonroom.core.validation import field_errors
from commonroom.peers.buddies import access, actions, pool, queries, why
from commonroom.peers.buddies.actions import SEED_MAX
from commonroom.peers.buddies.models import Rhythm
from commonroom.spaces.checkins import checkin_program


def _my_page(
    request: HttpRequest, *, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    state = queries.my_buddy(user, checkin_program(user))
    context: dict[str, Any] = {
        "state": state,
        "errors": errors or {},
        "rhythms": Rhythm.choices,
        "why": why.for_pair(state.pair.explanation) if state.pair else [],
        "staff": access.is_buddy_staff(user),
    }
    return render(request, "buddies/my_buddy.html", context, status=status)


def _program_or_404(request: HttpRequest) -> Any:
    program = checkin_program(signed_in_user(request))
    if program is None:
        raise Http404
    return program


@login_required
@require_GET
def my_buddy(request: HttpRequest) -> HttpResponse:
    return _my_page(request)


@login_required
@require_POST
def opt_in(request: HttpRequest) -> HttpResponse:
    program = _program_or_404(request)
    consenting = request.POST.get("consent") == "1"
    actions.do_set_opt_in(user=signed_in_user(request), program=program, consenting=consenting)
    messages.success(
        request,
        _("You are open to being paired with a buddy.")
        if consenting
        else _("You will not be paired with a buddy."),
    )
    return redirect("my_buddy")


@login_required
@require_POST
def request_buddy(request: HttpRequest) -> HttpResponse:
    program = _program_or_404(request)
    try:
        actions.do_request_buddy(user=signed_in_user(request), program=program)
    except ValidationError as exc:
        return _my_page(request, errors=field_errors(exc), status=422)
    messages.success(request, _("Thank you. Your facilitator will pair you with a buddy soon."))
    return redirect("my_buddy")


@login_required
@require_POST
def set_rhythm(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = access.access_own_pair(request.user, pair_id)
    try:
        actions.do_set_rhythm(
            pair=pair, by=signed_in_user(request), rhythm=request.POST.get("rhythm", "")
        )
    except ValidationError as exc:
        return _my_page(request, errors=field_errors(exc), status=422)
    messages.success(request, _("Your check-in rhythm is saved."))
    return redirect("my_buddy")


@login_required
@require_POST
def end_pair(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = access.access_own_pair(request.user, pair_id)
    try:
        actions.do_end_pair(pair=pair, by=signed_in_user(request))
    except ValidationError as exc:
        return _my_page(request, errors=field_errors(exc), status=422)
    messages.success(request, _("Your buddy pairing has ended."))
    return redirect("my_buddy")


@login_required
@require_POST
def no_thanks(request: HttpRequest, pair_id: int) -> HttpResponse:
    membership = access.access_own_membership(request.user, pair_id)
    actions.do_answer_notice(membership=membership)
    return redirect("my_buddy")


# --- staff ------------------------------------------------------------------------


def _staff_or_404(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not access.is_buddy_staff(user):
        raise Http404
    return user


@login_required
@require_GET
def staff_pairs(request: HttpRequest) -> HttpResponse:
    user = _staff_or_404(request)
    rows = queries.pair_health(access.pairs_for_staff(user))
    queries.record_health_read(user, rows)
    requests, opt_ins = queries.waiting_for(user)
    return render(
        request,
        "buddies/staff.html",
        {
            "rows": rows,
            "requests": requests,
            "opt_ins": opt_ins,
            "groups": access.pairable_groups(user),
            "programs": access.pairable_programs(user),
            "repeated_misses": queries.REPEATED_MISSES,
            "health_days": queries.HEALTH_DAYS,
        },
    )


def _seed_of(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return secrets.randbelow(SEED_MAX)
    if not raw.isascii() or not raw.isdigit() or int(raw) > SEED_MAX:
        return None
    return int(raw)


@login_required
@require_http_methods(["GET", "POST"])
def run_pairing(request: HttpRequest, scope: str, scope_id: int) -> HttpResponse:
    """GET: a preview (pairs with why, trios, who to offer a mentor). POST:
    confirm the previewed seed and fingerprint."""
    user = _staff_or_404(request)
    program, group = access.access_pairing_scope(user, scope=scope, scope_id=scope_id)
    errors: dict[str, str] = {}
    status = 200
    raw_seed = request.POST.get("seed") if request.method == "POST" else request.GET.get("seed")
    seed = _seed_of(raw_seed)
    if seed is None:
        errors["seed"] = _("The seed must be a whole number from 0 to 2147483647.")
        seed, status = secrets.randbelow(SEED_MAX), 422
    elif request.method == "POST":
        try:
            run = actions.do_confirm_pairing(
                staff=user,
                program=program,
                group=group,
                seed=seed,
                fingerprint=request.POST.get("fingerprint", ""),
            )
        except ValidationError as exc:
            errors, status = field_errors(exc), 409
        else:
            done = [
                _("Pairing done."),
                ngettext("%(count)d pair formed.", "%(count)d pairs formed.", run.pairs_formed)
                % {"count": run.pairs_formed},
            ]
            if run.trios_formed:
                done.append(
                    ngettext("%(count)d trio formed.", "%(count)d trios formed.", run.trios_formed)
                    % {"count": run.trios_formed}
                )
            messages.success(request, " ".join(done))
            return redirect("buddy_staff")
    proposal = pool.propose(program=program, group=group, seed=seed)
    pool.record_preview(user, proposal)
    return render(
        request,
        "buddies/run.html",
        {
            "proposal": proposal,
            "scope": scope,
            "scope_id": scope_id,
            "errors": errors,
            "labels": why.STAFF_LABELS,
            "pairs": _rows(proposal, proposal.result.pairs),
            "trios": _rows(proposal, proposal.result.trios),
            "offer_mentor": [proposal.people[i] for i in proposal.result.offer_mentor],
            "not_eligible": [proposal.people[i] for i in proposal.result.not_eligible],
        },
        status=status,
    )


def _rows(proposal: pool.Proposal, groups: Any) -> list[dict[str, Any]]:
    return [
        {
            "members": [proposal.people[i] for i in g.members],
            "why": why.for_staff(g.explanation.as_dict()),
            "total": g.explanation.total,
            "requested": [i for i in g.members if i in proposal.requests],
        }
        for g in groups
    ]
