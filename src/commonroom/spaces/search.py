"""Search within the spaces a person can see: PostgreSQL full-text search in
production, every word as a case-insensitive match on SQLite. Results are
filtered by the access policy before anything else, so a space the person
cannot see never contributes a result (nor a count)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q, QuerySet

from commonroom.accounts.models import User
from commonroom.spaces import access
from commonroom.spaces.models import Message

MAX_QUERY_CHARS = 200
MAX_RESULTS = 50


def search_messages(viewer: User | AnonymousUser, query: str) -> QuerySet[Message]:
    words = query.split()
    visible = Message.objects.filter(
        space__in=access.spaces_visible_to(viewer),
        deleted_at__isnull=True,
        hidden_at__isnull=True,
    ).select_related("space", "thread", "author")
    if not words:
        return visible.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("body", config="simple")
        search = SearchQuery(" ".join(words), config="simple", search_type="plain")
        return (
            visible.annotate(rank=SearchRank(vector, search))
            .filter(rank__gt=0)
            .order_by("-rank", "-created_at")[:MAX_RESULTS]
        )
    condition = Q()
    for word in words:
        condition &= Q(body__icontains=word)
    return visible.filter(condition).order_by("-created_at")[:MAX_RESULTS]
