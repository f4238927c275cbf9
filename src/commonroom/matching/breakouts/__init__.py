"""Breakout rooms for a live group session: as many new pairings as possible,
every hard constraint kept (couples' policies, do-not-pair, language needs,
balanced rooms). Pure: no Django import. See `assign.py` for the entry points
and `_search.py` for the optimiser."""

from __future__ import annotations

from .assign import assign_breakouts, plan_rounds
from .metrics import count_repeat_pairs, find_violations, forced_pairs
from .model import (
    BreakoutPlan,
    BreakoutRequest,
    Couple,
    CouplePolicy,
    Infeasible,
    Person,
    PlanReport,
    Room,
    Rooms,
)

__all__ = [
    "BreakoutPlan",
    "BreakoutRequest",
    "Couple",
    "CouplePolicy",
    "Infeasible",
    "Person",
    "PlanReport",
    "Room",
    "Rooms",
    "assign_breakouts",
    "count_repeat_pairs",
    "find_violations",
    "forced_pairs",
    "plan_rounds",
]
