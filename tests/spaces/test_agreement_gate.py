"""The group-agreement gate is one exception with one answer per channel:
pages send the person to the agreement, the API answers 403
``agreement_required``. Every route that reaches a space through its access
helper gets it, including those that used to let it escape as a 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.actions import do_publish_agreement
from commonroom.care.models import AgreementVersion, Program
from commonroom.spaces import actions
from commonroom.spaces.models import Message, Resource, Space, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(group_space: Space, thread: Thread, groupmate: User) -> Message:
    message, _created = actions.do_post_message(
        space=group_space,
        author=groupmate,
        body="A hard week",
        client_id=uuid.uuid4(),
        thread=thread,
    )
    return message


@pytest.fixture
def resource(group_space: Space, groupmate: User) -> Resource:
    return Resource.objects.create(
        space=group_space,
        posted_by=groupmate,
        title="Plan",
        file="resources/plan.pdf",
        content_type="application/pdf",
        size=10,
        client_id=uuid.uuid4(),
    )


@pytest.fixture
def new_agreement(program: Program, admin: User, message: Message) -> AgreementVersion:
    """Published after the participant joined: they have not accepted it."""
    return do_publish_agreement(program=program, body="Confidentiality first.", published_by=admin)


def _sent_to_agreement(response: Any, program: Program) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        f"/programs/{program.pk}/agreement/"
    )


def test_member_without_agreement_is_sent_to_it_from_report(
    participant_client: Client, program: Program, message: Message, new_agreement: object
) -> None:
    response = participant_client.post(f"/messages/{message.pk}/report/", {"reason": "x"})
    assert _sent_to_agreement(response, program)


def test_member_without_agreement_is_sent_to_it_from_hide(
    participant_client: Client, program: Program, message: Message, new_agreement: object
) -> None:
    response = participant_client.post(f"/messages/{message.pk}/hide/")
    assert _sent_to_agreement(response, program)


def test_member_without_agreement_is_sent_to_it_from_lock(
    participant_client: Client, program: Program, thread: Thread, new_agreement: object
) -> None:
    response = participant_client.post(f"/threads/{thread.pk}/lock/")
    assert _sent_to_agreement(response, program)


def test_member_without_agreement_is_sent_to_it_from_a_resource_download(
    participant_client: Client, program: Program, resource: Resource, new_agreement: object
) -> None:
    response = participant_client.get(f"/resources/{resource.pk}/file/")
    assert response["Location"] == (
        f"/programs/{program.pk}/agreement/?next=/resources/{resource.pk}/file/"
    )


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/messages/{message}/report", {"reason": "x"}),
        ("/messages/{message}/hide", {"hidden": True}),
        ("/threads/{thread}/lock", {"locked": True}),
        ("/spaces/{space}/resources/link", {"title": "t", "url": "https://x.org", "client_id": ""}),
    ],
)
def test_member_without_agreement_gets_403_from_the_api(
    api_as: Any,
    participant: User,
    message: Message,
    new_agreement: AgreementVersion,
    path: str,
    body: dict[str, Any],
) -> None:
    if "client_id" in body:
        body = {**body, "client_id": str(uuid.uuid4())}
    url = path.format(message=message.pk, thread=message.thread_id, space=message.space_id)
    response = api_as(participant).post(url, body)
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "agreement_required",
            "message": "Accept version 1 of the group agreement first.",
            "field": "version",
        }
    }


def test_an_htmx_request_is_sent_to_the_agreement_as_a_whole_page(
    participant_client: Client, program: Program, thread: Thread, new_agreement: object
) -> None:
    response = participant_client.get(f"/threads/{thread.pk}/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == (
        f"/programs/{program.pk}/agreement/?next=/threads/{thread.pk}/"
    )


def test_staff_of_the_program_pass_the_gate(
    facilitator_client: Client, message: Message, new_agreement: object
) -> None:
    assert facilitator_client.post(f"/messages/{message.pk}/hide/").status_code == 302
    message.refresh_from_db()
    assert message.hidden_at is not None
