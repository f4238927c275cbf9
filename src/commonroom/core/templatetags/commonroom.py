from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """Looks a key up in a dict from a template: {{ rows|get_item:person.pk }}."""
    if hasattr(mapping, "get"):
        return mapping.get(key)
    return None
