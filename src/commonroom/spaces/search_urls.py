from __future__ import annotations

from django.urls import path

from commonroom.spaces import search_views

urlpatterns = [path("search/", search_views.search, name="search")]
