"""Asking, approving, declining, withdrawing and leaving, with bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import GroupMembership, Phase, TherapyGroup
from commonroom.core.models import AuditEntry
from commonroom.peers.affinity.models import AffinityGroup, JoinRequest, RequestStatus
from commonroom.realtime.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

Api = Callable[[User | None], Any]


def _is_member(user: User, group: TherapyGroup) -> bool:
    return GroupMembership.objects.filter(group=group, user=user, left_at__isnull=True).exists()


def test_every_program_gets_the_default_catalogue(program: object) -> None:
    keys = set(AffinityGroup.objects.filter(program=program).values_list("key", flat=True))
    assert keys == {
        "lgbtq", "veterans", "bipoc", "co_occurring", "women", "men", "young_adults",
        "couples", "faith_based", "secular",
    }  # fmt: skip


def test_installing_the_catalogue_again_adds_nothing_and_keeps_renames(program: Any) -> None:
    from commonroom.peers.affinity.catalogue import install_default_catalogue

    AffinityGroup.objects.filter(program=program, key="men").update(name="Men's circle")
    assert install_default_catalogue(program) == 0
    assert AffinityGroup.objects.get(program=program, key="men").name == "Men's circle"


def test_naming_leads_starts_an_affinity_group_with_spaces(
    affinity: AffinityGroup, affinity_lead: User
) -> None:
    group = affinity.group
    assert group is not None
    assert group.kind == "affinity"
    assert list(group.facilitators.all()) == [affinity_lead]
    assert group.spaces.filter(kind="general", allow_alias=True).exists()


def test_ask_and_approve_over_html(
    affinity: AffinityGroup,
    affinity_group: TherapyGroup,
    participant: User,
    participant_client: Client,
    affinity_lead: User,
    client_for: Callable[[User], Client],
) -> None:
    response = participant_client.post(
        f"/affinity/{affinity.pk}/ask/", {"note": "I came out last year."}
    )
    assert response.status_code == 302
    join_request = JoinRequest.objects.get(person=participant)
    assert join_request.status == RequestStatus.PENDING
    assert not _is_member(participant, affinity_group)

    lead = client_for(affinity_lead)
    queue = lead.get("/affinity/requests/").content.decode()
    assert "Sam" in queue
    assert "I came out last year." in queue
    response = lead.post(
        f"/affinity/requests/{join_request.pk}/decide/", {"decision": "approve", "message": ""}
    )
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == RequestStatus.APPROVED
    assert join_request.decided_by == affinity_lead
    assert _is_member(participant, affinity_group)
    page = participant_client.get(f"/affinity/{affinity.pk}/").content.decode()
    assert "You are a member" in page


def test_the_note_is_never_in_the_audit_log(
    affinity: AffinityGroup, participant: User, participant_client: Client
) -> None:
    participant_client.post(f"/affinity/{affinity.pk}/ask/", {"note": "very private words"})
    entry = AuditEntry.objects.get(action="affinity.request")
    assert entry.subject_id == participant.pk
    assert "very private" not in str(entry.detail)


def test_decline_with_a_kind_message_over_api(
    affinity: AffinityGroup,
    affinity_group: TherapyGroup,
    participant: User,
    affinity_lead: User,
    api_as: Api,
) -> None:
    asked = api_as(participant).post(f"/affinity/groups/{affinity.pk}/requests", {"note": ""})
    assert asked.status_code == 201
    request_id = asked.json()["id"]
    assert api_as(affinity_lead).get("/affinity/queue").json()["items"][0]["id"] == request_id
    decided = api_as(affinity_lead).post(
        f"/affinity/requests/{request_id}/decision",
        {"approve": False, "message": "The group is full this month; ask again in June."},
    )
    assert decided.status_code == 200
    assert decided.json()["status"] == "declined"
    assert not _is_member(participant, affinity_group)
    mine = api_as(participant).get("/affinity/me/requests").json()["items"]
    assert mine[0]["decision_message"].startswith("The group is full")
    page = _client(participant).get(f"/affinity/{affinity.pk}/").content.decode()
    assert "ask again in June" in page


def _client(user: User) -> Client:
    from tests.conftest import signed_in_client

    return signed_in_client(user)


def test_withdraw_then_ask_again(affinity: AffinityGroup, participant: User, api_as: Api) -> None:
    api = api_as(participant)
    first = api.post(f"/affinity/groups/{affinity.pk}/requests", {}).json()["id"]
    assert api.post(f"/affinity/requests/{first}/withdraw").json()["status"] == "withdrawn"
    second = api.post(f"/affinity/groups/{affinity.pk}/requests", {})
    assert second.status_code == 201


def test_a_second_pending_request_is_refused(
    affinity: AffinityGroup, participant: User, api_as: Api
) -> None:
    api = api_as(participant)
    assert api.post(f"/affinity/groups/{affinity.pk}/requests", {}).status_code == 201
    again = api.post(f"/affinity/groups/{affinity.pk}/requests", {})
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "pending"
    assert JoinRequest.objects.filter(person=participant).count() == 1


def test_an_over_long_note_names_the_field_and_writes_nothing(
    affinity: AffinityGroup, participant: User, api_as: Api, participant_client: Client
) -> None:
    response = api_as(participant).post(
        f"/affinity/groups/{affinity.pk}/requests", {"note": "x" * 1001}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "note"
    html = participant_client.post(f"/affinity/{affinity.pk}/ask/", {"note": "x" * 1001})
    assert html.status_code == 422
    assert not JoinRequest.objects.exists()


def test_someone_elses_request_cannot_be_withdrawn(
    affinity: AffinityGroup, participant: User, groupmate: User, api_as: Api,
    groupmate_client: Client,
) -> None:  # fmt: skip
    request_id = (
        api_as(participant).post(f"/affinity/groups/{affinity.pk}/requests", {}).json()["id"]
    )
    assert api_as(groupmate).post(f"/affinity/requests/{request_id}/withdraw").status_code == 404
    assert groupmate_client.post(f"/affinity/requests/{request_id}/withdraw/").status_code == 404
    assert JoinRequest.objects.get(pk=request_id).status == RequestStatus.PENDING


def test_a_stale_decision_is_refused(
    affinity: AffinityGroup, participant: User, affinity_lead: User, admin: User, api_as: Api
) -> None:
    request_id = (
        api_as(participant).post(f"/affinity/groups/{affinity.pk}/requests", {}).json()["id"]
    )
    assert (
        api_as(affinity_lead)
        .post(f"/affinity/requests/{request_id}/decision", {"approve": False})
        .status_code
        == 200
    )
    late = api_as(admin).post(f"/affinity/requests/{request_id}/decision", {"approve": True})
    assert late.status_code == 422
    assert late.json()["error"]["code"] == "already_decided"
    assert JoinRequest.objects.get(pk=request_id).status == RequestStatus.DECLINED


def test_a_withdrawn_request_cannot_be_approved(
    affinity: AffinityGroup, affinity_group: TherapyGroup, participant: User,
    affinity_lead: User, api_as: Api,
) -> None:  # fmt: skip
    api = api_as(participant)
    request_id = api.post(f"/affinity/groups/{affinity.pk}/requests", {}).json()["id"]
    api.post(f"/affinity/requests/{request_id}/withdraw")
    late = api_as(affinity_lead).post(
        f"/affinity/requests/{request_id}/decision", {"approve": True}
    )
    assert late.status_code == 422
    assert not _is_member(participant, affinity_group)


@pytest.mark.parametrize("decider", ["facilitator", "other_facilitator", "groupmate", "mentor"])
def test_only_the_groups_leads_and_admins_decide(
    request: pytest.FixtureRequest, affinity: AffinityGroup, affinity_group: TherapyGroup,
    participant: User, api_as: Api, decider: str,
) -> None:  # fmt: skip
    request_id = (
        api_as(participant).post(f"/affinity/groups/{affinity.pk}/requests", {}).json()["id"]
    )
    who = request.getfixturevalue(decider)
    refused = api_as(who).post(f"/affinity/requests/{request_id}/decision", {"approve": True})
    assert refused.status_code == 404
    html = _client(who).post(f"/affinity/requests/{request_id}/decide/", {"decision": "approve"})
    assert html.status_code == 404
    assert api_as(who).get("/affinity/queue").json()["items"] == []
    assert not _is_member(participant, affinity_group)


def test_a_lead_of_one_affinity_group_cannot_decide_for_another(
    program: Any, admin: User, affinity_lead: User, participant: User, api_as: Api
) -> None:
    from commonroom.peers.affinity.actions import do_update_affinity_group

    other_lead = factories.UserFactory(display_name="Vet lead")
    factories.add_role(other_lead, program, "facilitator")
    veterans = do_update_affinity_group(
        affinity=AffinityGroup.objects.get(program=program, key="veterans"),
        changed_by=admin,
        changes={},
        facilitator_ids=[other_lead.pk],
    )
    request_id = (
        api_as(participant).post(f"/affinity/groups/{veterans.pk}/requests", {}).json()["id"]
    )
    refused = api_as(affinity_lead).post(
        f"/affinity/requests/{request_id}/decision", {"approve": True}
    )
    assert refused.status_code == 404


def test_leaving_is_private_and_closes_membership(
    members: list[User], affinity: AffinityGroup, affinity_group: TherapyGroup,
    participant: User, participant_client: Client,
) -> None:  # fmt: skip
    before = Event.objects.count()
    response = participant_client.post(f"/affinity/{affinity.pk}/leave/")
    assert response.status_code == 302
    assert not _is_member(participant, affinity_group)
    assert Event.objects.count() == before  # nobody is told
    again = participant_client.post(f"/affinity/{affinity.pk}/leave/", follow=True)
    assert "You are not in this group." in again.content.decode()


def test_leave_over_api_and_not_a_member(
    members: list[User], affinity: AffinityGroup, participant: User, groupmate: User,
    api_as: Api,
) -> None:  # fmt: skip
    assert api_as(participant).post(f"/affinity/groups/{affinity.pk}/leave").status_code == 204
    refused = api_as(groupmate).post(f"/affinity/groups/{affinity.pk}/leave")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "not_member"


@pytest.mark.parametrize("phase", [Phase.COMPLETED, Phase.DISCHARGED])
def test_people_outside_the_cohort_cannot_ask(
    affinity: AffinityGroup, program: Any, api_as: Api, phase: str
) -> None:
    person = factories.UserFactory(display_name="Former")
    factories.enroll(person, program, phase)
    response = api_as(person).post(f"/affinity/groups/{affinity.pk}/requests", {})
    assert response.status_code == 404
    assert not JoinRequest.objects.exists()


def test_a_closed_group_refuses_requests(
    affinity: AffinityGroup, admin: User, participant: User, api_as: Api
) -> None:
    api_as(admin).patch(f"/affinity/groups/{affinity.pk}", {"accepting_requests": False})
    response = api_as(participant).post(f"/affinity/groups/{affinity.pk}/requests", {})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "closed"


def test_decision_reaches_only_the_person_and_no_email(
    affinity: AffinityGroup, participant: User, affinity_lead: User, admin: User,
    facilitator: User, api_as: Api,
) -> None:  # fmt: skip
    request_id = (
        api_as(participant)
        .post(f"/affinity/groups/{affinity.pk}/requests", {"note": "hello"})
        .json()["id"]
    )
    asked = {e.stream.key: e.payload for e in Event.objects.filter(kind="affinity.request")}
    assert asked == {
        f"user.{affinity_lead.pk}": {"request_id": request_id},
        f"user.{admin.pk}": {"request_id": request_id},
    }
    api_as(affinity_lead).post(f"/affinity/requests/{request_id}/decision", {"approve": True})
    decided = [(e.stream.key, e.payload) for e in Event.objects.filter(kind="affinity.decision")]
    assert decided == [(f"user.{participant.pk}", {"request_id": request_id, "status": "approved"})]
    assert mail.outbox == []


def test_admin_edits_the_catalogue(
    program: Any, admin: User, admin_client: Client, affinity_lead: User, api_as: Api
) -> None:
    created = api_as(admin).post(
        f"/affinity/programs/{program.pk}/catalogue",
        {"name": "Parents", "description": "For parents in recovery."},
    )
    assert created.status_code == 201
    entry_id = created.json()["id"]
    assert created.json()["key"] == "parents"
    patched = api_as(admin).patch(
        f"/affinity/groups/{entry_id}",
        {"name": "Parents & carers", "facilitator_ids": [affinity_lead.pk]},
    )
    assert patched.status_code == 200
    assert patched.json()["facilitator_ids"] == [affinity_lead.pk]
    assert TherapyGroup.objects.get(pk=patched.json()["group_id"]).name == "Parents & carers"
    duplicate = api_as(admin).post(
        f"/affinity/programs/{program.pk}/catalogue", {"name": "Veterans"}
    )
    assert duplicate.status_code == 422
    assert duplicate.json()["error"]["field"] == "name"
    page = admin_client.post(f"/programs/{program.pk}/affinity/", {"name": "", "description": ""})
    assert page.status_code == 422


def test_archiving_declines_pending_requests(
    affinity: AffinityGroup, participant: User, admin: User, admin_client: Client, api_as: Api
) -> None:
    request_id = (
        api_as(participant).post(f"/affinity/groups/{affinity.pk}/requests", {}).json()["id"]
    )
    assert admin_client.post(f"/affinity/{affinity.pk}/archive/").status_code == 302
    assert JoinRequest.objects.get(pk=request_id).status == RequestStatus.DECLINED
    assert api_as(participant).get(f"/affinity/groups/{affinity.pk}").status_code == 404


def test_a_full_group_refuses_the_approval_and_keeps_the_request(
    affinity: AffinityGroup, affinity_group: TherapyGroup, participant: User,
    affinity_lead: User, api_as: Api,
) -> None:  # fmt: skip
    TherapyGroup.objects.filter(pk=affinity_group.pk).update(capacity=1)
    filler = factories.UserFactory(display_name="Filler")
    factories.enroll(filler, affinity.program, Phase.ACTIVE)
    factories.join(filler, affinity_group)
    request_id = (
        api_as(participant).post(f"/affinity/groups/{affinity.pk}/requests", {}).json()["id"]
    )
    refused = api_as(affinity_lead).post(
        f"/affinity/requests/{request_id}/decision", {"approve": True}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "group_full"
    assert JoinRequest.objects.get(pk=request_id).status == RequestStatus.PENDING


def test_affinity_pages_follow_only_the_persons_own_stream(
    affinity: AffinityGroup, participant: User, participant_client: Client
) -> None:
    for path in ("/affinity/", f"/affinity/{affinity.pk}/", "/affinity/requests/"):
        page = participant_client.get(path).content.decode()
        assert f'data-stream="user.{participant.pk}"' in page, path
        assert "affinity/affinity_live.js" in page, path


def test_staff_reads_of_the_queue_are_audited_without_the_note(
    affinity: AffinityGroup, participant: User, affinity_lead: User, api_as: Api,
    client_for: Callable[[User], Client],
) -> None:  # fmt: skip
    api_as(participant).post(f"/affinity/groups/{affinity.pk}/requests", {"note": "my words"})
    client_for(affinity_lead).get("/affinity/requests/")
    api_as(affinity_lead).get("/affinity/queue")
    entries = AuditEntry.objects.filter(action="affinity.queue.read")
    assert [(e.actor_id, e.subject_id) for e in entries] == [
        (affinity_lead.pk, participant.pk),
        (affinity_lead.pk, participant.pk),
    ]
    assert all("my words" not in str(e.detail) for e in entries)


def test_default_names_follow_the_readers_language_until_renamed(program: Any) -> None:
    from django.utils import translation

    from commonroom.care.preferences import AFFINITY_CATALOGUE

    veterans = AffinityGroup.objects.get(program=program, key="veterans")
    with translation.override("es"):
        assert veterans.shown_name == str(AFFINITY_CATALOGUE["veterans"])
        assert veterans.shown_name == "Veteranos/as"
    veterans.name = "Service members"
    with translation.override("es"):
        assert veterans.shown_name == "Service members"
