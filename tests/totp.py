"""RFC 6238 codes for tests, computed independently of allauth."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time


def current_code(secret: str, *, at: float | None = None, step_offset: int = 0) -> str:
    key = base64.b32decode(secret)
    counter = int((time.time() if at is None else at) // 30) + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"
