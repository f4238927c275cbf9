"""The ninja API root. Each app keeps its own router in its ``api.py``."""

from __future__ import annotations

from ninja import NinjaAPI

from commonroom.api import errors
from commonroom.api.auth import bearer

api = NinjaAPI(
    title="Commonroom API",
    version="1",
    description="Everything the Commonroom web pages do, as JSON. Authenticate with "
    "POST /api/v1/auth/token, then send Authorization: Bearer <token>. Every list "
    "comes in pages: ?limit= (1 to 200, default 50) and ?offset=, answered with "
    '{"items": [...], "count": N, "next": path or null}.',
    auth=bearer,
    urls_namespace="api",
    docs_url=None,
    parser=errors.TextCheckingParser(),
)
errors.install(api)


def _mount() -> None:
    from commonroom.accounts.api import router as accounts_router
    from commonroom.care.api import router as care_router
    from commonroom.gatherings.api import router as gatherings_router
    from commonroom.meetings.api import router as meetings_router
    from commonroom.meetings.console_api import router as console_router
    from commonroom.peers.affinity.api import router as affinity_router
    from commonroom.peers.alumni.api import router as alumni_router
    from commonroom.peers.buddies.api import router as buddies_router
    from commonroom.peers.mentors.api import router as mentors_router
    from commonroom.safety.api import router as flags_router
    from commonroom.spaces.api import router as spaces_router
    from commonroom.spaces.checkin_api import router as checkin_router
    from commonroom.spaces.goal_api import router as goal_router
    from commonroom.spaces.moderation_api import router as moderation_router
    from commonroom.spaces.resource_api import router as resource_router
    from commonroom.spaces.search_api import router as search_router

    api.add_router("", accounts_router)
    api.add_router("", care_router)
    api.add_router("", meetings_router)
    api.add_router("", console_router)
    api.add_router("", spaces_router)
    api.add_router("", checkin_router)
    api.add_router("", goal_router)
    api.add_router("", search_router)
    api.add_router("", resource_router)
    api.add_router("", moderation_router)
    api.add_router("", affinity_router)
    api.add_router("", gatherings_router)
    api.add_router("", alumni_router)
    api.add_router("", buddies_router)
    api.add_router("", mentors_router)
    api.add_router("", flags_router)


_mount()
