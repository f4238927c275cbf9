"""Search over the API, with the same access rules as the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from commonroom.api.pagination import paged
from commonroom.spaces import actions
from commonroom.spaces.render import to_html
from commonroom.spaces.search import MAX_QUERY_CHARS, MAX_RESULTS, search_messages

router = Router(tags=["spaces"])


class ResultOut(Schema):
    message_id: int
    space_id: int
    thread_id: int
    author: str
    html: str
    created_at: str


@router.get(
    "/search",
    response=list[ResultOut],
    description=f"The {MAX_RESULTS} best matches at most, best first, in pages like any list; "
    "narrow the words to find others.",
)
@paged
def search(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS),  # type: ignore[type-arg]
) -> list[dict[str, Any]]:
    return [
        {
            "message_id": m.pk,
            "space_id": m.space_id,
            "thread_id": m.thread_id,
            "author": actions.shown_author(m),
            "html": to_html(m.body),
            "created_at": m.created_at.isoformat(),
        }
        for m in search_messages(request.user, q)
    ]
