"""Shared links and files. A file's type is decided by its bytes, never by its
name or the browser's claim: PDFs, PNG/JPEG/GIF/WebP images and MP3/OGG/M4A/
WAV audio, up to ``RESOURCE_MAX_BYTES``. Every file is then parsed whole and
rewritten without its metadata (sanitize.py); a file that does not parse as
what it claims to be is refused."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.core.audit import AuditAction, record
from commonroom.core.validation import refuse
from commonroom.spaces import sanitize
from commonroom.spaces.models import Resource, Space


@dataclass(frozen=True, slots=True)
class Sniffed:
    content_type: str
    extension: str


def sniff(head: bytes) -> Sniffed | None:
    """The type of a file from its first bytes, for the types we accept."""
    if head.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "pdf")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "png")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "jpg")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image/gif", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image/webp", "webp")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("audio/wav", "wav")
    if head.startswith(b"OggS"):
        return Sniffed("audio/ogg", "ogg")
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return Sniffed("audio/mpeg", "mp3")
    if head[4:8] == b"ftyp" and head[8:11] in (b"M4A", b"mp4", b"iso", b"M4B"):
        return Sniffed("audio/mp4", "m4a")
    return None


def do_share_link(
    *, space: Space, posted_by: User, title: str, url: str, client_id: uuid.UUID
) -> tuple[Resource, bool]:
    existing = Resource.objects.filter(posted_by=posted_by, client_id=client_id).first()
    if existing is not None:
        return existing, False
    title = _check_title(title)
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise refuse(
            "url", _("Enter a full web address starting with https://."), "invalid"
        ) from exc
    with transaction.atomic():
        resource = Resource.objects.create(
            space=space, posted_by=posted_by, client_id=client_id, title=title, url=url
        )
    return resource, True


def do_share_file(
    *, space: Space, posted_by: User, title: str, upload: UploadedFile[bytes], client_id: uuid.UUID
) -> tuple[Resource, bool]:
    existing = Resource.objects.filter(posted_by=posted_by, client_id=client_id).first()
    if existing is not None:
        return existing, False
    title = _check_title(title)
    limit = settings.RESOURCE_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise refuse(
            "file",
            _("Files can be at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            "too_large",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise refuse(
            "file",
            _("Files can be at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            "too_large",
        )
    sniffed = sniff(data[:16])
    if sniffed is None:
        raise refuse(
            "file",
            _(
                "Only PDF documents, images (PNG, JPEG, GIF, WebP) and audio "
                "(MP3, OGG, M4A, WAV) can be shared."
            ),
            "file_type",
        )
    data = sanitize.clean(data, sniffed.extension)
    name = (upload.name or "").rsplit("/", 1)[-1][:120]
    resource = Resource(
        space=space,
        posted_by=posted_by,
        client_id=client_id,
        title=title,
        content_type=sniffed.content_type,
        size=len(data),
        original_name=name,
    )
    resource.file.save(f"{uuid.uuid4().hex}.{sniffed.extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            resource.save()
    except Exception:
        # Nothing half-written: the row did not commit, so the file goes too.
        if resource.file.name:
            resource.file.storage.delete(resource.file.name)
        raise
    return resource, True


def _check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise refuse("title", _("Give the resource a short title."), "required")
    if len(title) > 160:
        raise refuse("title", _("A title can be at most 160 characters."), "too_long")
    return title


def do_set_pinned(*, resource: Resource, by: User, pinned: bool) -> None:
    with transaction.atomic():
        resource.pinned_at = timezone.now() if pinned else None
        resource.save(update_fields=["pinned_at"])
        record(
            actor=by,
            action=AuditAction.SPACE_RESOURCE_PIN if pinned else AuditAction.SPACE_RESOURCE_UNPIN,
            target=resource,
        )


def do_remove(*, resource: Resource, by: User) -> None:
    with transaction.atomic():
        resource.removed_at = timezone.now()
        resource.save(update_fields=["removed_at"])
        record(actor=by, action=AuditAction.SPACE_RESOURCE_REMOVE, target=resource)
