"""The audit log stops serialising writers on one row and keys its chain.

Entries take their seq from the database's sequence and carry their own
HMAC; the chain moves to append-only seals written by a sealing job (see
core/audit.py). Existing entries keep their seq: their old SHA-256 chain is
checked once here, they get a uid and a keyed mac, and the next seal chains
them in seq order. A broken old chain stops the migration rather than be
sealed over."""

import hashlib
import json
import uuid
from datetime import UTC

from django.db import migrations, models

GENESIS = "0" * 64

GUARDED_TABLES = ("core_auditentry", "core_auditseal")


def _drop_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;"
        )
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update;")


def _add_guards(apps, schema_editor):
    # 0002 made the function core_auditentry_append_only(); both tables use it.
    vendor = schema_editor.connection.vendor
    for table in GUARDED_TABLES:
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();"
            )
        elif vendor == "sqlite":
            # SQLite guards edits only: Django's test flush empties tables with
            # DELETE, and verify catches removed rows.
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
            )


def _legacy_hash(entry) -> str:
    # The SHA-256 chain of 0001/0002, frozen here.
    canonical = json.dumps(
        [
            entry.seq,
            entry.at.astimezone(UTC).isoformat(),
            entry.actor_id,
            entry.action,
            entry.target_type,
            entry.target_id,
            entry.subject_id,
            entry.ip,
            entry.detail,
            entry.prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _key_legacy_entries(apps, schema_editor):
    from commonroom.core.audit import entry_mac

    AuditEntry = apps.get_model("core", "AuditEntry")
    prev = GENESIS
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.prev_hash != prev or _legacy_hash(entry) != entry.hash:
            raise RuntimeError(
                f"The audit log is broken at entry {entry.seq}; run `commonroom audit verify` "
                "on the previous release and investigate before upgrading."
            )
        prev = entry.hash
        entry.uid = uuid.uuid4()
        entry.mac = entry_mac(entry)
        entry.save(update_fields=["uid", "mac"])


def _continue_the_sequence(apps, schema_editor):
    # PostgreSQL's new identity starts at 1; existing entries already hold
    # seqs from there. SQLite takes MAX(rowid) + 1 by itself.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('core_auditentry', 'seq'), "
            "COALESCE(MAX(seq), 1), MAX(seq) IS NOT NULL) FROM core_auditentry;"
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [
        migrations.RunPython(_drop_guards, migrations.RunPython.noop),
        migrations.AddField(
            model_name="auditentry",
            name="uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="mac",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(_key_legacy_entries),
        migrations.AlterField(
            model_name="auditentry",
            name="uid",
            field=models.UUIDField(editable=False, unique=True),
        ),
        migrations.RemoveField(model_name="auditentry", name="prev_hash"),
        migrations.RemoveField(model_name="auditentry", name="hash"),
        migrations.RemoveField(model_name="auditentry", name="id"),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        migrations.RunPython(_continue_the_sequence, migrations.RunPython.noop),
        migrations.RunPython(
            lambda apps, schema_editor: apps.get_model("core", "AuditChainHead")
            .objects.all()
            .delete()
        ),
        migrations.RemoveField(model_name="auditchainhead", name="last_seq"),
        migrations.RemoveField(model_name="auditchainhead", name="last_hash"),
        migrations.AddField(
            model_name="auditchainhead",
            name="last_position",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="last_mac",
            field=models.CharField(default=GENESIS, max_length=64),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="scan_from",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="mac",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("position", models.PositiveBigIntegerField(primary_key=True, serialize=False)),
                ("entry_seq", models.PositiveBigIntegerField(unique=True)),
                ("mac", models.CharField(max_length=64)),
            ],
            options={"ordering": ["position"]},
        ),
        migrations.RunPython(_add_guards),
    ]
