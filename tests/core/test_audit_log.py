"""The audit log is hash-chained and `commonroom audit verify` detects tampering."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commonroom.accounts.models import User
from commonroom.core.audit import record, verify
from commonroom.core.models import AuditChainHead, AuditEntry
from tests.core.tamper import audit_guard_lifted

pytestmark = pytest.mark.django_db


def _write_entries(person: User, count: int = 5) -> None:
    for n in range(count):
        record(actor=person, action="profile.read", target=person, subject=person, detail={"n": n})


def test_verify_passes_on_an_untouched_log(
    participant: User, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_entries(participant)
    call_command("audit", "verify")
    assert "5 entries verified" in capsys.readouterr().out


def test_the_database_refuses_to_edit_entries(participant: User) -> None:
    from django.db import DatabaseError, transaction

    _write_entries(participant, 2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(actor_id=999)
    assert verify() is None


def test_postgresql_also_refuses_to_delete_entries(participant: User) -> None:
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite guards edits only; deletions are caught by verify")
    _write_entries(participant, 2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=2).delete()
    assert verify() is None


def test_verify_names_the_first_edited_entry(participant: User) -> None:
    _write_entries(participant)
    with audit_guard_lifted():
        AuditEntry.objects.filter(seq=3).update(actor_id=999)
    with pytest.raises(CommandError, match="Audit log broken at entry 3: was altered"):
        call_command("audit", "verify")


def test_verify_notices_a_removed_entry(participant: User) -> None:
    _write_entries(participant)
    with audit_guard_lifted():
        AuditEntry.objects.filter(seq=2).delete()
    broken = verify()
    assert broken is not None
    assert broken.seq == 2


def test_verify_notices_removed_entries_at_the_end(participant: User) -> None:
    _write_entries(participant)
    with audit_guard_lifted():
        AuditEntry.objects.filter(seq__gte=4).delete()
    broken = verify()
    assert broken is not None
    assert broken.seq == 4


def test_verify_notices_a_rewritten_chain_tail(participant: User) -> None:
    """Recomputing one entry's hash is not enough: the next one no longer chains."""
    from commonroom.core.audit import _hash_of

    _write_entries(participant)
    entry = AuditEntry.objects.get(seq=2)
    entry.detail = {"n": 42}
    entry.hash = _hash_of(entry)
    with audit_guard_lifted():
        entry.save()
    broken = verify()
    assert broken is not None
    assert broken.seq == 3


def test_entries_chain_in_order(participant: User) -> None:
    _write_entries(participant, 3)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == "0" * 64
    assert entries[1].prev_hash == entries[0].hash
    assert AuditChainHead.objects.get().last_hash == entries[-1].hash


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
