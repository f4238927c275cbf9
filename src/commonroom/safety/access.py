"""Who sees a flag: the subject's facilitators (groups they are in now, in the
flag's program) and the program's admins. Nobody else, ever: not the subject,
not their peers, not the mentor who raised it, not another group's
facilitator."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from commonroom.accounts.models import User
from commonroom.care.models import GroupMembership
from commonroom.core import access as core_access
from commonroom.safety.models import Flag


def flags_visible_to(viewer: User | AnonymousUser) -> QuerySet[Flag]:
    if not core_access.is_signed_in(viewer):
        return Flag.objects.none()
    uid = core_access.viewer_id(viewer)
    if viewer.is_superuser:
        return Flag.objects.exclude(subject_id=uid)
    facilitates_subject = GroupMembership.objects.filter(
        user_id=OuterRef("subject_id"),
        left_at__isnull=True,
        group__program_id=OuterRef("program_id"),
        group__facilitators__pk=uid,
    )
    return Flag.objects.filter(
        Q(program_id__in=core_access.administered_program_ids(viewer)) | Exists(facilitates_subject)
    ).exclude(subject_id=uid)


def access_flag(viewer: User | AnonymousUser, flag_id: int, *, for_write: bool = False) -> Flag:
    """The flag for its staff (reading and changing its status), else 404."""
    flag = (
        flags_visible_to(viewer)
        .select_related("subject", "program", "raised_by")
        .filter(pk=flag_id)
        .first()
    )
    if flag is None:
        raise Http404
    return flag


def is_flag_staff(viewer: User | AnonymousUser) -> bool:
    """May open the flags list at all: staff somewhere."""
    return core_access.is_staff_member(viewer)
