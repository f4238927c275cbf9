"""Reading, accepting and publishing the group agreement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from commonroom.accounts.models import User
from commonroom.care import access as care_access
from commonroom.care.actions import do_accept_agreement, do_publish_agreement
from commonroom.care.forms import AcceptAgreementForm, AgreementForm
from commonroom.care.views.common import errors_into_form
from commonroom.core import access as core_access


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request: HttpRequest, program_id: int) -> HttpResponse:
    program = care_access.access_program_as_member(request.user, program_id)
    current = care_access.current_agreement(program.pk)
    accept_form = AcceptAgreementForm(
        request.POST or None, initial={"version": current.version if current else 0}
    )
    if request.method == "POST" and accept_form.is_valid():
        assert isinstance(request.user, User)
        try:
            do_accept_agreement(
                user=request.user, program=program, version=accept_form.cleaned_data["version"]
            )
        except ValidationError as exc:
            errors_into_form(accept_form, exc)
        else:
            messages.success(request, _("Thank you. Welcome to the group."))
            return redirect(_safe_next(request) or "home")
    accepted = bool(
        current and current.acceptances.filter(user_id=core_access.viewer_id(request.user)).exists()
    )
    is_admin = program.pk in core_access.administered_program_ids(request.user)
    return render(
        request,
        "care/agreement.html",
        {
            "program": program,
            "agreement": current,
            "accepted": accepted,
            "accept_form": accept_form,
            "publish_form": AgreementForm(initial={"body": current.body if current else ""})
            if is_admin
            else None,
            "next": _safe_next(request) or "",
        },
        status=422 if accept_form.errors else 200,
    )


@login_required
@require_POST
def publish_agreement(request: HttpRequest, program_id: int) -> HttpResponse:
    program = care_access.access_program(request.user, program_id, for_write=True)
    form = AgreementForm(request.POST)
    if form.is_valid():
        assert isinstance(request.user, User)
        try:
            version = do_publish_agreement(
                program=program, body=form.cleaned_data["body"], published_by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Version %(version)s published. Everyone will be asked to accept it.")
                % {"version": version.version},
            )
    else:
        messages.error(request, _("Write out the agreement before publishing it."))
    return redirect("agreement", program_id=program.pk)
