"""Resources of a space: the list, sharing a link or a file, downloads that
only members get, and pins by staff."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commonroom.core.http import signed_in_user
from commonroom.spaces import access, resources
from commonroom.spaces.models import Resource


def _client_id(raw: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(raw or "")
    except ValueError:
        return uuid.uuid4()


def resource_for(request: HttpRequest, resource_id: int, *, staff: bool = False) -> Resource:
    resource = (
        Resource.objects.filter(
            pk=resource_id,
            removed_at__isnull=True,
            space__in=access.spaces_visible_to(request.user),
        )
        .select_related("space")
        .first()
    )
    if resource is None:
        raise Http404
    if staff and not access.is_moderator(request.user, resource.space):
        raise Http404
    if not access.is_moderator(request.user, resource.space):
        # The same agreement gate as the space itself.
        access.access_space(request.user, resource.space_id)
    return resource


@login_required
def space_resources(request: HttpRequest, space_id: int) -> HttpResponse:
    space = access.access_space(request.user, space_id)
    if request.method == "POST":
        try:
            upload = request.FILES.get("file")
            if isinstance(upload, UploadedFile):
                resources.do_share_file(
                    space=space,
                    posted_by=signed_in_user(request),
                    title=request.POST.get("title", ""),
                    upload=upload,
                    client_id=_client_id(request.POST.get("client_id")),
                )
            else:
                resources.do_share_link(
                    space=space,
                    posted_by=signed_in_user(request),
                    title=request.POST.get("title", ""),
                    url=request.POST.get("url", ""),
                    client_id=_client_id(request.POST.get("client_id")),
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Shared. Thank you."))
        return redirect("space_resources", space_id=space.pk)
    return render(
        request,
        "spaces/resources.html",
        {
            "space": space,
            "resources": Resource.objects.filter(space=space, removed_at__isnull=True)
            .select_related("posted_by")
            .order_by(F("pinned_at").desc(nulls_last=True), "-created_at"),
            "moderator": access.is_moderator(request.user, space),
            "client_id": uuid.uuid4(),
            "max_mb": settings.RESOURCE_MAX_BYTES // (1024 * 1024),
        },
    )


@login_required
@require_GET
def download(request: HttpRequest, resource_id: int) -> HttpResponseBase:
    resource = resource_for(request, resource_id)
    if not resource.file:
        raise Http404
    inline = resource.content_type.startswith(("image/", "audio/"))
    extension = resource.file.name.rsplit(".", 1)[-1] if resource.file.name else "bin"
    response = FileResponse(
        resource.file.open("rb"),
        content_type=resource.content_type,
        as_attachment=not inline,
        filename=f"resource-{resource.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a file were mistaken for a page, it could run nothing here.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def pin(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = resource_for(request, resource_id, staff=True)
    resources.do_set_pinned(
        resource=resource, by=signed_in_user(request), pinned=request.POST.get("pinned") == "1"
    )
    return redirect("space_resources", space_id=resource.space_id)


@login_required
@require_POST
def remove(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = resource_for(request, resource_id)
    if resource.posted_by_id != request.user.pk and not access.is_moderator(
        request.user, resource.space
    ):
        raise Http404
    resources.do_remove(resource=resource, by=signed_in_user(request))
    return redirect("space_resources", space_id=resource.space_id)
