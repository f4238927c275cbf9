"""The daily digest: opt-in, counts only, never text or a space's name, once
a day whatever the number of runs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import Client

from commonroom.accounts.models import User
from commonroom.spaces import actions
from commonroom.spaces.digest import enqueue_digests
from commonroom.spaces.models import DigestSent, DigestSubscription, Space, Thread

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)


def post(space: Space, thread: Thread, author: User, body: str) -> None:
    actions.do_post_message(
        space=space, author=author, body=body, client_id=uuid.uuid4(), thread=thread
    )


def test_nobody_gets_a_digest_without_opting_in(
    group_space: Space, thread: Thread, participant: User, groupmate: User
) -> None:
    post(group_space, thread, participant, "Hello everyone")
    assert enqueue_digests(now=NOW, base_url="https://cr.example") == 0
    assert mail.outbox == []


def test_the_digest_counts_new_messages_and_says_nothing_else(
    groupmate_client: Client,
    group_space: Space,
    thread: Thread,
    participant: User,
    groupmate: User,
) -> None:
    groupmate_client.post("/notifications/", {"digest": "on"})
    post(group_space, thread, participant, "My sponsor called today")
    post(group_space, thread, participant, "Feeling steadier")
    enqueue_digests(now=NOW, base_url="https://cr.example")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [groupmate.email]
    assert "2 new messages" in sent.body
    for secret in ("sponsor", "steadier", group_space.name, participant.display_name, "Group A"):
        assert secret not in sent.body
        assert secret not in sent.subject
    assert "https://cr.example/spaces/" in sent.body


def test_a_second_run_the_same_day_sends_nothing_more(
    groupmate_client: Client, group_space: Space, thread: Thread, participant: User
) -> None:
    groupmate_client.post("/notifications/", {"digest": "on"})
    post(group_space, thread, participant, "Hi")
    enqueue_digests(now=NOW, base_url="https://cr.example")
    enqueue_digests(now=NOW, base_url="https://cr.example")
    assert len(mail.outbox) == 1
    assert DigestSent.objects.count() == 1


def test_nothing_new_means_no_email(groupmate_client: Client) -> None:
    groupmate_client.post("/notifications/", {"digest": "on"})
    enqueue_digests(now=NOW, base_url="https://cr.example")
    assert mail.outbox == []


def test_turning_it_off(groupmate_client: Client, groupmate: User) -> None:
    groupmate_client.post("/notifications/", {"digest": "on"})
    groupmate_client.post("/notifications/", {})
    assert not DigestSubscription.objects.get(user=groupmate).enabled


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    assert client.get("/notifications/").status_code == 302
    assert client.post("/notifications/", {"digest": "on"}).status_code == 302
    assert not DigestSubscription.objects.exists()
