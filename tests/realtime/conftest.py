from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from asgiref.sync import sync_to_async
from django.db import connections


@pytest.fixture(autouse=True)
async def _close_thread_connections() -> AsyncIterator[None]:
    """Database work done through sync_to_async runs in a worker thread whose
    connection outlives the test; close it so the test database can be
    dropped."""
    yield
    await sync_to_async(connections.close_all)()
