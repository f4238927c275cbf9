from __future__ import annotations

import copy
import os
from collections.abc import AsyncIterator
from typing import Any

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


@pytest.fixture(autouse=True)
def _own_channel_layer_prefix(settings: Any) -> None:
    """Parallel test processes share one Redis and number their people the
    same way, so without a prefix of its own one process's ``user.3`` hints
    reach the other's sockets."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    config = layers["default"].get("CONFIG")
    if config is not None and "hosts" in config:
        config["prefix"] = f"asgi-test-{os.getpid()}"
        settings.CHANNEL_LAYERS = layers
