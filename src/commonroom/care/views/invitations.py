"""Invitation pages: the link a person opens, and the admin's list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from commonroom.accounts.models import User
from commonroom.care import access as care_access
from commonroom.care.actions import do_accept_invitation, do_invite_person, do_revoke_invitation
from commonroom.care.forms import InvitationForm


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = care_access.invitation_from_token(token)
    except care_access.InvitationUnavailable as exc:
        return render(
            request, "care/invitation_unavailable.html", {"message": exc.message}, status=410
        )
    user = request.user
    if user.is_authenticated:
        assert isinstance(user, User)
        if user.email.lower() != invite.email.lower():
            return render(
                request,
                "care/invitation_unavailable.html",
                {"message": _("This invitation is for someone else. Sign out to use it.")},
                status=403,
            )
        do_accept_invitation(invitation_id=invite.pk, user=user)
        messages.success(request, _("You joined %(program)s.") % {"program": invite.program.name})
        return redirect("home")
    care_access.remember_invitation(request, invite)
    if User.objects.filter(email__iexact=invite.email).exists():
        messages.info(request, _("You already have an account. Sign in, then open the link again."))
        return redirect("account_login")
    from allauth.account.adapter import get_adapter

    get_adapter(request).stash_verified_email(request, invite.email)
    return redirect("account_signup")


@login_required
@require_http_methods(["GET", "POST"])
def program_invitations(request: HttpRequest, program_id: int) -> HttpResponse:
    program = care_access.access_program(
        request.user, program_id, for_write=request.method == "POST"
    )
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        try:
            do_invite_person(
                program=program,
                invited_by=request.user,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Invitation sent."))
            return redirect("program_invitations", program_id=program.pk)
    invitations = program.invitations.select_related("invited_by").order_by("-created_at")[:200]
    return render(
        request,
        "care/program_invitations.html",
        {"program": program, "form": form, "invitations": invitations, "now_dt": timezone.now()},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, program_id: int, invitation_id: int) -> HttpResponse:
    program = care_access.access_program(request.user, program_id, for_write=True)
    invite = program.invitations.filter(pk=invitation_id).first()
    if invite is None:
        raise Http404
    assert isinstance(request.user, User)
    try:
        do_revoke_invitation(invitation=invite, revoked_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("program_invitations", program_id=program.pk)
