"""The signed room links in pages: `{% room_link session %}`,
`{% room_link session "breakout" %}`."""

from __future__ import annotations

from typing import Any

from django import template

from commonroom.meetings import rooms
from commonroom.meetings.models import Session

register = template.Library()


@register.simple_tag(takes_context=True)
def room_link(context: dict[str, Any], session: Session, purpose: str = "session") -> str:
    # Signed for whoever views the page, so the link in one person's markup
    # is refused when anyone else follows it.
    return rooms.room_link(session=session, person=context["request"].user, purpose=purpose)
