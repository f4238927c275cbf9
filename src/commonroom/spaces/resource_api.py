"""Resources over the API, with the rules of the pages."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import F
from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from commonroom.accounts.models import User
from commonroom.api.pagination import paged
from commonroom.spaces import access, resources
from commonroom.spaces.models import Resource, Space

router = Router(tags=["spaces"])


class ResourceOut(Schema):
    id: int
    title: str
    url: str
    file_url: str | None
    content_type: str
    size: int
    pinned: bool
    posted_by: str
    created_at: str


class LinkIn(Schema):
    title: str
    url: str
    client_id: uuid.UUID


def _out(resource: Resource) -> dict[str, Any]:
    return {
        "id": resource.pk,
        "title": resource.title,
        "url": resource.url,
        "file_url": f"/resources/{resource.pk}/file/" if resource.file else None,
        "content_type": resource.content_type,
        "size": resource.size,
        "pinned": resource.pinned_at is not None,
        "posted_by": resource.posted_by.display_name,
        "created_at": resource.created_at.isoformat(),
    }


def _space(request: HttpRequest, space_id: int) -> Space:
    return access.access_space(request.user, space_id)


def _viewer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@router.get("/spaces/{space_id}/resources", response=list[ResourceOut])
@paged
def list_resources(request: HttpRequest, space_id: int) -> list[dict[str, Any]]:
    space = _space(request, space_id)
    return [
        _out(r)
        for r in Resource.objects.filter(space=space, removed_at__isnull=True)
        .select_related("posted_by")
        .order_by(F("pinned_at").desc(nulls_last=True), "-created_at")
    ]


@router.post("/spaces/{space_id}/resources/link", response={200: ResourceOut, 201: ResourceOut})
def share_link(request: HttpRequest, space_id: int, payload: LinkIn) -> tuple[int, dict[str, Any]]:
    resource, created = resources.do_share_link(
        space=_space(request, space_id),
        posted_by=_viewer(request),
        title=payload.title,
        url=payload.url,
        client_id=payload.client_id,
    )
    return (201 if created else 200), _out(resource)


@router.post("/spaces/{space_id}/resources/file", response={200: ResourceOut, 201: ResourceOut})
def share_file(
    request: HttpRequest,
    space_id: int,
    title: Form[str],
    client_id: Form[uuid.UUID],
    file: File[UploadedFile],
) -> tuple[int, dict[str, Any]]:
    resource, created = resources.do_share_file(
        space=_space(request, space_id),
        posted_by=_viewer(request),
        title=title,
        upload=file,
        client_id=client_id,
    )
    return (201 if created else 200), _out(resource)
