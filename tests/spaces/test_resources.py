"""Resources: links and files checked on their bytes, images stripped of
EXIF and location, files served only to the space's members."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from commonroom.accounts.models import User
from commonroom.spaces.models import Resource, Space
from tests.spaces import samples

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def uploads(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def photo_with_location() -> bytes:
    image = Image.new("RGB", (40, 30), "teal")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[GPS_IFD] = {1: "N", 2: (41.0, 52.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(client: Client, space: Space, name: str, data: bytes, **extra: str) -> Any:
    return client.post(
        f"/spaces/{space.pk}/resources/",
        {
            "title": extra.get("title", "Something helpful"),
            "client_id": extra.get("client_id", str(uuid.uuid4())),
            "file": SimpleUploadedFile(name, data, content_type=extra.get("type", "image/png")),
        },
        follow=True,
    )


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_photo_loses_its_camera_and_location_details(
    participant_client: Client, group_space: Space, uploads: Path
) -> None:
    original = photo_with_location()
    assert Image.open(io.BytesIO(original)).getexif()  # the test photo does carry EXIF
    upload(participant_client, group_space, "walk.jpg", original, type="image/jpeg")
    resource = Resource.objects.get()
    assert resource.content_type == "image/jpeg"
    with resource.file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert not image.getexif()
        assert image.size == (40, 30)


def test_an_executable_renamed_png_is_refused_and_nothing_is_stored(
    participant_client: Client, group_space: Space, uploads: Path
) -> None:
    response = upload(participant_client, group_space, "cute-cat.png", b"MZ\x90\x00" + b"\0" * 200)
    assert "Only PDF documents, images" in response.content.decode()
    assert not Resource.objects.exists()
    assert stored_files(uploads) == []


def test_a_png_that_does_not_decode_is_refused(
    participant_client: Client, group_space: Space, uploads: Path
) -> None:
    response = upload(participant_client, group_space, "x.png", b"\x89PNG\r\n\x1a\n" + b"junk" * 10)
    assert "could not be read" in response.content.decode()
    assert not Resource.objects.exists()


def test_a_pdf_is_stored_without_its_script_and_attachment(
    participant_client: Client, group_space: Space
) -> None:
    upload(
        participant_client, group_space, "w.pdf", samples.pdf(hidden=True), type="application/pdf"
    )
    with Resource.objects.get().file.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF-")
    assert b"/JavaScript" not in data
    assert b"/EmbeddedFile" not in data


def test_a_file_that_only_starts_like_a_pdf_is_refused_and_nothing_is_stored(
    participant_client: Client, group_space: Space, uploads: Path
) -> None:
    response = upload(
        participant_client, group_space, "x.pdf", b"%PDF-1.7\nMZ\x90\x00", type="application/pdf"
    )
    assert "This PDF could not be read" in response.content.decode()
    assert not Resource.objects.exists()
    assert stored_files(uploads) == []


def test_an_mp3_is_stored_without_its_tags_and_cover(
    participant_client: Client, group_space: Space
) -> None:
    upload(participant_client, group_space, "s.mp3", samples.mp3(tagged=True), type="audio/mpeg")
    resource = Resource.objects.get()
    assert resource.content_type == "audio/mpeg"
    with resource.file.open("rb") as stored:
        assert samples.SECRET.encode() not in stored.read()


def test_a_file_over_the_limit_is_refused(
    settings: Any, participant_client: Client, group_space: Space, uploads: Path
) -> None:
    settings.RESOURCE_MAX_BYTES = 1024 * 1024
    response = upload(
        participant_client,
        group_space,
        "big.pdf",
        b"%PDF-1.7\n" + b"0" * (1024 * 1024),
        type="application/pdf",
    )
    assert "at most 1 MB" in response.content.decode()
    assert not Resource.objects.exists()
    assert stored_files(uploads) == []


def test_an_upload_far_over_the_limit_answers_413_and_stores_nothing(
    settings: Any, participant_client: Client, group_space: Space, uploads: Path
) -> None:
    settings.RESOURCE_MAX_BYTES = 1024 * 1024
    big = b"%PDF-1.7\n" + b"0" * (4 * 1024 * 1024)
    response = upload(participant_client, group_space, "big.pdf", big, type="application/pdf")
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not Resource.objects.exists()
    assert stored_files(uploads) == []


def test_a_retried_upload_is_stored_once(participant_client: Client, group_space: Space) -> None:
    client_id = str(uuid.uuid4())
    for _attempt in range(2):
        upload(
            participant_client,
            group_space,
            "plan.pdf",
            samples.pdf(),
            type="application/pdf",
            client_id=client_id,
        )
    assert Resource.objects.count() == 1


def test_members_download_with_safe_headers_and_others_get_nothing(
    participant_client: Client,
    groupmate_client: Client,
    outsider_client: Client,
    other_facilitator_client: Client,
    alumnus_client: Client,
    client: Client,
    group_space: Space,
) -> None:
    upload(participant_client, group_space, "plan.pdf", samples.pdf(), type="application/pdf")
    url = f"/resources/{Resource.objects.get().pk}/file/"
    response = groupmate_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    for other in (outsider_client, other_facilitator_client, alumnus_client):
        assert other.get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_links_must_be_web_addresses(participant_client: Client, group_space: Space) -> None:
    response = participant_client.post(
        f"/spaces/{group_space.pk}/resources/",
        {"title": "Nice", "url": "javascript:alert(1)", "client_id": str(uuid.uuid4())},
        follow=True,
    )
    assert "full web address" in response.content.decode()
    assert not Resource.objects.exists()


def test_only_staff_pin_and_pinned_resources_come_first(
    participant: User,
    participant_client: Client,
    facilitator_client: Client,
    group_space: Space,
) -> None:
    for title in ("First", "Second"):
        participant_client.post(
            f"/spaces/{group_space.pk}/resources/",
            {"title": title, "url": "https://example.org/" + title, "client_id": str(uuid.uuid4())},
        )
    first = Resource.objects.get(title="First")
    assert (
        participant_client.post(f"/resources/{first.pk}/pin/", {"pinned": "1"}).status_code == 404
    )
    facilitator_client.post(f"/resources/{first.pk}/pin/", {"pinned": "1"})
    page = participant_client.get(f"/spaces/{group_space.pk}/resources/").content.decode()
    assert page.index("First") < page.index("Second")


def test_outsiders_can_neither_list_nor_share(
    outsider_client: Client, api_as: Any, outsider: User, group_space: Space
) -> None:
    assert outsider_client.get(f"/spaces/{group_space.pk}/resources/").status_code == 404
    response = api_as(outsider).post(
        f"/spaces/{group_space.pk}/resources/link",
        {"title": "x", "url": "https://example.org", "client_id": str(uuid.uuid4())},
    )
    assert response.status_code == 404
    assert not Resource.objects.exists()


def test_links_over_the_api(api_as: Any, participant: User, group_space: Space) -> None:
    api = api_as(participant)
    body = {
        "title": "Breathing",
        "url": "https://example.org/breathe",
        "client_id": str(uuid.uuid4()),
    }
    assert api.post(f"/spaces/{group_space.pk}/resources/link", body).status_code == 201
    assert api.post(f"/spaces/{group_space.pk}/resources/link", body).status_code == 200
    listed = api.get(f"/spaces/{group_space.pk}/resources").json()["items"]
    assert [r["title"] for r in listed] == ["Breathing"]
