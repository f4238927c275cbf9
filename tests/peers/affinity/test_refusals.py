"""Every affinity route refuses the people it is not for, over HTML and API:
anonymous visitors are sent to sign in (401 from the API); signed-in people
get a 404 and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import GroupMembership
from commonroom.peers.affinity.models import AffinityGroup, JoinRequest, RequestStatus
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db

Api = Callable[[User | None], Any]


@pytest.fixture
def pending(affinity: AffinityGroup, participant: User) -> JoinRequest:
    from commonroom.peers.affinity.actions import do_ask_to_join

    return do_ask_to_join(person=participant, affinity=affinity, note="my sister knows")


def _write_routes(affinity: AffinityGroup, pending: JoinRequest) -> list[tuple[str, str, Any]]:
    """(HTML path, API path, API body) of each write."""
    return [
        (f"/affinity/{affinity.pk}/ask/", f"/affinity/groups/{affinity.pk}/requests", {}),
        (
            f"/affinity/requests/{pending.pk}/withdraw/",
            f"/affinity/requests/{pending.pk}/withdraw",
            None,
        ),
        (
            f"/affinity/requests/{pending.pk}/decide/",
            f"/affinity/requests/{pending.pk}/decision",
            {"approve": True},
        ),
    ]


def test_anonymous_cannot_write(
    anonymous_client: Client, affinity: AffinityGroup, pending: JoinRequest
) -> None:
    for html, api, body in _write_routes(affinity, pending):
        response = anonymous_client.post(html, {"decision": "approve"})
        assert response.status_code == 302, html
        assert response["Location"].startswith("/accounts/login/")
        answer = anonymous_client.post(
            f"/api/v1{api}", data=body or {}, content_type="application/json"
        )
        assert answer.status_code == 401, api
    assert anonymous_client.post(f"/affinity/{affinity.pk}/leave/").status_code == 302
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING


@pytest.mark.parametrize("persona", ["mentor", "alumnus"])
def test_people_outside_the_cohort_reach_nothing(
    request: pytest.FixtureRequest, affinity: AffinityGroup, pending: JoinRequest, api_as: Api,
    persona: str,
) -> None:  # fmt: skip
    user = request.getfixturevalue(persona)
    client = signed_in_client(user)
    api = api_as(user)
    for html, path, body in _write_routes(affinity, pending):
        assert client.post(html, {"decision": "approve"}).status_code == 404, html
        assert api.post(path, body).status_code == 404, path
    assert client.post(f"/affinity/{affinity.pk}/leave/").status_code == 404
    assert api.post(f"/affinity/groups/{affinity.pk}/leave").status_code == 404
    assert api.get("/affinity/groups").json()["items"] == []
    assert api.get("/affinity/queue").json()["items"] == []
    assert api.get("/affinity/me/requests").json()["items"] == []
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING
    assert not JoinRequest.objects.filter(person=user).exists()


@pytest.mark.parametrize("persona", ["groupmate", "outsider", "facilitator", "other_facilitator"])
def test_others_cannot_withdraw_or_decide_someone_elses_request(
    request: pytest.FixtureRequest, affinity: AffinityGroup, pending: JoinRequest, api_as: Api,
    persona: str,
) -> None:  # fmt: skip
    user = request.getfixturevalue(persona)
    client = signed_in_client(user)
    api = api_as(user)
    for html, path, body in _write_routes(affinity, pending)[1:]:
        assert client.post(html, {"decision": "approve"}).status_code == 404, html
        assert api.post(path, body).status_code == 404, path
    assert "my sister knows" not in client.get("/affinity/requests/").content.decode()
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING
    assert not GroupMembership.objects.filter(group=affinity.group, user=pending.person).exists()


def test_staff_cannot_ask_to_join(
    affinity: AffinityGroup, facilitator: User, affinity_lead: User, api_as: Api
) -> None:
    for user in (facilitator, affinity_lead):
        response = api_as(user).post(f"/affinity/groups/{affinity.pk}/requests", {})
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "not_in_cohort"


def test_reading_routes_refuse_get_on_writes(
    participant_client: Client, affinity: AffinityGroup, pending: JoinRequest
) -> None:
    for html, _api, _body in _write_routes(affinity, pending):
        assert participant_client.get(html).status_code == 405, html


def test_a_bad_decision_names_the_field(
    affinity_lead: User, pending: JoinRequest, api_as: Api
) -> None:
    client = signed_in_client(affinity_lead)
    response = client.post(
        f"/affinity/requests/{pending.pk}/decide/", {"decision": "maybe"}, follow=True
    )
    assert "Decision" in response.content.decode()
    answer = api_as(affinity_lead).post(
        f"/affinity/requests/{pending.pk}/decision", {"approve": True, "message": "x" * 1001}
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "message"
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING
