from __future__ import annotations

from tests.gatherings.conftest import (
    frozen_clock,
    game_night,
    other_program,
    reunion,
    stranger_admin,
    stranger_alumnus,
)

__all__ = [
    "frozen_clock",
    "game_night",
    "other_program",
    "reunion",
    "stranger_admin",
    "stranger_alumnus",
]
