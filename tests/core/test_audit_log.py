"""The audit log is hash-chained and `commonroom audit verify` detects tampering."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commonroom.accounts.models import User
from commonroom.core.audit import record, verify
from commonroom.core.models import AuditChainHead, AuditEntry

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


def test_verify_names_the_first_edited_entry(participant: User) -> None:
    _write_entries(participant)
    AuditEntry.objects.filter(seq=3).update(actor_id=999)
    with pytest.raises(CommandError, match="Audit log broken at entry 3: was altered"):
        call_command("audit", "verify")


def test_verify_notices_a_removed_entry(participant: User) -> None:
    _write_entries(participant)
    AuditEntry.objects.filter(seq=2).delete()
    broken = verify()
    assert broken is not None
    assert broken.seq == 2


def test_verify_notices_removed_entries_at_the_end(participant: User) -> None:
    _write_entries(participant)
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
