"""Couples and the do-not-pair list (program admins)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from commonroom.accounts.models import User
from commonroom.care import access as care_access
from commonroom.care import queries
from commonroom.care.actions import (
    do_add_do_not_pair,
    do_link_couple,
    do_remove_do_not_pair,
    do_set_couple_policy,
    do_unlink_couple,
)
from commonroom.care.forms import CoupleForm, DoNotPairForm
from commonroom.care.models import CouplePolicy
from commonroom.care.views.common import errors_into_form


@login_required
@require_http_methods(["GET", "POST"])
def couples(request: HttpRequest, program_id: int) -> HttpResponse:
    program = care_access.access_program(
        request.user, program_id, for_write=request.method == "POST"
    )
    form = CoupleForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        try:
            do_link_couple(
                program=program,
                first_id=form.cleaned_data["first"].pk,
                second_id=form.cleaned_data["second"].pk,
                policy=form.cleaned_data["policy"],
                linked_by=request.user,
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Partners linked."))
            return redirect("couples", program_id=program.pk)
    links = program.couples.select_related("person_a", "person_b").order_by("pk")
    return render(
        request,
        "care/couples.html",
        {"program": program, "form": form, "couples": links, "policies": CouplePolicy.choices},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def couple_policy(request: HttpRequest, couple_id: int) -> HttpResponse:
    couple = care_access.access_couple(request.user, couple_id, for_write=True)
    assert isinstance(request.user, User)
    try:
        do_set_couple_policy(
            couple=couple, policy=request.POST.get("policy", ""), changed_by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Couple policy saved."))
    return redirect("couples", program_id=couple.program_id)


@login_required
@require_POST
def unlink_couple(request: HttpRequest, couple_id: int) -> HttpResponse:
    couple = care_access.access_couple(request.user, couple_id, for_write=True)
    assert isinstance(request.user, User)
    program_id = couple.program_id
    do_unlink_couple(couple=couple, unlinked_by=request.user)
    messages.success(request, _("Partners unlinked."))
    return redirect("couples", program_id=program_id)


@login_required
@require_http_methods(["GET", "POST"])
def do_not_pair(request: HttpRequest, program_id: int) -> HttpResponse:
    program = care_access.access_program(
        request.user, program_id, for_write=request.method == "POST"
    )
    form = DoNotPairForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        try:
            do_add_do_not_pair(
                program=program,
                first_id=form.cleaned_data["first"].pk,
                second_id=form.cleaned_data["second"].pk,
                reason=form.cleaned_data["reason"],
                recorded_by=request.user,
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Added to the do-not-pair list."))
            return redirect("do_not_pair", program_id=program.pk)
    assert isinstance(request.user, User)
    entries = queries.do_not_pair_entries(program=program, reader=request.user)
    return render(
        request,
        "care/do_not_pair.html",
        {"program": program, "form": form, "entries": entries},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def remove_do_not_pair(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = care_access.access_do_not_pair(request.user, entry_id, for_write=True)
    assert isinstance(request.user, User)
    program_id = entry.program_id
    do_remove_do_not_pair(entry=entry, removed_by=request.user)
    messages.success(request, _("Removed from the do-not-pair list."))
    return redirect("do_not_pair", program_id=program_id)
