from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from commonroom.accounts import views as account_views
from commonroom.api.api import api
from commonroom.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("help/", core_views.help_now, name="help"),
    path("language/", core_views.set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("profile/", account_views.profile, name="profile"),
    path("people/<int:person_id>/", account_views.person, name="person"),
    path("idle/", account_views.idle_status, name="idle_status"),
    path("", include("commonroom.care.urls")),
    path("", include("commonroom.meetings.urls")),
    path("", include("commonroom.spaces.urls")),
    path("", include("commonroom.peers.affinity.urls")),
    path("", include("commonroom.gatherings.urls")),
    path("", include("commonroom.peers.alumni.urls")),
    path("", include("commonroom.peers.buddies.urls")),
    path("", include("commonroom.peers.mentors.urls")),
    path("", include("commonroom.safety.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("site-admin/", admin.site.urls),
]

handler404 = "commonroom.core.errors.not_found"
handler500 = "commonroom.core.errors.server_error"
handler403 = "commonroom.core.errors.forbidden"
handler400 = "commonroom.core.errors.bad_request"
