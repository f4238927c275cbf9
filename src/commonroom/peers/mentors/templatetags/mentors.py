"""``{% load mentors %}{% mentor_badge person.pk %}``: the badge next to a name.

The set of mentors is read once per request (cached on the request), so a
page with many names costs one query, not one per name."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from commonroom.peers.mentors.badge import peer_mentor_ids

register = template.Library()

_CACHE_ATTR = "_commonroom_peer_mentor_ids"


def _mentor_ids(context: template.Context) -> set[int]:
    request = context.get("request")
    if request is None:
        return peer_mentor_ids()
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is None:
        cached = peer_mentor_ids()
        setattr(request, _CACHE_ATTR, cached)
    return cached


@register.simple_tag(takes_context=True)
def mentor_badge(context: template.Context, user_id: Any) -> SafeString:
    if user_id is None:
        return mark_safe("")
    try:
        uid = int(user_id)
    except (TypeError, ValueError):
        return mark_safe("")
    if uid not in _mentor_ids(context):
        return mark_safe("")
    return mark_safe(render_to_string("mentors/partials/_badge.html"))  # noqa: S308 - our template
