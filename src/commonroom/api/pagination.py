"""One way to page every list the API returns: ``limit`` and ``offset`` in
the query, and ``{"items": [...], "count": N, "next": "..."}`` back, so a
client always knows how much there is and never meets a silent cut.

Operations wear ``@paged``. One that must act on just the page it
returns (an audited read records what it showed) wears ``@paged_by_hand``,
finds the ``PageIn`` as ``kwargs["page"]`` and returns ``page_of(...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase, paginate

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageIn(Schema):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"How many items, 1 to {MAX_LIMIT}."
    )
    offset: int = Field(0, ge=0, description="How many items to skip.")


@dataclass(frozen=True)
class PageOf:
    """A page an operation cut itself (see the module note)."""

    items: list[Any]
    count: int
    limit: int
    offset: int


def _count(items: QuerySet[Any] | Sequence[Any]) -> int:
    return items.count() if isinstance(items, QuerySet) else len(items)


def page_of(items: QuerySet[Any] | Sequence[Any], page: PageIn) -> PageOf:
    return PageOf(
        items=list(items[page.offset : page.offset + page.limit]),
        count=_count(items),
        limit=page.limit,
        offset=page.offset,
    )


def _next(request: HttpRequest, page: PageOf) -> str | None:
    following = page.offset + page.limit
    if following >= page.count:
        return None
    query = request.GET.copy()
    query["offset"] = str(following)
    query["limit"] = str(page.limit)
    return f"{request.path}?{urlencode(sorted(query.items()))}"


class Page(PaginationBase):
    class Input(PageIn):
        pass

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="How many items there are in all.")
        next: str | None = Field(description="The path of the next page; null on the last page.")

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page = queryset if isinstance(queryset, PageOf) else page_of(queryset, pagination)
        return {"items": page.items, "count": page.count, "next": _next(request, page)}


def _typed[F: Callable[..., Any]](func: F) -> F:
    """Resolves the operation's string annotations in its own module: ninja
    reads them through the pagination wrapper, whose module is ninja's, and
    would not find names such as ``date`` there."""
    for name, annotation in list(func.__annotations__.items()):
        if isinstance(annotation, str) and name != "return":
            func.__annotations__[name] = eval(annotation, func.__globals__)  # noqa: S307
    return func


def paged[F: Callable[..., Any]](func: F) -> F:
    paged_func: F = paginate(Page)(_typed(func))
    return paged_func


def paged_by_hand[F: Callable[..., Any]](func: F) -> F:
    # "page" names the keyword the operation receives, not a secret.
    paged_func: F = paginate(Page, pass_parameter="page")(_typed(func))  # noqa: S106
    return paged_func
