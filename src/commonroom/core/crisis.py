"""Crisis resources shown by "Get help now", per program, with US defaults."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.models import Program
from commonroom.core import access as core_access


@dataclass(frozen=True, slots=True)
class Resource:
    name: str
    detail: str
    phone: str = ""
    sms: str = ""
    url: str = ""


def default_resources() -> list[Resource]:
    return [
        Resource(
            name=_("988 Suicide & Crisis Lifeline"),
            detail=_("Call or text 988, any time, day or night. Free and confidential."),
            phone="988",
            sms="988",
        ),
        Resource(
            name=_("Emergency services"),
            detail=_("If you or someone else is in immediate danger, call 911."),
            phone="911",
        ),
    ]


def _from_program(program: Program) -> list[Resource]:
    resources = []
    for item in program.crisis_resources or []:
        if not isinstance(item, dict) or not item.get("name"):
            continue
        resources.append(
            Resource(
                name=str(item["name"]),
                detail=str(item.get("detail", "")),
                phone=str(item.get("phone", "")),
                sms=str(item.get("sms", "")),
                url=str(item.get("url", ""))
                if str(item.get("url", "")).startswith("https://")
                else "",
            )
        )
    return resources


def resources_for(viewer: User | AnonymousUser) -> list[tuple[Program | None, list[Resource]]]:
    """One list per program the person belongs to, or the defaults."""
    sections: list[tuple[Program | None, list[Resource]]] = []
    seen: set[int] = set()
    for role in core_access.roles_of(viewer):
        if role.program_id in seen:
            continue
        seen.add(role.program_id)
        own = _from_program(role.program)
        if own:
            sections.append((role.program, own))
    if not sections:
        sections.append((None, default_resources()))
    return sections
