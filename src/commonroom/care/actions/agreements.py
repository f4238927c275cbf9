"""Group agreements: versioned ground rules every participant accepts."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.access import current_agreement
from commonroom.care.models import AgreementAcceptance, AgreementVersion, Program
from commonroom.core.audit import AuditAction, record
from commonroom.core.validation import refuse


def do_publish_agreement(*, program: Program, body: str, published_by: User) -> AgreementVersion:
    body = body.strip()
    if len(body) < 20:
        raise refuse(
            "body", _("Write out the agreement; everyone will be asked to accept it."), "too_short"
        )
    with transaction.atomic():
        # Locking the program serialises publishing, so two admins cannot
        # both publish the same version number.
        Program.objects.select_for_update().filter(pk=program.pk).first()
        latest = program.agreements.aggregate(v=Max("version"))["v"] or 0
        agreement = AgreementVersion.objects.create(
            program=program, version=latest + 1, body=body, published_by=published_by
        )
        record(
            actor=published_by,
            action=AuditAction.AGREEMENT_PUBLISH,
            target=agreement,
            detail={"version": agreement.version},
        )
    return agreement


def do_accept_agreement(*, user: User, program: Program, version: int) -> AgreementAcceptance:
    """Accepting names the version the person read: if a newer one was
    published meanwhile, nothing is recorded and they are asked to read it."""
    with transaction.atomic():
        current = current_agreement(program.pk)
        if current is None:
            raise refuse(
                "version", _("This program has no group agreement to accept."), "no_agreement"
            )
        if version != current.version:
            raise refuse(
                "version",
                _(
                    "You accepted version %(old)s, but version %(new)s is now current. "
                    "Please read the new version and accept it."
                )
                % {"old": version, "new": current.version},
                "stale_agreement",
            )
        acceptance, created = AgreementAcceptance.objects.get_or_create(
            agreement=current, user=user
        )
        if created:
            record(
                actor=user,
                action=AuditAction.AGREEMENT_ACCEPT,
                target=current,
                subject=user,
                detail={"version": current.version},
            )
    return acceptance
