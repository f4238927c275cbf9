"""Search page: messages in the spaces the person can see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from commonroom.spaces import actions
from commonroom.spaces.render import to_html
from commonroom.spaces.search import MAX_QUERY_CHARS, search_messages


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    error = ""
    results = []
    if len(query) > MAX_QUERY_CHARS:
        error = _("Search for at most %(max)d characters.") % {"max": MAX_QUERY_CHARS}
    elif query:
        results = [
            {"message": m, "author": actions.shown_author(m), "html": to_html(m.body)}
            for m in search_messages(request.user, query)
        ]
    return render(
        request, "spaces/search.html", {"query": query, "results": results, "error": error}
    )
