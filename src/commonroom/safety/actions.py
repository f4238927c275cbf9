"""Every change to a flag: raised, acknowledged, resolved. Each is audited
(a flag is protected data) and nothing about it goes into an event payload;
the subject's staff are told by a durable task that names no detail."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.models import Program
from commonroom.core.audit import AuditAction, record
from commonroom.core.tasks import enqueue_with_change
from commonroom.core.validation import refuse
from commonroom.safety.models import (
    FLAG_TRANSITIONS,
    NOTE_MAX_CHARS,
    Flag,
    FlagKind,
    FlagSource,
    FlagStatus,
)
from commonroom.safety.tasks import notify_flag_staff


def do_raise_flag(
    *,
    program: Program,
    subject: User,
    kind: str,
    source: str,
    raised_by: User | None,
    note: str = "",
) -> Flag:
    if kind not in FlagKind.values:
        raise refuse("kind", _("Choose what kind of concern this is."), "invalid")
    if source not in FlagSource.values:
        raise refuse("source", _("Unknown source."), "invalid")
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise refuse(
            "note",
            _("A note can be at most %(max)d characters; this one has %(count)d.")
            % {"max": NOTE_MAX_CHARS, "count": len(note)},
            "too_long",
        )
    with transaction.atomic():
        flag = Flag.objects.create(
            program=program,
            subject=subject,
            kind=kind,
            source=source,
            raised_by=raised_by,
            note=note,
        )
        record(
            actor=raised_by,
            action=AuditAction.FLAG_RAISE,
            target=flag,
            subject=subject,
            detail={"kind": kind, "source": source},
        )
        enqueue_with_change(notify_flag_staff, flag.pk)
    return flag


def do_set_flag_status(*, flag: Flag, status: str, changed_by: User) -> Flag:
    if status not in FlagStatus.values:
        raise refuse("status", _("Choose acknowledged or resolved."), "invalid")
    with transaction.atomic():
        flag = Flag.objects.select_for_update().get(pk=flag.pk)
        if status == flag.status:
            return flag
        if status not in FLAG_TRANSITIONS[flag.status]:
            raise refuse(
                "status",
                _("A flag that is %(current)s cannot become %(new)s.")
                % {"current": flag.get_status_display(), "new": FlagStatus(status).label},
                "invalid_transition",
            )
        now = timezone.now()
        if status == FlagStatus.ACKNOWLEDGED:
            flag.acknowledged_at, flag.acknowledged_by = now, changed_by
        else:
            flag.resolved_at, flag.resolved_by = now, changed_by
            if flag.acknowledged_at is None:
                flag.acknowledged_at, flag.acknowledged_by = now, changed_by
        previous = flag.status
        flag.status = status
        flag.save()
        record(
            actor=changed_by,
            action=AuditAction(f"flag.{status}"),
            target=flag,
            subject=flag.subject,
            detail={"from": previous},
        )
    return flag
