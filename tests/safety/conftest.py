from __future__ import annotations

from tests.peers.mentors.conftest import mentor_profile, mentorship

__all__ = ["mentor_profile", "mentorship"]
