from __future__ import annotations

import datetime as dt

from ninja import Schema


class FlagOut(Schema):
    id: int
    program_id: int
    subject_id: int
    subject_display_name: str
    kind: str
    source: str
    raised_by_display_name: str | None
    note: str
    status: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None


class FlagStatusIn(Schema):
    status: str
