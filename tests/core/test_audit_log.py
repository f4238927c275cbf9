"""The audit log is sealed into a keyed chain and `commonroom audit verify`
detects tampering by someone who can write the tables but lacks the key."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.core.audit import (
    LATE_COMMIT_MARGIN,
    AuditAction,
    entry_mac,
    head_mac,
    record,
    seal,
    seal_mac,
    verify,
)
from commonroom.core.models import AuditChainHead, AuditEntry, AuditSeal
from tests.core.tamper import audit_guard_lifted

pytestmark = pytest.mark.django_db


def _write_entries(person: User, count: int = 5) -> list[AuditEntry]:
    return [
        record(
            actor=person,
            action=AuditAction.PROFILE_READ,
            target=person,
            subject=person,
            detail={"n": n},
        )
        for n in range(count)
    ]


def _rechain(*, key: bytes) -> None:
    """What an attacker without the key does after an edit: recompute every
    mac and seal with a key of their own."""
    with override_settings(AUDIT_KEY=key), audit_guard_lifted():
        prev = "0" * 64
        for sealed in AuditSeal.objects.order_by("position"):
            entry = AuditEntry.objects.get(seq=sealed.entry_seq)
            entry.mac = entry_mac(entry)
            entry.save(update_fields=["mac"])
            sealed.mac = seal_mac(
                position=sealed.position, entry_seq=entry.seq, entry_mac=entry.mac, prev=prev
            )
            sealed.save(update_fields=["mac"])
            prev = sealed.mac
        head = AuditChainHead.objects.get()
        head.last_mac = prev
        head.mac = head_mac(head)
        head.save()


def test_verify_passes_on_an_untouched_log(
    participant: User, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_entries(participant)
    call_command("audit", "verify")
    assert "5 entries verified" in capsys.readouterr().out
    assert AuditSeal.objects.count() == 5


def test_a_committed_entry_is_sealed_by_the_job_it_requests(
    participant: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (entry,) = _write_entries(participant, 1)
    assert AuditSeal.objects.get().entry_seq == entry.seq


def test_sealing_twice_chains_each_entry_once(participant: User) -> None:
    _write_entries(participant, 3)
    assert seal() == 3
    assert seal() == 0
    assert verify() is None


def test_seal_command_says_how_many_it_chained(
    participant: User, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_entries(participant, 2)
    call_command("audit", "seal")
    assert "2 new entries chained" in capsys.readouterr().out


def test_the_database_refuses_to_edit_entries(participant: User) -> None:
    (first, *_rest) = _write_entries(participant, 2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=first.seq).update(actor_id=999)
    assert verify() is None


def test_the_database_refuses_to_edit_seals(participant: User) -> None:
    _write_entries(participant, 2)
    seal()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditSeal.objects.filter(position=1).update(mac="0" * 64)
    assert verify() is None


def test_postgresql_also_refuses_to_delete_entries(participant: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite guards edits only; deletions are caught by verify")
    (_first, second) = _write_entries(participant, 2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=second.seq).delete()
    assert verify() is None


def test_verify_names_the_first_edited_entry(participant: User) -> None:
    entries = _write_entries(participant)
    seal()
    with audit_guard_lifted():
        AuditEntry.objects.filter(seq=entries[2].seq).update(actor_id=999)
    with pytest.raises(
        CommandError, match=f"Audit log broken at entry {entries[2].seq}: was altered"
    ):
        call_command("audit", "verify")


def test_verify_notices_a_removed_entry(participant: User) -> None:
    entries = _write_entries(participant)
    seal()
    with audit_guard_lifted():
        AuditEntry.objects.filter(seq=entries[1].seq).delete()
    broken = verify()
    assert broken is not None
    assert broken.seq == entries[1].seq


def test_verify_notices_an_entry_removed_with_its_seal(participant: User) -> None:
    entries = _write_entries(participant)
    seal()
    with audit_guard_lifted():
        AuditEntry.objects.filter(seq=entries[1].seq).delete()
        AuditSeal.objects.filter(entry_seq=entries[1].seq).delete()
    broken = verify()
    assert broken is not None
    assert broken.seq == entries[2].seq


def test_verify_notices_removed_entries_and_seals_at_the_end(participant: User) -> None:
    entries = _write_entries(participant)
    seal()
    with audit_guard_lifted():
        AuditEntry.objects.filter(seq__gte=entries[3].seq).delete()
        AuditSeal.objects.filter(entry_seq__gte=entries[3].seq).delete()
    broken = verify()
    assert broken is not None
    assert broken.seq == entries[3].seq


def test_verify_notices_an_inserted_entry(participant: User) -> None:
    _write_entries(participant, 3)
    seal()
    forged = AuditEntry(
        uid=uuid.uuid4(),
        at=timezone.now(),
        actor_id=participant.pk,
        action=AuditAction.FLAG_READ,
        subject_id=participant.pk,
        detail={},
    )
    with override_settings(AUDIT_KEY=b"a guess at the key, without it"):
        forged.mac = entry_mac(forged)
    forged.save(force_insert=True)
    broken = verify()
    assert broken is not None
    assert broken.seq == forged.seq
    assert "not written by Commonroom" in broken.reason
    assert not AuditSeal.objects.filter(entry_seq=forged.seq).exists()


def test_verify_notices_a_reordered_chain(participant: User) -> None:
    """Two sealed entries swap places, each carrying its own valid mac."""
    entries = _write_entries(participant, 4)
    seal()
    first, second = entries[1], entries[2]
    fields = ["uid", "at", "actor_id", "action", "subject_id", "detail", "mac"]
    with audit_guard_lifted():
        AuditEntry.objects.filter(seq=second.seq).update(uid=uuid.uuid4())
        for source, into in ((second, first.seq), (first, second.seq)):
            AuditEntry.objects.filter(seq=into).update(
                **{name: getattr(source, name) for name in fields}
            )
    broken = verify()
    assert broken is not None
    assert broken.seq == first.seq
    assert broken.reason == "does not chain onto the entry before it"


def test_verify_notices_a_chain_recomputed_without_the_key(participant: User) -> None:
    entries = _write_entries(participant)
    seal()
    with audit_guard_lifted():
        AuditEntry.objects.filter(seq=entries[2].seq).update(detail={"n": 42})
    _rechain(key=b"the attacker's own key, not ours")
    broken = verify()
    assert broken is not None
    assert broken.seq == entries[0].seq


def test_the_chain_end_cannot_be_wound_back(participant: User) -> None:
    """Removing the last seals and pointing the head at the one before,
    without the key, is noticed."""
    entries = _write_entries(participant, 3)
    seal()
    before_last = AuditSeal.objects.get(position=2)
    with audit_guard_lifted():
        AuditSeal.objects.filter(position=3).delete()
        AuditEntry.objects.filter(seq=entries[2].seq).delete()
    AuditChainHead.objects.update(last_position=2, last_mac=before_last.mac)
    broken = verify()
    assert broken is not None
    assert broken.reason == "entries sealed after this point were removed"


def test_an_entry_that_commits_late_is_sealed_after_later_ones(participant: User) -> None:
    """A lower seq committing after higher ones were sealed (sequences hand
    out seqs at insert, transactions commit in their own order)."""
    low_seq = _write_entries(participant, 1)[0].seq
    with audit_guard_lifted():
        AuditEntry.objects.filter(seq=low_seq).delete()  # frees the seq
    _write_entries(participant, 2)
    seal()
    late = AuditEntry(
        seq=low_seq,
        uid=uuid.uuid4(),
        at=timezone.now(),
        actor_id=participant.pk,
        action=AuditAction.CHECKIN_CREATE,
        subject_id=participant.pk,
        detail={},
    )
    late.mac = entry_mac(late)
    late.save(force_insert=True)
    assert seal() == 1
    assert AuditSeal.objects.get(entry_seq=low_seq).position == 3
    assert verify(seal_first=False) is None


def test_verify_seals_an_entry_below_the_quick_scan(participant: User) -> None:
    """Once the quick scan has moved past a seq, a transaction that held it
    for longer than the margin is still sealed by verify, not reported."""
    low_seq = _write_entries(participant, 1)[0].seq
    with audit_guard_lifted():
        AuditEntry.objects.filter(seq=low_seq).delete()
    with time_machine.travel(timezone.now() - 2 * LATE_COMMIT_MARGIN, tick=False):
        _write_entries(participant, 2)
    seal()
    assert AuditChainHead.objects.get().scan_from > low_seq
    late = AuditEntry(
        seq=low_seq,
        uid=uuid.uuid4(),
        at=timezone.now() - timedelta(hours=1),
        actor_id=participant.pk,
        action=AuditAction.CHECKIN_CREATE,
        detail={},
    )
    late.mac = entry_mac(late)
    late.save(force_insert=True)
    assert seal() == 0
    assert verify() is None
    assert AuditSeal.objects.filter(entry_seq=low_seq).exists()


def test_verify_passes_on_the_demo_and_fails_once_a_row_is_edited(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The issue's acceptance test; CI runs it on SQLite and on PostgreSQL."""
    from commonroom.care.actions import do_change_phase
    from commonroom.care.models import Enrollment

    call_command("seed_demo")
    admin = User.objects.get(email="admin@demo.test")
    enrollment = Enrollment.objects.get(user__email="participant@demo.test")
    do_change_phase(
        enrollment_id=enrollment.pk, to_phase="step_down", reason="Goals met", changed_by=admin
    )
    call_command("audit", "verify")
    assert "entries verified" in capsys.readouterr().out
    middle = AuditEntry.objects.order_by("seq").first()
    assert middle is not None
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk=middle.pk).update(detail={"from": "active", "to": "completed"})
    with pytest.raises(CommandError, match=f"Audit log broken at entry {middle.seq}"):
        call_command("audit", "verify")


def test_a_list_read_writes_one_entry_per_person_naming_their_rows(
    facilitator: User, participant: User, groupmate: User
) -> None:
    from commonroom.core.audit import audited_reads

    rows = [participant, groupmate, participant]
    audited_reads(
        facilitator,
        action=AuditAction.PROFILE_READ,
        rows=rows,
        subject_of=lambda person: person,
        ids_key="people",
    )
    entries = AuditEntry.objects.filter(action="profile.read").order_by("subject_id")
    assert [(e.subject_id, e.detail) for e in entries] == sorted(
        [
            (participant.pk, {"people": [participant.pk, participant.pk]}),
            (groupmate.pk, {"people": [groupmate.pk]}),
        ]
    )
    assert {e.actor_id for e in entries} == {facilitator.pk}


def test_record_refuses_an_action_outside_the_vocabulary(participant: User) -> None:
    with pytest.raises(TypeError, match="AuditAction members"):
        record(actor=participant, action="profile.read")  # type: ignore[arg-type]
    assert not AuditEntry.objects.exists()


def test_a_blanked_chain_head_stops_sealing_and_fails_verify(participant: User) -> None:
    """Winding the end back and blanking the head's mac, so that sealing
    would re-key it, is refused rather than sealed over."""
    entries = _write_entries(participant, 3)
    seal()
    before_last = AuditSeal.objects.get(position=2)
    with audit_guard_lifted():
        AuditSeal.objects.filter(position=3).delete()
        AuditEntry.objects.filter(seq=entries[2].seq).delete()
    AuditChainHead.objects.update(last_position=2, last_mac=before_last.mac, mac="")
    _write_entries(participant, 1)
    assert seal() == 0
    broken = verify()
    assert broken is not None
    assert broken.reason == "entries sealed after this point were removed"


def test_a_removed_chain_head_fails_verify_without_a_crash(participant: User) -> None:
    _write_entries(participant, 2)
    seal()
    AuditChainHead.objects.all().delete()
    broken = verify()
    assert broken is not None
    assert broken.reason == "entries sealed after this point were removed"


def test_recording_an_entry_is_one_insert_without_a_lock(
    participant: User, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1) as queries:
        record(actor=participant, action=AuditAction.PROFILE_READ, subject=participant)
    assert queries.captured_queries[0]["sql"].startswith('INSERT INTO "core_auditentry"')


class _Queue:
    """Stands in for the seal job's queue: counts requests, runs nothing."""

    def __init__(self) -> None:
        self.requests = 0

    def enqueue(self) -> None:
        self.requests += 1


def test_a_list_read_in_one_transaction_asks_for_one_seal(
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    participant: User,
    groupmate: User,
    facilitator: User,
) -> None:
    from commonroom.core import tasks
    from commonroom.core.audit import AuditAction, record

    queue = _Queue()
    monkeypatch.setattr(tasks, "seal_audit_log", queue)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for person in (participant, groupmate, participant):
            record(actor=facilitator, action=AuditAction.FLAG_READ, subject=person)
    assert queue.requests == 1


@pytest.mark.django_db(transaction=True)  # real commits, so on_commit runs as in production
def test_a_queued_seal_covers_later_commits_until_it_starts(
    monkeypatch: pytest.MonkeyPatch, participant: User, facilitator: User
) -> None:
    from commonroom.core import tasks
    from commonroom.core.audit import AuditAction, record

    real_job = tasks.seal_audit_log
    queue = _Queue()
    monkeypatch.setattr(tasks, "seal_audit_log", queue)
    for _ in range(3):
        with transaction.atomic():
            record(actor=facilitator, action=AuditAction.FLAG_READ, subject=participant)
    assert queue.requests == 1
    assert real_job.call() >= 3  # the queued job starts and seals all three
    with transaction.atomic():
        record(actor=facilitator, action=AuditAction.FLAG_READ, subject=participant)
    assert queue.requests == 2  # committed after it started: a job of its own
